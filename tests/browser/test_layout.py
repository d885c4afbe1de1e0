"""The main pages hold at 1366 px, the most common width of the clinics' screens, in Russian and
Kazakh: nothing wider than the window (no horizontal scrolling), and the top bar on one line."""

import pytest
from django.core.management import call_command
from django.urls import reverse

from attachment.models import Organization
from patients.models import Person

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

WIDTH = 1366
OVERFLOW = """() => {
  const width = document.documentElement.clientWidth;
  const wide = [...document.querySelectorAll('body *')].filter((e) => {
    const box = e.getBoundingClientRect();
    return box.width > 0 && box.right > width + 1 && getComputedStyle(e).position !== 'fixed';
  }).map((e) => e.tagName + (e.className ? '.' + String(e.className).split(' ')[0] : ''));
  return {scroll: document.documentElement.scrollWidth, width: width, wide: wide.slice(0, 5)};
}"""
TOP_BAR_ROWS = """() => {
  const tops = [...document.querySelectorAll('header.top > *, header.top nav > a, header.top .session > *')]
    .filter((e) => e.getBoundingClientRect().height > 0)
    .map((e) => Math.round(e.getBoundingClientRect().top / 10));
  return new Set(tops).size;
}"""


def _log_in(page, base_url, username, language):
    page.goto(f"{base_url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "bekitu-demo")
    page.click("form.form button[type=submit]")
    page.click(f".session button[name=language][value={language}]")


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_main_pages_hold_at_1366_px(browser, live_server, db, language):
    call_command("load_reference_data", verbosity=0)
    call_command("demo_data", persons=24, verbosity=0)
    clinic = Organization.objects.get(bin="990140000011")
    person = Person.objects.filter(attachments__organization=clinic).order_by("id").first()
    context = browser.new_context(viewport={"width": WIDTH, "height": 768})
    page = context.new_page()
    problems = []
    for username, urls in {
        "registrar1": [
            reverse("home"),
            reverse("patients:search"),
            reverse("patients:person_detail", args=[person.pk]),
            reverse("attachment:person", args=[person.pk]),
            reverse("coverage:person_entitlements", args=[person.pk]),
            reverse("patients:person_history", args=[person.pk]),
            reverse("attachment:attach", args=[person.pk]),
            reverse("attachment:list"),
            reverse("attachment:leavers"),
            reverse("attachment:queue"),
        ],
        "admin": [
            reverse("home"),
            reverse("reports:population"),
            reverse("reports:applications"),
            reverse("importing:start"),
            reverse("admin:patients_personaccesslog_changelist"),
        ],
    }.items():
        _log_in(page, live_server.url, username, language)
        for url in urls:
            page.goto(f"{live_server.url}{url}")
            measured = page.evaluate(OVERFLOW)
            if measured["scroll"] > measured["width"] + 1:
                problems.append(f"{username} {url}: {measured}")
            if not url.startswith("/admin/") and page.evaluate(TOP_BAR_ROWS) > 1:
                problems.append(f"{username} {url}: the top bar wraps")
        page.context.clear_cookies()
    context.close()
    assert not problems, "\n".join(problems)
