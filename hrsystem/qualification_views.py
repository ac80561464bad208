"""Qualification pages: a person's degrees and certificates (HR records them), and the
statistics per unit and for the agency (table, chart, spreadsheet)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from . import clock, exports, permissions, selectors, services
from .forms import QualificationForm
from .models import Employee, Qualification
from .qualifications import MEASURES, qualification_statistics


def _may_see_qualifications(request, employee: Employee) -> bool:
    """Whether the user may edit `employee`'s qualifications (HR of their agency); raises
    403/404 unless they may at least read them: HR, the person, or whoever may open the
    pages of the person's unit today (its leaders and deputies, inspectors, the board)."""
    user = request.user
    may_edit = permissions.can_manage_employee(user, employee)
    own = employee.user_id is not None and employee.user_id == user.pk
    unit = selectors.unit_of(employee, on=clock.today())
    person = permissions.viewer(request)
    if not (may_edit or own or (unit is not None and unit.pk in person.unit_ids)):
        if unit is not None:
            permissions.refuse(request, unit.organisation_id)
        raise PermissionDenied
    return may_edit


@login_required
def person_qualifications(request, employee_id: int):
    """A person's degrees, training and certificates; HR of their agency adds them."""
    employee = get_object_or_404(Employee, pk=employee_id)
    user = request.user
    may_edit = _may_see_qualifications(request, employee)
    form = QualificationForm(request.POST or None, request.FILES or None) if may_edit else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.qualification_record(employee=employee, by=user, **form.cleaned_data)
            except ValidationError as error:
                for field, texts in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, texts)
            else:
                messages.success(request, _("Đã lưu văn bằng, chứng chỉ."))
                return redirect("hrsystem:person_qualifications", employee_id=employee.pk)
    response = render(
        request,
        "hrsystem/person_qualifications.html",
        {
            "employee": employee,
            "qualifications": employee.qualifications.order_by("kind", "-awarded_on"),
            "form": form,
        },
    )
    if form is not None and form.is_bound:
        response.status_code = 400
    return response


@login_required
def qualification_evidence(request, pk: int):
    """The scan of a qualification, never by its stored path: to HR and to whoever may see
    the person's records (the person, their unit's leaders and deputies, inspectors, the
    board), not to every colleague who may read the list."""
    row = get_object_or_404(Qualification.objects.select_related("employee"), pk=pk)
    may_edit = _may_see_qualifications(request, row.employee)
    if not (may_edit or permissions.can_view_employee(request.user, row.employee, clock.today())):
        raise PermissionDenied
    if not row.evidence_file:
        raise Http404
    ending = row.evidence_file.name.rsplit(".", 1)[-1].lower()
    return FileResponse(
        row.evidence_file.open("rb"),
        filename=f"van-bang-{row.pk}.{ending}",
        as_attachment=False,
    )


def _statistics(request):
    person = permissions.viewer(request)
    organisation = person.organisation
    if organisation is None:
        raise PermissionDenied
    today = clock.today()
    if permissions.can_manage_org(request.user, organisation):
        unit_ids = None
    elif person.unit_ids:
        unit_ids = person.unit_ids
    else:
        raise PermissionDenied
    units, total = qualification_statistics(organisation=organisation, on=today, unit_ids=unit_ids)
    return organisation, today, units, total


@login_required
def qualification_statistics_page(request):
    """Shares of people with each qualification, per unit and in total, with a chart."""
    organisation, today, units, total = _statistics(request)
    labels = [label for _key, _kind, _levels, label in MEASURES]
    return render(
        request,
        "hrsystem/qualification_statistics.html",
        {
            "organisation": organisation,
            "today": today,
            "labels": labels,
            "units": units,
            "total": total,
            "bars": [
                (label, share) for label, (_k, _c, share) in zip(labels, total.shares, strict=True)
            ],
        },
    )


def _share_columns(index: int, label) -> list[exports.Column]:
    """A measure's count and share (%) columns, read from a row's `shares`."""
    return [
        exports.Column(label, lambda row: row.shares[index][1]),
        exports.Column(
            _("%(measure)s (%%)") % {"measure": label}, lambda row: row.shares[index][2]
        ),
    ]


@login_required
def qualification_statistics_xlsx(request):
    """The statistics page's table as Excel (`hrsystem.exports`), the total last."""
    organisation, today, units, total = _statistics(request)
    columns = [
        exports.Column(_("Mã"), "code"),
        exports.Column(_("Đơn vị"), "name"),
        exports.Column(_("Số người"), "people"),
    ]
    for index, (_key, _kind, _levels, label) in enumerate(MEASURES):
        columns += _share_columns(index, label)
    table = exports.Table(
        title=_("Trình độ"), filename=f"trinh-do-{organisation.code}", columns=columns
    )
    scope = exports.describe_scope(row.name for row in units)
    return exports.respond(request, table, [*units, total], organisation=organisation, scope=scope)
