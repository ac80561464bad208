"""The settings helpers fail loudly on malformed environment values."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
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


def _start(env: dict) -> subprocess.CompletedProcess:
    """Run `manage.py check` in a fresh interpreter with `env` added to a clean environment."""
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/tmp")}
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "ERROR"],
        cwd=settings.BASE_DIR,
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_it_refuses_production_without_a_real_secret_key():
    result = _start({"DJANGO_ENV": "production", "ALLOWED_HOSTS": "danhgia.gov.vn"})
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_it_starts_in_production_with_its_settings(tmp_path):
    result = _start(
        {
            "DJANGO_ENV": "production",
            "SECRET_KEY": "x" * 50,
            "ALLOWED_HOSTS": "danhgia.gov.vn",
            "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        }
    )
    assert result.returncode == 0, result.stderr


def test_it_refuses_a_malformed_debug_value():
    result = _start({"DEBUG": "maybe"})
    assert result.returncode != 0
    assert "DEBUG='maybe'" in result.stderr
