"""Death of a person: recorded, corrected, and the attachments it closes.

A recorded death closes every attachment of the person that reaches past the date of death: the
one in force on the date ends on it (the day of death is the last day attached, as
`attachment/population.py` counts it), one that takes effect later is cancelled (its period
shrinks to its first day, which lies after the death, so it never attaches anybody). Each closed
attachment keeps `closed_by_death_on` and what it was before (`valid_to_before_death`,
`end_reason_before_death`), so a correction of the death reopens it exactly as it was.

Lock order: the person row first, then the person's attachment rows.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import Person
from patients.services import person_lock, person_update, record_history

from ..access import may_correct_death, may_record_death
from ..models import Attachment

# What closing by a death, and reopening after its correction, writes on an attachment.
CLOSURE_FIELDS = [
    "valid_to",
    "end_reason",
    "closed_by_death_on",
    "valid_to_before_death",
    "end_reason_before_death",
]


def death_date_error(
    *, birth_date: datetime.date, date_of_death: datetime.date, today: datetime.date
) -> str | None:
    """Why a date of death is impossible (None when it lies between the birth date and today)."""
    if date_of_death < birth_date:
        return _("The date of death cannot be before the birth date.")
    if date_of_death > today:
        return _("The date of death cannot be in the future.")
    return None


def _check_date(person: Person, date_of_death: datetime.date) -> None:
    error = death_date_error(
        birth_date=person.birth_date, date_of_death=date_of_death, today=timezone.localdate()
    )
    if error:
        raise ValidationError({"date_of_death": error})


def _d(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def _with(reason: str, why: str) -> str:
    return f"{why} {reason}".strip() if reason else why


def attachments_close_on_death(*, person: Person, user, reason: str = "") -> int:
    """Close the attachments of a dead person that reach past the date of death; returns how many.
    Idempotent (closed ones carry `closed_by_death_on`). The caller holds the person's lock."""
    died = person.date_of_death
    if died is None:
        return 0
    open_after = (
        Attachment.objects.select_for_update(no_key=True)
        .filter(person_id=person.pk, closed_by_death_on__isnull=True)
        .filter(Q(valid_to__isnull=True) | Q(valid_to__gt=died))
        .order_by("valid_from")
    )
    closed = 0
    for attachment in open_after:
        attachment.valid_to_before_death = attachment.valid_to
        attachment.end_reason_before_death = attachment.end_reason
        attachment.closed_by_death_on = died
        if attachment.valid_from <= died:
            attachment.valid_to = died
            attachment.end_reason = _("Death on %(date)s.") % {"date": _d(died)}
        else:
            attachment.valid_to = attachment.valid_from
            attachment.end_reason = _("Cancelled: the person died on %(date)s, before it took effect.") % {
                "date": _d(died)
            }
        attachment.full_clean()
        record_history(attachment, user=user, reason=_with(reason, attachment.end_reason))
        attachment.save(update_fields=CLOSURE_FIELDS)
        closed += 1
    return closed


def attachments_reopen_after_death(*, person: Person, user, reason: str) -> int:
    """Undo what the recorded death did to the person's attachments: each one it closed gets back
    its end date and reason. Refused when another attachment now covers the reopened period."""
    closed = (
        Attachment.objects.select_for_update(no_key=True)
        .filter(person_id=person.pk, closed_by_death_on__isnull=False)
        .select_related("organization")
        .order_by("valid_from")
    )
    reopened = 0
    for attachment in closed:
        attachment.valid_to = attachment.valid_to_before_death
        attachment.end_reason = attachment.end_reason_before_death
        attachment.closed_by_death_on = None
        attachment.valid_to_before_death = None
        attachment.end_reason_before_death = ""
        try:
            attachment.full_clean()
        except ValidationError:
            raise ValidationError(
                _(
                    "The attachment to %(organization)s from %(date)s cannot be reopened: another "
                    "attachment of the person now covers that period."
                )
                % {"organization": attachment.organization, "date": _d(attachment.valid_from)}
            ) from None
        record_history(
            attachment, user=user, reason=_with(reason, _("Reopened: the recorded death was corrected."))
        )
        attachment.save(update_fields=CLOSURE_FIELDS)
        reopened += 1
    return reopened


@transaction.atomic
def person_record_death(*, person: Person, date_of_death: datetime.date, user, reason: str) -> Person:
    """Record a death: every attachment in force on the date ends on it, every later one is
    cancelled, all in one transaction with history (who and why)."""
    locked = person_lock(person.pk)
    _check_date(locked, date_of_death)
    if not may_record_death(user, locked, date_of_death):
        raise PermissionDenied(
            _("You may not record the death of a person attached to another organization.")
        )
    if locked.date_of_death is not None:
        raise ValidationError(
            _("The death is already recorded (%(date)s); a clinic head or a rules administrator corrects it.")
            % {"date": _d(locked.date_of_death)}
        )
    updated = person_update(person=locked, user=user, reason=reason, date_of_death=date_of_death)
    attachments_close_on_death(person=updated, user=user, reason=reason)
    return updated


@transaction.atomic
def person_correct_death(*, person: Person, date_of_death: datetime.date | None, user, reason: str) -> Person:
    """Correct a wrongly recorded death: remove it (None) or move it to another date. The
    attachments the death closed are reopened as they were; with a new date they are closed again
    on that date."""
    locked = person_lock(person.pk)
    if not may_correct_death(user, locked):
        raise PermissionDenied(
            _("Only a clinic head of the person's organization or a rules administrator may correct a death.")
        )
    if date_of_death == locked.date_of_death:
        raise ValidationError({"date_of_death": _("This is the date already recorded.")})
    if date_of_death is not None:
        _check_date(locked, date_of_death)
    attachments_reopen_after_death(person=locked, user=user, reason=reason)
    if date_of_death is not None and not may_record_death(user, locked, date_of_death):
        raise PermissionDenied(
            _("You may not record the death of a person attached to another organization.")
        )
    updated = person_update(person=locked, user=user, reason=reason, date_of_death=date_of_death)
    attachments_close_on_death(person=updated, user=user, reason=reason)
    return updated
