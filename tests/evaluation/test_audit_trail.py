"""Every write service of `evaluation.services` leaves a history row naming the acting
user, and the reason where it asks for one (see tests/audit_trail.py): one month of the
cycle's agency taken from its opening to a reopening after the lock."""

from datetime import date
from decimal import Decimal

from cryptography.hazmat.primitives import serialization

from evaluation import services
from evaluation.annual.board_models import AnnualReview, YearState
from evaluation.models import Evaluation, PeriodState, RuleSet, UnitPeriod, WorkItem
from hrsystem.api import services as api_services
from hrsystem.api.models import Scope
from tests.audit_trail import Step, assert_every_service_listed, problems
from tests.evaluation.cycle import FULL, cycle_fixture, ev, items  # noqa: F401 — `cycle`
from tests.evaluation.test_paper_signatures import PASSPHRASE, make_ca, make_signer, sign_outside
from tests.evaluation.test_workflow import _score_everyone, _submit_all

EXCLUDED = {
    "period_bounds": "pure date arithmetic: a period's first and last day",
    "appeal_decider": "read-only: who decides an appeal",
    "notifications_mark_read": "marks the caller's own notifications read: no one's data or "
    "result changes, and the notification keeps when it was read",
}


def _steps(c) -> list[Step]:
    hr, leader, head, deputy = c.to_chuc.user, c.chu_tich.user, c.truong_tc.user, c.pho_tc.user
    made = {}
    sender, _token = api_services.api_client_register(
        organisation=c.org, name="QLVB", scopes=list(Scope.values), by=hr
    )

    def keep(name, row):
        made[name] = row
        return row

    def fresh(name):
        return ev(c, name)

    def period(to):
        c.period = services.period_advance(period=c.period, to=to, by=hr)
        return c.period

    def unit_period(unit):
        return UnitPeriod.objects.get(period=c.period, unit=unit)

    def november_bonus():
        november = made["november"]
        for state in (PeriodState.SELF_ASSESSMENT, PeriodState.SCORING):
            november = services.period_advance(period=november, to=state, by=hr)
        cuong = Evaluation.objects.get(period=november, employee=c.cuong)
        return services.bonus_add(
            evaluation=cuong, points="2,5", reason="Sáng kiến số hoá", revision=0, by=head
        )

    def late_item_certified():
        item = items(fresh("cuong"))["Báo cáo B"]
        WorkItem.objects.filter(pk=item.pk).update(late=2)  # the head found it 2 days late
        return services.delay_certify(
            item=item, late_excused=1, reason="Mất điện", revision=fresh("cuong").revision, by=head
        )

    def row_saved():
        binh = fresh("binh")
        shown = list(binh.work_items.order_by("id"))
        reviews = {
            item.pk: {"major_errors": 0, "late": 0, "late_excused": 0, "excuse_reason": ""}
            for item in shown
        }
        return services.evaluation_score_row(
            evaluation=binh,
            revision=binh.revision,
            by=head,
            items=shown,
            reviews=reviews,
            certify=True,
            final=FULL,
            head_comment="Hoàn thành tốt",
        )

    def published_then_appealed():
        return keep(
            "appeal",
            services.appeal_file(
                evaluation=fresh("binh"), reason="Tiêu chí 1 chưa đúng", by=c.binh.user
            ),
        )

    def locked():
        c.period.refresh_from_db()
        c.period.appeal_due = c.period.start
        c.period.save()
        c.period = services.period_lock(period=c.period, by=hr)
        return c.period

    agency_ca, outside_ca = make_ca(), make_ca("CA Chữ Ký Số Ngoài")

    def published():
        c.period.refresh_from_db()  # published by its step
        return c.period

    def signed_outside():
        issued = services.document_issue(period=c.period, unit=c.kt, by=hr)
        data = sign_outside(bytes(issued.pdf), make_signer(outside_ca, "Lê Văn Trường"))
        return services.document_upload_signed(organisation=c.org, data=data, by=hr)

    def year_annex_issued():
        AnnualReview.objects.create(  # the board's publication, a fixture shortcut
            organisation=c.org, year=c.period.year, state=YearState.PUBLISHED
        )
        return services.year_document_issue(
            organisation=c.org, year=c.period.year, kind="annex", by=hr
        )

    def published_again():
        services.unit_submit(unit_period=unit_period(made["reopening"].evaluation.unit), by=head)
        return services.reopening_publish(reopening=made["reopening"], by=leader)

    nd335 = RuleSet.objects.filter(code="nd335").order_by("-version").first()
    return [
        Step(
            "rule_set_new_version",
            lambda: keep(
                "rules",
                services.rule_set_new_version(
                    rule_set=nd335, effective_from=date(2027, 1, 1), by=hr
                ),
            ),
            hr,
        ),
        Step("rule_set_lock", lambda: services.rule_set_lock(rule_set=made["rules"], by=hr), hr),
        Step(
            "period_open",
            lambda: keep(
                "november",
                services.period_open(
                    organisation=c.org, year=2026, number=11, rule_set_code="hn3814", by=hr
                ),
            ),
            hr,
        ),
        Step("bonus_add", november_bonus, head, "Sáng kiến số hoá"),
        Step("period_advance", lambda: period(PeriodState.SELF_ASSESSMENT), hr),
        Step(
            "self_assessment_save",
            lambda: services.self_assessment_save(
                evaluation=fresh("an"), revision=fresh("an").revision, by=c.an.user, proposed=FULL
            ),
            c.an.user,
        ),
        Step(
            "work_item_declare",
            lambda: services.work_item_declare(
                item=items(fresh("an"))["Báo cáo B"],
                revision=fresh("an").revision,
                by=c.an.user,
                done=Decimal(5),
            ),
            c.an.user,
        ),
        Step(
            "self_assessment_submit",
            lambda: services.self_assessment_submit(
                evaluation=fresh("an"), revision=fresh("an").revision, by=c.an.user, proposed=FULL
            ),
            c.an.user,
        ),
        Step(
            "self_assessment_record",
            lambda: services.self_assessment_record(
                evaluation=fresh("binh"),
                revision=fresh("binh").revision,
                by=c.binh.user,
                proposed=FULL,
                submit=True,
            ),
            c.binh.user,
        ),
        Step(
            "work_items_receive",
            lambda: keep(
                "sent",
                services.work_items_receive(
                    period=c.period,
                    system="QLVB",
                    rows=[
                        {
                            "employee": "CUONG",
                            "item": "Thẩm định hồ sơ A",
                            "done": "6",
                            "reference": "12/UBND-VP",
                        }
                    ],
                    by=sender.account,
                ),
            ),
            sender.account,
        ),
        Step("period_advance", lambda: period(PeriodState.SCORING), hr),
        Step(
            "evaluations_bulk_approve",
            lambda: services.evaluations_bulk_approve(evaluations=[fresh("binh")], by=head),
            head,
            "Duyệt hàng loạt tự đánh giá",
        ),
        Step(
            "evaluations_bulk_return",
            lambda: services.evaluations_bulk_return(
                evaluations=[fresh("an")], reason="Thiếu minh chứng", by=deputy
            ),
            deputy,
            "Thiếu minh chứng",
        ),
        Step(
            "work_item_source_override",
            lambda: services.work_item_source_override(
                item=WorkItem.objects.get(pk=made["sent"][0].pk),
                done=Decimal(5),
                reason="Văn bản số 12 ghi 5 hồ sơ",
                revision=fresh("cuong").revision,
                by=head,
            ),
            head,
            "Văn bản số 12 ghi 5 hồ sơ",
        ),
        Step(
            "evaluation_score",
            lambda: services.evaluation_score(
                evaluation=fresh("cuong"), revision=fresh("cuong").revision, by=head, final=FULL
            ),
            head,
        ),
        Step(
            "work_item_add_ad_hoc",
            lambda: services.work_item_add_ad_hoc(
                evaluation=fresh("cuong"),
                name="Báo cáo đột xuất",
                unit_of_measure="báo cáo",
                planned="1",
                revision=fresh("cuong").revision,
                by=head,
            ),
            head,
        ),
        Step("delay_certify", late_item_certified, head, "Mất điện"),
        Step("evaluation_score_row", row_saved, head),
        Step(
            "unit_submit",
            lambda: (
                _score_everyone(c),
                services.unit_submit(unit_period=unit_period(c.kt), by=head),
            )[1],
            head,
        ),
        Step(
            "unit_return",
            lambda: services.unit_return(
                unit_periods=[unit_period(c.kt)], reason="Xem lại điểm", by=leader
            ),
            leader,
            "Xem lại điểm",
        ),
        Step(
            "unit_approve",
            lambda: (
                _submit_all(c),
                services.unit_approve(unit_periods=[unit_period(c.vp)], by=leader),
            )[1],
            leader,
        ),
        Step(
            "period_sign_off",
            lambda: keep("signed", services.period_sign_off(period=c.period, by=leader)),
            leader,
        ),
        Step(
            "period_publish",
            lambda: services.period_publish(period=made["signed"], by=leader),
            leader,
        ),
        Step("appeal_file", published_then_appealed, c.binh.user, "Tiêu chí 1 chưa đúng"),
        Step(
            "appeal_decide",
            lambda: services.appeal_decide(
                appeal=made["appeal"], upheld=False, reason="Điểm đã đúng quy chế", by=leader
            ),
            leader,
            "Điểm đã đúng quy chế",
        ),
        Step(
            "document_issue",
            lambda: keep("issued", services.document_issue(period=published(), unit=c.tc, by=hr)),
            hr,
        ),
        Step(
            "signing_certificate_upload",
            lambda: services.signing_certificate_upload(
                organisation=c.org,
                name="Chứng thư UBND",
                data=make_signer(agency_ca, "UBND huyện Thử Nghiệm"),
                passphrase=PASSPHRASE,
                by=hr,
            ),
            hr,
        ),
        Step("document_sign", lambda: services.document_sign(document=made["issued"], by=hr), hr),
        Step(
            "trusted_certificate_add",
            lambda: services.trusted_certificate_add(
                organisation=c.org,
                name="CA Chữ Ký Số Ngoài",
                data=outside_ca[1].public_bytes(serialization.Encoding.PEM),
                by=hr,
            ),
            hr,
        ),
        Step("document_upload_signed", signed_outside, hr),
        Step("year_document_issue", year_annex_issued, hr),
        Step(
            "reopening_open",
            lambda: keep(
                "reopening",
                services.reopening_open(
                    period=c.period, evaluation=fresh("an"), reason="Sót báo cáo tháng", by=hr
                ),
            ),
            hr,
            "Sót báo cáo tháng",
        ),
        Step("reopening_publish", published_again, leader, "Sót báo cáo tháng"),
        Step("period_lock", locked, hr),
        Step(
            "period_reopen",
            lambda: services.period_reopen(period=c.period, reason="Nhập nhầm điểm", by=hr),
            hr,
            "Nhập nhầm điểm",
        ),
    ]


def test_every_evaluation_write_service_is_audited_with_its_user_and_reason(cycle):
    steps = _steps(cycle)
    assert_every_service_listed(services, {step.service for step in steps}, EXCLUDED)
    assert problems(steps) == []
