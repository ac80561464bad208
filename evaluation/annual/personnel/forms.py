"""Forms of the personnel board: the report's day and window, a proposal, a rule version."""

from django import forms
from django.utils.translation import gettext_lazy as _

from evaluation.annual.personnel_models import PersonnelRule, ProposalKind
from hrsystem import selectors as hr_selectors
from hrsystem.forms import WholeNumberField
from hrsystem.models import Employee, PostKind, Unit

DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]
DAYS_DEFAULT = 180


def _date(label, **kwargs):
    return forms.DateField(
        label=label,
        input_formats=DATE_FORMATS,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        **kwargs,
    )


class ReportForm(forms.Form):
    """The day the report is read on and how many days ahead it looks."""

    on = _date(_("Ngày xét"), required=False)
    days = WholeNumberField(
        label=_("Trong vòng (ngày)"), min_value=1, max_value=1095, required=False
    )


class ProposalForm(forms.Form):
    """A proposal to appoint, reappoint or rotate someone of the agency."""

    employee = forms.ModelChoiceField(label=_("Cán bộ"), queryset=Employee.objects.none())
    kind = forms.ChoiceField(label=_("Loại đề xuất"), choices=ProposalKind.choices)
    from_unit = forms.ModelChoiceField(label=_("Từ đơn vị"), queryset=Unit.objects.none())
    to_unit = forms.ModelChoiceField(label=_("Đến đơn vị"), queryset=Unit.objects.none())
    post_kind = forms.ChoiceField(label=_("Chức vụ"), choices=PostKind.choices)
    effective_on = _date(_("Dự kiến từ ngày"))
    reason = forms.CharField(label=_("Lý do đề xuất"), widget=forms.Textarea(attrs={"rows": 3}))
    acknowledgement = forms.CharField(
        label=_("Lý do vẫn đề xuất dù có cảnh báo"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Bắt buộc khi đề xuất có cảnh báo."),
    )

    def __init__(self, *args, organisation, on, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organisation=organisation).order_by("path")
        self.fields["from_unit"].queryset = units
        self.fields["to_unit"].queryset = units
        self.fields["employee"].queryset = (
            Employee.objects.filter(
                hr_selectors.active_on(on, prefix="assignments__"),
                assignments__unit__organisation=organisation,
            )
            .distinct()
            .order_by("sort_key", "code")
        )


class RuleForm(forms.ModelForm):
    """A version of the agency's personnel rule; `note` says why it is issued."""

    class Meta:
        model = PersonnelRule
        fields = (
            "effective_from",
            "enabled",
            "years_counted",
            "reappoint_person_levels",
            "reappoint_unit_levels",
            "rotation_person_levels",
            "rotation_unit_levels",
            "legal_basis",
            "note",
        )
        widgets = {
            "effective_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 2}),
        }

    def validate_unique(self):
        """Left to the service: a version of a day already issued is corrected, not refused."""
