"""The demo agency's discipline ledger over the last months, told through `services`.

`build_ledger` records, once and from a seed: inspections by the team of `thanh_tra`
with findings against people and a unit, a contest decided and one awaiting its
decision, a reprimand, one-stop dossiers (some late, with or without an apology
letter) and units' monthly counts, complaints, suggestion-box notes, satisfaction
surveys and the year's commitments. Each event happens under `hrsystem.demo.clock` on
its day in the story, so dates, deadlines and history read as they would have. Built
before the demo periods, whose scores read these violations.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from simple_history.utils import bulk_update_with_history

from hrsystem import clock as app_clock
from hrsystem import selectors as hr_selectors
from hrsystem.demo import FAMILY, GIVEN, MIDDLE, clock, past_months
from hrsystem.models import Assignment, Employee, Organisation, Post, Unit

from . import services
from .models import (
    Commitment,
    ComplaintChannel,
    DisciplineForm,
    DossierRecord,
    DossierStatus,
    Inspection,
    InspectionKind,
    SurveySource,
    Violation,
    ViolationCatalogueItem,
    ViolationSource,
)
from .selectors import month_bounds

SEED = 2026
REGULAR, SURPRISE = InspectionKind.REGULAR, InspectionKind.SURPRISE
TITLES = {
    REGULAR: "Kiểm tra định kỳ việc chấp hành kỷ luật, kỷ cương hành chính, văn hoá công sở",
    SURPRISE: "Kiểm tra đột xuất giờ giấc làm việc, trang phục, đeo thẻ công chức",
}
OFFENDER, OFFENDER_UNIT = "offender", "KTHT"
"""The first staff member of KTHT smokes at work, drinks in work hours, is reprimanded."""
INSPECTIONS = [
    # months before this one, kind, day of the month, units inspected, scripted findings
    # (a login, the offender or "@" and a unit code; a catalogue code) before a few random ones
    (6, REGULAR, 10, ("VP", "MC", "TP", "YT"), []),
    (5, SURPRISE, 21, ("KTHT", "NN", "VHTT"), [(OFFENDER, "hut_thuoc_noi_cong_so")]),
    (4, REGULAR, 12, ("KTHT", "GDDT", "TNMT"), [("@KTHT", "don_vi_khong_niem_yet_thu_tuc")]),
    (3, SURPRISE, 17, ("KTHT", "NV", "TCKH"), [(OFFENDER, "ruou_bia_gio_lam_viec")]),
    (2, REGULAR, 8, ("TCKH", "TNMT", "MC"), [("pho_phong", "trang_phuc_khong_phu_hop")]),
    (1, SURPRISE, 19, ("TCKH", "VP", "NN"), [("nhanvien", "di_muon_ve_som")]),
    (0, SURPRISE, 2, ("TCKH", "MC", "GDDT"), [("nhanvien", "khong_deo_the")]),
]
NOTES = {
    "khong_deo_the": "Không đeo thẻ công chức khi làm việc, đã nhắc nhở tại chỗ.",
    "trang_phuc_khong_phu_hop": "Mặc quần bò, áo phông khi tiếp công dân.",
    "hut_thuoc_noi_cong_so": "Hút thuốc lá trong phòng làm việc.",
    "di_muon_ve_som": "Có mặt tại cơ quan lúc 08 giờ 10, không báo cáo lãnh đạo phòng.",
    "dien_thoai_tro_choi": "Chơi trò chơi điện tử trên điện thoại trong giờ làm việc.",
    "bo_vi_tri_cong_tac": "Vắng mặt tại phòng làm việc lúc 15 giờ 30, không xin phép.",
    "ruou_bia_gio_lam_viec": "Uống bia trong giờ nghỉ trưa của ngày làm việc.",
    "khong_thuc_hien_4_xin_4_luon": "Không chào hỏi, không hướng dẫn công dân đến liên hệ.",
    "khong_hoan_thanh_nhiem_vu_duoc_giao_dung_han": "Chậm tham mưu văn bản được giao 03 ngày.",
    "don_vi_khong_niem_yet_thu_tuc": (
        "Chưa niêm yết công khai thủ tục hành chính và số điện thoại đường dây nóng."
    ),
    "tre_han_khong_xin_loi": "Hồ sơ trễ hạn, không có văn bản xin lỗi công dân.",
    "yeu_cau_giay_to_ngoai_quy_dinh": "Yêu cầu công dân nộp thêm giấy tờ không có trong thủ tục.",
}
FINDING_ITEMS = (
    "khong_deo_the",
    "trang_phuc_khong_phu_hop",
    "hut_thuoc_noi_cong_so",
    "di_muon_ve_som",
    "dien_thoai_tro_choi",
    "bo_vi_tri_cong_tac",
)
CONDUCT_ITEMS = (
    "di_muon_ve_som",
    "bo_vi_tri_cong_tac",
    "khong_thuc_hien_4_xin_4_luon",
    "khong_hoan_thanh_nhiem_vu_duoc_giao_dung_han",
)
DESK_UNITS = {
    # unit resolving the dossiers: dossiers a month, [(procedure, days to resolve)]
    "TNMT-DD": (
        12,
        [
            ("Đăng ký biến động quyền sử dụng đất", 10),
            ("Cấp đổi giấy chứng nhận quyền sử dụng đất", 7),
            ("Chuyển mục đích sử dụng đất", 15),
        ],
    ),
    "KTHT": (
        6,
        [("Cấp giấy phép xây dựng nhà ở riêng lẻ", 15), ("Điều chỉnh giấy phép xây dựng", 10)],
    ),
    "TCKH": (
        9,
        [
            ("Đăng ký thành lập hộ kinh doanh", 3),
            ("Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", 3),
        ],
    ),
}
LATE_SHARE = 0.05
LETTERS = ("on_time", "on_time", "sent_late", "missing", "missing")
"""The apology letter of a late dossier: sent before the due date, after it, or never."""
COUNTED_UNITS = {"TP": (140, 170, 2), "GDDT": (10, 16, 1)}
"""Units that report monthly counts only: on time between the bounds, up to n late."""
SURVEYED = ("MC", "TNMT-DD", "KTHT", "TCKH", "TP")
SUGGESTIONS = [
    # months before this one, unit, note, answer
    (
        6,
        "MC",
        "Đề nghị bố trí thêm ghế chờ và nước uống tại Bộ phận Một cửa.",
        "Đã bổ sung 10 ghế chờ và bình nước từ ngày 15.",
    ),
    (
        5,
        "TNMT-DD",
        "Thời gian giải quyết hồ sơ đất đai còn chậm, đề nghị thông báo tiến độ qua tin nhắn.",
        "Đã giao Tổ Đất đai nhắn tin tiến độ cho người nộp hồ sơ.",
    ),
    (4, "KTHT", "Cán bộ hướng dẫn hồ sơ xin phép xây dựng nhiệt tình, chu đáo.", ""),
    (
        3,
        "MC",
        "Đề nghị niêm yết rõ phí, lệ phí của từng thủ tục tại quầy.",
        "Đã niêm yết bảng phí, lệ phí tại từng quầy.",
    ),
    (2, "TP", "Đề nghị mở thêm quầy chứng thực vào sáng thứ Bảy.", ""),
    (1, "TCKH", "Đăng ký hộ kinh doanh trực tuyến nhanh, thuận tiện.", ""),
]
COMPLAINTS = [
    # months before this one, day, channel, a unit code (its last staff member) or "@" and
    # the unit complained about, complainant, content, (substantiated, conclusion) or None
    (
        4,
        9,
        ComplaintChannel.HOTLINE,
        "TNMT-DD",
        "Ông Nguyễn Văn Tư, thôn Đông Lộc",
        "Cán bộ Tổ Đất đai yêu cầu nộp thêm giấy xác nhận tình trạng hôn nhân khi đăng ký "
        "biến động đất đai, thủ tục không quy định giấy tờ này.",
        (True, "Xác minh đúng: cán bộ yêu cầu giấy tờ ngoài quy định; đã xin lỗi công dân."),
    ),
    (
        3,
        14,
        ComplaintChannel.SUGGESTION_BOX,
        "@MC",
        "",
        "Bộ phận Một cửa đông người chờ nhưng không phát số thứ tự.",
        (False, "Máy lấy số thứ tự hỏng 01 giờ sáng hôm đó và đã được sửa ngay."),
    ),
    (
        1,
        11,
        ComplaintChannel.ONLINE,
        "KTHT",
        "Bà Trần Thị Hoa, khu phố 3",
        "Cán bộ hẹn kiểm tra hiện trạng xây dựng nhưng không đến.",
        (False, "Cán bộ đã báo hoãn qua điện thoại do mưa lớn, có nhật ký cuộc gọi."),
    ),
    (
        0,
        1,
        ComplaintChannel.DIRECT,
        "@TP",
        "Ông Lê Văn Sáu, xã Tân Phong",
        "Quầy chứng thực nghỉ sớm 30 phút chiều thứ Sáu.",
        None,
    ),
]
COMMITMENT_TEMPLATE = "Cam kết thực hiện “4 xin, 4 luôn”, “5 không” và quy chế văn hoá công sở"
UNSIGNED = 6
"""People without a login who have not yet signed the year's commitment."""
REPRIMAND_BASIS = (
    "Luật Cán bộ, công chức; Nghị định số 112/2020/NĐ-CP ngày 18/9/2020 của Chính phủ về xử lý "
    "kỷ luật cán bộ, công chức, viên chức (sửa đổi, bổ sung tại Nghị định số 71/2023/NĐ-CP)."
)


