"""A registrar's day in a real browser: log in, find a person by IIN, open the card, attach
them under a ground with a district, see the decision, issue the coupon and save its PDF, open
the entitlements tab, read the same pages in Kazakh; another clinic's registrar logs in and
cannot see that attachment.

The journey is a list of small steps on a `Desk` (one browser tab of one user).
"""

import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone
from playwright.sync_api import Page, expect

from attachment import rules
from attachment.models import Attachment, Channel, Coupon, Ground, Organization
from attachment.services import attachment_decide
from patients.models import Person, PersonAccessLog

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

DEMO_PASSWORD = "bekitu-demo"
SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "import-sample.csv"


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

    def open_tab(self, name: str):
        self.page.click(f".person-header nav.tabs a:has-text('{name}')")
        expect(self.page.locator(".person-header nav.tabs a.current")).to_have_text(name)

    def attach(self, *, ground: Ground, district_id: int) -> int:
        """From the attachments tab: choose the ground and the district, tick the documents
        checked, decide; returns the new attachment's pk from the page address."""
        self.page.click("main a.button[href$='/attach/']")
        self.page.select_option("#id_ground", str(ground.pk))
        self.page.select_option("#id_district", str(district_id))
        for box in self.page.locator("input[name=documents]").all():
            box.check()
        self.page.click("form.form button[type=submit]")
        self.page.wait_for_url(re.compile(r"/attachments/\d+/$"))
        return int(re.search(r"/attachments/(\d+)/$", self.page.url).group(1))

    def issue_coupon(self) -> int:
        self.page.click("form[action$='/coupon/'] button[type=submit]")
        self.page.wait_for_url(re.compile(r"/attachments/coupons/\d+/$"))
        return int(re.search(r"/coupons/(\d+)/$", self.page.url).group(1))

    def save_pdf(self, url: str, path) -> bytes:
        """Download what the PDF link serves, with this user's session, and keep it."""
        response = self.page.request.get(f"{self.base_url}{url}")
        assert response.status == 200, response.status
        assert response.headers["content-type"] == "application/pdf"
        path.write_bytes(response.body())
        return response.body()

    def status_of(self, url: str) -> int:
        """A GET with this user's session, outside the page (a refused page is expected here)."""
        return self.page.request.get(f"{self.base_url}{url}", max_redirects=0).status

    def switch_language(self, code: str):
        self.page.click(f".session button[name=language][value={code}]")
        expect(self.page.locator("html")).to_have_attribute("lang", code)


def attachable(demo, organization) -> tuple[Person, Ground]:
    """A demo person the rules let registrar1's clinic attach today under a clinic ground with a
    district (the demo is deterministic; the rules decide which person fits on today's date)."""
    today = timezone.localdate()
    district = organization.districts.order_by("code").first()
    documents = list(rules.DOCUMENTS)
    for person in demo.filter(category=1, date_of_death__isnull=True):
        if person.is_minor_on(today):
            continue
        if Attachment.objects.filter(person=person, organization=organization).exists():
            continue
        for ground in Ground.objects.filter(code__in=[1, 2]).order_by("code"):
            decision = attachment_decide(
                person=person,
                organization=organization,
                ground=ground,
                on=today,
                channel=Channel.CLINIC,
                district=district,
                documents=documents,
            )
            if decision.allowed:
                return person, ground
    pytest.fail("no demo person can be attached to clinic 1 today")


