"""Load a running server (loopback only) with a generated province's logins, and print
p50/p95 of the employee month and the head's scoring page.

    manage.py generate_province --people 5000
    gunicorn hrsystem.wsgi -w 2 -b 127.0.0.1:8000 &
    manage.py loadtest --url http://127.0.0.1:8000 --clients 20 --seconds 30

(the command and the server on the same DATABASE_URL: it reads the logins from it).

Each client is a thread with its own session: it signs in as one of the province's
unit heads (`province.PASSWORD`), then alternates the head's month page (`/month/`,
the employee month: every head is an employee of the period) and the head's scoring
page for their own unit, for `--seconds` or `--requests` pages, whichever ends first.
Bounded by design: at most 100 clients, 10 minutes and 100,000 requests, and only
to a loopback address, so it cannot be pointed at somebody else's server.
"""

from __future__ import annotations

import http.cookiejar
import ipaddress
import math
import re
import socket
import statistics
import threading
import time
import urllib.parse
import urllib.request

from django.core.management.base import BaseCommand, CommandError
from django.urls import reverse

from evaluation import province
from evaluation.models import Period
from hrsystem.models import Organisation, Post, PostKind

MAX_CLIENTS = 100
MAX_SECONDS = 600
MAX_REQUESTS = 100_000


def _loopback(url: str) -> bool:
    host = urllib.parse.urlsplit(url).hostname or ""
    try:
        addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    except socket.gaierror:
        return False
    return bool(addresses) and all(ipaddress.ip_address(a).is_loopback for a in addresses)


def percentile(values: list[float], share: float) -> float:
    """The nearest-rank percentile (`share` in 0–1) of `values`."""
    ordered = sorted(values)
    rank = max(1, min(len(ordered), math.ceil(share * len(ordered))))
    return ordered[rank - 1]


class Client:
    """One signed-in browser: cookies, the CSRF token, timed GETs."""

    def __init__(self, base: str):
        self.base = base.rstrip("/")
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def _open(self, path: str, data: dict | None = None):
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        request = urllib.request.Request(self.base + path, data=body)
        request.add_header("Referer", self.base + path)
        return self.opener.open(request, timeout=120)

    def login(self, username: str, password: str) -> None:
        path = reverse("login")
        page = self._open(path).read().decode()
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if token is None:
            raise CommandError("no CSRF token on the sign-in page")
        data = {"csrfmiddlewaretoken": token.group(1), "username": username}
        data["password"] = password
        response = self._open(path, data)
        if reverse("login") in response.geturl():
            raise CommandError(f"{username} could not sign in")

    def timed_get(self, path: str) -> float:
        started = time.perf_counter()
        with self._open(path) as response:
            response.read()
            if response.status != 200:
                raise CommandError(f"{path}: HTTP {response.status}")
        return time.perf_counter() - started


class Command(BaseCommand):
    help = "p50/p95 of the employee month and the head's scoring page under concurrent load."

    def add_arguments(self, parser):
        parser.add_argument("--url", default="http://127.0.0.1:8000")
        parser.add_argument("--clients", type=int, default=20)
        parser.add_argument("--seconds", type=int, default=30)
        parser.add_argument("--requests", type=int, default=2_000, help="in all, at most")
        parser.add_argument(
            "--code", default="", help="the province's agency code (default: latest PROV-)"
        )

    def handle(self, *args, url, clients, seconds, requests, code, **options):
        if not _loopback(url):
            raise CommandError("the load test only runs against a loopback address")
        if not 1 <= clients <= MAX_CLIENTS or not 1 <= seconds <= MAX_SECONDS:
            raise CommandError(f"1–{MAX_CLIENTS} clients and 1–{MAX_SECONDS} seconds")
        requests = max(1, min(requests, MAX_REQUESTS))
        agencies = Organisation.objects.filter(code__startswith="PROV-")
        organisation = (agencies.filter(code=code) if code else agencies.order_by("-pk")).first()
        if organisation is None:
            raise CommandError("no generated province: run generate_province first")
        period = Period.objects.filter(organisation=organisation).order_by("-start").first()
        heads = list(
            Post.objects.filter(
                unit__organisation=organisation,
                kind=PostKind.HEAD,
                end=None,
                employee__user__isnull=False,
            )
            .exclude(unit__parent=None)
            .order_by("unit__path")
            .values_list("employee__user__username", "unit_id")[:clients]
        )
        if len(heads) < clients:
            raise CommandError(f"the province has only {len(heads)} unit heads with a login")
        pages = {
            "employee month": lambda unit: reverse("evaluation:my_month"),
            "head scoring page": lambda unit: (
                reverse("evaluation:scoring", args=[period.pk]) + f"?unit={unit}"
            ),
        }
        timings: dict[str, list[float]] = {name: [] for name in pages}
        failures: list[str] = []
        budget = threading.Semaphore(requests)
        lock = threading.Lock()
        deadline = time.monotonic() + seconds

        def run(username: str, unit: int) -> None:
            client = Client(url)
            try:
                client.login(username, province.PASSWORD)
                while time.monotonic() < deadline:
                    for name, path in pages.items():
                        if not budget.acquire(blocking=False):
                            return
                        elapsed = client.timed_get(path(unit))
                        with lock:
                            timings[name].append(elapsed)
            except Exception as error:  # noqa: BLE001 - a failed client is reported, not fatal
                with lock:
                    failures.append(f"{username}: {error}")

        threads = [threading.Thread(target=run, args=head) for head in heads]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        wall = time.perf_counter() - started
        self.stdout.write(
            f"{organisation.code}: {clients} clients, {wall:.1f} s, "
            f"{sum(len(t) for t in timings.values())} pages, {len(failures)} failed clients"
        )
        for failure in failures[:5]:
            self.stderr.write(failure)
        for name, values in timings.items():
            if not values:
                self.stdout.write(f"{name}: no request completed")
                continue
            self.stdout.write(
                f"{name}: n={len(values)} p50={statistics.median(values) * 1000:.0f} ms "
                f"p95={percentile(values, 0.95) * 1000:.0f} ms "
                f"max={max(values) * 1000:.0f} ms"
            )
