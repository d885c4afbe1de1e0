"""Production settings and response headers: what `check --deploy` and a browser see."""

import os
import runpy
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

BASE_DIR = Path(__file__).resolve().parents[2]


def _manage(*args, **env_vars) -> subprocess.CompletedProcess:
    """manage.py with the production settings and only the given environment (DEBUG off)."""
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(64), **env_vars}
    for unset in (
        "DJANGO_SETTINGS_MODULE",
        "ALLOWED_HOSTS",
        "CSRF_TRUSTED_ORIGINS",
        "SECURE_SSL_REDIRECT",
        "SECURE_PROXY_SSL_HEADER",
        "SECURE_COOKIES",
        "SECURE_HSTS_SECONDS",
        "DJANGO_ALLOW_ASYNC_UNSAFE",
    ):
        if unset not in env_vars:
            env.pop(unset, None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_check_deploy_reports_nothing_with_debug_off_and_nothing_else_set():
    """Secure by default: the HTTPS redirect is on unless SECURE_SSL_REDIRECT=0 turns it off."""
    result = _manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_proxy_ssl_header_comes_from_the_environment_and_the_redirect_opt_out_is_explicit():
    shown = _manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.SECURE_PROXY_SSL_HEADER, s.SECURE_SSL_REDIRECT)",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO",
        SECURE_SSL_REDIRECT="0",
    )
    assert shown.stdout.strip() == "('HTTP_X_FORWARDED_PROTO', 'https') False", shown.stdout + shown.stderr


@pytest.mark.django_db
def test_behind_a_tls_proxy_the_https_redirect_does_not_loop(settings):
    """The proxy terminates TLS and forwards plain HTTP with X-Forwarded-Proto: https; that
    request is served, and only a request that came in over HTTP is redirected."""
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    url = reverse("login")
    behind_proxy = client.get(url, HTTP_X_FORWARDED_PROTO="https")
    assert behind_proxy.status_code == 200
    assert behind_proxy["Strict-Transport-Security"].startswith("max-age=")
    plain = client.get(url, HTTP_X_FORWARDED_PROTO="http")
    assert plain.status_code == 301 and plain["Location"] == f"https://testserver{url}"


def test_settings_refuse_to_start_without_secret_key_when_debug_is_off():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=BASE_DIR, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


@pytest.mark.django_db
def test_every_response_carries_the_security_headers(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["script-src"] == "'self'"
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    assert directives["frame-ancestors"] == "'none'"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_hsts_is_sent_on_https_when_debug_is_off(client):
    assert settings.DEBUG is False
    response = client.get(reverse("login"), secure=True)
    assert response["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "includeSubDomains" in response["Strict-Transport-Security"]


@pytest.mark.django_db
def test_session_and_csrf_cookies_are_http_only_and_secure(client, registrar1):
    response = client.post(
        reverse("login"), {"username": "registrar1", "password": "x-test-password-1"}, secure=True
    )
    assert response.status_code == 302
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert session_cookie["httponly"] is True
    assert session_cookie["secure"] is True
    assert session_cookie["samesite"] == "Lax"
    assert settings.CSRF_COOKIE_HTTPONLY and settings.CSRF_COOKIE_SECURE


def test_gunicorn_config_uses_threaded_workers_with_timeouts_and_recycling():
    """Issue 17 §5: a slow client holds a thread, not a worker; restarts are graceful."""
    config = runpy.run_path(str(BASE_DIR / "config" / "gunicorn.conf.py"))
    assert config["worker_class"] == "gthread" and config["threads"] > 1
    assert 0 < config["timeout"] < config["graceful_timeout"]
    assert config["max_requests"] > 0 and config["max_requests_jitter"] > 0
    assert config["keepalive"] > 0 and config["limit_request_line"] and config["limit_request_fields"]
