"""Forms of the monthly-cycle pages: they clean and explain input; services do the writing.

Scores and quantities accept both "2,5" and "2.5" whatever the language, and every
error names the field it is about, so a clerk knows which box to fix.
"""

from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.utils.formats import date_format, get_format, number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _

from hrsystem.forms import WholeNumberField, refuse_foreign_digits

from . import models

REASON_ATTRS = {"rows": 2, "maxlength": 2000}


def plain(value) -> str:
    """A Decimal as the shortest text in the active language ("2,5", "10"), "" for None."""
    if value is None:
        return ""
    text = f"{Decimal(value):f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", get_format("DECIMAL_SEPARATOR"))


class NumberInput(forms.TextInput):
    """A text box with the decimal keypad on phones; accepts a comma or a point."""

    def __init__(self, attrs=None):
        super().__init__({"inputmode": "decimal", "autocomplete": "off", **(attrs or {})})

    def format_value(self, value):
        if isinstance(value, Decimal):
            return plain(value)
        return super().format_value(value)


class InputRenderer(BaseRenderer):
    """Renders plain <input> widgets in Python, the rest with Django's renderer.

    The head's scoring page draws about 30 inputs per person; through the template
    engine a unit of 80 took over 2 s of server time for widgets alone. The markup is
    the same as Django's `input.html` (same escaping, same attribute order).
    """

    INPUT_TEMPLATES = frozenset(
        f"django/forms/widgets/{name}.html" for name in ("text", "hidden", "number", "checkbox")
    )

    def render(self, template_name, context, request=None):
        if template_name not in self.INPUT_TEMPLATES:
            return get_default_renderer().render(template_name, context, request)
        widget = context["widget"]
        attributes = [
            format_html(" {}", name) if value is True else format_html(' {}="{}"', name, value)
            for name, value in widget["attrs"].items()
            if value is not False
        ]
        if widget["value"] is not None:
            attributes.insert(0, format_html(' value="{}"', widget["value"]))
        return format_html(
            '<input type="{}" name="{}"{}>',
            widget["type"],
            widget["name"],
            mark_safe("".join(attributes)),  # each part escaped by format_html
        )


class PointsField(forms.DecimalField):
    """A decimal typed with a comma or a point, between `min_value` and `max_value`."""

    widget = NumberInput

    def __init__(self, *, label, max_value=None, min_value=Decimal(0), places=2, **kwargs):
        super().__init__(
            label=label,
            max_value=max_value,
            min_value=min_value,
            max_digits=9,
            decimal_places=places,
            localize=False,
            error_messages={
                "invalid": _("%(field)s: hãy nhập một số, ví dụ 2,5.") % {"field": label},
                "min_value": _("%(field)s không được nhỏ hơn %(limit)s.")
                % {"field": label, "limit": plain(min_value)},
                "max_value": _("%(field)s không được lớn hơn %(limit)s.")
                % {"field": label, "limit": plain(max_value)},
                "max_decimal_places": _("%(field)s: tối đa %%(max)s chữ số thập phân.")
                % {"field": label},
            },
            **kwargs,
        )

    def to_python(self, value):
        refuse_foreign_digits(value, self.error_messages["invalid"])
        if isinstance(value, str):
            value = value.strip().replace(" ", "")
            if "," in value and "." not in value:
                value = value.replace(",", ".")
        if value in self.empty_values:
            return None
        try:
            Decimal(str(value))
        except InvalidOperation as error:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from error
        return super().to_python(value)


class CountField(WholeNumberField):
    """A whole number of at least 0 (failed reviews, days late)."""

    def __init__(self, *, label, **kwargs):
        super().__init__(
            label=label,
            min_value=0,
            max_value=999,
            widget=forms.NumberInput(attrs={"min": 0, "step": 1, "inputmode": "numeric"}),
            error_messages={
                "invalid": _("%(field)s: hãy nhập số nguyên, ví dụ 2.") % {"field": label},
                "min_value": _("%(field)s không được âm.") % {"field": label},
                "max_value": _("%(field)s quá lớn.") % {"field": label},
            },
            **kwargs,
        )


# --- the employee's month --------------------------------------------------------------


