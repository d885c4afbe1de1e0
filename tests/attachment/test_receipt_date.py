"""The date a registrar gives on the attach pages is the day the application was received (seed
002 §10.3, seed 004): never after today, never before birth, a few days back at most unless a
rules administrator records it; the page says from when the attachment takes effect."""

import datetime

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from attachment.models import Attachment, Channel
from attachment.services import attachment_create
from patients.access import RULES_ADMIN

from ..factories import OrganizationFactory, PersonFactory, staff_user

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ref")]

GRACE = 3


@pytest.fixture
def walk_in(clinic1):
    return PersonFactory(residence_atu=clinic1.atu, birth_date=datetime.date(1990, 6, 1))


def post_attach(client, person, organization, ground, on):
    return client.post(
        reverse("attachment:attach", args=[person.pk]),
        {
            "organization": organization.pk,
            "ground": ground.pk,
            "on": on.isoformat(),
            "channel": Channel.CLINIC,
            "documents": ["identity"],
            "reason": "application at the desk",
        },
    )


def form_errors(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return response.context["form"].errors.get("on", [])


@override_settings(RECEIPT_DATE_GRACE_DAYS=GRACE)
def test_par10_3_a_registrar_cannot_open_a_closed_campaign_by_dating_the_receipt_back(
    registrar_client, walk_in, clinic1, ref
):
    today = timezone.localdate()
    response = post_attach(registrar_client, walk_in, clinic1, ref[3], today - datetime.timedelta(days=62))
    earliest = today - datetime.timedelta(days=GRACE)
    assert form_errors(response) == [
        f"An application received before {earliest:%d.%m.%Y} is recorded by a rules administrator, "
        "with the reason."
    ]
    assert not Attachment.objects.filter(person=walk_in).exists()


@override_settings(RECEIPT_DATE_GRACE_DAYS=GRACE)
@pytest.mark.parametrize(
    ("day", "message"),
    [
        (lambda today: today + datetime.timedelta(days=1), "An application cannot be received after today."),
        # Beyond the dates any form accepts (patients/dates.py): never an attachment in year 9999.
        (lambda today: datetime.date(9999, 12, 31), "Enter a date between 1900-01-01 and 2100-12-31."),
        (lambda today: datetime.date(1, 1, 1), "Enter a date between 1900-01-01 and 2100-12-31."),
        (
            lambda today: datetime.date(1980, 1, 1),
            "An application cannot be received before the person's birth date (01.06.1990).",
        ),
    ],
    ids=["tomorrow", "9999-12-31", "0001-01-01", "before_birth"],
)
def test_the_receipt_date_is_never_in_the_future_nor_before_birth(
    registrar_client, rules_admin, client, walk_in, clinic1, ref, day, message
):
    on = day(timezone.localdate())
    assert form_errors(post_attach(registrar_client, walk_in, clinic1, ref[1], on)) == [message]
    client.force_login(rules_admin)
    assert form_errors(post_attach(client, walk_in, clinic1, ref[1], on)) == [message]


@override_settings(RECEIPT_DATE_GRACE_DAYS=GRACE)
def test_a_registrar_records_an_application_received_a_few_days_ago(registrar_client, walk_in, clinic1, ref):
    on = timezone.localdate() - datetime.timedelta(days=GRACE)
    response = post_attach(registrar_client, walk_in, clinic1, ref[1], on)
    assert response.status_code == 302, form_errors(response)
    assert Attachment.objects.get(person=walk_in).valid_from == on


@override_settings(RECEIPT_DATE_GRACE_DAYS=GRACE)
def test_par10_3_a_rules_administrator_records_an_earlier_campaign_receipt_and_reads_when_it_takes_effect(
    client, walk_in, clinic1, ref
):
    """A role-holder without superuser rights: the permission comes from the role."""
    neighbour = OrganizationFactory(atu=clinic1.atu, name_ru="Поликлиника по соседству")
    client.force_login(staff_user("rules2", RULES_ADMIN, None, is_staff=True))
    today = timezone.localdate()
    received = datetime.date(
        today.year if today >= datetime.date(today.year, 10, 1) else today.year - 1, 10, 1
    )
    january = datetime.date(received.year + 1, 1, 1)
    attachment_create(
        person=walk_in,
        organization=neighbour,
        ground=ref[1],
        on=datetime.date(received.year, 3, 2),
        channel=Channel.CLINIC,
        user=None,
        reason="earlier attachment",
    )
    response = post_attach(client, walk_in, clinic1, ref[3], received)
    assert response.status_code == 302, form_errors(response)
    attachment = Attachment.objects.get(person=walk_in, organization=clinic1)
    assert attachment.valid_from == january
    page = client.get(response.url)
    assert (
        f"Attached to {clinic1.name} from {january:%d.%m.%Y} under the campaign; the attachment to "
        f"{neighbour.name} stays until 31.12.{received.year}." in page.content.decode()
    )


def test_the_message_after_an_attachment_of_today_names_the_organization_and_the_date(
    registrar_client, walk_in, clinic1, ref
):
    today = timezone.localdate()
    response = post_attach(registrar_client, walk_in, clinic1, ref[1], today)
    page = registrar_client.get(response.url)
    assert f"Attached to {clinic1.name} from {today:%d.%m.%Y}." in page.content.decode()


@override_settings(RECEIPT_DATE_GRACE_DAYS=GRACE)
def test_family_attach_applies_the_same_receipt_date_rule(registrar_client, clinic1, ref):
    applicant = PersonFactory(residence_atu=clinic1.atu)
    response = registrar_client.post(
        reverse("attachment:family", args=[applicant.pk]),
        {
            "members": [applicant.pk],
            "organization": clinic1.pk,
            "ground": ref[4].pk,
            "on": (timezone.localdate() + datetime.timedelta(days=1)).isoformat(),
            "consent": "on",
            "reason": "family application",
        },
    )
    assert form_errors(response) == ["An application cannot be received after today."]
