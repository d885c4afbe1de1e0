"""Every write leaves a history row with the user and the reason."""

import pytest
from django.urls import reverse

from patients.models import IdentityDocument, Person
from patients.services import delete_with_history, person_create, person_update

from ..factories import DocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db


def test_service_create_update_delete_write_history(registrar1):
    person = person_create(
        user=registrar1,
        reason="walk-in",
        iin="901123300258",
        last_name="А",
        first_name="Б",
        category=1,
    )
    person_update(person=person, user=registrar1, reason="typo", first_name="В")
    doc = DocumentFactory(person=person)
    doc_id = doc.pk
    delete_with_history(doc, user=registrar1, reason="document withdrawn")
    rows = list(
        person.history.order_by("history_id").values_list(
            "history_type", "history_change_reason", "history_user"
        )
    )
    assert rows == [("+", "walk-in", registrar1.pk), ("~", "typo", registrar1.pk)]
    deleted = IdentityDocument.history.filter(id=doc_id, history_type="-").get()
    assert (deleted.history_user, deleted.history_change_reason) == (
        registrar1,
        "document withdrawn",
    )


def test_history_tab_shows_who_what_when_why(registrar_client, registrar1):
    person = person_create(
        user=registrar1,
        reason="walk-in",
        iin="901123300258",
        last_name="Ким",
        first_name="Б",
        category=1,
    )
    person_update(person=person, user=registrar1, reason="name corrected", last_name="Кимова")
    response = registrar_client.get(reverse("patients:person_history", args=[person.pk]))
    text = response.content.decode()
    assert "name corrected" in text and "Ким → Кимова" in text and "registrar1" in text


def test_history_ids_are_64_bit():
    assert Person.history.model._meta.pk.get_internal_type() == "BigAutoField"


def test_admin_change_requires_and_records_reason(client, rules_admin):
    person = PersonFactory()
    client.force_login(rules_admin)
    url = reverse("admin:patients_person_change", args=[person.pk])
    data = {
        "iin": person.iin,
        "last_name": "Жаңа",
        "first_name": person.first_name,
        "middle_name": "",
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "citizenship": "KZ",
        "category": "1",
        "residence_kind": "permanent",
        "residence_address": "",
        "residence_atu": person.residence_atu_id,
    }
    response = client.post(url, data)
    assert response.status_code == 200  # reason missing: form shown again
    person.refresh_from_db()
    assert person.last_name != "Жаңа"
    response = client.post(url, {**data, "change_reason": "Passport data corrected"})
    assert response.status_code == 302
    latest = person.history.first()
    assert (latest.last_name, latest.history_change_reason, latest.history_user) == (
        "Жаңа",
        "Passport data corrected",
        rules_admin,
    )
