"""URLs of the discipline ledger, included from the root URLconf under `discipline/`."""

from django.urls import path

from . import views

app_name = "discipline"

urlpatterns = [
    path("inspections/", views.inspection_list, name="inspection_list"),
    path("inspections/new/", views.inspection_plan, name="inspection_plan"),
    path("inspections/plans/", views.year_plans, name="year_plans"),
    path("inspections/plans/<int:pk>/", views.year_plan_detail, name="year_plan_detail"),
    path("inspections/<int:pk>/", views.inspection_detail, name="inspection_detail"),
    path(
        "inspections/<int:pk>/checklist/<int:unit_pk>/",
        views.inspection_checklist,
        name="inspection_checklist",
    ),
    path("inspections/<int:pk>/report.pdf", views.inspection_report_pdf, name="inspection_pdf"),
    path("violations/", views.violation_list, name="violation_list"),
    path("violations/mine/", views.my_violations, name="my_violations"),
    path("violations/contested/", views.contested_list, name="contested_list"),
    path("violations/new/", views.conduct_record, name="conduct_record"),
    path("violations/<int:pk>/", views.violation_detail, name="violation_detail"),
    path("violations/<int:pk>/evidence/", views.violation_evidence, name="violation_evidence"),
    path("decisions/", views.decision_list, name="decision_list"),
    path("decisions/new/", views.decision_record, name="decision_record"),
    path("decisions/<int:pk>/", views.decision_detail, name="decision_detail"),
    path("desk/", views.desk, name="desk"),
    path("desk/dossiers/new/", views.dossier_record, name="dossier_record"),
    path("desk/dossiers/<int:pk>/", views.dossier_detail, name="dossier_detail"),
    path("desk/counts/import/", views.count_import, name="count_import"),
    path("desk/timeliness/", views.timeliness, name="timeliness"),
    path("desk/timeliness.pdf", views.timeliness_pdf, name="timeliness_pdf"),
    path("desk/timeliness.xlsx", views.timeliness_xlsx, name="timeliness_xlsx"),
    path("complaints/", views.complaint_list, name="complaint_list"),
    path("complaints/<int:pk>/", views.complaint_detail, name="complaint_detail"),
    path("suggestions/", views.suggestion_list, name="suggestion_list"),
    path("surveys/", views.survey_dashboard, name="survey_dashboard"),
    path("commitments/", views.commitment_board, name="commitment_board"),
    path("people/search/", views.people_search, name="people_search"),
    path("reports/", views.report_dashboard, name="report_dashboard"),
    path("reports/export.xlsx", views.report_xlsx, name="report_xlsx"),
]
