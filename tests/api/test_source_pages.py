"""Where each number came from, on the pages: the head's scoring page shows a system-sent
quantity's source and replaces it only with a reason; the row's own field cannot."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from evaluation import services as evaluation_services
from evaluation.models import Evaluation, WorkItem
from tests.api.conftest import call
from tests.evaluation.cycle import to_scoring

pytestmark = pytest.mark.django_db

A = "Thẩm định hồ sơ A"


@pytest.fixture
def sent(api):
    body = {
        "system": "QLVB",
        "year": 2026,
        "month": 10,
        "items": [{"employee": "BINH", "item": A, "done": "7", "reference": "123/UBND-VP"}],
    }
    response = call(api.qlvb_token).post(
        "/api/v1/work-items/", body, format="json", HTTP_IDEMPOTENCY_KEY="s-1"
    )
    assert response.status_code == 200, response.content
    to_scoring(api)
    return Evaluation.objects.get(period=api.period, employee=api.binh).work_items.get(name=A)


def signed_in(user):
    client = call()
    client.force_login(user)
    return client


def override(client, api, item, **body):
    url = reverse("evaluation:source_override", args=[api.period.pk])
    revision = Evaluation.objects.get(pk=item.evaluation_id).revision
    return client.post(url, {"item": item.pk, "revision": revision, **body})


def test_the_scoring_page_shows_the_source_and_the_override_form(api, sent):
    page = signed_in(api.truong_tc.user).get(
        reverse("evaluation:scoring", args=[api.period.pk]), {"unit": api.tc.pk}
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "Nguồn: QLVB · văn bản 123/UBND-VP" in html
    assert reverse("evaluation:source_override", args=[api.period.pk]) in html


def test_the_head_replaces_it_only_with_a_reason_kept_in_the_history(api, sent):
    head = signed_in(api.truong_tc.user)
    refused = override(head, api, sent, done="5", reason="")
    assert refused.status_code == 302
    assert WorkItem.objects.get(pk=sent.pk).done == Decimal(7)
    response = override(head, api, sent, done="5", reason="Hai văn bản trùng")
    assert response.status_code == 302
    changed = WorkItem.objects.get(pk=sent.pk)
    assert (changed.done, changed.source_quantity) == (Decimal(5), Decimal(7))
    assert "Hai văn bản trùng" in changed.history.latest().history_change_reason
    assert changed.history.latest().history_user == api.truong_tc.user
    month = signed_in(api.binh.user).get("/month/").content.decode()
    assert "Hệ thống gửi 7,00, người chấm đã sửa có lý do." in month


def test_nobody_but_the_scorer_replaces_it(api, sent):
    response = override(signed_in(api.binh.user), api, sent, done="9", reason="tự sửa")
    assert response.status_code == 403
    assert WorkItem.objects.get(pk=sent.pk).done == Decimal(7)


def test_the_rows_own_done_field_does_not_change_it(api, sent):
    evaluation = Evaluation.objects.get(pk=sent.evaluation_id)
    with pytest.raises(ValidationError) as refused:
        evaluation_services.evaluation_score(
            evaluation=evaluation,
            revision=evaluation.revision,
            by=api.truong_tc.user,
            items={sent.pk: {"done": "5"}},
        )
    assert f"items[{sent.pk}].done" in refused.value.message_dict
    assert WorkItem.objects.get(pk=sent.pk).done == Decimal(7)


def test_the_published_result_explains_where_the_quantity_came_from(api, sent):
    evaluation = Evaluation.objects.get(pk=sent.evaluation_id)
    page = signed_in(api.truong_tc.user).get(
        reverse("evaluation:result_detail", args=[evaluation.pk])
    )
    assert page.status_code == 200
    assert "Nguồn: QLVB · văn bản 123/UBND-VP" in page.content.decode()
