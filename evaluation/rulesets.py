"""The adapter between stored rule sets and the engine's `evaluation.rules.RuleSet`.

Rule-set rows come from the database or from the shipped fixture file; both go through
`rule_set_from_rows`, so the two paths cannot diverge. Each evaluation stores
`snapshot(rule_set)`, which `rule_set_from_snapshot` turns back into the same rule set.
"""

from __future__ import annotations

import dataclasses
import functools
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import models as db_models

from evaluation import models
from evaluation.rules import LEVELS, Criterion, RuleSet, RuleSetError

SHIPPED_FIXTURE = (
    Path(__file__).resolve().parent.parent / "fixtures" / "reference" / "rulesets.json"
)
"""The rule sets the product ships (nd335, hn3814), in Django fixture format."""

SNAPSHOT_FORMAT = 1

CRITERION_COLUMNS = ("order", "group", "code", "name", "max_points")
INCOME_COLUMNS = ("level", "coefficient")
_LIST_COLUMNS = ("annual_quota_base_levels", "discipline_forms")
_NOT_COLUMNS = ("general_criteria", "level_labels", "income_coefficients")


def _cleaned(row: dict, name: str, model: type[db_models.Model], where: str):
    """The value of column `name`, checked and converted by the model field's own rules."""
    if name not in row:
        raise RuleSetError(f"{where}{name}: missing")
    value = row[name]
    if isinstance(value, float):
        raise RuleSetError(f"{where}{name}: write decimals as strings, not floating point")
    field = model._meta.get_field(name)
    try:
        value = field.clean(value, None)
    except ValidationError as error:
        raise RuleSetError(f"{where}{name}: {' '.join(error.messages)}") from error
    if isinstance(field, db_models.DecimalField) and value is not None:
        value = value.quantize(Decimal(1).scaleb(-field.decimal_places))
    return value


def rule_set_from_rows(row: dict, criteria: list[dict], income: list[dict] = ()) -> RuleSet:
    """Build and validate the engine's rule set from a rule-set row, its criterion rows
    and its income-coefficient rows (none: the rule set has no income table).

    `row` has the `evaluation.models.RuleSet` columns (extra keys are ignored), each
    criterion the `CRITERION_COLUMNS`, each income row the `INCOME_COLUMNS`; criteria may
    come in any order. Raises RuleSetError naming the field when a value is missing,
    malformed or inconsistent.
    """
    values = {}
    for field in dataclasses.fields(RuleSet):
        if field.name in _NOT_COLUMNS:
            continue
        value = _cleaned(row, field.name, models.RuleSet, "")
        values[field.name] = tuple(value.split(",")) if field.name in _LIST_COLUMNS else value
    values["level_labels"] = {
        level: _cleaned(row, f"label_{level}", models.RuleSet, "") for level in LEVELS
    }
    cleaned = []
    for index, criterion in enumerate(criteria):
        where = f"general_criteria[{index}]."
        cleaned.append(
            {
                name: _cleaned(criterion, name, models.GeneralCriterion, where)
                for name in CRITERION_COLUMNS
            }
        )
    orders = [c["order"] for c in cleaned]
    if len(set(orders)) != len(orders):
        raise RuleSetError(f"general_criteria: order repeated in {sorted(orders)}")
    coefficients = {}
    for index, line in enumerate(income):
        where = f"income_coefficients[{index}]."
        level = _cleaned(line, "level", models.IncomeCoefficient, where)
        if level in coefficients:
            raise RuleSetError(f"{where}level: {level} repeated")
        coefficients[level] = _cleaned(line, "coefficient", models.IncomeCoefficient, where)
    values["income_coefficients"] = coefficients
    rule_set = RuleSet(
        general_criteria=tuple(
            Criterion(code=c["code"], name=c["name"], group=c["group"], max_points=c["max_points"])
            for c in sorted(cleaned, key=lambda c: c["order"])
        ),
        **values,
    )
    rule_set.validate()
    return rule_set


def rule_set_for(code: str, on: date) -> RuleSet:
    """The version of rule set `code` in effect on `on` (latest `effective_from` <= on).

    Three queries (row, criteria, income table). Raises LookupError naming the code when
    no version applies.
    """
    row = (
        models.RuleSet.objects.filter(code=code, effective_from__lte=on)
        .order_by("-effective_from")
        .values()
        .first()
    )
    if row is None:
        known = sorted(set(models.RuleSet.objects.values_list("code", flat=True)))
        if code in known:
            raise LookupError(f"rule set {code!r} has no version in effect on {on.isoformat()}")
        raise LookupError(f"unknown rule set {code!r}; known: {', '.join(known) or 'none'}")
    criteria = models.GeneralCriterion.objects.filter(rule_set_id=row["id"]).values(
        *CRITERION_COLUMNS
    )
    income = models.IncomeCoefficient.objects.filter(rule_set_id=row["id"]).values(*INCOME_COLUMNS)
    return rule_set_from_rows(row, list(criteria), list(income))


@functools.cache
def _shipped() -> dict[str, list[tuple[date, RuleSet]]]:
    """Every version in the shipped fixture by code, oldest first; read once per process."""
    objects = json.loads(SHIPPED_FIXTURE.read_text(encoding="utf-8"))
    criteria, income = defaultdict(list), defaultdict(list)
    for obj in objects:
        if obj["model"] == "evaluation.generalcriterion":
            criteria[obj["fields"]["rule_set"]].append(obj["fields"])
        elif obj["model"] == "evaluation.incomecoefficient":
            income[obj["fields"]["rule_set"]].append(obj["fields"])
    versions = defaultdict(list)
    for obj in objects:
        if obj["model"] == "evaluation.ruleset":
            row = obj["fields"]
            rule_set = rule_set_from_rows(row, criteria[obj["pk"]], income[obj["pk"]])
            versions[row["code"]].append((date.fromisoformat(row["effective_from"]), rule_set))
    return {code: sorted(found, key=lambda pair: pair[0]) for code, found in versions.items()}


