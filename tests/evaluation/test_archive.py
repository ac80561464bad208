"""Backup and restore of one agency's month: `export_archive` writes a checksummed
archive, `import_archive` verifies it and restores it into a database without the
agency, every row (results first) identical; a tampered or truncated archive is refused
and nothing is written."""

import hashlib
import json
import zipfile
from datetime import date
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError

from discipline import services as discipline_services
from discipline.models import DisciplineForm
from evaluation import archive, services
from evaluation.models import Evaluation, Period, PeriodState
from hrsystem.models import Organisation
from tests.evaluation.cycle import FULL, ev, items, violation
from tests.evaluation.test_workflow import _through_publication
from tests.factories import EmployeeFactory, OrganisationFactory, UnitFactory
from tests.shared import shared_cast

RESULTS = [
    "evaluation.Period",
    "evaluation.UnitPeriod",
    "evaluation.Evaluation",
    "evaluation.CriterionScore",
    "evaluation.WorkItem",
]


@shared_cast("locked")
def locked(cycle):
    """October 2026 of the cycle's agency scored, with a breach, a discipline decision and
    work done, then published and locked."""
    c = cycle
    call_command("loaddata", "fixtures/reference/discipline_forms.json", verbosity=0)
    violation(c, c.an, points=Decimal(2), on=date(2026, 10, 8))
    discipline_services.discipline_decide(
        employee=c.binh,
        number="15/QĐ-UBND",
        decided_on=date(2026, 10, 20),
        signer_name="Nguyễn Văn Chính",
        signer_title="Chủ tịch UBND huyện",
        form=DisciplineForm.objects.get(code="khien_trach"),
        legal_basis="Nghị định số 112/2020/NĐ-CP",
        effect_from=date(2026, 10, 20),
        by=c.to_chuc.user,
    )
    an = ev(c, "an")
    item = items(an)["Thẩm định hồ sơ A"]
    services.self_assessment_submit(
        evaluation=an,
        revision=an.revision,
        by=c.an.user,
        proposed=FULL,
        done={item.pk: Decimal(7)},
    )
    _through_publication(c)
    c.period.appeal_due = c.period.start
    c.period.save()
    c.period = services.period_lock(period=c.period, by=c.to_chuc.user)
    return c


def _value(row, field):
    """A field's value; a user as their username (a restored sign-in gets a new id)."""
    if field.is_relation and field.related_model is get_user_model():
        user = getattr(row, field.name)
        return user and user.username
    return field.value_from_object(row)


def _rows() -> dict[str, list[dict]]:
    """Every row of every archived model of the agency, every field, by primary key."""
    scope = archive.Scope(Organisation.objects.get(code="UBND-TN"), 2026, 10)
    found = archive.collect(scope)
    return {
        label: [
            {field.attname: _value(row, field) for field in row._meta.concrete_fields}
            | {
                field.name: sorted(other.pk for other in getattr(row, field.name).all())
                for field in row._meta.many_to_many
            }
            for row in rows
        ]
        for label, rows in found.items()
    }


def _wipe() -> None:
    """Delete the agency's rows and its people's sign-ins: the "lost server"."""
    scope = archive.Scope(Organisation.objects.get(code="UBND-TN"), 2026, 10)
    found = archive.collect(scope)
    users = archive._users_of(found)
    for label in reversed(archive.MODELS):
        if label in archive.SHARED:
            continue
        rows = found[label]
        if label == "hrsystem.Unit":
            rows = sorted(rows, key=lambda unit: -unit.depth)
        for row in rows:
            type(row).objects.filter(pk=row.pk).delete()
    get_user_model().objects.filter(pk__in=[user.pk for user in users]).delete()
    assert not Organisation.objects.filter(code="UBND-TN").exists()


def _export(tmp_path, name="bx.zip", **scope) -> str:
    path = tmp_path / name
    arguments = {"organisation": "UBND-TN", "year": 2026, "month": 10, **scope}
    call_command("export_archive", output=str(path), stdout=StringIO(), **arguments)
    return str(path)


