"""What the API reads and accepts, field by field (the OpenAPI schema is built from these)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from discipline.models import DisciplineDecision, Violation
from evaluation.annual import reasons as annual_reasons
from evaluation.annual.models import AnnualResult, UnitAnnualResult
from evaluation.annual.presenters import title_label
from evaluation.models import Evaluation, Period, UnitPeriod, WorkItem
from evaluation.presenters import reason_texts
from hrsystem.models import Assignment, Category, PostKind, Unit

from .models import Event, WebhookSubscription


class UnitSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")
    parent = serializers.IntegerField(source="parent_id", allow_null=True)

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "organisation", "parent", "depth"]


class PersonSerializer(serializers.ModelSerializer):
    """A person as assigned today: their record, unit and job position."""

    id = serializers.IntegerField(source="employee.pk")
    code = serializers.CharField(source="employee.code")
    full_name = serializers.CharField(source="employee.full_name")
    category = serializers.CharField(source="employee.category")
    unit = serializers.CharField(source="unit.code")
    unit_id = serializers.IntegerField()
    job_position = serializers.CharField(source="job_position.code")

    class Meta:
        model = Assignment
        fields = ["id", "code", "full_name", "category", "unit", "unit_id", "job_position", "start"]


class PeriodSerializer(serializers.ModelSerializer):
    organisation = serializers.CharField(source="organisation.code")

    class Meta:
        model = Period
        fields = [
            "id",
            "organisation",
            "cadence",
            "year",
            "number",
            "start",
            "end",
            "state",
            "self_assessment_due",
            "scoring_due",
            "unit_submission_due",
            "sign_off_due",
            "published_at",
            "locked_at",
        ]


RESULT_FIELDS = [
    "id",
    "period",
    "year",
    "number",
    "employee",
    "employee_code",
    "full_name",
    "unit",
    "version",
    "absent",
    "not_rated",
    "general",
    "task_pct",
    "task_points",
    "bonus",
    "deductions",
    "total",
    "score_level",
    "level",
]


class ResultSerializer(serializers.ModelSerializer):
    """A person's published result of one period."""

    period = serializers.IntegerField(source="period_id")
    year = serializers.IntegerField(source="period.year")
    number = serializers.IntegerField(source="period.number")
    employee = serializers.IntegerField(source="employee_id")
    employee_code = serializers.CharField(source="employee.code")
    full_name = serializers.CharField(source="employee.full_name")
    unit = serializers.CharField(source="unit.code")

    class Meta:
        model = Evaluation
        fields = RESULT_FIELDS


class SourceSerializer(serializers.ModelSerializer):
    """Where a quantity came from when another system sent it."""

    system = serializers.CharField(source="source_system")
    reference = serializers.CharField(source="source_reference")
    quantity = serializers.DecimalField(source="source_quantity", max_digits=9, decimal_places=2)
    received_at = serializers.DateTimeField(source="source_received_at")

    class Meta:
        model = WorkItem
        fields = ["system", "reference", "quantity", "received_at"]


class WorkItemSerializer(serializers.ModelSerializer):
    source = serializers.SerializerMethodField()

    class Meta:
        model = WorkItem
        fields = [
            "id",
            "name",
            "unit_of_measure",
            "coefficient",
            "planned",
            "done",
            "major_errors",
            "late",
            "late_excused",
            "ad_hoc",
            "source",
        ]

    @extend_schema_field(SourceSerializer(allow_null=True))
    def get_source(self, item):
        return SourceSerializer(item).data if item.source_system else None


class ResultDetailSerializer(ResultSerializer):
    """The result explained: criteria after deductions, work items, the reasons in words."""

    criteria = serializers.JSONField(source="criteria_result")
    work_items = WorkItemSerializer(many=True)
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = Evaluation
        fields = [*RESULT_FIELDS, "criteria", "work_items", "reasons"]

    def get_reasons(self, evaluation) -> list[str]:
        return [str(text) for text in reason_texts(evaluation.reasons)]


class UnitResultSerializer(serializers.ModelSerializer):
    """A unit's published result of one period, with the reasons in words."""

    year = serializers.IntegerField(source="period.year")
    number = serializers.IntegerField(source="period.number")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    reasons = serializers.SerializerMethodField()

    class Meta:
        model = UnitPeriod
        fields = [
            "id",
            "period",
            "year",
            "number",
            "unit",
            "unit_name",
            "rated_count",
            "score",
            "score_level",
            "level",
            "on_time_rate",
            "reasons",
        ]

    def get_reasons(self, unit_period) -> list[str]:
        return [str(text) for text in reason_texts(unit_period.reasons)]


class AnnualReasonSerializer(serializers.Serializer):
    """One reason of a year's rating, in the reader's language, and where the rule comes
    from (empty when there is nothing to cite)."""

    code = serializers.CharField()
    text = serializers.CharField()
    legal_basis = serializers.CharField(source="basis")
    params = serializers.DictField()