class WorkItemDeclareForm(forms.Form):
    """What the employee declares on one work item: done quantity, evidence and a note."""

    done = PointsField(label=_("Khối lượng hoàn thành"), places=2)
    evidence_number = forms.CharField(
        label=_("Số văn bản minh chứng"), max_length=100, required=False
    )
    evidence_file = forms.FileField(
        label=_("Tệp minh chứng"),
        required=False,
        validators=models.WorkItem._meta.get_field("evidence_file").validators,
        help_text=_("PDF, ảnh, Word hoặc Excel; tối đa 10 MB."),
    )
    self_note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )

    def __init__(self, *args, item: models.WorkItem, **kwargs):
        kwargs.setdefault("prefix", f"item-{item.pk}")
        kwargs.setdefault(
            "initial",
            {
                "done": item.done,
                "evidence_number": item.evidence_number,
                "self_note": item.self_note,
            },
        )
        super().__init__(*args, **kwargs)
        self.item = item
        # API (issue 14): a quantity a source system sent is shown with its source, not edited
        if item.source_system:
            self.fields["done"].disabled = True
            self.fields["done"].help_text = _(
                "Do hệ thống %(system)s gửi (văn bản %(reference)s, lúc %(at)s)."
            ) % {
                "system": item.source_system,
                "reference": item.source_reference or "—",
                "at": date_format(localtime(item.source_received_at), "d/m/Y H:i"),
            }
            if item.source_quantity is not None and item.source_quantity != item.done:
                self.fields["done"].help_text += " " + _(
                    "Hệ thống gửi %(sent)s, người chấm đã sửa có lý do."
                ) % {"sent": number_format(item.source_quantity, decimal_pos=2)}


class SelfAssessmentForm(forms.Form):
    """The employee's proposed score per general criterion (0 to its maximum) and comment."""

    self_comment = forms.CharField(
        label=_("Ý kiến tự đánh giá"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3, "maxlength": 4000}),
    )

    def __init__(self, *args, criteria, scores, evaluation, **kwargs):
        """`criteria`: the rule set's Criterion tuple; `scores`: index → CriterionScore."""
        initial = {"self_comment": evaluation.self_comment}
        for index in range(len(criteria)):
            score = scores.get(index)
            initial[f"c{index}"] = score.proposed if score else None
        kwargs.setdefault("initial", initial)
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for index, criterion in enumerate(criteria):
            self.fields[f"c{index}"] = PointsField(
                label=criterion.name, max_value=criterion.max_points, required=False
            )

    def rows(self):
        """(criterion, bound score field) in the rule set's order."""
        return [(criterion, self[f"c{index}"]) for index, criterion in enumerate(self.criteria)]

    def proposals(self) -> dict[int, Decimal]:
        """Criterion index → proposed score, for the criteria the person filled in."""
        return {
            index: self.cleaned_data[f"c{index}"]
            for index in range(len(self.criteria))
            if self.cleaned_data.get(f"c{index}") is not None
        }


# --- the head's scoring row ------------------------------------------------------------

LEADER_CHOICES = [("100", _("Đạt (100)")), ("50", _("Không đạt (50)"))]
"""A leader's criteria đ and e: met counts 100 points, not met 50 (with a reason)."""
LEADER_DD_LABEL = _("Hoàn thành kế hoạch đơn vị (đ)")
LEADER_E_LABEL = _("Đoàn kết, tập hợp (e)")


STALE_PAGE = _("Trang đã cũ hoặc thiếu dữ liệu, chưa lưu gì: hãy tải lại trang rồi nhập lại.")
"""A save without its revision, or with a forged one: nothing can be compared, so nothing saved."""


