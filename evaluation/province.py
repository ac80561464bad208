"""A deterministic province in the database, in bulk: for `generate_province` and the
benchmark.

`generate()` builds an agency of `people` people in `units` units (a provincial
committee, its departments, their divisions and teams), the demo's job positions and
standing tasks, Vietnamese names, heads, acting heads and deputies with logins,
delegations, a one-stop desk, violations and late dossiers at realistic rates, then
opens `months` monthly periods of one year through `services.period_open` and fills
each with work done, criterion scores and the engine's results (the last month stays
in scoring; earlier ones are locked, as the annual roll-up counts them). Rows go in
with `bulk_create` in batches, no service call per person; the same arguments always
give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.db import connection, transaction
from simple_history.utils import bulk_create_with_history

from discipline.models import (
    DossierRecord,
    DossierStatus,
    Violation,
    ViolationCatalogueItem,
    ViolationSource,
)
from evaluation import bulk_writes, models, services
from evaluation.adapters import period_recompute
from evaluation.models import EvaluationState, PeriodState, UnitPeriodState
from evaluation.rulesets import SHIPPED_FIXTURE
from hrsystem import clock
from hrsystem import services as hr_services
from hrsystem.demo import FAMILY, GIVEN, MIDDLE, POSITIONS, positions_create
from hrsystem.models import (
    PATH_STEP,
    Assignment,
    Category,
    DeputyDelegation,
    Employee,
    Organisation,
    Post,
    PostKind,
    Role,
    RoleGrant,
    Unit,
    search_key,
)
from hrsystem.vietnamese import name_sort_key

BATCH = 2000
YEAR = 2026
PASSWORD = "Province@2026"
CATALOGUE = SHIPPED_FIXTURE.parent / "violation_catalogue.json"
DEPARTMENTS = (
    "Văn phòng UBND tỉnh",
    "Sở Nội vụ",
    "Sở Tài chính",
    "Sở Kế hoạch và Đầu tư",
    "Sở Tư pháp",
    "Sở Xây dựng",
    "Sở Giao thông vận tải",
    "Sở Tài nguyên và Môi trường",
    "Sở Nông nghiệp và Phát triển nông thôn",
    "Sở Công Thương",
    "Sở Giáo dục và Đào tạo",
    "Sở Y tế",
    "Sở Lao động - Thương binh và Xã hội",
    "Sở Văn hóa, Thể thao và Du lịch",
    "Sở Khoa học và Công nghệ",
    "Sở Thông tin và Truyền thông",
    "Thanh tra tỉnh",
    "Ban Dân tộc",
    "Ban Quản lý các khu công nghiệp",
    "Trung tâm Phục vụ hành chính công",
)
DIVISIONS = (
    "Văn phòng",
    "Phòng Tổ chức - Hành chính",
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý nghiệp vụ",
    "Phòng Pháp chế",
    "Phòng Thanh tra - Kiểm tra",
    "Phòng Tổng hợp",
    "Bộ phận Một cửa",
)
TEAMS = ("Tổ Tổng hợp", "Tổ Nghiệp vụ", "Tổ Tiếp nhận hồ sơ", "Đội Kiểm tra")
STAFF_POSITIONS = [code for code, _name, _group, _tasks in POSITIONS if code not in ("LDUB", "LDP")]
VIOLATION_RATE = 0.02
"""Share of people with a recorded violation in a month."""
DOSSIERS_PER_DESK = 20
LATE_RATE = 0.04


@dataclass
class Province:
    organisation: Organisation
    hr_user: object
    leader_user: object
    periods: list[models.Period]


def _say(progress: Callable[[str], None] | None, text: str) -> None:
    if progress:
        progress(text)


def generate(
    *,
    people: int,
    units: int,
    months: int,
    seed: int,
    code: str | None = None,
    progress: Callable[[str], None] | None = None,
) -> Province:
    """Build the province (see the module); `code` defaults to PROV-<people>-<seed>."""
    if not 1 <= months <= 12:
        raise ValueError("months must be 1–12")
    units = max(2, min(units, people // 2))
    code = code or f"PROV-{people}-{seed}"
    rng = random.Random(seed)
    _reference_data()
    with transaction.atomic():
        bulk_writes.jit_off()
        organisation = hr_services.organisation_create(
            code=code, name=f"UBND tỉnh Thử nghiệm {code}"
        )
        tree = _units(organisation, units, rng)
        _say(progress, f"units: {len(tree)}")
        positions, desk = _positions(organisation)
        staff = _people(organisation, tree, positions, people, rng, progress)
        hr_user, leader_user = _logins_and_roles(organisation, tree, staff)
        _say(progress, "people, posts and logins done")
    analyze()
    periods = []
    for month in range(1, months + 1):
        with transaction.atomic():
            bulk_writes.jit_off()
            _ledger(organisation, staff, desk, month, rng)
            period = services.period_open(  # scored once, after it is filled
                organisation=organisation, year=YEAR, number=month, by=hr_user, score=False
            )
            analyze()  # the month's new rows, before they are filled and scored
            fill_month(period, rng)
            period_recompute(period=period)
            if month < months:
                lock(period)
            periods.append(period)
        _say(progress, f"month {month}/{months} opened, filled and scored")
    analyze()
    _say(progress, "statistics refreshed (ANALYZE)")
    return Province(organisation, hr_user, leader_user, periods)


def analyze() -> None:
    """Refresh the planner's statistics of the tables just filled, as a bulk load should:
    with stale ones PostgreSQL scans whole tables for a few units' rows."""
    tables = [
        model._meta.db_table
        for model in (
            Unit,
            Employee,
            Assignment,
            Post,
            DeputyDelegation,
            Violation,
            DossierRecord,
            models.Evaluation,
            models.CriterionScore,
            models.WorkItem,
            models.UnitPeriod,
        )
    ]
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")


