"""Clients and tokens: shown once, stored hashed, refused when revoked or expired, logged."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from hrsystem import clock as product_clock
from hrsystem.api import services
from hrsystem.api.models import ApiCall, ApiToken, Scope
from tests.api.conftest import call

pytestmark = pytest.mark.django_db

UNITS = "/api/v1/units/"


def test_it_stores_only_the_hash_of_the_token(api):
    token = ApiToken.objects.get(client=api.qlvb)
    prefix, secret = api.qlvb_token.split("_")[1], api.qlvb_token.split("_", 2)[2]
    assert token.prefix == prefix
    assert secret not in token.secret_hash
    assert len(token.secret_hash) == 64


def test_it_answers_401_without_a_token_or_with_a_wrong_one(api):
    assert call().get(UNITS).status_code in (401, 403)
    response = call("hrs_nothing_here").get(UNITS)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert call("not-a-token").get(UNITS).status_code == 401
    wrong_secret = api.qlvb_token[:-3] + "xyz"
    assert call(wrong_secret).get(UNITS).status_code == 401


def test_it_refuses_a_revoked_token(api):
    assert call(api.qlvb_token).get(UNITS).status_code == 200
    services.api_token_revoke(token=ApiToken.objects.get(client=api.qlvb), by=api.to_chuc.user)
    assert call(api.qlvb_token).get(UNITS).status_code == 401


def test_it_refuses_an_expired_token(api, clock):
    _token, text = services.api_token_issue(
        client=api.qlvb, expires_at=product_clock.now() + timedelta(days=1), by=api.to_chuc.user
    )
    assert call(text).get(UNITS).status_code == 200
    clock.travel_to(product_clock.today() + timedelta(days=2))
    assert call(text).get(UNITS).status_code == 401


def test_only_hr_of_the_agency_registers_a_client(api):
    for user in (api.truong_tc.user, api.binh.user):
        with pytest.raises(PermissionDenied):
            services.api_client_register(
                organisation=api.org, name="Một cửa", scopes=[Scope.UNITS_READ], by=user
            )
    with pytest.raises(PermissionDenied):
        services.api_client_register(
            organisation=api.other_org, name="X", scopes=[Scope.UNITS_READ], by=api.to_chuc.user
        )


def test_it_names_a_bad_scope_and_a_taken_name(api):
    with pytest.raises(ValidationError) as error:
        services.api_client_register(
            organisation=api.org, name="QLVB", scopes=["everything"], by=api.to_chuc.user
        )
    assert set(error.value.message_dict) == {"name", "scopes"}


def test_another_agencys_hr_cannot_revoke_a_token(api):
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=ApiToken.objects.get(client=api.khac), by=api.to_chuc.user)


def test_a_personal_token_is_revoked_by_its_owner_only(api):
    token, text = services.api_token_issue(by=api.binh.user)
    assert token.client is None
    assert call(text).get(UNITS).status_code == 200
    with pytest.raises(PermissionDenied):
        services.api_token_revoke(token=token, by=api.to_chuc.user)
    services.api_token_revoke(token=token, by=api.binh.user)
    assert call(text).get(UNITS).status_code == 401


def test_a_client_without_the_scope_gets_403(api):
    client, text = services.api_client_register(
        organisation=api.org, name="Một cửa", scopes=[Scope.UNITS_READ], by=api.to_chuc.user
    )
    assert call(text).get(UNITS).status_code == 200
    for url in ("/api/v1/people/", "/api/v1/periods/", "/api/v1/results/"):
        assert call(text).get(url).status_code == 403
    assert call(text).post("/api/v1/work-items/", {}, format="json").status_code == 403


def test_every_call_is_logged_with_its_client_status_and_rows(api):
    call(api.qlvb_token).get(UNITS)
    call(api.qlvb_token).get("/api/v1/results/?period=x")
    logged = list(ApiCall.objects.filter(client=api.qlvb).order_by("id"))
    assert [(row.path, row.status) for row in logged] == [
        (UNITS, 200),
        ("/api/v1/results/?period=x", 400),
    ]
    assert logged[0].rows == 7
    assert logged[0].user == api.qlvb.account
