"""The register import (issue 5): parsing, set-wise validation, all-or-nothing writes with
history, idempotent re-import, updated files ending and starting attachments like the service."""

import csv
import datetime
import io

import psycopg
import pytest
from django.db import connection

from attachment.importing import parsing, pipeline, validation
from attachment.importing.pipeline import population_import
from attachment.models import Attachment
from patients.iin import check_digit, make_iin
from patients.models import Person

from ..factories import ContractFactory, DistrictFactory, OrganizationFactory, PersonFactory
from .conftest import ON

pytestmark = pytest.mark.django_db

HEADER = (
    "iin,last_name,first_name,middle_name,birth_date,sex,citizenship,category,"
    "organization_bin,district_code,attached_on,ground,residence_kato,contract_number"
)
COLUMNS = HEADER.split(",")
IIN_A = "901123300258"  # 1990-11-23, male
IIN_B = "061211600012"  # 2006-12-11, female
VALID = [i for i in (make_iin(datetime.date(1990, 1, 1), "M", n) for n in range(1, 40)) if i][:10]


def csv_file(rows, *, header=HEADER, delimiter=",", encoding="utf-8", bom=False):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    writer.writerow(header.split(","))
    writer.writerows(rows)
    data = out.getvalue().encode(encoding)
    return io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + data)


def row(clinic, iin=IIN_A, **fields):
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
    return [values[c] for c in COLUMNS]


def run(stream, user=None, **options):
    return population_import(stream=stream, file_name="rpn.csv", user=user, import_id=7, **options)


def report_rows(result):
    return [tuple(r[:3]) for r in list(csv.reader(io.StringIO(result.report)))[1:]]


def test_clean_file_is_imported_with_person_attachment_and_history(ref, clinic, district, rules_admin):
    result = run(csv_file([row(clinic)]), user=rules_admin)
    assert result.report == ""
    assert (result.rows, result.created, result.updated, result.unchanged, result.errors) == (1, 1, 0, 0, 0)
    person = Person.objects.get(iin=IIN_A)
    assert (person.birth_date, person.sex) == (datetime.date(1990, 11, 23), "M")  # from the IIN
    attachment = Attachment.objects.get(person=person)
    assert attachment.organization == clinic and attachment.district == district
    assert attachment.valid_from == ON and attachment.channel == "import"
    assert attachment.created_by == rules_admin
    for history in (person.history.get(), attachment.history.get()):
        assert history.history_type == "+" and history.history_user == rules_admin
        assert history.history_change_reason == "import rpn.csv #7"


@pytest.mark.parametrize("encoding", ["utf-8", "cp1251"])
@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_every_validation_error_is_reported_with_row_and_column(ref, clinic, district, encoding, delimiter):
    other = OrganizationFactory()
    DistrictFactory(organization=other, code="77")
    rows = [
        row(clinic, IIN_A, sex="Ж"),  # 2: sex differs from the IIN: a warning, no error
        row(clinic, "901123300255"),  # 3: check digit
        row(clinic, IIN_B, last_name="", birth_date="12.12.2006"),  # 4: surname (birth date: a warning)
        row(clinic, VALID[0], birth_date="31.02.1990", attached_on="2026-13-01"),  # 5: dates
        row(clinic, VALID[1], organization_bin="999999999999"),  # 6: organization
        row(clinic, VALID[2], district_code="77"),  # 7: district of another organization
        row(clinic, VALID[3], district_code="55", ground="12", category="9"),  # 8
        row(clinic, VALID[4], citizenship="XX", sex="Q", residence_kato="123456789"),  # 9
        row(clinic, IIN_A),  # 10: second row for the same IIN
        row(clinic, "821214240092"),  # 11: IIN that can never be issued
        row(clinic, VALID[5], attached_on="01.01.1980"),  # 12: before birth
        row(clinic, VALID[6], ground="5"),  # 13: rules: ground 5 contests a commission's attachment
        row(clinic, VALID[7], ground="4"),  # 14: ground 4 names no contract (§9-1)
    ]
    rows[3][COLUMNS.index("iin")] = VALID[0]
    result = run(csv_file(rows, delimiter=delimiter, encoding=encoding))
    found = set(report_rows(result))
    expected = {
        ("3", "iin", "iin_check_digit"),
        ("4", "last_name", "required"),
        ("5", "birth_date", "date_format"),
        ("5", "attached_on", "date_format"),
        ("6", "organization_bin", "organization_unknown"),
        ("7", "district_code", "district_other_organization"),
        ("8", "district_code", "district_unknown"),
        ("8", "ground", "ground_unknown"),
        ("8", "category", "category_unknown"),
        ("9", "citizenship", "country_unknown"),
        ("9", "sex", "sex_unknown"),
        ("9", "residence_kato", "kato_unknown"),
        ("10", "iin", "duplicate_iin"),
        ("11", "iin", "iin_unissuable"),
        ("12", "attached_on", "before_birth"),
        ("13", "ground", "refused:not_attached_by_commission"),
        ("14", "contract_number", "contract_required"),
    }
    assert expected <= found, expected - found
    assert found - expected == set(), found - expected
    assert result.errors == len(found) and not result.written
    assert not Person.objects.exists() and not Attachment.objects.exists()
    assert not Person.history.exists()


