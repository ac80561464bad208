"""Real concurrent transactions on PostgreSQL: threads with their own connections race
a save against a save, a save against the unit's submission, an approval against an
approval. Nothing is lost, nothing changes after a submission, nobody deadlocks.

SQLite runs one write at a time, so these tests are skipped there; run them with
DATABASE_URL=postgres://... (see README).
"""

import threading
import time
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from evaluation import services
from evaluation.models import (
    Evaluation,
    EvaluationState,
    UnitPeriod,
    UnitPeriodState,
    WorkItem,
)
from evaluation.services import common, imports, scores
from hrsystem.api import services as api_services
from hrsystem.api.models import Scope
from tests.evaluation.test_views_pages import FULL, evaluation_of, open_month, to_scoring

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL's row locks and threads"
    ),
]

LOWER = {**FULL, 0: Decimal(3)}
STAFF_OF_VP = ("thu", "anh")
TRIALS = 3


class Outcome:
    """What one thread's service call did: its result or error, and when it committed."""

    def __init__(self):
        self.result = self.error = self.committed_at = None


def run(call) -> tuple[threading.Thread, Outcome]:
    """Start `call` in a thread with its own connection, inside its own transaction."""
    outcome = Outcome()

    def target():
        try:
            with transaction.atomic():
                outcome.result = call()
                transaction.on_commit(lambda: setattr(outcome, "committed_at", time.monotonic()))
        except ValidationError as error:
            outcome.error = error
        finally:
            connection.close()

    thread = threading.Thread(target=target)
    thread.start()
    return thread, outcome


def finish(*threads) -> None:
    for thread in threads:
        thread.join(timeout=30)
        assert not thread.is_alive(), "a thread is still waiting: a lock was never released"


@pytest.fixture
def scored(agency):
    """The month at scoring with everyone of VP scored by hanh (VP not yet submitted)."""
    cast = open_month(agency)
    to_scoring(cast)
    for username in STAFF_OF_VP + ("binh",):
        evaluation = evaluation_of(cast, username)
        services.evaluation_score(
            evaluation=evaluation, revision=evaluation.revision, by=cast.users["hanh"], final=FULL
        )
    return cast


def score(cast, username, final, *, revision=None):
    evaluation = evaluation_of(cast, username)
    return services.evaluation_score(
        evaluation=evaluation,
        revision=evaluation.revision if revision is None else revision,
        by=cast.users["hanh"],
        final=final,
    )


def test_a_save_and_the_units_submission_never_interleave(scored, monkeypatch):
    """The save pauses inside its transaction (after its checks) while the head submits
    the unit: the submission either waits for the save or the save is refused; never is
    a score committed after the submission that closed it."""
    inside = threading.Event()
    recompute = scores._recompute_after

    def slow_recompute(*args, **kwargs):
        inside.set()
        time.sleep(0.5)
        recompute(*args, **kwargs)

    monkeypatch.setattr(scores, "_recompute_after", slow_recompute)
    vp = UnitPeriod.objects.get(period=scored.period, unit=scored.units["VP"])
    save, saved = run(lambda: score(scored, "thu", LOWER))
    assert inside.wait(timeout=10)
    submit, submitted = run(lambda: services.unit_submit(unit_period=vp, by=scored.users["hanh"]))
    finish(save, submit)
    assert saved.error is None and submitted.error is None
    assert saved.committed_at < submitted.committed_at
    thu = evaluation_of(scored, "thu")
    assert thu.criterion_scores.get(criterion_index=0).final == Decimal(3)
    vp.refresh_from_db()
    assert vp.state == UnitPeriodState.SUBMITTED
    changed_after = thu.history.filter(history_date__gt=vp.submitted_at)
    assert not changed_after.exists()


def test_a_save_started_after_the_submission_is_refused(scored, monkeypatch):
    inside = threading.Event()
    locked = common._lock_in_order

    def submission_first(period_id, unit_ids):
        inside.wait(timeout=10)
        locked(period_id, unit_ids)

    vp = UnitPeriod.objects.get(period=scored.period, unit=scored.units["VP"])
    before = evaluation_of(scored, "thu").revision

    def submit_then_release():
        row = services.unit_submit(unit_period=vp, by=scored.users["hanh"])
        inside.set()
        time.sleep(0.3)  # still inside the submission's transaction
        return row

    monkeypatch.setattr(common, "_lock_in_order", submission_first)
    submit, submitted = run(submit_then_release)
    save, saved = run(lambda: score(scored, "thu", LOWER))
    finish(submit, save)
    assert submitted.error is None
    assert saved.error is not None and "unit" in saved.error.message_dict
    assert evaluation_of(scored, "thu").revision == before


