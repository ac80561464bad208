"""The shared layout: login, logout, language switch, error pages, home."""

import pytest
from django.template.loader import get_template
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(django_user_model):
    return django_user_model.objects.create_user(
        username="alice", password="mat-khau-dai-du", first_name="Lan", last_name="Nguyễn Thị"
    )


def test_it_sends_anonymous_visitors_to_login(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/"


def test_it_shows_the_login_page_in_vietnamese(client):
    response = client.get(reverse("login"))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="vi">' in html
    assert "Đăng nhập" in html
    assert "Chuyển đến nội dung chính" in html


def test_it_logs_in_and_greets_by_name(client, alice):
    response = client.post(
        reverse("login"), {"username": "alice", "password": "mat-khau-dai-du"}, follow=True
    )
    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Xin chào, Nguyễn Thị Lan" in response.content.decode()


def test_it_explains_a_wrong_password_in_vietnamese(client, alice):
    response = client.post(reverse("login"), {"username": "alice", "password": "sai"})
    assert response.status_code == 200
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.content.decode()


def test_it_logs_out_with_post(client, alice):
    client.force_login(alice)
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert client.get(reverse("home")).status_code == 302


def test_it_switches_to_english_and_back(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": reverse("home")}, follow=True
    )
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Hello, Nguyễn Thị Lan" in html
    assert "Log out" in html

    response = client.post(
        reverse("set_language"), {"language": "vi", "next": reverse("home")}, follow=True
    )
    assert "Đăng xuất" in response.content.decode()


def test_it_refuses_an_offsite_next_on_language_switch(client):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "https://evil.example/"}
    )
    assert response["Location"] == "/"


def test_it_renders_the_404_page_in_the_layout(client, alice):
    client.force_login(alice)
    response = client.get("/khong-co-trang-nay/")
    assert response.status_code == 404
    assert "Không tìm thấy trang" in response.content.decode()


def test_it_serves_htmx_locally(client):
    html = client.get(reverse("login")).content.decode()
    assert "/static/vendor/htmx/htmx.min.js" in html
    assert "://" not in html.split("<body")[0].replace('content="width', "")


def test_it_stays_in_vietnamese_for_an_english_browser(client):
    response = client.get(reverse("login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="vi">' in response.content.decode()


def test_it_ignores_an_unknown_language_cookie(client):
    client.cookies["django_language"] = "fr"
    assert '<html lang="vi">' in client.get(reverse("login")).content.decode()


def test_it_renders_the_500_page_without_a_request():
    html = get_template("500.html").render()
    assert "Hệ thống gặp lỗi" in html
    assert "/static/css/app.css" in html


def test_it_sends_an_expired_htmx_post_back_to_the_page_it_came_from(client):
    response = client.post(
        "/people/",
        headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/org/?org=BX"},
    )
    assert response["HX-Redirect"] == "/accounts/login/?next=/org/%3Forg%3DBX"


def test_it_leaves_other_htmx_redirects_alone(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/"}, headers={"HX-Request": "true"}
    )
    assert response.status_code == 302
    assert "HX-Redirect" not in response


def test_it_lets_a_person_change_their_password(client, alice):
    client.force_login(alice)
    assert "Đổi mật khẩu" in client.get(reverse("password_change")).content.decode()
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "mat-khau-dai-du",
            "new_password1": "mot-mat-khau-moi-2026",
            "new_password2": "mot-mat-khau-moi-2026",
        },
        follow=True,
    )
    assert "Đã đổi mật khẩu" in response.content.decode()
    alice.refresh_from_db()
    assert alice.check_password("mot-mat-khau-moi-2026")


def test_it_names_the_field_when_the_old_password_is_wrong(client, alice):
    client.force_login(alice)
    response = client.post(
        reverse("password_change"),
        {"old_password": "sai", "new_password1": "abcdefgh-2026", "new_password2": "abcdefgh-2026"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_old_password_errors"' in html
