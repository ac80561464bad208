"""Audit completeness of the personnel board's services: each leaves a history row naming
its user and keeping the reason it was given (`tests.audit_trail`)."""

from datetime import date, timedelta

import pytest

from evaluation.annual.personnel import services
from hrsystem.models import PostKind
from tests.annual.builders import build_agency
from tests.audit_trail import Step, assert_every_service_listed, problems

pytestmark = pytest.mark.django_db
EXCLUDED: dict[str, str] = {}


def test_every_personnel_write_service_is_audited_with_its_user_and_reason(clock):
    clock.travel_to(date(2026, 12, 6))
    c = build_agency()
    steps = [
        Step(
            "personnel_rule_save",
            lambda: services.personnel_rule_save(
                organisation=c.org,
                effective_from=date(2026, 12, 1),
                note="Bật theo nghị quyết về công tác cán bộ",
                by=c.hr,
                enabled=True,
                rotation_unit_levels="fail",
            ),
            c.hr,
            "Bật theo nghị quyết về công tác cán bộ",
        ),
        Step(
            "personnel_proposal_create",
            lambda: services.personnel_proposal_create(
                organisation=c.org,
                employee=c.a1,
                kind="rotate",
                from_unit=c.pa,
                to_unit=c.pb,
                post_kind=PostKind.DEPUTY,
                effective_on=date(2026, 12, 6) + timedelta(days=20),
                reason="Tăng cường cán bộ cho phòng B",
                by=c.lanh_dao.user,
            ),
            c.lanh_dao.user,
            "Tăng cường cán bộ cho phòng B",
        ),
    ]
    assert_every_service_listed(services, {step.service for step in steps}, EXCLUDED)
    assert problems(steps) == []
