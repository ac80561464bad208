"""Fuzzing with hypothesis: hostile query parameters on every page, hostile data posted to
the main write views, and hostile scenario files for `score_scenario`.

Nothing answers with a server error, and a refused form writes nothing. The demo agency
is built once for the module (the permission matrix's `world`); the pages' form field
names and option values are read from the pages themselves, so hypothesis mixes real
values (a real unit, a real revision) with hostile ones. The number of cases run is
counted and printed at the end of the module (and must reach a floor).
"""

import json
from html.parser import HTMLParser
from io import StringIO

import pytest
from django.apps import apps
from django.contrib.messages import constants as message_levels
from django.contrib.messages import get_messages
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from hrsystem import clock
from tests import test_permission_matrix
from tests.evaluation.test_scenarios import SCENARIOS
from tests.fuzzing import FUZZ, HOSTILE
from tests.test_permission_matrix import (
    EXPECTED,
    POST_ONLY,
    ROLES,
    expected,
    kwargs_for,
    url_patterns,
)

pytestmark = pytest.mark.django_db
world = test_permission_matrix.world
"""The demo agency of the permission matrix, built once for this module too."""
CASES: dict[str, int] = {}
"""Cases run by each fuzz test (hypothesis examples, including shrinking's)."""
MIN_CASES = {"test_no_write_view_fails_and_a_refusal_writes_nothing": 12}
"""Every fuzz test runs at least its max_examples cases (60 unless named here)."""

QUERY_PARAMETERS = [
    *("year", "month", "page", "unit", "item", "status", "q", "on", "org", "all"),
    *("employee", "period", "state", "quarter"),
]
"""Every GET parameter a page reads (`request.GET` in the views and their forms, and the
API's `query_params`)."""

SKIPPED_PAGES = {"logout", "set_language", "favicon", "login", "api:schema", "api:docs"}


def _count(name: str) -> None:
    CASES[name] = CASES.get(name, 0) + 1


@pytest.fixture(autouse=True)
def _report_cases(request, record_property):
    """Record the cases the test ran (the terminal summary adds them up, see conftest);
    at least MIN_CASES."""
    yield
    name = request.node.name
    record_property("fuzz_cases", CASES.get(name, 0))
    if request.node.report_call.passed:  # a failure stops early: its own report says why
        assert CASES.get(name, 0) >= MIN_CASES.get(request.node.originalname, 60), CASES


def _privileged_role(name: str) -> str:
    """The first role the matrix lets read the page (the most privileged come first)."""
    for role in ("admin", "to_chuc", "chu_tich", "truong_phong", *ROLES):
        if role != "anon" and expected(name, role) == 200:
            return role
    return "admin"


def _pages() -> list[tuple[str, str]]:
    return [
        (name, route)
        for name, route in url_patterns()
        if name in EXPECTED and name not in POST_ONLY and name not in SKIPPED_PAGES
    ]


@pytest.fixture(scope="module")
def clients(world):
    """A signed-in client per demo role, kept for the module."""
    made = {}
    for role in ROLES:
        if role != "anon":
            made[role] = Client()
            made[role].force_login(world.users[role])
    return made


@FUZZ
@given(
    page=st.sampled_from(_pages()),
    query=st.dictionaries(st.sampled_from(QUERY_PARAMETERS), HOSTILE, min_size=1, max_size=4),
)
def test_no_page_fails_on_hostile_query_parameters(world, clients, page, query):
    _count("test_no_page_fails_on_hostile_query_parameters")
    name, route = page
    url = reverse(name, kwargs=kwargs_for(name, route, world.args))
    response = clients[_privileged_role(name)].get(url, query)
    assert response.status_code < 500, (name, query)


PLAUSIBLE = {
    "date": clock.today().isoformat(),
    "month": clock.today().strftime("%Y-%m"),
    "number": "1",
    "checkbox": "on",
    "file": None,
}
"""What a person would type in an empty input of each type (anything else: some words)."""