def test_any_error_writes_nothing_all_or_nothing(ref, clinic, district):
    rows = [row(clinic, IIN_A), row(clinic, IIN_B, ground="x")]
    result = run(csv_file(rows))
    assert result.errors == 1 and not result.written
    assert (Person.objects.count(), Attachment.objects.count(), Attachment.history.count()) == (0, 0, 0)


def test_reimport_of_the_same_file_changes_nothing_and_says_unchanged(ref, clinic, district, rules_admin):
    rows = [row(clinic, IIN_A), row(clinic, IIN_B, last_name="Ахметова", first_name="Әсем", sex="Ә")]
    assert run(csv_file(rows), user=rules_admin).created == 2
    counts = (Person.history.count(), Attachment.history.count())
    again = run(csv_file(rows, delimiter=";", bom=True), user=rules_admin)
    assert (again.rows, again.created, again.updated, again.unchanged, again.errors) == (2, 0, 0, 2, 0)
    assert (Person.history.count(), Attachment.history.count()) == counts


def test_updated_file_ends_previous_attachment_day_before_and_records_history(
    ref, clinic, other_clinic, district, rules_admin
):
    """§4 through the import: the same writes as the attach service."""
    run(csv_file([row(clinic, IIN_A)]), user=rules_admin)
    moved_on = datetime.date(2026, 6, 1)
    DistrictFactory(organization=other_clinic, code="01")
    changed = row(
        other_clinic, IIN_A, attached_on=moved_on.isoformat(), ground="1", last_name="Иванов-Петров"
    )
    result = run(csv_file([changed]), user=rules_admin)
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 1, 0, 0), result.report
    person = Person.objects.get(iin=IIN_A)
    assert person.last_name == "Иванов-Петров"
    old, new = Attachment.objects.filter(person=person).order_by("valid_from")
    assert old.valid_to == moved_on - datetime.timedelta(days=1)
    assert "01.06.2026" in old.end_reason
    assert (new.organization, new.valid_from, new.valid_to) == (other_clinic, moved_on, None)
    ended = old.history.order_by("-history_id").first()
    assert (ended.history_type, ended.history_user, ended.valid_to) == ("~", rules_admin, old.valid_to)
    assert person.history.order_by("-history_id").first().history_type == "~"


def test_a_file_of_new_and_known_persons_attaches_each_row_to_its_own_person(
    ref, clinic, other_clinic, district, rules_admin
):
    """New persons get their ids before the writes; a known person keeps theirs. Each row's
    attachment and history rows belong to the person of its IIN."""
    run(csv_file([row(clinic, IIN_A)]), user=rules_admin)
    known = Person.objects.get(iin=IIN_A)
    DistrictFactory(organization=other_clinic, code="01")
    moved_on = datetime.date(2026, 6, 1)
    rows = [
        row(other_clinic, VALID[0], last_name="Жаңа"),
        row(other_clinic, IIN_A, attached_on=moved_on.isoformat(), ground="1"),
        row(other_clinic, VALID[1], last_name="Тағы"),
    ]
    result = run(csv_file(rows), user=rules_admin)
    assert (result.created, result.updated, result.errors) == (2, 1, 0), result.report
    assert Person.objects.get(iin=IIN_A).pk == known.pk
    for iin, last_name in ((VALID[0], "Жаңа"), (VALID[1], "Тағы")):
        person = Person.objects.get(iin=iin)
        assert person.last_name == last_name and person.history.get().id == person.pk
        attachment = Attachment.objects.get(person=person)
        assert attachment.organization == other_clinic
        assert attachment.history.get().person_id == person.pk
    assert list(
        Attachment.objects.filter(person=known)
        .order_by("valid_from")
        .values_list("organization", "valid_from")
    ) == [(clinic.pk, ON), (other_clinic.pk, moved_on)]