def test_two_saves_of_one_row_keep_one_and_report_the_other(scored):
    for _trial in range(TRIALS):
        thu = evaluation_of(scored, "thu")
        barrier = threading.Barrier(2)

        def save(final, revision=thu.revision, barrier=barrier):
            barrier.wait(timeout=10)
            return score(scored, "thu", final, revision=revision)

        first, one = run(lambda: save(LOWER))
        second, other = run(lambda: save(FULL))
        finish(first, second)
        outcomes = [one, other]
        assert sum(o.error is None for o in outcomes) == 1
        refused = next(o for o in outcomes if o.error is not None)
        assert isinstance(refused.error, services.ConflictError)
        assert evaluation_of(scored, "thu").revision == thu.revision + 1


def test_saves_of_two_rows_of_one_unit_both_land(scored):
    for trial in range(TRIALS):
        points = Decimal(trial + 1)
        barrier = threading.Barrier(2)

        def save(username, barrier=barrier, points=points):
            barrier.wait(timeout=10)
            return score(scored, username, {**FULL, 0: points})

        threads = [run(lambda name=name: save(name)) for name in STAFF_OF_VP]
        finish(*(thread for thread, _outcome in threads))
        assert [outcome.error for _thread, outcome in threads] == [None, None]
        for username in STAFF_OF_VP:
            final = evaluation_of(scored, username).criterion_scores.get(criterion_index=0).final
            assert final == points


def test_two_approvals_of_one_unit_approve_it_once(scored):
    for username in ("lan", "kiem"):
        evaluation = evaluation_of(scored, username)
        services.evaluation_score(
            evaluation=evaluation, revision=evaluation.revision, by=scored.users["duc"], final=FULL
        )
    for code in ("VP", "NV"):
        unit_period = UnitPeriod.objects.get(period=scored.period, unit=scored.units[code])
        services.unit_submit(
            unit_period=unit_period, by=scored.users["hanh" if code == "VP" else "duc"]
        )
    vp = UnitPeriod.objects.get(period=scored.period, unit=scored.units["VP"])
    barrier = threading.Barrier(2)

    def approve():
        barrier.wait(timeout=10)
        return services.unit_approve(unit_periods=[vp], by=scored.users["quang"])

    threads = [run(approve) for _ in range(2)]
    finish(*(thread for thread, _outcome in threads))
    errors = [outcome.error for _thread, outcome in threads]
    assert sum(error is None for error in errors) == 1
    vp.refresh_from_db()
    assert vp.state == UnitPeriodState.APPROVED
    assert vp.history.filter(state=UnitPeriodState.APPROVED).count() == 1


def test_two_bulk_approvals_of_the_same_self_assessments_approve_each_once(agency):
    cast = open_month(agency)
    for username in STAFF_OF_VP[:1]:
        evaluation = evaluation_of(cast, username)
        services.self_assessment_submit(
            evaluation=evaluation,
            revision=evaluation.revision,
            by=cast.users[username],
            proposed=FULL,
        )
    to_scoring(cast)
    chosen = [evaluation_of(cast, "thu")]
    barrier = threading.Barrier(2)

    def approve():
        barrier.wait(timeout=10)
        return services.evaluations_bulk_approve(evaluations=chosen, by=cast.users["hanh"])

    threads = [run(approve) for _ in range(2)]
    finish(*(thread for thread, _outcome in threads))
    assert sum(outcome.error is None for _thread, outcome in threads) == 1
    thu = Evaluation.objects.get(pk=chosen[0].pk)
    assert thu.state == EvaluationState.SCORED
    approvals = thu.history.filter(history_change_reason="Duyệt hàng loạt tự đánh giá")
    assert approvals.count() == 1


# --- a source system's import against the head's save -------------------------------------

SENT = Decimal(9)
TASK = "Tiếp nhận, vào sổ văn bản đến"
CLERKS = [("thu", "BX012", "hanh"), ("anh", "BX013", "hanh"), ("lan", "BX021", "duc")]
"""Clerks of the agency (each with the task above), their codes and who scores them."""


