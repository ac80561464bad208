# ruff: noqa: E501  (the matrix reads as one line per URL)
"""The permission matrix: every URL pattern of the project × every role of the demo.

The resolver is walked, so a new URL without an entry in EXPECTED fails
`test_every_url_pattern_has_an_entry`. The demo agency is built once for the module
(rolled back at its end) and every request is read-only: GET for the pages; for the
POST-only views an empty POST from each role that may not act there (a forged request:
it must be refused, and nothing is written). The admin's patterns are checked one test a
page: only staff reach them, and none fails for the system administrator or the HR
officer. Each role is signed in once per build; every request is a fresh client carrying
its session. The module is shared by the xdist workers in parts (tests/scheduling.py).

Roles: the demo's logins (demo.LOGINS), a head of another unit, a deputy with nobody
delegated, an acting head outside their dates, and an anonymous visitor.
"""

import os
import re
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.db.models import F
from django.test import Client, override_settings
from django.urls import URLResolver, get_resolver, reverse

from discipline.models import (
    Complaint,
    DisciplineDecision,
    DossierRecord,
    Inspection,
    InspectionPlan,
    Violation,
)
from evaluation.models import Appeal, Evaluation, Period, WorkItem
from hrsystem import clock, demo
from hrsystem.models import BackgroundJob, Post, PostKind, Qualification

pytestmark = pytest.mark.django_db
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FAST_HASHING = {"PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"]}
EXTRA_ROLES = ["truong_khac", "pho_khac", "quyen_het_han"]
ROLES = [
    "anon",
    *(name for name, _role in demo.LOGINS if name not in demo.HEAD_LOGINS.values()),
    *EXTRA_ROLES,
]
"""The demo's role logins (one head per unit stands for all: the heads' own logins are
left out) and the extra cases built below."""


