"""CSV and XLSX of a report table: the page's export and the management command share these."""

import csv
import io

from django.http import HttpResponse
from django.utils.functional import Promise
from openpyxl import Workbook

from .selectors import Table

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _cell(value):
    if value is None:
        return ""
    return str(value) if isinstance(value, Promise) else value


def table_csv(table: Table) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([str(h) for h in table.headers])
    for row in table.rows:
        writer.writerow([_cell(v) for v in row])
    if table.extra.get("reasons") is not None:
        writer.writerow([])
        writer.writerow([str(h) for h in table.extra["reason_headers"]])
        for row in table.extra["reasons"]:
            writer.writerow([_cell(v) for v in row])
    return out.getvalue()


def table_xlsx(table: Table, title: str) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = title[:31]
    sheet.append([str(h) for h in table.headers])
    for row in table.rows:
        sheet.append([_cell(v) for v in row])
    extra_rows = table.extra.get("reasons")
    if extra_rows is not None:
        second = book.create_sheet(str(table.extra.get("reasons_title", "2"))[:31])
        second.append([str(h) for h in table.extra["reason_headers"]])
        for row in extra_rows:
            second.append([_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def table_response(table: Table, *, file_format: str, filename: str, title: str) -> HttpResponse:
    if file_format == "xlsx":
        response = HttpResponse(table_xlsx(table, title), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response
    response = HttpResponse(table_csv(table), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response
