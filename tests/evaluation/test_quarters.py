"""Quarter and half-year results read from published months, their pages, the HR
officer's quarterly income list (page, Excel, PDF) and `manage.py show_results --quarter`.

The cast (`tests/hrsystem/cast.py`) evaluates 2026 by month under nd335, except:
- Q1 (January-March): published, the small agency;
- Q2 (April-June): under `nd335tn`, a copy of nd335 with an income table;
- Q3 (July-September): published after 30 more people joined TC (the large agency);
- Q4: under `nd335quy`, a quarterly copy of nd335: the period is the quarter.

Month results are written straight onto the rows (a fixture: the monthly scoring has
its own tests); reopening goes through the service, as an HR officer does it.
"""

from __future__ import annotations

import json
from datetime import date
from decimal import Decimal
from io import BytesIO, StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from evaluation import services
from evaluation.models import (
    Cadence,
    Evaluation,
    EvaluationState,
    IncomeCoefficient,
    Period,
    PeriodState,
    RuleSet,
    RuleSetLockedError,
    UnitPeriod,
)
from evaluation.quarters import HALF_YEAR, QUARTER, person_spans, quarter_rows, span_table
from evaluation.rulesets import rule_set_from_snapshot
from evaluation.scoring import level_for
from hrsystem.models import JobPosition, Role
from tests.factories import EmployeeFactory, PeriodFactory, RoleGrantFactory, UserFactory
from tests.hrsystem.cast import build_cast
from tests.shared import shared_cast

from .cycle import load_rule_sets

pytestmark = pytest.mark.django_db

D = Decimal
GROWTH = 30
DEFAULT_TOTAL = D(80)
INCOME = {"top": D("1.2"), "good": D("1.0"), "complete": D("0.8"), "fail": D("0")}


def copy_of_nd335(code: str, *, cadence=Cadence.MONTHLY, income=None) -> RuleSet:
    source = RuleSet.objects.get(code="nd335", version=1)
    criteria = list(source.criteria.all())
    source.pk, source._state.adding = None, True
    source.code, source.cadence, source.is_locked = code, cadence, False
    source.save()
    for criterion in criteria:
        criterion.pk, criterion._state.adding, criterion.rule_set = None, True, source
        criterion.save()
    for level, coefficient in (income or {}).items():
        IncomeCoefficient.objects.create(rule_set=source, level=level, coefficient=coefficient)
    return source


def open_period(c, number: int, rule_set=None) -> Period:
    return PeriodFactory(
        organisation=c.org, year=2026, number=number, by=c.to_chuc.user, rule_set=rule_set
    )


def publish(period: Period, totals: dict) -> Period:
    """Give everyone of the period `DEFAULT_TOTAL` (a person named in `totals` that total,
    None for not rated) and each unit the mean of its rated people, then publish it."""
    rules = rule_set_from_snapshot(period.rule_set_snapshot)
    for evaluation in Evaluation.objects.filter(period=period, is_current=True, not_rated=False):
        total = totals.get(evaluation.employee_id, DEFAULT_TOTAL)
        Evaluation.objects.filter(pk=evaluation.pk).update(
            total=total,
            score_level=level_for(rules, total) if total is not None else "",
            level=level_for(rules, total) if total is not None else "",
            not_rated=total is None,
            state=EvaluationState.PUBLISHED,
        )
    for unit_period in UnitPeriod.objects.filter(period=period):
        scores = list(
            Evaluation.objects.filter(
                period=period, unit=unit_period.unit_id, total__isnull=False
            ).values_list("total", flat=True)
        )
        score = (sum(scores, D(0)) / len(scores)).quantize(D("0.01")) if scores else None
        UnitPeriod.objects.filter(pk=unit_period.pk).update(
            score=score, level=level_for(rules, score) if score is not None else ""
        )
    Period.objects.filter(pk=period.pk).update(state=PeriodState.PUBLISHED)
    period.refresh_from_db()
    return period


