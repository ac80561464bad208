"""Forms of the organisation pages, and the number parsing every app's pages share."""

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import QUALIFICATION_LEVELS, QualificationKind
from .uploads import validate_scan

MAX_ID_DIGITS = 18
"""Longest whole number a page reads: anything longer overflows the database's integers."""


def whole_number(text: str | None) -> int | None:
    """`text` as a whole number if it is written in ASCII digits only, else None.

    `str.isdigit` accepts "٣" or "²", and `int` reads "٣" as 3 and fails on "²": an id or a
    revision typed or forged that way is refused instead of read as something else.
    """
    if not text or len(text) > MAX_ID_DIGITS or not (text.isascii() and text.isdigit()):
        return None
    return int(text)


def refuse_foreign_digits(value, message) -> None:
    """Raise ValidationError(`message`) if the typed `value` holds anything but ASCII:
    Python reads digits of other scripts ("٣", "３") as numbers nobody meant to type."""
    if isinstance(value, str) and not value.isascii():
        raise ValidationError(message, code="invalid")


class WholeNumberField(forms.IntegerField):
    """An integer field that accepts ASCII digits only (see `refuse_foreign_digits`)."""

    def to_python(self, value):
        refuse_foreign_digits(value, self.error_messages["invalid"])
        return super().to_python(value)


class LoginForm(AuthenticationForm):
    """Django's sign-in form with messages a clerk can act on."""

    error_messages = {
        "invalid_login": _(
            "Tên đăng nhập hoặc mật khẩu không đúng. Hãy kiểm tra lại; mật khẩu phân biệt "
            "chữ hoa và chữ thường."
        ),
        "inactive": _("Tài khoản này đã bị khóa. Hãy liên hệ phòng Tổ chức cán bộ."),
    }


class DirectorySearchForm(forms.Form):
    """The directory's filters: a code or part of a name, and optionally one unit."""

    q = forms.CharField(
        label=_("Tìm theo mã hoặc họ tên"),
        required=False,
        max_length=100,
        strip=True,
        widget=forms.TextInput(
            attrs={"type": "search", "autocomplete": "off", "spellcheck": "false"}
        ),
        help_text=_("Gõ có dấu hoặc không dấu, ví dụ: “Nguyễn Văn An”, “nguyen van an”, “BX0012”."),
    )
    unit = forms.TypedChoiceField(label=_("Đơn vị"), required=False, coerce=int, empty_value=None)

    def __init__(self, *args, units=(), **kwargs):
        """`units`: the units the user may open, in tree order (the choices of `unit`)."""
        super().__init__(*args, **kwargs)
        top = min((unit.depth for unit in units), default=0)
        self.fields["unit"].choices = [("", _("Tất cả đơn vị được xem"))] + [
            (unit.pk, "— " * (unit.depth - top) + unit.name) for unit in units
        ]


class AsOfForm(forms.Form):
    """The day a page shows the organisation as it was (or will be); empty means today."""

    on = forms.DateField(
        label=_("Xem theo ngày"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class CatalogueImportForm(forms.Form):
    """The spreadsheet of the agency's work-product catalogue to import (`hrsystem.imports`)."""

    file = forms.FileField(
        label=_("Tệp danh mục (.xlsx hoặc .csv)"),
        help_text=_("Dòng 1 là tên cột như tệp mẫu; mỗi dòng sau là một sản phẩm."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("Chọn tệp cần nhập.")},
    )


class OrganisationImportForm(forms.Form):
    """The workbook of the agency's organisation to check, and why it is imported
    (`hrsystem.org_import`)."""

    file = forms.FileField(
        label=_("Tệp tổ chức (.xlsx cả các trang, hoặc .csv một trang)"),
        help_text=_("Dòng 1 của mỗi trang là tên cột như tệp mẫu."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("Chọn tệp cần nhập.")},
    )
    reason = forms.CharField(
        label=_("Lý do nhập"),
        max_length=100,
        help_text=_("Ghi vào lịch sử thay đổi của từng dòng được nhập."),
        error_messages={"required": _("Hãy ghi lý do nhập tệp.")},
    )


class QualificationForm(forms.Form):
    """A degree, training or certificate; the level is chosen among all kinds' levels and
    checked against the kind by the service."""

    kind = forms.ChoiceField(label=_("Loại"), choices=QualificationKind.choices)
    level = forms.ChoiceField(
        label=_("Trình độ"),
        choices=[
            (QualificationKind(kind).label, [(code, label) for code, label in levels])
            for kind, levels in QUALIFICATION_LEVELS.items()
        ],
    )
    field = forms.CharField(label=_("Chuyên ngành, ngôn ngữ"), max_length=255, required=False)
    institution = forms.CharField(label=_("Cơ sở đào tạo, cấp"), max_length=255, required=False)
    awarded_on = forms.DateField(
        label=_("Ngày cấp"),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    evidence = forms.CharField(label=_("Số hiệu văn bằng, chứng chỉ"), max_length=100)
    evidence_file = forms.FileField(
        label=_("Bản chụp văn bằng, chứng chỉ"),
        required=False,
        validators=[validate_scan],
        help_text=_("Ảnh JPEG, PNG hoặc tệp PDF; chỉ người được xem hồ sơ mới mở được."),
    )
