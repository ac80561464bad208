"""An upheld appeal corrects what it is about (issue 17, defect 8): the quantities done,
the days late and excused, the deductions of the month, not only the general criteria;
the person's unit is re-scored and the decision is signed by the decider's name."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from discipline.models import Violation, ViolationCatalogueItem, ViolationSource, ViolationStatus
from evaluation import services
from evaluation.models import Appeal, AppealState, Evaluation
from tests.evaluation.test_views_pages import evaluation_of, open_month
from tests.evaluation.test_views_workflow import published
from tests.shared import shared_cast

pytestmark = pytest.mark.django_db


@shared_cast("month")
def month(agency):
    return open_month(agency)


def _violation(cast, username, points="2"):
    item = ViolationCatalogueItem.objects.create(
        code="test_total",
        description="Đi muộn không lý do",
        legal_basis="Quy chế thử nghiệm",
        default_points=Decimal(points),
        effective_from=cast.period.start,
    )
    employee = cast.employees[username]
    return Violation.objects.create(
        organisation=cast.organisation,
        unit=evaluation_of(cast, username).unit,
        employee=employee,
        item=item,
        occurred_on=cast.period.start,
        points=Decimal(points),
        legal_basis=item.legal_basis,
        source=ViolationSource.CONDUCT,
        contest_deadline=cast.period.start,
    )


def _appeal(cast, username="thu"):
    evaluation = evaluation_of(cast, username)
    return services.appeal_file(
        evaluation=evaluation, reason="Khối lượng tôi làm bị ghi thiếu", by=cast.users[username]
    )


def _form(evaluation, **changes):
    """The decision page's post: upheld, every value as stored, then `changes`."""
    prefix = f"r{evaluation.pk}"
    data = {"decision": "upheld", "reason": "Đã đối chiếu sổ theo dõi", f"{prefix}-revision": 0}
    for score in evaluation.criterion_scores.all():
        data[f"{prefix}-c{score.criterion_index}"] = str(score.final)
    for item in evaluation.work_items.all():
        data[f"{prefix}-i{item.pk}_done"] = str(item.done or 0)
        data[f"{prefix}-i{item.pk}_errors"] = item.major_errors
        data[f"{prefix}-i{item.pk}_late"] = item.late
        data[f"{prefix}-i{item.pk}_excused"] = item.late_excused
        data[f"{prefix}-i{item.pk}_reason"] = item.excuse_reason
    data.update({f"{prefix}-{name}": value for name, value in changes.items()})
    return data


def test_the_decision_corrects_a_work_items_quantity_and_rescores(client, month):
    published(month)
    appeal = _appeal(month)
    old = evaluation_of(month, "thu")
    item = old.work_items.order_by("id").first()
    corrected = (item.planned or Decimal(1)) * 2
    client.force_login(month.users["quang"])
    url = reverse("evaluation:appeal_decide", args=[appeal.pk])
    page = client.get(url).content.decode()
    assert "Sản phẩm, công việc sau kiến nghị" in page
    response = client.post(url, _form(old, **{f"i{item.pk}_done": str(corrected)}))
    assert response.status_code == 302
    new = Evaluation.objects.get(period=month.period, employee=old.employee, is_current=True)
    row = new.work_items.get(name=item.name, standard_task=item.standard_task)
    assert row.done == corrected
    assert row.done_entered_by == month.users["quang"]
    assert new.quantity_pct > old.quantity_pct  # re-scored with the corrected quantity
    item.refresh_from_db()
    assert item.done != corrected  # the published version stays as it was


def test_the_decision_certifies_days_late_with_their_reason(client, month):
    published(month)
    appeal = _appeal(month)
    old = evaluation_of(month, "thu")
    item = old.work_items.order_by("id").first()
    client.force_login(month.users["quang"])
    url = reverse("evaluation:appeal_decide", args=[appeal.pk])
    data = _form(old, **{f"i{item.pk}_late": 3, f"i{item.pk}_excused": 2})
    response = client.post(url, data)
    assert response.status_code == 400  # excused days need their reason
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.PENDING
    data[f"r{old.pk}-i{item.pk}_reason"] = "Mất điện cả tuần"
    assert client.post(url, data).status_code == 302
    new = Evaluation.objects.get(period=month.period, employee=old.employee, is_current=True)
    row = new.work_items.order_by("id").first()
    assert (row.late, row.late_excused, row.excuse_reason) == (3, 2, "Mất điện cả tuần")
    assert row.excused_by == month.users["quang"]


def test_the_decision_annuls_a_deduction_of_the_month(client, month):
    violation = _violation(month, "thu")
    published(month)
    old = evaluation_of(month, "thu")
    assert old.deductions == Decimal(2)
    appeal = _appeal(month)
    client.force_login(month.users["quang"])
    url = reverse("evaluation:appeal_decide", args=[appeal.pk])
    assert "Đi muộn không lý do" in client.get(url).content.decode()
    assert client.post(url, _form(old, annul=[str(violation.pk)])).status_code == 302
    violation.refresh_from_db()
    assert violation.status == ViolationStatus.ANNULLED
    assert violation.decision_reason == "Đã đối chiếu sổ theo dõi"
    new = Evaluation.objects.get(period=month.period, employee=old.employee, is_current=True)
    assert not new.deductions
    assert new.total == old.total + Decimal(2)


def test_the_decision_refuses_a_deduction_of_someone_else(month):
    published(month)
    other = _violation(month, "anh")
    appeal = _appeal(month)
    with pytest.raises(ValidationError, match="không phải điểm trừ"):
        services.appeal_decide(
            appeal=appeal, upheld=True, reason="Sửa", by=month.users["quang"], annul=[other.pk]
        )
    other.refresh_from_db()
    assert other.status == ViolationStatus.RECORDED
    assert Appeal.objects.get(pk=appeal.pk).state == AppealState.PENDING


def test_the_decision_is_signed_by_the_deciders_name(client, month):
    published(month)
    appeal = _appeal(month)
    services.appeal_decide(
        appeal=appeal, upheld=False, reason="Khối lượng đã đúng", by=month.users["quang"]
    )
    client.force_login(month.users["thu"])
    thu = evaluation_of(month, "thu")
    page = client.get(reverse("evaluation:result_detail", args=[thu.pk])).content.decode()
    name = month.employees["quang"].full_name
    assert f"({name}," in page
    assert "(quang," not in page