@dataclass(frozen=True)
class DemoLedger:
    created: bool
    inspections: int


def _workday(day: date) -> date:
    """`day`, or the Friday before it when it falls on a weekend."""
    return day - timedelta(days=max(0, day.weekday() - 4))


def build_ledger(*, organisation: Organisation, today: date | None = None) -> DemoLedger:
    """Record the demo ledger unless the agency already has inspections."""
    today = today or app_clock.today()
    existing = Inspection.objects.filter(organisation=organisation)
    if existing.exists():
        return DemoLedger(created=False, inspections=existing.count())
    with transaction.atomic():
        _Story(organisation, today).tell()
    return DemoLedger(created=True, inspections=existing.count())


class _Story:
    """The people, units and catalogue of the demo agency, and the events between them."""

    def __init__(self, organisation: Organisation, today: date) -> None:
        self.organisation = organisation
        self.today = today
        self.rng = random.Random(SEED)
        self.months = past_months(today) + [(today.year, today.month)]
        users = get_user_model().objects.filter(
            employee__assignments__unit__organisation=organisation
        )
        self.user = {user.username: user for user in users.distinct()}
        self.login = {
            e.user.username: e for e in Employee.objects.filter(user__in=self.user.values())
        }
        self.inspector = self.user["thanh_tra"]
        self.desk = self.user["mot_cua"]
        self.unit = {u.code: u for u in Unit.objects.filter(organisation=organisation)}
        self.item = {
            item.code: item
            for item in ViolationCatalogueItem.objects.filter(
                organisation__isnull=True, effective_to__isnull=True
            )
        }
        self.staff = self._staff()

    def _staff(self) -> dict[str, list[Employee]]:
        """Unit code → people without a post or a login in that unit all story long."""
        first = date(*self.months[0], 1)
        leaders = set(
            Post.objects.filter(hr_selectors.overlapping(first, self.today)).values_list(
                "employee_id", flat=True
            )
        )
        placed = [
            set(
                Assignment.objects.filter(
                    hr_selectors.active_on(on),
                    unit__organisation=self.organisation,
                    employee__user__isnull=True,
                ).values_list("employee_id", "unit__code")
            )
            for on in (first, self.today)
        ]
        staying = sorted(
            (code, employee_id)
            for employee_id, code in placed[0] & placed[1]
            if employee_id not in leaders
        )
        people = Employee.objects.in_bulk([employee_id for _code, employee_id in staying])
        staff: dict[str, list[Employee]] = {}
        for code, employee_id in staying:
            staff.setdefault(code, []).append(people[employee_id])
        return staff

    def tell(self) -> None:
        self.commitments()
        named = self.inspections()
        self.contests(named)
        self.reprimand(named)
        self.conduct()
        self.dossiers()
        self.counts_and_surveys()
        self.complaints()
        self.suggestions()

    # --- dates and people ---------------------------------------------------------------

    def day(self, months_ago: int, day: int) -> date:
        """Day `day` of the month `months_ago` before this one (a workday, not after today)."""
        year, month = self.months[-1 - months_ago]
        last = month_bounds(year, month)[1].day
        return min(_workday(date(year, month, min(day, last))), self.today)

    def after(self, day: date, days: int) -> date:
        return min(day + timedelta(days=days), self.today)

    @property
    def offender(self) -> Employee:
        return self.staff[OFFENDER_UNIT][0]

    def person(self, who: str) -> Employee:
        return self.offender if who == OFFENDER else self.login[who]

    # --- the year's commitments ---------------------------------------------------------

    def commitments(self) -> None:
        """Issued early in January; the logins sign in the app, the others on paper, which
        the HR officer records at the end of the month; a few are still unsigned."""
        hr = self.user["to_chuc"]
        year = self.today.year
        issued = min(_workday(date(year, 1, 8)), self.today)
        with clock(issued, 8):
            services.discipline_policy_set(
                organisation=self.organisation, internal_affairs_unit=self.unit["TT"], by=hr
            )
            rows = services.commitments_issue_year(
                organisation=self.organisation,
                year=year,
                template=f"{COMMITMENT_TEMPLATE} năm {year}",
                on=issued,
                by=hr,
            )
        signers = {employee.pk: username for username, employee in self.login.items()}
        paper = []
        for offset, row in enumerate(rows):
            username = signers.get(row.signer_id)
            if username == "quyen_truong_phong":
                continue
            if username is None:
                paper.append(row)
                continue
            with clock(self.after(issued, 1 + offset % 5), 14):
                services.commitment_sign(commitment=row, by=self.user[username])
        signed = self.rng.sample(paper, len(paper) - UNSIGNED)
        for row in signed:
            row.signed_on = self.after(issued, self.rng.randint(1, 15))
        with clock(self.after(issued, 20), 16):
            bulk_update_with_history(signed, Commitment, ["signed_on"], default_user=hr)

    # --- inspections, findings, contests, a reprimand -----------------------------------

    def inspections(self) -> dict[tuple[str, int], Violation]:
        """Every inspection of `INSPECTIONS` from plan to report, then one planned for next
        week; returns the scripted findings by (who, months ago)."""
        team = [self.login["thanh_tra_vien"], *self.staff["TT"][:1]]
        head = self.login["thanh_tra"]
        named = {}
        for number, (months_ago, kind, day_of_month, codes, script) in enumerate(
            INSPECTIONS, start=1
        ):
            rng = _month_rng(self.months[-1 - months_ago], "inspection")
            day = self.day(months_ago, day_of_month)
            with clock(day - timedelta(days=7) if kind == REGULAR else day, 8):
                inspection = services.inspection_plan(
                    organisation=self.organisation,
                    title=TITLES[kind],
                    kind=kind,
                    planned_on=day,
                    scope=[self.unit[code] for code in codes],
                    head=head,
                    members=team,
                    plan_reference=f"{number:02d}/{'KH' if kind == REGULAR else 'QĐ'}-TTr",
                    by=self.inspector,
                )
            with clock(day, 8, 15):
                services.inspection_start(inspection=inspection, by=self.inspector)
            findings = []
            with clock(day, 9, 30):
                for who, code in script:
                    if who.startswith("@"):
                        finding = self.find(inspection, day, code, unit=self.unit[who[1:]])
                    else:
                        finding = self.find(inspection, day, code, employee=self.person(who))
                    findings.append(finding)
                    named[(who, months_ago)] = finding
                pool = [p for code in codes for p in self.staff.get(code, []) if p != self.offender]
                for employee in rng.sample(pool, rng.randint(1, 3)):
                    code = rng.choice(FINDING_ITEMS)
                    findings.append(self.find(inspection, day, code, employee=employee))
            with clock(day, 16, 30):
                services.inspection_close(
                    inspection=inspection, report=_report(inspection, findings), by=self.inspector
                )
        with clock(self.today, 8):
            services.inspection_plan(
                organisation=self.organisation,
                title=TITLES[REGULAR],
                kind=REGULAR,
                planned_on=_workday(self.today + timedelta(days=9)),
                scope=[self.unit[code] for code in ("TNMT-DD", "KTHT", "TP")],
                head=head,
                members=team,
                plan_reference=f"{len(INSPECTIONS) + 1:02d}/KH-TTr",
                by=self.inspector,
            )
        return named

    def find(self, inspection: Inspection, day: date, code: str, **target) -> Violation:
        return services.finding_record(
            inspection=inspection,
            item=self.item[code],
            occurred_on=day,
            note=NOTES[code],
            by=self.inspector,
            **target,
        )

    def contests(self, named: dict[tuple[str, int], Violation]) -> None:
        """The deputy's attire finding is contested and annulled by the team member (the
        head recorded it, so does not decide it); `nhanvien` contests this month's
        name-badge finding, which awaits the same member."""
        attire = named[("pho_phong", 2)]
        with clock(self.after(attire.occurred_on, 1), 14):
            services.violation_contest(
                violation=attire,
                reason="Hôm kiểm tra tôi làm việc tại Kho bạc Nhà nước huyện theo lịch công "
                "tác; biên bản ghi nhầm người.",
                by=self.user["pho_phong"],
            )
        with clock(self.after(attire.occurred_on, 3), 10):
            services.violation_decide(
                violation=attire,
                uphold=False,
                reason="Đối chiếu lịch công tác: đồng chí vắng mặt lúc kiểm tra, biên bản ghi "
                "nhầm người. Huỷ vi phạm.",
                by=self.user["thanh_tra_vien"],
            )
        badge = named[("nhanvien", 0)]
        with clock(badge.occurred_on, 15):
            services.violation_contest(
                violation=badge,
                reason="Thẻ công chức bị đứt dây đeo, tôi đã đề nghị Văn phòng cấp lại từ tuần "
                "trước (có phiếu đề nghị kèm theo).",
                by=self.user["nhanvien"],
            )

    def reprimand(self, named: dict[tuple[str, int], Violation]) -> None:
        """A reprimand (khiển trách) for smoking at work and then drinking in work hours."""
        day = self.day(3, 28)
        with clock(day, 10):
            services.discipline_decide(
                employee=self.offender,
                number="125/QĐ-UBND",
                decided_on=day,
                signer_name=self.login["chu_tich"].full_name,
                signer_title="Chủ tịch UBND huyện",
                form=DisciplineForm.objects.get(code="khien_trach"),
                legal_basis=REPRIMAND_BASIS,
                effect_from=day,
                violations=[named[(OFFENDER, 5)], named[(OFFENDER, 3)]],
                by=self.user["to_chuc"],
            )

    def conduct(self) -> None:
        """One or two breaches a month recorded by the inspector outside an inspection."""
        units = sorted(code for code in self.staff if code != "TT")
        for months_ago in range(len(self.months) - 1, 0, -1):
            rng = _month_rng(self.months[-1 - months_ago], "conduct")
            for _ in range(rng.randint(1, 2)):
                employee = rng.choice(self.staff[rng.choice(units)])
                code = rng.choice(CONDUCT_ITEMS)
                day = self.day(months_ago, rng.randint(3, 27))
                with clock(day, 11):
                    services.violation_record(
                        item=self.item[code],
                        occurred_on=day,
                        employee=employee,
                        note=NOTES[code],
                        by=self.inspector,
                    )

    # --- the one-stop desk ---------------------------------------------------------------

    def dossiers(self) -> None:
        """Dossiers received every month at the desk; a late one gets an apology letter in
        time, one sent late, or none (then a violation of its officer); the first late one
        has an objective cause certified by the agency leader."""
        officers = [self.login["mot_cua"]] * 2 + self.staff["MC"]  # the login leads the desk
        sequence = 0
        excused = False
        for year, month in self.months:
            rng = _month_rng((year, month), "dossiers")
            first, last = month_bounds(year, month)
            for code, (count, procedures) in DESK_UNITS.items():
                for _ in range(count):
                    received = _workday(first + timedelta(days=rng.randrange(last.day)))
                    procedure, days = rng.choice(procedures)
                    due = received + timedelta(days=days)
                    if rng.random() < LATE_SHARE:
                        settled = due + timedelta(days=rng.randint(1, 4))
                    else:
                        settled = due - timedelta(days=rng.randint(0, 2))
                    officer, citizen, letter = (
                        rng.choice(officers),
                        _citizen(rng),
                        rng.choice(LETTERS),
                    )
                    if received > self.today:
                        continue
                    sequence += 1
                    settled = settled if settled <= self.today else None
                    with clock(settled or received, 15 if settled else 9):
                        dossier = services.dossier_record(
                            unit=self.unit[code],
                            code=f"H05.{code}-{year % 100:02d}{month:02d}-{sequence:04d}",
                            procedure=procedure,
                            citizen_name=citizen,
                            officer=officer,
                            received_on=received,
                            due_on=due,
                            settled_on=settled,
                            by=self.desk,
                        )
                    if dossier.status != DossierStatus.LATE:
                        continue
                    if excused:
                        self.late(dossier, letter)
                    else:
                        self.late(dossier, "on_time")
                        self.excuse(dossier)
                        excused = True

    def late(self, dossier: DossierRecord, letter: str) -> None:
        """The apology letter of a late dossier, or the violation for its absence."""
        if letter != "missing":
            sent = dossier.due_on + timedelta(days=-1 if letter == "on_time" else 1)
            with clock(dossier.settled_on, 16):
                services.apology_record(
                    dossier=dossier,
                    cause="Hồ sơ phải chờ ý kiến của cơ quan phối hợp.",
                    signed_by=hr_selectors.unit_leader(dossier.unit, on=dossier.settled_on)
                    or dossier.officer,
                    number=f"{dossier.pk}/TB-MC",
                    sent_on=min(sent, dossier.settled_on),
                    by=self.desk,
                )
            return
        with clock(self.after(dossier.settled_on, 2), 10):
            services.violation_record(
                item=self.item["tre_han_khong_xin_loi"],
                occurred_on=dossier.settled_on,
                employee=dossier.officer,
                source=ViolationSource.DOSSIER,
                dossier=dossier,
                note=f"{NOTES['tre_han_khong_xin_loi']} Hồ sơ {dossier.code}.",
                by=self.inspector,
            )

    def excuse(self, dossier: DossierRecord) -> None:
        with clock(self.after(dossier.settled_on, 1), 9):
            services.dossier_excuse(
                dossier=dossier,
                reason="Hệ thống một cửa điện tử của tỉnh gián đoạn 02 ngày làm việc "
                "(thông báo của Sở Khoa học và Công nghệ).",
                by=self.user["chu_tich"],
            )

    def counts_and_surveys(self) -> None:
        """Each past month's counts of the units that report counts only and the surveys of
        the units serving citizens, entered early the next month."""
        for months_ago in range(len(self.months) - 1, 0, -1):
            year, month = self.months[-1 - months_ago]
            rng = _month_rng((year, month), "counts")
            with clock(self.day(months_ago - 1, 5), 10):
                for code, (low, high, late) in COUNTED_UNITS.items():
                    services.dossier_count_record(
                        unit=self.unit[code],
                        year=year,
                        month=month,
                        on_time=rng.randint(low, high),
                        late=rng.randint(0, late),
                        by=self.desk,
                    )
                for code in SURVEYED:
                    respondents = rng.randint(30, 90)
                    services.survey_record(
                        unit=self.unit[code],
                        year=year,
                        month=month,
                        source=SurveySource.INTERNAL,
                        respondents=respondents,
                        satisfied=respondents - rng.randint(0, respondents // 8),
                        by=self.desk,
                    )

    # --- citizens' voice -------------------------------------------------------------------

    def complaints(self) -> None:
        """Complaints taken by the desk and concluded by the inspector a week later; the
        substantiated one becomes a violation of the officer concerned."""
        for months_ago, day_of_month, channel, who, complainant, content, outcome in COMPLAINTS:
            received = self.day(months_ago, day_of_month)
            if who.startswith("@"):
                target = {"unit": self.unit[who[1:]]}
            else:
                target = {"employee": self.staff[who][-1]}
            with clock(received, 9, 30):
                complaint = services.complaint_record(
                    channel=channel,
                    received_on=received,
                    content=content,
                    complainant=complainant,
                    by=self.desk,
                    **target,
                )
            if outcome is None:
                continue
            substantiated, note = outcome
            with clock(self.after(received, 7), 15):
                services.complaint_decide(
                    complaint=complaint, substantiated=substantiated, note=note, by=self.inspector
                )
                if substantiated:
                    services.violation_record(
                        item=self.item["yeu_cau_giay_to_ngoai_quy_dinh"],
                        occurred_on=received - timedelta(days=3),
                        source=ViolationSource.COMPLAINT,
                        complaint=complaint,
                        note=NOTES["yeu_cau_giay_to_ngoai_quy_dinh"],
                        by=self.inspector,
                        **target,
                    )

    def suggestions(self) -> None:
        """Notes from the suggestion box, opened early each month."""
        for months_ago, code, content, response in SUGGESTIONS:
            opened = self.day(months_ago, 5)
            with clock(opened, 10):
                services.suggestion_record(
                    organisation=self.organisation,
                    opened_on=opened,
                    content=content,
                    unit=self.unit[code],
                    response=response,
                    by=self.desk,
                )


def _month_rng(month: tuple[int, int], topic: str) -> random.Random:
    """A generator per month and topic, so a month's story does not depend on today."""
    return random.Random(f"{SEED}-{month[0]}-{month[1]}-{topic}")


def _citizen(rng: random.Random) -> str:
    sex = rng.choice("mf")
    title = "Ông" if sex == "m" else "Bà"
    return f"{title} {rng.choice(FAMILY)} {rng.choice(MIDDLE[sex])} {rng.choice(GIVEN[sex])}"


def _report(inspection: Inspection, findings: list[Violation]) -> str:
    """The team's closing report: what was inspected and what was found."""
    units = ", ".join(unit.name for unit in inspection.scope.order_by("path"))
    people = sum(1 for finding in findings if finding.employee_id)
    found = f"ghi nhận {people} trường hợp vi phạm của cá nhân"
    if len(findings) > people:
        found += f" và {len(findings) - people} vi phạm của tập thể"
    return (
        f"Đoàn đã kiểm tra {units}; {found}. Đề nghị thủ trưởng các đơn vị chấn chỉnh, "
        "nhắc nhở công chức và báo cáo kết quả khắc phục."
    )
