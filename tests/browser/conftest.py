"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Playwright cannot download its own browser here; `make test` installs the `chromium` package.
A failed test leaves a screenshot in test-artifacts/.
"""

import os
import re
from pathlib import Path

import pytest
from django.core.management import call_command

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"report_{report.when}", report)


@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs it (apt-get install chromium)")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
    # (fixtures, assertions) stay synchronous and safe. Only while the browser runs.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield browser
            browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture
def page(browser, request):
    """A fresh browser context per test. Fails the test on what a user would not notice at once:
    content the Content-Security-Policy blocked, a server error on any request, a missing file."""
    context = browser.new_context(locale="ru-RU", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    csp_errors = []
    page.on(
        "console",
        lambda message: (
            csp_errors.append(f"{page.url}: {message.text}")
            if "Content Security Policy" in message.text
            else None
        ),
    )
    bad_responses = []
    page.on(
        "response",
        lambda response: (
            bad_responses.append(f"{response.status} {response.url}")
            if response.status >= 500 or response.status == 404
            else None
        ),
    )
    yield page
    failed = getattr(request.node, "report_call", None)
    if failed is not None and failed.failed:
        ARTIFACTS.mkdir(exist_ok=True)
        name = re.sub(r"[^\w.-]+", "_", request.node.nodeid)
        page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
        (ARTIFACTS / f"{name}.html").write_text(page.content(), encoding="utf-8")
    context.close()
    assert not csp_errors, f"the browser blocked content under the Content-Security-Policy: {csp_errors}"
    assert not bad_responses, f"failed requests: {bad_responses}"


@pytest.fixture
def demo(db):
    """The demo data (24 persons): its registrars, clinics, attachments and queue."""
    from patients.models import Person

    call_command("load_reference_data", verbosity=0)
    call_command("demo_data", persons=24, verbosity=0)
    return Person.objects.filter(residence_address__startswith="Демо").order_by("id")
