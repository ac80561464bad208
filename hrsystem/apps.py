from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HrsystemConfig(AppConfig):
    name = "hrsystem"
    verbose_name = _("Tổ chức và nhân sự")

    def ready(self):
        from . import (
            exports,  # noqa: F401 - registers the background export's job kind
            import_jobs,  # noqa: F401 - registers the organisation import's job kind
        )