class AnnualRowSerializer(serializers.ModelSerializer):
    """What a person's and a unit's year share: the agency, the unit, the title in words,
    the reasons explained, and the state of the roll-up the row belongs to."""

    organisation = serializers.CharField(source="organisation.code")
    unit = serializers.CharField(source="unit.code")
    unit_name = serializers.CharField(source="unit.name")
    title_label = serializers.SerializerMethodField()
    reasons = serializers.SerializerMethodField()
    run_state = serializers.CharField(
        help_text=_("Trạng thái bản tổng hợp năm: done = đã tổng hợp (chưa có bước công bố).")
    )
    run_computed_at = serializers.DateTimeField()

    def get_title_label(self, row) -> str:
        return title_label(row.title)

    @extend_schema_field(AnnualReasonSerializer(many=True))
    def get_reasons(self, row):
        return AnnualReasonSerializer(annual_reasons.shown(row.reasons), many=True).data


class AnnualResultSerializer(AnnualRowSerializer):
    """A person's year as the last roll-up rated it, explained reason by reason."""

    employee = serializers.IntegerField(source="employee_id")
    employee_code = serializers.CharField(source="employee.code")
    full_name = serializers.CharField(source="employee.full_name")

    class Meta:
        model = AnnualResult
        fields = [
            "id",
            "year",
            "organisation",
            "employee",
            "employee_code",
            "full_name",
            "unit",
            "unit_name",
            "is_leader",
            "is_head",
            "quota_group",
            "rated",
            "months_worked",
            "months_rated",
            "months_absent",
            "score",
            "mean",
            "months_at_top",
            "score_level",
            "level",
            "title",
            "title_label",
            "reasons",
            "computed_at",
            "run_state",
            "run_computed_at",
        ]


class UnitAnnualResultSerializer(AnnualRowSerializer):
    """A unit's year: score, level, on-time rate, collective title and rank (1 = best)."""

    class Meta:
        model = UnitAnnualResult
        fields = [
            "id",
            "year",
            "organisation",
            "unit",
            "unit_name",
            "rated_count",
            "member_count",
            "score",
            "score_level",
            "level",
            "on_time_rate",
            "title",
            "title_label",
            "rank",
            "reasons",
            "computed_at",
            "run_state",
            "run_computed_at",
        ]


class ViolationSerializer(serializers.ModelSerializer):
    """A ledger entry against a person or a unit, with what it deducts and why."""

    employee = serializers.CharField(source="employee.code", allow_null=True, default=None)
    unit = serializers.CharField(source="unit.code")
    item = serializers.CharField(source="item.code")
    description = serializers.CharField(source="item.description")

    class Meta:
        model = Violation
        fields = [
            "id",
            "occurred_on",
            "employee",
            "unit",
            "item",
            "description",
            "points",
            "criterion_code",
            "cap_level",
            "legal_basis",
            "source",
            "status",
            "contest_deadline",
        ]


class DecisionSerializer(serializers.ModelSerializer):
    """A discipline decision against one person."""

    employee = serializers.CharField(source="employee.code")
    unit = serializers.CharField(source="unit.code")
    form = serializers.CharField(source="form.code")
    form_name = serializers.CharField(source="form.name")
    violations = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = DisciplineDecision
        fields = [
            "id",
            "number",
            "decided_on",
            "employee",
            "unit",
            "form",
            "form_name",
            "legal_basis",
            "effect_from",
            "effect_to",
            "violations",
        ]


class WorkItemRowSerializer(serializers.Serializer):
    employee = serializers.CharField(max_length=32, help_text=_("Mã cán bộ."))
    item = serializers.CharField(
        max_length=255, help_text=_("Mã sản phẩm chuẩn, hoặc tên sản phẩm, công việc.")
    )
    done = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    reference = serializers.CharField(
        max_length=100,
        required=False,
        default="",
        allow_blank=True,
        help_text=_("Số hiệu văn bản nguồn."),
    )


