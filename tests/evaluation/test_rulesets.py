"""Rule sets as versioned data: fixture, adapter, snapshots, locks, versions and the admin."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission, User
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction
from hypothesis import given
from hypothesis import strategies as st

from evaluation import models, rulesets
from evaluation.rules import LEVELS, Criterion, RuleSet, RuleSetError
from evaluation.rulesets import (
    CRITERION_COLUMNS,
    SHIPPED_FIXTURE,
    rule_set_for,
    rule_set_from_rows,
    rule_set_from_snapshot,
    shipped_rule_set,
    snapshot,
)
from evaluation.services import rule_set_lock, rule_set_new_version
from hrsystem.models import Role
from tests.factories import RoleGrantFactory, UnitFactory

CODES = ("nd335", "hn3814")


def _fixture_rows(code):
    """The fixture's row for `code` and its criteria, as `rule_set_from_rows` takes them."""
    objects = json.loads(SHIPPED_FIXTURE.read_text(encoding="utf-8"))
    pk, row = next((o["pk"], o["fields"]) for o in objects if o["fields"].get("code") == code)
    criteria = [
        o["fields"]
        for o in objects
        if o["model"] == "evaluation.generalcriterion" and o["fields"]["rule_set"] == pk
    ]
    return dict(row), [dict(c) for c in criteria]


def _engine_fields(rule_set):
    return {name: getattr(rule_set, name) for name in RuleSet.__dataclass_fields__}


@pytest.fixture
def shipped(db):
    call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)
    return {rs.code: rs for rs in models.RuleSet.objects.all()}


@pytest.fixture
def hr_officer(db):
    user = User.objects.create_user("hoa", password="x", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(content_type__app_label="evaluation"))
    RoleGrantFactory(user=user, role=Role.HR_OFFICER, organisation=UnitFactory().organisation)
    return User.objects.get(pk=user.pk)


# The shipped file, without any database.


def test_it_reads_the_shipped_rule_sets_without_a_database():
    rulesets._shipped.cache_clear()
    nd335 = shipped_rule_set("nd335")
    assert nd335.name == "Nghị định 335/2025/NĐ-CP — công chức"
    assert [c.max_points for c in nd335.general_criteria] == [Decimal(5)] * 2 + [Decimal("2.5")] * 8
    assert len({c.group for c in nd335.general_criteria}) == 3
    assert len({c.name for c in nd335.general_criteria}) == 10
    assert (nd335.general_max, nd335.task_max, nd335.bonus_cap) == (30, 70, None)
    assert nd335.level_labels == {
        "top": "Xuất sắc",
        "good": "Tốt",
        "complete": "Hoàn thành",
        "fail": "Không hoàn thành",
    }
    assert nd335.monthly_quota_rate is None
    assert nd335.annual_quota_rate == Decimal("0.20")
    assert nd335.head_capped_by_unit and nd335.leader_criteria_enabled

    hn3814 = shipped_rule_set("hn3814", date(2026, 12, 31))
    assert [c.name for c in hn3814.general_criteria] == [
        "Chính trị tư tưởng",
        "Đạo đức, lối sống",
        "Tác phong, lề lối làm việc",
        "Ý thức tổ chức kỷ luật",
    ]
    assert (hn3814.general_max, hn3814.task_max, hn3814.bonus_cap) == (20, 70, 10)
    assert hn3814.deduction_cap is None
    assert [hn3814.label(level) for level in LEVELS] == ["A", "B", "C", "D"]
    assert (hn3814.monthly_quota_rate, hn3814.monthly_quota_outstanding_rate) == (
        Decimal("0.30"),
        Decimal("0.40"),
    )
    assert hn3814.annual_quota_rate == RuleSet.__dataclass_fields__["annual_quota_rate"].default


def test_it_lists_the_shipped_codes_for_an_unknown_code():
    with pytest.raises(LookupError, match="'hn9999'.*hn3814, nd335"):
        shipped_rule_set("hn9999")


def test_it_names_the_date_before_the_first_shipped_version():
    with pytest.raises(LookupError, match="'nd335'.*2025-06-30.*2026-01-01"):
        shipped_rule_set("nd335", date(2025, 6, 30))


