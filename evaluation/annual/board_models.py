"""The year's procedure and the board's review, beside the core's results.

- `AnnualReview`: one per agency-year: the self-evaluation deadline (HR-editable), the
  board's meeting (date, members present, notes) and the publication that locks the year;
  `YearReopening` audits every reopening with its reason.
- `SelfAssessment`, `SuperiorRating`, `AnnualAppeal`: each person's annual self-evaluation,
  their superior's rating and their appeal of the published year; `LevelDecision` the
  level decided on the year (by the rating, changed by an upheld appeal) beside the
  engine's proposal.
- `UnitMeeting` with the confidential confidence vote on the head: `ConfidenceTally`
  keeps only counts per option and `ConfidenceVoter` only who has voted; neither refers
  to the other, neither keeps history or a timestamp, so nobody (administrators
  included) can link a vote to a voter.
- Emulation: `UnitEmulationRegistration` (a unit's targets and commitments),
  `TitleRegistration` (a person registering for a title) and `TitleDecision` (the
  board's confirmation or override of each proposed title, with votes and reason).

Imported at the end of `evaluation.annual.models` so Django registers them in this app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation import scoring

LEVEL_CHOICES = [
    (scoring.TOP, _("Hoàn thành xuất sắc nhiệm vụ")),
    (scoring.GOOD, _("Hoàn thành tốt nhiệm vụ")),
    (scoring.COMPLETE, _("Hoàn thành nhiệm vụ")),
    (scoring.FAIL, _("Không hoàn thành nhiệm vụ")),
]
INDIVIDUAL_TITLES = [
    (scoring.TITLE_EMULATION_SOLDIER, _("Chiến sĩ thi đua cơ sở")),
    (scoring.TITLE_ADVANCED_WORKER, _("Lao động tiên tiến")),
]
COLLECTIVE_TITLES = [
    (scoring.TITLE_EXCELLENT_COLLECTIVE, _("Tập thể lao động xuất sắc")),
    (scoring.TITLE_ADVANCED_COLLECTIVE, _("Tập thể lao động tiên tiến")),
]


def _user(label, null=True):
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=label,
    )


def _org():
    return models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )


def _employee(related_name="+"):
    return models.ForeignKey(
        "hrsystem.Employee", models.PROTECT, related_name=related_name, verbose_name=_("cán bộ")
    )


class YearState(models.TextChoices):
    OPEN = "open", _("Đang xét")
    PUBLISHED = "published", _("Đã công bố")


class AnnualReview(models.Model):
    """The agency's year as a procedure: the self-evaluation deadline, the board's
    meeting and the publication of the final list, which locks the year."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    self_assessment_deadline = models.DateField(_("hạn tự đánh giá"), null=True, blank=True)
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=YearState.choices, default=YearState.OPEN
    )
    meeting_on = models.DateField(_("ngày họp hội đồng"), null=True, blank=True)
    members_present = models.ManyToManyField(
        "hrsystem.Employee", blank=True, related_name="+", verbose_name=_("thành viên có mặt")
    )
    meeting_notes = models.TextField(_("biên bản họp"), blank=True)
    published_at = models.DateTimeField(_("công bố lúc"), null=True, blank=True)
    published_by = _user(_("người công bố"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("xét kết quả năm")
        verbose_name_plural = _("xét kết quả năm")
        ordering = ["organisation", "-year"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "year"], name="annual_review_unique"),
            models.CheckConstraint(
                condition=Q(state__in=YearState.values), name="annual_review_state_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id} — {self.year}"

    @property
    def published(self) -> bool:
        return self.state == YearState.PUBLISHED


class YearReopening(models.Model):
    """A published year reopened, with the written reason (the audit)."""

    review = models.ForeignKey(
        AnnualReview, models.PROTECT, related_name="reopenings", verbose_name=_("năm")
    )
    reason = models.TextField(_("lý do mở lại"))
    by = _user(_("người mở lại"), null=False)
    at = models.DateTimeField(_("lúc"))

    class Meta:
        verbose_name = _("lần mở lại năm")
        verbose_name_plural = _("lần mở lại năm")
        ordering = ["-at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="year_reopening_has_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.review} — {self.at:%d/%m/%Y}"


class SelfAssessment(models.Model):
    """A person's annual self-evaluation: comment and the level they propose."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    employee = _employee("annual_self_assessments")
    comment = models.TextField(_("tự nhận xét"))
    proposed_level = models.CharField(_("mức tự đề xuất"), max_length=16, choices=LEVEL_CHOICES)
    submitted_at = models.DateTimeField(_("gửi lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("tự đánh giá năm")
        verbose_name_plural = _("tự đánh giá năm")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "employee"], name="self_assessment_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} — {self.year}"


class SuperiorRating(models.Model):
    """The superior's rating of a person's year (the head rates staff, the agency leader
    rates heads), with a comment; never one's own."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    employee = _employee("annual_ratings")
    level = models.CharField(_("mức xếp loại"), max_length=16, choices=LEVEL_CHOICES)
    comment = models.TextField(_("nhận xét"))
    rated_by = _user(_("người đánh giá"), null=False)
    rated_at = models.DateTimeField(_("đánh giá lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đánh giá năm của cấp trên")
        verbose_name_plural = _("đánh giá năm của cấp trên")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "employee"], name="superior_rating_unique"
            ),
            models.CheckConstraint(condition=~Q(comment=""), name="superior_rating_comment"),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} — {self.year}: {self.level}"


