"""Every write service of `hrsystem.services` leaves a history row naming the acting user
(see tests/audit_trail.py)."""

from datetime import date
from decimal import Decimal

from hrsystem import services
from hrsystem.models import PostKind, QualificationKind, Role, RoleGrant
from hrsystem.service_checks import audit_reason
from tests.audit_trail import Step, assert_every_service_listed, problems

IMPORT_REASON = "Nạp tổ chức từ tệp to-chuc.xlsx"

EXCLUDED = {
    "job_kind": "registers a job kind in memory when an app is ready: writes no row",
    "job_start": (
        "writes only the BackgroundJob row, an operational progress record that names its"
        " starter itself (started_by, created_at); what a job changes is written by the"
        " audited services its parts call with the job's user"
    ),
    "deputy_delegation_validate": "read-only check shared by the service and the admin form",
    "employee_transfer_validate": "read-only check shared by the service and the admin form",
    "employee_validate": "read-only check shared by the service and the admin form",
    "post_validate": "read-only check shared by the service and the admin form",
    "role_grant_validate": "read-only check shared by the service and the admin form",
    "standard_task_validate": "read-only check shared by the service and the admin form",
    "unit_validate": "read-only check shared by the service and the admin form",
    "work_product_validate": "read-only check shared by the service and the admin form",
}


def _imported(service, c, hr, rows):
    """A bulk twin as the organisation import calls it: inside its `audit_reason`."""
    with audit_reason(IMPORT_REASON):
        return service(organisation=c.org, rows=rows, by=hr)


