"""On PostgreSQL a transactional test ends by deleting the rows (tests/postgres.py)."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection

from hrsystem.models import Employee, Organisation, Post, Unit

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the DELETE flush is PostgreSQL's"
)


def test_a_plain_flush_deletes_with_the_foreign_keys_deferred():
    statements = connection.ops.sql_flush(no_style(), ["hrsystem_unit", "hrsystem_post"])
    assert statements == [
        "SET CONSTRAINTS ALL DEFERRED",
        'DELETE FROM "hrsystem_unit"',
        'DELETE FROM "hrsystem_post"',
    ]


@pytest.mark.parametrize("option", ["reset_sequences", "allow_cascade"])
def test_a_flush_resetting_sequences_or_cascading_is_djangos_truncate(option):
    statements = connection.ops.sql_flush(no_style(), ["hrsystem_unit"], **{option: True})
    assert statements[0].startswith("TRUNCATE")


@pytest.mark.django_db(transaction=True)
def test_the_flush_empties_every_table_whatever_refers_to_what(agency):
    assert Post.objects.exists() and Unit.objects.filter(parent__isnull=False).exists()
    call_command("flush", verbosity=0, interactive=False)
    for model in (Post, Employee, Unit, Organisation, get_user_model()):
        assert not model.objects.exists(), model.__name__
    assert ContentType.objects.filter(app_label="hrsystem", model="unit").exists()
