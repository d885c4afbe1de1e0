"""Person create/edit forms: every error says exactly what is wrong, and nothing is written."""

import datetime

import pytest
from django.urls import reverse

from patients.models import Person

from ..factories import AtuFactory, PersonFactory

pytestmark = pytest.mark.django_db


def person_data(**overrides):
    data = {
        "iin": "901123300258",
        "last_name": "Сапаров",
        "first_name": "Асхат",
        "middle_name": "",
        "birth_date": "",
        "sex": "",
        "citizenship": "KZ",
        "category": "1",
        "residence_kind": "permanent",
        "reason": "Application at the desk",
    }
    data.update(overrides)
    return data


def test_create_derives_birth_date_and_sex_from_iin(registrar_client, registrar1):
    response = registrar_client.post(reverse("patients:person_create"), person_data())
    person = Person.objects.get(iin="901123300258")
    assert response.status_code == 302
    assert person.birth_date == datetime.date(1990, 11, 23)
    assert person.sex == "M"
    record = person.history.get()
    assert record.history_user == registrar1
    assert record.history_change_reason == "Application at the desk"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"iin": "901123300255"}, "iin", "The IIN check digit is wrong."),
        (
            {"iin": "821214240092"},
            "iin",
            "This IIN cannot exist: its check digit cannot be computed.",
        ),
        (
            {"iin": "90112330025"},
            "iin",
            "An IIN is exactly 12 digits.",
        ),
        ({"birth_date": "2026-02-30"}, "birth_date", "Enter a valid date."),
        ({"last_name": ""}, "last_name", "This field is required."),
        (
            {"last_name": "Ы" * 101},
            "last_name",
            "Ensure this value has at most 100 characters (it has 101).",
        ),
        (
            {"category": "9"},
            "category",
            "Select a valid choice. 9 is not one of the available choices.",
        ),
        ({"reason": ""}, "reason", "This field is required."),
        (
            {"migrant_purpose": "4"},
            "migrant_purpose",
            "A purpose of stay is recorded only for temporarily staying persons.",
        ),
    ],
)
def test_create_form_errors_say_what_is_wrong(registrar_client, settings, overrides, field, message):
    settings.LANGUAGE_CODE = "en"
    response = registrar_client.post(
        reverse("patients:person_create"), person_data(**overrides), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert message in errors.get(field or "__all__", []), errors
    assert not Person.objects.exists()


def test_duplicate_iin_is_refused(registrar_client):
    PersonFactory(iin="901123300258")
    response = registrar_client.post(
        reverse("patients:person_create"), person_data(), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "Person with this IIN already exists." in response.context["form"].errors["iin"]


def test_edit_records_history_with_user_and_reason(registrar_client, registrar1):
    person = PersonFactory(iin="901123300258", residence_atu=AtuFactory())
    response = registrar_client.post(
        reverse("patients:person_edit", args=[person.pk]),
        person_data(last_name="Сапарова", sex="M", reason="Surname changed after marriage"),
    )
    assert response.status_code == 302
    latest = person.history.first()
    assert latest.history_type == "~"
    assert latest.last_name == "Сапарова"
    assert latest.history_user == registrar1
    assert latest.history_change_reason == "Surname changed after marriage"


def test_html_in_names_is_escaped_on_the_card(registrar_client):
    person = PersonFactory(last_name="<script>alert(1)</script>")
    response = registrar_client.get(reverse("patients:person_detail", args=[person.pk]))
    assert b"<script>alert(1)</script>" not in response.content
    assert b"&lt;script&gt;" in response.content


def test_minor_representative_is_recorded_with_history(registrar_client, registrar1):
    child = PersonFactory(born=datetime.date(2015, 5, 5), sex="F")
    parent = PersonFactory()
    response = registrar_client.post(
        reverse("patients:dependent_create", args=[child.pk, "representative"]),
        {
            "representative": parent.iin,
            "relationship": "parent",
            "reason": "Birth certificate shown",
        },
    )
    assert response.status_code == 302
    rep = child.representatives.get()
    assert rep.representative == parent
    assert rep.history.get().history_change_reason == "Birth certificate shown"


def test_representative_unknown_iin_is_a_clear_error(registrar_client, settings):
    child = PersonFactory(born=datetime.date(2015, 5, 5))
    response = registrar_client.post(
        reverse("patients:dependent_create", args=[child.pk, "representative"]),
        {"representative": "901123300258", "relationship": "parent", "reason": "x"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert (
        "No person with this IIN is in the register; register them first."
        in response.context["form"].errors["representative"]
    )
    assert not child.representatives.exists()


def test_contract_dates_must_be_ordered(registrar_client, clinic1):
    from ..factories import InsurerFactory

    person = PersonFactory(category=6, citizenship="UZ")
    response = registrar_client.post(
        reverse("patients:dependent_create", args=[person.pk, "contract"]),
        {
            "kind": "imi",
            "insurer": InsurerFactory().pk,
            "number": "IMI-1",
            "valid_from": "2026-05-01",
            "valid_to": "2026-04-01",
            "organization": clinic1.pk,
            "reason": "Contract presented",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The contract cannot end before it starts." in response.context["form"].errors["__all__"]
    assert not person.contracts.exists()


def test_insured_periods_may_not_overlap(registrar_client):
    person = PersonFactory()
    url = reverse("patients:dependent_create", args=[person.pk, "insured"])
    registrar_client.post(url, {"valid_from": "2026-01-01", "source": "manual", "reason": "Fund data"})
    response = registrar_client.post(
        url,
        {
            "valid_from": "2026-03-01",
            "valid_to": "2026-04-01",
            "source": "manual",
            "reason": "Fund data",
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert person.insured_periods.count() == 1
