"""The registrar's decisions in a real browser, in Russian and in Kazakh: a slip at the attach
form is a form error that says what to fix (nothing is written, nothing counts as a refusal); a
motivated refusal is issued only through its own confirmed action and printed; an application in
the queue opens the attach form prefilled and its decision ends with a message that says where and
from when; an attachment is ended at the desk with a reason from the administrators' list.

Expected texts are taken from the translation catalogues (`gettext` in the page's language), so
a missing translation or a page that says something else fails here.
"""

import datetime
import re

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext
from playwright.sync_api import expect

from attachment import rules
from attachment.models import Application, Attachment, Channel, DetachReason, Ground, Organization, Refusal
from attachment.services import attachment_decide
from attachment.views import attached_message
from patients.models import LegalRepresentative

from ..factories import PersonFactory
from .test_registrar_journey import Desk, attachable

pytestmark = [pytest.mark.slow, pytest.mark.django_db(transaction=True)]

LANGUAGES = ["ru", "kk"]


def text(language: str, message: str) -> str:
    with translation.override(language):
        return gettext(message)


def refusable(demo, organization) -> tuple:
    """A demo person and ground for whom the rules refuse, with every document checked, for a
    reason a motivated refusal may be issued for (not a slip such as "already attached here")."""
    today = timezone.localdate()
    district = organization.districts.order_by("code").first()
    for person in demo.filter(date_of_death__isnull=True):
        if Attachment.objects.filter(person=person, organization=organization).exists():
            continue
        for ground in Ground.objects.order_by("code"):
            decision = attachment_decide(
                person=person,
                organization=organization,
                ground=ground,
                on=today,
                channel=Channel.CLINIC,
                district=district,
                documents=list(rules.DOCUMENTS),
            )
            if decision.refusals and decision.refusal_issuable:
                return person, ground, decision
    pytest.fail("no demo person is refused by clinic 1 today for a reason a refusal may be issued for")


def open_attach_form(desk: Desk, person, *, ground, district_id, documents: bool):
    desk.page.goto(f"{desk.base_url}/attachments/persons/{person.pk}/attach/")
    desk.page.select_option("#id_ground", str(ground.pk))
    desk.page.select_option("#id_district", str(district_id))
    for box in desk.page.locator("input[name=documents]").all():
        box.set_checked(documents)
    desk.page.click("form.form button[name=action][value=attach]")


@pytest.mark.parametrize("language", LANGUAGES)
def test_seed004_a_slip_is_a_form_error_and_a_refusal_is_issued_only_on_purpose(
    page, live_server, demo, language
):
    clinic = Organization.objects.get(staff__user__username="registrar1")
    district = clinic.districts.order_by("code").first()
    person, ground = attachable(demo, clinic)
    desk = Desk(page, live_server.url)
    desk.log_in("registrar1")
    desk.switch_language(language)

    # Documents left unticked: the reasons are listed with where to fix them; nothing is written.
    open_attach_form(desk, person, ground=ground, district_id=district.pk, documents=False)
    reasons = page.locator("ul.reasons")
    expect(reasons).to_be_visible()
    expect(page.locator("main h2").first).to_have_text(text(language, "Attach"))
    assert not Attachment.objects.filter(person=person, organization=clinic).exists()
    assert not Refusal.objects.filter(person=person).exists()
    # Ticked, the same form attaches.
    for box in page.locator("input[name=documents]").all():
        box.check()
    page.click("form.form button[name=action][value=attach]")
    page.wait_for_url(re.compile(r"/attachments/\d+/$"))
    attachment = Attachment.objects.get(person=person, organization=clinic)
    with translation.override(language):
        expect(page.locator(".messages")).to_contain_text(
            attached_message(attachment, received_on=timezone.localdate())
        )

    # "Already attached here" is a slip: reasons, and no way to issue a refusal for it.
    open_attach_form(desk, person, ground=ground, district_id=district.pk, documents=True)
    expect(page.locator("ul.reasons")).to_be_visible()
    expect(page.locator("fieldset.refusal")).to_have_count(0)
    assert not Refusal.objects.filter(person=person).exists()

    # A person the rules refuse: the refusal is a separate action that needs its confirmation.
    refused, refused_ground, decision = refusable(demo, clinic)
    open_attach_form(desk, refused, ground=refused_ground, district_id=district.pk, documents=True)
    fieldset = page.locator("fieldset.refusal")
    expect(fieldset.locator("legend")).to_have_text(text(language, "Issue a motivated refusal"))
    fieldset.locator("button[value=refuse]").click()  # not confirmed: nothing issued
    expect(page.locator("fieldset.refusal")).to_be_visible()
    assert not Refusal.objects.filter(person=refused).exists()
    page.check("#id_confirm_refusal")
    page.locator("fieldset.refusal button[value=refuse]").click()
    page.wait_for_url(re.compile(r"/attachments/refusals/\d+/$"))
    refusal = Refusal.objects.get(person=refused)
    assert [line.split(":")[0] for line in refusal.explanation_lines()]  # the reasons were recorded
    with translation.override(language):
        for line in refusal.explanation_lines():
            expect(page.locator("main")).to_contain_text(line)

    # Printed in the page's language, with a way back.
    page.goto(f"{live_server.url}/attachments/refusals/{refusal.pk}/print/?lang={language}")
    expect(page.locator("html")).to_have_attribute("lang", language)
    with translation.override(language):
        expect(page.locator("body")).to_contain_text(refusal.explanation_lines()[0])
    expect(page.locator(f"a[href$='/attachments/refusals/{refusal.pk}/']").first).to_be_visible()
    pdf = page.request.get(
        f"{live_server.url}/attachments/refusals/{refusal.pk}/print/?lang={language}&format=pdf"
    )
    assert pdf.status == 200 and pdf.body().startswith(b"%PDF")


