"""setup_demo: the demo agency, its logins, and re-running without duplicates."""

from io import StringIO

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.utils import timezone

from hrsystem import demo, permissions, selectors
from hrsystem.models import (
    Assignment,
    DeputyDelegation,
    Employee,
    JobPosition,
    Organisation,
    Post,
    PostKind,
    QuotaGroup,
    RoleGrant,
    StandardTask,
    Unit,
)
from hrsystem.permissions import Perm

pytestmark = pytest.mark.django_db
MODELS = [
    Organisation,
    Unit,
    JobPosition,
    StandardTask,
    QuotaGroup,
    Employee,
    Assignment,
    Post,
    DeputyDelegation,
    RoleGrant,
    get_user_model(),
]


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def run() -> str:
    out = StringIO()
    call_command("setup_demo", stdout=out)
    return out.getvalue()


def test_it_builds_the_demo_agency_and_prints_one_login_per_role():
    output = run()
    for username, _role in demo.LOGINS:
        assert f"  {username} " in output
    assert demo.PASSWORD in output
    organisation = Organisation.objects.get(code=demo.CODE)
    assert organisation.units.count() == 15
    assert max(organisation.units.values_list("depth", flat=True)) == 2
    assert 140 <= Employee.objects.count() <= 160
    for position in JobPosition.objects.all():
        assert 3 <= position.tasks.count() <= 6, position
    assert Post.objects.filter(kind=PostKind.ACTING).count() == 1
    assert DeputyDelegation.objects.exists() and QuotaGroup.objects.exists()


def test_it_is_idempotent():
    run()
    first = counts()
    output = run()
    assert counts() == first
    assert "Đã có sẵn" in output


def test_it_gives_every_demo_login_its_role():
    run()
    today = timezone.localdate()
    users = {user.username: user for user in get_user_model().objects.all()}
    for username, _role in demo.LOGINS:
        assert authenticate(username=username, password=demo.PASSWORD) == users[username]
    organisation = Organisation.objects.get(code=demo.CODE)
    staff = users["nhanvien"].employee
    assert selectors.superior_of(staff, on=today) == users["truong_phong"].employee
    assert permissions.can_score(users["pho_phong"], staff, today)
    assert permissions.can_score(users["truong_phong"], staff, today)
    assert not permissions.can_score(users["nhanvien"], staff, today)
    assert permissions.can_view_employee(users["nhanvien"], staff, today)
    acting_unit = Unit.objects.get(organisation=organisation, code=demo.ACTING_UNIT)
    assert permissions.can_approve_unit(users["quyen_truong_phong"], acting_unit, today)
    assert permissions.can_sign_off(users["chu_tich"], organisation, today)
    assert permissions.can_inspect(users["thanh_tra"], acting_unit, today)
    assert permissions.can_manage_org(users["to_chuc"], organisation)
    assert permissions.unit_ids_for(users["hoi_dong"], Perm.REVIEW_EMULATION, today)
    assert permissions.unit_ids_for(users["mot_cua"], Perm.RECORD_DOSSIERS, today)
    assert users["admin"].is_superuser and users["to_chuc"].is_staff


def test_it_names_people_in_nfc_vietnamese():
    import unicodedata

    run()
    names = list(Employee.objects.values_list("full_name", flat=True))
    assert all(unicodedata.is_normalized("NFC", name) for name in names)
    assert len(set(names)) == len(names)
    assert any("Nguyễn" in name for name in names)
