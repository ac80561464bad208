"""Fixtures of the organisation tests; the cast itself is described in `tests.hrsystem.cast`."""

from types import SimpleNamespace

from tests.hrsystem.cast import build_cast
from tests.shared import shared_cast


@shared_cast("cast")
def cast() -> SimpleNamespace:
    """The cast of tests.hrsystem.cast, built once per module; each test gets its own copy."""
    return build_cast()