def shipped_rule_set(code: str, on: date | None = None) -> RuleSet:
    """A shipped rule set read from the fixture file, without any database access.

    With `on`, the version in effect that day; without, the latest version. Raises
    LookupError listing the shipped codes for an unknown code, or naming the date when
    no version of the code is in effect yet.
    """
    shipped = _shipped()
    if code not in shipped:
        raise LookupError(f"unknown rule set {code!r}; shipped: {', '.join(sorted(shipped))}")
    versions = shipped[code] if on is None else [v for v in shipped[code] if v[0] <= on]
    if not versions:
        first = shipped[code][0][0].isoformat()
        raise LookupError(
            f"rule set {code!r} has no version in effect on {on.isoformat()} "
            f"(the first is in effect from {first})"
        )
    return versions[-1][1]


def _to_json(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Criterion):
        return {f.name: _to_json(getattr(value, f.name)) for f in dataclasses.fields(Criterion)}
    if isinstance(value, tuple):
        return [_to_json(item) for item in value]
    if isinstance(value, dict):
        return {key: _to_json(item) for key, item in value.items()}
    return value


def snapshot(rule_set: RuleSet) -> dict:
    """A JSON-serialisable copy of `rule_set` (Decimals as strings) for an evaluation to keep."""
    data = {"format": SNAPSHOT_FORMAT}
    for field in dataclasses.fields(RuleSet):
        data[field.name] = _to_json(getattr(rule_set, field.name))
    return data


def _decimal(value, name: str) -> Decimal:
    if not isinstance(value, str):
        raise RuleSetError(f"{name}: a decimal written as a string, got {value!r}")
    try:
        number = Decimal(value)
    except InvalidOperation as error:
        raise RuleSetError(f"{name}: not a decimal: {value!r}") from error
    if not number.is_finite():
        raise RuleSetError(f"{name}: not a finite decimal: {value!r}")
    return number


def _exact(kind: type, value, name: str):
    if type(value) is not kind:
        raise RuleSetError(f"{name}: expected {kind.__name__}, got {value!r}")
    return value


def _criteria(value, name: str) -> tuple[Criterion, ...]:
    if not isinstance(value, list):
        raise RuleSetError(f"{name}: expected a list of criteria")
    built = []
    for index, item in enumerate(value):
        where = f"{name}[{index}]"
        if not isinstance(item, dict) or set(item) != {"code", "name", "group", "max_points"}:
            raise RuleSetError(f"{where}: expected code, name, group and max_points")
        built.append(
            Criterion(
                code=_exact(str, item["code"], f"{where}.code"),
                name=_exact(str, item["name"], f"{where}.name"),
                group=_exact(str, item["group"], f"{where}.group"),
                max_points=_decimal(item["max_points"], f"{where}.max_points"),
            )
        )
    return tuple(built)


def _strings(value, name: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise RuleSetError(f"{name}: expected a list of codes")
    return tuple(_exact(str, item, f"{name}[{index}]") for index, item in enumerate(value))


def _labels(value, name: str) -> dict[str, str]:
    if not isinstance(value, dict):
        raise RuleSetError(f"{name}: expected an object of level labels")
    return {key: _exact(str, label, f"{name}.{key}") for key, label in value.items()}


def _coefficients(value, name: str) -> dict[str, Decimal]:
    if not isinstance(value, dict):
        raise RuleSetError(f"{name}: expected an object of level coefficients")
    return {
        _exact(str, key, f"{name}.{key}"): _decimal(item, f"{name}.{key}")
        for key, item in value.items()
    }


_FROM_JSON = {
    "str": lambda value, name: _exact(str, value, name),
    "int": lambda value, name: _exact(int, value, name),
    "bool": lambda value, name: _exact(bool, value, name),
    "Decimal": _decimal,
    "Decimal | None": lambda value, name: None if value is None else _decimal(value, name),
    "tuple[Criterion, ...]": _criteria,
    "tuple[str, ...]": _strings,
    "dict[str, str]": _labels,
    "dict[str, Decimal]": _coefficients,
}
"""How each annotation of `RuleSet` is read back; a field of a new type fails loudly."""


def rule_set_from_snapshot(data: dict) -> RuleSet:
    """The rule set `snapshot` stored, exactly as it was (not re-validated against today's rules).

    A field absent from an older snapshot takes the engine's default; an unknown key or a
    malformed value raises RuleSetError naming it.
    """
    if data.get("format") != SNAPSHOT_FORMAT:
        raise RuleSetError(f"format: unsupported snapshot format {data.get('format')!r}")
    fields = {field.name: field for field in dataclasses.fields(RuleSet)}
    unknown = sorted(set(data) - set(fields) - {"format"})
    if unknown:
        raise RuleSetError(f"{unknown[0]}: not a rule-set field")
    missing = sorted(
        name
        for name, field in fields.items()
        if name not in data
        and field.default is dataclasses.MISSING
        and field.default_factory is dataclasses.MISSING
    )
    if missing:
        raise RuleSetError(f"{missing[0]}: missing from the snapshot")
    return RuleSet(
        **{
            name: _FROM_JSON[fields[name].type](value, name)
            for name, value in data.items()
            if name != "format"
        }
    )
