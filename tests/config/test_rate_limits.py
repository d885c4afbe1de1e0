"""Limits per client address: the public coupon check, and wrong passwords across usernames
(django-axes locks one username at one address; this stops spraying over many usernames)."""

import pytest
from django.conf import settings as project_settings
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db

PASSWORD = "x-test-password-1"


def client_at(address):
    return Client(REMOTE_ADDR=address, HTTP_ACCEPT_LANGUAGE="en")


def test_the_public_coupon_check_is_limited_per_address_with_429(settings, coupon):
    settings.COUPON_CHECKS_PER_MINUTE = 3
    url = reverse("coupon_verify", args=[coupon.token])
    guesser = client_at("203.0.113.7")
    assert [guesser.get(url).status_code for _ in range(3)] == [200, 200, 200]
    response = guesser.get(url)
    assert response.status_code == 429
    assert "Too many coupon checks from your address" in response.content.decode()
    assert guesser.get(reverse("coupon_verify", args=["another-token"])).status_code == 429
    assert client_at("203.0.113.8").get(url).status_code == 200  # another address is not slowed


def test_wrong_passwords_for_many_usernames_from_one_address_lock_that_address(settings, registrar1):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 6
    sprayer = client_at("198.51.100.9")
    for number in range(6):  # one guess each: no username reaches its own lockout
        response = sprayer.post(reverse("login"), {"username": f"user{number}", "password": "Winter2026!"})
        assert response.status_code == 200
    response = sprayer.post(reverse("login"), {"username": "registrar1", "password": PASSWORD})
    assert response.status_code == 429
    assert "Too many failed logins from your address" in response.content.decode()
    assert "_auth_user_id" not in sprayer.session
    response = sprayer.post(reverse("admin:login"), {"username": "admin", "password": "x"})
    assert response.status_code == 429
    # The same registrar from another address logs in.
    other = client_at("198.51.100.10")
    assert other.post(reverse("login"), {"username": "registrar1", "password": PASSWORD}).status_code == 302


def test_the_address_limit_is_higher_than_the_username_lockout():
    assert project_settings.AXES_ADDRESS_FAILURE_LIMIT > project_settings.AXES_FAILURE_LIMIT
