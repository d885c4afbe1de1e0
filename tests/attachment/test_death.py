"""Death (DOMAIN "must never": count, list or export a person as attached after their date of
death, or let staff of an organization the person is not attached to record the death; issue 16
item 2): the date lies between birth and today; staff of an organization the person is attached
to on that date or later, a rules administrator, or any registrar when the person is attached
nowhere may record it; it ends every attachment in force on the date and cancels every later one;
a clinic head or a rules administrator corrects it; the daily run closes what is left; after death
entitlements and service usage answer "nothing"."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from attachment.models import Attachment, AttachmentStatus, Channel
from attachment.population import attached_on
from attachment.services import attachment_end, attachments_expire, person_correct_death, person_record_death
from coverage import reference_data as coverage_reference
from coverage.models import ServiceLimit, ServiceUsage
from coverage.selectors import entitlements_on
from coverage.services import service_usage_record
from patients.access import CLINIC_HEAD, REGISTRAR, RULES_ADMIN
from patients.models import InsuredStatusPeriod, LegalCategory

from ..factories import OrganizationFactory, PersonFactory, staff_user
from .test_attach import attach

pytestmark = pytest.mark.django_db

D = datetime.date
DIED = D(2026, 4, 3)
MOVED_ON = D(2027, 1, 1)  # the campaign attachment takes effect on 1 January
DIED_BEFORE_MOVE = D(2026, 12, 1)


def post_death(client, person, **data):
    return client.post(
        reverse("attachment:record_death", args=[person.pk]),
        {"date_of_death": DIED.isoformat(), "reason": "Death certificate 123", **data},
    )


def post_correction(client, person, **data):
    return client.post(
        reverse("attachment:correct_death", args=[person.pk]),
        {"date_of_death": "", "reason": "The certificate was for another person", **data},
    )


def moved_by_campaign(person, ref, clinic, other_clinic):
    """Attached to `clinic`, moved to `other_clinic` by the campaign from 01.01.2027: the first
    attachment ends 31.12.2026, the second one is a future attachment."""
    current = attach(person, clinic, ref[1], on=D(2025, 1, 1))
    attachment_end(attachment=current, on=MOVED_ON - datetime.timedelta(days=1), user=None, reason="campaign")
    future = Attachment.objects.create(
        person=person,
        organization=other_clinic,
        ground=ref[3],
        channel=Channel.EGOV,
        valid_from=MOVED_ON,
        reason="campaign request",
    )
    current.refresh_from_db()
    return current, future


def attached_anywhere(person, on) -> bool:
    return Attachment.objects.filter(attached_on(on), person=person).exists()


def test_must_never_count_after_death_recording_it_cancels_the_future_campaign_attachment(
    client, ref, citizen, clinic, other_clinic
):
    current, future = moved_by_campaign(citizen, ref, clinic, other_clinic)
    registrar = staff_user("reg", REGISTRAR, clinic)
    client.force_login(registrar)
    response = post_death(client, citizen, date_of_death=DIED_BEFORE_MOVE.isoformat())
    assert response.status_code == 302
    current.refresh_from_db()
    future.refresh_from_db()
    assert (current.valid_to, current.closed_by_death_on) == (DIED_BEFORE_MOVE, DIED_BEFORE_MOVE)
    # Cancelled: its period shrinks to its first day, which lies after the death.
    assert (future.valid_to, future.closed_by_death_on) == (MOVED_ON, DIED_BEFORE_MOVE)
    assert future.status_on(D(2027, 1, 5)) == AttachmentStatus.CANCELLED
    assert "01.12.2026" in future.end_reason
    for day in (DIED_BEFORE_MOVE, D(2026, 12, 2), MOVED_ON, D(2027, 1, 5)):
        assert attached_anywhere(citizen, day) is (day == DIED_BEFORE_MOVE), day
    last = future.history.first()
    assert last.history_user == registrar and "Death certificate 123" in last.history_change_reason
    tab = client.get(reverse("attachment:person", args=[citizen.pk])).content.decode()
    assert "cancelled" in tab


def test_must_never_let_another_organization_record_the_death_the_future_organization_may(
    client, ref, citizen, clinic, other_clinic
):
    """Staff of an organization the person is attached to on the date or later: the clinic of the
    future attachment may record the death too."""
    moved_by_campaign(citizen, ref, clinic, other_clinic)
    client.force_login(staff_user("future", REGISTRAR, other_clinic))
    assert post_death(client, citizen, date_of_death=DIED_BEFORE_MOVE.isoformat()).status_code == 302
    assert Attachment.objects.filter(person=citizen, closed_by_death_on=DIED_BEFORE_MOVE).count() == 2


def test_must_never_let_another_organization_record_the_death_a_third_clinic_is_refused(
    client, ref, citizen, clinic, other_clinic
):
    current, future = moved_by_campaign(citizen, ref, clinic, other_clinic)
    third = OrganizationFactory(atu=clinic.atu)
    client.force_login(staff_user("third", REGISTRAR, third))
    before = (list(Attachment.objects.values()), Attachment.history.count())
    assert client.get(reverse("attachment:record_death", args=[citizen.pk])).status_code == 403
    assert post_death(client, citizen, date_of_death=DIED_BEFORE_MOVE.isoformat()).status_code == 403
    citizen.refresh_from_db()
    assert citizen.date_of_death is None
    assert (list(Attachment.objects.values()), Attachment.history.count()) == before


def test_must_never_let_another_organization_record_the_death_an_earlier_clinic_is_refused(
    client, ref, citizen, clinic, other_clinic
):
    """The clinic whose attachment ended before the death date is not the person's any more."""
    earlier = attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    attachment_end(attachment=earlier, on=D(2026, 6, 30), user=None, reason="moved")
    attach(citizen, other_clinic, ref[1], on=D(2026, 7, 1))
    client.force_login(staff_user("earlier", REGISTRAR, clinic))
    assert post_death(client, citizen, date_of_death="2026-11-01").status_code == 403
    with pytest.raises(PermissionDenied):
        person_record_death(
            person=citizen, date_of_death=D(2026, 11, 1), user=staff_user("e2", REGISTRAR, clinic), reason="x"
        )
    citizen.refresh_from_db()
    assert citizen.date_of_death is None
    # Its staff may record a death on a date it was still attached there.
    assert post_death(client, citizen, date_of_death="2026-06-30").status_code == 302