# The database path equals the file path.


@pytest.mark.parametrize("code", CODES)
def test_it_loads_the_fixture_equal_to_the_shipped_file(shipped, code, django_assert_num_queries):
    with django_assert_num_queries(3):
        from_db = rule_set_for(code, date(2026, 3, 1))
    from_file = shipped_rule_set(code, date(2026, 3, 1))
    assert from_db == from_file
    assert snapshot(from_db) == snapshot(from_file)


def test_it_loads_the_fixture_twice_without_duplicates(shipped):
    call_command("loaddata", str(SHIPPED_FIXTURE), verbosity=0)
    assert models.RuleSet.objects.count() == 2
    assert models.GeneralCriterion.objects.count() == 14
    assert rule_set_for("nd335", date(2026, 1, 1)) == shipped_rule_set("nd335")


def test_it_picks_the_version_in_effect_on_the_date(shipped, hr_officer):
    version_2 = rule_set_new_version(
        rule_set=shipped["hn3814"], effective_from=date(2027, 1, 1), by=hr_officer
    )
    version_2.monthly_quota_rate = Decimal("0.25")
    version_2.save()

    assert rule_set_for("hn3814", date(2025, 1, 1)).version == 1
    assert rule_set_for("hn3814", date(2026, 12, 31)).monthly_quota_rate == Decimal("0.30")
    assert rule_set_for("hn3814", date(2027, 1, 1)).version == 2
    assert rule_set_for("hn3814", date(2030, 5, 1)).monthly_quota_rate == Decimal("0.25")


def test_it_names_the_code_when_no_version_is_in_effect(shipped, django_assert_num_queries):
    with pytest.raises(LookupError, match="'nd335'.*2025-12-31"):
        rule_set_for("nd335", date(2025, 12, 31))
    with django_assert_num_queries(2), pytest.raises(LookupError, match="'qn01'.*hn3814, nd335"):
        rule_set_for("qn01", date(2026, 1, 1))


# Snapshots.


@pytest.mark.parametrize("code", CODES)
def test_it_round_trips_a_snapshot_through_json(code):
    rule_set = shipped_rule_set(code)
    stored = json.loads(json.dumps(snapshot(rule_set)))
    assert stored["general_max"] == rule_set.general_max.__str__()
    restored = rule_set_from_snapshot(stored)
    assert restored == rule_set
    assert snapshot(restored) == stored


def _decimals(places, low, high):
    return st.decimals(min_value=low, max_value=high, places=places, allow_nan=False)


@st.composite
def valid_rule_sets(draw):
    """Random rule sets that pass `RuleSet.validate`."""
    maxima = draw(st.lists(_decimals(2, Decimal("0.01"), Decimal(10)), min_size=1, max_size=12))
    general_max = sum(maxima, Decimal(0))
    bonus_cap = draw(st.none() | _decimals(2, Decimal("0.01"), Decimal(10)))
    complete = draw(_decimals(2, Decimal(1), Decimal(50)))
    good = complete + draw(_decimals(2, Decimal("0.01"), Decimal(20)))
    rate = draw(st.none() | _decimals(4, Decimal(0), Decimal(1)))
    rule_set = RuleSet(
        code=draw(st.from_regex(r"[a-z][a-z0-9]{1,8}", fullmatch=True)),
        version=draw(st.integers(1, 99)),
        name=draw(st.text(min_size=1, max_size=40)),
        general_criteria=tuple(
            Criterion(code=f"c{i}", name=draw(st.text(max_size=20)), group="Nhóm", max_points=m)
            for i, m in enumerate(maxima)
        ),
        general_max=general_max,
        task_max=Decimal(100) - general_max - (bonus_cap or 0),
        weight_quality=draw(_decimals(3, Decimal(0), Decimal(5))),
        bonus_cap=bonus_cap,
        deduction_cap=draw(st.none() | _decimals(2, Decimal(1), Decimal(50))),
        threshold_complete=complete,
        threshold_good=good,
        threshold_top=good + draw(_decimals(2, Decimal("0.01"), Decimal(20))),
        level_labels={level: draw(st.text(min_size=1, max_size=12)) for level in LEVELS},
        monthly_quota_rate=rate,
        annual_quota_base_levels=tuple(draw(st.lists(st.sampled_from(LEVELS), min_size=1))),
        cstdcs_requires_top=draw(st.booleans()),
        annual_min_months=draw(st.integers(1, 12)),
    )
    rule_set.validate()
    return rule_set


