"""Fixtures of the organisation tests; the cast itself is described in `tests.hrsystem.cast`."""

from types import SimpleNamespace

import pytest

from tests.hrsystem.cast import build_cast


@pytest.fixture
def cast(db) -> SimpleNamespace:
    return build_cast()
