"""The settings helpers fail loudly on malformed environment values."""

import pytest
from django.core.exceptions import ImproperlyConfigured

from hrsystem.settings import envbool, envint, envlist


def test_it_reads_booleans(monkeypatch):
    monkeypatch.setenv("FLAG", "Yes")
    assert envbool("FLAG", False) is True
    monkeypatch.setenv("FLAG", "off")
    assert envbool("FLAG", True) is False


def test_it_refuses_a_malformed_boolean(monkeypatch):
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG"):
        envbool("FLAG", False)


def test_it_refuses_a_malformed_integer(monkeypatch):
    monkeypatch.setenv("COUNT", "ten")
    with pytest.raises(ImproperlyConfigured, match="COUNT"):
        envint("COUNT", 1)
    monkeypatch.setenv("COUNT", "12")
    assert envint("COUNT", 1) == 12


def test_it_splits_lists(monkeypatch):
    monkeypatch.setenv("HOSTS", "a.gov.vn, b.gov.vn,,")
    assert envlist("HOSTS", []) == ["a.gov.vn", "b.gov.vn"]
    monkeypatch.delenv("HOSTS")
    assert envlist("HOSTS", ["x"]) == ["x"]