@pytest.fixture
def sending(agency):
    """The month at scoring, nobody scored yet, and the agency's document system allowed
    to send done quantities."""
    cast = open_month(agency)
    to_scoring(cast)
    cast.sender, _token = api_services.api_client_register(
        organisation=cast.organisation,
        name="QLVB",
        scopes=[Scope.WORK_ITEMS_WRITE],
        by=cast.users["lan"],
    )
    return cast


def _item(cast, username) -> WorkItem:
    return evaluation_of(cast, username).work_items.get(name=TASK)


def receive(cast, code):
    row = {"employee": code, "item": TASK, "done": str(SENT), "reference": "12/VP"}
    return services.work_items_receive(
        period=cast.period, system="QLVB", rows=[row], by=cast.sender.account
    )


def save_scores(cast, username, scorer, revision):
    return services.evaluation_score(
        evaluation=evaluation_of(cast, username),
        revision=revision,
        by=cast.users[scorer],
        final=LOWER,
    )


def _one_landed_whole(cast, username, saved: Outcome, received: Outcome, revision: int) -> str:
    """Exactly one of the two committed, whole; the other was refused with a message and
    wrote nothing. Returns which one landed."""
    assert (saved.error is None) != (received.error is None), (saved.error, received.error)
    evaluation, item = evaluation_of(cast, username), _item(cast, username)
    assert evaluation.revision == revision + 1
    if saved.error is None:  # the head's save first: the system may no longer send
        assert "items[0].employee" in received.error.message_dict
        assert evaluation.state == EvaluationState.SCORED
        assert evaluation.criterion_scores.get(criterion_index=0).final == Decimal(3)
        assert item.source_system == "" and not item.history.filter(source_system="QLVB")
        return "save"
    assert isinstance(saved.error, services.ConflictError)  # the head reloads, sees the import
    assert evaluation.state == EvaluationState.DRAFT
    assert (item.done, item.source_system) == (SENT, "QLVB")
    assert not evaluation.criterion_scores.filter(final__isnull=False).exists()
    return "import"


def test_an_import_waits_for_a_save_in_progress_and_is_then_refused(sending, monkeypatch):
    """The head's save pauses inside its transaction; the import sent meanwhile waits for
    it (both lock the period row first), then finds thu scored and refuses."""
    inside = threading.Event()
    recompute = scores._recompute_after

    def slow_recompute(*args, **kwargs):
        inside.set()
        time.sleep(0.5)
        recompute(*args, **kwargs)

    monkeypatch.setattr(scores, "_recompute_after", slow_recompute)
    revision = evaluation_of(sending, "thu").revision
    save, saved = run(lambda: save_scores(sending, "thu", "hanh", revision))
    assert inside.wait(timeout=10)
    send, received = run(lambda: receive(sending, "BX012"))
    finish(save, send)
    assert _one_landed_whole(sending, "thu", saved, received, revision) == "save"


def test_a_save_started_during_an_import_is_refused_as_stale(sending, monkeypatch):
    """The import pauses inside its transaction; the head's save of the page opened before
    it waits, then finds a newer revision and saves nothing: the head reloads and sees
    the quantity the system sent."""
    inside = threading.Event()
    receive_row = imports._receive

    def slow_receive(*args, **kwargs):
        receive_row(*args, **kwargs)
        inside.set()
        time.sleep(0.5)

    monkeypatch.setattr(imports, "_receive", slow_receive)
    revision = evaluation_of(sending, "thu").revision
    send, received = run(lambda: receive(sending, "BX012"))
    assert inside.wait(timeout=10)
    save, saved = run(lambda: save_scores(sending, "thu", "hanh", revision))
    finish(send, save)
    assert _one_landed_whole(sending, "thu", saved, received, revision) == "import"


def test_an_import_and_a_save_started_together_keep_exactly_one(sending):
    landed = []
    for username, code, scorer in CLERKS:
        revision = evaluation_of(sending, username).revision
        barrier = threading.Barrier(2)

        def save(barrier=barrier, username=username, scorer=scorer, revision=revision):
            barrier.wait(timeout=10)
            return save_scores(sending, username, scorer, revision)

        def send(barrier=barrier, code=code):
            barrier.wait(timeout=10)
            return receive(sending, code)

        first, saved = run(save)
        second, received = run(send)
        finish(first, second)
        landed.append(_one_landed_whole(sending, username, saved, received, revision))
    assert len(landed) == len(CLERKS)
