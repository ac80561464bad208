"""Personnel consequences of weak annual results (the articles' lessons: "no reappointment
of a head who did not complete their tasks", "no rotation of cadres from weak wards up to
the district").

- `PersonnelRule`: the agency's rule as dated data (a row without an agency is the shipped
  default, off): how many past years count and which annual levels of the person or of
  their unit block a reappointment or a rotation up. Edited by HR as new versions.
- `PersonnelProposal`: a proposal to appoint, reappoint or rotate someone, with the
  warnings the rule gave when it was made and, when there were any, the proposer's
  acknowledgement of them.

Imported at the end of `evaluation.annual.models` so Django registers them in this app.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from evaluation.models import level_list_validator
from hrsystem.models import PostKind


def _levels(label):
    return models.CharField(
        label,
        max_length=64,
        blank=True,
        validators=[level_list_validator],
        help_text=_(
            "Mã mức (top, good, complete, fail), cách nhau bởi dấu phẩy; trống: không xét."
        ),
    )


class PersonnelRule(models.Model):
    """One version of an agency's rule on personnel consequences, in effect from
    `effective_from` until the next version; a row without an agency applies to every
    agency that has no version of its own on that day."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("cơ quan"),
        help_text=_("Để trống: quy định mặc định cho mọi cơ quan."),
    )
    effective_from = models.DateField(_("áp dụng từ ngày"))
    enabled = models.BooleanField(
        _("đang áp dụng"),
        default=False,
        help_text=_("Tắt: báo cáo chỉ liệt kê kết quả, không cảnh báo."),
    )
    years_counted = models.PositiveSmallIntegerField(
        _("số năm gần nhất được xét"),
        default=2,
        help_text=_("Các năm đã tổng hợp kết quả gần nhất, tính đến năm của ngày xét."),
    )
    reappoint_person_levels = _levels(_("mức của cá nhân không bổ nhiệm lại"))
    reappoint_unit_levels = _levels(_("mức của đơn vị không bổ nhiệm lại người đứng đầu"))
    rotation_person_levels = _levels(_("mức của cá nhân không luân chuyển lên"))
    rotation_unit_levels = _levels(_("mức của đơn vị không luân chuyển cán bộ lên"))
    legal_basis = models.TextField(_("căn cứ"), blank=True)
    note = models.TextField(
        _("lý do ban hành, thay đổi"),
        blank=True,
        help_text=_("Vì sao cơ quan bật, tắt hoặc thay đổi quy định này."),
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người ghi nhận"),
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quy định về bổ nhiệm lại, luân chuyển")
        verbose_name_plural = _("quy định về bổ nhiệm lại, luân chuyển")
        ordering = ["organisation", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "effective_from"],
                condition=Q(organisation__isnull=False),
                name="personnel_rule_one_version_per_day",
                violation_error_message=_("Cơ quan đã có phiên bản quy định từ ngày này."),
            ),
            models.UniqueConstraint(
                fields=["effective_from"],
                condition=Q(organisation__isnull=True),
                name="personnel_rule_default_one_version_per_day",
                violation_error_message=_("Quy định mặc định đã có phiên bản từ ngày này."),
            ),
            models.CheckConstraint(
                condition=Q(years_counted__gte=1) & Q(years_counted__lte=10),
                name="personnel_rule_years_counted_range",
                violation_error_message=_("Số năm được xét phải từ 1 đến 10."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation or _('Mặc định')} — {self.effective_from:%d/%m/%Y}"


class ProposalKind(models.TextChoices):
    APPOINT = "appoint", _("Bổ nhiệm")
    REAPPOINT = "reappoint", _("Bổ nhiệm lại")
    ROTATE = "rotate", _("Luân chuyển, điều động")


class PersonnelProposal(models.Model):
    """A proposal to appoint, reappoint or rotate `employee` from `from_unit` to a post in
    `to_unit` from `effective_on`; `warnings` keeps what the rule said when it was made
    (texts with their legal basis), and a warned proposal carries the proposer's
    acknowledgement with the reason to go ahead."""

    organisation = models.ForeignKey(
        "hrsystem.Organisation", models.PROTECT, related_name="+", verbose_name=_("cơ quan")
    )
    employee = models.ForeignKey(
        "hrsystem.Employee",
        models.PROTECT,
        related_name="personnel_proposals",
        verbose_name=_("cán bộ"),
    )
    kind = models.CharField(_("loại đề xuất"), max_length=12, choices=ProposalKind.choices)
    from_unit = models.ForeignKey(
        "hrsystem.Unit", models.PROTECT, related_name="+", verbose_name=_("từ đơn vị")
    )
    to_unit = models.ForeignKey(
        "hrsystem.Unit", models.PROTECT, related_name="+", verbose_name=_("đến đơn vị")
    )
    post_kind = models.CharField(_("chức vụ"), max_length=8, choices=PostKind.choices)
    effective_on = models.DateField(_("dự kiến từ ngày"))
    reason = models.TextField(_("lý do đề xuất"))
    rule = models.ForeignKey(
        PersonnelRule,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="proposals",
        verbose_name=_("quy định áp dụng"),
    )
    warnings = models.JSONField(_("cảnh báo"), default=list, blank=True)
    warned = models.BooleanField(_("có cảnh báo"), default=False)
    acknowledgement = models.TextField(
        _("lý do vẫn đề xuất"),
        blank=True,
        help_text=_("Bắt buộc khi đề xuất có cảnh báo."),
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="+",
        verbose_name=_("người đề xuất"),
    )
    proposed_at = models.DateTimeField(_("đề xuất lúc"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("đề xuất bổ nhiệm, luân chuyển")
        verbose_name_plural = _("đề xuất bổ nhiệm, luân chuyển")
        ordering = ["organisation", "-effective_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ProposalKind.values), name="personnel_proposal_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(post_kind__in=PostKind.values),
                name="personnel_proposal_post_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(warned=False) | ~Q(acknowledgement=""),
                name="personnel_proposal_warning_acknowledged",
                violation_error_message=_("Đề xuất có cảnh báo phải ghi lý do vẫn đề xuất."),
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "effective_on"], name="proposal_org_effective"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.employee} ({self.effective_on:%d/%m/%Y})"
