"""Exports of any size (issue 17 §3): the attached list is written whole to a temporary file and
streamed with its Content-Length, so a failure is a 500 before any byte and a download cut off
on the way is shorter than announced; every CSV the product writes starts with a BOM."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from attachment import attached_list
from attachment.importing import report
from attachment.models import Attachment, ImportRun
from patients.models import Person
from patients.tabular import BOM

from ..patients.test_tabular import admin_export

ROWS = 1500
ON = {"on": "2026-03-02"}


@pytest.fixture
def many_attached(clinic1, ref):
    persons = Person.objects.bulk_create(
        Person(
            iin=f"9{n:011d}",
            last_name="Фамилия",
            first_name=f"Имя{n}",
            birth_date=datetime.date(1990, 1, 1),
            sex="M",
            category=1,
            citizenship="KZ",
        )
        for n in range(ROWS)
    )
    Attachment.objects.bulk_create(
        Attachment(person=p, organization=clinic1, ground=ref[2], channel="import", valid_from="2026-01-01")
        for p in persons
    )
    return persons


def _export(client, clinic, file_format):
    return client.get(reverse("importing:export", args=[clinic.pk, file_format]), ON)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_par17_3_attached_list_export_of_many_rows_is_complete_and_announces_its_length(
    client, registrar1, clinic1, many_attached, file_format
):
    client.force_login(registrar1)
    response = _export(client, clinic1, file_format)
    assert response.status_code == 200 and response.streaming
    body = response.getvalue()
    assert int(response["Content-Length"]) == len(body)
    assert f"attached-{clinic1.bin}-20260302.{file_format}" in response["Content-Disposition"]
    if file_format == "csv":
        rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    else:
        rows = list(openpyxl.load_workbook(io.BytesIO(body)).active.iter_rows(values_only=True))
    assert len(rows) == ROWS + 1
    assert {r[0] for r in rows[1:]} == {p.iin for p in many_attached}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_par17_3_export_failing_midway_is_a_500_before_any_byte(
    registrar1, clinic1, many_attached, monkeypatch, file_format
):
    real_rows = attached_list._rows

    def failing(queryset):
        for n, row in enumerate(real_rows(queryset)):
            if n == ROWS // 2:
                raise ConnectionError("the database went away")
            yield row

    monkeypatch.setattr(attached_list, "_rows", failing)
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(registrar1)
    response = _export(client, clinic1, file_format)
    assert response.status_code == 500
    assert not response.streaming and BOM.encode() not in response.content


def test_every_product_csv_starts_with_a_bom(client, rules_admin, clinic1, many_attached):
    client.force_login(rules_admin)
    attached = _export(client, clinic1, "csv").getvalue()
    population = client.get(reverse("reports:population"), {**ON, "by": ["sex"], "export": "csv"})
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE import_errors (line bigint, col text, code text, detail text)")
        cursor.execute("INSERT INTO import_errors VALUES (2, 'iin', 'required', NULL)")
        cursor.execute(f"CREATE TEMP TABLE {report.STAGING} (line bigint, iin text)")
        cursor.execute(f"INSERT INTO {report.STAGING} VALUES (1, '')")
        text = io.StringIO()
        report.write_report(cursor, text)
        cursor.execute(f"DROP TABLE import_errors, {report.STAGING}")
    run = ImportRun.objects.create(file_name="f.csv", user=rules_admin, error_report=text.getvalue())
    errors = client.get(reverse("importing:report", args=[run.pk])).content
    admin = admin_export(client, "csv")
    for name, data in [
        ("attached list", attached),
        ("population report", population.getvalue()),
        ("import error report", errors),
        ("admin export", admin),
    ]:
        assert data.startswith(BOM.encode()), (name, data[:40])
    assert errors.decode("utf-8-sig").splitlines()[0] == "row,column,code,message,value"
