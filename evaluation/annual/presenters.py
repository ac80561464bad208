"""What the year's pages show, in words: a person's year step by step and the units
ranked with their level distribution. Reads only; every figure is the stored one."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evaluation import scoring
from evaluation.annual import models, reasons, selectors
from evaluation.models import Evaluation
from evaluation.presenters import level_label
from evaluation.rulesets import rule_set_from_snapshot

TITLE_LABELS = {
    scoring.TITLE_ADVANCED_WORKER: gettext_lazy("Lao động tiên tiến"),
    scoring.TITLE_EMULATION_SOLDIER: gettext_lazy("Chiến sĩ thi đua cơ sở"),
    scoring.TITLE_EXCELLENT_COLLECTIVE: gettext_lazy("Tập thể lao động xuất sắc"),
    scoring.TITLE_ADVANCED_COLLECTIVE: gettext_lazy("Tập thể lao động tiên tiến"),
}
LEVEL_ORDER = (scoring.TOP, scoring.GOOD, scoring.COMPLETE, scoring.FAIL)
CAP_CODES = (
    scoring.CAPPED_ABSENCE,
    scoring.DISCIPLINE_IN_YEAR,
    scoring.DEGRADATION_CONCLUDED,
    scoring.CORRUPTION_IN_UNIT,
)


def _number(value, places: int = 2) -> str:
    """A score as the reader's language writes it (94,00 / 94.00)."""
    return "" if value in (None, "") else number_format(Decimal(value), places)


def title_label(code: str) -> str:
    return str(TITLE_LABELS[code]) if code else ""


def _rules(run: models.AnnualRun | None):
    if run is None or not run.rule_set_snapshot:
        return None
    return rule_set_from_snapshot(run.rule_set_snapshot)


@dataclass
class Step:
    """One step of the year as the engine took it: what it did, why, on what ground."""

    title: str
    text: str
    basis: str = ""
    changed: bool = False
    details: list[str] = field(default_factory=list)


def explain(result: models.AnnualResult) -> dict:
    """A person's year step by step, then the level decided on it; 5 queries."""
    run = selectors.run_of(result.organisation, result.year)
    rules = _rules(run)
    label = (lambda level: level_label(rules, level)) if rules else (lambda level: level)
    months = list(
        Evaluation.objects.filter(
            employee_id=result.employee_id,
            is_current=True,
            period__in=run.periods.all() if run else [],
        )
        .order_by("period__number")
        .values("period__number", "absent", "joined_late", "not_rated", "total", "level")
    )
    leaves = list(
        models.MaternityLeave.objects.filter(
            organisation=result.organisation, year=result.year, employee_id=result.employee_id
        ).order_by("id")
    )
    unit = models.UnitAnnualResult.objects.filter(
        organisation=result.organisation, year=result.year, unit_id=result.unit_id
    ).first()
    shown = reasons.shown(result.reasons)
    by_code = {reason["code"]: reason for reason in shown}
    steps = []
    leave_months = sorted({m for leave in leaves for m in leave.months})
    worked = Step(
        _("Số tháng công tác"),
        _(
            "%(rated)s tháng được xếp loại, %(leave)s tháng nghỉ thai sản hoặc ốm đau hưởng "
            "bảo hiểm xã hội: %(worked)s tháng công tác."
        )
        % {
            "rated": result.months_rated,
            "leave": len(leave_months),
            "worked": result.months_worked,
        },
        str(reasons.LEGAL_BASIS[scoring.NOT_RATED_FEW_MONTHS]),
    )
    if leave_months:
        worked.details.append(
            _("Tháng nghỉ: %(months)s.") % {"months": ", ".join(str(m) for m in leave_months)}
        )
    steps.append(worked)
    if not result.rated:
        worked.changed = True
        worked.details.append(by_code[scoring.NOT_RATED_FEW_MONTHS]["text"])
        return _page(result, rules, months, label, steps, shown, unit)
    steps.append(
        Step(
            _("Điểm năm"),
            _(
                "Trung bình tổng điểm của %(n)s tháng được xếp loại là %(mean)s, làm tròn "
                "%(score)s: mức %(level)s theo thang điểm."
            )
            % {
                "n": result.months_rated,
                "mean": _number(result.mean, 4),
                "score": _number(result.score),
                "level": label(result.score_level),
            },
            str(reasons.LEVELS_BASIS),
        )
    )
    for code in CAP_CODES:
        if code in by_code:
            reason = by_code[code]
            steps.append(Step(_("Giới hạn mức xếp loại"), reason["text"], reason["basis"], True))
    if scoring.HEAD_CAPPED_BY_UNIT in by_code:
        reason = by_code[scoring.HEAD_CAPPED_BY_UNIT]
        steps.append(
            Step(
                _("Trách nhiệm người đứng đầu"),
                _("%(text)s Mức của đơn vị: %(level)s.")
                % {"text": reason["text"], "level": label(reason["params"].get("unit_level"))},
                reason["basis"],
                True,
            )
        )
    if scoring.QUOTA_DOWNGRADE in by_code:
        reason = by_code[scoring.QUOTA_DOWNGRADE]
        params = reason["params"]
        group = result.quota_group or _("toàn cơ quan (người không thuộc nhóm nào)")
        steps.append(
            Step(
                _("Tỷ lệ Hoàn thành xuất sắc"),
                _(
                    "Nhóm %(group)s có %(base)s người đạt từ mức Tốt trở lên, nên chỉ %(limit)s "
                    "người giữ mức %(top)s. Xếp theo điểm năm, rồi số tháng đạt mức cao nhất, "
                    "rồi điểm trung bình chưa làm tròn, rồi mã cán bộ, bạn đứng thứ %(rank)s "
                    "(điểm %(score)s, %(months)s tháng ở mức cao nhất, trung bình %(mean)s): "
                    "chuyển xuống mức %(good)s."
                )
                % {
                    "group": group,
                    "base": params.get("base"),
                    "limit": params.get("limit"),
                    "rank": params.get("rank"),
                    "top": label(scoring.TOP),
                    "good": label(scoring.GOOD),
                    "score": _number(result.score),
                    "months": result.months_at_top,
                    "mean": _number(result.mean, 4),
                },
                reason["basis"],
                True,
            )
        )
    return _page(result, rules, months, label, steps, shown, unit)


def _page(result, rules, months, label, steps, shown, unit) -> dict:
    decision = selectors.level_decision(result)
    return {
        "result": result,
        "decision": decision,
        "decided_label": label(decision.level) if decision else "",
        "level_label": label(result.level) if result.level else "",
        "title_label": title_label(result.title),
        "months": [
            {
                "number": m["period__number"],
                "total": m["total"],
                "label": label(m["level"]) if m["level"] else "",
                "absent": m["absent"],
            }
            for m in months
        ],
        "steps": steps,
        "reasons": shown,
        "unit_result": unit,
        "unit_level_label": label(unit.level) if unit and unit.level else "",
    }


def ranking(organisation, year: int, units: list, run) -> dict:
    """The units ranked with their level distribution; 1 query (the distribution)."""
    rules = _rules(run)
    counts = selectors.level_distribution(organisation, year)
    labels = [(level, level_label(rules, level) if rules else level) for level in LEVEL_ORDER]
    rows = []
    for row in units:
        own = counts.get(row.unit_id, {})
        rows.append(
            {
                "result": row,
                "level_label": level_label(rules, row.level) if rules and row.level else "",
                "title_label": title_label(row.title),
                "counts": [own.get(level, 0) for level, _label in labels],
            }
        )
    return {"rows": rows, "levels": labels}
