"""A small named agency for any app's tests: `build_cast()` (fixture `cast` in tests/hrsystem).

UBND (root) ─┬─ VP Văn phòng ── MC Bộ phận Một cửa
             ├─ NV Phòng Nội vụ
             ├─ TC Phòng Tài chính ── KT Tổ Kế toán (no head)
             └─ TT Thanh tra

Everyone starts on 1/1/2026. chu_tich heads UBND, pho_chu_tich is its deputy.
truong_tc heads TC, pho_tc is its deputy and scores `an` by delegation; `binh` is TC
staff. KT has no head; quyen_kt (KT staff) is its acting head from 1/3 to 31/5, `cuong`
its staff. truong_nv heads NV until 30/6; quyen_nv (NV staff) is acting head of NV from
1/6 to 31/8, so June has both and NV has no leader from September. to_chuc (NV staff) is
the HR officer, thanh_tra (TT staff) the inspector for 2026, mot_cua (MC staff) the
one-stop officer for MC, hoi_dong (VP staff) a board member; `admin` is a superuser
without an employee record.
"""

from datetime import date
from types import SimpleNamespace

from hrsystem.models import PostKind, Role
from tests.factories import (
    DeputyDelegationFactory,
    EmployeeFactory,
    JobPositionFactory,
    OrganisationFactory,
    PostFactory,
    RoleGrantFactory,
    UnitFactory,
    UserFactory,
)


def build_cast() -> SimpleNamespace:
    """Create the agency above and return its units and people by name."""
    org = OrganisationFactory(code="UBND-TN", name="UBND huyện Thử Nghiệm")
    c = SimpleNamespace(org=org)
    c.root = UnitFactory(organisation=org, code="UBND", name="UBND huyện")
    c.vp = UnitFactory(parent=c.root, code="VP", name="Văn phòng HĐND-UBND")
    c.mc = UnitFactory(parent=c.vp, code="MC", name="Bộ phận Một cửa")
    c.nv = UnitFactory(parent=c.root, code="NV", name="Phòng Nội vụ")
    c.tc = UnitFactory(parent=c.root, code="TC", name="Phòng Tài chính - Kế hoạch")
    c.kt = UnitFactory(parent=c.tc, code="KT", name="Tổ Kế toán")
    c.tt = UnitFactory(parent=c.root, code="TT", name="Thanh tra huyện")
    position = JobPositionFactory(organisation=org, code="CV", name="Chuyên viên")

    def person(name: str, unit, full_name: str):
        employee = EmployeeFactory(
            code=name.upper(),
            full_name=full_name,
            unit=unit,
            job_position=position,
            user=UserFactory(username=name),
        )
        setattr(c, name, employee)
        return employee

    person("chu_tich", c.root, "Nguyễn Văn Chính")
    person("pho_chu_tich", c.root, "Trần Thị Phó")
    person("truong_tc", c.tc, "Lê Văn Trường")
    person("pho_tc", c.tc, "Phạm Thị Phương")
    person("an", c.tc, "Hoàng Văn An")
    person("binh", c.tc, "Đặng Thị Bình")
    person("quyen_kt", c.kt, "Vũ Văn Quyền")
    person("cuong", c.kt, "Bùi Mạnh Cường")
    person("truong_nv", c.nv, "Đỗ Thị Nga")
    person("quyen_nv", c.nv, "Ngô Quang Vinh")
    person("to_chuc", c.nv, "Dương Thị Tổ")
    person("thanh_tra", c.tt, "Lý Văn Thanh")
    person("mot_cua", c.mc, "Mai Thị Cửa")
    person("hoi_dong", c.vp, "Trịnh Văn Đồng")

    PostFactory(employee=c.chu_tich, unit=c.root, kind=PostKind.HEAD)
    PostFactory(employee=c.pho_chu_tich, unit=c.root, kind=PostKind.DEPUTY)
    PostFactory(employee=c.truong_tc, unit=c.tc, kind=PostKind.HEAD)
    PostFactory(employee=c.pho_tc, unit=c.tc, kind=PostKind.DEPUTY)
    PostFactory(
        employee=c.quyen_kt,
        unit=c.kt,
        kind=PostKind.ACTING,
        start=date(2026, 3, 1),
        end=date(2026, 5, 31),
    )
    PostFactory(employee=c.truong_nv, unit=c.nv, kind=PostKind.HEAD, end=date(2026, 6, 30))
    PostFactory(
        employee=c.quyen_nv,
        unit=c.nv,
        kind=PostKind.ACTING,
        start=date(2026, 6, 1),
        end=date(2026, 8, 31),
    )
    DeputyDelegationFactory(deputy=c.pho_tc, staff=c.an, unit=c.tc)

    RoleGrantFactory(role=Role.HR_OFFICER, organisation=org, employee=c.to_chuc)
    RoleGrantFactory(
        role=Role.INSPECTOR, organisation=org, employee=c.thanh_tra, end=date(2026, 12, 31)
    )
    RoleGrantFactory(role=Role.ONE_STOP_OFFICER, organisation=org, unit=c.mc, employee=c.mot_cua)
    RoleGrantFactory(role=Role.BOARD_MEMBER, organisation=org, employee=c.hoi_dong)
    c.admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    return c
