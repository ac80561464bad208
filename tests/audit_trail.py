"""Audit completeness: every write service of a package, performed on a cast, leaves a
history row naming the acting user (and the reason, where the service asks for one).

Each app's test lists, per public function of its `services` package, either a step
that performs it or a justified exclusion; `assert_every_service_listed` fails on a
function in neither list, so a new service cannot ship without its audit check.
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

from django.apps import apps
from django.db import models
from django.db.models import Max


def public_functions(package) -> set[str]:
    """The functions a services package exports (its `__all__`)."""
    return {name for name in package.__all__ if inspect.isfunction(getattr(package, name))}


@dataclass
class Step:
    """One service call: `call()` returns the row(s) it wrote; `by` must be their latest
    history row's user, and that row must keep `reason` (when the service asks for one)."""

    service: str
    call: Callable[[], object]
    by: object
    reason: str | None = None


def _rows(result) -> list[models.Model]:
    if isinstance(result, models.Model):
        return [result]
    return [row for row in result if isinstance(row, models.Model)]


def _history_models() -> list[type[models.Model]]:
    return [model for model in apps.get_models() if model.__name__.startswith("Historical")]


def _last_ids() -> dict[type[models.Model], int]:
    """The latest history id of every audited model: what a step writes comes after."""
    return {
        model: model.objects.aggregate(last=Max("history_id"))["last"] or 0
        for model in _history_models()
    }


def _names(record, reason: str) -> bool:
    """Whether the history row keeps `reason`: as its change reason or in the row's own
    reason field (a contest's, an excuse's), snapshotted with it."""
    values = [record.history_change_reason, *vars(record).values()]
    return any(isinstance(value, str) and reason in value for value in values)


def problems(steps: list[Step]) -> list[str]:
    """Run the steps in order; what is missing from the audit trail each one wrote (a
    history row of every row it returns, by its user, keeping its reason)."""
    found = []
    for step in steps:
        before = _last_ids()
        rows = _rows(step.call())
        if not rows:
            found.append(f"{step.service}: wrote no row to check")
        for row in rows:
            label = f"{step.service} → {row._meta.label} {row.pk}"
            if not hasattr(type(row), "history"):
                found.append(f"{label}: the model keeps no history")
                continue
            written = [
                record
                for record in row.history.filter(history_id__gt=before[row.history.model])
                if record.history_user_id == step.by.pk
            ]
            if not written:
                found.append(f"{label}: no history row by {step.by}")
            elif step.reason and not any(_names(record, step.reason) for record in written):
                found.append(f"{label}: its history row does not keep the reason {step.reason!r}")
    return found


def assert_every_service_listed(package, performed: set[str], excluded: dict[str, str]) -> None:
    """Every public function of `package` is performed by a step or excluded with a why."""
    functions = public_functions(package)
    missing = functions - performed - set(excluded)
    assert not missing, f"services without an audit check or a justified exclusion: {missing}"
    assert not (performed & set(excluded)), "a service is both performed and excluded"
    assert all(why.strip() for why in excluded.values())
    assert not (performed | set(excluded)) - functions, "a listed service no longer exists"