def test_registrar_attaches_a_person_prints_the_coupon_reads_it_in_kazakh_and_another_clinic_cannot_see_it(
    page, live_server, demo, tmp_path
):
    clinic = Organization.objects.get(staff__user__username="registrar1")
    person, ground = attachable(demo, clinic)
    district = clinic.districts.order_by("code").first()
    desk = Desk(page, live_server.url)

    desk.log_in("registrar1")
    rows = desk.find_by_iin(person.iin[:11])  # part of an IIN lists (a whole one opens the card)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text(person.iin)
    desk.open_card(person.full_name)
    expect(page.locator("main h2").first).to_have_text("Персональные данные")
    expect(page).to_have_title(re.compile("Карточка лица"))
    assert person.iin not in page.title()
    # One row for the card, one for the search result that showed the person (list pages such as
    # the home page log each person they show, too).
    reads = PersonAccessLog.objects.filter(person=person, user__username="registrar1")
    assert reads.filter(view_name="patients:person_detail").count() == 1
    assert reads.filter(view_name="patients:search").count() == 1

    # Attach under a ground with a district and see the decision.
    desk.open_tab("Прикрепления")
    attachment_pk = desk.attach(ground=ground, district_id=district.pk)
    expect(page.locator(".messages")).to_contain_text("Прикрепление к")
    attachment = Attachment.objects.get(pk=attachment_pk)
    assert (attachment.person, attachment.organization, attachment.district) == (person, clinic, district)
    assert attachment.ground == ground and attachment.valid_to is None
    expect(page.locator("main")).to_contain_text(district.code)

    # The coupon: issued, shown for printing, saved as PDF.
    coupon_pk = desk.issue_coupon()
    coupon = Coupon.objects.get(pk=coupon_pk)
    assert coupon.attachment_id == attachment_pk
    expect(page.locator("body")).to_contain_text(coupon.number)
    pdf = desk.save_pdf(f"/attachments/coupons/{coupon_pk}/pdf/?lang=ru", tmp_path / "coupon.pdf")
    assert pdf.startswith(b"%PDF")

    # The entitlements tab of the card.
    page.goto(f"{live_server.url}/persons/{person.pk}/")
    desk.open_tab("Права на помощь")
    expect(page.locator("main h2").first).to_contain_text("Права на помощь на")

    # The same pages in Kazakh.
    desk.switch_language("kk")
    expect(page.locator("main h2").first).to_contain_text("көмекке құқықтар")
    page.goto(f"{live_server.url}/persons/{person.pk}/")
    expect(page.locator("main h2").first).to_have_text("Дербес деректер")
    expect(page).to_have_title(re.compile("Адамның карточкасы"))
    expect(page.locator(".person-header nav.tabs")).to_contain_text("Тарих")
    expect(page.locator("main")).to_contain_text("Қазақстан")
    desk.open_tab("Бекітулер")
    expect(page.locator("main h2").first).to_have_text("Бекітулер")
    page.goto(f"{live_server.url}/attachments/{attachment_pk}/")
    expect(page.locator("main h2").first).to_have_text("Бекіту")
    expect(page.locator("main")).to_contain_text("Талон")

    # Another clinic's registrar: not in their list, and clinic 1's attachment and coupon are 404.
    desk.log_out()
    desk.log_in("registrar2")
    expect(page.locator("main h1")).to_have_text("Бекітілген халық тіркелімі")  # still Kazakh
    page.goto(f"{live_server.url}/attachments/?organization={clinic.pk}")
    expect(page.locator("main h1")).to_have_text("Бекітілген халық")
    expect(page.locator("main")).not_to_contain_text(person.full_name)
    assert desk.status_of(f"/attachments/{attachment_pk}/") == 404
    assert desk.status_of(f"/attachments/coupons/{coupon_pk}/") == 404
    assert desk.status_of(f"/attachments/coupons/{coupon_pk}/pdf/") == 404


def test_clinic_head_reads_the_population_pyramid_and_an_administrator_checks_a_register_file(
    page, live_server, demo, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path  # the uploaded register file
    desk = Desk(page, live_server.url)

    # The clinic head: the reports link, the population report of their clinic with its pyramid.
    desk.log_in("head1")
    page.click("header nav a:has-text('Отчёты')")
    expect(page.locator("main h1")).to_have_text("Прикреплённое население")
    pyramid = page.locator("figure.pyramid svg")
    expect(pyramid).to_be_visible()
    expect(pyramid.locator("title").first).to_have_text("Половозрастная пирамида")
    assert pyramid.locator("rect.bar").count() > 0
    expect(page.locator("main")).to_contain_text(
        Organization.objects.get(staff__user__username="head1").name_ru
    )
    expect(page.locator("header nav")).not_to_contain_text("Импорт")
    assert desk.status_of("/imports/") == 403

    # A rules administrator: the import page, the sample file checked without writing anything.
    desk.log_out()
    desk.log_in("admin")
    page.click("header nav a:has-text('Импорт')")
    expect(page.locator("main h1")).to_have_text("Импорт прикреплённого населения")
    people = Person.objects.count()
    page.set_input_files("#id_file", str(SAMPLE))
    page.check("#id_dry_run")
    page.click("form.form button[type=submit]")
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator("#import-status")).to_have_text("в очереди")
    call_command("db_worker", max_tasks=1, no_startup_delay=True, interval=0.1, verbosity=0)
    # The page polls its status and reloads when the run is finished.
    expect(page.locator("#import-status")).to_contain_text("ничего не записано", timeout=20_000)
    expect(page.locator("#import-rows")).to_have_text("2")
    assert Person.objects.count() == people