def test_dry_run_checks_and_counts_but_writes_nothing(ref, clinic, district):
    result = run(csv_file([row(clinic)]), dry_run=True)
    assert (result.rows, result.created, result.errors, result.written) == (1, 1, 0, False)
    assert not Person.objects.exists()


def test_headers_in_russian_and_kazakh_and_organization_option(ref, clinic, district):
    header = "ИИН;Фамилия;Имя;Дата рождения;Пол;Категория;Участок;Дата прикрепления;Основание;КАТО"
    rows = [[IIN_A, "Иванов", "Иван", "23.11.1990", "М", "1", "01", "02.03.2026", "2", "751210000"]]
    result = run(csv_file(rows, header=header.replace(";", ","), encoding="cp1251"), organization=clinic)
    assert result.written, result.report
    header_kk = "ЖСН,Тегі,Аты,Санаты,Бекітілген күні,Негіз"
    rows_kk = [[IIN_B, "Ахметова", "Әсем", "citizen", "2026-03-02", "2"]]
    result = run(csv_file(rows_kk, header=header_kk), organization=clinic)
    assert result.written, result.report
    assert Attachment.objects.filter(organization=clinic).count() == 2


def test_rows_of_another_organization_are_errors_with_the_organization_option(ref, clinic, other_clinic):
    result = run(csv_file([row(other_clinic, district_code="")]), organization=clinic)
    assert report_rows(result) == [("2", "organization_bin", "organization_not_selected")]


def test_unreadable_file_raises_and_writes_nothing(ref):
    with pytest.raises(parsing.UnreadableFile):
        run(io.BytesIO(b"just one line without separators"))
    with pytest.raises(parsing.UnreadableFile):
        run(io.BytesIO(b"iin,last_name\n901123300258,X\n"))  # required columns missing


def test_a_row_with_too_many_fields_is_reported_with_its_row(ref, clinic, district):
    stream = csv_file([row(clinic)])
    data = stream.getvalue() + b"1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16\n"
    result = run(io.BytesIO(data))
    assert ("3", "row", "copy") in report_rows(result)
    assert not Person.objects.exists()


def test_error_report_lists_messages(ref, clinic, district):
    result = run(csv_file([row(clinic, "901123300255"), row(clinic, IIN_B, ground="5")]))
    assert result.report.startswith("\ufeff")  # a BOM, so that Excel shows the Cyrillic
    lines = list(csv.reader(io.StringIO(result.report.removeprefix("\ufeff"))))
    assert lines[0] == ["row", "column", "code", "message", "value"]
    assert lines[1][:3] == ["2", "iin", "iin_check_digit"] and lines[1][3] and lines[1][4] == "901123300255"
    assert lines[2][:3] == ["3", "ground", "refused:not_attached_by_commission"] and lines[2][3]
    assert lines[2][4] == "5"


def test_existing_person_keeps_residence_when_the_row_has_none(ref, clinic, district, almaly):
    person = PersonFactory(iin=IIN_A, residence_atu=almaly, last_name="Иванов", first_name="Иван")
    result = run(csv_file([row(clinic, IIN_A, residence_kato="")]))
    assert result.written and result.updated == 1, result.report
    person.refresh_from_db()
    assert person.residence_atu == almaly


def contract_row(clinic, person, number):
    """A ground-4 row (§9-1) of the person naming a contract number."""
    return row(
        clinic,
        person.iin,
        last_name=person.last_name,
        first_name=person.first_name,
        citizenship=person.citizenship,
        category=str(int(person.category)),
        ground="4",
        contract_number=number,
    )


