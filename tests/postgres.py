"""PostgreSQL under the suite: transactional tests empty the tables with DELETE.

A transactional test (live server, browser journeys, concurrency) ends with Django's
flush, on PostgreSQL one TRUNCATE of every table. TRUNCATE makes every table's files
anew: for the ~100 tables here it took 6 s a test on the shared machine (20 such tests:
two minutes of the suite), where deleting the few hundred rows a test leaves costs
0.25 s. The DELETEs run in the flush's one transaction with the foreign keys deferred
(Django makes them DEFERRABLE INITIALLY DEFERRED), so their order does not matter.
Sequences keep counting, as after Django's TRUNCATE without RESTART IDENTITY; a flush
that resets sequences or cascades (`reset_sequences`, `available_apps`) is Django's own.

Only the test process is changed: `manage.py flush` keeps TRUNCATE.
"""

from django.db.backends.postgresql.operations import DatabaseOperations

_truncate = DatabaseOperations.sql_flush


def _delete_rows(self, style, tables, *, reset_sequences=False, allow_cascade=False):
    if reset_sequences or allow_cascade or not tables:
        return _truncate(
            self, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
        )
    return ["SET CONSTRAINTS ALL DEFERRED"] + [
        f"{style.SQL_KEYWORD('DELETE FROM')} {style.SQL_FIELD(self.quote_name(table))}"
        for table in tables
    ]


def flush_by_delete() -> None:
    """From now on, in this process, a plain flush on PostgreSQL deletes the rows."""
    DatabaseOperations.sql_flush = _delete_rows
