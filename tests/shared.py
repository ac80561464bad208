"""Casts built once per module and rolled back to before every test.

A cast is the set of rows many tests start from (an agency with its people); building
one through the services costs 0.3-1 s, so a shared cast is built once per module
instead of once per test. Declare it with `shared_cast`; the fixture keeps its name:

    @shared_cast("cast")
    def cast_fixture() -> SimpleNamespace:
        return build_cast()

How it stays honest:
- Before the database of the first test of a module that asks for the cast is opened,
  the builder runs inside a transaction left open for the module. pytest-django's `db`
  then runs each test in a savepoint inside it and rolls it back after the test, so
  every test starts from the freshly built cast, as if it had been built for it alone.
- Each test gets a deep copy of the objects the builder returned: an attribute one test
  changes (or a cache a test fills) doesn't leak into the next.
- The open transaction holds exactly the casts the current test asks for. A database
  test asking for other casts, or for none, rolls it back first, so it never sees rows
  it did not ask for; so does a transactional test (live server, browser journeys),
  which builds its cast itself, committed and flushed after it, as before. The module's
  end rolls it back too.
- A held cast is built at the real time (the product clock is reset for it, then put
  back); a builder that needs a fixed day travels the clock itself. A cast built on
  the spot (transactional tests) is built at the test's time, as before.
"""

import copy
from collections.abc import Callable

import pytest
from django.db import transaction

from hrsystem import clock

_BUILDERS: dict[str, Callable[[], object]] = {}


def shared_cast(name: str):
    """Turn a builder into the fixture `name`: built once per module, copied per test."""

    def decorate(build: Callable[[], object]):
        _BUILDERS[name] = build

        @pytest.fixture(name=name)
        def fixture(_shared_casts):
            return _shared_casts(name)

        fixture.__doc__ = build.__doc__
        return fixture

    return decorate


class _Held:
    """The transaction left open for the current module and the casts built in it."""

    def __init__(self) -> None:
        self.atomic = None
        self.blocker = None
        self.module = None
        self.built: dict[str, object] = {}

    def hold(self, wanted: frozenset[str], module: pytest.Module, blocker) -> None:
        """Make the open transaction hold exactly the casts `wanted`, built in `module`."""
        if self.atomic is not None and self.module is module and set(self.built) == wanted:
            return
        self.release()
        with blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
        self.blocker, self.module = blocker, module
        module.addfinalizer(self.release)
        travelled = clock._fixed, clock._shift  # a test's own fixtures may have moved it
        try:
            with blocker.unblock():
                for name in sorted(wanted):
                    clock.reset()
                    self.built[name] = _BUILDERS[name]()
        except BaseException:
            self.release()
            raise
        finally:
            clock._fixed, clock._shift = travelled

    def release(self) -> None:
        """Roll the open transaction back, if any."""
        if self.atomic is None:
            return
        atomic, self.atomic, self.module, self.built = self.atomic, None, None, {}
        with self.blocker.unblock():
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


_held = _Held()


def _transactional(request: pytest.FixtureRequest) -> bool:
    """Whether pytest-django runs this test as a TransactionTestCase (its own rule)."""

    def flags(transaction=False, reset_sequences=False, *args, **kwargs) -> bool:
        return bool(transaction or reset_sequences)

    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    return (
        (marker is not None and flags(*marker.args, **marker.kwargs))
        or "transactional_db" in names
        or "live_server" in names
        or "django_db_reset_sequences" in names
    )


def before_test_database(request: pytest.FixtureRequest) -> None:
    """Called just before pytest-django opens the test's database (see tests/conftest.py)."""
    wanted = frozenset()
    if "_shared_casts" in request.fixturenames and not _transactional(request):
        wanted = frozenset(name for name in _BUILDERS if name in request.fixturenames)
    if wanted:
        module = request.node.getparent(pytest.Module)
        _held.hold(wanted, module, request.getfixturevalue("django_db_blocker"))
    else:
        _held.release()


@pytest.fixture
def _shared_casts(db):
    """Hands a test its copy of a shared cast (built on the spot when not held)."""

    def copy_of(name: str):
        if name in _held.built:
            return copy.deepcopy(_held.built[name])
        return _BUILDERS[name]()

    return copy_of