class ScoreRowForm(forms.Form):
    """One person's row on the head's page: final scores, item reviews, leader criteria.

    Field names are short (`c0`, `i12_errors`...) because a unit of 80 people posts
    them one row at a time; the labels name them in full for errors and screen readers.
    """

    default_renderer = InputRenderer()
    corrects_done = False
    """True when the quantities done are editable whatever the person declared (an
    appeal's decision corrects them)."""
    revision = WholeNumberField(
        label=_("Phiên bản phiếu"),
        widget=forms.HiddenInput,
        min_value=0,
        error_messages={"required": STALE_PAGE, "invalid": STALE_PAGE, "min_value": STALE_PAGE},
    )
    absent = forms.BooleanField(label=_("Vắng cả kỳ (không xếp loại)"), required=False)
    head_comment = forms.CharField(
        label=_("Nhận xét"), required=False, max_length=2000, widget=forms.Textarea({"rows": 2})
    )

    def __init__(
        self, *args, evaluation, criteria, scores, items, leader_rights, certify=True, **kwargs
    ):
        """`leader_rights`: True when the user sets this leader's đ and e (their superior);
        `certify`: False when the user may not certify a delay's objective cause, whose
        inputs then travel hidden with the row (the service keeps their stored values)."""
        self.evaluation = evaluation
        self.criteria = criteria
        self.items = items
        self.with_leader = evaluation.is_leader and leader_rights
        self.enters_done = self.corrects_done or evaluation.state == models.EvaluationState.DRAFT
        initial = {
            "revision": evaluation.revision,
            "head_comment": evaluation.head_comment,
            "absent": evaluation.absent,
        }
        self.proposed = {index: score.proposed for index, score in scores.items()}
        for index in range(len(criteria)):
            score = scores.get(index)
            value = None
            if score is not None:
                value = score.final if score.final is not None else score.proposed
            initial[f"c{index}"] = value
        for item in items:
            initial[f"i{item.pk}_errors"] = item.major_errors
            initial[f"i{item.pk}_late"] = item.late
            initial[f"i{item.pk}_excused"] = item.late_excused
            initial[f"i{item.pk}_reason"] = item.excuse_reason
            initial[f"i{item.pk}_done"] = item.done
        if self.with_leader:
            initial["dd"] = plain(evaluation.dd_score or Decimal(100))
            initial["dd_reason"] = evaluation.dd_reason
            initial["e"] = plain(evaluation.e_score or Decimal(100))
            initial["e_reason"] = evaluation.e_reason
        kwargs.setdefault("initial", initial)
        kwargs.setdefault("prefix", f"r{evaluation.pk}")
        super().__init__(*args, **kwargs)
        for index, criterion in enumerate(criteria):
            self.fields[f"c{index}"] = PointsField(
                label=criterion.name, max_value=criterion.max_points, required=False
            )
        for item in items:
            self.fields[f"i{item.pk}_errors"] = CountField(
                label=_("“%(item)s”: số lần đánh giá chưa đạt") % {"item": item.name}
            )
            self.fields[f"i{item.pk}_late"] = CountField(
                label=_("“%(item)s”: số ngày chậm") % {"item": item.name}
            )
            self.fields[f"i{item.pk}_excused"] = CountField(
                label=_("“%(item)s”: số ngày chậm có lý do khách quan") % {"item": item.name}
            )
            self.fields[f"i{item.pk}_reason"] = forms.CharField(
                label=_("“%(item)s”: lý do khách quan") % {"item": item.name},
                required=False,
                max_length=2000,
            )
            if not certify:
                for name in (f"i{item.pk}_excused", f"i{item.pk}_reason"):
                    self.fields[name].widget = forms.HiddenInput()
            if self.enters_done:
                self.fields[f"i{item.pk}_done"] = PointsField(
                    label=_("“%(item)s”: khối lượng hoàn thành") % {"item": item.name},
                    required=False,
                    places=2,
                    disabled=bool(item.source_system),  # API (issue 14): changed with a reason
                )
        if self.with_leader:
            self.fields["dd"] = forms.ChoiceField(label=LEADER_DD_LABEL, choices=LEADER_CHOICES)
            self.fields["dd_reason"] = forms.CharField(
                label=_("Lý do không đạt (đ)"),
                required=False,
                max_length=2000,
                widget=forms.TextInput(attrs={"placeholder": _("lý do nếu không đạt")}),
            )
            self.fields["e"] = forms.ChoiceField(label=LEADER_E_LABEL, choices=LEADER_CHOICES)
            self.fields["e_reason"] = forms.CharField(
                label=_("Lý do không đạt (e)"),
                required=False,
                max_length=2000,
                widget=forms.TextInput(attrs={"placeholder": _("lý do nếu không đạt")}),
            )
        self._attach_widgets()

    @property
    def html_id(self) -> str:
        return f"row-{self.evaluation.pk}-form"

    def _attach_widgets(self) -> None:
        """Tie every input to the row's <form> (it lives in the row's last cell) and name
        it for screen readers: the table cell alone does not say whose box it is."""
        name = self.evaluation.employee.full_name
        for field in self.fields.values():
            field.widget.attrs["form"] = self.html_id
            field.widget.attrs["data-preview"] = ""
            if field.label is not None:
                field.widget.attrs.setdefault("aria-label", f"{field.label} — {name}")

    def clean(self):
        data = super().clean()
        for item in self.items:
            late = data.get(f"i{item.pk}_late")
            excused = data.get(f"i{item.pk}_excused")
            if late is not None and excused is not None and excused > late:
                self.add_error(
                    f"i{item.pk}_excused",
                    _("“%(item)s”: số ngày có lý do (%(x)s) không được vượt số ngày chậm (%(l)s).")
                    % {"item": item.name, "x": excused, "l": late},
                )
            if excused and not (data.get(f"i{item.pk}_reason") or "").strip():
                self.add_error(
                    f"i{item.pk}_reason",
                    _("“%(item)s”: ghi rõ lý do khách quan của việc chậm.") % {"item": item.name},
                )
        if self.with_leader:
            for name, label in (("dd", LEADER_DD_LABEL), ("e", LEADER_E_LABEL)):
                if data.get(name) == "50" and not (data.get(f"{name}_reason") or "").strip():
                    self.add_error(
                        f"{name}_reason",
                        _("%(field)s: không đạt thì phải ghi rõ lý do.") % {"field": label},
                    )
        return data

    # Values as the engine and the services want them.

    def finals(self) -> dict[int, Decimal | None]:
        return {index: self.cleaned_data.get(f"c{index}") for index in range(len(self.criteria))}

    def item_reviews(self) -> dict[int, dict]:
        return {
            item.pk: {
                "major_errors": self.cleaned_data[f"i{item.pk}_errors"],
                "late": self.cleaned_data[f"i{item.pk}_late"],
                "late_excused": self.cleaned_data[f"i{item.pk}_excused"],
                "excuse_reason": self.cleaned_data[f"i{item.pk}_reason"].strip(),
                **self._done_of(item),
            }
            for item in self.items
        }

    def _done_of(self, item) -> dict:
        """{"done": the quantity typed} for a person who did not declare, else nothing."""
        value = self.cleaned_data.get(f"i{item.pk}_done") if self.enters_done else None
        return {} if value is None else {"done": value}

    def leader_scores(self) -> dict | None:
        if not self.with_leader:
            return None
        return {
            "dd": Decimal(self.cleaned_data["dd"]),
            "dd_reason": self.cleaned_data["dd_reason"].strip(),
            "e": Decimal(self.cleaned_data["e"]),
            "e_reason": self.cleaned_data["e_reason"].strip(),
        }

    def criterion_cells(self):
        """(bound field, the person's proposal) per criterion, in order."""
        return [
            (self[f"c{index}"], self.proposed.get(index)) for index in range(len(self.criteria))
        ]

    def item_fields(self):
        """(item, errors, late, excused, reason, done or None) bound fields per item; done
        only for a person who did not declare."""
        return [
            (
                item,
                self[f"i{item.pk}_errors"],
                self[f"i{item.pk}_late"],
                self[f"i{item.pk}_excused"],
                self[f"i{item.pk}_reason"],
                self[f"i{item.pk}_done"] if self.enters_done else None,
            )
            for item in self.items
        ]

    def error_list(self) -> list[str]:
        """Every error as one sentence that names its field."""
        messages = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name == "__all__":
                continue
            for error in errors:
                label = str(self.fields[name].label) if name in self.fields else name
                messages.append(error if label in error else f"{label}: {error}")
        return messages


