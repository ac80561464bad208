"""Every discipline list page runs the same number of queries with 3 rows of each kind as
with 30: nothing is fetched row by row."""

from datetime import date

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from discipline import services

from .conftest import TODAY

CAUSE = "Chờ ý kiến của cơ quan phối hợp."


def count_queries(client, url, params=None) -> int:
    client.get(url, params)  # warm per-process caches (content types, translations)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


class Ledger:
    """Adds rows of every kind to the agency, numbered on from what it already added."""

    def __init__(self, d, surprise):
        self.d, self.surprise, self.size = d, surprise, 0

    def grow(self, total: int) -> None:
        d = self.d
        items = ["khong_deo_the", "trang_phuc_khong_phu_hop", "hut_thuoc_noi_cong_so"]
        for number in range(self.size, total):
            employee = (d.an, d.binh, d.thu)[number % 3]
            violation = services.finding_record(
                inspection=self.surprise,
                item=d.item[items[number % 3]],
                employee=employee,
                note=f"Lần {number}",
                by=d.kiem.user,
            )
            if number % 2:
                services.violation_contest(violation=violation, reason="Sai", by=employee.user)
            dossier = services.dossier_record(
                unit=d.mc,
                code=f"HS-{number:03d}",
                citizen_name=f"Công dân {number}",
                officer=d.mot_cua,
                received_on=date(2026, 3, 2),
                due_on=date(2026, 3, 9),
                settled_on=date(2026, 3, 5 + number % 5),
            )
            if number % 3 == 0 and dossier.status == "late":
                services.apology_record(
                    cause=CAUSE,
                    signed_by=d.truong_tn,
                    dossier=dossier,
                    number=f"TXL-{number}",
                    sent_on=date(2026, 3, 10),
                )
            services.complaint_record(
                channel="hotline",
                received_on=date(2026, 3, 3),
                content=f"Phản ánh {number}",
                employee=employee,
            )
            services.suggestion_record(
                organisation=d.org, opened_on=date(2026, 3, 4), content=f"Góp ý {number}"
            )
            services.discipline_decide(
                employee=employee,
                number=f"{number}/QĐ",
                decided_on=date(2026, 3, 10),
                signer_name="Trần Văn Quang",
                signer_title="Chủ tịch",
                form=d.form["khien_trach"],
                legal_basis="Nghị định 112/2020/NĐ-CP",
                effect_from=date(2026, 3, 10),
            )
            services.survey_record(
                unit=(d.mc, d.tn, d.vp)[number % 3],
                year=2026,
                month=number % 12 + 1,
                period_label=f"Đợt {number}",
                source="internal",
                respondents=100,
                satisfied=80 + number % 20,
            )
            services.inspection_plan(
                organisation=d.org,
                title=f"Kiểm tra {number}",
                kind="regular",
                planned_on=TODAY,
                scope=[d.vp, d.tn],
                head=d.truong_nv,
                members=[d.kiem],
            )
        services.commitments_issue_year(
            organisation=d.org, year=2026, template=f"Cam kết {total}", on=TODAY
        )
        self.size = total


PAGES = [
    ("my_violations", "an", {}),
    ("violation_list", "kiem", {}),
    ("violation_list", "truong_tn", {"month": "2026-03", "status": "contested"}),
    ("inspection_list", "kiem", {}),
    ("contested_list", "truong_nv", {}),
    ("decision_list", "to_chuc", {"year": 2026}),
    ("desk", "mot_cua", {"month": "2026-03"}),
    ("timeliness", "mot_cua", {"month": "2026-03"}),
    ("complaint_list", "kiem", {}),
    ("suggestion_list", "mot_cua", {}),
    ("survey_dashboard", "to_chuc", {"year": 2026}),
    ("commitment_board", "to_chuc", {"year": 2026}),
    ("report_dashboard", "to_chuc", {"year": 2026, "month": "2026-03"}),
]


def test_list_pages_cost_the_same_at_two_sizes(d, surprise, client):
    ledger = Ledger(d, surprise)
    counts = {}
    for size in (3, 30):
        ledger.grow(size)
        for name, username, params in PAGES:
            client.force_login(getattr(d, username).user)
            url = reverse(f"discipline:{name}")
            counts.setdefault((name, username), []).append(count_queries(client, url, params))
    uneven = {page: pair for page, pair in counts.items() if pair[0] != pair[1]}
    assert not uneven, uneven
    assert all(pair[0] <= 20 for pair in counts.values()), counts


def test_a_violations_history_names_its_people_without_a_query_each(d, surprise, client):
    violation = services.finding_record(
        inspection=surprise, item=d.item["khong_deo_the"], employee=d.an, by=d.kiem.user
    )
    client.force_login(d.truong_tn.user)
    url = reverse("discipline:violation_detail", args=[violation.pk])
    one_row = count_queries(client, url)
    services.violation_contest(violation=violation, reason="Không đúng", by=d.an.user)
    services.violation_decide(
        violation=violation, uphold=True, reason="Đúng quy định", by=d.truong_nv.user
    )
    assert count_queries(client, url) == one_row
