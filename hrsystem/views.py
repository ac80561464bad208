"""Pages of the organisation part: home, org chart, unit page, staff directory, and the HR
officer's import of the work-product catalogue (its writes go through `imports`).

The others read only, through `selectors`; what a person may open comes from `Viewer` (their
posts, role grants and own unit today, resolved by `permissions.unit_ids_for`). Every
page runs the same number of queries whatever the size of the unit or agency.
"""

import base64
from collections import Counter

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.templatetags.static import static
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from . import exports, imports, permissions, selectors, tables
from .forms import AsOfForm, CatalogueImportForm, DirectorySearchForm
from .models import (
    Assignment,
    BackgroundJob,
    JobPosition,
    JobState,
    Organisation,
    Post,
    StandardTask,
    Unit,
)
from .permissions import can_view_job, viewer
from .resources import COLUMNS, REQUIRED
from .services.jobs import label_of

DIRECTORY_PAGE_SIZE = 25


def _get_unit_for_user(request, unit_id: int) -> Unit:
    """The unit if the user may open it.

    404 when it does not exist or belongs to an agency the user has nothing to do with
    (its existence stays hidden); 403 when it is in their agency but outside their scope.
    """
    person = viewer(request)
    unit = get_object_or_404(Unit.objects.select_related("organisation"), pk=unit_id)
    if unit.pk in person.unit_ids:
        return unit
    if person.may_see_organisation(unit.organisation_id):
        raise PermissionDenied
    raise Http404


def _as_of(request, person) -> dict:
    """Context for a page shown as of the `?on=` day (today when absent or malformed): `on`,
    the date picker showing it, and `as_of_query` to keep that day on links between pages."""
    submitted = AsOfForm(request.GET)
    on = (submitted.cleaned_data["on"] if submitted.is_valid() else None) or person.today
    return {
        "on": on,
        "as_of_form": AsOfForm(initial={"on": on}),
        "as_of_query": "" if on == person.today else f"?on={on.isoformat()}",
    }


def _get_organisation_for_user(request) -> Organisation | None:
    """The agency whose chart to show: `?org=<code>` when the user may see it (else 404),
    otherwise the user's own agency; None when the account belongs to no agency yet.
    """
    person = viewer(request)
    code = request.GET.get("org", "").strip()
    if not code:
        if person.organisation is None and person.organisation_ids is None:
            return Organisation.objects.order_by("name").first()
        return person.organisation
    organisation = get_object_or_404(Organisation, code=code)
    if not person.may_see_organisation(organisation.pk):
        raise Http404
    return organisation


@login_required
def home(request):
    """The signed-in person's starting page: what they can open from here."""
    return render(request, "hrsystem/home.html")


@login_required
def org_chart(request):
    """The agency's unit tree with each unit's leader and headcount on a day (today unless
    `?on=`)."""
    person = viewer(request)
    organisation = _get_organisation_for_user(request)
    if organisation is None:
        return render(request, "hrsystem/org_chart.html", {"organisation": None})
    others = Organisation.objects.exclude(pk=organisation.pk).order_by("name")
    if person.organisation_ids is not None:
        others = others.filter(pk__in=person.organisation_ids)
    as_of = _as_of(request, person)
    return render(
        request,
        "hrsystem/org_chart.html",
        {
            **as_of,
            "organisation": organisation,
            "roots": selectors.org_chart(organisation, on=as_of["on"]),
            "viewable_unit_ids": person.unit_ids,
            "other_organisations": others,
        },
    )


def _positions_in_unit(unit: Unit, staff, on) -> list[JobPosition]:
    """The job positions held in `unit` on `on`, by code, with their standing tasks and a
    `staff_count` taken from `staff` (the unit's StaffMembers); 2 queries."""
    counts = Counter(member.assignment.job_position_id for member in staff)
    positions = list(
        JobPosition.objects.filter(selectors.active_on(on, "assignments__"), assignments__unit=unit)
        .distinct()
        .order_by("code")
        .prefetch_related(Prefetch("tasks", queryset=StandardTask.objects.order_by("id")))
    )
    for position in positions:
        position.staff_count = counts[position.pk]
    return positions


@login_required
def unit_detail(request, unit_id: int):
    """A unit's staff on a day (today unless `?on=`) with positions and posts, its posts
    history and its positions' tasks. Who may open it is decided as of today."""
    person = viewer(request)
    unit = _get_unit_for_user(request, unit_id)
    as_of = _as_of(request, person)
    on = as_of["on"]
    staff = selectors.unit_staff(unit, on=on)
    if exports.wanted(request):
        return exports.respond(
            request,
            tables.unit_staff_table(unit),
            staff,
            organisation=unit.organisation,
            scope=unit.name,
            notes=[_("Tại ngày %(day)s") % {"day": f"{on:%d/%m/%Y}"}],
        )
    return render(
        request,
        "hrsystem/unit_detail.html",
        {
            "unit": unit,
            "ancestors": list(selectors.unit_ancestors(unit)),
            "children": unit.children.order_by("code"),
            "staff": staff,
            "deputies": [member.employee for member in staff if member.is_deputy],
            "leader_post": selectors.leader_posts_on([unit.pk], on=on).get(unit.pk),
            "positions": _positions_in_unit(unit, staff, on),
            "posts_history": Post.objects.filter(unit=unit)
            .select_related("employee")
            .order_by("-start", "-kind"),
            "viewable_unit_ids": person.unit_ids,
            **as_of,
        },
    )


