"""The person card's header shows, on every tab, where the person is attached today (organization,
district, since, until) and the attachment that will follow."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attachment.models import Attachment, Channel

from ..factories import DistrictFactory, PersonFactory

pytestmark = pytest.mark.django_db


def attach(person, organization, start, end=None, district=None, *, ground):
    return Attachment.objects.create(
        person=person,
        organization=organization,
        district=district,
        ground=ground,
        channel=Channel.CLINIC,
        valid_from=start,
        valid_to=end,
    )


def header(client, person, url_name="patients:person_detail", language="ru"):
    html = client.get(reverse(url_name, args=[person.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    start = html.index('data-testid="person-attachment"')
    return html[start : html.index("</p>", start)]


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize(
    "url_name", ["patients:person_detail", "attachment:person", "coverage:person_entitlements"]
)
def test_header_shows_the_current_and_the_next_attachment(
    ref, clinic1, clinic2, registrar_client, language, url_name
):
    today = timezone.localdate()
    person = PersonFactory()
    district = DistrictFactory(organization=clinic1, code="07")
    next_year = datetime.date(today.year + 1, 1, 1)
    attach(
        person,
        clinic1,
        today - datetime.timedelta(days=400),
        next_year - datetime.timedelta(days=1),
        district,
        ground=ref[1],
    )
    attach(person, clinic2, next_year, ground=ref[3])
    text = header(registrar_client, person, url_name, language)
    assert str(clinic1) in text and "07" in text
    assert (today - datetime.timedelta(days=400)).strftime("%d.%m.%Y") in text
    assert (next_year - datetime.timedelta(days=1)).strftime("%d.%m.%Y") in text  # until
    assert str(clinic2) in text and next_year.strftime("%d.%m.%Y") in text  # and what follows


def test_header_says_when_the_person_is_attached_nowhere_today(ref, registrar_client, clinic1):
    person = PersonFactory()
    attach(person, clinic1, datetime.date(2020, 1, 1), datetime.date(2021, 1, 1), ground=ref[1])
    text = header(registrar_client, person, language="en")
    assert "Not attached today." in text
    assert str(clinic1) not in text  # an ended attachment is history, not the header


def test_header_of_a_dead_person_shows_the_date_of_death_in_neutral_words(ref, registrar_client):
    person = PersonFactory(date_of_death=datetime.date(2025, 5, 4))
    html = registrar_client.get(
        reverse("patients:person_detail", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="ru"
    ).content.decode()
    assert "дата смерти 04.05.2025" in html
    assert "умер(ла)" not in html
