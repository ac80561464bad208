"""A small agency for the discipline tests (`d` fixture), "today" fixed at 16/3/2026.

UBND huyện Bình Xuyên (BX):

UBND (chu_tich) ─┬─ NV Phòng Nội vụ (truong_nv; kiem, ngoai_doan, to_chuc)
                 ├─ VP Văn phòng (truong_vp; thu) ── MC Bộ phận Một cửa (mot_cua)
                 └─ TN Phòng Tài nguyên và Môi trường (truong_tn, pho_tn; an, binh)

NV is the agency's Internal Affairs unit (`DisciplinePolicy`). truong_nv, kiem and
ngoai_doan hold the inspector role; to_chuc is the HR officer; mot_cua the one-stop
officer for the whole agency. A second agency, Tam Dương (TD), has staff `khach`.
Everyone starts on 1/1/2026. The reference forms and catalogue are loaded.
"""

from datetime import date
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from discipline import services
from discipline.models import DisciplineForm, DisciplinePolicy, ViolationCatalogueItem
from hrsystem import clock
from hrsystem.models import PostKind, Role
from tests.factories import (
    EmployeeFactory,
    JobPositionFactory,
    OrganisationFactory,
    PostFactory,
    RoleGrantFactory,
    UnitFactory,
    UserFactory,
)
from tests.shared import shared_cast

TODAY = date(2026, 3, 16)


@pytest.fixture(autouse=True)
def _fixed_today(clock):
    """The product's clock reads 16/3/2026."""
    clock.travel_to(TODAY)


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def build_agency() -> SimpleNamespace:
    """Create the agency above and return its units, people and reference rows by name."""
    call_command("loaddata", "fixtures/reference/discipline_forms.json", verbosity=0)
    call_command("loaddata", "fixtures/reference/violation_catalogue.json", verbosity=0)
    org = OrganisationFactory(code="BX", name="UBND huyện Bình Xuyên")
    d = SimpleNamespace(org=org, today=TODAY)
    d.root = UnitFactory(organisation=org, code="UBND", name="UBND huyện")
    d.nv = UnitFactory(parent=d.root, code="NV", name="Phòng Nội vụ")
    d.vp = UnitFactory(parent=d.root, code="VP", name="Văn phòng HĐND và UBND")
    d.mc = UnitFactory(parent=d.vp, code="MC", name="Bộ phận Một cửa")
    d.tn = UnitFactory(parent=d.root, code="TN", name="Phòng Tài nguyên và Môi trường")
    position = JobPositionFactory(organisation=org, code="CV", name="Chuyên viên")

    def person(name, unit, full_name):
        employee = EmployeeFactory(
            code=name.upper(),
            full_name=full_name,
            unit=unit,
            job_position=position,
            user=UserFactory(username=name),
        )
        setattr(d, name, employee)
        return employee

    person("chu_tich", d.root, "Trần Văn Quang")
    person("truong_nv", d.nv, "Hoàng Minh Đức")
    person("kiem", d.nv, "Đặng Quốc Kiểm")
    person("ngoai_doan", d.nv, "Lý Thị Ngoài")
    person("to_chuc", d.nv, "Vũ Thị Lan")
    person("truong_vp", d.vp, "Nguyễn Thị Hạnh")
    person("thu", d.vp, "Phạm Thị Thu")
    person("mot_cua", d.mc, "Mai Thị Cửa")
    person("truong_tn", d.tn, "Lê Văn Trường")
    person("pho_tn", d.tn, "Ngô Thị Phó")
    person("an", d.tn, "Hoàng Văn An")
    person("binh", d.tn, "Đỗ Thị Bình")

    PostFactory(employee=d.chu_tich, unit=d.root, kind=PostKind.HEAD)
    PostFactory(employee=d.truong_nv, unit=d.nv, kind=PostKind.HEAD)
    PostFactory(employee=d.truong_vp, unit=d.vp, kind=PostKind.HEAD)
    PostFactory(employee=d.truong_tn, unit=d.tn, kind=PostKind.HEAD)
    PostFactory(employee=d.pho_tn, unit=d.tn, kind=PostKind.DEPUTY)
    for name in ("truong_nv", "kiem", "ngoai_doan"):
        RoleGrantFactory(role=Role.INSPECTOR, organisation=org, employee=getattr(d, name))
    RoleGrantFactory(role=Role.HR_OFFICER, organisation=org, employee=d.to_chuc)
    RoleGrantFactory(role=Role.ONE_STOP_OFFICER, organisation=org, employee=d.mot_cua)
    DisciplinePolicy.objects.create(organisation=org, internal_affairs_unit=d.nv)

    other = OrganisationFactory(code="TD", name="UBND huyện Tam Dương")
    d.other_org = other
    d.td = UnitFactory(organisation=other, code="TD", name="UBND huyện Tam Dương")
    d.khach = EmployeeFactory(
        code="KHACH",
        full_name="Lý Văn Khách",
        unit=d.td,
        job_position=JobPositionFactory(organisation=other),
        user=UserFactory(username="khach"),
    )

    d.item = {item.code: item for item in ViolationCatalogueItem.objects.all()}
    d.form = {form.code: form for form in DisciplineForm.objects.all()}
    return d


@shared_cast("d")
def d() -> SimpleNamespace:
    """The agency above, built once per module on 16/3/2026; each test gets its own copy."""
    clock.travel_to(TODAY)
    return build_agency()


@pytest.fixture
def surprise(d):
    """A surprise inspection of VP (with MC) and TN headed by truong_nv with kiem, in
    progress since today."""
    return start_surprise(d)


def start_surprise(d):
    """The `surprise` inspection, planned and started."""
    inspection = services.inspection_plan(
        organisation=d.org,
        title="Kiểm tra đột xuất việc chấp hành kỷ luật, kỷ cương hành chính",
        kind="surprise",
        planned_on=TODAY,
        scope=[d.vp, d.tn],
        head=d.truong_nv,
        members=[d.kiem],
        by=d.truong_nv.user,
    )
    return services.inspection_start(inspection=inspection, by=d.truong_nv.user)