@given(valid_rule_sets())
def test_it_round_trips_any_valid_rule_set(rule_set):
    stored = json.loads(json.dumps(snapshot(rule_set)))
    restored = rule_set_from_snapshot(stored)
    assert restored == rule_set
    assert snapshot(restored) == stored


def test_it_gives_an_old_snapshot_the_engine_defaults_for_newer_fields():
    stored = snapshot(shipped_rule_set("nd335"))
    del stored["quota_rounding"]
    assert rule_set_from_snapshot(stored).quota_rounding == "floor"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"task_max": 70.0}, "task_max"),
        ({"bonus_cap": "mười"}, "bonus_cap"),
        ({"threshold_top": "Infinity"}, "threshold_top"),
        ({"colour": "red"}, "colour"),
        ({"format": 2}, "format"),
        ({"version": "1"}, "version"),
    ],
)
def test_it_refuses_a_malformed_snapshot_naming_the_field(change, field):
    stored = snapshot(shipped_rule_set("hn3814")) | change
    with pytest.raises(RuleSetError, match=f"^{field}: "):
        rule_set_from_snapshot(stored)


# Validation names the field.


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"general_max": "25"}, "general_criteria"),
        ({"task_max": "75"}, "task_max"),
        ({"threshold_good": "95"}, "threshold_top"),
        ({"annual_quota_rate": "1.5"}, "annual_quota_rate"),
        ({"annual_quota_base_levels": "top,best"}, "annual_quota_base_levels"),
        ({"collective_discipline_from": "phe_binh"}, "collective_discipline_from"),
        ({"quota_rounding": "ceiling"}, "quota_rounding"),
        ({"weight_quality": "1.0001"}, "weight_quality"),
        ({"leader_full": 100.0}, "leader_full"),
        ({"label_top": ""}, "label_top"),
    ],
)
def test_it_names_the_field_of_an_invalid_rule_set(change, field):
    row, criteria = _fixture_rows("nd335")
    with pytest.raises(RuleSetError, match=f"^{field}"):
        rule_set_from_rows(row | change, criteria)


def test_it_names_the_criterion_row_at_fault():
    row, criteria = _fixture_rows("hn3814")
    criteria[2]["max_points"] = "-5"
    with pytest.raises(RuleSetError, match=r"^general_criteria\[2\]\.max_points"):
        rule_set_from_rows(row, criteria)
    criteria[2]["max_points"] = "5"
    criteria[3]["order"] = 0
    with pytest.raises(RuleSetError, match="general_criteria: order repeated"):
        rule_set_from_rows(row, criteria)
    del row["label_fail"]
    with pytest.raises(RuleSetError, match="^label_fail: missing"):
        rule_set_from_rows(row, criteria)


def test_it_orders_criteria_by_their_order_column():
    row, criteria = _fixture_rows("nd335")
    reordered = rule_set_from_rows(row, list(reversed(criteria)))
    assert reordered == shipped_rule_set("nd335")


def test_it_enforces_ordered_thresholds_in_the_database(shipped):
    draft = rule_set_new_version(
        rule_set=shipped["nd335"],
        effective_from=date(2027, 1, 1),
        by=User.objects.create_superuser("root"),
    )
    with transaction.atomic(), pytest.raises(IntegrityError):
        models.RuleSet.objects.filter(pk=draft.pk).update(threshold_good=Decimal(95))


# Locks.