@pytest.mark.parametrize("language", LANGUAGES)
def test_par4_queue_decide_opens_the_prefilled_form_and_says_where_and_from_when(
    page, live_server, demo, language
):
    clinic = Organization.objects.get(staff__user__username="registrar1")
    waiting = Application.objects.filter(organization=clinic, status="received").order_by("due_by")
    assert waiting.exists(), "the demo data leaves applications in clinic 1's queue"
    desk = Desk(page, live_server.url)
    desk.log_in("registrar1")
    desk.switch_language(language)

    page.goto(f"{live_server.url}/attachments/queue/")
    expect(page.locator("main h1")).to_have_text(text(language, "Received applications"))
    rows = page.locator("table.list tbody tr")
    expect(rows).to_have_count(waiting.count())
    application = waiting.first()
    page.click(f"a[href$='?application={application.pk}']")
    # The form is the application's: its ground chosen, its link back to the queue.
    expect(page.locator("#id_ground")).to_have_value(str(application.ground_id))
    expect(page.locator("main a[href$='/attachments/queue/']")).to_have_text(
        text(language, "Back to the queue")
    )
    district = clinic.districts.order_by("code").first()
    page.select_option("#id_district", str(district.pk))
    for box in page.locator("input[name=documents]").all():
        box.check()
    page.click("form.form button[name=action][value=attach]")
    page.wait_for_url(re.compile(r"/attachments/\d+/$"))

    application.refresh_from_db()
    attachment = Attachment.objects.get(pk=re.search(r"/attachments/(\d+)/$", page.url).group(1))
    assert application.decided_at is not None and attachment.person_id == application.person_id
    assert attachment.district == district
    with translation.override(language):
        message = attached_message(attachment, received_on=application.requested_on)
    expect(page.locator(".messages")).to_contain_text(message)
    assert district.code in message and f"{attachment.valid_from:%d.%m.%Y}" in message
    page.goto(f"{live_server.url}/attachments/queue/")
    expect(page.locator(f"a[href$='?application={application.pk}']")).to_have_count(0)


@pytest.mark.parametrize("language", LANGUAGES)
def test_detach_with_a_reason_from_the_administrators_list_ends_the_attachment(
    page, live_server, demo, language
):
    clinic = Organization.objects.get(staff__user__username="registrar1")
    today = timezone.localdate()
    attachment = (
        Attachment.objects.filter(organization=clinic, valid_from__lt=today, valid_to__isnull=True)
        .order_by("pk")
        .first()
    )
    assert attachment is not None, "the demo data attaches people to clinic 1"
    reason = DetachReason.objects.filter(active=True, needs_note=False).order_by("pk").first()
    desk = Desk(page, live_server.url)
    desk.log_in("registrar1")
    desk.switch_language(language)

    page.goto(f"{live_server.url}/attachments/{attachment.pk}/")
    page.click(f"main a.button[href$='/attachments/{attachment.pk}/detach/']")
    expect(page.locator("main h2").first).to_have_text(text(language, "Detach"))
    page.fill("#id_on", f"{today:%Y-%m-%d}")
    page.select_option("#id_reason", str(reason.pk))
    page.click("main form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/attachments/{attachment.pk}/$"))
    expect(page.locator(".messages")).to_be_visible()
    attachment.refresh_from_db()
    assert attachment.valid_to == today and attachment.detach_reason == reason
    latest = attachment.history.latest()
    assert latest.history_user.username == "registrar1" and latest.history_change_reason
    with translation.override(language):
        expect(page.locator("main")).to_contain_text(reason.name)


