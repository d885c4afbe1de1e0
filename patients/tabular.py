"""The one CSV/XLSX writer of every file the product writes: attached lists, report tables, the
import error report, and (through `FormulaSafeExport` in `patients/resources.py`) the admin's
django-import-export exports.

- Formula injection: every text cell that a spreadsheet would run as a formula (first character
  `=`, `+`, `-`, `@`, a tab or a carriage return) is written with a leading apostrophe, so
  `=HYPERLINK(…)` stays text in CSV and in XLSX alike.
- CSV is UTF-8 with a byte-order mark (Excel shows Cyrillic and Kazakh letters only then),
  RFC 4180 line ends.
- Headers are translated: pass lazy strings; they are rendered in the active language.
- Any size in constant memory: rows are consumed one by one from an iterable (a queryset's
  `.iterator()`, a cursor), written to an anonymous temporary file (XLSX in openpyxl's
  write-only mode, inline strings), and the response streams the finished file with its
  Content-Length. A failure while writing is a 500 before the first byte, and a download cut
  off on the way is shorter than its Content-Length, which every HTTP client reports as failed:
  a truncated file never looks complete.

Lives in `patients`, the lowest layer, so every app can use it without importing another.
"""

from __future__ import annotations

import csv
import datetime
import io
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import IO

from django.http import FileResponse
from django.utils.functional import Promise

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def escape_cell(value):
    """The value as a spreadsheet must read it: text that would start a formula gets a leading
    apostrophe; lazy strings become text; everything else is returned unchanged."""
    if isinstance(value, Promise):
        value = str(value)
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def _csv_cell(value):
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    return escape_cell(value)


def _xlsx_cell(value):
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    value = escape_cell(value)
    if isinstance(value, str):
        # Control characters cannot be stored in XLSX; openpyxl would refuse the whole file.
        return ILLEGAL_CHARACTERS_RE.sub("\N{REPLACEMENT CHARACTER}", value)
    return value


@dataclass
class Sheet:
    """One table: translated `headers` and an iterable of `rows` (read once, in order)."""

    title: str
    headers: Sequence
    rows: Iterable[Sequence]


@dataclass
class Written:
    """A finished file, positioned at its start, and the number of data rows written."""

    file: IO[bytes]
    rows: int


def write_csv(out: IO[str], sheets: Sequence[Sheet]) -> int:
    """Write the sheets to a text stream (BOM first; further sheets after an empty line);
    return the number of data rows."""
    writer = csv.writer(out)
    out.write(BOM)
    count = 0
    for index, sheet in enumerate(sheets):
        if index:
            writer.writerow([])
        writer.writerow([_csv_cell(h) for h in sheet.headers])
        for row in sheet.rows:
            writer.writerow([_csv_cell(v) for v in row])
            count += 1
    return count


def write_xlsx(out: IO[bytes], sheets: Sequence[Sheet]) -> int:
    """Write the sheets as worksheets of one workbook (write-only: constant memory); return the
    number of data rows."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    count = 0
    try:
        for sheet in sheets:
            worksheet = book.create_sheet(str(sheet.title)[:31])
            worksheet.append([_xlsx_cell(h) for h in sheet.headers])
            for row in sheet.rows:
                worksheet.append([_xlsx_cell(v) for v in row])
                count += 1
    except BaseException:
        # Finish and remove the worksheets' own temporary files; the error goes on.
        for worksheet in book.worksheets:
            if worksheet._writer is not None:
                worksheet.close()
                worksheet._writer.cleanup()
        raise
    book.save(out)
    return count


def write_file(sheets: Sequence[Sheet], *, file_format: str) -> Written:
    """The whole file in an anonymous temporary file (removed when closed)."""
    target = tempfile.TemporaryFile()
    try:
        if file_format == "xlsx":
            rows = write_xlsx(target, sheets)
        else:
            text = io.TextIOWrapper(target, encoding="utf-8", newline="")
            rows = write_csv(text, sheets)
            text.flush()
            text.detach()
        target.seek(0)
    except BaseException:
        target.close()
        raise
    return Written(target, rows)


def file_response(written: Written, *, file_format: str, filename: str) -> FileResponse:
    """Stream a finished file (Content-Length set, the file closed when the response is)."""
    return FileResponse(
        written.file,
        as_attachment=True,
        filename=f"{filename}.{file_format}",
        content_type=XLSX_TYPE if file_format == "xlsx" else CSV_TYPE,
    )