class _Fields(HTMLParser):
    """A page's form fields: the values the page offers for each, in page order (the
    first is the one the page would post)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, list[str]] = {}
        self._select: str | None = None

    def _offer(self, name: str, value: str | None) -> None:
        values = self.values.setdefault(name, [])
        if value is not None and value not in values:
            values.append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("input", "select", "textarea", "button") and attrs.get("name"):
            value = attrs.get("value")
            if value is None and tag in ("input", "textarea"):
                kind = "number" if attrs.get("inputmode") else attrs.get("type", "text")
                value = PLAUSIBLE.get(kind, "Kiểm thử")
            self._offer(attrs["name"], value)
            self._select = attrs["name"] if tag == "select" else self._select
        elif tag == "option" and self._select and attrs.get("value") is not None:
            if "selected" in attrs:
                self.values[self._select].insert(0, attrs["value"])
            else:
                self._offer(self._select, attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


WRITE_VIEWS = {
    "evaluation:my_month": ("nhanvien", "evaluation:my_month"),
    "evaluation:score_preview": ("truong_phong", "evaluation:scoring"),
    "evaluation:score_save": ("truong_phong", "evaluation:scoring"),
    "evaluation:score_add": ("truong_phong", "evaluation:scoring"),
    "evaluation:score_bulk": ("truong_phong", "evaluation:scoring"),
    "evaluation:units_action": ("chu_tich", "evaluation:overview"),
    "evaluation:appeal_file": ("nhanvien", "evaluation:my_results"),
    "discipline:conduct_record": ("truong_phong", "discipline:conduct_record"),
    "discipline:dossier_record": ("mot_cua", "discipline:dossier_record"),
    "discipline:decision_record": ("to_chuc", "discipline:decision_record"),
}
"""The main write views: the role allowed to use each, and the page whose form posts to it."""

WRITTEN_MODELS = [
    model
    for label in ("evaluation", "discipline")
    for model in apps.get_app_config(label).get_models()
]


@pytest.fixture(scope="module")
def forms_of(world, clients):
    """view name → (url, role, {field name: values the page offers, first the default})."""
    routes = dict(url_patterns())
    found = {}
    for view, (role, page) in WRITE_VIEWS.items():
        page_url = reverse(page, kwargs=kwargs_for(page, routes[page], world.args))
        parser = _Fields()
        parser.feed(clients[role].get(page_url).content.decode())
        fields = {"reason": [], "action": [], "revision": [], **parser.values}
        url = reverse(view, kwargs=kwargs_for(view, routes[view], world.args))
        found[view] = (url, role, fields)
    return found


def _rows() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in WRITTEN_MODELS}


def _refused(response) -> bool:
    """A refusal: a 4xx, a form shown again (200 to a POST), or only error messages."""
    if 400 <= response.status_code < 500 or response.status_code == 200:
        return True
    levels = [message.level for message in get_messages(response.wsgi_request)]
    return bool(levels) and all(level >= message_levels.ERROR for level in levels)


def _default(offered: list[str]) -> str:
    """The value the page would post: the first offered, a real choice before an empty one."""
    return next((value for value in offered if value), offered[0])


@st.composite
def _posts(draw, fields):
    """What the page would post, with a few fields changed to another offered value, a
    hostile string, or left out."""
    data = {name: _default(offered) for name, offered in fields.items() if offered}
    for name in draw(st.lists(st.sampled_from(sorted(fields)), min_size=1, max_size=4)):
        offered = fields[name]
        value = draw(st.none() | HOSTILE | (st.sampled_from(offered) if offered else HOSTILE))
        if value is None:
            data.pop(name, None)
        else:
            data[name] = value
    return data


@pytest.mark.parametrize("view", sorted(WRITE_VIEWS))
@settings(FUZZ, max_examples=12)
@given(data=st.data())
def test_no_write_view_fails_and_a_refusal_writes_nothing(world, forms_of, view, data):
    _count(f"test_no_write_view_fails_and_a_refusal_writes_nothing[{view}]")
    url, role, fields = forms_of[view]
    posted = data.draw(_posts(fields))
    client = Client()  # a fresh session: no message left by an earlier case
    client.force_login(world.users[role])
    before = _rows()
    response = client.post(url, posted)
    assert response.status_code < 500, (view, posted)
    if _refused(response) or view == "evaluation:score_preview":
        assert _rows() == before, (view, posted)


# --- the scenario parser ------------------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=False, allow_infinity=False)
    | HOSTILE,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=8,
)
BASE = json.loads((SCENARIOS / "01-vi-du-mau.json").read_text(encoding="utf-8"))


def _paths(node, path=()):
    yield path
    children = (
        node.items()
        if isinstance(node, dict)
        else enumerate(node)
        if isinstance(node, list)
        else ()
    )
    for key, child in children:
        yield from _paths(child, (*path, key))


PATHS = list(_paths(BASE))[1:]


def _replaced(document, path, value):
    """A deep copy of `document` with the element at `path` replaced (or deleted)."""
    document = json.loads(json.dumps(document))
    *parents, last = path
    node = document
    for key in parents:
        node = node[key]
    if value is _DELETE:
        del node[last]
    else:
        node[last] = value
    return document


_DELETE = object()


@st.composite
def _scenarios(draw):
    if draw(st.integers(0, 9)) == 0:
        return draw(st.one_of(JSON_VALUES.map(json.dumps), st.text(max_size=60)))
    document = BASE
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        try:
            document = _replaced(document, path, draw(st.just(_DELETE) | JSON_VALUES))
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed the path
    return json.dumps(document, ensure_ascii=False)


@FUZZ
@given(text=_scenarios())
def test_the_scenario_parser_answers_with_a_clear_error(tmp_path_factory, text):
    _count("test_the_scenario_parser_answers_with_a_clear_error")
    path = tmp_path_factory.mktemp("scenario") / "fuzz.json"
    path.write_text(text, encoding="utf-8")
    out, err = StringIO(), StringIO()
    try:
        call_command("score_scenario", str(path), stdout=out, stderr=err)
    except SystemExit as exc:
        assert exc.code == 2
        assert out.getvalue() == ""
        lines = err.getvalue().splitlines()
        assert lines and all(":" in line for line in lines), lines
    else:
        assert err.getvalue() == ""
        json.loads(out.getvalue())
