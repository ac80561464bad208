"""The discipline pages' sub-navigation, shown by what the person holds today.

It reads the posts and role grants the header already loaded for the request (no extra
query); every page still checks its own permission. A page that is not itself a tab
(a detail or a form) marks the tab of its section as current.
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from hrsystem.models import Role
from hrsystem.permissions import viewer

register = template.Library()

SECTIONS = {
    "inspection_plan": "inspection_list",
    "inspection_detail": "inspection_list",
    "violation_detail": "violation_list",
    "conduct_record": "violation_list",
    "decision_record": "decision_list",
    "decision_detail": "decision_list",
    "dossier_record": "desk",
    "dossier_detail": "desk",
    "count_import": "desk",
    "complaint_detail": "complaint_list",
}
"""The tab each non-tab page belongs to, by URL name."""


@register.inclusion_tag("discipline/_nav.html", takes_context=True)
def discipline_nav(context, section: str = ""):
    """The tabs the person may open; `section` (a tab's URL name) overrides which is
    current, for pages whose section depends on the record (a person's own violation)."""
    request = context["request"]
    person = viewer(request)
    roles = {grant.role for grant in person.grants}
    inspector = Role.INSPECTOR in roles
    manager = Role.HR_OFFICER in roles or request.user.is_superuser
    desk = Role.ONE_STOP_OFFICER in roles
    reads = inspector or manager or bool(person.posts) or Role.BOARD_MEMBER in roles
    links = [
        ("my_violations", _("Vi phạm của tôi"), True),
        ("inspection_list", _("Kiểm tra công vụ"), inspector or manager),
        ("violation_list", _("Vi phạm trong đơn vị"), reads),
        ("contested_list", _("Khiếu nại chờ quyết định"), inspector or manager),
        ("decision_list", _("Quyết định kỷ luật"), True),
        ("desk", _("Một cửa"), reads or desk),
        ("timeliness", _("Báo cáo đúng hạn"), reads or desk),
        ("complaint_list", _("Phản ánh"), reads or desk),
        ("suggestion_list", _("Hộp thư góp ý"), reads or desk),
        ("survey_dashboard", _("Khảo sát hài lòng"), reads or desk),
        ("commitment_board", _("Cam kết"), True),
        ("report_dashboard", _("Báo cáo tổng hợp"), reads),
    ]
    current = section or (request.resolver_match.url_name if request.resolver_match else "")
    current = SECTIONS.get(current, current)
    return {
        "links": [
            (reverse(f"discipline:{name}"), label, name == current)
            for name, label, shown in links
            if shown
        ]
    }
