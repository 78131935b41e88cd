"""The workspace shell: sign-in (with the second factor where required), the role menu, home, error
pages."""

from __future__ import annotations

import pytest
from django.test import Client
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

ROLES = ["admin", "inspector", "hr", "auditor", "head_a"]


def test_anonymous_is_sent_to_the_sign_in_page(page_for):
    response = page_for(None).get("/app/")
    assert response.status_code == 302
    assert response["Location"].startswith("/app/login/?next=/app/")


@pytest.mark.parametrize("role", ROLES)
def test_every_role_gets_its_home_in_vietnamese(page_for, role):
    response = page_for(role).get("/app/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="vi"' in html
    assert "Việc của tôi" in html


def test_a_user_without_role_gets_the_site_403_page(page_for):
    response = page_for("nobody").get("/app/")
    assert response.status_code == 403
    html = response.content.decode()
    assert "403" in html and "Bạn không được mở trang này" in html


def test_menu_follows_the_role(page_for):
    inspector = page_for("inspector").get("/app/").content.decode()
    head = page_for("head_a").get("/app/").content.decode()
    assert 'href="/app/inspections/"' in inspector and 'href="/app/inspections/"' in head
    # The reports link is everyone's; the admin link only the admin's and HR's.
    assert 'href="/admin/"' not in head
    assert 'href="/admin/"' in page_for("hr").get("/app/").content.decode()


def test_sign_in_with_password(users):
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    page = client.get("/app/login/")
    assert page.status_code == 200
    assert "Đăng nhập" in page.content.decode()
    response = client.post("/app/login/", {"username": "hr", "password": PASSWORD})
    assert response.status_code == 302 and response["Location"] == "/app/"
    assert client.get("/app/").status_code == 200


def test_wrong_password_is_refused_in_vietnamese(users):
    response = Client(HTTP_ACCEPT_LANGUAGE="vi").post(
        "/app/login/", {"username": "hr", "password": "nope-nope-nope"}
    )
    assert response.status_code == 200
    assert "Tên đăng nhập và mật khẩu chính xác" in response.content.decode()


def test_second_factor_is_asked_of_inspectors_when_required(users, settings):
    settings.REQUIRE_2FA = True
    device = TOTPDevice.objects.create(user=users["inspector"], name="phone", confirmed=True)
    client = Client(HTTP_ACCEPT_LANGUAGE="vi")
    assert 'name="otp_token"' in client.get("/app/login/").content.decode()
    refused = client.post("/app/login/", {"username": "inspector", "password": PASSWORD})
    assert refused.status_code == 200 and "nhập mã 6 chữ số" in refused.content.decode().lower()
    wrong = client.post(
        "/app/login/", {"username": "inspector", "password": PASSWORD, "otp_token": "000000"}
    )
    assert wrong.status_code == 200 and "Mã không hợp lệ" in wrong.content.decode()
    device.refresh_from_db()
    device.throttle_reset()  # django-otp slows down guessing after a failure
    token = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    ok = client.post(
        "/app/login/", {"username": "inspector", "password": PASSWORD, "otp_token": token}
    )
    assert ok.status_code == 302
    assert client.get("/app/").status_code == 200


def test_hr_signs_in_without_a_code_even_when_2fa_is_on(users, settings):
    settings.REQUIRE_2FA = True
    client = Client()
    assert client.post("/app/login/", {"username": "hr", "password": PASSWORD}).status_code == 302
    assert client.get("/app/").status_code == 200


def test_sign_out_is_a_post(page_for):
    client = page_for("hr")
    response = client.post("/app/logout/")
    assert response.status_code == 302
    assert client.get("/app/").status_code == 302


@pytest.mark.parametrize(
    ("language", "text"), [("vi", "Không tìm thấy trang"), ("en", "Page not found")]
)
def test_404_page_is_the_sites_own_in_both_languages(page_for, language, text):
    response = page_for("inspector", language).get("/app/inspections/NO-SUCH/")
    assert response.status_code == 404
    assert text in response.content.decode()


def test_500_page_is_the_sites_own(page_for, settings):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("vi"):
        html = render_to_string("500.html")
    assert "Đã có lỗi" in html


@pytest.mark.parametrize(
    ("language", "text"),
    [("vi", "Đăng nhập sai quá nhiều lần"), ("en", "Too many failed sign-in attempts")],
)
def test_sign_in_lockout_is_the_sites_429_page(users, settings, language, text):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    for _ in range(3):
        response = client.post("/app/login/", {"username": "hr", "password": "wrong-password"})
    assert response.status_code == 429
    assert text in response.content.decode()
    assert client.post("/app/login/", {"username": "hr", "password": PASSWORD}).status_code == 429
