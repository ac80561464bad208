"""Rule-set versions: a new editable version, and the lock a period puts on one."""

from __future__ import annotations

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from evaluation import models
from evaluation.rules import RuleSetError
from evaluation.rulesets import CRITERION_COLUMNS, INCOME_COLUMNS, rule_set_from_rows
from hrsystem import permissions
from hrsystem.service_checks import save


def _may_manage_rule_sets(by) -> None:
    if not permissions.can_manage_rule_sets(by):
        raise PermissionDenied(_("Bạn không có quyền quản lý bộ quy tắc chấm điểm."))


@transaction.atomic
def rule_set_new_version(*, rule_set: models.RuleSet, effective_from: date, by) -> models.RuleSet:
    """Clone `rule_set`, its criteria and income coefficients into the next, unlocked
    version of its code.

    The new version is in effect from `effective_from`, which must be later than that of
    every existing version of the code. Raises PermissionDenied when `by` may not manage
    rule sets, ValidationError on `effective_from` otherwise.
    """
    _may_manage_rule_sets(by)
    versions = list(
        models.RuleSet.objects.select_for_update().filter(code=rule_set.code).order_by("version")
    )
    source = next(v for v in versions if v.pk == rule_set.pk)
    latest_from = max(v.effective_from for v in versions)
    if effective_from <= latest_from:
        raise ValidationError(
            {
                "effective_from": _(
                    "Phiên bản mới phải áp dụng sau ngày %(date)s (ngày áp dụng của phiên bản "
                    "gần nhất của %(code)s)."
                )
                % {"date": latest_from.strftime("%d/%m/%Y"), "code": rule_set.code}
            }
        )
    criteria = list(source.criteria.order_by("order"))
    income = list(source.income_coefficients.all())
    clone = source
    clone.pk = None
    clone._state.adding = True
    clone.version = versions[-1].version + 1
    clone.effective_from = effective_from
    clone.is_locked = False
    clone._history_user = by
    clone.save()
    for line in [*criteria, *income]:
        line.pk = None
        line._state.adding = True
        line.rule_set = clone
        line._history_user = by
        line.save()
    return clone


@transaction.atomic
def rule_set_lock(*, rule_set: models.RuleSet, by) -> models.RuleSet:
    """Lock `rule_set` for good (a period now uses it); locking a locked one is a no-op.

    Raises PermissionDenied when `by` may not manage rule sets; refuses, with
    ValidationError naming the field, a rule set the engine would reject.
    """
    _may_manage_rule_sets(by)
    row = models.RuleSet.objects.select_for_update().get(pk=rule_set.pk)
    if row.is_locked:
        return row
    values = models.RuleSet.objects.filter(pk=row.pk).values().get()
    criteria = list(row.criteria.values(*CRITERION_COLUMNS))
    income = list(row.income_coefficients.values(*INCOME_COLUMNS))
    try:
        rule_set_from_rows(values, criteria, income)
    except RuleSetError as error:
        raise ValidationError(str(error)) from error
    row.is_locked = True
    save(row, by, update_fields=["is_locked"])
    return row
