"""Login hardening: lockout after failed passwords, strong passwords, session expiry,
logout everywhere on a password change, a second factor for administrators who set one up."""

import datetime

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.sessions.models import Session
from django.http import HttpRequest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db

PASSWORD = "x-test-password-1"


def login_post(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_failed_logins_lock_the_username_at_that_address(client, registrar1, registrar2):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _attempt in range(5):
        response = login_post(client, "registrar1", "wrong password")
    assert response.status_code == 429
    # Even the right password is refused now, with a clear page.
    response = login_post(client, "registrar1", PASSWORD)
    assert response.status_code == 429
    assert "Too many failed logins" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # Another member of staff at the same clinic address still logs in.
    other = Client(HTTP_ACCEPT_LANGUAGE="en")
    assert login_post(other, "registrar2", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_failure_count(client, registrar1):
    for _attempt in range(4):
        login_post(client, "registrar1", "wrong password")
    assert login_post(client, "registrar1", PASSWORD).status_code == 302
    assert not AccessAttempt.objects.filter(username="registrar1", failures_since_start__gt=0).exists()


def test_test_client_login_passes_the_request_to_the_lockout_backend(client, registrar1):
    assert client.login(request=HttpRequest(), username="registrar1", password=PASSWORD)
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Short-1a", "This password is too short. It must contain at least 12 characters."),
        ("123456789012345", "This password is entirely numeric."),
        ("password1234", "This password is too common."),
        ("registrar1-x", "The password is too similar to the username."),
    ],
)
def test_weak_passwords_are_refused(client, registrar1, password, message):
    client.force_login(registrar1)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    registrar1.refresh_from_db()
    assert registrar1.check_password(PASSWORD)


def test_password_change_logs_out_every_other_session(registrar1):
    desk, laptop = Client(), Client()
    desk.force_login(registrar1)
    laptop.force_login(registrar1)
    assert laptop.get(reverse("home")).status_code == 200
    new_password = "Тау-самалы 2026 көктем"
    response = desk.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
    )
    assert response.status_code == 302
    # The session that changed the password stays logged in; the other one is logged out.
    assert desk.get(reverse("home")).status_code == 200
    response = laptop.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
    assert User.objects.get(pk=registrar1.pk).check_password(new_password)


def _session_row(client):
    return Session.objects.get(session_key=client.session.session_key)


def test_session_expires_after_thirty_minutes_without_a_request(client, registrar1):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST and settings.SESSION_EXPIRE_AT_BROWSER_CLOSE
    client.force_login(registrar1)
    assert client.get(reverse("home")).status_code == 200
    # Half an hour passes without a request: the stored session has expired.
    Session.objects.filter(pk=_session_row(client).pk).update(
        expire_date=timezone.now() - datetime.timedelta(seconds=1)
    )
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_every_request_pushes_the_session_expiry_on(client, registrar1):
    client.force_login(registrar1)
    client.get(reverse("home"))
    soon = timezone.now() + datetime.timedelta(minutes=1)
    Session.objects.filter(pk=_session_row(client).pk).update(expire_date=soon)
    assert client.get(reverse("home")).status_code == 200
    assert _session_row(client).expire_date > timezone.now() + datetime.timedelta(minutes=29)


def _admin_login(client, **extra):
    data = {"username": "admin", "password": PASSWORD, "next": reverse("admin:index"), **extra}
    return client.post(reverse("admin:login"), data)


def _device(user, confirmed=True):
    return TOTPDevice.objects.create(user=user, name="phone", confirmed=confirmed)


def _current_token(device):
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_admin_without_a_device_logs_in_with_a_password(client, rules_admin):
    _device(rules_admin, confirmed=False)  # an unconfirmed device does not count
    assert _admin_login(client).status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_with_a_confirmed_device_needs_the_token(client, rules_admin):
    device = _device(rules_admin)
    response = _admin_login(client)
    assert response.status_code == 200
    assert "Enter the code from your authenticator app." in response.content.decode()
    response = _admin_login(client, otp_device=device.persistent_id, otp_token="000000")
    assert response.status_code == 200
    assert "The code is wrong or has expired" in response.content.decode()
    assert "_auth_user_id" not in client.session
    # A wrong code throttles the device for a moment (django-otp); the administrator waits.
    assert TOTPDevice.objects.get(pk=device.pk).throttling_failure_count == 1
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_timestamp=None)
    response = _admin_login(client, otp_device=device.persistent_id, otp_token=_current_token(device))
    assert response.status_code == 302
    assert client.get(reverse("admin:index")).status_code == 200


def test_admin_with_a_device_logged_in_without_it_cannot_open_the_admin(client, rules_admin):
    _device(rules_admin)
    client.force_login(rules_admin)  # e.g. through the registrars' login page
    assert client.get(reverse("home")).status_code == 200
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_registrars_never_need_a_second_factor(client, registrar1):
    _device(registrar1)
    assert login_post(client, "registrar1", PASSWORD).status_code == 302
    assert client.get(reverse("patients:search")).status_code == 200
