"""`/api/v1/` endpoints, the OpenAPI schema and its documentation page."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from . import pages, views

app_name = "api"

urlpatterns = [
    path("v1/units/", views.UnitList.as_view(), name="units"),
    path("v1/units/<int:pk>/", views.UnitDetail.as_view(), name="unit"),
    path("v1/people/", views.PersonList.as_view(), name="people"),
    path("v1/people/<int:pk>/", views.PersonDetail.as_view(), name="person"),
    path("v1/periods/", views.PeriodList.as_view(), name="periods"),
    path("v1/periods/<int:pk>/", views.PeriodDetail.as_view(), name="period"),
    path("v1/results/", views.ResultList.as_view(), name="results"),
    path("v1/results/<int:pk>/", views.ResultDetail.as_view(), name="result"),
    path("v1/unit-results/", views.UnitResultList.as_view(), name="unit_results"),
    path("v1/annual-results/", views.AnnualResultList.as_view(), name="annual_results"),
    path(
        "v1/unit-annual-results/",
        views.UnitAnnualResultList.as_view(),
        name="unit_annual_results",
    ),
    path("v1/violations/", views.ViolationList.as_view(), name="violations"),
    path("v1/violations/<int:pk>/", views.ViolationDetail.as_view(), name="violation"),
    path("v1/decisions/", views.DecisionList.as_view(), name="decisions"),
    path("v1/decisions/<int:pk>/", views.DecisionDetail.as_view(), name="decision"),
    path("v1/work-items/", views.WorkItemBatch.as_view(), name="work_items"),
    path("v1/work-items/<int:pk>/override/", views.WorkItemOverride.as_view(), name="override"),
    path("v1/dossiers/", views.DossierBatch.as_view(), name="dossiers"),
    path("v1/dossier-counts/", views.DossierCountBatch.as_view(), name="dossier_counts"),
    path("v1/hr/units/", views.HrUnitBatch.as_view(), name="hr_units"),
    path("v1/hr/people/", views.HrPersonBatch.as_view(), name="hr_people"),
    path("v1/hr/posts/", views.HrPostBatch.as_view(), name="hr_posts"),
    path("v1/webhooks/", views.SubscriptionList.as_view(), name="webhooks"),
    path("v1/webhooks/<int:pk>/", views.SubscriptionDetail.as_view(), name="webhook"),
    path("tokens/", pages.my_tokens, name="my_tokens"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
]
