"""URLs of the year, included from the root URLconf under the `annual` namespace."""

from django.urls import path

from . import views, views_board, views_forms, views_transfers
from .personnel import views as personnel_views

app_name = "annual"

urlpatterns = [
    path("year/<int:year>/", views.year_page, name="year"),
    path("transfers/import/", views_transfers.transfer_import, name="transfer_import"),
    path("year/<int:year>/run/", views.year_run, name="run"),
    path("year/<int:year>/units/", views.units_page, name="units"),
    path("year/<int:year>/me/", views.my_year, name="mine"),
    path("year/<int:year>/people/<int:employee_id>/", views.person_page, name="person"),
]

# The procedure and the board's review (views_board).
urlpatterns += [
    path("year/<int:year>/board/", views_board.review_page, name="review"),
    path("year/<int:year>/board/decide/", views_board.decide, name="decide"),
    path("year/<int:year>/board/confirm-all/", views_board.confirm_all, name="confirm_all"),
    path("year/<int:year>/board/meeting/", views_board.board_meeting, name="board_meeting"),
    path("year/<int:year>/board/publish/", views_board.publish, name="publish"),
    path("year/<int:year>/board/reopen/", views_board.reopen, name="reopen"),
    path("year/<int:year>/board/deadline/", views_board.deadline, name="deadline"),
    path(
        "year/<int:year>/appeals/<int:appeal_id>/decide/",
        views_board.appeal_decide,
        name="appeal_decide",
    ),
    path("year/<int:year>/charts/", views_board.charts_page, name="charts"),
    path(
        "year/<int:year>/people/<int:employee_id>/procedure/",
        views_board.procedure_page,
        name="procedure",
    ),
    path(
        "year/<int:year>/people/<int:employee_id>/self/",
        views_board.self_assess,
        name="self_assess",
    ),
    path("year/<int:year>/people/<int:employee_id>/rate/", views_board.rate, name="rate"),
    path(
        "year/<int:year>/people/<int:employee_id>/appeal/",
        views_board.appeal_file,
        name="appeal",
    ),
    path(
        "year/<int:year>/people/<int:employee_id>/register/",
        views_board.register_title,
        name="register_title",
    ),
    path("year/<int:year>/units/<int:unit_id>/", views_board.unit_page, name="unit"),
    path("year/<int:year>/units/<int:unit_id>/meeting/", views_board.meeting, name="meeting"),
    path("year/<int:year>/units/<int:unit_id>/vote/", views_board.vote, name="vote"),
    path(
        "year/<int:year>/units/<int:unit_id>/register/",
        views_board.unit_register,
        name="unit_register",
    ),
]

# The year's official forms (views_forms).
urlpatterns += [
    path(
        "year/<int:year>/people/<int:employee_id>/form.<slug:fmt>",
        views_forms.person_form,
        name="person_form",
    ),
    path("year/<int:year>/forms/<slug:kind>.<slug:fmt>", views_forms.year_form, name="year_form"),
    path("year/<int:year>/forms/sheets/", views_forms.sheets_job, name="sheets_job"),
    path("year/<int:year>/forms/<slug:kind>/issue/", views_forms.issue, name="form_issue"),
]

# The personnel board (personnel.views).
urlpatterns += [
    path("personnel/", personnel_views.report_page, name="personnel"),
    path("personnel.xlsx", personnel_views.report_xlsx, name="personnel_xlsx"),
    path("personnel/propose/", personnel_views.propose, name="personnel_propose"),
    path("personnel/rule/", personnel_views.rule_page, name="personnel_rule"),
]
