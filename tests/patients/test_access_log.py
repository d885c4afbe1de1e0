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


def test_a_missing_person_writes_no_log_entry(registrar_client):
    person = PersonFactory()
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


def test_the_database_refuses_a_row_about_neither_a_person_nor_a_list(registrar1):
    """personaccesslog_person_or_list: a person's row has no row count, a list's row no person."""
    person = PersonFactory()
    for fields in ({}, {"person": person, "row_count": 3}):
        with pytest.raises(IntegrityError, match="personaccesslog_person_or_list"), transaction.atomic():
            PersonAccessLog.objects.create(user=registrar1, view_name="x", **fields)
    assert not PersonAccessLog.objects.exists()


def test_the_address_is_the_client_as_axes_reads_it(client, registrar1, settings):
    """Without AXES_PROXY_COUNT a forged X-Forwarded-For is ignored; behind one proxy it is the
    address that proxy forwarded."""
    person = PersonFactory()
    client.force_login(registrar1)
    url = reverse("patients:person_detail", args=[person.pk])
    client.get(url, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="203.0.113.9")
    settings.AXES_IPWARE_PROXY_COUNT = 1
    # The client's own "X-Forwarded-For: 198.51.100.1" is kept by the proxy, which appends the
    # address it was contacted from: only that one is trusted.
    client.get(url, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9")
    settings.AXES_IPWARE_PROXY_COUNT = 2
    client.get(url, REMOTE_ADDR="10.1.1.1", HTTP_X_FORWARDED_FOR="198.51.100.1, 203.0.113.9, 10.0.0.5")
    assert list(PersonAccessLog.objects.order_by("id").values_list("address", flat=True)) == [
        "10.1.1.1",
        "203.0.113.9",
        "203.0.113.9",
    ]


def test_auditors_filter_the_log_by_user_page_and_person_and_see_page_names(
    client, registrar1, registrar2, auditor
):
    anna, boris = PersonFactory(), PersonFactory()
    for user, person, name in (
        (registrar1, anna, "patients:person_detail"),
        (registrar1, boris, "attachment:person"),
        (registrar2, anna, "attachment:person"),
    ):
        client.force_login(user)
        client.get(reverse(name, args=[person.pk]))
    client.force_login(auditor)
    changelist = reverse("admin:patients_personaccesslog_changelist")

    def listed(query, language="en"):
        response = client.get(changelist, query, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        return response, {(e.user.username, e.person_id) for e in response.context["cl"].result_list}

    assert listed({"user__id__exact": registrar2.pk})[1] == {("registrar2", anna.pk)}
    assert listed({"page": "attachment:person"})[1] == {("registrar1", boris.pk), ("registrar2", anna.pk)}
    assert listed({"q": anna.iin})[1] == {("registrar1", anna.pk), ("registrar2", anna.pk)}
    response, _rows = listed({"page": "patients:person_detail"}, language="ru")
    page = response.content.decode()
    assert "карточка лица" in page and "patients:person_detail</td>" not in page


def test_auditors_export_the_filtered_log_as_csv_and_the_export_is_logged(client, registrar1, auditor):
    person = PersonFactory(last_name="=HYPERLINK")
    client.force_login(registrar1)
    client.get(reverse("patients:person_detail", args=[person.pk]), REMOTE_ADDR="10.2.2.2")
    entry = PersonAccessLog.objects.get()
    client.force_login(auditor)
    response = client.post(
        reverse("admin:patients_personaccesslog_changelist"),
        {"action": "export_csv", "_selected_action": [entry.pk], "index": 0},
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.splitlines()
    assert lines[0].lstrip("\ufeff").split(",") == [
        "opened at",
        "user",
        "page",
        "IIN",
        "person",
        "network address",
        "rows exported",
        "parameters",
    ]
    assert f"registrar1,person card,{person.iin},'=HYPERLINK" in lines[1]
    assert "10.2.2.2" in lines[1]
    export = PersonAccessLog.objects.exclude(pk=entry.pk).get()
    assert (export.user, export.person, export.row_count) == (auditor, None, 1)
    assert export.view_name == "admin:patients_personaccesslog_changelist"
