"""The year's inputs in the admin: the HR officer records through the services (history
with the reason typed), a missing decision is a form error, results are read-only."""

import pytest
from django.urls import reverse

from evaluation.annual.models import Initiative
from tests.annual.builders import build_agency
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db


@shared_cast("agency_only")
def agency_only():
    c = build_agency()
    c.hr.is_staff = True
    c.hr.save(update_fields=["is_staff"])
    return c


def _form(c, **overrides):
    return {
        "organisation": c.org.pk,
        "employee": c.a1.pk,
        "year": 2026,
        "kind": "initiative",
        "title": "Số hoá hồ sơ đất đai",
        "document_number": "15/QĐ-HĐSK",
        "document_date": "2026-11-20",
        "issuer": "Hội đồng sáng kiến huyện",
        "note": "",
        "reason": "Quyết định công nhận sáng kiến",
        **overrides,
    }


def test_hr_records_an_initiative_through_the_service(client, agency_only):
    c = agency_only
    client.force_login(c.hr)
    response = client.post(reverse("admin:annual_initiative_add"), _form(c))
    assert response.status_code == 302, response.content.decode()[:2000]
    initiative = Initiative.objects.get()
    assert (initiative.employee, initiative.recorded_by) == (c.a1, c.hr)
    history = initiative.history.get()
    assert (history.history_user, history.history_change_reason) == (
        c.hr,
        "Quyết định công nhận sáng kiến",
    )


def test_an_initiative_without_its_decision_is_a_form_error(client, agency_only):
    c = agency_only
    client.force_login(c.hr)
    response = client.post(
        reverse("admin:annual_initiative_add"), _form(c, document_number="", reason="")
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert "document_number" in errors and "reason" in errors
    assert not Initiative.objects.exists()


def test_results_are_read_only_in_the_admin(client, agency_only):
    client.force_login(agency_only.hr)
    assert client.get(reverse("admin:annual_annualresult_add")).status_code == 403
    assert client.get(reverse("admin:annual_annualresult_changelist")).status_code == 200
