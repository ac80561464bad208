"""The personal token page: a person creates a token (shown once) and revokes their own."""

import re

import pytest

from hrsystem.api import services
from hrsystem.api.models import ApiToken
from tests.api.conftest import call

pytestmark = pytest.mark.django_db

URL = "/api/tokens/"


def test_a_person_creates_a_token_shown_once_and_revokes_it(client, api):
    client.force_login(api.binh.user)
    page = client.post(URL, {"create": ""}).content.decode()
    text = re.search(r'id="new-token">(hrs_[^<]+)<', page).group(1)
    assert call(text).get("/api/v1/people/").status_code == 200
    assert text not in client.get(URL).content.decode()
    token = ApiToken.objects.get(user=api.binh.user)
    client.post(URL, {"revoke": "", "token": token.pk})
    assert call(text).get("/api/v1/people/").status_code == 401


def test_nobody_revokes_anothers_token(client, api):
    token, text = services.api_token_issue(by=api.binh.user)
    client.force_login(api.an.user)
    assert client.post(URL, {"revoke": "", "token": token.pk}).status_code == 404
    assert client.post(URL, {"revoke": "", "token": "x"}).status_code == 404
    assert call(text).get("/api/v1/people/").status_code == 200


def test_the_page_lists_only_the_persons_own_tokens(client, api):
    services.api_token_issue(by=api.binh.user)
    client.force_login(api.an.user)
    assert client.get(URL).context["tokens"].count() == 0


def test_the_page_needs_a_login(client, api):
    assert client.get(URL).status_code == 302
