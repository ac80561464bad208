"""Nobody gets in by guessing: repeated wrong passwords lock the account and the address
for a while (django-axes), an administrator unlocks, and passwords anyone could guess
from the login screen or the agency's letterhead are refused."""

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def attempt(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_it_locks_an_account_after_repeated_wrong_passwords(client, agency, settings):
    for number in range(30):
        attempt(client, "thu", f"doan-mo-{number}", address=f"10.0.1.{number}")
    response = attempt(client, "thu", agency.password, address="10.0.2.1")
    assert response.status_code == 429
    assert not signed_in(client)
    page = response.content.decode()
    assert "Tạm khoá đăng nhập" in page
    assert f"{settings.AXES_COOLOFF_TIME.seconds // 60} phút" in page


def test_it_locks_an_address_that_tries_many_accounts(agency, settings):
    guesser = Client()
    for username in ["thu", "lan", "duc", "hanh", "binh", "mai"][: settings.AXES_FAILURE_LIMIT]:
        attempt(guesser, username, "123456", address="10.9.9.9")
    assert attempt(guesser, "quang", agency.password, address="10.9.9.9").status_code == 429
    elsewhere = Client()
    attempt(elsewhere, "quang", agency.password, address="10.1.1.1")
    assert signed_in(elsewhere)


def test_it_forgets_a_few_typos_once_the_right_password_is_typed(client, agency, settings):
    for _round in range(3):
        for number in range(settings.AXES_FAILURE_LIMIT - 1):
            attempt(client, "thu", f"go-nham-{number}")
        attempt(client, "thu", agency.password)
        assert signed_in(client)
        client.logout()


def test_an_administrator_unlocks_an_account_from_the_admin(client, agency, django_user_model):
    for number in range(10):
        attempt(Client(), "thu", f"doan-mo-{number}", address=f"10.0.3.{number}")
    assert attempt(client, "thu", agency.password, address="10.0.4.1").status_code == 429
    admin = django_user_model.objects.create_superuser("quantri", password="x")
    staff = Client()
    staff.force_login(admin)
    listing = staff.get(reverse("admin:axes_accessattempt_changelist"))
    assert listing.status_code == 200 and "thu" in listing.content.decode()
    for row in AccessAttempt.objects.filter(username="thu"):
        staff.post(reverse("admin:axes_accessattempt_delete", args=[row.pk]), {"post": "yes"})
    attempt(client, "thu", agency.password, address="10.0.4.1")
    assert signed_in(client)


def test_it_reads_the_address_a_trusted_proxy_saw(client, agency, settings):
    settings.TRUSTED_PROXIES = 1
    for number in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            LOGIN,
            {"username": f"khong-co-{number}", "password": "x"},
            REMOTE_ADDR="127.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{number}, 203.0.113.7",
        )
    office = Client()
    office.post(
        LOGIN,
        {"username": "thu", "password": agency.password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.4",
    )
    assert signed_in(office)
    response = client.post(
        LOGIN,
        {"username": "lan", "password": agency.password},
        REMOTE_ADDR="127.0.0.1",
        HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.7",
    )
    assert response.status_code == 429


@pytest.mark.parametrize(
    "password",
    [
        "ngan",
        "thu-2026-abc",
        "PhamThiThu!!",
        "binhxuyen@2026",
        "UBND Huyện Bình Xuyên",
        "12345678901",
    ],
)
def test_it_refuses_passwords_anyone_could_guess(agency, password):
    with pytest.raises(ValidationError):
        password_validation.validate_password(password, agency.users["thu"])


def test_it_accepts_a_long_unrelated_password(agency):
    password_validation.validate_password("sen-nở-mùa-hạ-42", agency.users["thu"])


def test_the_password_change_page_names_the_rule(client, agency):
    client.force_login(agency.users["thu"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": agency.password,
            "new_password1": "BinhXuyen#2026",
            "new_password2": "BinhXuyen#2026",
        },
    )
    assert response.status_code == 200
    assert "tên, mã cơ quan" in response.content.decode()
    agency.users["thu"].refresh_from_db()
    assert agency.users["thu"].check_password(agency.password)
