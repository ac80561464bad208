"""Casts built once per module and rolled back to before every test.

A cast is the set of rows many tests start from (an agency with its people); building
one through the services costs 0.3-1 s, so a shared cast is built once per module
instead of once per test. Declare it with `shared_cast`; the fixture keeps its name:

    @shared_cast("cast")
    def cast_fixture() -> SimpleNamespace:
        return build_cast()

A cast can build on others, named by its parameters; declared in a test module it is
that module's own, e.g. a matrix of read-only tests that all start from an open month:

    @shared_cast("month")
    def month(agency):
        return open_month(agency)

How it stays honest:
- Before the database of the first test of a module that asks for the cast is opened,
  the builder runs inside a transaction left open for the module. pytest-django's `db`
  then runs each test in a savepoint inside it and rolls it back after the test, so
  every test starts from the freshly built cast, as if it had been built for it alone.
- Each test gets a deep copy of the objects the builders returned (one copy of them all,
  so `month` and `agency` still share their objects): an attribute one test changes,
  or a cache it fills, doesn't leak into the next.
- The open transaction holds exactly the casts the current test asks for. A database
  test asking for other casts, or for none, rolls it back first, so it never sees rows
  it did not ask for; so does a transactional test (live server, browser journeys),
  which builds its cast itself, committed and flushed after it, as before. The module's
  end rolls it back too.
- A held cast is built in Vietnamese at the real time (the product clock is reset for
  it, then put back); a builder that needs a fixed day travels the clock itself. A cast built on
  the spot (transactional tests) is built at the test's time, as before.
"""

import copy
import inspect
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import transaction
from django.utils import translation

from hrsystem import clock

_BUILDERS: dict[tuple[str | None, str], Callable[..., object]] = {}
"""Builders by (test module or None, fixture name): a cast declared in a test module is
that module's own (two modules may each have a `month`); one declared in a conftest or a
helper module is everyone's."""


def _key(module: str | None, name: str) -> tuple[str | None, str] | None:
    """The builder the fixture `name` means in test module `module`, if it is shared."""
    for key in ((module, name), (None, name)):
        if key in _BUILDERS:
            return key
    return None


def shared_cast(name: str, *, params=None, ids=None):
    """Turn a builder into the fixture `name`: built once per module, copied per test.

    The builder's parameters name the shared casts it builds on (`def month(agency)`);
    a test asking for it gets those too, copied together so they share their objects.
    With `params` the fixture is parametrized and the builder gets the value as `param`.
    """

    def decorate(build: Callable[..., object]):
        module = build.__module__
        local = module.rsplit(".", 1)[-1].startswith("test_")
        key = (module if local else None, name)
        if key in _BUILDERS and _BUILDERS[key] is not build:
            raise ValueError(f"two shared casts are called {name!r}: rename one")
        _BUILDERS[key] = build

        @pytest.fixture(name=name, params=params, ids=ids)
        def fixture(_shared_casts):
            return _shared_casts(key)

        fixture.__doc__ = build.__doc__
        return fixture

    return decorate


def _bases(key) -> list[str]:
    """The names of the casts the builder of `key` builds on."""
    return [name for name in inspect.signature(_BUILDERS[key]).parameters if name != "param"]


def _with_bases(keys: set, module: str) -> list:
    """`keys` and every cast they build on, each after its bases."""
    ordered: list = []

    def visit(key) -> None:
        if key in ordered:
            return
        for base in _bases(key):
            found = _key(module, base)
            if found is None:
                raise LookupError(f"shared cast {key[1]!r} builds on unknown cast {base!r}")
            visit(found)
        ordered.append(key)

    for key in sorted(keys, key=lambda key: (key[0] or "", key[1])):
        visit(key)
    return ordered


