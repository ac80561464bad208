"""Forms of the discipline pages: they clean and explain input; `services` does the writing.

Choices are always limited to the records the person may act on (units of their scope,
staff working there, the catalogue in force), so an id forged in a request is refused as
an invalid choice before any service runs. A service's refusal comes back as a
`ValidationError` keyed by field and is put on the form by `apply_errors`.
"""

from datetime import date
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from hrsystem.forms import WholeNumberField, refuse_foreign_digits

from . import display
from .models import (
    ApologyChannel,
    ApologyReason,
    ComplaintChannel,
    DisciplineForm,
    InspectionKind,
    SurveySource,
    ViolationStatus,
)
from .validators import validate_evidence

REASON = {"rows": 3, "maxlength": 2000}
DATE = {"type": "date"}


class DateInput(forms.DateInput):
    """A native date picker; the value travels as ISO yyyy-mm-dd whatever the language."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


def _date(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        widget=DateInput(),
        input_formats=["%Y-%m-%d", "%d/%m/%Y"],
        help_text=help_text,
    )


def _reason(label, *, required=True):
    return forms.CharField(
        label=label,
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs=REASON),
        error_messages={"required": _("Nhập %(label)s.") % {"label": str(label).lower()}},
    )


class PointsField(forms.DecimalField):
    """Points typed with a comma or a point ("2,5" or "2.5"), at least 0."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=Decimal(0),
            max_value=Decimal(100),
            max_digits=5,
            decimal_places=2,
            widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            **kwargs,
        )

    def to_python(self, value):
        refuse_foreign_digits(value, _("Hãy nhập một số, ví dụ 2,5."))
        if isinstance(value, str):
            value = value.strip().replace(",", ".")
        if value in self.empty_values:
            return None
        try:
            Decimal(str(value))
        except InvalidOperation as error:
            raise ValidationError(_("Hãy nhập một số, ví dụ 2,5."), code="invalid") from error
        return super().to_python(value)


class PersonPicker(forms.Widget):
    """A search box for people instead of a select of the whole agency: typing two letters
    or more asks `discipline:people_search` (htmx) for the matching people of the user's
    scope, optionally in the unit chosen in the form's `unit` field; each one chosen is a
    hidden input beside its name, with a button to take it off. Keyboard: arrows move
    between results, Enter chooses, Escape closes them (static/js/app.js)."""

    template_name = "discipline/widgets/person_picker.html"
    input_type = "search"

    def __init__(self, *, purpose: str, multiple: bool = False, attrs=None):
        super().__init__(attrs)
        self.purpose = purpose
        self.allow_multiple_selected = multiple

    def format_value(self, value):
        if value in (None, ""):
            return []
        values = value if isinstance(value, list | tuple) else [value]
        return [str(v) for v in values if v not in (None, "")]

    def value_from_datadict(self, data, files, name):
        if self.allow_multiple_selected:
            return data.getlist(name) if hasattr(data, "getlist") else data.get(name)
        return data.get(name)

    def value_omitted_from_data(self, data, files, name):
        return False  # nothing chosen is a choice too

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = context["widget"]["value"]
        queryset = getattr(self.choices, "queryset", None)
        people = []
        if chosen and queryset is not None:
            wanted = [int(pk) for pk in chosen if str(pk).isdigit()]
            people = list(queryset.filter(pk__in=wanted).values_list("pk", "full_name", "code"))
        context["widget"].update(
            purpose=self.purpose,
            multiple=self.allow_multiple_selected,
            chosen=people,
        )
        return context


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code})"


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.full_name} ({obj.code})"


class PlanLineChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return _("Quý %(quarter)s: %(unit)s — %(content)s") % {
            "quarter": obj.quarter,
            "unit": obj.unit.name,
            "content": obj.content,
        }


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.code})"