def url_patterns(patterns=None, namespace=""):
    """(full name, route) of every URL pattern, walking included URLconfs."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from url_patterns(pattern.url_patterns, inner)
        else:
            yield namespace + (pattern.name or ""), str(pattern.pattern)


def _give_login(employee, username):
    user = get_user_model().objects.create_user(username=username, password="x")
    employee.user = user
    employee.save(update_fields=["user"])


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The demo agency, plus logins for a head of another unit, a deputy without
    delegation and an acting head whose acting ended; kept for the module."""
    with django_db_blocker.unblock(), transaction.atomic(), override_settings(**FAST_HASHING):
        call_command("setup_demo", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
        users = {user.username: user for user in get_user_model().objects.all()}
        nhanvien = users["nhanvien"].employee
        posts = Post.objects.filter(employee__user__isnull=True).select_related("employee")
        head = (
            Post.objects.filter(kind=PostKind.HEAD, employee__user__isnull=False)
            .exclude(unit__parent=None)
            .exclude(unit__posts__employee__user__username="truong_phong")
            .select_related("employee__user")
            .first()
        )
        deputy = posts.filter(kind=PostKind.DEPUTY, employee__delegations_held=None).first()
        _give_login(deputy.employee, "pho_khac")
        acting = posts.exclude(employee__in=[head.employee, deputy.employee]).first()
        acting_post = Post.objects.create(
            employee=acting.employee,
            unit=head.unit,
            kind=PostKind.ACTING,
            start=clock.today() - timedelta(days=300),
            end=clock.today() - timedelta(days=200),
        )
        _give_login(acting_post.employee, "quyen_het_han")
        evaluation = (
            Evaluation.objects.filter(employee=nhanvien, is_current=True)
            .order_by("-period__start")
            .first()
        )
        period = Period.objects.filter(organisation=evaluation.period.organisation_id).latest(
            "start"
        )
        InspectionPlan.objects.create(
            organisation_id=evaluation.period.organisation_id,
            year=clock.today().year,
            number="01/KH-KTCV",
            issued_on=clock.today().replace(month=1, day=2),
        )
        first = {
            model: model.objects.order_by("pk").values_list("pk", flat=True).first() or 1
            for model in (
                Inspection,
                InspectionPlan,
                Violation,
                DisciplineDecision,
                DossierRecord,
                Complaint,
            )
        }
        evidence = WorkItem.objects.filter(evaluation=evaluation).order_by(
            F("evidence_file").desc(nulls_last=True), "pk"
        )
        args = {
            "unit": evaluation.unit_id,
            "employee": nhanvien.pk,
            "work_item": evidence.values_list("pk", flat=True).first(),
            "evaluation": evaluation.pk,
            "period": period.pk,
            "appeal": Appeal.objects.order_by("pk").values_list("pk", flat=True).first() or 1,
            "reopening": 1,  # the demo reopens nothing: 404 for all (tests/evaluation/test_reopening.py)
            "issued_document": 1,
            **{model.__name__: pk for model, pk in first.items()},
            "inspected_unit": Inspection.scope.through.objects.filter(inspection=first[Inspection])
            .order_by("unit__path")
            .values_list("unit_id", flat=True)
            .first(),
        }
        users = get_user_model().objects.in_bulk(field_name="username")
        job = BackgroundJob.objects.create(  # started by the unit head, in the agency
            kind="evaluation.recompute",
            organisation=period.organisation,
            started_by=users["truong_phong"],
            created_at=clock.now(),
        )
        args["job"] = job.pk
        args["annual_appeal"] = 1  # none in the demo: a decision on it is refused or 404
        args["qualification"] = Qualification.objects.create(  # no scan: 404 where allowed
            employee=nhanvien, kind="general", level="thpt", awarded_on=clock.today(), evidence="1"
        ).pk
        users["truong_khac"] = head.employee.user  # a unit head's own demo login
        yield SimpleNamespace(args=args, users=users, sessions=_signed_in(users))
        transaction.set_rollback(True)


def _signed_in(users) -> dict[str, str]:
    """A session key per login of ROLES and ADMIN_ROLES, signed in once for the module: a
    request carries it in a fresh client, so each one costs its page, not a login too
    (the per-test rollback undoes whatever a request does to its session)."""
    sessions = {}
    for role in {*ROLES, *ADMIN_ROLES} - {"anon"}:
        client = Client()
        client.force_login(users[role])
        sessions[role] = client.cookies[settings.SESSION_COOKIE_NAME].value
    return sessions


def client_for(world, role: str) -> Client:
    """A fresh client (no cookie from an earlier request), signed in as `role`."""
    client = Client()
    if role != "anon":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[role]
    return client


def kwargs_for(name: str, route: str, args: dict) -> dict:
    """The URL's arguments from the demo's records."""
    values = {
        "unit_id": args["unit"],
        "unit_pk": args["unit"],
        "employee_id": args["employee"],
        "period_pk": args["period"],
        "what": "item",
        "action": "lock",
        "year": clock.today().year,
        "fmt": "pdf",
        "kind": "summary-xlsx",
        "which": "issued",
        "appeal_id": args["annual_appeal"],
    }
    pk_of = {
        "evaluation:my_month_of": "evaluation",
        "evaluation:result_detail": "evaluation",
        "evaluation:person_form": "evaluation",
        "evaluation:issued_document": "issued_document",
        "evaluation:appeal_file": "evaluation",
        "evaluation:score_preview": "evaluation",
        "evaluation:score_save": "evaluation",
        "evaluation:score_add": "evaluation",
        "evaluation:appeal_decide": "appeal",
        "evaluation:reopening": "reopening",
        "discipline:inspection_detail": "Inspection",
        "discipline:inspection_pdf": "Inspection",
        "discipline:inspection_checklist": "Inspection",
        "discipline:year_plan_detail": "InspectionPlan",
        "discipline:violation_detail": "Violation",
        "discipline:violation_evidence": "Violation",
        "discipline:decision_detail": "DisciplineDecision",
        "discipline:dossier_detail": "DossierRecord",
        "discipline:complaint_detail": "Complaint",
        "evaluation:work_evidence": "work_item",
        "hrsystem:job_status": "job",
        "hrsystem:job_file": "job",
        "hrsystem:qualification_evidence": "qualification",
        "api:unit": "unit",
        "api:person": "employee",
        "api:period": "period",
        "api:result": "evaluation",
        "api:violation": "Violation",
        "api:decision": "DisciplineDecision",
        "api:override": "work_item",
        "api:webhook": "unit",
    }
    if name in pk_of:
        values["pk"] = args[pk_of[name]]
    if name == "discipline:inspection_checklist":
        values["unit_pk"] = args["inspected_unit"]
    if name in ("annual:year_form", "annual:form_issue"):
        values["kind"] = "list"
    if name == "evaluation:job_file":
        values["pk"] = args["job"]
    return {key: values[key] for key in re.findall(r"<\w+:(\w+)>", route)}


POST_ONLY = {
    "logout",
    "evaluation:notifications_read",
    "evaluation:appeal_file",
    "evaluation:units_action",
    "evaluation:score_bulk",
    "evaluation:score_preview",
    "evaluation:score_save",
    "evaluation:score_add",
    "evaluation:unit_submit",
    "evaluation:period_action",
    "evaluation:unit_form_sign",
    "evaluation:signed_upload",
    "set_language",
    "api:work_items",
    "api:dossiers",
    "api:override",
    "api:dossier_counts",
    "api:hr_units",
    "api:hr_people",
    "api:hr_posts",
    "evaluation:source_override",
    "annual:run",
    "annual:decide",
    "annual:confirm_all",
    "annual:board_meeting",
    "annual:publish",
    "annual:reopen",
    "annual:deadline",
    "annual:appeal_decide",
    "annual:self_assess",
    "annual:rate",
    "annual:appeal",
    "annual:register_title",
    "annual:meeting",
    "annual:vote",
    "annual:unit_register",
    "evaluation:sheets_job",
    "annual:sheets_job",
    "annual:form_issue",
}
"""Views that only take a POST: each role below that is not allowed sends an empty one."""

EXPECTED = {
    "home": "anon:302 *:200",
    "hrsystem:org_chart": "anon:302 *:200",
    "hrsystem:unit_detail": "anon:302 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "hrsystem:directory": "anon:302 *:200",
    "hrsystem:job_status": "anon:302 truong_phong:200 to_chuc:200 admin:200 *:403",
    "hrsystem:job_file": "anon:302 truong_phong:404 to_chuc:404 admin:404 *:403",
    "hrsystem:catalogue_import": "anon:302 to_chuc:200 *:403",
    "hrsystem:organisation_import": "anon:302 to_chuc:200 *:403",
    "hrsystem:person_qualifications": "anon:302 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "hrsystem:qualification_statistics": "anon:302 *:200",
    "hrsystem:qualification_evidence": "anon:302 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:404",
    "hrsystem:qualification_statistics_xlsx": "anon:302 *:200",
    "evaluation:my_month": "anon:302 *:200",
    "evaluation:my_month_of": "anon:302 nhanvien:200 *:403",
    "evaluation:my_results": "anon:302 *:200",
    "evaluation:notifications_read": "anon:302 *:302",
    "evaluation:result_detail": "anon:302 nhanvien:404 quyen_truong_phong:403 mot_cua:403 admin:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "evaluation:appeal_file": "anon:302 nhanvien:302 *:403",
    "evaluation:person_form": "anon:302 nhanvien:404 quyen_truong_phong:403 mot_cua:403 admin:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "evaluation:unit_form": "anon:302 nhanvien:403 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "evaluation:unit_form_sign": "anon:302 to_chuc:302 admin:302 *:403",
    "evaluation:signed_upload": "anon:302 to_chuc:302 admin:302 *:403",
    "evaluation:issued_document": "anon:302 *:404",
    "evaluation:appeal_decide": "anon:302 *:404",
    "evaluation:period_list": "anon:302 *:200",
    "evaluation:period_open": "anon:302 to_chuc:200 admin:200 *:403",
    "evaluation:overview": "anon:302 chu_tich:200 to_chuc:200 hoi_dong:200 admin:200 *:403",
    "annual:year": "anon:302 to_chuc:200 admin:200 *:403",
    "annual:transfer_import": "anon:302 to_chuc:200 *:403",
    "annual:run": "anon:302 to_chuc:302 admin:302 *:403",
    "annual:units": "anon:302 nhanvien:403 mot_cua:403 *:200",
    "annual:mine": "anon:302 admin:404 *:302",
    "annual:person": "anon:302 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "annual:review": "anon:302 chu_tich:200 to_chuc:200 hoi_dong:200 admin:200 *:403",
    "annual:decide": "anon:302 hoi_dong:404 *:403",
    "annual:confirm_all": "anon:302 hoi_dong:302 *:403",
    "annual:board_meeting": "anon:302 hoi_dong:302 *:403",
    "annual:publish": "anon:302 hoi_dong:302 *:403",
    "annual:reopen": "anon:302 to_chuc:302 admin:302 *:403",
    "annual:deadline": "anon:302 to_chuc:302 admin:302 *:403",
    "annual:appeal_decide": "anon:302 to_chuc:404 admin:404 *:403",
    "annual:charts": "anon:302 nhanvien:403 mot_cua:403 *:200",
    "annual:personnel": "anon:302 chu_tich:200 to_chuc:200 admin:200 *:403",
    "annual:personnel_xlsx": "anon:302 chu_tich:200 to_chuc:200 admin:200 *:403",
    "annual:personnel_propose": "anon:302 chu_tich:200 to_chuc:200 admin:200 *:403",
    "annual:personnel_rule": "anon:302 chu_tich:200 to_chuc:200 admin:200 *:403",
    "annual:procedure": "anon:302 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "annual:self_assess": "anon:302 nhanvien:302 *:403",
    "annual:rate": "anon:302 truong_phong:302 *:403",
    "annual:appeal": "anon:302 nhanvien:302 *:403",
    "annual:register_title": "anon:302 nhanvien:302 to_chuc:302 admin:302 *:403",
    "annual:unit": "anon:302 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "annual:meeting": "anon:302 truong_phong:302 chu_tich:302 to_chuc:302 admin:302 *:403",
    "annual:vote": "anon:302 *:302",
    "annual:unit_register": "anon:302 truong_phong:302 chu_tich:302 to_chuc:302 admin:302 *:403",
    "evaluation:sheets_job": "anon:302 *:400",  # an empty POST names no file: tests/evaluation/test_paper_annual.py
    "evaluation:job_file": "anon:302 *:404",  # the demo's job prints nothing: tests/evaluation/test_paper_annual.py
    "annual:person_form": "anon:302 quyen_truong_phong:403 mot_cua:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "annual:year_form": "anon:302 chu_tich:200 to_chuc:200 hoi_dong:200 admin:200 *:403",  # a head names their unit (?unit=): tests/evaluation/test_paper_annual.py
    "annual:sheets_job": "anon:302 *:400",
    "annual:form_issue": "anon:302 to_chuc:302 admin:302 *:403",
    "evaluation:units_action": "anon:302 *:302",
    "evaluation:period_reopen": "anon:302 to_chuc:200 admin:200 *:403",
    "evaluation:reopening": "anon:302 *:404",
    "discipline:people_search": "anon:302 *:404",  # says which form: tests/discipline/test_people_picker.py
    "evaluation:completeness": "anon:302 nhanvien:403 mot_cua:403 *:200",
    "evaluation:scoring_current": "anon:302 *:302",
    "evaluation:scoring": "anon:302 pho_phong:200 truong_phong:200 quyen_truong_phong:200 chu_tich:200 truong_khac:200 *:403",
    "evaluation:score_bulk": "anon:302 *:302",
    "evaluation:source_override": "anon:302 *:302",
    "evaluation:score_preview": "anon:302 pho_phong:200 truong_phong:200 chu_tich:200 *:403",
    "evaluation:score_save": "anon:302 pho_phong:302 truong_phong:302 chu_tich:302 *:403",
    "evaluation:score_add": "anon:302 pho_phong:302 truong_phong:302 chu_tich:302 *:403",
    "evaluation:unit_submit": "anon:302 *:302",
    "evaluation:period_action": "anon:302 to_chuc:302 admin:302 *:403",
    "evaluation:quarter_results": "anon:302 nhanvien:403 mot_cua:403 admin:403 *:200",
    "evaluation:income_list": "anon:302 to_chuc:200 *:403",
    "evaluation:income_xlsx": "anon:302 to_chuc:200 *:403",
    "evaluation:income_pdf": "anon:302 to_chuc:200 *:403",
    "discipline:inspection_list": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:inspection_plan": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:inspection_detail": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:inspection_pdf": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:inspection_checklist": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:year_plans": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:year_plan_detail": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:violation_list": "anon:302 nhanvien:403 mot_cua:403 admin:403 *:200",
    "discipline:my_violations": "anon:302 *:200",
    "discipline:contested_list": "anon:302 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 admin:200 *:403",
    "discipline:conduct_record": "anon:302 truong_phong:200 quyen_truong_phong:200 chu_tich:200 thanh_tra:200 thanh_tra_vien:200 truong_khac:200 *:403",
    "discipline:violation_detail": "anon:302 chu_tich:200 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 hoi_dong:200 *:403",
    "discipline:violation_evidence": "anon:302 chu_tich:404 thanh_tra:404 thanh_tra_vien:404 to_chuc:404 hoi_dong:404 *:403",
    "discipline:decision_list": "anon:302 *:200",
    "discipline:decision_record": "anon:302 to_chuc:200 admin:200 *:403",
    "discipline:decision_detail": "anon:302 chu_tich:200 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 hoi_dong:200 admin:200 *:403",
    "discipline:desk": "anon:302 nhanvien:403 *:200",
    "discipline:dossier_record": "anon:302 mot_cua:200 *:403",
    "discipline:dossier_detail": "anon:302 nhanvien:403 pho_phong:403 truong_phong:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "discipline:count_import": "anon:302 to_chuc:200 mot_cua:200 admin:200 *:403",
    "discipline:timeliness": "anon:302 nhanvien:403 *:200",
    "discipline:timeliness_pdf": "anon:302 nhanvien:403 *:200",
    "discipline:timeliness_xlsx": "anon:302 nhanvien:403 *:200",
    "discipline:complaint_list": "anon:302 nhanvien:403 *:200",
    "discipline:complaint_detail": "anon:302 nhanvien:403 pho_phong:403 truong_phong:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:200",
    "discipline:suggestion_list": "anon:302 nhanvien:403 *:200",
    "discipline:survey_dashboard": "anon:302 nhanvien:403 *:200",
    "discipline:commitment_board": "anon:302 *:200",
    "discipline:report_dashboard": "anon:302 nhanvien:403 mot_cua:403 *:200",
    "discipline:report_xlsx": "anon:302 nhanvien:403 mot_cua:403 *:200",
    "login": "anon:200 *:302",
    "logout": "anon:302 *:302",
    "password_change": "anon:302 *:200",
    "password_change_done": "anon:302 *:200",
    "set_language": "anon:302 *:302",
    "favicon": "*:301",
    "evaluation:work_evidence": "anon:302 quyen_truong_phong:403 mot_cua:403 admin:403 truong_khac:403 pho_khac:403 quyen_het_han:403 *:404",
    "api:units": "anon:401 *:200",
    "api:unit": "anon:401 quyen_truong_phong:404 mot_cua:404 truong_khac:404 pho_khac:404 quyen_het_han:404 *:200",
    "api:people": "anon:401 *:200",
    "api:person": "anon:401 quyen_truong_phong:404 mot_cua:404 truong_khac:404 pho_khac:404 quyen_het_han:404 *:200",
    "api:periods": "anon:401 *:200",
    "api:period": "anon:401 *:200",
    "api:results": "anon:401 *:200",
    "api:result": "anon:401 *:404",
    "api:unit_results": "anon:401 *:200",
    "api:annual_results": "anon:401 *:400",
    "api:unit_annual_results": "anon:401 *:400",
    "api:violations": "anon:401 *:200",
    "api:violation": "anon:401 chu_tich:200 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 hoi_dong:200 mot_cua:200 admin:200 *:404",
    "api:decisions": "anon:401 *:200",
    "api:decision": "anon:401 chu_tich:200 thanh_tra:200 thanh_tra_vien:200 to_chuc:200 hoi_dong:200 mot_cua:200 admin:200 *:404",
    "api:work_items": "anon:401 *:400",
    "api:override": "anon:401 quyen_truong_phong:404 mot_cua:404 admin:404 truong_khac:404 pho_khac:404 quyen_het_han:404 *:400",
    "api:dossiers": "anon:401 *:400",
    "api:dossier_counts": "anon:401 *:400",
    "api:hr_units": "anon:401 *:400",
    "api:hr_people": "anon:401 *:400",
    "api:hr_posts": "anon:401 *:400",
    "api:webhooks": "anon:401 *:403",
    "api:webhook": "anon:401 *:403",
    "api:my_tokens": "anon:302 *:200",
    "api:schema": "*:200",
    "api:docs": "*:200",
}
"""URL name → "role:status ..." with `*` for every role not named. Anonymous visitors go
to the login page (302); 403 inside the agency out of scope, 404 for what does not exist
for the person; a POST-only view answers a forged empty POST with a refusal or a redirect
with a message, never a write (the services check again)."""
EXPORTS = {
    "hrsystem:directory",
    "hrsystem:unit_detail",
    "evaluation:my_results",
    "evaluation:period_list",
    "evaluation:overview",
    "evaluation:scoring",
    "evaluation:quarter_results",
    "evaluation:completeness",
    "annual:units",
    "annual:review",
    "discipline:inspection_list",
    "discipline:year_plans",
    "discipline:violation_list",
    "discipline:my_violations",
    "discipline:contested_list",
    "discipline:decision_list",
    "discipline:complaint_list",
    "discipline:desk",
    "discipline:suggestion_list",
}
"""List pages whose `?export=xlsx` is their Excel export (`hrsystem.exports`): the same
view, so each role gets the export exactly where it gets the page (tested below)."""
ADMIN_ROLES = {"anon": "login", "nhanvien": "login", "to_chuc": "staff", "admin": "staff"}
"""The admin's gate is the same for every non-staff login: two of them stand for all."""


def observe(name, route, world, role):
    url = reverse(name, kwargs=kwargs_for(name, route, world.args))
    client = client_for(world, role)
    response = (client.post if name in POST_ONLY else client.get)(url)
    return response.status_code


def expected(name: str, role: str) -> int:
    spec = dict(part.split(":") for part in EXPECTED[name].split())
    return int(spec.get(role, spec["*"]))


def test_every_url_pattern_has_an_entry():
    names = {name for name, _route in url_patterns() if not name.startswith("admin:")}
    assert "" not in names, "every URL pattern needs a name to be in the matrix"
    assert names == set(EXPECTED)
    for spec in EXPECTED.values():
        assert {part.split(":")[0] for part in spec.split()} <= {*ROLES, "*"}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_what_it_may(world, name):
    route = dict(url_patterns())[name]
    got = {role: observe(name, route, world, role) for role in ROLES}
    assert got == {role: expected(name, role) for role in ROLES}


@pytest.mark.parametrize("name", sorted(EXPORTS))
def test_each_roles_export_is_where_its_page_is(world, name):
    route = dict(url_patterns())[name]
    url = reverse(name, kwargs=kwargs_for(name, route, world.args))
    for role in ROLES:
        client = Client()
        if role != "anon":
            client.force_login(world.users[role])
        response = client.get(url, {"export": "xlsx"})
        assert response.status_code == expected(name, role), role
        if response.status_code == 200:
            assert response["Content-Type"] == XLSX, role


def _admin_kwargs(route: str) -> dict:
    return {
        key: "hrsystem" if key == "app_label" else "1"
        for key in re.findall(r"<(?:\w+:)?(\w+)>", route)
    }


def admin_pages() -> list[tuple[str, str]]:
    """(name, route) of every admin pattern but the site's own login and logout, and the
    unnamed redirects."""
    return [
        (name, route)
        for name, route in url_patterns()
        if name.startswith("admin:") and name not in ("admin:", "admin:login", "admin:logout")
    ]


def test_the_admin_walk_finds_the_admin():
    assert len(admin_pages()) * len(ADMIN_ROLES) > 200


@pytest.mark.parametrize(("name", "route"), admin_pages(), ids=[name for name, _ in admin_pages()])
def test_only_staff_reach_the_admin_and_nothing_there_fails(world, name, route):
    admin_login = reverse("admin:login")
    kwargs = _admin_kwargs(route)
    groups = 0 if kwargs else re.compile(route).groups
    url = reverse(name, kwargs=kwargs, args=["1"] * groups)
    for role, gate in ADMIN_ROLES.items():
        response = client_for(world, role).get(url)
        if gate == "login":
            assert response.status_code == 302, (name, role)
            assert response["Location"].startswith(admin_login), (name, role)
        else:
            assert response.status_code < 500, (name, role)
