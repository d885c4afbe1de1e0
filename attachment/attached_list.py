"""Export of an organization's attached list (CSV and XLSX), filtered like the list page.

Every text cell that a spreadsheet would read as a formula (= + - @, and tab or carriage return
first) is written with a leading apostrophe (formula injection)."""

from __future__ import annotations

import csv
import datetime
import io

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from patients.access import scope_to_organization

from .models import Attachment, Organization
from .selectors import organization_attached_on

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def escape_cell(value) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def attached_for_export(
    *, user, organization: Organization, on: datetime.date, district_id=None, ground_code=None
) -> QuerySet[Attachment]:
    """The organization's attached population on the date, scoped to what the user may see."""
    queryset = scope_to_organization(organization_attached_on(organization=organization, on=on), user)
    if district_id:
        queryset = queryset.filter(district_id=district_id)
    if ground_code:
        queryset = queryset.filter(ground__code=ground_code)
    return queryset


def _headers() -> list[str]:
    return [
        _("IIN"),
        _("surname"),
        _("given name"),
        _("patronymic"),
        _("birth date"),
        _("sex"),
        _("district"),
        _("ground"),
        _("attached from"),
        _("attached to"),
    ]


def _rows(queryset):
    for a in queryset.iterator(chunk_size=2000):
        p = a.person
        yield [
            escape_cell(v)
            for v in (
                p.iin,
                p.last_name,
                p.first_name,
                p.middle_name,
                p.birth_date,
                p.sex,
                a.district.code if a.district else "",
                a.ground.code,
                a.valid_from,
                a.valid_to or "",
            )
        ]


class _Echo:
    def write(self, value):
        return value


def csv_lines(queryset):
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(_headers())
    for row in _rows(queryset):
        yield writer.writerow([v.isoformat() if isinstance(v, datetime.date) else v for v in row])


def xlsx_bytes(queryset) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Attached"))
    sheet.append(_headers())
    for row in _rows(queryset):
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