def test_it_refuses_edits_to_a_locked_rule_set(shipped):
    nd335 = shipped["nd335"]
    assert nd335.is_locked
    nd335.task_max = Decimal(60)
    with pytest.raises(models.RuleSetLockedError, match="task_max"):
        nd335.save()
    with pytest.raises(ValidationError) as error:
        nd335.full_clean()
    assert "task_max" in error.value.message_dict

    nd335.refresh_from_db()
    nd335.is_locked = False
    with pytest.raises(models.RuleSetLockedError, match="is_locked"):
        nd335.save()
    with pytest.raises(models.RuleSetLockedError):
        models.RuleSet.objects.filter(code="nd335").update(task_max=Decimal(60))

    criterion = nd335.criteria.first()
    criterion.max_points = Decimal(4)
    with pytest.raises(models.RuleSetLockedError):
        criterion.save()
    with pytest.raises(models.RuleSetLockedError):
        models.GeneralCriterion.objects.filter(rule_set=nd335).update(max_points=Decimal(3))
    with pytest.raises(models.RuleSetLockedError):
        models.GeneralCriterion.objects.create(
            rule_set=nd335, order=10, group="IV", code="them", name="Thêm", max_points=1
        )
    criterion.refresh_from_db()
    criterion.rule_set = rule_set_new_version(
        rule_set=nd335, effective_from=date(2027, 1, 1), by=User.objects.create_superuser("root")
    )
    with pytest.raises(models.RuleSetLockedError):
        criterion.save()
    assert rule_set_for("nd335", date(2026, 1, 1)) == shipped_rule_set("nd335")


def test_it_lets_a_locked_rule_set_keep_its_legal_basis_and_deadlines_current(shipped):
    nd335 = shipped["nd335"]
    nd335.legal_basis += " Sửa đổi căn cứ."
    nd335.appeal_window_days = 7
    nd335.save()
    nd335.refresh_from_db()
    assert nd335.appeal_window_days == 7


def test_it_refuses_to_delete_a_locked_rule_set_or_its_criteria(shipped):
    with pytest.raises(models.RuleSetLockedError, match="nd335 v1"):
        shipped["nd335"].delete()
    with pytest.raises(models.RuleSetLockedError, match="hn3814 v1"):
        models.RuleSet.objects.all().delete()
    with pytest.raises(models.RuleSetLockedError):
        shipped["hn3814"].criteria.first().delete()
    with pytest.raises(models.RuleSetLockedError):
        models.GeneralCriterion.objects.all().delete()
    assert models.GeneralCriterion.objects.count() == 14


def test_it_deletes_an_unlocked_draft_with_its_criteria(shipped, hr_officer):
    draft = rule_set_new_version(
        rule_set=shipped["nd335"], effective_from=date(2027, 1, 1), by=hr_officer
    )
    draft.delete()
    assert models.GeneralCriterion.objects.count() == 14


def test_it_locks_a_valid_rule_set_once(shipped, hr_officer):
    draft = rule_set_new_version(
        rule_set=shipped["hn3814"], effective_from=date(2026, 7, 1), by=hr_officer
    )
    locked = rule_set_lock(rule_set=draft, by=hr_officer)
    assert locked.is_locked
    assert rule_set_lock(rule_set=draft, by=hr_officer).is_locked


def test_it_refuses_to_lock_a_rule_set_the_engine_rejects(shipped, hr_officer):
    draft = rule_set_new_version(
        rule_set=shipped["hn3814"], effective_from=date(2026, 7, 1), by=hr_officer
    )
    criterion = draft.criteria.first()
    criterion.max_points = Decimal(6)
    criterion.save()
    with pytest.raises(ValidationError, match="general_criteria: maxima add up to 21"):
        rule_set_lock(rule_set=draft, by=hr_officer)
    draft.refresh_from_db()
    assert not draft.is_locked


def test_it_refuses_to_lock_for_a_user_without_the_permission(shipped, hr_officer):
    draft = rule_set_new_version(
        rule_set=shipped["hn3814"], effective_from=date(2026, 7, 1), by=hr_officer
    )
    clerk = User.objects.create_user("lan")
    with pytest.raises(PermissionDenied):
        rule_set_lock(rule_set=draft, by=clerk)
    draft.refresh_from_db()
    assert not draft.is_locked


