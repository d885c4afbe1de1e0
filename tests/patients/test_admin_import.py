"""The admin import validates every row like a form does: a bad value is reported, nothing is
written (not even the good rows of the same file)."""

import pytest
from django.contrib.admin.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from patients.models import Person

from ..factories import PersonFactory

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
    good = ",800101300016,Иванов,Иван,,1980-01-01,M,KZ,1,permanent"
    response = import_persons(client, [good, bad_row])
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    assert "<script>x</script>" not in html
    assert not Person.objects.exists()


def test_a_failure_in_the_middle_of_a_confirmed_import_leaves_nothing_written(
    client, rules_admin, monkeypatch
):
    client.force_login(rules_admin)
    rows = [
        ",800101300016,Иванов,Иван,,1980-01-01,M,KZ,1,permanent",
        GOOD_ROW,
        ",850505400018,Петрова,Анна,,1985-05-05,F,KZ,1,permanent",
    ]
    preview = import_persons(client, rows)
    confirm = preview.context["confirm_form"]
    assert confirm is not None, preview.context["result"].row_errors()
    saved = []
    original_save = Person.save

    def save_then_fail(self, *args, **kwargs):
        if len(saved) == 1:  # the database goes away while the second row is written
            raise RuntimeError("connection lost")
        original_save(self, *args, **kwargs)
        saved.append(self.iin)

    monkeypatch.setattr(Person, "save", save_then_fail)
    response = client.post(reverse("admin:patients_person_process_import"), confirm.initial, follow=True)
    assert response.redirect_chain[-1][0] == reverse("admin:patients_person_import")
    assert [str(m) for m in response.context["messages"]] == [
        "The import stopped on an error and nothing was written. Check the file and import it again."
    ]
    assert saved == ["800101300016"]  # the first row was written inside the import…
    assert not Person.objects.exists()  # …and rolled back with the rest
    assert not Person.history.exists()
    assert not LogEntry.objects.exists()  # no admin log of rows that were never kept


def test_a_confirmed_valid_import_writes_every_row_with_its_history(client, rules_admin):
    client.force_login(rules_admin)
    preview = import_persons(client, [GOOD_ROW, ",800101300016,Иванов,Иван,,1980-01-01,M,KZ,1,permanent"])
    response = client.post(
        reverse("admin:patients_person_process_import"), preview.context["confirm_form"].initial
    )
    assert response.status_code == 302
    assert response.url == reverse("admin:patients_person_changelist")
    assert set(Person.objects.values_list("iin", flat=True)) == {"901123300258", "800101300016"}
    assert set(Person.history.values_list("history_user", flat=True)) == {rules_admin.pk}


@pytest.mark.parametrize(
    ("column", "value"),
    [("birth_date", "1991-11-23"), ("sex", "F"), ("date_of_death", "2026-01-10")],
)
def test_the_admin_import_cannot_change_birth_date_sex_or_death_of_a_registered_person(
    client, rules_admin, column, value
):
    """Those change on the person's pages, through the services that check them and end what a
    death ends; the import names the field and changes nothing."""
    person = PersonFactory(iin="901123300258", last_name="Сапаров", first_name="Асхат", residence_atu=None)
    client.force_login(rules_admin)
    values = {"birth_date": "1990-11-23", "sex": "M", "date_of_death": "", column: value}
    header = HEADER + ",date_of_death"
    row = (
        f",901123300258,Сапаров,Асхат,,{values['birth_date']},{values['sex']},KZ,1,permanent,"
        f"{values['date_of_death']}"
    )
    csv = "\n".join([header, row]).encode()
    response = client.post(
        reverse("admin:patients_person_import"),
        {"format": "0", "import_file": SimpleUploadedFile("persons.csv", csv, "text/csv")},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "changes only on the person&#x27;s page" in response.content.decode()
    assert "confirm_form" not in response.context or not response.context["confirm_form"]
    person.refresh_from_db()
    assert (person.birth_date.isoformat(), person.sex, person.date_of_death) == ("1990-11-23", "M", None)


def test_the_admin_import_still_updates_a_registered_persons_name(client, rules_admin):
    PersonFactory(iin="901123300258", last_name="Сапаров", first_name="Асхат", residence_atu=None)
    client.force_login(rules_admin)
    response = import_persons(client, [GOOD_ROW.replace("Сапаров", "Сапарова")])
    assert response.status_code == 200
    assert response.context["confirm_form"]
