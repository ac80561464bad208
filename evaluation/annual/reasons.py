"""The legal basis of each annual reason code, and reasons as the year stores them.

The engine (`evaluation.scoring`) emits codes; the text comes from `evaluation.reasons`;
this module adds where each rule comes from, so a person's annual page can say why and
on what ground.
"""

from functools import lru_cache

from django.utils import translation
from django.utils.translation import gettext_lazy as _

from evaluation import reasons, scoring

LEGAL_BASIS = {
    scoring.NOT_RATED_FEW_MONTHS: _("Nghị định 335/2025/NĐ-CP, Điều 11 khoản 1 và 2"),
    scoring.CAPPED_ABSENCE: _(
        "Bộ quy tắc của cơ quan (số tháng nghỉ tối đa, theo thực tiễn Nghị định 90/2020/NĐ-CP)"
    ),
    scoring.DISCIPLINE_IN_YEAR: _("Nghị định 335/2025/NĐ-CP, Điều 20 khoản 4 điểm c"),
    scoring.DEGRADATION_CONCLUDED: _("Nghị định 335/2025/NĐ-CP, Điều 20 khoản 4 điểm b"),
    scoring.CORRUPTION_IN_UNIT: _("Nghị định 335/2025/NĐ-CP, Điều 20 khoản 4 điểm d"),
    scoring.HEAD_CAPPED_BY_UNIT: _(
        "Bộ quy tắc của cơ quan: trách nhiệm người đứng đầu theo kết quả của đơn vị"
    ),
    scoring.QUOTA_DOWNGRADE: _("Nghị định 335/2025/NĐ-CP, Điều 20 khoản 5 điểm a"),
    scoring.UNIT_LOW_ON_TIME_RATE: _(
        "Bộ quy tắc của cơ quan: mức sàn tỷ lệ hồ sơ giải quyết đúng hạn"
    ),
    scoring.NO_RATED_STAFF: "",
}
"""Reason code → where the rule comes from (empty: nothing to cite)."""

LEVELS_BASIS = _("Nghị định 335/2025/NĐ-CP, Điều 20 khoản 1 đến 4")
"""The thresholds that turn the annual score into a level."""


def stored(result_reasons) -> list[dict]:
    """Reasons as an annual result stores them: code, parameters, the text in the
    source language (Vietnamese, as the record reads) and the legal basis."""
    return [
        {"code": code, "params": [list(pair) for pair in params], "text": text, "basis": basis}
        for code, params, text, basis in _stored(tuple(result_reasons))
    ]


@lru_cache(maxsize=4096)
def _stored(result_reasons: tuple[scoring.Reason, ...]) -> tuple[tuple, ...]:
    """`stored`'s values, once per distinct list of reasons: a roll-up of 200,000 people
    repeats a few hundred, and each text costs a language switch and a translation."""
    with translation.override("vi"):
        return tuple(
            (
                reason.code,
                reason.params,
                reasons.reason_text(reason),
                str(LEGAL_BASIS.get(reason.code, "")),
            )
            for reason in result_reasons
        )


def shown(stored_reasons) -> list[dict]:
    """Stored reasons in the reader's language: code, text and legal basis."""
    out = []
    for item in stored_reasons or ():
        reason = scoring.Reason(item["code"], tuple(tuple(p) for p in item.get("params", ())))
        basis = LEGAL_BASIS.get(reason.code, "")
        out.append(
            {
                "code": reason.code,
                "params": dict(reason.params),
                "text": reasons.reason_text(reason),
                "basis": str(basis),
            }
        )
    return out
