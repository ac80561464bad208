"""Forms of the organisation pages."""

from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _


class LoginForm(AuthenticationForm):
    """Django's sign-in form with messages a clerk can act on."""

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại; mật khẩu phân biệt "
            "chữ hoa và chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ phòng Tổ chức cán bộ."),
    }