class CatalogueChoiceField(forms.ModelChoiceField):
    """A catalogue item shown with what it costs, so the inspector sees it before choosing."""

    def label_from_instance(self, obj):
        return _("%(description)s — trừ %(points)s điểm") % {
            "description": obj.description,
            "points": display.points_text(obj.default_points),
        }


class EvidenceField(forms.FileField):
    """An optional image or PDF, checked for size and real content type."""

    def __init__(self, **kwargs):
        super().__init__(
            label=_("Tệp minh chứng"),
            required=False,
            validators=[validate_evidence],
            help_text=_("Ảnh JPEG, PNG hoặc tệp PDF."),
            widget=forms.ClearableFileInput(attrs={"accept": ".jpg,.jpeg,.png,.pdf"}),
            **kwargs,
        )


class CheckForm(forms.Form):
    """One checklist item checked in a unit: met or not, a note, the evidence (a photo
    taken on the spot is accepted by phones through the file input)."""

    met = forms.TypedChoiceField(
        label=_("Kết quả"),
        choices=[("yes", _("Đạt")), ("no", _("Không đạt"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Ghi chú"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": 2000}),
    )
    evidence = forms.FileField(
        label=_("Tệp minh chứng"),
        required=False,
        validators=[validate_evidence],
        help_text=_("Ảnh JPEG, PNG hoặc tệp PDF."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,.pdf"}),
    )


def apply_errors(form: forms.Form, error: ValidationError, aliases: dict | None = None) -> None:
    """Put a service's ValidationError on `form`: each message on the field it names (or
    the alias of that name), the rest on the form as a whole."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, messages in error.message_dict.items():
        name = (aliases or {}).get(key, key)
        form.add_error(name if name in form.fields else None, messages)


# --- inspections -----------------------------------------------------------------------


class InspectionPlanForm(forms.Form):
    title = forms.CharField(label=_("Nội dung kiểm tra"), max_length=255)
    kind = forms.ChoiceField(
        label=_("Hình thức"), choices=InspectionKind.choices, widget=forms.RadioSelect
    )
    planned_on = _date(_("Ngày kiểm tra"))
    plan_reference = forms.CharField(
        label=_("Số kế hoạch / quyết định thành lập đoàn"), max_length=64, required=False
    )
    scope = UnitsChoiceField(
        label=_("Đơn vị được kiểm tra"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    head = PersonChoiceField(
        label=_("Trưởng đoàn"),
        queryset=None,
        help_text=_("Công chức giữ vai trò tổ kiểm tra công vụ của cơ quan Nội vụ."),
    )
    members = PeopleChoiceField(
        label=_("Thành viên đoàn"),
        queryset=None,
        required=False,
        widget=PersonPicker(purpose="inspection", multiple=True),
        help_text=_("Gõ từ 2 chữ cái của họ tên hoặc mã cán bộ để tìm."),
    )
    plan_line = PlanLineChoiceField(
        label=_("Thuộc kế hoạch kiểm tra năm"),
        queryset=None,
        required=False,
        help_text=_("Để trống với đợt kiểm tra ngoài kế hoạch năm."),
    )

    def __init__(self, *args, units, heads, staff, plan_lines, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].queryset = units
        self.fields["head"].queryset = heads
        self.fields["members"].queryset = staff
        self.fields["plan_line"].queryset = plan_lines


class YearPlanForm(forms.Form):
    year = WholeNumberField(label=_("Năm"), min_value=2000, max_value=2100)
    number = forms.CharField(label=_("Số kế hoạch"), max_length=64)
    issued_on = _date(_("Ngày ban hành"))


class PlanLineForm(forms.Form):
    quarter = forms.TypedChoiceField(
        label=_("Quý"), choices=[(q, q) for q in range(1, 5)], coerce=int
    )
    unit = UnitChoiceField(label=_("Đơn vị được kiểm tra"), queryset=None)
    lead = PersonChoiceField(label=_("Người chủ trì"), queryset=None)
    kind = forms.ChoiceField(label=_("Hình thức"), choices=InspectionKind.choices)
    content = forms.CharField(label=_("Nội dung kiểm tra"), max_length=255)

    def __init__(self, *args, units, leads, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["lead"].queryset = leads


TARGETS = [("person", _("Một cán bộ")), ("unit", _("Tập thể đơn vị"))]


class TargetMixin:
    """A form against a person or a unit: `target` says which, and that one is required."""

    def clean(self):
        data = super().clean()
        if data.get("target") == "person" and not data.get("employee"):
            self.add_error("employee", _("Chọn cán bộ."))
        if data.get("target") == "unit" and not data.get("unit"):
            self.add_error("unit", _("Chọn đơn vị."))
        return data

    def target_kwargs(self) -> dict:
        """`employee=` or `unit=` for the service, whichever was chosen."""
        if self.cleaned_data["target"] == "unit":
            return {"unit": self.cleaned_data["unit"]}
        return {"employee": self.cleaned_data["employee"]}


class FindingForm(TargetMixin, forms.Form):
    """A finding on the spot: against a person or a unit of the inspection's scope."""

    target = forms.ChoiceField(
        label=_("Đối tượng vi phạm"), choices=TARGETS, initial="person", widget=forms.RadioSelect
    )
    employee = PersonChoiceField(label=_("Cán bộ vi phạm"), queryset=None, required=False)
    unit = UnitChoiceField(label=_("Đơn vị vi phạm"), queryset=None, required=False)
    item = CatalogueChoiceField(label=_("Hành vi vi phạm"), queryset=None)
    points = PointsField(
        label=_("Điểm trừ"),
        required=False,
        help_text=_("Để trống: dùng điểm trừ mặc định của danh mục."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea(attrs=REASON)
    )
    evidence = EvidenceField()

    def __init__(self, *args, staff, units, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = staff
        self.fields["unit"].queryset = units
        self.fields["item"].queryset = catalogue


class ConductForm(forms.Form):
    """A conduct breach recorded by a head or an inspector outside an inspection."""

    employee = PersonChoiceField(label=_("Cán bộ vi phạm"), queryset=None)
    item = CatalogueChoiceField(label=_("Hành vi vi phạm"), queryset=None)
    occurred_on = _date(_("Ngày vi phạm"))
    points = PointsField(
        label=_("Điểm trừ"),
        required=False,
        help_text=_("Để trống: dùng điểm trừ mặc định của danh mục."),
    )
    note = forms.CharField(
        label=_("Ghi chú"), required=False, max_length=2000, widget=forms.Textarea(attrs=REASON)
    )
    evidence = EvidenceField()

    def __init__(self, *args, staff, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = staff
        self.fields["item"].queryset = catalogue


class ReportForm(forms.Form):
    report = _reason(_("Báo cáo kết quả kiểm tra"))


class ContestForm(forms.Form):
    reason = _reason(_("Lý do khiếu nại"))


class DecideForm(forms.Form):
    OUTCOMES = [("uphold", _("Giữ nguyên vi phạm")), ("annul", _("Huỷ vi phạm"))]

    outcome = forms.ChoiceField(label=_("Quyết định"), choices=OUTCOMES, widget=forms.RadioSelect)
    reason = _reason(_("Lý do quyết định"))


FIRST_MONTH, LAST_MONTH = date(2000, 1, 1), date(2100, 12, 1)
"""The months a page may be asked for: a far year (9999-12) has no following month."""


def _month_field(*, required=True):
    """A month picked as yyyy-mm (the native month input), between 2000 and 2100."""
    return forms.DateField(
        label=_("Tháng"),
        required=required,
        input_formats=["%Y-%m"],
        validators=[MinValueValidator(FIRST_MONTH), MaxValueValidator(LAST_MONTH)],
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
    )


class ViolationFilterForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None, required=False)
    month = _month_field(required=False)
    item = forms.ChoiceField(label=_("Hành vi"), required=False)
    status = forms.ChoiceField(
        label=_("Trạng thái"),
        required=False,
        choices=[("", _("Tất cả"))] + list(ViolationStatus.choices),
    )

    def __init__(self, *args, units, catalogue, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["unit"].empty_label = _("Tất cả đơn vị")
        self.fields["item"].choices = [("", _("Tất cả"))] + [
            (item.code, item.description) for item in catalogue
        ]


class MonthForm(forms.Form):
    """A month picked as yyyy-mm (the native month input)."""

    month = _month_field()


class YearForm(forms.Form):
    year = WholeNumberField(label=_("Năm"), min_value=2000, max_value=2100)


# --- discipline decisions --------------------------------------------------------------


class DecisionForm(forms.Form):
    employee = PersonChoiceField(label=_("Người bị kỷ luật"), queryset=None)
    number = forms.CharField(label=_("Số quyết định"), max_length=64)
    decided_on = _date(_("Ngày quyết định"))
    signer_name = forms.CharField(label=_("Người ký"), max_length=255)
    signer_title = forms.CharField(label=_("Chức vụ người ký"), max_length=255)
    form = forms.ModelChoiceField(
        label=_("Hình thức kỷ luật"), queryset=DisciplineForm.objects.order_by("severity")
    )
    legal_basis = forms.CharField(
        label=_("Căn cứ pháp lý"), max_length=2000, widget=forms.Textarea(attrs=REASON)
    )
    effect_from = _date(_("Có hiệu lực từ ngày"))
    effect_to = _date(_("Hết hiệu lực ngày"), required=False)
    violations = forms.ModelMultipleChoiceField(
        label=_("Vi phạm liên quan"),
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 6}),
    )
    public_duty = forms.BooleanField(
        label=_("Vi phạm trong thi hành công vụ"), required=False, initial=True
    )

    def __init__(self, *args, staff, violations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = staff
        self.fields["violations"].queryset = violations
        self.fields["violations"].label_from_instance = lambda v: (
            _("%(name)s — %(item)s (%(day)s)")
            % {
                "name": v.employee.full_name,
                "item": v.item.description,
                "day": v.occurred_on.strftime("%d/%m/%Y"),
            }
        )


# --- the one-stop desk -----------------------------------------------------------------


class DossierForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị giải quyết"), queryset=None)
    code = forms.CharField(label=_("Mã hồ sơ"), max_length=64)
    procedure = forms.CharField(label=_("Thủ tục hành chính"), max_length=255, required=False)
    citizen_name = forms.CharField(label=_("Tổ chức, công dân"), max_length=255)
    officer = PersonChoiceField(
        label=_("Cán bộ xử lý"),
        queryset=None,
        widget=PersonPicker(purpose="dossier"),
        help_text=_("Gõ từ 2 chữ cái của họ tên hoặc mã cán bộ; chỉ người của đơn vị đã chọn."),
    )
    received_on = _date(_("Ngày tiếp nhận"))
    due_on = _date(_("Ngày hẹn trả"))
    settled_on = _date(_("Ngày trả kết quả"), required=False)

    def __init__(self, *args, units, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        self.fields["officer"].queryset = staff


class SettleForm(forms.Form):
    settled_on = _date(_("Ngày trả kết quả"))


class ApologyForm(forms.Form):
    """An apology to the citizen; `reasons` are the ones that fit what it answers."""

    reason = forms.ChoiceField(label=_("Xin lỗi vì"))
    recipient = forms.CharField(label=_("Gửi tổ chức, công dân"), max_length=255)
    cause = _reason(_("Nguyên nhân đã nêu"))
    signed_by = PersonChoiceField(label=_("Người ký, người xin lỗi"), queryset=None)
    channel = forms.ChoiceField(label=_("Hình thức"), choices=ApologyChannel.choices)
    number = forms.CharField(
        label=_("Số văn bản xin lỗi"),
        max_length=64,
        required=False,
        help_text=_("Bắt buộc khi xin lỗi bằng thư, văn bản."),
    )
    sent_on = _date(_("Ngày xin lỗi"))

    def __init__(self, *args, reasons, signers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].choices = [
            (value, label) for value, label in ApologyReason.choices if value in reasons
        ]
        self.fields["signed_by"].queryset = signers


class ExcuseForm(forms.Form):
    reason = _reason(_("Nguyên nhân khách quan"))


class CountImportForm(forms.Form):
    file = forms.FileField(
        label=_("Tệp số liệu (.xlsx hoặc .csv)"),
        help_text=_(
            "Dòng 1 là tên cột: ma_co_quan, ma_don_vi, nam, thang, dung_han, tre_han "
            "(ty_le_dung_han nếu có)."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise ValidationError(_("Chỉ nhận tệp .xlsx hoặc .csv."))
        if upload.size > 2 * 1024 * 1024:
            raise ValidationError(_("Tệp quá lớn: tối đa 2 MB."))
        return upload


# --- complaints, suggestions, surveys, commitments -------------------------------------


class ComplaintForm(TargetMixin, forms.Form):
    target = forms.ChoiceField(
        label=_("Đối tượng bị phản ánh"),
        choices=TARGETS,
        initial="person",
        widget=forms.RadioSelect,
    )
    employee = PersonChoiceField(label=_("Cán bộ bị phản ánh"), queryset=None, required=False)
    unit = UnitChoiceField(label=_("Đơn vị bị phản ánh"), queryset=None, required=False)
    channel = forms.ChoiceField(label=_("Kênh tiếp nhận"), choices=ComplaintChannel.choices)
    received_on = _date(_("Ngày tiếp nhận"))
    complainant = forms.CharField(label=_("Người phản ánh"), max_length=255, required=False)
    content = forms.CharField(
        label=_("Nội dung"), max_length=4000, widget=forms.Textarea(attrs=REASON)
    )

    def __init__(self, *args, staff, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employee"].queryset = staff
        self.fields["unit"].queryset = units


class ComplaintDecideForm(forms.Form):
    OUTCOMES = [("yes", _("Phản ánh đúng")), ("no", _("Phản ánh không đúng"))]

    outcome = forms.ChoiceField(label=_("Kết luận"), choices=OUTCOMES, widget=forms.RadioSelect)
    note = _reason(_("Nội dung kết luận"))


class SuggestionForm(forms.Form):
    opened_on = _date(_("Ngày mở hộp thư"))
    unit = UnitChoiceField(label=_("Đơn vị liên quan"), queryset=None, required=False)
    content = forms.CharField(
        label=_("Nội dung góp ý"), max_length=4000, widget=forms.Textarea(attrs=REASON)
    )
    response = forms.CharField(
        label=_("Kết quả xử lý"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs=REASON),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class SurveyForm(forms.Form):
    unit = UnitChoiceField(label=_("Đơn vị"), queryset=None)
    year = WholeNumberField(label=_("Năm"), min_value=2000, max_value=2100)
    month = WholeNumberField(label=_("Tháng"), min_value=1, max_value=12, required=False)
    period_label = forms.CharField(
        label=_("Kỳ khảo sát"),
        max_length=64,
        required=False,
        help_text=_("Khi không theo tháng, ví dụ: 6 tháng đầu năm."),
    )
    source = forms.ChoiceField(label=_("Nguồn"), choices=SurveySource.choices)
    respondents = WholeNumberField(label=_("Số người được khảo sát"), min_value=1)
    satisfied = WholeNumberField(label=_("Số người hài lòng"), min_value=0)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units


class CommitmentsIssueForm(forms.Form):
    year = WholeNumberField(label=_("Năm"), min_value=2000, max_value=2100)
    template = forms.CharField(
        label=_("Mẫu cam kết"),
        max_length=255,
        initial=_("Cam kết thực hiện “4 xin, 4 luôn”, “5 không”"),
    )
