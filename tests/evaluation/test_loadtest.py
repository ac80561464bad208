"""The load command: only loopback targets, bounded, nearest-rank percentiles."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from evaluation.management.commands.loadtest import _loopback, percentile


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://127.0.0.1:8000", True),
        ("http://localhost:8000", True),
        ("http://[::1]:8000", True),
        ("http://10.0.0.5:8000", False),
        ("http://203.0.113.9", False),
        ("http://", False),
    ],
)
def test_it_only_targets_loopback(url, allowed):
    assert _loopback(url) is allowed


def test_it_refuses_a_remote_server_before_anything_else():
    with pytest.raises(CommandError, match="loopback"):
        call_command("loadtest", url="http://203.0.113.9:80")


@pytest.mark.parametrize("clients", [0, 101])
def test_it_refuses_unbounded_runs(clients):
    with pytest.raises(CommandError, match="clients"):
        call_command("loadtest", clients=clients)


def test_percentiles_are_nearest_rank():
    values = [float(n) for n in range(1, 101)]
    assert percentile(values, 0.95) == 95.0
    assert percentile(values, 0.5) == 50.0
    assert percentile([3.0], 0.95) == 3.0
    assert percentile([5.0, 1.0], 0.95) == 5.0
