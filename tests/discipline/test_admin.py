"""The HR officer's admin: scoped lists, and every write through the services."""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from discipline import services
from discipline.models import (
    DisciplineDecision,
    DisciplinePolicy,
    Inspection,
    ViolationCatalogueItem,
)
from tests.factories import UserFactory

PAGES = [
    "violationcatalogueitem",
    "disciplineform",
    "disciplinepolicy",
    "inspection",
    "violation",
    "disciplinedecision",
    "dossierrecord",
    "dossiermonthlycount",
    "complaint",
    "suggestionboxentry",
    "satisfactionsurvey",
    "commitment",
]


@pytest.fixture
def hr(d, client):
    client.force_login(d.to_chuc.user)
    return client


@pytest.mark.parametrize("model", PAGES)
def test_it_shows_every_list_and_add_page_to_the_hr_officer(d, hr, model):
    assert hr.get(reverse(f"admin:discipline_{model}_changelist")).status_code == 200


@pytest.mark.parametrize(
    "model", ["violationcatalogueitem", "inspection", "disciplinedecision", "satisfactionsurvey"]
)
def test_it_opens_the_add_forms(d, hr, model):
    assert hr.get(reverse(f"admin:discipline_{model}_add")).status_code == 200


def test_it_hides_other_agencies_rows(d, client):
    services.dossier_count_record(unit=d.td, year=2026, month=2, on_time=3, late=0)
    services.dossier_count_record(unit=d.tn, year=2026, month=2, on_time=5, late=1)
    client.force_login(d.to_chuc.user)
    page = client.get(reverse("admin:discipline_dossiermonthlycount_changelist"))
    assert page.context["cl"].result_count == 1


def test_it_keeps_staff_without_a_role_out(d, client):
    user = UserFactory(is_staff=True)
    client.force_login(user)
    page = client.get(reverse("admin:discipline_violation_changelist"))
    assert page.status_code == 403


def test_it_versions_a_used_catalogue_item_edited_in_the_admin(d, client):
    item = services.catalogue_item_create(
        organisation=d.org,
        code="rieng_bx",
        description="Không tắt thiết bị điện khi ra về",
        legal_basis="Quy chế làm việc của UBND huyện Bình Xuyên",
        default_points=Decimal("0.5"),
        criterion_code="ky_luat_ky_cuong",
        criterion_name="Kỷ luật, kỷ cương",
        effective_from=date(2026, 1, 1),
    )
    services.violation_record(item=item, employee=d.an, occurred_on=date(2026, 2, 2))
    client.force_login(d.to_chuc.user)
    url = reverse("admin:discipline_violationcatalogueitem_change", args=[item.pk])
    form = {
        "description": item.description,
        "legal_basis": item.legal_basis,
        "default_points": "1.00",
        "criterion_code": "ky_luat_ky_cuong",
        "criterion_name": "Kỷ luật, kỷ cương",
        "cap_level": "",
        "applies_to": "person",
        "office_culture": "on",
        "effective_from": "2026-01-01",
        "effective_to": "",
    }
    refused = client.post(url, form)
    assert refused.status_code == 200
    assert "effective_from" in refused.context["adminform"].form.errors
    saved = client.post(url, {**form, "effective_from": "2026-04-01"})
    assert saved.status_code == 302
    versions = ViolationCatalogueItem.objects.filter(code="rieng_bx").order_by("version")
    assert [(v.version, v.default_points, v.effective_to) for v in versions] == [
        (1, Decimal("0.50"), date(2026, 3, 31)),
        (2, Decimal("1.00"), None),
    ]


def test_it_refuses_province_items_to_the_hr_officer(d, hr):
    url = reverse(
        "admin:discipline_violationcatalogueitem_change", args=[d.item["khong_deo_the"].pk]
    )
    page = hr.get(url)
    assert page.status_code == 200 and not page.context["has_change_permission"]


def test_it_shows_the_service_error_for_dismissal_of_a_non_leader(d, hr):
    form = {
        "employee": d.an.pk,
        "number": "20/QĐ-UBND",
        "decided_on": "2026-03-10",
        "signer_name": "Trần Văn Quang",
        "signer_title": "Chủ tịch UBND huyện",
        "form": d.form["cach_chuc"].pk,
        "legal_basis": "Nghị định số 112/2020/NĐ-CP",
        "effect_from": "2026-03-10",
        "public_duty": "on",
    }
    page = hr.post(reverse("admin:discipline_disciplinedecision_add"), form)
    assert page.status_code == 200
    assert "chỉ áp dụng với người giữ chức vụ" in page.context["adminform"].form.errors["form"][0]
    assert not DisciplineDecision.objects.exists()
    saved = hr.post(
        reverse("admin:discipline_disciplinedecision_add"),
        {**form, "form": d.form["khien_trach"].pk},
    )
    assert saved.status_code == 302
    decision = DisciplineDecision.objects.get()
    assert decision.recorded_by == d.to_chuc.user and decision.unit == d.tn


def test_it_plans_an_inspection_through_the_service(d, hr):
    form = {
        "organisation": d.org.pk,
        "title": "Kiểm tra công vụ quý II",
        "kind": "regular",
        "planned_on": "2026-04-10",
        "plan_reference": "12/KH-UBND",
        "scope": [d.tn.pk, d.vp.pk],
        "head": d.to_chuc.pk,
        "members": [d.kiem.pk],
    }
    refused = hr.post(reverse("admin:discipline_inspection_add"), form)
    assert "head" in refused.context["adminform"].form.errors
    saved = hr.post(reverse("admin:discipline_inspection_add"), {**form, "head": d.truong_nv.pk})
    assert saved.status_code == 302
    inspection = Inspection.objects.get()
    assert list(inspection.members.all()) == [d.kiem]
    assert inspection.created_by == d.to_chuc.user


def test_it_sets_the_agency_policy_through_the_service(d, hr):
    policy = DisciplinePolicy.objects.get(organisation=d.org)
    url = reverse("admin:discipline_disciplinepolicy_change", args=[policy.pk])
    page = hr.post(url, {"contest_days": "7", "internal_affairs_unit": d.nv.pk})
    assert page.status_code == 302
    policy.refresh_from_db()
    assert policy.contest_days == 7
    assert policy.history.first().history_user == d.to_chuc.user


def test_it_gates_import_and_export_by_their_permission_codes(d, hr, django_user_model):
    from django.contrib.auth.models import Permission

    url = reverse("admin:discipline_dossiermonthlycount_import")
    assert hr.get(url).status_code == 403
    d.to_chuc.user.user_permissions.add(
        Permission.objects.get(codename="import_dossiermonthlycount")
    )
    assert hr.get(url).status_code == 200


def test_it_shows_an_inspection_with_its_findings_and_history(surprise, d, hr):
    finding = services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    page = hr.get(reverse("admin:discipline_inspection_change", args=[surprise.pk]))
    assert page.status_code == 200 and "Hoàng Văn An" in page.content.decode()
    history = hr.get(reverse("admin:discipline_violation_history", args=[finding.pk]))
    assert history.status_code == 200
