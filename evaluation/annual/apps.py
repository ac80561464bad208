from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    name = "evaluation.annual"
    label = "annual"
    verbose_name = _("Đánh giá, xếp loại năm")

    def ready(self):
        from . import jobs  # noqa: F401 - registers the roll-up's job kind
