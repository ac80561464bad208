"""The unit tree: paths, one-query subtree and ancestors, moves, and protected deletes."""

import pytest
from django.core.exceptions import ValidationError
from django.db.models import ProtectedError

from hrsystem import services
from hrsystem.models import JobPosition, StandardTask, Unit
from hrsystem.selectors import unit_ancestors, unit_subtree
from tests.factories import StandardTaskFactory, UnitFactory


@pytest.fixture
def chain(db):
    """A root with a chain of 12 units below it: chain[0] is the root."""
    units = [UnitFactory(code="GOC")]
    for level in range(1, 13):
        units.append(UnitFactory(parent=units[-1], code=f"C{level}"))
    return units


def test_it_keeps_a_path_of_padded_ids_and_a_depth(chain):
    root, first, second = chain[:3]
    assert root.path == f"{root.pk:010d}/"
    assert second.path == f"{root.pk:010d}/{first.pk:010d}/{second.pk:010d}/"
    assert [unit.depth for unit in chain[:3]] == [0, 1, 2]
    assert second.ancestor_ids == [root.pk, first.pk]


@pytest.mark.parametrize("level", [0, 1, 6, 12])
def test_it_reads_a_subtree_in_one_query_at_any_depth(chain, level, django_assert_num_queries):
    with django_assert_num_queries(1):
        codes = [unit.code for unit in unit_subtree(chain[level])]
    assert codes == [unit.code for unit in chain[level:]]
    assert chain[level].pk not in unit_subtree(chain[level], include_self=False).values_list(
        "pk", flat=True
    )


@pytest.mark.parametrize("level", [0, 1, 6, 12])
def test_it_reads_ancestors_in_one_query_at_any_depth(chain, level, django_assert_max_num_queries):
    with django_assert_max_num_queries(1):
        codes = [unit.code for unit in unit_ancestors(chain[level])]
    assert codes == [unit.code for unit in chain[:level]]
    assert list(unit_ancestors(chain[level], include_self=True))[-1] == chain[level]


def test_it_moves_a_subtree_and_rewrites_every_path_below(chain):
    side = UnitFactory(parent=chain[0], code="BEN")
    services.unit_move(unit=chain[3], parent=side)
    moved = Unit.objects.get(pk=chain[12].pk)
    assert moved.path.startswith(side.path)
    assert moved.depth == 11
    assert moved.ancestor_ids == [chain[0].pk, side.pk, *[u.pk for u in chain[3:12]]]
    assert [u.code for u in unit_subtree(side)] == ["BEN", *[u.code for u in chain[3:]]]
    assert Unit.objects.get(pk=chain[3].pk).history.first().parent_id == side.pk


@pytest.mark.parametrize("target", [3, 7, 12])
def test_it_refuses_to_put_a_unit_under_itself_or_its_descendant(chain, target):
    before = list(Unit.objects.values_list("pk", "path", "depth", "parent_id"))
    with pytest.raises(ValidationError) as error:
        services.unit_move(unit=chain[3], parent=chain[target])
    assert "parent" in error.value.message_dict
    assert chain[3].name in error.value.message_dict["parent"][0]
    assert list(Unit.objects.values_list("pk", "path", "depth", "parent_id")) == before


def test_it_refuses_a_second_root_and_a_parent_from_another_agency(chain):
    with pytest.raises(ValidationError) as error:
        services.unit_create(organisation=chain[0].organisation, code="GOC2", name="Gốc 2")
    assert "parent" in error.value.message_dict
    other = UnitFactory(code="KHAC")
    with pytest.raises(ValidationError) as error:
        services.unit_move(unit=chain[2], parent=other)
    assert "parent" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        services.unit_move(unit=chain[2], parent=None)
    assert "parent" in error.value.message_dict


def test_it_refuses_a_duplicate_unit_code_in_one_agency_only(chain):
    with pytest.raises(ValidationError) as error:
        UnitFactory(parent=chain[0], code="C5")
    assert "C5" in error.value.message_dict["code"][0]
    assert Unit.objects.filter(code="C5").count() == 1
    assert UnitFactory(code="C5").code == "C5"  # another agency


def test_it_refuses_a_tree_too_deep_for_the_path(chain):
    unit = chain[-1]
    with pytest.raises(ValidationError) as error:
        for level in range(30):
            unit = UnitFactory(parent=unit, code=f"SAU{level}")
    assert "parent" in error.value.message_dict


def test_it_renames_a_unit_with_history(chain):
    services.unit_update(unit=chain[1], name="Phòng Nội vụ")
    unit = Unit.objects.get(pk=chain[1].pk)
    assert unit.name == "Phòng Nội vụ"
    assert unit.history.count() == 2
    with pytest.raises(ValidationError) as error:
        services.unit_update(unit=unit, code="C2")
    assert "code" in error.value.message_dict


def test_it_refuses_deleting_what_has_history(cast):
    with pytest.raises(ProtectedError):
        cast.tc.delete()
    with pytest.raises(ProtectedError):
        cast.root.delete()
    position = JobPosition.objects.get(code="CV")
    with pytest.raises(ProtectedError):
        position.delete()
    task = StandardTaskFactory(job_position=position)
    with pytest.raises(ProtectedError):
        position.delete()
    assert StandardTask.objects.filter(pk=task.pk).exists()
    with pytest.raises(ProtectedError):
        cast.org.delete()
    assert Unit.objects.filter(pk=cast.tc.pk).exists()


def test_it_refuses_a_task_with_a_coefficient_or_volume_not_above_zero(db):
    task = StandardTaskFactory()
    for field, value in [("coefficient", "0"), ("default_planned", "-1")]:
        with pytest.raises(ValidationError) as error:
            services.standard_task_update(task=task, **{field: value})
        assert field in error.value.message_dict
    task.refresh_from_db()
    assert task.coefficient > 0 and task.default_planned > 0


def test_it_enforces_the_tree_rules_in_the_database_too(chain):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(
            organisation=chain[0].organisation, code="X", name="X", path="x/", parent=None
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.filter(pk=chain[2].pk).update(parent=chain[2].pk)
    with pytest.raises(IntegrityError), transaction.atomic():
        StandardTask.objects.filter(pk=StandardTaskFactory().pk).update(coefficient=0)


def test_it_keeps_every_path_consistent_through_random_moves(db):
    import random

    rng = random.Random(7)
    units = [UnitFactory(code="GOC")]
    for index in range(1, 30):
        units.append(UnitFactory(parent=rng.choice(units), code=f"U{index}"))
    refused = 0
    for _ in range(60):
        unit = Unit.objects.get(pk=rng.choice(units[1:]).pk)
        parent = Unit.objects.get(pk=rng.choice(units).pk)
        try:
            services.unit_move(unit=unit, parent=parent)
        except ValidationError as error:
            assert "parent" in error.message_dict
            refused += 1
    assert refused
    by_id = {unit.pk: unit for unit in Unit.objects.all()}
    for unit in by_id.values():
        parent = by_id.get(unit.parent_id)
        expected = (parent.path if parent else "") + f"{unit.pk:010d}/"
        assert unit.path == expected
        assert unit.depth == (parent.depth + 1 if parent else 0)
