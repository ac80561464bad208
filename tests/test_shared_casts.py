"""Shared casts (tests/shared.py) are built once per module, yet every test starts from the
fresh cast and sees only the casts it asks for. Within the module, tests holding the same
casts run one after another, otherwise in file order (pytest-django runs the
transactional one last); the expected build counts follow that order."""

from types import SimpleNamespace

import pytest
from django.db import connection

from hrsystem import clock
from hrsystem.models import Organisation
from tests.factories import OrganisationFactory
from tests.shared import shared_cast

BUILDS: list[object] = []


@shared_cast("counted")
def counted() -> SimpleNamespace:
    """One organisation; counts its builds and remembers the clock they saw."""
    BUILDS.append(clock.today())
    return SimpleNamespace(org=OrganisationFactory(code="CAST", name="Cơ quan dùng chung"))


@shared_cast("derived")
def derived(counted) -> SimpleNamespace:
    """`counted` with a second organisation."""
    counted.second = OrganisationFactory(code="SECOND")
    return counted


@shared_cast("numbered", params=[1, 2])
def numbered(param) -> SimpleNamespace:
    """An organisation numbered after the parameter."""
    BUILDS.append(param)
    return SimpleNamespace(org=OrganisationFactory(code=f"N{param}"))


def test_a_test_changes_its_copy_and_the_rows(counted):
    counted.org.name = "Đổi trong Python"
    Organisation.objects.filter(code="CAST").update(name="Đổi trong cơ sở dữ liệu")
    OrganisationFactory(code="EXTRA")
    assert len(BUILDS) == 1


@pytest.mark.django_db
def test_a_database_test_without_the_cast_does_not_see_it():
    assert not Organisation.objects.exists()


def test_the_next_test_with_the_cast_starts_from_it_fresh_without_a_rebuild(counted):
    assert len(BUILDS) == 1
    assert counted.org.name == "Cơ quan dùng chung"
    assert Organisation.objects.get(code="CAST").name == "Cơ quan dùng chung"
    assert not Organisation.objects.filter(code="EXTRA").exists()


@pytest.fixture
def in_the_past(clock):
    clock.travel_to(clock.today().replace(year=2020))


def test_a_cast_built_on_another_is_built_at_the_real_time_and_shares_its_objects(
    in_the_past, derived, counted
):
    assert len(BUILDS) == 2 and BUILDS[-1].year != 2020
    assert clock.today().year == 2020
    assert derived is counted and derived.second.code == "SECOND"
    assert set(Organisation.objects.values_list("code", flat=True)) == {"CAST", "SECOND"}


def test_a_parametrized_cast_is_built_once_per_value(numbered):
    assert Organisation.objects.get().code == f"N{BUILDS[-1]}" == numbered.org.code


def test_its_tests_run_grouped_by_value(numbered):
    assert BUILDS[2:] in ([1], [1, 2])
    assert Organisation.objects.get().code == f"N{BUILDS[-1]}" == numbered.org.code


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_builds_its_own_committed_cast(counted):
    assert not connection.in_atomic_block
    assert Organisation.objects.get().code == "CAST" == counted.org.code
