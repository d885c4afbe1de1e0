"""Export of an organization's attached list (CSV and XLSX), filtered like the list page.

`attached_for_export` is the one query every export of the list goes through; the file itself
is written by `patients.tabular` (formula cells escaped, BOM, translated headers, any size in
constant memory, a finished file or a 500)."""

from __future__ import annotations

import datetime

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from patients.access import scope_to_organization
from patients.tabular import Sheet, Written, write_file

from .models import Attachment, Organization
from .selectors import organization_attached_on

# The person's columns every list of persons the product exports starts with.
PERSON_HEADERS = (_("IIN"), _("surname"), _("given name"), _("patronymic"), _("birth date"))
HEADERS = (
    *PERSON_HEADERS,
    _("sex"),
    _("district"),
    _("ground"),
    _("attached from"),
    _("attached to"),
)
# Rows fetched per round trip of the server-side cursor.
CHUNK_SIZE = 2000


def attached_for_export(
    *, user, organization: Organization, on: datetime.date, district_id=None, ground_code=None, category=None
) -> QuerySet[Attachment]:
    """The organization's attached population on the date, scoped to what the user may see."""
    queryset = scope_to_organization(organization_attached_on(organization=organization, on=on), user)
    if district_id:
        queryset = queryset.filter(district_id=district_id)
    if ground_code:
        queryset = queryset.filter(ground__code=ground_code)
    if category:
        queryset = queryset.filter(person__category=category)
    return queryset


def _rows(queryset: QuerySet[Attachment]):
    """One tuple a row, read through a server-side cursor (no model instances, no list)."""
    return queryset.values_list(
        "person__iin",
        "person__last_name",
        "person__first_name",
        "person__middle_name",
        "person__birth_date",
        "person__sex",
        "district__code",
        "ground__code",
        "valid_from",
        "valid_to",
    ).iterator(chunk_size=CHUNK_SIZE)


def attached_file(queryset: QuerySet[Attachment], *, file_format: str) -> Written:
    """The finished CSV or XLSX file of the queryset and its row count."""
    return write_file([Sheet(_("Attached"), HEADERS, _rows(queryset))], file_format=file_format)
