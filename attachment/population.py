"""The one definition of "attached to O on D", as an ORM filter and its SQL twin.

A person is attached to organization O on date D by an attachment when
- the attachment's period covers D (inclusive: `valid_from <= D`, and `valid_to` empty or `>= D`),
- the person was born by D, and
- the person had not died before D: the day of death is the last day attached. It is the
  day the attachment in force ends on when the death is recorded (its `valid_to` becomes the
  date of death), and no attachment starts on it or later (the rules refuse a dead person).

Every page, export, report, rule input, command and the register import that counts or lists
the attached population uses `attached_on` or `attached_on_sql`; `tests/attachment/
test_attached_on.py` checks that they give the same numbers on tricky dates.
"""

from __future__ import annotations

import datetime

from django.db.models import Q
from django.db.models.expressions import Combinable

from patients.selectors import in_force_on


def attached_on(on: datetime.date | Combinable, prefix: str = "") -> Q:
    """Attachment rows (reached through `prefix`, e.g. "attachments__") that attach their person
    on the date. `on` may be an expression (`F("valid_from")`: attached on its first day)."""
    person = f"{prefix}person__"
    return (
        in_force_on(on, prefix)
        & Q(**{f"{person}birth_date__lte": on})
        & (Q(**{f"{person}date_of_death__isnull": True}) | Q(**{f"{person}date_of_death__gte": on}))
    )


def attached_on_sql(on: str, *, attachment: str = "a", person: str = "p") -> str:
    """`attached_on` in SQL, for attachment alias `attachment` joined to its person `person`;
    `on` is an SQL date expression (`%(on)s::date`, a column)."""
    a, p = attachment, person
    return (
        f"({a}.valid_from <= {on} AND ({a}.valid_to IS NULL OR {a}.valid_to >= {on})"
        f" AND {p}.birth_date <= {on} AND ({p}.date_of_death IS NULL OR {p}.date_of_death >= {on}))"
    )
