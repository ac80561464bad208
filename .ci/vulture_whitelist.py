# ruff: noqa: B018  (a vulture whitelist: each line only names what is used)
"""Names vulture cannot see used: read by templates, Django or test fixtures, or kept for
an issue that wires them. Each line names its user; a name nothing uses goes, not here."""

from discipline import forms as discipline_forms
from evaluation import forms, models, presenters, selectors
from evaluation.annual.personnel import forms as personnel_forms
from evaluation.paper import annual as paper_annual
from hrsystem import (
    admin,
    clock,
    context_processors,
    imports,
    middleware,
    passwords,
    views,
)
from hrsystem.api import authentication, pagination, schema
from hrsystem.api import permissions as api_permissions
from hrsystem.api import views as api_views

# Read by templates.
forms.ScoreRowForm.criterion_cells  # _score_row.html, appeal_decide.html
forms.ScoreRowForm.item_fields  # _score_row.html
presenters.Breakdown.items_total  # _breakdown.html
presenters.Quota.over  # scoring.html
models.Appeal.decider_name  # result_detail.html, appeal_decide.html
imports.Report.unchanged  # catalogue_import.html
paper_annual.YearSheet.roll_up_label  # paper/year_sheet_pdf.html
paper_annual.YearSheet.unit_level_label  # paper/year_sheet_pdf.html

# Called by Django's forms.
discipline_forms.PersonPicker.value_from_datadict  # Widget API
personnel_forms.RuleForm.validate_unique  # ModelForm API: left to the service
discipline_forms.PersonPicker.value_omitted_from_data  # Widget API
selectors.UnitOverview.opens  # overview.html

# Called by Django or the test suite.
admin.DatedForm._get_validation_exclusions  # ModelForm validation hook
context_processors.current_person  # settings.TEMPLATES context_processors
clock.travel_to  # tests: the `clock` fixture
middleware.client_address  # settings.AXES_CLIENT_IP_CALLABLE
passwords.NotTheAgencyValidator.validate  # settings.AUTH_PASSWORD_VALIDATORS
views.locked_out  # settings.AXES_LOCKOUT_CALLABLE
clock.reset  # tests: the `clock` fixture

# Called by Django REST framework and drf-spectacular (named in settings.REST_FRAMEWORK, or
# found by their base classes).
authentication.TokenAuthentication.authenticate
authentication.TokenAuthentication.authenticate_header
pagination.Pages
api_permissions.HasScope.has_permission
schema.TokenScheme
api_views.SubscriptionDetail.perform_destroy