def test_must_never_let_another_organization_record_the_death_any_registrar_when_attached_nowhere(
    client, ref, citizen, clinic, other_clinic
):
    ended = attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    attachment_end(attachment=ended, on=D(2025, 6, 30), user=None, reason="left the country")
    registrar = staff_user("any", REGISTRAR, other_clinic)
    client.force_login(registrar)
    assert client.get(reverse("attachment:record_death", args=[citizen.pk])).status_code == 200
    assert post_death(client, citizen).status_code == 302
    citizen.refresh_from_db()
    ended.refresh_from_db()
    assert citizen.date_of_death == DIED
    assert (ended.valid_to, ended.closed_by_death_on) == (D(2025, 6, 30), None)  # not touched
    assert citizen.history.first().history_user == registrar


def test_must_never_let_another_organization_record_the_death_a_rules_administrator_may(
    client, ref, citizen, clinic
):
    attachment = attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    client.force_login(staff_user("rules", RULES_ADMIN, None, is_staff=True))
    assert post_death(client, citizen).status_code == 302
    attachment.refresh_from_db()
    assert attachment.valid_to == DIED


def test_must_never_let_another_organization_record_the_death_an_auditor_may_not(
    client, ref, citizen, clinic
):
    attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    client.force_login(staff_user("audit", "auditor", None, is_staff=True))
    assert post_death(client, citizen).status_code == 403


def test_must_never_count_after_death_recording_ends_the_attachment_in_one_step(client, ref, citizen, clinic):
    attachment = attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    registrar = staff_user("reg", REGISTRAR, clinic)
    client.force_login(registrar)
    response = post_death(client, citizen)
    assert response.status_code == 302
    citizen.refresh_from_db()
    attachment.refresh_from_db()
    assert citizen.date_of_death == DIED
    assert attachment.valid_to == DIED
    assert citizen.history.first().history_change_reason == "Death certificate 123"
    assert attachment.history.first().history_user == registrar


def test_must_never_let_another_organization_record_the_death_of_a_clinic_patient(
    client, ref, citizen, clinic, other_clinic
):
    attachment = attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    client.force_login(staff_user("other", REGISTRAR, other_clinic))
    assert post_death(client, citizen).status_code == 403
    citizen.refresh_from_db()
    attachment.refresh_from_db()
    assert citizen.date_of_death is None and attachment.valid_to is None


