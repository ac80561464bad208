"""Shared casts (tests/shared.py) are built once per module, yet every test starts from the
fresh cast and sees only the casts it asks for. The tests run in file order (pytest-django
runs the transactional one last)."""

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


def test_a_test_changes_its_copy_and_the_rows(counted):
    counted.org.name = "Đổi trong Python"
    Organisation.objects.filter(code="CAST").update(name="Đổi trong cơ sở dữ liệu")
    OrganisationFactory(code="EXTRA")
    assert len(BUILDS) == 1


def test_the_next_test_starts_from_the_fresh_cast_without_a_rebuild(counted):
    assert len(BUILDS) == 1
    assert counted.org.name == "Cơ quan dùng chung"
    assert Organisation.objects.get(code="CAST").name == "Cơ quan dùng chung"
    assert not Organisation.objects.filter(code="EXTRA").exists()


@pytest.mark.django_db
def test_a_database_test_without_the_cast_does_not_see_it():
    assert not Organisation.objects.exists()


@pytest.fixture
def in_the_past(clock):
    clock.travel_to(clock.today().replace(year=2020))


def test_asking_again_builds_it_again_at_the_real_time_and_keeps_the_tests_day(
    in_the_past, counted
):
    assert len(BUILDS) == 2
    assert BUILDS[-1].year != 2020
    assert clock.today().year == 2020
    assert Organisation.objects.get().code == "CAST"


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_builds_its_own_committed_cast(counted):
    assert not connection.in_atomic_block
    assert Organisation.objects.get().code == "CAST" == counted.org.code


@shared_cast("derived")
def derived(counted) -> SimpleNamespace:
    """`counted` with a second organisation."""
    counted.second = OrganisationFactory(code="SECOND")
    return counted


def test_a_cast_built_on_another_shares_its_objects(counted, derived):
    assert derived is counted and derived.second.code == "SECOND"
    assert set(Organisation.objects.values_list("code", flat=True)) == {"CAST", "SECOND"}