def test_par9_1_import_contract_covers_its_insured_and_family_not_another_person(
    ref, clinic, district, almaly
):
    """§9-1 through the import: the register's person named by the row's IIN must be the
    contract's insured person or one of its family members, else the row is an error."""
    contract = ContractFactory(organization=clinic, insured__residence_atu=almaly)
    insured = contract.insured
    spouse = PersonFactory(residence_atu=almaly, category=insured.category, citizenship=insured.citizenship)
    contract.family_members.add(spouse)
    stranger = PersonFactory(residence_atu=almaly, category=insured.category, citizenship=insured.citizenship)

    lines = [contract_row(clinic, p, contract.number) for p in (insured, spouse, stranger)]
    result = run(csv_file(lines), dry_run=True)
    assert report_rows(result) == [("4", "contract_number", "contract_other_person")], result.report
    assert "neither insures this person nor lists them as a family member" in result.report


def test_par9_1_import_ground_4_row_needs_a_contract_of_that_person_and_organization(
    ref, clinic, other_clinic, district, almaly
):
    """A ground-4 row without a contract would be an attachment for ever (§9-1: it lasts for the
    contract); a contract of another organization, an unknown number, or a person not yet in the
    register (whom no recorded contract insures) are errors of the row too. Nothing is written."""
    contract = ContractFactory(organization=clinic, insured__residence_atu=almaly)
    elsewhere = ContractFactory(organization=other_clinic, insured__residence_atu=almaly)
    unknown = ContractFactory(organization=clinic, insured__residence_atu=almaly).insured
    insured = contract.insured

    def line(person, number):
        return contract_row(clinic, person, number)

    newcomer = PersonFactory.build(iin=VALID[0], category=insured.category, citizenship="UZ")
    result = run(
        csv_file(
            [
                line(insured, ""),
                line(elsewhere.insured, elsewhere.number),
                line(unknown, "NO-SUCH"),
                line(newcomer, contract.number),
            ]
        )
    )
    assert report_rows(result) == [
        ("2", "contract_number", "contract_required"),
        ("3", "contract_number", "contract_other_organization"),
        ("4", "contract_number", "contract_unknown"),
        ("5", "contract_number", "contract_other_person"),
    ], result.report
    assert "give the contract number" in result.report
    assert not result.written and not Person.objects.filter(iin=newcomer.iin).exists()
    assert not Attachment.objects.exists()

    result = run(csv_file([line(insured, contract.number)]))
    assert result.written, result.report
    attachment = Attachment.objects.get(person=insured)
    assert (attachment.contract, attachment.valid_to) == (contract, contract.valid_to)


def test_import_leaves_the_connection_settings_as_it_found_them(ref, clinic, district, rules_admin):
    """Workers and web processes keep their connections: the import's planner and memory
    settings last only as long as the import."""
    names = ("random_page_cost", *pipeline.SESSION)

    def settings():
        with connection.cursor() as cursor:
            cursor.execute("SELECT name, setting FROM pg_settings WHERE name = ANY(%s)", [list(names)])
            return dict(cursor.fetchall())

    before = settings()
    assert run(csv_file([row(clinic)]), user=rules_admin).written
    assert settings() == before and set(before) == set(names)


def type_in_two_sessions(monkeypatch) -> list[str]:
    """From now on every file is typed in two sessions (outside a transaction); returns the COPY
    statements that carry rows between them as they run."""
    streams = []
    original = pipeline._stream

    def spy(source, query, target, statement):
        streams.append(statement)
        original(source, query, target, statement)

    monkeypatch.setattr(pipeline, "TWO_SESSIONS_MIN_ROWS", 2)
    monkeypatch.setattr(pipeline, "_stream", spy)
    return streams


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_typed_in_two_sessions_with_the_same_outcome(
    ref, clinic, district, rules_admin, monkeypatch
):
    """Both halves of the file are checked (errors reported from each, with their rows), and a
    clean file typed in two sessions is written as when typed in one."""
    bad = [
        row(clinic, VALID[0]),
        row(clinic, "901123300255"),  # row 3, first half: check digit
        row(clinic, VALID[1]),
        row(clinic, VALID[2]),
        row(clinic, VALID[3], district_code="99"),  # row 6, second half: unknown district
        row(clinic, VALID[4], attached_on="31.02.2026"),  # row 7, second half: no such date
    ]
    one_session = run(csv_file(bad), dry_run=True)
    streams = type_in_two_sessions(monkeypatch)
    two_sessions = run(csv_file(bad), dry_run=True)
    assert len(streams) == 2  # the second half out, its typed rows back
    assert two_sessions.report == one_session.report
    assert set(report_rows(two_sessions)) == {
        ("3", "iin", "iin_check_digit"),
        ("6", "district_code", "district_unknown"),
        ("7", "attached_on", "date_format"),
    }
    assert (two_sessions.rows, two_sessions.errors) == (one_session.rows, one_session.errors) == (6, 3)

    good = [row(clinic, iin, last_name=f"Фамилия{'абвгде'[n]}") for n, iin in enumerate(VALID[:6])]
    result = run(csv_file(good), user=rules_admin)
    assert (result.rows, result.created, result.errors, len(streams)) == (6, 6, 0, 4)
    assert sorted(Person.objects.values_list("iin", "last_name")) == sorted(
        (iin, f"Фамилия{'абвгде'[n]}") for n, iin in enumerate(VALID[:6])
    )
    assert Attachment.objects.filter(person__iin__in=VALID[:6], district=district).count() == 6