def _with_today(employees, on):
    """`employees` with `assignments_today` (unit, position) and `posts_today` (unit) attached;
    2 queries per evaluated page."""
    return employees.prefetch_related(
        Prefetch(
            "assignments",
            queryset=Assignment.objects.filter(selectors.active_on(on))
            .select_related("unit", "job_position")
            .order_by("start"),
            to_attr="assignments_today",
        ),
        Prefetch(
            "posts",
            queryset=Post.objects.filter(selectors.active_on(on)).select_related("unit"),
            to_attr="posts_today",
        ),
    )


@login_required
@vary_on_headers("HX-Request")
def directory(request):
    """People in the units the user may open, searchable by code or name, paged.

    Filtering by a unit includes its sub-units the user may open. An htmx request
    (typing in the search box, picking a unit, paging) gets only the results block, plus
    the result count swapped out of band into the page's live status line.
    """
    person = viewer(request)
    units = list(Unit.objects.filter(pk__in=person.unit_ids).order_by("path"))
    form = DirectorySearchForm(request.GET, units=units)
    query, unit_ids = "", person.unit_ids
    if form.is_valid():
        query = form.cleaned_data["q"]
        chosen = next((unit for unit in units if unit.pk == form.cleaned_data["unit"]), None)
        if chosen is not None:
            unit_ids = {unit.pk for unit in units if unit.path.startswith(chosen.path)}
    employees = selectors.employee_search(query=query, on=person.today, unit_ids=unit_ids)
    if exports.wanted(request):
        return exports.respond(
            request,
            tables.DIRECTORY,
            _with_today(employees, person.today),
            organisation=person.organisation,
            scope=exports.describe_scope(unit.name for unit in units),
            filters=form,
        )
    page = Paginator(_with_today(employees, person.today), DIRECTORY_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    partial = bool(request.htmx) and not request.htmx.history_restore_request
    context = {"form": form, "query": query, "page": page, "partial": partial}
    template = "hrsystem/_directory_results.html" if partial else "hrsystem/directory.html"
    return render(request, template, context)


def locked_out(request, response, credentials):
    """django-axes' answer to a login refused after too many wrong passwords (429): when to
    try again, and who unlocks sooner (`settings.AXES_LOCKOUT_CALLABLE`)."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(request, "registration/locked_out.html", {"cooloff_minutes": minutes}, status=429)


def favicon(request):
    """/favicon.ico, which browsers ask for whatever the page's icon link says: the SVG."""
    return redirect(static("img/favicon.svg"), permanent=True)


@login_required
def job_file(request, pk: int):
    """The file a background export wrote: to whoever may follow the job; 404 until it
    has one."""
    job = get_object_or_404(BackgroundJob, pk=pk)
    if not can_view_job(request.user, job):
        raise PermissionDenied
    if job.kind != exports.JOB_KIND or job.state != JobState.DONE:
        raise Http404
    return exports.job_file(job)


@login_required
def job_status(request, pk: int):
    """A background job's progress and result: the partial `hrsystem/_job.html` to an
    htmx poll (it polls itself every second until the job has ended), the page around
    it otherwise. Who started it, HR of its agency and administrators; 7 queries
    (the session, the user, the job, the viewer's agencies and the page context)."""
    job = get_object_or_404(BackgroundJob, pk=pk)
    if not can_view_job(request.user, job):
        raise PermissionDenied
    job.label = label_of(job.kind)
    template = "hrsystem/_job.html" if request.htmx else "hrsystem/job.html"
    return render(request, template, {"job": job})


SESSION_KEY = "catalogue_import"
"""The file checked by the dry run, kept in the session until it is confirmed."""


@login_required
def catalogue_import(request):
    """The HR officer imports their agency's work-product catalogue: the template to fill
    in (`?template=1`), a dry run of the file chosen (new, changed and unchanged rows, every
    refused cell with its row, column and value), then the confirmed import, all or none."""
    organisation = viewer(request).hr_organisation
    if organisation is None or not permissions.can_import_catalogue(request.user, organisation):
        raise PermissionDenied
    if request.GET.get("template"):
        response = HttpResponse(
            imports.template(organisation),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        name = f"danh-muc-san-pham-{organisation.code}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    form = CatalogueImportForm(request.POST or None, request.FILES or None)
    report, confirmable = None, False
    if request.method == "POST" and request.POST.get("confirm") == "1":
        kept = request.session.get(SESSION_KEY)
        if kept is None:
            form.add_error(None, _("Hãy chọn lại tệp: bản xem trước đã hết hạn."))
        else:
            dataset = imports.read(base64.b64decode(kept["content"]), kept["name"])
            report = imports.catalogue_import(
                organisation=organisation, dataset=dataset, by=request.user, confirm=True
            )
            if report.saved:
                del request.session[SESSION_KEY]
                messages.success(
                    request,
                    _("Đã nhập danh mục: %(new)s sản phẩm mới, %(changed)s sản phẩm sửa.")
                    % {"new": report.new, "changed": report.changed},
                )
                return redirect("hrsystem:catalogue_import")
    elif request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        content = upload.read()
        try:
            dataset = imports.read(content, upload.name)
        except ValidationError as error:
            for text in error.message_dict.get("file", error.messages):
                form.add_error("file", text)
        else:
            report = imports.catalogue_import(
                organisation=organisation, dataset=dataset, by=request.user, confirm=False
            )
            confirmable = report.ok and bool(report.lines)
            if confirmable:
                request.session[SESSION_KEY] = {
                    "name": upload.name,
                    "content": base64.b64encode(content).decode("ascii"),
                }
    failed = bool(form.errors) or (report is not None and not report.ok)
    return render(
        request,
        "hrsystem/catalogue_import.html",
        {
            "form": form,
            "organisation": organisation,
            "report": report,
            "confirmable": confirmable,
            "required": ", ".join(COLUMNS[name] for name in REQUIRED),
        },
        status=400 if failed else 200,
    )