# New versions.


def test_it_clones_a_locked_rule_set_into_an_editable_version(shipped, hr_officer):
    nd335 = shipped["nd335"]
    clone = rule_set_new_version(rule_set=nd335, effective_from=date(2027, 1, 1), by=hr_officer)

    assert (clone.code, clone.version, clone.is_locked) == ("nd335", 2, False)
    assert clone.pk != nd335.pk
    assert list(clone.criteria.values_list("order", "group", "code", "name", "max_points")) == list(
        nd335.criteria.values_list("order", "group", "code", "name", "max_points")
    )
    assert nd335.criteria.count() == 10
    assert rule_set_for("nd335", date(2027, 1, 1)) == RuleSet(
        **{**_engine_fields(shipped_rule_set("nd335")), "version": 2}
    )
    assert clone.history.get().history_user == hr_officer
    assert clone.criteria.first().history.get().history_user == hr_officer

    clone.task_max = Decimal(65)
    clone.general_max = Decimal(35)
    clone.save()
    criterion = clone.criteria.get(order=0)
    criterion.max_points = Decimal(10)
    criterion.save()
    assert rule_set_for("nd335", date(2027, 2, 1)).general_max == Decimal(35)


def test_it_refuses_a_new_version_not_after_the_latest(shipped, hr_officer):
    with pytest.raises(ValidationError) as error:
        rule_set_new_version(
            rule_set=shipped["nd335"], effective_from=date(2026, 1, 1), by=hr_officer
        )
    assert "effective_from" in error.value.message_dict
    assert models.RuleSet.objects.count() == 2


def test_it_refuses_a_new_version_to_a_user_without_the_permission(shipped):
    clerk = User.objects.create_user("lan")
    with pytest.raises(PermissionDenied):
        rule_set_new_version(rule_set=shipped["nd335"], effective_from=date(2027, 1, 1), by=clerk)


# The admin.


def _admin_post(rule_set, criteria, **changes):
    """A change-form POST for `rule_set`'s fields and the given criteria rows."""
    data = {
        f.name: "" if getattr(rule_set, f.attname) is None else getattr(rule_set, f.attname)
        for f in models.RuleSet._meta.fields
        if f.name not in ("id", "is_locked")
    }
    data = {k: v for k, v in data.items() if v is not False}
    data |= {
        "criteria-TOTAL_FORMS": len(criteria),
        "criteria-INITIAL_FORMS": 0,
        "criteria-MIN_NUM_FORMS": 0,
        "criteria-MAX_NUM_FORMS": 1000,
        "income_coefficients-TOTAL_FORMS": 0,
        "income_coefficients-INITIAL_FORMS": 0,
        "income_coefficients-MIN_NUM_FORMS": 0,
        "income_coefficients-MAX_NUM_FORMS": 1000,
    }
    for index, criterion in enumerate(criteria):
        for name in ("order", "group", "code", "name", "max_points"):
            data[f"criteria-{index}-{name}"] = getattr(criterion, name)
    return data | changes


def test_it_shows_the_blocks_in_the_admin_list(shipped, client, hr_officer):
    client.force_login(hr_officer)
    response = client.get("/admin/evaluation/ruleset/")
    assert response.status_code == 200
    content = response.content.decode()
    assert "chung 30 + nhiệm vụ 70<" in content
    assert "chung 20 + nhiệm vụ 70 + thưởng tối đa 10" in content


def test_it_shows_a_locked_rule_set_read_only_in_the_admin(shipped, client, hr_officer):
    client.force_login(hr_officer)
    url = f"/admin/evaluation/ruleset/{shipped['nd335'].pk}/change/"
    response = client.get(url)
    assert response.status_code == 200
    assert 'name="task_max"' not in response.content.decode()
    data = _admin_post(shipped["nd335"], [], task_max="60")
    assert client.post(url, data).status_code == 403
    assert client.post(url.replace("change", "delete"), {"post": "yes"}).status_code == 403