@shared_cast("year")
def year_fixture():
    load_rule_sets()
    c = build_cast()
    c.months = {}
    # Q1: an 80, 90, 85 (three rated months); binh 70, not rated, 75 (two); cuong not rated
    q1 = {
        1: {c.an.pk: D(80), c.binh.pk: D(70), c.cuong.pk: None},
        2: {c.an.pk: D(90), c.binh.pk: None, c.cuong.pk: None},
        3: {c.an.pk: D(85), c.binh.pk: D(75), c.cuong.pk: None},
    }
    for month, totals in q1.items():
        c.months[month] = publish(open_period(c, month), totals)
    c.income_rules = copy_of_nd335("nd335tn", income=INCOME)
    for month, total in ((4, D(95)), (5, D(91)), (6, D("60"))):
        c.months[month] = publish(open_period(c, month, c.income_rules), {c.an.pk: total})
    position = JobPosition.objects.get(organisation=c.org, code="CV")
    c.grown = [
        EmployeeFactory(unit=c.tc, job_position=position, code=f"TN{n:03d}", start=date(2026, 6, 1))
        for n in range(GROWTH)
    ]
    for month in (7, 8):
        c.months[month] = publish(open_period(c, month), {c.an.pk: D(88)})
    c.months[9] = open_period(c, 9)  # September still being scored
    c.quarterly = open_period(c, 4, copy_of_nd335("nd335quy", cadence=Cadence.QUARTERLY))
    c.quarterly = publish(c.quarterly, {c.an.pk: D("72.5")})
    c.unit_hr = EmployeeFactory(unit=c.tc, job_position=position, code="TCHR")
    RoleGrantFactory(role=Role.HR_OFFICER, organisation=c.org, unit=c.tc, employee=c.unit_hr)
    return c


def row_of(table, employee):
    return next(row for row in table.people if row.key == employee.pk)


# --- the results, read from the published months ------------------------------------------


def test_the_quarter_is_the_mean_of_three_rated_months(year):
    table = span_table(organisation=year.org, year=2026, kind=QUARTER, number=1)
    an = row_of(table, year.an)
    assert (an.result.rated_months, an.result.score, an.result.level) == (3, D("85.00"), "good")
    assert [cell.total for cell in an.months] == [D(80), D(90), D(85)]
    assert table.provisional is False


def test_a_month_not_rated_is_left_out_of_the_mean(year):
    binh = row_of(span_table(organisation=year.org, year=2026, kind=QUARTER, number=1), year.binh)
    assert (binh.result.rated_months, binh.result.score) == (2, D("72.50"))
    assert [cell.counted for cell in binh.months] == [True, False, True]


def test_a_quarter_with_no_rated_month_has_no_result(year):
    cuong = row_of(span_table(organisation=year.org, year=2026, kind=QUARTER, number=1), year.cuong)
    assert (cuong.result.rated, cuong.result.score, cuong.result.level) == (False, None, None)


def test_a_quarter_with_a_month_unpublished_is_provisional_and_counts_only_the_published(year):
    table = span_table(organisation=year.org, year=2026, kind=QUARTER, number=3)
    assert table.provisional is True
    an = row_of(table, year.an)
    assert (an.result.rated_months, an.result.score) == (2, D("88.00"))
    assert [cell.period.published for cell in an.months] == [True, True, False]
    assert an.months[2].total is None  # September's score, not yet published, stays hidden


def test_the_half_year_is_the_mean_of_its_rated_months(year):
    table = span_table(organisation=year.org, year=2026, kind=HALF_YEAR, number=1)
    an = row_of(table, year.an)
    expected = (D(80) + D(90) + D(85) + D(95) + D(91) + D(60)) / 6
    assert an.result.score == expected.quantize(D("0.01"))
    assert an.result.rated_months == 6
    assert not table.provisional


def test_a_units_quarter_is_the_mean_of_its_monthly_unit_scores(year):
    table = span_table(
        organisation=year.org, year=2026, kind=QUARTER, number=1, with_people=False, with_units=True
    )
    tc = next(row for row in table.units if row.key == year.tc.pk)
    monthly = list(
        UnitPeriod.objects.filter(unit=year.tc, period__year=2026, period__number__in=(1, 2, 3))
        .order_by("period__number")
        .values_list("score", flat=True)
    )
    assert tc.result.score == (sum(monthly, D(0)) / 3).quantize(D("0.01"))
    assert table.people == []