def _steps(c) -> list[Step]:
    hr, admin = c.to_chuc.user, c.admin
    made = {}

    def keep(name, row):
        made[name] = row
        return row

    def deleted_grant():
        grant = services.role_grant(
            role=Role.BOARD_MEMBER, organisation=c.org, start=date(2026, 2, 1), user=c.binh.user
        )
        pk = grant.pk
        services.role_grant_delete(grant=grant, by=hr)
        return [RoleGrant.history.filter(id=pk, history_type="-").get().instance]

    return [
        Step(
            "organisation_create",
            lambda: services.organisation_create(code="AUD", name="UBND xã Kiểm", by=admin),
            admin,
        ),
        Step(
            "organisation_update",
            lambda: services.organisation_update(
                organisation=c.org, name="UBND huyện Kiểm Toán", by=hr
            ),
            hr,
        ),
        Step(
            "unit_create",
            lambda: keep(
                "unit",
                services.unit_create(
                    organisation=c.org,
                    code="KTNB",
                    name="Tổ kiểm toán nội bộ",
                    parent=c.root,
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "unit_update",
            lambda: services.unit_update(unit=made["unit"], name="Tổ kiểm tra nội bộ", by=hr),
            hr,
        ),
        Step("unit_move", lambda: services.unit_move(unit=made["unit"], parent=c.vp, by=hr), hr),
        Step(
            "job_position_create",
            lambda: keep(
                "position",
                services.job_position_create(
                    organisation=c.org, code="KTV", name="Kiểm toán viên", by=hr
                ),
            ),
            hr,
        ),
        Step(
            "job_position_update",
            lambda: services.job_position_update(
                job_position=made["position"], name="Kiểm soát viên", by=hr
            ),
            hr,
        ),
        Step(
            "standard_task_create",
            lambda: keep(
                "task",
                services.standard_task_create(
                    job_position=made["position"],
                    name="Báo cáo kiểm toán",
                    unit_of_measure="báo cáo",
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "standard_task_update",
            lambda: services.standard_task_update(
                task=made["task"], name="Báo cáo kiểm soát", by=hr
            ),
            hr,
        ),
        Step(
            "quota_group_create",
            lambda: keep(
                "group",
                services.quota_group_create(organisation=c.org, name="Nhóm kiểm toán", by=hr),
            ),
            hr,
        ),
        Step(
            "quota_group_update",
            lambda: services.quota_group_update(group=made["group"], name="Nhóm kiểm soát", by=hr),
            hr,
        ),
        Step(
            "work_product_create",
            lambda: keep(
                "product",
                services.work_product_create(
                    organisation=c.org,
                    code="BCKT",
                    name="Báo cáo kiểm toán",
                    unit_of_measure="bản",
                    norm=Decimal(2),
                    job_positions=[made["position"]],
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "work_product_update",
            lambda: services.work_product_update(
                product=made["product"], name="Báo cáo kiểm soát", by=hr
            ),
            hr,
        ),
        Step(
            "employee_create",
            lambda: keep(
                "person",
                services.employee_create(
                    code="KT001",
                    full_name="Phan Văn Kiểm",
                    unit=made["unit"],
                    job_position=made["position"],
                    start=date(2026, 2, 1),
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "employee_update",
            lambda: services.employee_update(
                employee=made["person"], full_name="Phan Văn Kiểm Soát", by=hr
            ),
            hr,
        ),
        Step(
            "employee_transfer",
            lambda: services.employee_transfer(
                employee=made["person"],
                unit=c.tc,
                job_position=made["position"],
                start=date(2026, 4, 1),
                by=hr,
            ),
            hr,
        ),
        Step(
            "post_assign",
            lambda: keep(
                "post",
                services.post_assign(
                    employee=made["person"],
                    unit=made["unit"],
                    kind=PostKind.HEAD,
                    start=date(2026, 5, 1),
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "post_term_set",
            lambda: services.post_term_set(post=made["post"], term_end=date(2031, 4, 30), by=hr),
            hr,
        ),
        Step(
            "post_end",
            lambda: services.post_end(post=made["post"], end=date(2026, 6, 30), by=hr),
            hr,
        ),
        Step(
            "deputy_delegate",
            lambda: keep(
                "delegation",
                services.deputy_delegate(
                    deputy=c.pho_tc, staff=c.binh, unit=c.tc, start=date(2026, 7, 1), by=hr
                ),
            ),
            hr,
        ),
        Step(
            "deputy_delegation_end",
            lambda: services.deputy_delegation_end(
                delegation=made["delegation"], end=date(2026, 8, 1), by=hr
            ),
            hr,
        ),
        Step(
            "role_grant",
            lambda: keep(
                "grant",
                services.role_grant(
                    role=Role.INSPECTOR,
                    organisation=c.org,
                    start=date(2026, 2, 1),
                    employee=c.binh,
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "role_revoke",
            lambda: services.role_revoke(grant=made["grant"], end=date(2026, 9, 30), by=hr),
            hr,
        ),
        Step("role_grant_delete", deleted_grant, hr),
        Step(
            "employee_create_many",
            lambda: keep(
                "many",
                _imported(
                    services.employee_create_many,
                    c,
                    hr,
                    [
                        {
                            "code": "KT101",
                            "full_name": "Lê Thị Nạp",
                            "unit": made["unit"],
                            "job_position": made["position"],
                            "start": date(2026, 2, 1),
                        },
                    ],
                ),
            ),
            hr,
            IMPORT_REASON,
        ),
        Step(
            "unit_create_many",
            lambda: _imported(
                services.unit_create_many,
                c,
                hr,
                [{"code": "KTNB2", "name": "Tổ nạp", "parent": c.root}],
            ),
            hr,
            IMPORT_REASON,
        ),
        Step(
            "post_assign_many",
            lambda: _imported(
                services.post_assign_many,
                c,
                hr,
                [
                    {
                        "employee": made["many"][0],
                        "unit": made["unit"],
                        "kind": PostKind.DEPUTY,
                        "start": date(2026, 5, 1),
                    },
                ],
            ),
            hr,
            IMPORT_REASON,
        ),
        Step(
            "units_receive",
            lambda: services.units_receive(
                organisation=c.org,
                rows=[
                    {"code": "KTNB", "name": "Tổ kiểm tra, giám sát", "parent": c.root.code},
                    {"code": "KTAPI", "name": "Tổ nhận qua API", "parent": "KTNB"},
                ],
                by=hr,
            ),
            hr,
        ),
        Step(
            "people_receive",
            lambda: services.people_receive(
                organisation=c.org,
                rows=[
                    {
                        "code": "KT201",
                        "full_name": "Trần Văn Gửi",
                        "unit": "KTAPI",
                        "job_position": made["position"].code,
                        "start": date(2026, 3, 1),
                    },
                    {
                        "code": "KT101",
                        "full_name": "Lê Thị Nạp Lại",
                        "unit": made["unit"].code,
                        "job_position": made["position"].code,
                        "start": date(2026, 2, 1),
                    },
                ],
                by=hr,
            ),
            hr,
        ),
        Step(
            "posts_receive",
            lambda: services.posts_receive(
                organisation=c.org,
                rows=[
                    {
                        "employee": "KT201",
                        "unit": "KTAPI",
                        "kind": PostKind.HEAD,
                        "start": date(2026, 3, 1),
                    },
                    {
                        "employee": "KT101",
                        "unit": made["unit"].code,
                        "kind": PostKind.DEPUTY,
                        "start": date(2026, 5, 1),
                        "end": date(2026, 6, 30),
                    },
                ],
                by=hr,
            ),
            hr,
        ),
        Step(
            "qualification_record",
            lambda: keep(
                "degree",
                services.qualification_record(
                    employee=made["person"],
                    kind=QualificationKind.PROFESSIONAL,
                    level="dai_hoc",
                    field="Kế toán",
                    awarded_on=date(2020, 6, 30),
                    evidence="QH-2020-0142",
                    by=hr,
                ),
            ),
            hr,
        ),
        Step(
            "qualification_update",
            lambda: services.qualification_update(
                qualification=made["degree"], level="sau_dai_hoc", by=hr
            ),
            hr,
        ),
        Step(
            "qualification_record_many",
            lambda: _imported(
                services.qualification_record_many,
                c,
                hr,
                [
                    {
                        "employee": made["person"],
                        "kind": QualificationKind.IT,
                        "level": "co_ban",
                        "awarded_on": date(2021, 3, 1),
                        "evidence": "TH-2021-7",
                    },
                ],
            ),
            hr,
            IMPORT_REASON,
        ),
        Step(
            "employee_leave",
            lambda: [
                services.employee_leave(employee=made["person"], end=date(2026, 9, 30), by=hr),
                made["person"].assignments.latest("start"),
            ],
            hr,
        ),
    ]


def test_every_hrsystem_write_service_is_audited_with_its_user(cast):
    steps = _steps(cast)
    assert_every_service_listed(services, {step.service for step in steps}, EXCLUDED)
    assert problems(steps) == []
