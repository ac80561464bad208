"""Done quantities sent by the agency's other systems (document management, one-stop)."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from evaluation import models
from hrsystem import batches, clock
from hrsystem.api.permissions import can_send_work_items
from hrsystem.service_checks import require, save

from .common import (
    EMPLOYEE_STATES,
    _bump,
    _change_reason,
    _decimal,
    _fail,
    _item_of,
    _locked_evaluation,
    _period_states,
    _scorer,
)


def _items_by_key(period: models.Period, codes: set[str]) -> dict[tuple[str, str], models.WorkItem]:
    """The period's current work items of the people coded `codes`, by (person code, product
    code) and (person code, item name); 1 query."""
    rows = (
        models.WorkItem.objects.select_for_update(of=("self",))
        .filter(
            evaluation__period=period,
            evaluation__is_current=True,
            evaluation__employee__code__in=codes,
        )
        .select_related("evaluation__employee", "work_product")
        .order_by("id")
    )
    found = {}
    for item in rows:
        code = item.evaluation.employee.code
        if item.work_product is not None:
            found.setdefault((code, item.work_product.code), item)
        found.setdefault((code, item.name), item)
    return found


def _receive(item: models.WorkItem | None, row: dict, system: str, received_at) -> None:
    if item is None:
        _fail(
            "item",
            _("Không có sản phẩm “%(item)s” của cán bộ %(code)s trong kỳ này.")
            % {"item": row["item"], "code": row["employee"]},
        )
    if item.evaluation.state != models.EvaluationState.DRAFT:
        _fail("employee", _("Phiếu của cán bộ này đã gửi tự đánh giá hoặc đã được chấm."))
    done = _decimal(row["done"], "done")
    if done < 0 or done != done.quantize(Decimal("0.01")):
        _fail("done", _("Khối lượng phải không âm, tối đa 2 chữ số thập phân."))
    item.done = item.source_quantity = done
    item.source_system = system
    item.source_reference = row.get("reference", "")
    item.source_received_at = received_at
    item.full_clean(exclude=["evaluation", "standard_task", "work_product"])


@transaction.atomic
def work_items_receive(
    *, period: models.Period, system: str, rows: list[dict], by
) -> list[models.WorkItem]:
    """Set the done quantities a source system sent for `period`, all rows or none.

    Each row names the person (`employee`: their code), the item (`item`: the work
    product's code or the item's name), `done` and the source document's `reference`.
    Only a client system of the period's agency with `work-items:write` may send; a row
    failing any check raises one ValidationError naming `items[<row>].<field>` for every
    bad row, and nothing is written.
    """
    require(can_send_work_items(by, period.organisation_id))
    period = models.Period.objects.select_for_update().get(pk=period.pk)
    _period_states(period, EMPLOYEE_STATES)
    items = _items_by_key(period, {str(row.get("employee", "")) for row in rows})
    received_at = clock.now()
    employees = {item.evaluation.employee.code for item in items.values()}

    def receive(row: dict) -> models.WorkItem:
        if row["employee"] not in employees:
            _fail(
                "employee",
                _("Không có cán bộ mã %(code)s được đánh giá trong kỳ này của cơ quan.")
                % {"code": row["employee"]},
            )
        item = items.get((row["employee"], row["item"]))
        _receive(item, row, system, received_at)
        return item

    received = batches.run_rows(rows, receive, name="items")
    for item in received:
        save(item, by)
    for evaluation in {item.evaluation_id: item.evaluation for item in received}.values():
        _bump(evaluation, by)
    return received


@transaction.atomic
def work_item_source_override(
    *, item: models.WorkItem, done, reason: str, revision: int, by
) -> models.WorkItem:
    """The scorer replaces a quantity a source system sent, with a reason: the audit trail
    keeps the reason and the item keeps what the system sent (`source_quantity`)."""
    item = _item_of(item)
    evaluation = _locked_evaluation(item.evaluation, revision)
    _scorer(by, evaluation)
    _period_states(evaluation.period, EMPLOYEE_STATES)
    if not item.source_system:
        _fail("item", _("Khối lượng này do người thực hiện kê khai, không phải do hệ thống gửi."))
    reason = (reason or "").strip()
    if not reason:
        _fail("reason", _("Ghi rõ lý do sửa khối lượng do hệ thống gửi."))
    value = _decimal(done, "done")
    if value < 0 or value != value.quantize(Decimal("0.01")):
        _fail("done", _("Khối lượng phải không âm, tối đa 2 chữ số thập phân."))
    item.done = value
    item.full_clean(exclude=["evaluation", "standard_task", "work_product"])
    item._change_reason = _change_reason(_("Sửa khối lượng do hệ thống gửi"), reason)
    save(item, by)
    _bump(evaluation, by)
    return item