def tomorrow() -> str:
    return (timezone.localdate() + datetime.timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2026-02-30", "Enter a valid date."),
        ("1980-01-01", "The date of death cannot be before the birth date."),
        (tomorrow, "The date of death cannot be in the future."),
    ],
)
def test_must_never_count_after_death_bad_dates_are_refused_and_nothing_is_written(
    client, ref, citizen, clinic, date, message
):
    attachment = attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    client.force_login(staff_user("reg", REGISTRAR, clinic))
    response = post_death(client, citizen, date_of_death=date() if callable(date) else date)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors.get("date_of_death", []) + form.non_field_errors()
    citizen.refresh_from_db()
    attachment.refresh_from_db()
    assert citizen.date_of_death is None and attachment.valid_to is None


def test_must_never_count_after_death_a_future_date_is_refused_in_russian_and_by_the_service(
    client, ref, citizen, clinic
):
    attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    registrar = staff_user("reg", REGISTRAR, clinic)
    client.force_login(registrar)
    response = client.post(
        reverse("attachment:record_death", args=[citizen.pk]),
        {"date_of_death": tomorrow(), "reason": "x"},
        HTTP_ACCEPT_LANGUAGE="ru",
    )
    assert response.status_code == 200
    with translation.override("ru"):
        expected = translation.gettext("The date of death cannot be in the future.")
    assert expected != "The date of death cannot be in the future."
    assert expected in response.content.decode()
    for day in (
        citizen.birth_date - datetime.timedelta(days=1),
        timezone.localdate() + datetime.timedelta(days=1),
    ):
        with pytest.raises(ValidationError):
            person_record_death(person=citizen, date_of_death=day, user=registrar, reason="x")
    citizen.refresh_from_db()
    assert citizen.date_of_death is None


def test_must_never_count_after_death_a_head_corrects_a_wrong_death_and_the_attachments_reopen(
    client, ref, citizen, clinic, other_clinic
):
    current, future = moved_by_campaign(citizen, ref, clinic, other_clinic)
    before = {a.pk: (a.valid_to, a.end_reason) for a in (current, future)}
    person_record_death(
        person=citizen, date_of_death=DIED_BEFORE_MOVE, user=staff_user("reg", REGISTRAR, clinic), reason="x"
    )
    head = staff_user("head", CLINIC_HEAD, clinic)
    client.force_login(head)
    tab = client.get(reverse("attachment:person", args=[citizen.pk])).content.decode()
    assert reverse("attachment:correct_death", args=[citizen.pk]) in tab
    assert client.get(reverse("attachment:correct_death", args=[citizen.pk])).status_code == 200
    assert post_correction(client, citizen).status_code == 302
    citizen.refresh_from_db()
    assert citizen.date_of_death is None
    assert citizen.history.first().history_change_reason == "The certificate was for another person"
    for attachment in (current, future):
        attachment.refresh_from_db()
        assert (attachment.valid_to, attachment.end_reason) == before[attachment.pk]
        assert attachment.closed_by_death_on is None
        assert attachment.history.first().history_user == head
    assert attached_anywhere(citizen, D(2026, 12, 15)) and attached_anywhere(citizen, D(2027, 1, 5))


def test_must_never_count_after_death_a_correction_to_another_date_closes_on_that_date(
    ref, citizen, clinic, other_clinic
):
    current, future = moved_by_campaign(citizen, ref, clinic, other_clinic)
    person_record_death(
        person=citizen, date_of_death=D(2026, 6, 1), user=staff_user("reg", REGISTRAR, clinic), reason="x"
    )
    person_correct_death(
        person=citizen,
        date_of_death=DIED_BEFORE_MOVE,
        user=staff_user("rules", RULES_ADMIN, None, is_staff=True),
        reason="certificate says 01.12.2026",
    )
    current.refresh_from_db()
    future.refresh_from_db()
    assert (current.valid_to, current.closed_by_death_on) == (DIED_BEFORE_MOVE, DIED_BEFORE_MOVE)
    assert (future.valid_to, future.closed_by_death_on) == (MOVED_ON, DIED_BEFORE_MOVE)
    assert attached_anywhere(citizen, D(2026, 11, 30)) and not attached_anywhere(citizen, D(2026, 12, 2))