def test_a_restored_month_reads_back_identical(locked, tmp_path):
    before = _rows()
    assert all(before[label] for label in RESULTS)
    assert before["evaluation.Period"][0]["state"] == PeriodState.LOCKED
    totals = dict(Evaluation.objects.values_list("employee__code", "total"))
    path = _export(tmp_path)
    _wipe()
    out = StringIO()
    call_command("import_archive", path, stdout=out)
    assert out.getvalue().endswith("Archive restored.\n")
    after = _rows()
    for label in archive.MODELS:
        for restored, kept in zip(after[label], before[label], strict=True):
            changed = {name for name in kept if restored[name] != kept[name]}
            assert not changed, (label, kept["id"], {n: (kept[n], restored[n]) for n in changed})
    assert dict(Evaluation.objects.values_list("employee__code", "total")) == totals
    assert get_user_model().objects.get(username="an").employee.code == "AN"


def test_it_refuses_to_restore_over_the_agency(locked, tmp_path):
    path = _export(tmp_path)
    with pytest.raises(CommandError, match="UBND-TN"):
        call_command("import_archive", path)


def test_the_manifest_names_every_member_with_its_checksum(locked, tmp_path):
    path = _export(tmp_path)
    with zipfile.ZipFile(path) as written:
        manifest = json.loads(written.read(archive.MANIFEST))
        assert (manifest["format"], manifest["version"]) == (archive.FORMAT, archive.VERSION)
        assert (manifest["organisation"], manifest["year"], manifest["month"]) == (
            "UBND-TN",
            2026,
            10,
        )
        for entry in manifest["members"].values():
            data = written.read(entry["path"])
            assert hashlib.sha256(data).hexdigest() == entry["sha256"]
            assert data.count(b"\n") == entry["rows"]
    assert (
        manifest["members"]["evaluation.Evaluation"]["rows"]
        == Evaluation.objects.filter(period__organisation__code="UBND-TN").count()
    )


def _rewritten(path, tmp_path, change) -> str:
    """A copy of the archive with one member's bytes changed by `change`, the manifest kept."""
    target = tmp_path / "tampered.zip"
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "data/evaluation.Evaluation.jsonl":
                data = change(data)
            copy.writestr(info, data)
    return str(target)


@pytest.mark.parametrize(
    "change",
    [
        lambda data: data.replace(b'"total": "', b'"total": "1', 1),
        lambda data: data[: len(data) // 2],
    ],
    ids=["a total changed", "a member cut short"],
)
def test_it_refuses_a_tampered_archive_and_writes_nothing(locked, tmp_path, change):
    path = _rewritten(_export(tmp_path), tmp_path, change)
    _wipe()
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("import_archive", path)
    assert not Organisation.objects.filter(code="UBND-TN").exists()
    assert not Period.objects.filter(year=2026, number=10).exists()
    assert not get_user_model().objects.filter(username="an").exists()


def test_it_refuses_a_truncated_file_and_writes_nothing(locked, tmp_path):
    path = _export(tmp_path)
    with open(path, "rb") as handle:
        data = handle.read()
    cut = tmp_path / "cut.zip"
    cut.write_bytes(data[: len(data) * 2 // 3])
    _wipe()
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("import_archive", str(cut))
    assert not Organisation.objects.filter(code="UBND-TN").exists()


def test_it_exports_a_whole_year_and_refuses_a_year_without_periods(locked, tmp_path):
    path = _export(tmp_path, month=None)
    manifest, _data = archive.verify(path)
    assert manifest["month"] is None
    assert manifest["members"]["evaluation.Period"]["rows"] == 1
    with pytest.raises(CommandError, match="2025"):
        _export(tmp_path, "2025.zip", year=2025, month=None)
    assert not (tmp_path / "2025.zip").exists()


def test_it_refuses_an_archive_clashing_with_another_agencys_rows_and_writes_nothing(
    locked, tmp_path
):
    path = _export(tmp_path)
    _wipe()
    other = UnitFactory(organisation=OrganisationFactory(code="KHAC"), code="VP", name="Văn phòng")
    EmployeeFactory(code="AN", unit=other)  # a person's code is theirs in every agency
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("import_archive", path)
    assert not Organisation.objects.filter(code="UBND-TN").exists()
    assert not get_user_model().objects.filter(username="binh").exists()
