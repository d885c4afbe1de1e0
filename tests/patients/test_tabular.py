"""The one CSV/XLSX writer (`patients/tabular.py`): formula cells escaped, BOM, translated
headers, constant memory; the admin's django-import-export exports go through the same escaping."""

import csv
import datetime
import io
import tracemalloc

import openpyxl
import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy

from patients.models import Person
from patients.tabular import BOM, Sheet, escape_cell, write_file

from ..factories import PersonFactory

FORMULA_SURNAMES = [
    "=cmd|' /C calc'!A0",
    "+SUM(1,2)",
    "@SUM(A1)",
    '=HYPERLINK("http://evil.example/","click")',
]


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM.encode()), data[:20]
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def test_owasp_csv_injection_cells_starting_a_formula_get_a_leading_apostrophe():
    assert [escape_cell(v) for v in ("=1+1", "+7", "-x", "@SUM(A1)", "\tx", "\rx")] == [
        "'=1+1",
        "'+7",
        "'-x",
        "'@SUM(A1)",
        "'\tx",
        "'\rx",
    ]
    assert [escape_cell(v) for v in ("Иванов", 5, -5, None, "'=x")] == ["Иванов", 5, -5, None, "'=x"]


def test_csv_starts_with_a_bom_and_writes_translated_headers_escaped_cells_and_iso_dates():
    sheet = Sheet(
        "x", [gettext_lazy("surname"), gettext_lazy("birth date")], [["=1+1", datetime.date(2020, 1, 2)]]
    )
    with translation.override("ru"):
        written = write_file([sheet], file_format="csv")
    assert written.rows == 1
    rows = _csv_rows(written.file.read())
    with translation.override("ru"):
        assert rows[0] == [translation.gettext("surname"), translation.gettext("birth date")]
    assert rows[0][0] != "surname"  # rendered in the active language, not the source text
    assert rows[1] == ["'=1+1", "2020-01-02"]


def test_xlsx_cells_holding_formula_text_are_text_not_formulas():
    sheet = Sheet("Attached", ["surname"], [[s] for s in FORMULA_SURNAMES] + [["bad\x00char"]])
    written = write_file([sheet], file_format="xlsx")
    book = openpyxl.load_workbook(written.file)
    cells = [row[0] for row in book.active.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells[:4]] == ["'" + s for s in FORMULA_SURNAMES]
    assert cells[4].value == "bad\N{REPLACEMENT CHARACTER}char"  # openpyxl refuses control characters


def _peak_memory_of_writing(count: int, file_format: str) -> tuple[int, int]:
    def rows():
        for n in range(count):
            yield (f"{n:012d}", "Фамилия", f"Имя{n}", "Отчество", datetime.date(1990, 1, 1), "M", "01", 2)

    tracemalloc.start()
    try:
        written = write_file([Sheet("s", ["a"] * 8, rows())], file_format=file_format)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert written.rows == count
    return peak, written.file.seek(0, io.SEEK_END)


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_writer_memory_stays_bounded_whatever_the_number_of_rows(file_format):
    """Ten times the rows take no more memory: rows are consumed one at a time and go to a
    temporary file (XLSX in openpyxl's write-only mode, with inline strings)."""
    small_peak, small_size = _peak_memory_of_writing(5_000, file_format)
    large_peak, large_size = _peak_memory_of_writing(50_000, file_format)
    assert large_size > 5 * small_size
    assert large_peak < small_peak * 1.2 + 100_000, (small_peak, large_peak)


def admin_export(client, file_label: str) -> bytes:
    """The admin's person export (every field) in the format of that label."""
    url = reverse("admin:patients_person_export")
    form = client.get(url).context["form"]
    index = next(value for value, label in form.fields["format"].choices if label == file_label)
    data = {"format": index, "resource": 0}
    data |= {name: "on" for name, field in form.fields.items() if field.initial is True}
    response = client.post(url, data)
    assert response.status_code == 200, response.content[:500]
    return response.content


@pytest.mark.django_db
def test_par18_4_admin_person_export_escapes_formula_surnames_in_csv_and_xlsx(client, rules_admin):
    for surname in FORMULA_SURNAMES:
        PersonFactory(last_name=surname)
    client.force_login(rules_admin)

    rows = _csv_rows(admin_export(client, "csv"))
    column = rows[0].index("last_name")
    assert sorted(r[column] for r in rows[1:]) == sorted("'" + s for s in FORMULA_SURNAMES)

    book = openpyxl.load_workbook(io.BytesIO(admin_export(client, "xlsx")))
    sheet = book.active
    header = [c.value for c in next(sheet.iter_rows(max_row=1))]
    cells = [row[header.index("last_name")] for row in sheet.iter_rows(min_row=2)]
    assert all(c.data_type == "s" for c in cells), [(c.value, c.data_type) for c in cells]
    assert sorted(c.value for c in cells) == sorted("'" + s for s in FORMULA_SURNAMES)
    assert Person.objects.count() == len(FORMULA_SURNAMES)