def test_it_adds_a_rule_set_in_the_admin_checked_by_the_engine(shipped, client, hr_officer):
    client.force_login(hr_officer)
    source = shipped["hn3814"]
    criteria = list(source.criteria.all())
    data = _admin_post(source, criteria, code="qn01", effective_from="2026-02-01")

    criteria_short = _admin_post(
        source, criteria[:3], code="qn01", effective_from="2026-02-01", version="1"
    )
    response = client.post("/admin/evaluation/ruleset/add/", criteria_short)
    assert response.status_code == 200
    assert "Tiêu chí chung (general_criteria): maxima add up to 15.00" in response.content.decode()

    unordered = data | {"threshold_good": "92"}
    response = client.post("/admin/evaluation/ruleset/add/", unordered)
    assert "Ngưỡng điểm phải tăng dần" in response.content.decode()

    response = client.post("/admin/evaluation/ruleset/add/", data)
    assert response.status_code == 302
    assert rule_set_for("qn01", date(2026, 2, 1)).bonus_cap == Decimal(10)


def test_it_creates_a_new_version_from_the_admin_action(shipped, client, hr_officer):
    client.force_login(hr_officer)
    response = client.post(
        "/admin/evaluation/ruleset/",
        {"action": "new_version", "_selected_action": [shipped["hn3814"].pk]},
    )
    clone = models.RuleSet.objects.get(code="hn3814", version=2)
    assert response.status_code == 302
    assert response.url == f"/admin/evaluation/ruleset/{clone.pk}/change/"
    assert clone.effective_from.day == 1 and clone.effective_from > date(2025, 1, 1)
    assert clone.criteria.count() == 4


def test_the_hr_officer_sets_an_income_table_in_the_admin(shipped, client, hr_officer):
    client.force_login(hr_officer)
    source = shipped["hn3814"]
    data = _admin_post(source, list(source.criteria.all()), code="qn02")
    data |= {
        "effective_from": "2026-02-01",
        "income_coefficients-TOTAL_FORMS": 2,
        "income_coefficients-0-level": "top",
        "income_coefficients-0-coefficient": "1.2",
        "income_coefficients-1-level": "good",
        "income_coefficients-1-coefficient": "1",
    }
    response = client.post("/admin/evaluation/ruleset/add/", data)
    assert response.status_code == 302
    rules = rule_set_for("qn02", date(2026, 2, 1))
    assert rules.income_coefficients == {"top": Decimal("1.20"), "good": Decimal("1.00")}
    assert rule_set_from_snapshot(snapshot(rules)).income_coefficients == (
        rules.income_coefficients
    )


def test_a_rule_set_without_lines_has_no_income_table(shipped):
    assert rule_set_for("nd335", date(2026, 3, 1)).income_coefficients == {}


def test_a_new_version_keeps_the_income_table(shipped, hr_officer):
    source = rule_set_new_version(
        rule_set=shipped["nd335"], effective_from=date(2027, 1, 1), by=hr_officer
    )
    models.IncomeCoefficient.objects.create(rule_set=source, level="top", coefficient="1.2")
    clone = rule_set_new_version(rule_set=source, effective_from=date(2028, 1, 1), by=hr_officer)
    assert list(clone.income_coefficients.values_list("level", "coefficient")) == [
        ("top", Decimal("1.20"))
    ]
    assert models.IncomeCoefficient.objects.filter(rule_set=source).count() == 1


def test_the_engine_refuses_a_negative_or_unknown_income_line(shipped):
    row = models.RuleSet.objects.filter(pk=shipped["nd335"].pk).values().get()
    criteria = list(shipped["nd335"].criteria.values(*CRITERION_COLUMNS))
    with pytest.raises(RuleSetError, match="income_coefficients"):
        rule_set_from_rows(row, criteria, [{"level": "best", "coefficient": "1"}])
    with pytest.raises(RuleSetError, match="income_coefficients"):
        rule_set_from_rows(row, criteria, [{"level": "top", "coefficient": "-1"}])
    with pytest.raises(RuleSetError, match="repeated"):
        rule_set_from_rows(
            row,
            criteria,
            [{"level": "top", "coefficient": "1"}, {"level": "top", "coefficient": "2"}],
        )
