"""The year's list pages as Excel tables (`hrsystem.exports`)."""

from django.utils.translation import gettext as _

from hrsystem.exports import Column, Table


def ranking_table(year: int, levels) -> Table:
    """The units' ranking (`presenters.ranking` rows), one column per level (`levels`:
    level, label) after the proposed title."""
    return Table(
        title=_("Xếp hạng đơn vị năm %(year)s") % {"year": year},
        filename=f"xep-hang-don-vi-{year}",
        columns=[
            Column(_("Hạng"), lambda row: row["result"].rank),
            Column(_("Mã đơn vị"), lambda row: row["result"].unit.code),
            Column(_("Đơn vị"), lambda row: row["result"].unit.name),
            Column(_("Điểm năm"), lambda row: row["result"].score),
            Column(_("Tỷ lệ đúng hạn (%)"), lambda row: row["result"].on_time_rate),
            Column(_("Mức"), lambda row: row["level_label"] or _("Không xếp loại")),
            Column(_("Danh hiệu đề xuất"), lambda row: row["title_label"]),
            *(
                Column(label, lambda row, index=index: row["counts"][index])
                for index, (_level, label) in enumerate(levels)
            ),
        ],
    )


def _decision(proposal) -> str:
    """The board's decision on a proposal: its outcome, the title kept and the votes."""
    decision = proposal.decision
    if decision is None:
        return ""
    return (
        f"{decision.get_outcome_display()}: {proposal.decision_label or '—'}"
        f" ({decision.votes_for}/{decision.votes_against})"
    )


def _months(proposal) -> str:
    return "; ".join(
        f"{_('Tháng')} {number}: {total if total is not None else '—'} {level or ''}".strip()
        for number, level, total in proposal.months
    )


def proposals_tables(year: int) -> tuple[Table, Table]:
    """The board's review lists: the people's proposed titles and the units'."""
    people = Table(
        title=_("Danh hiệu cá nhân năm %(year)s") % {"year": year},
        filename=f"de-xuat-danh-hieu-{year}",
        columns=[
            Column(_("Mã cán bộ"), "result.employee.code"),
            Column(_("Họ và tên"), "result.employee.full_name"),
            Column(_("Đơn vị"), "result.unit.name"),
            Column(_("Điểm năm"), "result.score"),
            Column(_("Mức"), "level_label"),
            Column(_("Các tháng"), _months),
            Column(_("Số vi phạm"), "violations"),
            Column(_("Kỷ luật"), lambda proposal: "; ".join(proposal.disciplines)),
            Column(_("Sáng kiến"), lambda proposal: "; ".join(proposal.initiatives)),
            Column(_("Đăng ký"), "registration"),
            Column(_("Đề xuất"), "title_label"),
            Column(_("Hội đồng"), _decision),
            Column(_("Lý do"), "decision.reason"),
        ],
    )
    units = Table(
        title=_("Danh hiệu tập thể năm %(year)s") % {"year": year},
        filename=f"de-xuat-danh-hieu-tap-the-{year}",
        columns=[
            Column(_("Hạng"), "result.rank"),
            Column(_("Đơn vị"), "result.unit.name"),
            Column(_("Điểm năm"), "result.score"),
            Column(_("Mức"), "level_label"),
            Column(_("Tỷ lệ đúng hạn (%)"), "result.on_time_rate"),
            Column(
                _("Đăng ký"),
                lambda proposal: (
                    proposal.registration.get_title_display() if proposal.registration else ""
                ),
            ),
            Column(_("Đề xuất"), "title_label"),
            Column(_("Hội đồng"), _decision),
            Column(_("Lý do"), "decision.reason"),
        ],
    )
    return people, units