class WorkItemBatchSerializer(serializers.Serializer):
    """Done quantities of one month, sent by one source system: all rows or none."""

    system = serializers.CharField(max_length=120, help_text=_("Tên hệ thống nguồn."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    items = WorkItemRowSerializer(many=True, allow_empty=False, max_length=5000)


class DossierRowSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=32, help_text=_("Mã đơn vị giải quyết."))
    code = serializers.CharField(max_length=64, help_text=_("Mã hồ sơ."))
    procedure = serializers.CharField(max_length=255, required=False, default="", allow_blank=True)
    citizen_name = serializers.CharField(max_length=255)
    officer = serializers.CharField(max_length=32, help_text=_("Mã cán bộ xử lý."))
    received_on = serializers.DateField()
    due_on = serializers.DateField()
    settled_on = serializers.DateField(required=False, allow_null=True, default=None)


class DossierBatchSerializer(serializers.Serializer):
    """One-stop dossiers of one agency: all rows or none."""

    organisation = serializers.CharField(max_length=32, help_text=_("Mã cơ quan."))
    items = DossierRowSerializer(many=True, allow_empty=False, max_length=5000)


class OverrideSerializer(serializers.Serializer):
    """The scorer's replacement for a quantity a system sent, with the reason."""

    done = serializers.DecimalField(max_digits=9, decimal_places=2, min_value=0)
    reason = serializers.CharField(max_length=2000)
    revision = serializers.IntegerField(
        min_value=0, help_text=_("Lần sửa của phiếu khi đọc (chống ghi đè).")
    )


class ReceivedSerializer(serializers.Serializer):
    received = serializers.IntegerField()
    items = serializers.ListField(child=serializers.IntegerField())


class HrBatchSerializer(serializers.Serializer):
    """Rows of one agency from its HR system: all rows or none."""

    organisation = serializers.CharField(max_length=32, help_text=_("Mã cơ quan."))


class UnitRowSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text=_("Mã đơn vị."))
    name = serializers.CharField(max_length=255)
    parent = serializers.CharField(
        max_length=32,
        required=False,
        allow_null=True,
        help_text=_(
            "Mã đơn vị cấp trên; null cho đơn vị gốc của cơ quan; bỏ trường này để giữ "
            "đơn vị cấp trên hiện có."
        ),
    )


class UnitBatchSerializer(HrBatchSerializer):
    """Units created or updated by code (name, parent): all rows or none."""

    items = UnitRowSerializer(many=True, allow_empty=False, max_length=5000)


class PersonRowSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=32, help_text=_("Mã cán bộ."))
    full_name = serializers.CharField(max_length=255)
    category = serializers.ChoiceField(choices=Category.choices, required=False)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    unit = serializers.CharField(max_length=32, help_text=_("Mã đơn vị công tác."))
    job_position = serializers.CharField(max_length=32, help_text=_("Mã vị trí việc làm."))
    start = serializers.DateField(
        help_text=_("Ngày bắt đầu công tác, hoặc ngày chuyển khi đơn vị hay vị trí thay đổi.")
    )
    end = serializers.DateField(
        required=False,
        allow_null=True,
        help_text=_("Ngày làm việc cuối cùng khi nghỉ việc hoặc chuyển khỏi cơ quan."),
    )


class PersonBatchSerializer(HrBatchSerializer):
    """People created or updated by code (record, unit, job position): all rows or none."""

    items = PersonRowSerializer(many=True, allow_empty=False, max_length=5000)


class PostRowSerializer(serializers.Serializer):
    employee = serializers.CharField(max_length=32, help_text=_("Mã cán bộ."))
    unit = serializers.CharField(max_length=32, help_text=_("Mã đơn vị."))
    kind = serializers.ChoiceField(choices=PostKind.choices)
    start = serializers.DateField()
    end = serializers.DateField(required=False, allow_null=True, default=None)


class PostBatchSerializer(HrBatchSerializer):
    """Heads, deputies and acting heads with their dates: all rows or none."""

    items = PostRowSerializer(many=True, allow_empty=False, max_length=5000)


class DossierCountRowSerializer(serializers.Serializer):
    unit = serializers.CharField(max_length=32, help_text=_("Mã đơn vị."))
    officer = serializers.CharField(
        max_length=32, help_text=_("Mã cán bộ một cửa của đơn vị báo cáo số liệu.")
    )
    on_time = serializers.IntegerField(min_value=0, max_value=10**6)
    late = serializers.IntegerField(min_value=0, max_value=10**6)


class DossierCountBatchSerializer(serializers.Serializer):
    """A month's dossier counts per unit from the one-stop portal: all rows or none."""

    organisation = serializers.CharField(max_length=32, help_text=_("Mã cơ quan."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    month = serializers.IntegerField(min_value=1, max_value=12)
    items = DossierCountRowSerializer(many=True, allow_empty=False, max_length=5000)


class SubscriptionSerializer(serializers.ModelSerializer):
    """A client system's subscription to events (its secret is shown only when created)."""

    events = serializers.ListField(
        child=serializers.ChoiceField(choices=Event.choices), allow_empty=False, max_length=10
    )

    class Meta:
        model = WebhookSubscription
        fields = ["id", "url", "events", "active", "created_at"]
        read_only_fields = ["id", "active", "created_at"]


class NewSubscriptionSerializer(SubscriptionSerializer):
    secret = serializers.CharField(
        read_only=True, help_text=_("Khoá ký HMAC: chỉ hiện một lần, khi đăng ký.")
    )

    class Meta(SubscriptionSerializer.Meta):
        fields = [*SubscriptionSerializer.Meta.fields, "secret"]
        read_only_fields = [*SubscriptionSerializer.Meta.read_only_fields, "secret"]
