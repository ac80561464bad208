"""Fuzzing the batches source systems send (`evaluation.services.imports.work_items_receive`
behind POST /api/v1/work-items/, `discipline.services.dossiers_receive` behind POST
/api/v1/dossiers/): hypothesis mixes real rows with hostile values, missing and extra
fields and bodies of the wrong shape. Nothing answers with a server error, and a refused
batch writes nothing (all rows or none)."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discipline.models import DossierRecord
from evaluation.models import WorkItem
from tests.api.conftest import call
from tests.fuzzing import FUZZ, HOSTILE, fuzz_cases_fixture  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db
KEYS = (f"fuzz-{n}" for n in itertools.count())
"""A fresh idempotency key per case: a replayed key would answer without checking."""

VALUES = st.one_of(
    HOSTILE,
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False, allow_infinity=False),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)

WORK_ITEM = {"employee": "BINH", "item": "Thẩm định hồ sơ A", "done": "7", "reference": "12/VP"}
OTHER_ITEM = {"employee": "AN", "item": "Báo cáo B", "done": "4,5", "reference": "13/VP"}
DOSSIER = {
    "unit": "MC",
    "code": "HS-001",
    "procedure": "Chứng thực bản sao",
    "citizen_name": "Nguyễn Văn Dân",
    "officer": "MOT_CUA",
    "received_on": "2026-10-01",
    "due_on": "2026-10-03",
    "settled_on": "2026-10-05",
}


@st.composite
def _bodies(draw, top: dict, rows: list[dict]):
    """A batch built from `top` and `rows` with a few values hostile, fields dropped or
    added; now and then a body of another shape altogether."""
    if draw(st.integers(0, 9)) == 0:
        return draw(VALUES)
    items = []
    for _ in range(draw(st.integers(0, 3))):
        row = dict(draw(st.sampled_from(rows)))
        if "code" in row:  # a dossier's own code: a repeated one is a different refusal
            row["code"] = f"HS-{draw(st.integers(0, 10**6))}"
        for field in draw(st.lists(st.sampled_from([*row, "extra"]), max_size=3)):
            if draw(st.booleans()):
                row[field] = draw(VALUES)
            else:
                row.pop(field, None)
        items.append(row if draw(st.integers(0, 19)) else draw(VALUES))
    body = {**top, "items": items}
    for field in draw(st.lists(st.sampled_from(sorted(body)), max_size=2)):
        body[field] = draw(VALUES)
    return body


def _work_items() -> tuple:
    rows = WorkItem.objects.values_list("id", "done", "source_system", "source_reference")
    return sorted(rows), WorkItem.history.count()


def _dossiers() -> tuple:
    return sorted(DossierRecord.objects.values_list("id", "code", "status")), (
        DossierRecord.history.count()
    )


@FUZZ
@given(body=_bodies({"system": "QLVB", "year": 2026, "month": 10}, [WORK_ITEM, OTHER_ITEM]))
def test_a_work_items_batch_never_fails_and_a_refused_one_writes_nothing(api, fuzz_cases, body):
    fuzz_cases()
    fuzz_cases.must_see = {"200", "400"}
    before = _work_items()
    response = call(api.qlvb_token).post(
        "/api/v1/work-items/", body, format="json", HTTP_IDEMPOTENCY_KEY=next(KEYS)
    )
    assert response.status_code < 500, response.content
    fuzz_cases.saw(str(response.status_code))
    if response.status_code != 200:
        assert _work_items() == before


@FUZZ
@given(body=_bodies({"organisation": "UBND-TN"}, [DOSSIER]))
def test_a_dossiers_batch_never_fails_and_a_refused_one_writes_nothing(api, fuzz_cases, body):
    fuzz_cases()
    fuzz_cases.must_see = {"200", "400"}
    before = _dossiers()
    response = call(api.qlvb_token).post(
        "/api/v1/dossiers/", body, format="json", HTTP_IDEMPOTENCY_KEY=next(KEYS)
    )
    assert response.status_code < 500, response.content
    fuzz_cases.saw(str(response.status_code))
    if response.status_code != 200:
        assert _dossiers() == before
