"""The year's inspection plan: issued once a year, lines led by an inspector, each
inspection linked to its line, the plan's completion counted from closed inspections."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from discipline import selectors, services
from discipline.models import InspectionPlan
from tests.discipline.conftest import TODAY
from tests.discipline.test_views_queries import count_queries


def _plan(d, by=None):
    return services.inspection_year_plan_issue(
        organisation=d.org, year=2026, number="02/KH-UBND", issued_on=date(2026, 1, 5), by=by
    )


def _line(d, plan, unit, quarter=1, lead=None):
    return services.inspection_plan_line_add(
        plan=plan,
        quarter=quarter,
        unit=unit,
        lead=lead or d.truong_nv,
        kind="regular",
        content="Kiểm tra việc chấp hành quy chế văn hoá công sở",
    )


def _inspect(d, line, **kwargs):
    inspection = services.inspection_plan(
        organisation=d.org,
        title=line.content,
        kind="regular",
        planned_on=TODAY,
        scope=[line.unit],
        head=d.truong_nv,
        plan_line=line,
        **kwargs,
    )
    return services.inspection_start(inspection=inspection)


def test_the_plan_is_issued_once_a_year_by_hr_or_an_inspector(d):
    with pytest.raises(PermissionDenied):
        _plan(d, by=d.an.user)
    plan = _plan(d, by=d.kiem.user)
    assert (plan.year, plan.created_by) == (2026, d.kiem.user)
    with pytest.raises(ValidationError) as error:
        _plan(d, by=d.to_chuc.user)
    assert "year" in error.value.message_dict


def test_a_line_is_led_by_an_inspector_of_the_internal_affairs_office(d):
    plan = _plan(d)
    with pytest.raises(ValidationError) as error:
        _line(d, plan, d.tn, lead=d.truong_tn)
    assert "lead" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _line(d, plan, d.td)
    assert "unit" in error.value.message_dict
    with pytest.raises(PermissionDenied):
        services.inspection_plan_line_add(
            plan=plan, quarter=2, unit=d.tn, lead=d.kiem, kind="regular", content="x",
            by=d.truong_tn.user,
        )  # fmt: skip
    assert _line(d, plan, d.tn, quarter=2).quarter == 2


def test_an_inspection_links_to_its_line_and_completes_the_plan(d):
    plan = _plan(d)
    tn, vp = _line(d, plan, d.tn), _line(d, plan, d.vp, quarter=2)
    _line(d, plan, d.nv, quarter=4)
    with pytest.raises(ValidationError) as error:
        services.inspection_plan(
            organisation=d.org, title="x", kind="regular", planned_on=TODAY, scope=[d.vp],
            head=d.truong_nv, plan_line=tn,
        )  # fmt: skip
    assert "plan_line" in error.value.message_dict
    first = _inspect(d, tn)
    _inspect(d, vp)
    services.inspection_close(inspection=first, report="Không phát hiện vi phạm.")
    progress = selectors.plan_progress(plan=plan)
    assert [(row.line.unit.code, row.state) for row in progress.lines] == [
        ("TN", "closed"),
        ("VP", "in_progress"),
        ("NV", "not_scheduled"),
    ]
    assert (progress.done, str(progress.rate)) == (1, "33.33")


def test_the_plan_pages_cost_the_same_at_two_sizes_and_refuse_staff(d, client):
    plan = _plan(d)
    units = [d.tn, d.vp, d.nv, d.mc]
    counts = {"list": [], "detail": []}
    made = 0
    for size in (2, 8):
        while made < size:
            line = _line(d, plan, units[made % 4], quarter=made % 4 + 1)
            if made % 2:
                _inspect(d, line)
            made += 1
        InspectionPlan.objects.get_or_create(
            organisation=d.org,
            year=2000 + size,
            number=f"{size}/KH",
            issued_on=date(2000 + size, 1, 2),
        )
        client.force_login(d.kiem.user)
        counts["list"].append(count_queries(client, reverse("discipline:year_plans")))
        counts["detail"].append(
            count_queries(client, reverse("discipline:year_plan_detail", args=[plan.pk]))
        )
    assert all(pair[0] == pair[1] for pair in counts.values()), counts
    client.force_login(d.an.user)
    assert client.get(reverse("discipline:year_plans")).status_code == 403
    client.force_login(d.kiem.user)
    page = client.get(reverse("discipline:year_plan_detail", args=[plan.pk])).content.decode()
    assert "Hoàn thành 0/8" in page
