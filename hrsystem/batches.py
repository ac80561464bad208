"""Batches of rows written all or none, every bad row reported by row and field."""

from collections.abc import Callable, Iterable

from django.core.exceptions import ValidationError


def run_rows(rows: Iterable, handle: Callable, *, name: str = "items") -> list:
    """`handle(row)` for every row, collecting every row's ValidationError instead of
    stopping at the first; returns the handled results when no row failed.

    Errors are re-raised together as one ValidationError whose keys name the row and the
    field (`items[3].done`; `items[3]` for a whole-row error). Call it inside the
    caller's transaction and write only after it returns, so a bad row writes nothing.
    """
    results, errors = [], {}
    for index, row in enumerate(rows):
        try:
            results.append(handle(row))
        except ValidationError as error:
            messages = error.message_dict if hasattr(error, "error_dict") else {"": error.messages}
            for field, texts in messages.items():
                where = (
                    f"{name}[{index}].{field}"
                    if field and field != "__all__"
                    else f"{name}[{index}]"
                )
                errors.setdefault(where, []).extend(texts)
    if errors:
        raise ValidationError(errors)
    return results
