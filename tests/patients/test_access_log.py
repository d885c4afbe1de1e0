"""The access log: who opened which person's card and when, visible read-only to auditors;
and logging never carries personal data."""

import logging

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse

from patients.log_filters import RedactIinFilter
from patients.models import PersonAccessLog

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_opening_a_card_and_its_history_is_logged_with_user_page_and_time(registrar_client, registrar1):
    person = PersonFactory()
    registrar_client.get(reverse("patients:person_detail", args=[person.pk]))
    registrar_client.get(reverse("patients:person_history", args=[person.pk]))
    entries = list(PersonAccessLog.objects.order_by("id"))
    assert [(e.user, e.person, e.view_name) for e in entries] == [
        (registrar1, person, "patients:person_detail"),
        (registrar1, person, "patients:person_history"),
    ]
    assert entries[0].opened_at <= entries[1].opened_at
    record = entries[0].history.get()
    assert record.history_type == "+"
    assert record.history_user == registrar1


def test_searching_or_a_missing_person_writes_no_log_entry(registrar_client):
    person = PersonFactory()
    registrar_client.post(reverse("patients:search"), {"iin": person.iin})
    assert registrar_client.get(reverse("patients:person_detail", args=[person.pk + 1000])).status_code == 404
    assert not PersonAccessLog.objects.exists()


def test_auditor_reads_the_log_in_the_admin_but_nobody_changes_it(client, registrar1, auditor, rules_admin):
    person = PersonFactory()
    client.force_login(registrar1)
    client.get(reverse("patients:person_detail", args=[person.pk]))
    entry = PersonAccessLog.objects.get()
    client.force_login(auditor)
    response = client.get(reverse("admin:patients_personaccesslog_changelist"))
    assert response.status_code == 200
    assert "registrar1" in response.content.decode()
    assert client.get(reverse("admin:patients_personaccesslog_history", args=[entry.pk])).status_code == 200
    for user in (auditor, rules_admin):
        client.force_login(user)
        assert client.get(reverse("admin:patients_personaccesslog_add")).status_code == 403
        assert (
            client.get(reverse("admin:patients_personaccesslog_delete", args=[entry.pk])).status_code == 403
        )
        response = client.post(
            reverse("admin:patients_personaccesslog_change", args=[entry.pk]),
            {"view_name": "forged", "user": auditor.pk, "person": person.pk},
        )
        assert response.status_code == 403
    entry.refresh_from_db()
    assert entry.view_name == "patients:person_detail"
    assert PersonAccessLog.objects.count() == 1


def test_registrars_cannot_read_the_log(registrar_client):
    response = registrar_client.get(reverse("admin:patients_personaccesslog_changelist"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_person_pages_log_no_iin_and_no_name(registrar_client, caplog):
    person = PersonFactory(last_name="Жұмабекова", first_name="Әсел", middle_name="Серікқызы", sex="F")
    caplog.set_level(logging.DEBUG)
    registrar_client.post(reverse("patients:search"), {"iin": person.iin})
    registrar_client.post(reverse("patients:search"), {"name": person.last_name})
    registrar_client.get(reverse("patients:person_detail", args=[person.pk]))
    registrar_client.get(reverse("patients:person_history", args=[person.pk]))
    registrar_client.get(reverse("patients:person_detail", args=[person.pk + 1000]))  # 404 is logged
    registrar_client.post(
        reverse("patients:person_edit", args=[person.pk]),
        {"iin": person.iin, "last_name": person.last_name, "first_name": "", "reason": ""},
    )
    assert caplog.records, "the 404 above must have been logged"
    for text in (person.iin, person.last_name, person.first_name, person.middle_name):
        assert text not in caplog.text


def test_every_log_handler_redacts_iins():
    for handler in settings.LOGGING["handlers"].values():
        assert "redact_iin" in handler["filters"]
    record = logging.LogRecord(
        "django.db", logging.ERROR, __file__, 1, "Key (iin)=(%s) already exists.", ("901123300258",), None
    )
    assert RedactIinFilter().filter(record)
    assert record.getMessage() == "Key (iin)=(<iin>) already exists."
    # Longer digit runs are not IINs and stay as they are.
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "order 1234567890123", None, None)
    RedactIinFilter().filter(record)
    assert record.getMessage() == "order 1234567890123"


def test_the_database_refuses_to_change_or_delete_log_entries(registrar1):
    entry = PersonAccessLog.objects.create(user=registrar1, person=PersonFactory(), view_name="x")
    for change in (
        lambda: PersonAccessLog.objects.filter(pk=entry.pk).update(view_name="forged"),
        lambda: PersonAccessLog.objects.filter(pk=entry.pk).delete(),
    ):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            change()
    entry.refresh_from_db()
    assert entry.view_name == "x"