def test_a_month_reopened_after_publication_changes_the_quarter_visibly(year):
    march = year.months[3]
    Period.objects.filter(pk=march.pk).update(state=PeriodState.LOCKED)
    march.refresh_from_db()
    services.period_reopen(period=march, reason="Sai khối lượng tháng 3", by=year.to_chuc.user)

    reopened = span_table(organisation=year.org, year=2026, kind=QUARTER, number=1)
    an = row_of(reopened, year.an)
    assert reopened.provisional is True
    assert (an.result.rated_months, an.result.score) == (2, D("85.00"))  # (80 + 90) / 2
    assert an.months[2].period.reopened_at is not None
    assert an.months[2].period.reopen_reason == "Sai khối lượng tháng 3"

    publish(Period.objects.get(pk=march.pk), {year.an.pk: D(97), year.binh.pk: D(75)})
    corrected = row_of(
        span_table(organisation=year.org, year=2026, kind=QUARTER, number=1), year.an
    )
    assert corrected.result.score == ((D(80) + D(90) + D(97)) / 3).quantize(D("0.01"))
    assert corrected.result.score != D("85.00")
    assert corrected.months[2].period.reopened_at is not None  # still says it was reopened

    client = year_client(year, "an")
    page = client.get(reverse("evaluation:my_results")).content.decode()
    assert "mở lại ngày" in page
    assert "Sai khối lượng tháng 3" in page


def test_with_a_quarterly_cadence_the_period_is_the_quarter(year):
    table = span_table(organisation=year.org, year=2026, kind=QUARTER, number=4)
    an = row_of(table, year.an)
    assert len(table.periods) == 1 and table.periods[0].cadence == Cadence.QUARTERLY
    assert (an.result.rated_months, an.result.score, an.result.level) == (1, D("72.50"), "good")
    assert table.provisional is False


def test_the_reads_cost_the_same_queries_at_both_sizes(year, django_assert_num_queries):
    with django_assert_num_queries(3):
        small = span_table(organisation=year.org, year=2026, kind=QUARTER, number=1)
    with django_assert_num_queries(4):
        large = span_table(
            organisation=year.org, year=2026, kind=QUARTER, number=3, with_units=True
        )
    assert len(large.people) >= len(small.people) + GROWTH
    with django_assert_num_queries(4):
        person_spans(employee=year.an, year=2026)


# --- the pages ------------------------------------------------------------------------------


def year_client(year, name):
    client = Client()
    user = year.admin if name == "admin" else getattr(year, name).user
    client.force_login(user)
    return client


def test_the_person_sees_their_quarters_with_the_months_behind_them(year):
    page = year_client(year, "an").get(reverse("evaluation:my_results")).content.decode()
    assert 'id="quarters"' in page
    assert "85,00" in page and "88,00" in page
    assert "tạm tính" in page  # Q3, September not yet published


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("chu_tich", 200),  # the agency leader
        ("truong_tc", 200),  # a head
        ("to_chuc", 200),  # the HR officer
        ("an", 403),  # staff read their own on their results page
        ("mot_cua", 403),  # a one-stop officer views no unit records
    ],
)
def test_who_opens_the_quarter_page(year, name, status):
    response = year_client(year, name).get(
        reverse("evaluation:quarter_results"), {"year": 2026, "quarter": 1}
    )
    assert response.status_code == status


def test_a_head_sees_only_the_units_they_view_and_the_leader_all(year):
    url = reverse("evaluation:quarter_results")
    head = year_client(year, "truong_tc").get(url, {"year": 2026, "quarter": 1})
    names = {row.name for row, _half in head.context["people"]}
    assert year.an.full_name in names and year.to_chuc.full_name not in names
    leader = year_client(year, "chu_tich").get(url, {"year": 2026, "quarter": 1})
    names = {row.name for row, _half in leader.context["people"]}
    assert {year.an.full_name, year.to_chuc.full_name} <= names
    half = {row.key: half_row for row, half_row in leader.context["people"]}
    assert half[year.an.pk].result.rated_months == 6


def test_a_head_narrows_the_page_to_one_unit_of_theirs_only(year):
    url = reverse("evaluation:quarter_results")
    client = year_client(year, "truong_tc")
    narrowed = client.get(url, {"year": 2026, "quarter": 1, "unit": year.kt.pk})
    assert {row.key for row, _half in narrowed.context["people"]} == {
        year.cuong.pk,
        year.quyen_kt.pk,
    }
    assert client.get(url, {"year": 2026, "quarter": 1, "unit": year.nv.pk}).status_code == 403


