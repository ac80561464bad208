"""The organisation's list pages as Excel tables (`hrsystem.exports`)."""

from django.utils.translation import gettext_lazy as _

from hrsystem.exports import Column, Table


def _joined(values) -> str:
    return "; ".join(str(value) for value in values)


DIRECTORY = Table(
    title=_("Danh bạ cán bộ"),
    filename="danh-ba-can-bo",
    columns=[
        Column(_("Họ và tên"), "full_name"),
        Column(_("Mã cán bộ"), "code"),
        Column(
            _("Đơn vị"),
            lambda employee: _joined(a.unit.name for a in employee.assignments_today),
        ),
        Column(
            _("Vị trí việc làm"),
            lambda employee: _joined(a.job_position.name for a in employee.assignments_today),
        ),
        Column(
            _("Chức vụ"),
            lambda employee: _joined(
                f"{post.get_kind_display()} {post.unit.name}" for post in employee.posts_today
            ),
        ),
    ],
)


def unit_staff_table(unit) -> Table:
    """A unit's staff on a day (`selectors.unit_staff` members), as its page lists them."""
    return Table(
        title=str(unit.name),
        filename=f"can-bo-{unit.code}",
        columns=[
            Column(_("Họ và tên"), "employee.full_name"),
            Column(_("Mã cán bộ"), "employee.code"),
            Column(_("Vị trí việc làm"), "assignment.job_position.name"),
            Column(
                _("Chức vụ"), lambda member: _joined(p.get_kind_display() for p in member.posts)
            ),
            Column(_("Loại"), lambda member: member.employee.get_category_display()),
            Column(_("Về đơn vị từ"), "assignment.start"),
        ],
    )
