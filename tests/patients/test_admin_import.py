"""The admin import validates every row like a form does: a bad value is reported, nothing is
written (not even the good rows of the same file)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patients.models import Person

pytestmark = pytest.mark.django_db

HEADER = "id,iin,last_name,first_name,middle_name,birth_date,sex,citizenship,category,residence_kind"
GOOD_ROW = ",901123300258,Сапаров,Асхат,,1990-11-23,M,KZ,1,permanent"


def import_persons(client, rows):
    csv = "\n".join([HEADER, *rows]).encode()
    return client.post(
        reverse("admin:patients_person_import"),
        {"format": "0", "import_file": SimpleUploadedFile("persons.csv", csv, "text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )


def test_a_valid_file_is_offered_for_confirmation(client, rules_admin):
    client.force_login(rules_admin)
    response = import_persons(client, [GOOD_ROW])
    assert response.status_code == 200
    assert "confirm_form" in response.context
    assert not Person.objects.exists()  # the preview writes nothing


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (",901123300258,Ахме\u200bтов,Асхат,,1990-11-23,M,KZ,1,permanent", "Remove invisible or control"),
        (",901123300258,<script>x</script>,Асхат,,1990-11-23,M,KZ,1,permanent", "A name may contain only"),
        (",901123300255,Сапаров,Асхат,,1990-11-23,M,KZ,1,permanent", "The IIN check digit is wrong."),
        (
            ",９０１１２３３００２５８,Сапаров,Асхат,,1990-11-23,M,KZ,1,permanent",
            "An IIN is exactly 12 digits.",
        ),
        (",901123300258,Сапаров,Асхат,,2026-02-30,M,KZ,1,permanent", "Value could not be parsed"),
        (",901123300258,Сапаров,Асхат,,1990-11-23,M,KZ,9,permanent", "is not a valid choice"),
    ],
)
def test_a_bad_row_is_reported_and_nothing_is_written(client, rules_admin, bad_row, message):
    client.force_login(rules_admin)
    good = ",800101300012,Иванов,Иван,,1980-01-01,M,KZ,1,permanent"
    response = import_persons(client, [good, bad_row])
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert "<script>x</script>" not in html
    assert not Person.objects.exists()
