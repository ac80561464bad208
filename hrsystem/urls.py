"""Root URL configuration."""

from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from hrsystem import import_views, qualification_views, views
from hrsystem.forms import LoginForm

account_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
]

organisation_patterns = [
    path("org/", views.org_chart, name="org_chart"),
    path("org/units/<int:unit_id>/", views.unit_detail, name="unit_detail"),
    path("people/", views.directory, name="directory"),
    path("jobs/<int:pk>/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("catalogue/import/", views.catalogue_import, name="catalogue_import"),
    path("org/import/", import_views.organisation_import, name="organisation_import"),
    path(
        "people/<int:employee_id>/qualifications/",
        qualification_views.person_qualifications,
        name="person_qualifications",
    ),
    path(
        "people/qualifications/<int:pk>/scan/",
        qualification_views.qualification_evidence,
        name="qualification_evidence",
    ),
    path(
        "org/qualifications/",
        qualification_views.qualification_statistics_page,
        name="qualification_statistics",
    ),
    path(
        "org/qualifications.xlsx",
        qualification_views.qualification_statistics_xlsx,
        name="qualification_statistics_xlsx",
    ),
]

urlpatterns = [
    path("", views.home, name="home"),
    # browsers ask for /favicon.ico whatever the page's <link rel="icon"> says
    path("favicon.ico", views.favicon, name="favicon"),
    path("", include((organisation_patterns, "hrsystem"))),
    path("", include("evaluation.urls")),
    path("", include("evaluation.annual.urls")),
    path("discipline/", include("discipline.urls")),
    path("accounts/", include(account_patterns)),
    path("api/", include("hrsystem.api.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