@pytest.mark.django_db(transaction=True)
def test_a_failure_in_the_second_session_fails_the_import_and_writes_nothing(
    ref, clinic, district, rules_admin, monkeypatch
):
    typed = validation.normalize_sql

    def second_half_fails(columns, *, organization_id, up_to_line=None):
        if up_to_line is None:  # the second session types all it was given
            return ["SELECT 1 / 0"]
        return typed(columns, organization_id=organization_id, up_to_line=up_to_line)

    type_in_two_sessions(monkeypatch)
    monkeypatch.setattr(validation, "normalize_sql", second_half_fails)
    opened = []
    open_connection = connection.get_new_connection

    def spy(params):
        opened.append(open_connection(params))
        return opened[-1]

    monkeypatch.setattr(connection, "get_new_connection", spy)
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), current_setting('jit')")
        pid, jit = cursor.fetchone()
    with pytest.raises(psycopg.errors.DivisionByZero):
        run(csv_file([row(clinic, iin) for iin in VALID[:4]]), user=rules_admin)
    assert not Person.objects.exists() and not Attachment.objects.exists()
    assert len(opened) == 1 and opened[0].closed  # the second session is closed
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid(), to_regclass('pg_temp.import_raw'), current_setting('jit')")
        assert cursor.fetchone() == (pid, None, jit)  # same session, staging dropped, settings reset


FORMULA_NAMES = ["=cmd|' /C calc'!A0", "+SUM(1,2)", "@SUM(A1)", '=HYPERLINK("http://evil.example/","click")']


def test_import_applies_the_person_forms_name_rules_a_formula_shaped_name_is_a_row_error(
    ref, clinic, district
):
    """The register import refuses what the person form refuses (patients.validators): each
    formula-shaped surname is an error of its row, with the form's message, and nothing is written."""
    rows = [row(clinic, iin, last_name=name) for iin, name in zip(VALID, FORMULA_NAMES, strict=False)]
    kazakh, mixed = "Нұрланұлы-Әбілқайыр", "Ivanоvich"  # the "о" of `mixed` is Cyrillic
    rows.append(row(clinic, VALID[5], last_name=kazakh, first_name="Ivan", middle_name=mixed))
    rows.append(row(clinic, VALID[6], first_name="Ай\u200bдар"))
    result = run(csv_file(rows))
    found = report_rows(result)
    for line in range(2, 2 + len(FORMULA_NAMES)):
        assert (str(line), "last_name", "name_characters") in found
    assert (str(2 + len(FORMULA_NAMES)), "middle_name", "mixed_scripts") in found
    assert (str(3 + len(FORMULA_NAMES)), "first_name", "invisible_characters") in found
    assert len(found) == len(FORMULA_NAMES) + 2  # the Kazakh surname and the Latin name are right
    lines = list(csv.reader(io.StringIO(result.report.removeprefix("\ufeff"))))
    assert lines[1][3] == "A name may contain only letters, spaces, hyphens, apostrophes and dots."
    assert lines[1][4] == "'" + FORMULA_NAMES[0]  # the report itself escapes the formula
    assert mixed in lines[len(FORMULA_NAMES) + 1][3]  # the message names the word
    assert result.created == 0 and not Person.objects.exists()


def warning_rows(result):
    return [
        tuple(r[:3]) for r in list(csv.reader(io.StringIO(result.warning_report.removeprefix("\ufeff"))))[1:]
    ]