def test_must_never_count_after_death_a_registrar_cannot_correct_a_death(client, ref, citizen, clinic):
    attachment = attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    registrar = staff_user("reg", REGISTRAR, clinic)
    person_record_death(person=citizen, date_of_death=DIED, user=registrar, reason="x")
    client.force_login(registrar)
    assert reverse("attachment:correct_death", args=[citizen.pk]) not in (
        client.get(reverse("attachment:person", args=[citizen.pk])).content.decode()
    )
    assert client.get(reverse("attachment:correct_death", args=[citizen.pk])).status_code == 403
    assert post_correction(client, citizen).status_code == 403
    with pytest.raises(PermissionDenied):
        person_correct_death(person=citizen, date_of_death=None, user=registrar, reason="x")
    citizen.refresh_from_db()
    attachment.refresh_from_db()
    assert citizen.date_of_death == DIED and attachment.valid_to == DIED


def test_must_never_count_after_death_a_head_of_another_clinic_cannot_correct(
    client, ref, citizen, clinic, other_clinic
):
    attach(citizen, clinic, ref[1], on=D(2025, 1, 1))
    person_record_death(
        person=citizen, date_of_death=DIED, user=staff_user("reg", REGISTRAR, clinic), reason="x"
    )
    client.force_login(staff_user("head2", CLINIC_HEAD, other_clinic))
    assert post_correction(client, citizen).status_code == 403
    citizen.refresh_from_db()
    assert citizen.date_of_death == DIED


def test_must_never_count_after_death_the_daily_run_closes_future_attachments_too_idempotently(
    ref, citizen, clinic, other_clinic
):
    """A death that reached the register without the service (an import, a legacy row): the daily
    run ends the attachment in force and cancels the future one; a second run changes nothing."""
    current, future = moved_by_campaign(citizen, ref, clinic, other_clinic)
    type(citizen).objects.filter(pk=citizen.pk).update(date_of_death=DIED_BEFORE_MOVE)
    summary = attachments_expire(on=D(2026, 12, 2), user=None)
    assert summary.died == 2
    current.refresh_from_db()
    future.refresh_from_db()
    assert (current.valid_to, current.closed_by_death_on) == (DIED_BEFORE_MOVE, DIED_BEFORE_MOVE)
    assert (future.valid_to, future.closed_by_death_on) == (MOVED_ON, DIED_BEFORE_MOVE)
    state = (list(Attachment.objects.order_by("pk").values()), Attachment.history.count())
    assert attachments_expire(on=D(2026, 12, 2), user=None).died == 0
    assert attachments_expire(on=D(2027, 1, 5), user=None).died == 0
    assert (list(Attachment.objects.order_by("pk").values()), Attachment.history.count()) == state


@pytest.fixture
def insured_citizen(ref):
    coverage_reference.load()
    person = PersonFactory(category=LegalCategory.CITIZEN, citizenship="KZ")
    InsuredStatusPeriod.objects.create(person=person, valid_from=D(2020, 1, 1))
    return person


def test_must_never_count_after_death_entitlements_and_service_usage_answer_nothing(
    client, insured_citizen, clinic
):
    person = insured_citizen
    registrar = staff_user("reg", REGISTRAR, clinic)
    assert entitlements_on(person=person, on=DIED).packages  # alive: the whole package
    person_record_death(person=person, date_of_death=DIED, user=registrar, reason="x")
    person.refresh_from_db()
    assert entitlements_on(person=person, on=DIED).packages  # the day of death still counts
    after = entitlements_on(person=person, on=DIED + datetime.timedelta(days=1))
    assert after.packages == [] and after.died_on == DIED
    assert after.as_dict()["died_on"] == DIED.isoformat()
    client.force_login(registrar)
    page = client.get(reverse("coverage:person_entitlements", args=[person.pk]) + "?on=2026-04-10")
    text = page.content.decode()
    assert page.status_code == 200
    assert "The person died on 03.04.2026" in text and 'id="package-' not in text


def test_must_never_count_after_death_service_usage_after_death_is_refused(ref, clinic):
    coverage_reference.load()
    person = PersonFactory(category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ")
    registrar = staff_user("reg", REGISTRAR, clinic)
    therapist = ServiceLimit.objects.get(package__code="gfmc_dangerous", leaflet_number=1)
    person_record_death(person=person, date_of_death=DIED, user=registrar, reason="x")
    person.refresh_from_db()
    with pytest.raises(ValidationError) as refused:
        service_usage_record(
            person=person,
            limit=therapist,
            on=D(2026, 4, 4),
            organization_id=clinic.pk,
            user=registrar,
            reason="v",
        )
    assert "died on 03.04.2026" in refused.value.messages[0]
    assert not ServiceUsage.objects.filter(person=person).exists()
