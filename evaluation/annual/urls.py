"""URLs of the year, included from the root URLconf under the `annual` namespace."""

from django.urls import path

from . import views

app_name = "annual"

urlpatterns = [
    path("year/<int:year>/", views.year_page, name="year"),
    path("year/<int:year>/run/", views.year_run, name="run"),
    path("year/<int:year>/units/", views.units_page, name="units"),
    path("year/<int:year>/me/", views.my_year, name="mine"),
    path("year/<int:year>/people/<int:employee_id>/", views.person_page, name="person"),
]
