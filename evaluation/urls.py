"""URLs of the monthly cycle, included from the root URLconf under the `evaluation` namespace."""

from django.urls import path

from . import views

app_name = "evaluation"

urlpatterns = [
    path("month/", views.my_month, name="my_month"),
    path("month/<int:pk>/", views.my_month, name="my_month_of"),
    path("evidence/<int:pk>/", views.work_evidence, name="work_evidence"),
    path("results/", views.my_results, name="my_results"),
    path("notifications/read/", views.notifications_read, name="notifications_read"),
    path("results/<int:pk>/", views.result_detail, name="result_detail"),
    path("results/<int:pk>/appeal/", views.appeal_file, name="appeal_file"),
    path("results/<int:pk>/form.<slug:fmt>", views.person_form, name="person_form"),
    path(
        "periods/<int:period_pk>/units/<int:unit_pk>/forms/<slug:kind>/",
        views.unit_form,
        name="unit_form",
    ),
    path(
        "periods/<int:period_pk>/units/<int:unit_pk>/issue/",
        views.unit_form_sign,
        name="unit_form_sign",
    ),
    path("periods/<int:period_pk>/signed/", views.signed_upload, name="signed_upload"),
    path("periods/<int:period_pk>/forms/sheets/", views.sheets_job, name="sheets_job"),
    path("forms/jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("documents/<int:pk>/<slug:which>/", views.issued_document, name="issued_document"),
    path("appeals/<int:pk>/", views.appeal_decide, name="appeal_decide"),
    path("periods/", views.period_list, name="period_list"),
    path("quarters/", views.quarter_results, name="quarter_results"),
    path("income/", views.income_list, name="income_list"),
    path("income/list.xlsx", views.income_xlsx, name="income_xlsx"),
    path("income/list.pdf", views.income_pdf, name="income_pdf"),
    path("periods/open/", views.period_open, name="period_open"),
    path("periods/<int:period_pk>/", views.overview, name="overview"),
    path("periods/<int:period_pk>/units/", views.units_action, name="units_action"),
    path("periods/<int:period_pk>/reopen/", views.period_reopen, name="period_reopen"),
    path("reopenings/<int:pk>/", views.reopening, name="reopening"),
    path("periods/<int:period_pk>/completeness/", views.completeness, name="completeness"),
    path("score/", views.scoring_current, name="scoring_current"),
    path("periods/<int:period_pk>/score/", views.scoring_page, name="scoring"),
    path("periods/<int:period_pk>/score/bulk/", views.score_bulk, name="score_bulk"),
    path(
        "periods/<int:period_pk>/score/<int:pk>/preview/",
        views.score_preview,
        name="score_preview",
    ),
    path("periods/<int:period_pk>/score/<int:pk>/save/", views.score_save, name="score_save"),
    path("periods/<int:period_pk>/score/source/", views.source_override, name="source_override"),
    path(
        "periods/<int:period_pk>/score/<int:pk>/add/<slug:what>/",
        views.score_add,
        name="score_add",
    ),
    path(
        "periods/<int:period_pk>/units/<int:unit_pk>/submit/",
        views.unit_submit,
        name="unit_submit",
    ),
    path("periods/<int:period_pk>/step/<slug:action>/", views.period_action, name="period_action"),
]
