"""What the probe of the demo found on the monthly pages: each hostile or careless request
gets words, never a server error, and changes nothing it should not."""

import pytest
from django.urls import reverse

from evaluation import services
from evaluation.models import EvaluationState
from tests.evaluation.test_views_pages import FULL, evaluation_of, open_month, to_scoring

pytestmark = pytest.mark.django_db


@pytest.fixture
def month(agency):
    return open_month(agency)


def messages_of(response) -> str:
    return " ".join(str(m) for m in response.context["messages"]) if response.context else ""


def row_data(evaluation, **overrides) -> dict:
    """The head's row for `evaluation` as the page posts it, full marks, no reviews."""
    prefix = f"r{evaluation.pk}"
    data = {f"{prefix}-revision": evaluation.revision}
    data.update({f"{prefix}-c{index}": str(value) for index, value in FULL.items()})
    for item in evaluation.work_items.all():
        for name in ("errors", "late", "excused"):
            data[f"{prefix}-i{item.pk}_{name}"] = "0"
    data.update({f"{prefix}-{name}": value for name, value in overrides.items()})
    return {name: value for name, value in data.items() if value is not None}


def month_data(evaluation, **fields) -> dict:
    """The employee's month page as it posts: every item done once, then `fields`."""
    data = {"revision": evaluation.revision, "action": "save"}
    for item in evaluation.work_items.all():
        data[f"item-{item.pk}-done"] = "1"
    data.update(fields)
    return data


def save_url(cast, evaluation) -> str:
    return reverse("evaluation:score_save", args=[cast.period.pk, evaluation.pk])


def test_it_redirects_a_plain_save_with_the_saved_message(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    response = client.post(save_url(month, thu), row_data(thu))
    assert response.status_code == 302
    assert "Đã lưu điểm của Phạm Thị Thu" in messages_of(client.get(response.url))
    thu.refresh_from_db()
    assert thu.state == EvaluationState.SCORED


@pytest.mark.parametrize("revision", ["abc", "1e999", "-1", "٣", "9" * 40])
def test_it_refuses_a_malformed_revision_on_the_month_page(client, month, revision):
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["thu"])
    response = client.post(
        reverse("evaluation:my_month_of", args=[thu.pk]),
        month_data(thu, revision=revision, self_comment="Đã cố gắng"),
    )
    assert response.status_code in (302, 400, 409)
    after = evaluation_of(month, "thu")
    assert (after.revision, after.self_comment) == (thu.revision, thu.self_comment)


def test_it_asks_for_the_revision_in_words(client, month):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["hanh"])
    response = client.post(save_url(month, thu), row_data(thu, revision=""), follow=True)
    said = messages_of(response)
    assert "None" not in said
    assert "tải lại trang" in said
    assert evaluation_of(month, "thu").revision == thu.revision


@pytest.mark.parametrize("typed", ["٣", "３", "४"])
def test_it_refuses_digits_of_other_scripts(client, month, typed):
    to_scoring(month)
    thu = evaluation_of(month, "thu")
    item = thu.work_items.first()
    client.force_login(month.users["hanh"])
    for field in ("c0", f"i{item.pk}_late"):
        response = client.post(save_url(month, thu), row_data(thu, **{field: typed}), follow=True)
        assert "Đã lưu điểm" not in messages_of(response)
        assert evaluation_of(month, "thu").revision == thu.revision


def test_it_refuses_a_self_assessment_comment_over_the_limit(client, month):
    thu = evaluation_of(month, "thu")
    client.force_login(month.users["thu"])
    response = client.post(
        reverse("evaluation:my_month_of", args=[thu.pk]),
        month_data(thu, self_comment="x" * 100_000),
    )
    assert response.status_code == 400
    assert "4000" in response.content.decode().replace(".", "")
    assert evaluation_of(month, "thu").self_comment == thu.self_comment


def test_it_refuses_a_work_item_note_over_the_limit(client, month):
    thu = evaluation_of(month, "thu")
    item = thu.work_items.first()
    client.force_login(month.users["thu"])
    response = client.post(
        reverse("evaluation:my_month_of", args=[thu.pk]),
        month_data(thu, **{f"item-{item.pk}-self_note": "x" * 100_000}),
    )
    assert response.status_code == 400
    item.refresh_from_db()
    assert item.self_note == ""


def test_it_refuses_a_bulk_return_reason_over_the_limit(client, month):
    thu = evaluation_of(month, "thu")
    services.self_assessment_submit(
        evaluation=thu, revision=thu.revision, by=month.users["thu"], proposed=FULL
    )
    client.force_login(month.users["hanh"])
    client.post(
        reverse("evaluation:score_bulk", args=[month.period.pk]),
        {"action": "return", "evaluations": [thu.pk], "reason": "x" * 100_000},
    )
    assert evaluation_of(month, "thu").state == EvaluationState.SELF_SUBMITTED


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/", "javascript:alert(1)"]
)
def test_it_never_sends_a_period_step_to_another_site(client, month, target):
    client.force_login(month.users["lan"])
    response = client.post(
        reverse("evaluation:period_action", args=[month.period.pk, "advance"]),
        {"to": "scoring", "next": target},
    )
    assert response.status_code == 302
    assert response.url == reverse("evaluation:period_list")


def test_it_follows_a_local_next_after_a_period_step(client, month):
    client.force_login(month.users["lan"])
    overview = reverse("evaluation:overview", args=[month.period.pk])
    response = client.post(
        reverse("evaluation:period_action", args=[month.period.pk, "advance"]),
        {"to": "scoring", "next": overview},
    )
    assert response.url == overview
