"""Who left an organization in a period: the list page, its CSV/XLSX export and the start page's
count read the same query (`leavers_for`, over `selectors.organization_leavers`, scoped by
`patients.access`). The file is written by `patients.tabular` (formula cells escaped, BOM,
translated headers, any size in constant memory)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Iterator

from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from patients.access import scope_to_organization
from patients.tabular import Sheet, Written, write_file

from .attached_list import PERSON_HEADERS
from .models import Attachment, LeavingReason, Organization
from .models.base import in_language
from .selectors import leavers_destinations, organization_leavers

HEADERS = (
    *PERSON_HEADERS,
    _("district"),
    _("attached from"),
    _("last day attached"),
    _("why the attachment ended"),
    _("details"),
    _("went to (BIN)"),
    _("went to"),
    _("ground there"),
    _("attached there from"),
)
# Rows fetched per round trip of the server-side cursor (and destinations read per query).
CHUNK_SIZE = 2000


def leavers_for(
    *,
    user,
    date_from: datetime.date,
    date_to: datetime.date,
    organization: Organization | None = None,
    district=None,
    reason: str = "",
) -> QuerySet[Attachment]:
    """Who left the organization (or any the user sees) in the period, scoped to the user."""
    queryset = scope_to_organization(
        organization_leavers(date_from=date_from, date_to=date_to, organization=organization), user
    )
    if district is not None:
        queryset = queryset.filter(district=district)
    if reason:
        queryset = queryset.filter(left_because=reason)
    return queryset


def reason_details(
    left_because: str, *, detach_reason: str, note: str, reconciliation_id: int | None, end_reason: str
) -> str:
    """What the row says beyond the kind of reason: the detachment reason and its note, the
    reconciliation's number, or the reason recorded when it ended another way."""
    if left_because == LeavingReason.DETACHED:
        return f"{detach_reason}: {note}" if note else detach_reason
    if left_because == LeavingReason.RECONCILIATION:
        return gettext("reconciliation #%(number)s") % {"number": reconciliation_id}
    if left_because == LeavingReason.OTHER:
        return end_reason
    return ""


def leavers_page_rows(attachments: Iterable[Attachment]) -> list[Attachment]:
    """The rows of one page with `destination` (the attachment they went to, or None) and
    `details` set: one query for the page's destinations."""
    rows = list(attachments)
    destinations = leavers_destinations(a.next_id for a in rows)
    for a in rows:
        a.destination = destinations.get(a.next_id)
        a.left_because_label = LeavingReason(a.left_because).label
        a.details = reason_details(
            a.left_because,
            detach_reason=a.detach_reason.name if a.detach_reason else "",
            note=a.end_reason,
            reconciliation_id=a.reconciliation_id,
            end_reason=a.end_reason,
        )
    return rows


FIELDS = (
    "person__iin",
    "person__last_name",
    "person__first_name",
    "person__middle_name",
    "person__birth_date",
    "district__code",
    "valid_from",
    "valid_to",
    "left_because",
    "detach_reason__name_kk",
    "detach_reason__name_ru",
    "end_reason",
    "reconciliation_id",
    "next_id",
)


def _rows(queryset: QuerySet[Attachment]) -> Iterator[tuple]:
    """One tuple a row, read through a server-side cursor; the destinations of each chunk in one
    query."""
    chunk: list[tuple] = []
    for values in queryset.values_list(*FIELDS).iterator(chunk_size=CHUNK_SIZE):
        chunk.append(values)
        if len(chunk) == CHUNK_SIZE:
            yield from _chunk_rows(chunk)
            chunk = []
    yield from _chunk_rows(chunk)


def _chunk_rows(chunk: list[tuple]) -> Iterator[tuple]:
    destinations = leavers_destinations(values[-1] for values in chunk)
    for values in chunk:
        row = dict(zip(FIELDS, values, strict=True))
        kind = row["left_because"]
        to = destinations.get(row["next_id"])
        yield (
            row["person__iin"],
            row["person__last_name"],
            row["person__first_name"],
            row["person__middle_name"],
            row["person__birth_date"],
            row["district__code"],
            row["valid_from"],
            row["valid_to"],
            str(LeavingReason(kind).label),
            reason_details(
                kind,
                detach_reason=in_language(
                    row["detach_reason__name_kk"] or "", row["detach_reason__name_ru"] or ""
                ),
                note=row["end_reason"],
                reconciliation_id=row["reconciliation_id"],
                end_reason=row["end_reason"],
            ),
            to.organization.bin if to else "",
            to.organization.name if to else "",
            str(to.ground) if to else "",
            to.valid_from if to else None,
        )


def leavers_file(queryset: QuerySet[Attachment], *, file_format: str) -> Written:
    """The finished CSV or XLSX file of the leavers and its row count."""
    return write_file([Sheet(_("Leavers"), HEADERS, _rows(queryset))], file_format=file_format)