def test_the_leaders_overview_shows_the_units_quarter(year):
    client = year_client(year, "chu_tich")
    page = client.get(reverse("evaluation:overview", args=[year.months[2].pk])).content.decode()
    assert 'id="quarter"' in page
    assert "Kết quả quý 1/2026 của các đơn vị" in page


# --- the income list --------------------------------------------------------------------------


def income(year, name, view="income_list", quarter=1):
    return year_client(year, name).get(
        reverse(f"evaluation:{view}"), {"year": 2026, "quarter": quarter}
    )


@pytest.mark.parametrize(
    ("name", "status"),
    [
        ("to_chuc", 200),  # HR officer of the agency
        ("unit_hr", 200),  # HR officer for TC only
        ("chu_tich", 403),  # the agency leader prepares no pay list
        ("truong_tc", 403),  # a head
        ("an", 403),  # staff
        ("thanh_tra", 403),  # an inspector views records, manages nothing
        ("admin", 403),  # a superuser manages the agency but reads no records
    ],
)
@pytest.mark.parametrize("view", ["income_list", "income_xlsx", "income_pdf"])
def test_who_opens_the_income_list(year, name, status, view):
    assert income(year, name, view).status_code == status


def test_the_income_list_shows_only_the_officers_units(year):
    everyone = {row.key for row in income(year, "to_chuc").context["table"].people}
    tc_only = {row.key for row in income(year, "unit_hr").context["table"].people}
    assert {year.an.pk, year.to_chuc.pk, year.cuong.pk} <= everyone
    assert year.an.pk in tc_only and year.cuong.pk in tc_only  # TC and its KT
    assert year.to_chuc.pk not in tc_only and year.truong_nv.pk not in tc_only


def test_without_an_income_table_nothing_about_money_is_shown(year):
    response = income(year, "to_chuc", quarter=1)
    page = response.content.decode()
    assert response.context["table"].has_income is False
    assert "Hệ số" not in page and "thu nhập tăng thêm quý" not in page.lower()
    sheet = load_workbook(BytesIO(income(year, "to_chuc", "income_xlsx").content)).active
    assert "Hệ số thu nhập tăng thêm" not in [cell.value for cell in sheet[1]]


