"""CSV and XLSX of a report table: the page's export and the management command share these.
The file is written by `patients.tabular` (formula cells escaped, BOM, translated headers)."""

from typing import IO

from patients.tabular import Sheet, Written, write_csv, write_file, write_xlsx

from .selectors import Table


def _sheets(table: Table, title: str) -> list[Sheet]:
    sheets = [Sheet(title, table.headers, table.rows)]
    if table.extra.get("reasons") is not None:
        sheets.append(
            Sheet(
                str(table.extra.get("reasons_title", "2")),
                table.extra["reason_headers"],
                table.extra["reasons"],
            )
        )
    return sheets


def table_csv(table: Table, out: IO[str], title: str = "") -> int:
    return write_csv(out, _sheets(table, title))


def table_xlsx(table: Table, out: IO[bytes], title: str) -> int:
    return write_xlsx(out, _sheets(table, title))


def table_file(table: Table, *, file_format: str, title: str) -> Written:
    """The finished file of the table and its row count."""
    return write_file(_sheets(table, title), file_format=file_format)
