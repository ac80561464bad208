"""The monthly cycle's long steps as background jobs (`hrsystem.services.jobs`).

Each is split by top-level unit subtree where the rules allow it, then ends with an
agency pass:

- `evaluation.recompute` (HR): a part per top-level unit re-scores that unit's subtree
  (its people, units and heads; a monthly quota counts one unit's people, so it never
  crosses subtrees) with `adapters.period_recompute(units=…)`, which reads and writes
  only that subtree and the root; the final pass re-scores the root's scope (the agency
  leader's unit and its `d`, reading the levels the parts have just stored). The result
  equals one whole recompute. The parts serialise on the period's row lock, so on
  several workers they still run one after the other: the split bounds each
  transaction and reports progress, it does not parallelise one agency's month.
- `evaluation.period_open` (HR): the period and its rows in one transaction
  (`services.period_open(score=False)`), then the same parts and final pass as a
  recompute.
- `evaluation.sign_off` (the agency leader): the same parts, then `period_sign_off`
  approves every unit and moves the period in one transaction, re-scoring the root's
  scope only.
- `evaluation.publish` (the agency leader or HR): one task, no parts. Publishing is one
  `UPDATE … WHERE` of the evaluations and one `INSERT … SELECT` of their history,
  atomic with the period's state: split, a reader could see a half-published month.

Running a job twice gives the same rows: the second run finds nothing changed.
"""

from __future__ import annotations

from datetime import date

from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation import models, services
from evaluation.adapters import period_recompute
from evaluation.models import PeriodState
from evaluation.services.common import _fail, _on, _period_states
from hrsystem import permissions
from hrsystem.models import Unit
from hrsystem.service_checks import require
from hrsystem.services import JobKind, job_kind

DUES = ("self_assessment_due", "scoring_due", "unit_submission_due", "sign_off_due")


def _period(job) -> models.Period:
    period = models.Period.objects.select_related("organisation", "rule_set").get(
        pk=job.params["period"]
    )
    require(job.organisation is not None and period.organisation_id == job.organisation.pk)
    return period


def _root_id(period: models.Period) -> int:
    return Unit.objects.get(organisation_id=period.organisation_id, parent=None).pk


def _subtrees(period: models.Period) -> list[dict]:
    """A part per top-level unit of the agency: {"unit": id}."""
    return [
        {"unit": pk}
        for pk in Unit.objects.filter(
            organisation_id=period.organisation_id, parent__parent=None, parent__isnull=False
        )
        .order_by("path")
        .values_list("pk", flat=True)
    ]


def _rescore_subtree(job, part: dict) -> None:
    """Re-score one top-level unit's subtree (and the root's scope, redone at the end)."""
    period = _period(job)
    top = Unit.objects.get(pk=part["unit"], organisation_id=period.organisation_id)
    job.progress(job.row.done, message=top.name, force=True)
    units = Unit.objects.filter(path__startswith=top.path).values_list("pk", flat=True)
    period_recompute(period=period, by=job.by, units=list(units))


def _agency_pass(job, period: models.Period, parts_done: bool) -> None:
    """The root's scope after the parts, or the whole agency when it had no parts."""
    job.progress(job.row.done, message=_("Toàn cơ quan"), force=True)
    units = [_root_id(period)] if parts_done else None
    period_recompute(period=period, by=job.by, units=units)


def _overview(period: models.Period) -> str:
    return reverse("evaluation:overview", args=[period.pk])


# --- recompute ---------------------------------------------------------------------------


def _may_manage(user, organisation, params) -> bool:
    return organisation is not None and permissions.can_manage_org(user, organisation)


def _recompute_prepare(job) -> list[dict]:
    period = _period(job)
    require(permissions.can_manage_org(job.by, period.organisation))
    if period.state == PeriodState.LOCKED:
        _fail("period", _("Kỳ đánh giá đã khoá: kết quả giữ nguyên."))
    parts = _subtrees(period)
    job.remember(parts=len(parts))
    return parts


def _recompute_finish(job) -> dict:
    period = _period(job)
    _agency_pass(job, period, bool(job.params.get("parts")))
    return {
        "message": _("Đã tính lại kết quả %(period)s.") % {"period": period},
        "url": _overview(period),
    }


# --- opening a period --------------------------------------------------------------------


def _open_prepare(job) -> list[dict]:
    params = job.params
    rule_set = models.RuleSet.objects.filter(pk=params.get("rule_set")).first()
    period = services.period_open(
        organisation=job.organisation,
        year=params["year"],
        number=params["number"],
        rule_set=rule_set,
        by=job.by,
        score=False,
        **{name: date.fromisoformat(params[name]) for name in DUES if params.get(name)},
    )
    parts = _subtrees(period)
    job.remember(period=period.pk, parts=len(parts))
    return parts


def _open_finish(job) -> dict:
    period = _period(job)
    _agency_pass(job, period, bool(job.params.get("parts")))
    return {
        "message": _("Đã mở kỳ %(period)s.") % {"period": period},
        "url": reverse("evaluation:period_list"),
    }


# --- sign-off and publication ------------------------------------------------------------


def _may_sign_off(user, organisation, params) -> bool:
    period = models.Period.objects.filter(pk=params.get("period")).first()
    if organisation is None or period is None:
        return False
    return permissions.can_sign_off(user, organisation, _on(period))


def _sign_off_prepare(job) -> list[dict]:
    period = _period(job)
    _period_states(period, (PeriodState.SUBMITTED,))
    parts = _subtrees(period)
    job.remember(parts=len(parts))
    return parts


def _sign_off_finish(job) -> dict:
    period = _period(job)
    job.progress(job.row.done, message=_("Toàn cơ quan"), force=True)
    rescore = [_root_id(period)] if job.params.get("parts") else None
    period = services.period_sign_off(period=period, by=job.by, rescore=rescore)
    return {
        "message": _("Kỳ %(period)s: %(state)s.")
        % {"period": period, "state": period.get_state_display()},
        "url": _overview(period),
    }


def _may_publish(user, organisation, params) -> bool:
    if organisation is None:
        return False
    period = models.Period.objects.filter(pk=params.get("period")).first()
    if period is None:
        return False
    return permissions.can_sign_off(user, organisation, _on(period)) or (
        permissions.can_manage_org(user, organisation)
    )


def _publish_finish(job) -> dict:
    period = services.period_publish(period=_period(job), by=job.by)
    return {
        "message": _("Kỳ %(period)s: %(state)s.")
        % {"period": period, "state": period.get_state_display()},
        "url": _overview(period),
    }


job_kind(
    "evaluation.recompute",
    JobKind(
        gettext_lazy("Tính lại kết quả của kỳ"),
        _may_manage,
        _recompute_finish,
        prepare=_recompute_prepare,
        part=_rescore_subtree,
    ),
)
job_kind(
    "evaluation.period_open",
    JobKind(
        gettext_lazy("Mở kỳ đánh giá"),
        _may_manage,
        _open_finish,
        prepare=_open_prepare,
        part=_rescore_subtree,
    ),
)
job_kind(
    "evaluation.sign_off",
    JobKind(
        gettext_lazy("Phê duyệt kết quả toàn cơ quan"),
        _may_sign_off,
        _sign_off_finish,
        prepare=_sign_off_prepare,
        part=_rescore_subtree,
    ),
)
job_kind(
    "evaluation.publish",
    JobKind(gettext_lazy("Công bố kết quả"), _may_publish, _publish_finish),
)