def test_iin_rules_2013_import_keeps_the_files_birth_date_and_sex_and_counts_the_warnings(
    ref, clinic, district, rules_admin
):
    """Rules of 26.08.2013 (the Ministry of Justice, 05.04.2019): a row whose birth date or sex
    differs from what its IIN encodes is imported as the file has it and reported as a warning."""
    rows = [
        row(clinic, IIN_A, sex="Ж"),  # the IIN encodes a man
        row(clinic, IIN_B, birth_date="12.12.2006"),  # the IIN encodes 11.12.2006
        row(clinic, VALID[0]),
    ]
    result = run(csv_file(rows), user=rules_admin)
    assert (result.errors, result.created, result.warnings, result.written) == (0, 3, 2, True)
    assert result.summary.endswith("errors=0 historical=0 warnings=2")
    assert Person.objects.get(iin=IIN_A).sex == "F"
    assert Person.objects.get(iin=IIN_B).birth_date == datetime.date(2006, 12, 12)
    assert Attachment.objects.count() == 3
    assert warning_rows(result) == [
        ("2", "sex", "iin_sex_differs"),
        ("3", "birth_date", "iin_birth_date_differs"),
    ]
    lines = list(csv.reader(io.StringIO(result.warning_report.removeprefix("\ufeff"))))
    assert lines[0] == ["row", "column", "code", "message", "value"]
    assert lines[1][3:] == ["The sex differs from the one the IIN encodes (male). Kept as in the file.", "Ж"]
    assert lines[2][3:] == [
        "The birth date differs from the one the IIN encodes (11.12.2006). Kept as in the file.",
        "12.12.2006",
    ]
    # Re-run harmless: nothing changes, the warnings are reported again.
    counts = (Person.history.count(), Attachment.history.count())
    again = run(csv_file(rows), user=rules_admin)
    assert (again.created, again.updated, again.unchanged, again.warnings) == (0, 0, 3, 2)
    assert (Person.history.count(), Attachment.history.count()) == counts


def test_iin_rules_2013_a_file_with_an_error_writes_nothing_though_its_other_rows_only_warn(
    ref, clinic, district
):
    result = run(csv_file([row(clinic, IIN_A, sex="Ж"), row(clinic, "901123300255")]))
    assert (result.errors, result.warnings, result.written) == (1, 1, False)
    assert report_rows(result) == [("3", "iin", "iin_check_digit")]
    assert (Person.objects.count(), Attachment.objects.count()) == (0, 0)


def test_iin_rules_2013_import_of_an_iin_with_the_7th_digit_outside_1_to_6_needs_birth_date_and_sex(
    ref, clinic, district
):
    first = next(f"9011230002{t}" for t in range(10) if check_digit(f"9011230002{t}") is not None)
    iin = f"{first}{check_digit(first)}"
    refused = run(csv_file([row(clinic, iin)]))
    assert set(report_rows(refused)) == {("2", "birth_date", "iin_no_birth_date"), ("2", "sex", "iin_no_sex")}
    result = run(csv_file([row(clinic, iin, birth_date="1990-11-23", sex="F")]))
    assert (result.errors, result.created, result.warnings) == (0, 1, 1)
    assert warning_rows(result) == [("2", "iin", "iin_century")]
    assert (Person.objects.get(iin=iin).birth_date, Person.objects.get(iin=iin).sex) == (
        datetime.date(1990, 11, 23),
        "F",
    )


def test_iin_rules_2013_a_row_without_birth_date_and_sex_keeps_the_registers_not_the_iins(
    ref, clinic, district, rules_admin
):
    """The IIN's digits are a default for a new person only: a birth date and sex recorded otherwise
    (confirmed at the desk) are not overwritten with them by a file that leaves them empty."""
    person = PersonFactory(
        iin=IIN_A, born=datetime.date(1990, 11, 24), sex="F", last_name="Иванов", first_name="Иван"
    )
    result = run(csv_file([row(clinic, IIN_A, last_name="Петров")]), user=rules_admin)
    assert (result.errors, result.updated, result.warnings) == (0, 1, 0)
    person.refresh_from_db()
    assert (person.last_name, person.birth_date, person.sex) == ("Петров", datetime.date(1990, 11, 24), "F")
    again = run(csv_file([row(clinic, IIN_A, last_name="Петров")]), user=rules_admin)
    assert (again.updated, again.unchanged) == (0, 1)