@pytest.mark.parametrize("language", LANGUAGES)
def test_correcting_at_the_desk_district_change_then_a_death_ends_the_attachment(
    page, live_server, demo, language
):
    clinic = Organization.objects.get(staff__user__username="registrar1")
    today = timezone.localdate()
    attachment = (
        Attachment.objects.filter(organization=clinic, valid_from__lt=today, valid_to__isnull=True)
        .exclude(district=None)
        .order_by("pk")
        .first()
    )
    assert attachment is not None, "the demo data attaches people to clinic 1's districts"
    other = clinic.districts.exclude(pk=attachment.district_id).order_by("code").first()
    assert other is not None, "clinic 1 has more than one district"
    person = attachment.person
    desk = Desk(page, live_server.url)
    desk.log_in("registrar1")
    desk.switch_language(language)

    # Another district of the same clinic, with a reason for the history.
    page.goto(f"{live_server.url}/attachments/{attachment.pk}/")
    page.click(f"main a.button[href$='/attachments/{attachment.pk}/district/']")
    expect(page.locator("main h2").first).to_have_text(text(language, "Change the district"))
    page.select_option("#id_district", str(other.pk))
    page.fill("#id_reason", "заявление от 03.12")
    page.click("main form.form button[type=submit]")
    page.wait_for_url(re.compile(rf"/attachments/{attachment.pk}/$"))
    with translation.override(language):
        expected = gettext("The attachment is now in district %(district)s.") % {"district": other}
    expect(page.locator(".messages")).to_contain_text(expected)
    attachment.refresh_from_db()
    assert attachment.district == other and attachment.valid_to is None

    # A death recorded from the attachments tab ends the attachment.
    page.goto(f"{live_server.url}/attachments/persons/{person.pk}/")
    page.click(f"main a.button[href$='/attachments/persons/{person.pk}/death/']")
    expect(page.locator("main h2").first).to_have_text(text(language, "Record death"))
    page.fill("#id_date_of_death", f"{today:%Y-%m-%d}")
    page.fill("#id_reason", "свидетельство о смерти № 123")
    page.click("main form.form button[type=submit]")
    expect(page.locator(".messages")).to_contain_text(text(language, "The death was recorded."))
    person.refresh_from_db()
    attachment.refresh_from_db()
    assert person.date_of_death == today
    assert attachment.valid_to is not None and attachment.valid_to <= today


@pytest.mark.parametrize("language", LANGUAGES)
def test_par9_legal_representative_corrected_with_a_document_typed_on_the_same_form(
    page, live_server, demo, language
):
    child = PersonFactory(born=datetime.date(2016, 4, 12), last_name="Омарова", first_name="Айша")
    parent = PersonFactory(last_name="Омаров", first_name="Ержан")
    link = LegalRepresentative.objects.create(child=child, representative=parent, relationship="parent")
    assert not parent.documents.exists()
    desk = Desk(page, live_server.url)
    desk.log_in("registrar1")
    desk.switch_language(language)

    page.goto(f"{live_server.url}/persons/{child.pk}/")
    page.click(f"main a[href$='/persons/representatives/{link.pk}/']")
    expect(page.locator("main h2").first).to_contain_text(parent.full_name)
    page.select_option("#id_new_document-kind", "id_card")
    page.fill("#id_new_document-number", "045612378")
    page.fill("#id_reason", "предъявлено удостоверение")
    page.click("main form.form button[type=submit]:not([name])")
    page.wait_for_url(re.compile(rf"/persons/{child.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(text(language, "Saved."))
    link.refresh_from_db()
    document = parent.documents.get()
    assert document.number == "045612378" and link.document == document
    assert link.history.latest().history_user.username == "registrar1"
    expect(page.locator("main")).to_contain_text("045612378")
