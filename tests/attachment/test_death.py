"""Rule 6: death ends the active attachment on the date of death, recorded from the registrar page."""

import datetime

import pytest
from django.urls import reverse

from patients.access import REGISTRAR

from ..factories import staff_user
from .test_attach import attach

pytestmark = pytest.mark.django_db

DIED = datetime.date(2026, 4, 3)


def post_death(client, person, **data):
    return client.post(
        reverse("attachment:record_death", args=[person.pk]),
        {"date_of_death": DIED.isoformat(), "reason": "Death certificate 123", **data},
    )


def test_rule_6_recording_death_ends_the_attachment_in_one_step(client, ref, citizen, clinic):
    attachment = attach(citizen, clinic, ref[1], on=datetime.date(2025, 1, 1))
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


def test_rule_6_another_clinic_cannot_end_the_attachment(client, ref, citizen, clinic, other_clinic):
    attachment = attach(citizen, clinic, ref[1], on=datetime.date(2025, 1, 1))
    client.force_login(staff_user("other", REGISTRAR, other_clinic))
    assert post_death(client, citizen).status_code == 403
    citizen.refresh_from_db()
    attachment.refresh_from_db()
    assert citizen.date_of_death is None and attachment.valid_to is None


@pytest.mark.parametrize(
    ("date", "message"),
    [
        ("2026-02-30", "Enter a valid date."),
        ("1980-01-01", "The date of death cannot be before the birth date."),
    ],
)
def test_rule_6_bad_dates_are_refused_and_nothing_is_written(client, ref, citizen, clinic, date, message):
    attachment = attach(citizen, clinic, ref[1], on=datetime.date(2025, 1, 1))
    client.force_login(staff_user("reg", REGISTRAR, clinic))
    response = post_death(client, citizen, date_of_death=date)
    assert response.status_code == 200
    form = response.context["form"]
    assert message in form.errors.get("date_of_death", []) + form.non_field_errors()
    citizen.refresh_from_db()
    attachment.refresh_from_db()
    assert citizen.date_of_death is None and attachment.valid_to is None
