"""The admin's person form (issue 18, item 2): a registered person's IIN, birth date, sex and
death change only on the person's pages, through their services (the IIN checked, a death ending
the attachments); the admin shows them read-only with a link there. Adding a person in the admin
checks the IIN as the registrar's form does, and every admin save goes through the person
services (the person locked first, history with the user and the reason)."""

import datetime

import pytest
from django.urls import reverse

import patients.services
from patients.models import Person

from ..factories import PersonFactory
from ..locks import BUSY, HeldPersonLock

NEW_IIN = "901123300258"  # born 23.11.1990, male


def change_data(person, **overrides):
    data = {
        "iin": person.iin,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "middle_name": "",
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "citizenship": "KZ",
        "category": "1",
        "residence_kind": "permanent",
        "residence_address": "",
        "residence_atu": person.residence_atu_id,
        "change_reason": "Passport data corrected",
    }
    data.update(overrides)
    return data


def add_data(**overrides):
    data = {
        "iin": NEW_IIN,
        "last_name": "Сапаров",
        "first_name": "Асхат",
        "middle_name": "",
        "birth_date": "",
        "sex": "",
        "citizenship": "KZ",
        "category": "1",
        "residence_kind": "permanent",
        "residence_address": "",
        "change_reason": "Registered from the paper register",
    }
    data.update(overrides)
    return data


@pytest.fixture
def admin_client(client, rules_admin):
    client.force_login(rules_admin)
    return client


@pytest.mark.django_db
def test_issue18_a_post_to_the_admin_change_form_leaves_iin_birth_date_sex_and_death_unchanged(
    admin_client, rules_admin
):
    person = PersonFactory(born=datetime.date(1985, 3, 14), sex="F")
    stored = Person.objects.values("iin", "birth_date", "sex", "date_of_death").get(pk=person.pk)
    response = admin_client.post(
        reverse("admin:patients_person_change", args=[person.pk]),
        change_data(
            person,
            iin=NEW_IIN,
            birth_date="1990-11-23",
            sex="M",
            date_of_death="2026-01-05",
            last_name="Жаңа",
        ),
    )
    assert response.status_code == 302
    assert Person.objects.values("iin", "birth_date", "sex", "date_of_death").get(pk=person.pk) == stored
    latest = person.history.first()
    assert (latest.last_name, latest.history_change_reason, latest.history_user) == (
        "Жаңа",
        "Passport data corrected",
        rules_admin,
    )


@pytest.mark.django_db
def test_issue18_the_change_form_shows_identity_and_death_read_only_with_links_to_their_pages(
    admin_client,
):
    person = PersonFactory()
    response = admin_client.get(reverse("admin:patients_person_change", args=[person.pk]))
    form = response.context["adminform"].form
    assert not {"iin", "birth_date", "sex", "date_of_death"} & set(form.fields)
    html = response.content.decode()
    assert person.iin in html
    assert reverse("patients:person_edit", args=[person.pk]) in html
    assert reverse("attachment:record_death", args=[person.pk]) in html
    person.date_of_death = datetime.date(2026, 1, 5)
    person.save()
    html = admin_client.get(reverse("admin:patients_person_change", args=[person.pk])).content.decode()
    assert reverse("attachment:correct_death", args=[person.pk]) in html


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"iin": "901123300255"}, "iin", "The IIN check digit is wrong."),
        ({"last_name": "Ахме\u200bтов"}, "last_name", "Remove invisible or control characters"),
        ({"change_reason": ""}, "change_reason", "This field is required."),
    ],
)
def test_issue18_adding_a_person_in_the_admin_checks_the_iin_as_the_registrar_form_does(
    admin_client, overrides, field, message
):
    response = admin_client.post(reverse("admin:patients_person_add"), add_data(**overrides))
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert any(error.startswith(message) for error in errors[field]), errors
    assert not Person.objects.exists()
    assert not Person.history.exists()


@pytest.mark.django_db
def test_issue18_adding_a_person_in_the_admin_takes_birth_date_and_sex_from_the_iin(
    admin_client, rules_admin
):
    response = admin_client.post(reverse("admin:patients_person_add"), add_data())
    assert response.status_code == 302
    person = Person.objects.get(iin=NEW_IIN)
    assert (person.birth_date, person.sex, person.date_of_death) == (datetime.date(1990, 11, 23), "M", None)
    [row] = person.history.values_list("history_type", "history_user", "history_change_reason")
    assert row == ("+", rules_admin.pk, "Registered from the paper register")


@pytest.mark.django_db(transaction=True)
def test_issue18_an_admin_change_of_a_locked_person_says_the_person_is_busy_and_writes_nothing(
    admin_client, monkeypatch
):
    monkeypatch.setattr(patients.services, "PERSON_LOCK_TIMEOUT", "300ms")
    person = PersonFactory(last_name="Петров")
    url = reverse("admin:patients_person_change", args=[person.pk])
    with HeldPersonLock(person):
        response = admin_client.post(url, change_data(person, last_name="Жаңа"), follow=True)
    assert [str(m) for m in response.context["messages"]] == [BUSY]
    assert Person.objects.get(pk=person.pk).last_name == "Петров"
    assert person.history.count() == 1  # the factory's row only


@pytest.mark.django_db
def test_iin_rules_2013_adding_a_person_in_the_admin_with_a_birth_date_differing_from_the_iin_needs_a_reason(
    admin_client, rules_admin
):
    """Rules of 26.08.2013 (the Ministry of Justice, 05.04.2019): a birth date that differs from the
    IIN is a warning confirmed with a reason, never a refusal; unconfirmed, nothing is written."""
    response = admin_client.post(
        reverse("admin:patients_person_add"), add_data(birth_date="1990-11-24"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors["__all__"]
    assert "The birth date differs from the one the IIN encodes (23.11.1990)." in errors
    assert not Person.objects.exists() and not Person.history.exists()
    response = admin_client.post(
        reverse("admin:patients_person_add"),
        add_data(birth_date="1990-11-24", iin_mismatch_confirmed="on", iin_mismatch_reason="Court decision"),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    person = Person.objects.get(iin=NEW_IIN)
    assert (person.birth_date, person.sex) == (datetime.date(1990, 11, 24), "M")
    [reason] = person.history.values_list("history_change_reason", flat=True)
    assert reason.startswith("Registered from the paper register. ")
    assert "(23.11.1990)" in reason and reason.endswith(": Court decision")