def _build(keys: list, module: str, params: dict, built: dict | None = None) -> dict:
    """Run the builders of `keys` missing from `built` (bases first), each given the
    casts it builds on (and its `param`); returns `built` with them added."""
    built = {} if built is None else built
    for key in keys:
        if key not in built:
            given = {base: built[_key(module, base)] for base in _bases(key)}
            if "param" in inspect.signature(_BUILDERS[key]).parameters:
                given["param"] = params[key[1]]
            built[key] = _BUILDERS[key](**given)
    return built


def _params(item: pytest.Item, keys: list) -> dict:
    """The values of the parametrized casts among `keys` for this test."""
    values = getattr(getattr(item, "callspec", None), "params", {})
    return {key[1]: values[key[1]] for key in keys if key[1] in values}


class _Held:
    """The transaction left open for the current module and the casts built in it."""

    def __init__(self) -> None:
        self.atomic = None
        self.blocker = None
        self.module = None
        self.params: dict = {}
        self.built: dict = {}

    def hold(self, wanted: list, params: dict, module: pytest.Module, blocker) -> None:
        """Make the open transaction hold exactly the casts `wanted` (with `params`),
        built in `module`."""
        same = list(self.built) == wanted and self.params == params
        if self.atomic is not None and self.module is module and same:
            return
        self.release()
        with blocker.unblock():
            self.atomic = transaction.atomic()
            self.atomic.__enter__()
        self.blocker, self.module, self.params = blocker, module, params
        module.addfinalizer(self.release)
        travelled = clock._fixed, clock._shift  # a test's own fixtures may have moved it
        try:
            clock.reset()
            with blocker.unblock(), translation.override(settings.LANGUAGE_CODE):
                self.built = _build(wanted, module.module.__name__, params)
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


def _transactional(item: pytest.Item) -> bool:
    """Whether pytest-django runs this test as a TransactionTestCase (its own rule)."""

    def flags(transaction=False, reset_sequences=False, *args, **kwargs) -> bool:
        return bool(transaction or reset_sequences)

    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        (marker is not None and flags(*marker.args, **marker.kwargs))
        or "transactional_db" in names
        or "live_server" in names
        or "django_db_reset_sequences" in names
    )


def _wanted(item: pytest.Item) -> list:
    """The shared casts the test asks for, with their bases, in building order."""
    names = getattr(item, "fixturenames", ())
    if "_shared_casts" not in names or _transactional(item):
        return []
    module = item.module.__name__
    keys = {_key(module, name) for name in names} - {None}
    return _with_bases(keys, module)


def group_by_casts(items: list[pytest.Item]) -> None:
    """Within each module, run the tests that hold the same casts one after another
    (otherwise in file order), so that each set is built once per module."""
    first: dict = {}

    def place(index_and_item):
        index, item = index_and_item
        module = getattr(item, "module", None)
        wanted = _wanted(item) if module is not None else []
        held = (tuple(wanted), tuple(sorted(_params(item, wanted).items(), key=repr)))
        return (first.setdefault(module, index), first.setdefault((module, held), index), index)

    ordered = sorted(enumerate(items), key=place)
    items[:] = [item for _index, item in ordered]


def before_test_database(request: pytest.FixtureRequest) -> None:
    """Called just before pytest-django opens the test's database (see tests/conftest.py)."""
    wanted = _wanted(request.node)
    if wanted:
        module = request.node.getparent(pytest.Module)
        params = _params(request.node, wanted)
        _held.hold(wanted, params, module, request.getfixturevalue("django_db_blocker"))
    else:
        _held.release()


@pytest.fixture
def _shared_casts(request, db):
    """Hands a test its copy of the shared casts (built on the spot when not held): one
    deep copy of them all, so a cast and the casts it builds on keep sharing objects."""
    module = request.node.module.__name__
    copies: dict = {}

    def copy_of(key):
        if not copies and key in _held.built:
            copies.update(copy.deepcopy(_held.built))
        if key not in copies:  # not held: a transactional test, or asked for late
            wanted = _with_bases({key}, module)
            _build(wanted, module, _params(request.node, wanted), copies)
        return copies[key]

    return copy_of