def test_with_an_income_table_each_person_gets_their_levels_coefficient(year):
    response = income(year, "to_chuc", quarter=2)
    table = response.context["table"]
    assert table.has_income is True
    an = row_of(table, year.an)
    assert an.result.score == ((D(95) + D(91) + D(60)) / 3).quantize(D("0.01"))
    assert an.coefficient == INCOME[an.result.level]
    assert "Hệ số thu nhập tăng thêm" in response.content.decode()

    sheet = load_workbook(BytesIO(income(year, "to_chuc", "income_xlsx", 2).content)).active
    header = [cell.value for cell in sheet[1]]
    by_code = {row[0]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert by_code["AN"][header.index("Điểm quý")] == float(an.result.score)
    assert by_code["AN"][header.index("Hệ số thu nhập tăng thêm")] == float(an.coefficient)
    assert by_code["AN"][header.index("Tháng 6/2026")] == 60


def test_the_income_table_is_frozen_once_a_period_used_it(year):
    line = year.income_rules.income_coefficients.get(level="top")
    line.coefficient = D("1.5")
    with pytest.raises(RuleSetLockedError):
        line.save()


def test_the_excel_list_neutralises_formulas_typed_as_names(year):
    year.an.full_name = '=HYPERLINK("http://x")'
    year.an.save(update_fields=["full_name"])
    sheet = load_workbook(BytesIO(income(year, "to_chuc", "income_xlsx").content)).active
    names = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert '\'=HYPERLINK("http://x")' in names


def test_the_income_pdf_is_a_pdf_with_the_people(year):
    response = income(year, "to_chuc", "income_pdf", 2)
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


MAX_QUERIES = 30


def count_queries(client, url, params) -> int:
    client.get(url, params)  # warm per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    assert len(captured) <= MAX_QUERIES
    return len(captured)


@pytest.mark.parametrize(
    ("name", "view"),
    [
        ("to_chuc", "income_list"),
        ("to_chuc", "income_xlsx"),
        ("to_chuc", "income_pdf"),
        ("chu_tich", "quarter_results"),
        ("truong_tc", "quarter_results"),
    ],
)
def test_the_quarter_pages_cost_the_same_queries_small_and_large(year, name, view):
    client = year_client(year, name)
    url = reverse(f"evaluation:{view}")
    small = count_queries(client, url, {"year": 2026, "quarter": 1})
    large = count_queries(client, url, {"year": 2026, "quarter": 3})
    people = {q: len(income(year, "to_chuc", quarter=q).context["table"].people) for q in (1, 3)}
    assert people[3] >= people[1] + GROWTH
    assert small == large


def test_the_overview_costs_the_same_queries_small_and_large(year):
    client = year_client(year, "chu_tich")
    small = count_queries(client, reverse("evaluation:overview", args=[year.months[1].pk]), {})
    large = count_queries(client, reverse("evaluation:overview", args=[year.months[7].pk]), {})
    assert small == large


def test_the_menu_offers_the_income_list_to_hr_only(year):
    url = reverse("evaluation:income_list")
    assert url in year_client(year, "to_chuc").get(reverse("home")).content.decode()
    assert url not in year_client(year, "truong_tc").get(reverse("home")).content.decode()


# --- the command ------------------------------------------------------------------------------


def show(*args) -> list[dict]:
    out = StringIO()
    call_command("show_results", *args, stdout=out)
    return json.loads(out.getvalue())


def test_show_results_prints_the_quarter_rows_as_json(year):
    rows = {
        row["employee"]: row
        for row in show("--organisation", "UBND-TN", "--year", "2026", "--quarter", "1")
    }
    assert rows["AN"] == {
        "employee": "AN",
        "quarter": 1,
        "score": "85.00",
        "level": "good",
        "provisional": False,
        "months": [
            {"period": 1, "cadence": "monthly", "total": "80.00", "level": "good"},
            {"period": 2, "cadence": "monthly", "total": "90.00", "level": "top"},
            {"period": 3, "cadence": "monthly", "total": "85.00", "level": "good"},
        ],
    }
    assert rows["CUONG"]["score"] is None and rows["CUONG"]["level"] is None
    assert rows == {row["employee"]: row for row in quarter_rows(year.org, 2026, 1)}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--organisation", "KHONG", "--year", "2026", "--quarter", "1"), "no agency"),
        (("--organisation", "UBND-TN", "--year", "2026", "--quarter", "5"), "not a quarter"),
        (
            ("--organisation", "UBND-TN", "--year", "2026", "--month", "1", "--quarter", "1"),
            "choose at most one",
        ),
    ],
)
def test_show_results_refuses_what_it_cannot_answer(year, args, message):
    with pytest.raises(CommandError, match=message):
        show(*args)


def test_users_without_records_are_refused_cleanly(year):
    stranger = UserFactory(username="stranger")
    client = Client()
    client.force_login(stranger)
    assert client.get(reverse("evaluation:income_list")).status_code == 403
    assert client.get(reverse("evaluation:quarter_results")).status_code == 403


def test_the_quarter_pages_read_in_english(year, settings):
    client = year_client(year, "to_chuc")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    income_page = client.get(reverse("evaluation:income_list"), {"year": 2026, "quarter": 2})
    page = income_page.content.decode()
    assert "Quarter 2/2026 extra income" in page and "Extra-income coefficient" in page
    results = client.get(reverse("evaluation:quarter_results"), {"year": 2026, "quarter": 3})
    assert "Provisional: a month of the quarter is not published yet" in results.content.decode()


@pytest.mark.parametrize(
    "query",
    [
        {"year": "99999999999999999999", "quarter": "3"},
        {"year": "2026", "quarter": "-1"},
        {"year": "２０２６", "quarter": "٣"},
        {"year": "2026", "quarter": "1", "unit": "99999999"},
        {"year": "2026", "quarter": "1", "unit": "x"},
    ],
)
def test_forged_choices_fall_back_or_are_refused(year, query):
    client = year_client(year, "to_chuc")
    for view in ("quarter_results", "income_list", "income_xlsx", "income_pdf"):
        response = client.get(reverse(f"evaluation:{view}"), query)
        assert response.status_code in (200, 403), (view, query)
