from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnnualConfig(AppConfig):
    name = "evaluation.annual"
    label = "annual"
    verbose_name = _("Đánh giá, xếp loại năm")
