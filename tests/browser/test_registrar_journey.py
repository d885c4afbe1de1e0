"""A registrar's day in a real browser: log in, find a person by IIN, open the card, read it in
Kazakh; another clinic's registrar logs in.

The journey is a list of small steps on a `Desk` (one browser tab of one user); steps for
attaching, the coupon and the entitlements tab join it when those pages exist.
"""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import Page, expect

from patients.models import Person, PersonAccessLog

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "bekitu-demo"


class Desk:
    """One user at one browser tab; each method is one step of the journey."""

    def __init__(self, page: Page, base_url: str):
        self.page, self.base_url = page, base_url

    def log_in(self, username: str, password: str = DEMO_PASSWORD):
        self.page.goto(f"{self.base_url}/accounts/login/")
        self.page.fill("#id_username", username)
        self.page.fill("#id_password", password)
        self.page.click("form.form button[type=submit]")
        expect(self.page.locator(".session .user")).to_have_text(username)

    def log_out(self):
        self.page.click(".session form[action$='/accounts/logout/'] button")
        expect(self.page.locator("#id_username")).to_be_visible()

    def find_by_iin(self, iin: str):
        self.page.goto(f"{self.base_url}/")
        self.page.fill("#id_iin", iin)
        self.page.click("form[action$='/persons/'] button[type=submit]")
        # The IIN travelled in the POST body: the address bar shows no IIN.
        assert iin not in self.page.url
        return self.page.locator("table.list tbody tr")

    def open_card(self, full_name: str):
        self.page.click(f"table.list a:has-text('{full_name}')")
        expect(self.page.locator(".person-header h1")).to_have_text(full_name)
        assert re.search(r"/persons/\d+/$", self.page.url)

    def switch_language(self, code: str):
        self.page.click(f".session button[name=language][value={code}]")
        expect(self.page.locator("html")).to_have_attribute("lang", code)


@pytest.fixture
def demo(db):
    call_command("load_reference_data", verbosity=0)
    call_command("demo_data", persons=24, verbosity=0)
    return Person.objects.filter(residence_address__startswith="Демо").order_by("id")


def test_registrar_finds_a_person_reads_the_card_in_kazakh_and_another_clinic_logs_in(
    page, live_server, demo
):
    person = demo.filter(category=1).first()
    desk = Desk(page, live_server.url)

    desk.log_in("registrar1")
    rows = desk.find_by_iin(person.iin)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(person.iin)
    desk.open_card(person.full_name)
    expect(page.locator("main h2").first).to_have_text("Персональные данные")
    expect(page).to_have_title(re.compile("Карточка лица"))
    assert person.iin not in page.title()
    assert PersonAccessLog.objects.filter(person=person, user__username="registrar1").count() == 1

    desk.switch_language("kk")
    expect(page.locator("main h2").first).to_have_text("Дербес деректер")
    expect(page).to_have_title(re.compile("Адамның карточкасы"))
    expect(page.locator(".person-header nav.tabs")).to_contain_text("Тарих")
    expect(page.locator("main")).to_contain_text("Қазақстан")

    desk.log_out()
    desk.log_in("registrar2")
    expect(page.locator("main h1")).to_have_text("Бекітілген халық тіркелімі")  # still Kazakh