def existing(organisation: Organisation) -> Province:
    """A province built earlier: its HR officer's and its leader's logins, its periods."""
    hr = RoleGrant.objects.filter(organisation=organisation, role=Role.HR_OFFICER).first()
    leader = (
        Post.objects.filter(unit__organisation=organisation, unit__parent=None, kind=PostKind.HEAD)
        .select_related("employee__user")
        .first()
    )
    return Province(
        organisation,
        hr.user,
        leader.employee.user,
        list(organisation.periods.order_by("year", "number")),
    )


def _reference_data() -> None:
    if not models.RuleSet.objects.filter(code="nd335").exists():
        call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)
    if not ViolationCatalogueItem.objects.filter(organisation__isnull=True).exists():
        call_command("loaddata", str(CATALOGUE), verbosity=0)


def _units(organisation, count: int, rng: random.Random) -> list[Unit]:
    """A root, departments (about one in twelve units), divisions under them and teams
    under a third of the divisions: three or four levels."""
    root = hr_services.unit_create(organisation=organisation, code="UBND", name=organisation.name)
    departments = max(1, min(count - 1, (count - 1) // 12 or 1))
    level1 = [
        Unit(
            organisation=organisation,
            code=f"S{n:03d}",
            name=_numbered(DEPARTMENTS, n),
            parent=root,
        )
        for n in range(departments)
    ]
    rest = count - 1 - departments
    teams = rest // 4
    divisions = rest - teams
    _insert_level(level1, root)
    level2 = []
    for n in range(divisions):
        parent = level1[n % departments]
        level2.append(
            Unit(
                organisation=organisation,
                code=f"{parent.code}-P{n // departments:02d}",
                name=_numbered(DIVISIONS, n // departments),
                parent=parent,
            )
        )
    _insert_level(level2)
    level3 = []
    for n in range(teams):
        parent = level2[rng.randrange(len(level2))] if level2 else level1[n % departments]
        level3.append(
            Unit(
                organisation=organisation,
                code=f"{parent.code}-T{n:04d}",
                name=_numbered(TEAMS, n),
                parent=parent,
            )
        )
    _insert_level(level3)
    return [root, *level1, *level2, *level3]


def _numbered(names, n: int) -> str:
    name = names[n % len(names)]
    return name if n < len(names) else f"{name} {n // len(names) + 1}"


def _insert_level(rows: list[Unit], root: Unit | None = None) -> None:
    """Insert one level of the tree with its history, then write each row's path and
    depth from its parent's (the ids are known only after the insert)."""
    if not rows:
        return
    bulk_create_with_history(rows, Unit, batch_size=BATCH)
    by_code = dict(
        Unit.objects.filter(
            organisation=rows[0].organisation, code__in=[r.code for r in rows]
        ).values_list("code", "pk")
    )
    changes = {}
    for row in rows:
        row.pk = by_code[row.code]
        parent = root or row.parent
        row.path = f"{parent.path}{row.pk:0{PATH_STEP}d}/"
        row.depth = parent.depth + 1
        changes[row.pk] = {"path": row.path, "depth": row.depth}
    bulk_writes.update_rows(Unit, changes, ["path", "depth"])


def _positions(organisation):
    positions, desk, groups_of = positions_create(organisation)
    for code, position in positions.items():
        position.quota_group = groups_of[code]
    return positions, desk


@dataclass
class Staff:
    """Who is where: unit id → [(employee id, role)], and the desk officers."""

    by_unit: dict[int, list[tuple[int, str]]]
    desk: list[tuple[int, int]]
    units: dict[int, Unit]


def _people(organisation, tree, positions, count, rng, progress) -> Staff:
    """Everyone with an assignment; at least two per unit, three at the root, the rest
    spread with random weights. Per unit: the head first (3% of units have only an
    acting head, a staff member), deputies in units of 8 or more, then staff."""
    sizes = [3] + [2] * (len(tree) - 1)
    weights = [0] + [rng.uniform(0.5, 2.0) for _unit in tree[1:]]
    total = sum(weights)
    spare = count - sum(sizes)
    for index, weight in enumerate(weights):
        sizes[index] += int(spare * weight / total)
    sizes[-1] += count - sum(sizes)
    prefix = organisation.code.replace("-", "")[:12]
    employees, assignments, roles = [], [], []
    number = 0
    for unit, size in zip(tree, sizes, strict=True):
        deputies = 2 if size >= 15 else 1 if size >= 8 else 0
        acting = unit.depth > 0 and rng.random() < 0.03
        leaders = (["acting"] if acting else ["head"]) + ["deputy"] * deputies
        desk_unit = "Một cửa" in unit.name or "hành chính công" in unit.name
        for index in range(size):
            number += 1
            role = leaders[index] if index < len(leaders) else "staff"
            if unit.depth == 0:
                position = "LDUB"
            elif role in ("head", "deputy"):
                position = "LDP"
            elif desk_unit and rng.random() < 0.7:
                position = "MC"
            else:
                position = rng.choice(STAFF_POSITIONS)
            sex = rng.choice("mf")
            full_name = " ".join(
                (rng.choice(FAMILY), rng.choice(MIDDLE[sex]), rng.choice(GIVEN[sex]))
            )
            employee_code = f"{prefix}{number:06d}"
            category = Category.HOP_DONG if position == "HD" else Category.CONG_CHUC
            employees.append(
                Employee(
                    code=employee_code,
                    full_name=full_name,
                    search_name=search_key(f"{full_name} {employee_code}"),
                    sort_key=name_sort_key(full_name),
                    category=category,
                    email=f"{employee_code.lower()}@tinh.gov.vn",
                    quota_group=positions[position].quota_group,
                )
            )
            start = date(rng.randint(YEAR - 15, YEAR - 1), rng.randint(1, 12), 1)
            assignments.append((employee_code, unit, positions[position], start))
            roles.append((employee_code, unit.pk, role, position))
    bulk_create_with_history(employees, Employee, batch_size=BATCH)
    _say(progress, f"people: {len(employees)}")
    ids = dict(
        Employee.objects.filter(code__startswith=prefix).values_list("code", "pk").iterator()
    )
    bulk_create_with_history(
        [
            Assignment(employee_id=ids[c], unit=unit, job_position=position, start=start)
            for c, unit, position, start in assignments
        ],
        Assignment,
        batch_size=BATCH,
    )
    staff = Staff(by_unit={}, desk=[], units={u.pk: u for u in tree})
    for employee_code, unit_id, role, position in roles:
        staff.by_unit.setdefault(unit_id, []).append((ids[employee_code], role))
        if position == "MC":
            staff.desk.append((ids[employee_code], unit_id))
    _posts(staff, rng)
    return staff


def _posts(staff: Staff, rng: random.Random) -> None:
    since = date(YEAR - 1, 1, 1)
    kinds = {"head": PostKind.HEAD, "deputy": PostKind.DEPUTY}
    posts, delegations = [], []
    for unit_id, people in staff.by_unit.items():
        members = [employee_id for employee_id, role in people if role == "staff"]
        for employee_id, role in people:
            if role in kinds:
                posts.append(
                    Post(employee_id=employee_id, unit_id=unit_id, kind=kinds[role], start=since)
                )
            if role == "acting":
                posts.append(
                    Post(
                        employee_id=employee_id,
                        unit_id=unit_id,
                        kind=PostKind.ACTING,
                        start=since,
                    )
                )
            if role == "deputy" and len(members) >= 6:
                for staff_id in rng.sample(members, 3):
                    delegations.append(
                        DeputyDelegation(
                            deputy_id=employee_id, staff_id=staff_id, unit_id=unit_id, start=since
                        )
                    )
                    members.remove(staff_id)
    bulk_create_with_history(posts, Post, batch_size=BATCH)
    bulk_create_with_history(delegations, DeputyDelegation, batch_size=BATCH)


def _logins_and_roles(organisation, tree, staff: Staff):
    """A login for every leader (username: the employee code in lower case) and for the
    HR officer (the first staff member of the root's first department)."""
    user_model = get_user_model()
    password = make_password(PASSWORD)
    leaders = [
        employee_id
        for people in staff.by_unit.values()
        for employee_id, role in people
        if role != "staff"
    ]
    hr_id = next(e for e, role in staff.by_unit[tree[1].pk] if role == "staff")
    codes = dict(Employee.objects.filter(pk__in=[*leaders, hr_id]).values_list("pk", "code"))
    user_model.objects.bulk_create(
        [user_model(username=codes[pk].lower(), password=password) for pk in codes],
        batch_size=BATCH,
    )
    users = dict(
        user_model.objects.filter(username__in=[c.lower() for c in codes.values()]).values_list(
            "username", "pk"
        )
    )
    bulk_writes.update_rows(
        Employee, {pk: {"user_id": users[code.lower()]} for pk, code in codes.items()}, ["user_id"]
    )
    hr = Employee.objects.select_related("user").get(pk=hr_id)
    since = date(YEAR - 1, 1, 1)
    hr_services.role_grant(
        role=Role.HR_OFFICER, organisation=organisation, employee=hr, start=since
    )
    hr_services.role_grant(
        role=Role.ONE_STOP_OFFICER, organisation=organisation, employee=hr, start=since
    )
    root_head = next(e for e, role in staff.by_unit[tree[0].pk] if role == "head")
    leader = Employee.objects.select_related("user").get(pk=root_head)
    return hr.user, leader.user


def _ledger(organisation, staff: Staff, desk, month: int, rng: random.Random) -> None:
    """The month's violations (VIOLATION_RATE of the staff, from the shipped catalogue)
    and the desk officers' dossiers (LATE_RATE late, none excused)."""
    first = date(YEAR, month, 1)
    items = list(
        ViolationCatalogueItem.objects.filter(
            organisation__isnull=True, effective_to__isnull=True, applies_to="person"
        ).order_by("code")
    )
    violations = []
    for unit_id, people in sorted(staff.by_unit.items()):
        for employee_id, role in people:
            if items and role == "staff" and rng.random() < VIOLATION_RATE:
                item = rng.choice(items)
                day = first + timedelta(days=rng.randint(0, 27))
                violations.append(
                    Violation(
                        organisation=organisation,
                        unit_id=unit_id,
                        employee_id=employee_id,
                        item=item,
                        occurred_on=day,
                        points=item.default_points,
                        criterion_code=item.criterion_code,
                        cap_level=item.cap_level,
                        legal_basis=item.legal_basis,
                        source=ViolationSource.CONDUCT,
                        contest_deadline=day + timedelta(days=5),
                    )
                )
    bulk_create_with_history(violations, Violation, batch_size=BATCH)
    dossiers = []
    for officer_id, unit_id in staff.desk:
        for n in range(DOSSIERS_PER_DESK):
            received = first + timedelta(days=rng.randint(0, 20))
            due = received + timedelta(days=5)
            late = rng.random() < LATE_RATE
            dossiers.append(
                DossierRecord(
                    organisation=organisation,
                    unit_id=unit_id,
                    code=f"{YEAR}{month:02d}-{officer_id}-{n:03d}",
                    procedure=desk.name,
                    citizen_name="Công dân",
                    officer_id=officer_id,
                    received_on=received,
                    due_on=due,
                    settled_on=due + timedelta(days=rng.randint(1, 4)) if late else due,
                    status=DossierStatus.LATE if late else DossierStatus.ON_TIME,
                )
            )
    bulk_create_with_history(dossiers, DossierRecord, batch_size=BATCH)


def fill_month(period: models.Period, rng: random.Random) -> None:
    """The month's work done and scores, set-based, the month put in scoring (the
    engine's results are left to `period_recompute`)."""
    items = {}
    for pk, planned in (
        models.WorkItem.objects.filter(evaluation__period=period)
        .order_by("pk")
        .values_list("pk", "planned")
        .iterator()
    ):
        share = Decimal(rng.choice((100, 100, 100, 95, 90, 80, 110))) / 100
        items[pk] = {
            "done": (planned * share).quantize(Decimal("0.01")),
            "major_errors": 1 if rng.random() < 0.05 else 0,
            "late": rng.randint(1, 3) if rng.random() < 0.05 else 0,
        }
    bulk_writes.update_rows(models.WorkItem, items, ["done", "major_errors", "late"])
    criteria = period.rule_set_snapshot["general_criteria"]
    maxima = [Decimal(c["max_points"]) for c in criteria]
    scores = {}
    for pk, index in (
        models.CriterionScore.objects.filter(evaluation__period=period)
        .order_by("pk")
        .values_list("pk", "criterion_index")
        .iterator()
    ):
        value = maxima[index] if rng.random() < 0.9 else maxima[index] / 2
        scores[pk] = {"proposed": value, "final": value}
    bulk_writes.update_rows(models.CriterionScore, scores, ["proposed", "final"])
    models.Evaluation.objects.filter(period=period).update(state=EvaluationState.SCORED)
    models.Period.objects.filter(pk=period.pk).update(state=PeriodState.SCORING)
    period.state = PeriodState.SCORING


def lock(period: models.Period) -> None:
    """Close `period` as its whole cycle would (every unit approved, the results
    published, the appeal window over, the period locked), in three UPDATEs and no
    history: a generated month the annual roll-up can count."""
    now = clock.now()
    models.UnitPeriod.objects.filter(period=period).update(state=UnitPeriodState.APPROVED)
    models.Evaluation.objects.filter(period=period).update(state=EvaluationState.LOCKED)
    values = {"signed_off_at": now, "published_at": now, "locked_at": now}
    models.Period.objects.filter(pk=period.pk).update(state=PeriodState.LOCKED, **values)
    period.state = PeriodState.LOCKED
    for name, value in values.items():
        setattr(period, name, value)
