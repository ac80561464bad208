"""Done quantities from a source system: idempotent, all rows or none, refused when locked."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from evaluation import services as evaluation_services
from evaluation.models import Evaluation, Period, PeriodState, WorkItem
from hrsystem.api import services
from hrsystem.api.models import Scope
from tests.api.conftest import call

pytestmark = pytest.mark.django_db

URL = "/api/v1/work-items/"
A, B = "Thẩm định hồ sơ A", "Báo cáo B"


def batch(*rows, month=10):
    return {"system": "QLVB", "year": 2026, "month": month, "items": list(rows)}


def row(employee="BINH", item=A, done="7", reference="123/UBND-VP"):
    return {"employee": employee, "item": item, "done": done, "reference": reference}


def send(token, body, key="k-1"):
    return call(token).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def item(api, name, who="binh"):
    evaluation = Evaluation.objects.get(period=api.period, employee=getattr(api, who))
    return evaluation.work_items.get(name=name)


def test_it_sets_done_with_its_source(api):
    revision = Evaluation.objects.get(period=api.period, employee=api.binh).revision
    response = send(api.qlvb_token, batch(row(), row(employee="AN", item=B, done="4.5")))
    assert response.status_code == 200, response.content
    assert response.json()["received"] == 2
    sent = item(api, A)
    assert (sent.done, sent.source_quantity) == (Decimal(7), Decimal(7))
    assert (sent.source_system, sent.source_reference) == ("QLVB", "123/UBND-VP")
    assert sent.source_received_at is not None
    assert sent.history.latest().history_user == api.qlvb.account
    assert item(api, B, "an").done == Decimal("4.5")
    assert Evaluation.objects.get(period=api.period, employee=api.binh).revision == revision + 1


def test_a_repeated_key_changes_nothing(api):
    first = send(api.qlvb_token, batch(row()))
    history = item(api, A).history.count()
    again = send(api.qlvb_token, batch(row()))
    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert item(api, A).history.count() == history


def test_a_key_reused_for_another_body_is_refused(api):
    send(api.qlvb_token, batch(row()))
    response = send(api.qlvb_token, batch(row(done="9")))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert item(api, A).done == Decimal(7)


def test_a_write_without_a_key_is_refused(api):
    response = call(api.qlvb_token).post(URL, batch(row()), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["Idempotency-Key"]
    assert item(api, A).done == Decimal(0)


def test_a_bad_row_writes_nothing_and_every_bad_row_is_named(api):
    response = send(
        api.qlvb_token,
        batch(row(), row(item="Không có"), row(employee="KHAC01"), row(employee="NOBODY")),
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {
        "items[1].item",
        "items[2].employee",
        "items[3].employee",
    }
    assert item(api, A).done == Decimal(0)
    assert item(api, A).source_system == ""


def test_malformed_values_are_named_by_row_and_field(api):
    response = send(
        api.qlvb_token, batch(row(), row(done="-1"), row(done="abc"), row(done="1.234"))
    )
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"items[1].done", "items[2].done", "items[3].done"}
    missing = send(api.qlvb_token, {"system": "QLVB", "year": 2026, "items": []}, key="k-2")
    assert set(missing.json()["errors"]) == {"month", "items"}
    assert item(api, A).done == Decimal(0)


def test_a_value_above_the_maximum_is_refused(api):
    response = send(api.qlvb_token, batch(row(done="10000000")))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["items[0].done"]


def test_a_locked_month_is_refused(api):
    Period.objects.filter(pk=api.period.pk).update(state=PeriodState.LOCKED)
    response = send(api.qlvb_token, batch(row()))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["period"]
    assert item(api, A).done == Decimal(0)


def test_a_published_month_is_refused(api):
    response = send(api.qlvb_token, batch(row(), month=9))
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["period"]


def test_another_agencys_client_writes_nothing(api):
    response = send(api.khac_token, batch(row()))
    assert response.status_code == 404
    assert item(api, A).done == Decimal(0)


def test_a_client_without_the_scope_is_refused(api):
    _client, text = services.api_client_register(
        organisation=api.org, name="HR", scopes=[Scope.PEOPLE_READ], by=api.to_chuc.user
    )
    assert send(text, batch(row())).status_code == 403
    assert item(api, A).done == Decimal(0)


@pytest.mark.parametrize("who", ["binh", "truong_tc", "to_chuc", "chu_tich"])
def test_people_do_not_send_system_quantities(api, who):
    client = call()
    client.force_login(getattr(api, who).user)
    response = client.post(URL, batch(row()), format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 403
    assert item(api, A).done == Decimal(0)


def test_a_person_cannot_change_a_quantity_a_system_sent(api):
    send(api.qlvb_token, batch(row()))
    sent = item(api, A)
    revision = sent.evaluation.revision
    with pytest.raises(ValidationError) as error:
        evaluation_services.work_item_declare(
            item=sent, revision=revision, done=Decimal(9), by=api.binh.user
        )
    assert list(error.value.message_dict) == ["done"]
    evaluation_services.work_item_declare(
        item=sent, revision=revision, done=Decimal(7), self_note="theo QLVB", by=api.binh.user
    )
    assert WorkItem.objects.get(pk=sent.pk).self_note == "theo QLVB"


def test_the_result_shows_where_the_quantity_came_from(api):
    send(api.qlvb_token, batch(row()))
    evaluation = Evaluation.objects.get(period=api.period, employee=api.binh)
    Period.objects.filter(pk=api.period.pk).update(state=PeriodState.PUBLISHED)
    detail = call(api.qlvb_token).get(f"/api/v1/results/{evaluation.pk}/").json()
    sources = {i["name"]: i["source"] for i in detail["work_items"]}
    assert sources[A]["system"] == "QLVB"
    assert sources[A]["reference"] == "123/UBND-VP"
    assert sources[B] is None


def override(who_client, sent, **body):
    url = f"/api/v1/work-items/{sent.pk}/override/"
    return who_client.post(url, body, format="json")


def signed_in(user):
    client = call()
    client.force_login(user)
    return client


def test_the_head_overrides_a_sent_quantity_only_with_a_reason(api):
    send(api.qlvb_token, batch(row()))
    sent = item(api, A)
    head = signed_in(api.truong_tc.user)
    revision = sent.evaluation.revision
    refused = override(head, sent, done="5", reason=" ", revision=revision)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["reason"]
    response = override(head, sent, done="5", reason="Hai văn bản trùng", revision=revision)
    assert response.status_code == 200, response.content
    changed = WorkItem.objects.get(pk=sent.pk)
    assert (changed.done, changed.source_quantity) == (Decimal(5), Decimal(7))
    audit = changed.history.latest()
    assert audit.history_user == api.truong_tc.user
    assert "Hai văn bản trùng" in audit.history_change_reason
    stale = override(head, sent, done="6", reason="lại", revision=revision)
    assert stale.status_code == 400


@pytest.mark.parametrize(("who", "status"), [("binh", 403), ("an", 404), ("to_chuc", 403)])
def test_nobody_else_overrides_a_sent_quantity(api, who, status):
    send(api.qlvb_token, batch(row()))
    sent = item(api, A)
    response = override(
        signed_in(getattr(api, who).user),
        sent,
        done="5",
        reason="x",
        revision=sent.evaluation.revision,
    )
    assert response.status_code == status
    assert item(api, A).done == Decimal(7)


def test_a_declared_quantity_is_not_overridden_here(api):
    declared = item(api, A)
    head = signed_in(api.truong_tc.user)
    response = override(head, declared, done="5", reason="x", revision=declared.evaluation.revision)
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["item"]
    assert (
        override(call(api.khac_token), declared, done="5", reason="x", revision=0).status_code
        == 404
    )


def test_the_persons_month_shows_the_source_and_does_not_edit_it(api):
    send(api.qlvb_token, batch(row()))
    page = signed_in(api.binh.user).get("/month/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "QLVB" in html and "123/UBND-VP" in html
    sent = item(api, A)
    done = next(f for f in page.context["item_forms"] if f.item.pk == sent.pk)["done"]
    assert done.field.disabled
    other = next(f for f in page.context["item_forms"] if f.item.pk != sent.pk)["done"]
    assert not other.field.disabled
