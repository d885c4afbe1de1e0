"""IIN facts as a warning (issue 20, item 2). Since the rules of 26.08.2013 the IIN's digits are no
longer bound to personal data, and the Ministry of Justice stated (05.04.2019) that an IIN that does
not match the birth date is not an error: a birth date or sex that differs from what the IIN
encodes, or an IIN whose 7th digit is outside 1-6, is a warning the registrar confirms with a
reason (written into the history), never a refusal. The check digit stays the rule."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from patients import services
from patients.iin import WARNINGS, check_digit
from patients.models import Person

from ..factories import AtuFactory, PersonFactory

pytestmark = pytest.mark.django_db

IIN = "901123300258"  # encodes 23.11.1990, male
LANGUAGES = pytest.mark.parametrize("lang", ["ru", "kk"])
FIELDS = {
    "last_name": "Сапаров",
    "first_name": "Асхат",
    "citizenship": "KZ",
    "category": 1,
    "residence_kind": "permanent",
}


def iin_with_seventh_digit(digit: int) -> str:
    for tail in range(10):
        first = f"901123{digit}002{tail}"
        if check_digit(first) is not None:
            return f"{first}{check_digit(first)}"
    raise AssertionError("no issuable number")


def person_data(**overrides):
    data = {**FIELDS, "iin": IIN, "middle_name": "", "birth_date": "", "sex": "", "reason": "At the desk"}
    data.update(overrides)
    return data


def encoded_date_message(lang: str) -> str:
    with translation.override(lang):
        text = WARNINGS["iin_birth_date_differs"] % {"date": "23.11.1990"}
    with translation.override("en"):
        assert text != WARNINGS["iin_birth_date_differs"] % {"date": "23.11.1990"}, "not translated"
    return text


# The service


def test_iin_rules_2013_birth_date_mismatch_is_refused_by_the_service_without_confirmation(
    registrar1,
):
    with translation.override("en"), pytest.raises(services.IinFactsUnconfirmed) as refused:
        services.person_create(
            user=registrar1, reason="At the desk", iin=IIN, birth_date=datetime.date(1990, 11, 24), **FIELDS
        )
    assert [w.code for w in refused.value.warnings] == ["iin_birth_date_differs"]
    assert "The birth date differs from the one the IIN encodes (23.11.1990)." in refused.value.messages
    assert not Person.objects.exists() and not Person.history.exists()


def test_iin_rules_2013_a_confirmation_without_a_reason_is_refused(registrar1):
    with pytest.raises(services.IinFactsUnconfirmed):
        services.person_create(
            user=registrar1,
            reason="At the desk",
            iin=IIN,
            sex="F",
            iin_mismatch_confirmed=True,
            iin_mismatch_reason="  ",
            **FIELDS,
        )
    assert not Person.objects.exists() and not Person.history.exists()


def test_iin_rules_2013_birth_date_mismatch_is_a_warning_confirmed_with_reason(registrar1):
    with translation.override("en"):
        person = services.person_create(
            user=registrar1,
            reason="At the desk",
            iin=IIN,
            birth_date=datetime.date(1990, 11, 24),
            iin_mismatch_confirmed=True,
            iin_mismatch_reason="Birth date corrected by a court decision",
            **FIELDS,
        )
    person.refresh_from_db()
    assert (person.birth_date, person.sex) == (
        datetime.date(1990, 11, 24),
        "M",
    )  # as entered; sex from the IIN
    [row] = person.history.all()
    assert row.history_user == registrar1
    assert row.history_change_reason == (
        "At the desk. Data differing from the IIN confirmed (The birth date differs from the one the IIN "
        "encodes (23.11.1990).): Birth date corrected by a court decision"
    )


def test_iin_rules_2013_sex_changed_on_update_needs_the_confirmation_then_other_changes_do_not(registrar1):
    person = PersonFactory(iin=IIN, born=datetime.date(1990, 11, 23), sex="M")
    with pytest.raises(services.IinFactsUnconfirmed) as refused:
        services.person_update(person=person, user=registrar1, reason="Passport", sex="F")
    assert [w.code for w in refused.value.warnings] == ["iin_sex_differs"]
    assert Person.objects.get(pk=person.pk).sex == "M" and person.history.count() == 1
    services.person_update(
        person=person,
        user=registrar1,
        reason="Passport",
        sex="F",
        iin_mismatch_confirmed=True,
        iin_mismatch_reason="Sex changed, IIN kept",
    )
    assert Person.objects.get(pk=person.pk).sex == "F"
    assert person.history.first().history_change_reason.endswith(": Sex changed, IIN kept")
    # The data recorded so are not asked about again when something else changes.
    services.person_update(person=person, user=registrar1, reason="New surname", last_name="Сапарова")
    latest = person.history.first()
    assert (latest.last_name, latest.sex, latest.history_change_reason) == ("Сапарова", "F", "New surname")


@pytest.mark.parametrize("digit", [0, 7, 8, 9])
def test_iin_rules_2013_seventh_digit_outside_1_to_6_needs_birth_date_and_sex_entered_and_confirmed(
    registrar1, digit
):
    iin = iin_with_seventh_digit(digit)
    with translation.override("en"), pytest.raises(ValidationError) as missing:
        services.person_create(user=registrar1, reason="At the desk", iin=iin, **FIELDS)
    assert missing.value.message_dict == {
        "birth_date": ["Enter the birth date: the IIN does not encode one."],
        "sex": ["Enter the sex: the IIN does not encode it."],
    }
    entered = {"birth_date": datetime.date(1990, 11, 23), "sex": "F"}
    with pytest.raises(services.IinFactsUnconfirmed) as refused:
        services.person_create(user=registrar1, reason="At the desk", iin=iin, **entered, **FIELDS)
    assert [w.code for w in refused.value.warnings] == ["iin_century"]
    assert not Person.objects.exists()
    person = services.person_create(
        user=registrar1,
        reason="At the desk",
        iin=iin,
        iin_mismatch_confirmed=True,
        iin_mismatch_reason="IIN as issued by the public service centre",
        **entered,
        **FIELDS,
    )
    assert (person.birth_date, person.sex) == (datetime.date(1990, 11, 23), "F")


# The pages


@LANGUAGES
def test_iin_rules_2013_create_page_warns_then_registers_once_confirmed_with_reason(
    registrar_client, registrar1, lang
):
    url = reverse("patients:person_create")
    data = person_data(birth_date="1990-11-24")
    response = registrar_client.post(url, data, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="iin-facts-warning"' in html and encoded_date_message(lang) in html
    assert not Person.objects.exists() and not Person.history.exists()
    shown = response.context["iin_shown"]
    assert shown == f"{IIN}|1990-11-24|M"
    # Ticked for other data than those shown: warned again, nothing written.
    stale = {"iin_facts-confirmed": "on", "iin_facts-reason": "Court decision", "iin_facts-shown": shown}
    response = registrar_client.post(
        url, {**person_data(birth_date="1990-11-25"), **stale}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200 and 'id="iin-facts-warning"' in response.content.decode()
    assert not Person.objects.exists()
    # Ticked without a reason: the reason is asked for.
    response = registrar_client.post(
        url, {**data, "iin_facts-confirmed": "on", "iin_facts-shown": shown}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200 and response.context["iin_form"].errors["reason"]
    assert not Person.objects.exists()
    response = registrar_client.post(url, {**data, **stale}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 302
    person = Person.objects.get(iin=IIN)
    assert person.birth_date == datetime.date(1990, 11, 24)
    [row] = person.history.all()
    assert row.history_user == registrar1
    assert row.history_change_reason.startswith("At the desk. ")
    assert encoded_date_message(lang) in row.history_change_reason
    assert row.history_change_reason.endswith(": Court decision")


def test_iin_rules_2013_create_page_shows_duplicates_and_the_iin_warning_together_and_one_post_confirms_both(
    registrar_client,
):
    other = PersonFactory(born=datetime.date(1990, 11, 24), last_name="Сапаров", first_name="Асхат")
    url = reverse("patients:person_create")
    data = person_data(birth_date="1990-11-24")
    response = registrar_client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    html = response.content.decode()
    assert 'id="likely-duplicates"' in html and 'id="iin-facts-warning"' in html
    confirm = {
        "duplicates-not_the_same_person": "on",
        "duplicates-seen": str(other.pk),
        "iin_facts-shown": response.context["iin_shown"],
    }
    # Duplicates confirmed, the IIN not: the page keeps the duplicates' answer and asks for the IIN.
    response = registrar_client.post(url, {**data, **confirm}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and response.context["duplicates_confirmed"]
    assert not Person.objects.filter(iin=IIN).exists()
    response = registrar_client.post(
        url,
        {**data, **confirm, "iin_facts-confirmed": "on", "iin_facts-reason": "Documents checked"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 302
    assert Person.objects.get(iin=IIN).birth_date == datetime.date(1990, 11, 24)


@LANGUAGES
def test_iin_rules_2013_edit_page_warns_about_a_sex_differing_from_the_iin_then_saves_it_confirmed(
    registrar_client, registrar1, lang
):
    person = PersonFactory(iin=IIN, born=datetime.date(1990, 11, 23), sex="M", residence_atu=AtuFactory())
    url = reverse("patients:person_edit", args=[person.pk])
    data = person_data(birth_date="1990-11-23", sex="F", reason="Passport replaced")
    response = registrar_client.post(url, data, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    with translation.override(lang):
        expected = str(WARNINGS["iin_sex_differs"] % {"sex": translation.gettext("male")})
    assert expected in response.content.decode()
    assert Person.objects.get(pk=person.pk).sex == "M" and person.history.count() == 1
    confirm = {
        "iin_facts-confirmed": "on",
        "iin_facts-reason": "Sex changed, IIN kept",
        "iin_facts-shown": response.context["iin_shown"],
    }
    response = registrar_client.post(url, {**data, **confirm}, HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 302
    assert Person.objects.get(pk=person.pk).sex == "F"
    latest = person.history.first()
    assert latest.history_user == registrar1
    assert (
        latest.history_change_reason.startswith("Passport replaced. ")
        and expected in latest.history_change_reason
    )
    assert latest.history_change_reason.endswith(": Sex changed, IIN kept")


def test_iin_rules_2013_create_page_asks_for_birth_date_and_sex_the_iin_does_not_encode(registrar_client):
    iin = iin_with_seventh_digit(0)
    response = registrar_client.post(
        reverse("patients:person_create"), person_data(iin=iin), HTTP_ACCEPT_LANGUAGE="en"
    )
    errors = response.context["form"].errors
    assert errors["birth_date"] == ["Enter the birth date: the IIN does not encode one."]
    assert errors["sex"] == ["Enter the sex: the IIN does not encode it."]
    assert not Person.objects.exists()