class LevelSource(models.TextChoices):
    RATING = "rating", _("Đánh giá của cấp trên")
    APPEAL = "appeal", _("Giải quyết kiến nghị")


class LevelDecision(models.Model):
    """The level decided for a person's year (NĐ 335/2025: the competent superior
    decides; the engine's level is the proposal): set by the superior's rating and
    changed by an upheld appeal. A decided level other than the engine's carries its
    written reason; the history keeps who changed it, when and why."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    employee = _employee("annual_level_decisions")
    engine_level = models.CharField(_("mức do hệ thống đề xuất"), max_length=16)
    level = models.CharField(_("mức quyết định"), max_length=16, choices=LEVEL_CHOICES)
    source = models.CharField(_("căn cứ"), max_length=16, choices=LevelSource.choices)
    reason = models.TextField(_("lý do"), blank=True)
    appeal = models.ForeignKey(
        "AnnualAppeal",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("kiến nghị"),
    )
    decided_by = _user(_("người quyết định"), null=False)
    decided_at = models.DateTimeField(_("quyết định lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("mức xếp loại năm được quyết định")
        verbose_name_plural = _("mức xếp loại năm được quyết định")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "employee"], name="level_decision_unique"
            ),
            models.CheckConstraint(
                condition=Q(level=F("engine_level")) | ~Q(reason=""),
                name="level_decision_change_reason",
            ),
            models.CheckConstraint(
                condition=Q(source__in=LevelSource.values), name="level_decision_source_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} — {self.year}: {self.engine_level} → {self.level}"

    @property
    def changed(self) -> bool:
        return self.level != self.engine_level


class AppealState(models.TextChoices):
    PENDING = "pending", _("Đang chờ giải quyết")
    UPHELD = "upheld", _("Chấp nhận")
    REJECTED = "rejected", _("Không chấp nhận")


class AnnualAppeal(models.Model):
    """A person's appeal of their published year, decided by the HR officer with a reason."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    employee = _employee("annual_appeals")
    filed_by = _user(_("người gửi"), null=False)
    filed_at = models.DateTimeField(_("gửi lúc"))
    reason = models.TextField(_("nội dung kiến nghị"))
    state = models.CharField(
        _("trạng thái"), max_length=16, choices=AppealState.choices, default=AppealState.PENDING
    )
    decided_by = _user(_("người giải quyết"))
    decision_reason = models.TextField(_("lý do quyết định"), blank=True)
    decided_at = models.DateTimeField(_("giải quyết lúc"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("kiến nghị kết quả năm")
        verbose_name_plural = _("kiến nghị kết quả năm")
        ordering = ["-filed_at"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="annual_appeal_has_reason"),
            models.CheckConstraint(
                condition=Q(state=AppealState.PENDING) | ~Q(decision_reason=""),
                name="annual_appeal_decision_reason",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "employee"],
                condition=Q(state=AppealState.PENDING),
                name="annual_appeal_one_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} — {self.year}: {self.state}"


class UnitMeeting(models.Model):
    """The unit's annual review meeting: when, who was present, colleagues' comments, and
    whether a confidential confidence vote on the head is open."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "hrsystem.Unit", models.PROTECT, related_name="annual_meetings", verbose_name=_("đơn vị")
    )
    held_on = models.DateField(_("ngày họp"))
    present = models.ManyToManyField(
        "hrsystem.Employee", blank=True, related_name="+", verbose_name=_("người có mặt")
    )
    comments = models.TextField(_("ý kiến của tập thể"), blank=True)
    vote_open = models.BooleanField(_("lấy phiếu tín nhiệm người đứng đầu"), default=False)
    recorded_by = _user(_("người ghi"), null=False)
    recorded_at = models.DateTimeField(_("ghi lúc"))

    class Meta:
        verbose_name = _("cuộc họp đánh giá năm của đơn vị")
        verbose_name_plural = _("cuộc họp đánh giá năm của đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "unit"], name="unit_meeting_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} — {self.year}"


class Confidence(models.TextChoices):
    HIGH = "high", _("Tín nhiệm cao")
    MEDIUM = "medium", _("Tín nhiệm")
    LOW = "low", _("Tín nhiệm thấp")


class ConfidenceTally(models.Model):
    """How many votes an option of a meeting's confidence vote received. Counts only: no
    voter, no timestamp, no history, so no row says who voted what."""

    meeting = models.ForeignKey(
        UnitMeeting, models.CASCADE, related_name="tallies", verbose_name=_("cuộc họp")
    )
    option = models.CharField(_("lựa chọn"), max_length=8, choices=Confidence.choices)
    count = models.PositiveIntegerField(_("số phiếu"), default=0)

    class Meta:
        verbose_name = _("kết quả phiếu tín nhiệm")
        verbose_name_plural = _("kết quả phiếu tín nhiệm")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "option"], name="confidence_tally_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.option} = {self.count}"


class ConfidenceVoter(models.Model):
    """Who has voted in a meeting's confidence vote, to refuse a second vote. No ballot,
    no option, no timestamp, no history."""

    meeting = models.ForeignKey(
        UnitMeeting, models.CASCADE, related_name="voters", verbose_name=_("cuộc họp")
    )
    employee = _employee()

    class Meta:
        verbose_name = _("người đã bỏ phiếu")
        verbose_name_plural = _("người đã bỏ phiếu")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "employee"], name="confidence_voter_once"),
        ]

    def __str__(self) -> str:
        return f"{self.meeting_id}: {self.employee_id}"


class UnitEmulationRegistration(models.Model):
    """A unit's emulation content for the year, registered at its start."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    unit = models.ForeignKey(
        "hrsystem.Unit",
        models.PROTECT,
        related_name="emulation_registrations",
        verbose_name=_("đơn vị"),
    )
    title = models.CharField(
        _("danh hiệu tập thể đăng ký"), max_length=32, choices=COLLECTIVE_TITLES
    )
    targets = models.TextField(_("chỉ tiêu"))
    commitments = models.TextField(_("cam kết"))
    registered_by = _user(_("người đăng ký"), null=False)
    registered_at = models.DateTimeField(_("đăng ký lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký thi đua của đơn vị")
        verbose_name_plural = _("đăng ký thi đua của đơn vị")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "unit"], name="unit_emulation_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} — {self.year}"


class TitleRegistration(models.Model):
    """A person's registration for an emulation title at the start of the year."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    employee = _employee("title_registrations")
    title = models.CharField(_("danh hiệu đăng ký"), max_length=32, choices=INDIVIDUAL_TITLES)
    registered_by = _user(_("người đăng ký"), null=False)
    registered_at = models.DateTimeField(_("đăng ký lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đăng ký danh hiệu thi đua")
        verbose_name_plural = _("đăng ký danh hiệu thi đua")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year", "employee"], name="title_registration_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id} — {self.year}: {self.title}"


class Outcome(models.TextChoices):
    CONFIRMED = "confirmed", _("Giữ nguyên đề xuất")
    OVERRIDDEN = "overridden", _("Thay đổi đề xuất")


class TitleDecision(models.Model):
    """The board's decision on one proposed title (a person's or a unit's): confirmed or
    overridden (with a written reason), with the votes for and against."""

    organisation = _org()
    year = models.PositiveSmallIntegerField(_("năm"))
    employee = models.ForeignKey(
        "hrsystem.Employee",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="title_decisions",
        verbose_name=_("cán bộ"),
    )
    unit = models.ForeignKey(
        "hrsystem.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="title_decisions",
        verbose_name=_("đơn vị"),
    )
    proposed_title = models.CharField(_("danh hiệu đề xuất"), max_length=32, blank=True)
    final_title = models.CharField(_("danh hiệu quyết định"), max_length=32, blank=True)
    outcome = models.CharField(_("kết quả xét"), max_length=16, choices=Outcome.choices)
    reason = models.TextField(_("lý do"), blank=True)
    votes_for = models.PositiveSmallIntegerField(_("số phiếu tán thành"), default=0)
    votes_against = models.PositiveSmallIntegerField(_("số phiếu không tán thành"), default=0)
    decided_by = _user(_("người ghi quyết định"), null=False)
    decided_at = models.DateTimeField(_("lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quyết định của hội đồng về danh hiệu")
        verbose_name_plural = _("quyết định của hội đồng về danh hiệu")
        constraints = [
            models.CheckConstraint(
                condition=Q(employee__isnull=True) ^ Q(unit__isnull=True),
                name="title_decision_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(outcome=Outcome.CONFIRMED) | ~Q(reason=""),
                name="title_decision_override_reason",
            ),
            models.CheckConstraint(
                condition=Q(outcome__in=Outcome.values), name="title_decision_outcome_valid"
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "employee"],
                condition=Q(employee__isnull=False),
                name="title_decision_person_unique",
            ),
            models.UniqueConstraint(
                fields=["organisation", "year", "unit"],
                condition=Q(unit__isnull=False),
                name="title_decision_unit_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employee_id or self.unit_id} — {self.year}: {self.final_title}"
