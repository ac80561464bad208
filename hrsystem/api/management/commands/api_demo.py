"""`manage.py api_demo`: a token for the demo agency's document-management system, and the
calls an integrator makes with it (printed as curl, or sent to a running demo with --url)."""

import json
import uuid
from datetime import date
from urllib import request as urlrequest

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from discipline.models import DossierMonthlyCount
from evaluation.models import PeriodState, WorkItem
from hrsystem import selectors
from hrsystem.demo import CODE
from hrsystem.models import Assignment, Organisation

from ... import services
from ...models import ApiClient, Scope

CLIENT_NAME = "Hệ thống quản lý văn bản (mẫu)"


def _token(organisation) -> str:
    """A new token of the demo client, registering the client on first use (by the HR officer)."""
    hr = get_user_model().objects.get(username="to_chuc")
    client = ApiClient.objects.filter(organisation=organisation, name=CLIENT_NAME).first()
    if client is None:
        return services.api_client_register(
            organisation=organisation, name=CLIENT_NAME, scopes=list(Scope.values), by=hr
        )[1]
    return services.api_token_issue(client=client, by=hr)[1]


def _month_batch(organisation) -> dict:
    """Done quantities for up to 20 draft work items of the agency's open month."""
    items = list(
        WorkItem.objects.filter(
            evaluation__period__organisation=organisation,
            evaluation__period__state__in=[PeriodState.OPEN, PeriodState.SELF_ASSESSMENT],
            evaluation__is_current=True,
            evaluation__state="draft",
        )
        .select_related("evaluation__employee", "evaluation__period")
        .order_by("evaluation__period__year", "evaluation__period__number", "id")[:20]
    )
    if not items:
        raise CommandError("Cơ quan mẫu chưa có kỳ đang mở: chạy ./run demo trước.")
    period = items[0].evaluation.period
    return {
        "system": "QLVB",
        "year": period.year,
        "month": period.number,
        "items": [
            {
                "employee": item.evaluation.employee.code,
                "item": item.name,
                "done": str(item.planned),
                "reference": f"{100 + index}/UBND-VP",
            }
            for index, item in enumerate(items)
            if item.evaluation.period_id == period.pk
        ],
    }


def _counts_batch(organisation, year: int, month: int) -> dict | None:
    """The month's dossier counts of the units that report counts only (those with counts
    of an earlier month), each with a person of the unit as its reporting officer; None
    when no unit reports counts."""
    earlier = (
        DossierMonthlyCount.objects.filter(organisation=organisation)
        .exclude(year=year, month=month)
        .order_by("unit__code", "-year", "-month")
        .select_related("unit")
    )
    last = {}
    for row in earlier:
        last.setdefault(row.unit.code, row)
    placed = {
        a.unit_id: a.employee.code
        for a in Assignment.objects.filter(
            selectors.active_on(date(year, month, 1)),
            unit__in=[row.unit_id for row in last.values()],
        )
        .select_related("employee")
        .order_by("unit_id", "-employee__code")
    }
    items = [
        {"unit": code, "officer": placed[row.unit_id], "on_time": row.on_time, "late": row.late}
        for code, row in last.items()
        if row.unit_id in placed
    ]
    if not items:
        return None
    return {"organisation": organisation.code, "year": year, "month": month, "items": items}


def _send(url: str, token: str, method: str, body: dict | None = None) -> dict:
    headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        headers |= {"Content-Type": "application/json", "Idempotency-Key": str(uuid.uuid4())}
    call = urlrequest.Request(url, data=data, headers=headers, method=method)
    with urlrequest.urlopen(call, timeout=30) as answer:
        return json.loads(answer.read())


class Command(BaseCommand):
    help = (
        "Issue a token for the demo agency's document-management system, then print the "
        "curl calls that send a month of done work (and the dossier counts of the units "
        "that report counts) and read results back; with --url, "
        "send them to that running demo and print the answers."
    )

    def add_arguments(self, parser):
        parser.add_argument("--url", help="a running demo, e.g. http://127.0.0.1:8000")

    def handle(self, *args, **options):
        organisation = Organisation.objects.filter(code=CODE).first()
        if organisation is None:
            raise CommandError("Chưa có cơ quan mẫu: chạy ./run demo trước.")
        token, batch = _token(organisation), _month_batch(organisation)
        counts = _counts_batch(organisation, batch["year"], batch["month"])
        base = (options["url"] or "http://127.0.0.1:8000").rstrip("/")
        self.stdout.write(f"Khoá truy cập (chỉ hiện một lần): {token}")
        if not options["url"]:
            post = (
                f'curl -H "Authorization: Bearer {token}" -H "Content-Type: application/json" '
                f'-H "Idempotency-Key: $(uuidgen)"'
            )
            self.stdout.write(
                f'curl -H "Authorization: Bearer {token}" {base}/api/v1/periods/\n'
                f"{post} -d '{json.dumps(batch, ensure_ascii=False)}' {base}/api/v1/work-items/"
            )
            if counts is not None:
                self.stdout.write(
                    f"{post} -d '{json.dumps(counts, ensure_ascii=False)}' "
                    f"{base}/api/v1/dossier-counts/"
                )
            self.stdout.write(
                f'curl -H "Authorization: Bearer {token}" '
                f'"{base}/api/v1/results/?year={batch["year"]}"'
            )
            return
        received = _send(f"{base}/api/v1/work-items/", token, "POST", batch)
        self.stdout.write(f"Đã gửi {received['received']} dòng khối lượng tháng {batch['month']}.")
        if counts is not None:
            received = _send(f"{base}/api/v1/dossier-counts/", token, "POST", counts)
            self.stdout.write(f"Đã gửi số liệu hồ sơ của {received['received']} đơn vị.")
        results = _send(f"{base}/api/v1/results/?year={batch['year']}", token, "GET")
        self.stdout.write(f"Kết quả đã công bố năm {batch['year']}: {results['count']} phiếu.")
        for row in results["results"][:5]:
            self.stdout.write(f"  {row['full_name']}: {row['total']} — {row['level']}")