class AdHocItemForm(forms.Form):
    """A piece of work the head adds to one person's period (việc giao thêm)."""

    name = forms.CharField(label=_("Việc giao thêm"), max_length=255)
    unit_of_measure = forms.CharField(label=_("Đơn vị tính"), max_length=64)
    planned = PointsField(label=_("Khối lượng giao"), min_value=Decimal("0.01"))
    coefficient = PointsField(
        label=_("Hệ số quy đổi"), min_value=Decimal("0.001"), places=3, initial=Decimal(1)
    )


class BonusForm(forms.Form):
    """Bonus points for an initiative or outstanding result, with its reason (hn3814)."""

    points = PointsField(label=_("Điểm thưởng"), min_value=Decimal("0.01"))
    reason = forms.CharField(label=_("Lý do thưởng"), max_length=2000)


class BulkActionForm(forms.Form):
    """Approve many rows, or return many self-assessments with one reason."""

    APPROVE, RETURN = "approve", "return"

    action = forms.ChoiceField(
        choices=[(APPROVE, _("Duyệt")), (RETURN, _("Trả lại"))], widget=forms.HiddenInput
    )
    evaluations = forms.TypedMultipleChoiceField(
        label=_("Người được chọn"),
        coerce=int,
        error_messages={
            "required": _("Hãy chọn ít nhất một người trong danh sách."),
            "invalid_choice": _(
                "Phiếu số %(value)s không thuộc danh sách bạn chấm trong kỳ này: không có gì "
                "được thay đổi."
            ),
        },
    )
    reason = forms.CharField(
        label=_("Lý do trả lại"),
        required=False,
        max_length=2000,
        widget=forms.TextInput(attrs={"maxlength": 2000}),
    )

    def __init__(self, *args, evaluation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluations"].choices = [(pk, pk) for pk in evaluation_ids]

    def clean(self):
        data = super().clean()
        if data.get("action") == self.RETURN and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Trả lại phải ghi rõ lý do."))
        return data


class ReasonForm(forms.Form):
    """A required written reason (returning a unit, reopening a period, an appeal)."""

    reason = forms.CharField(
        label=_("Lý do"),
        max_length=2000,
        widget=forms.Textarea(attrs=REASON_ATTRS),
        error_messages={"required": _("Hãy ghi rõ lý do.")},
    )

    def __init__(self, *args, label=None, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["reason"].label = label


class ReopenForm(forms.Form):
    """What to reopen of a published or locked month, and why: one unit, one person
    (for an appeal), or the whole agency (a locked month only)."""

    UNIT, PERSON, ALL = "unit", "person", "all"
    scope = forms.ChoiceField(
        label=_("Mở lại"),
        choices=[
            (UNIT, _("Một đơn vị")),
            (PERSON, _("Một người (giải quyết kiến nghị)")),
            (ALL, _("Toàn cơ quan (chỉ kỳ đã khoá)")),
        ],
        initial=UNIT,
        widget=forms.RadioSelect,
    )
    unit = forms.ModelChoiceField(
        label=_("Đơn vị"), queryset=models.UnitPeriod.objects.none(), required=False
    )
    evaluation = forms.ModelChoiceField(
        label=_("Người"), queryset=models.Evaluation.objects.none(), required=False
    )
    reason = forms.CharField(
        label=_("Lý do mở lại"),
        max_length=2000,
        widget=forms.Textarea(attrs=REASON_ATTRS),
        error_messages={"required": _("Hãy ghi rõ lý do.")},
    )

    def __init__(self, *args, period, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = (
            models.UnitPeriod.objects.filter(period=period)
            .select_related("unit")
            .order_by("unit__path")
        )
        self.fields["unit"].label_from_instance = lambda row: row.unit.name
        self.fields["evaluation"].queryset = (
            models.Evaluation.objects.filter(period=period, is_current=True)
            .select_related("employee", "unit")
            .order_by("employee__sort_key", "employee__code")
        )
        self.fields["evaluation"].label_from_instance = lambda row: (
            f"{row.employee.full_name} — {row.unit.name}"
        )

    def clean(self):
        data = super().clean()
        scope = data.get("scope")
        if scope == self.UNIT and not data.get("unit"):
            self.add_error("unit", _("Chọn đơn vị cần mở lại."))
        if scope == self.PERSON and not data.get("evaluation"):
            self.add_error("evaluation", _("Chọn người cần mở lại."))
        return data


class AppealDecisionForm(forms.Form):
    UPHOLD, REJECT = "upheld", "rejected"

    decision = forms.ChoiceField(
        label=_("Quyết định"),
        choices=[(UPHOLD, _("Chấp nhận kiến nghị")), (REJECT, _("Không chấp nhận"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Lý do quyết định"),
        max_length=2000,
        widget=forms.Textarea(attrs=REASON_ATTRS),
        error_messages={"required": _("Hãy ghi rõ lý do quyết định.")},
    )


class AppealCorrectionForm(ScoreRowForm):
    """What an upheld appeal corrects: the general criteria, each work item (done,
    errors, days late and excused), the leader's criteria, and which of the month's
    deductions go (`violations`: the person's counted ledger entries of the month)."""

    corrects_done = True

    def __init__(self, *args, violations=(), **kwargs):
        super().__init__(*args, **kwargs)
        for item in self.items:  # a box left out keeps the stored value
            for suffix in ("errors", "late", "excused", "done"):
                self.fields[f"i{item.pk}_{suffix}"].required = False
        self.violations = list(violations)
        if self.violations:
            self.fields["annul"] = forms.MultipleChoiceField(
                label=_("Huỷ điểm trừ"),
                required=False,
                widget=forms.CheckboxSelectMultiple,
                choices=[
                    (
                        str(v.id),
                        _("−%(points)s: %(what)s (%(day)s)")
                        % {
                            "points": plain(v.points),
                            "what": v.description,
                            "day": v.occurred_on.strftime("%d/%m/%Y"),
                        },
                    )
                    for v in self.violations
                ],
            )
            self.fields["annul"].widget.attrs["form"] = self.html_id

    def item_changes(self) -> dict[int, dict]:
        """Item id → the corrected values of each item whose values differ from stored."""
        columns = ("done", "major_errors", "late", "late_excused", "excuse_reason")
        changes = {}
        for item_id, values in self.item_reviews().items():
            item = next(i for i in self.items if i.pk == item_id)
            values = {k: v for k, v in values.items() if v is not None}
            if "late_excused" not in values:
                values.pop("excuse_reason", None)
            if any(k in values and values[k] != getattr(item, k) for k in columns):
                changes[item_id] = values
        return changes

    def annulled(self) -> list[int]:
        return [int(pk) for pk in self.cleaned_data.get("annul", [])]


class PeriodOpenForm(forms.Form):
    """Open a period: the rule-set version in force, which month, and the four deadlines."""

    rule_set = forms.ModelChoiceField(
        label=_("Bộ quy tắc áp dụng"), queryset=models.RuleSet.objects.none(), empty_label=None
    )
    year = WholeNumberField(label=_("Năm"), min_value=2020, max_value=2100)
    number = WholeNumberField(
        label=_("Kỳ số"), min_value=1, max_value=12, help_text=_("Tháng 1–12 hoặc quý 1–4.")
    )
    self_assessment_due = forms.DateField(
        label=_("Hạn tự đánh giá"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    scoring_due = forms.DateField(
        label=_("Hạn thủ trưởng chấm điểm"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    unit_submission_due = forms.DateField(
        label=_("Hạn đơn vị gửi kết quả"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    sign_off_due = forms.DateField(
        label=_("Hạn lãnh đạo cơ quan phê duyệt"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, rule_sets, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["sign_off_due"].help_text = _(
            "Để trống hạn nào thì hạn đó được tính theo số ngày của bộ quy tắc đã chọn."
        )
        self.fields["rule_set"].queryset = rule_sets
        self.fields["rule_set"].label_from_instance = lambda rs: (
            _("%(name)s — phiên bản %(version)s, áp dụng từ %(date)s")
            % {
                "name": rs.name,
                "version": rs.version,
                "date": rs.effective_from.strftime("%d/%m/%Y"),
            }
        )

    def clean(self):
        data = super().clean()
        order = ["self_assessment_due", "scoring_due", "unit_submission_due", "sign_off_due"]
        dates = [(name, data.get(name)) for name in order]
        for (_before, earlier), (name, later) in zip(dates, dates[1:], strict=False):
            if earlier and later and later < earlier:
                self.add_error(
                    name,
                    _("%(field)s phải sau hoặc cùng ngày với hạn trước nó.")
                    % {"field": self.fields[name].label},
                )
        return data


class SourceOverrideForm(forms.Form):
    """The scorer's replacement for a quantity a source system sent, with the reason
    (`services.work_item_source_override`; issue 14)."""

    item = WholeNumberField(widget=forms.HiddenInput)
    revision = WholeNumberField(widget=forms.HiddenInput)
    done = PointsField(label=_("Khối lượng hoàn thành"), min_value=Decimal("0"))
    reason = forms.CharField(label=_("Lý do sửa"), max_length=2000)


class TransferImportForm(forms.Form):
    """The former agency's spreadsheet of a transferred person's months, and why it is
    imported (`evaluation.annual.transfers`)."""

    file = forms.FileField(
        label=_("Tệp kết quả tháng ở cơ quan cũ (.xlsx hoặc .csv)"),
        help_text=_("Dòng 1 là tên cột như tệp mẫu."),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
        error_messages={"required": _("Chọn tệp cần nhập.")},
    )
    reason = forms.CharField(
        label=_("Lý do nhập"),
        max_length=100,
        help_text=_("Ghi vào lịch sử thay đổi của từng dòng được nhập."),
        error_messages={"required": _("Hãy ghi lý do nhập tệp.")},
    )
