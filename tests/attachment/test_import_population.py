"""The register import (issue: import of the attached population): parsing, set-wise validation,
all-or-nothing writes with history, idempotent re-import."""

import io

import pytest

from attachment.importing.pipeline import population_import
from attachment.models import Attachment
from patients.models import Person

from .conftest import ON

HEADER = (
    "iin,last_name,first_name,middle_name,birth_date,sex,citizenship,category,"
    "organization_bin,district_code,attached_on,ground,residence_kato,contract_number"
)


def csv_file(rows, *, header=HEADER, delimiter=",", encoding="utf-8", bom=False):
    lines = [header.replace(",", delimiter)] + [delimiter.join(r) for r in rows]
    data = ("\n".join(lines) + "\n").encode(encoding)
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + data)


def row(clinic, iin="901123300258", **fields):
    values = {
        "iin": iin,
        "last_name": "Иванов",
        "first_name": "Иван",
        "middle_name": "",
        "birth_date": "",
        "sex": "",
        "citizenship": "KZ",
        "category": "1",
        "organization_bin": clinic.bin,
        "district_code": "01",
        "attached_on": ON.isoformat(),
        "ground": "2",
        "residence_kato": "751210000",
        "contract_number": "",
    }
    values.update(fields)
    return [values[c] for c in HEADER.split(",")]


def run(stream, user=None, **options):
    return population_import(stream=stream, file_name="rpn.csv", user=user, import_id=7, **options)


def test_clean_file_is_imported_with_person_attachment_and_history(ref, clinic, district, rules_admin):
    result = run(csv_file([row(clinic)]), user=rules_admin)
    assert result.report == ""
    assert (result.rows, result.created, result.updated, result.unchanged, result.errors) == (1, 1, 0, 0, 0)
    person = Person.objects.get(iin="901123300258")
    attachment = Attachment.objects.get(person=person)
    assert attachment.organization == clinic and attachment.district == district
    assert attachment.valid_from == ON and attachment.channel == "import"
    history = person.history.get()
    assert history.history_type == "+" and history.history_user == rules_admin
    assert history.history_change_reason == "import rpn.csv #7"
