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
