from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "evaluation"
    verbose_name = _("Đánh giá, xếp loại")

    def ready(self):
        from discipline import signals
        from hrsystem.service_checks import LOCKED_PERIOD_FINDERS

        from . import jobs, receivers, selectors  # noqa: F401 - jobs registers its kinds
        from .paper import jobs as paper_jobs  # noqa: F401 - the sheets' job kind

        LOCKED_PERIOD_FINDERS.append(selectors.locked_period_on)

        signals.violation_recorded.connect(receivers.violation_recorded)
        signals.contest_decided.connect(receivers.contest_decided)
