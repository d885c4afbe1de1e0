"""Detachment at the desk: staff of the attachment's organization end it with a reason from the
administrators' list (moved abroad, to another region, at the person's request, other).

The date given is the last day attached (inclusive, as `attachment_end` and a death count it).
It lies between the attachment's first day and today: a detachment records what happened
(the person left, the person asked), and the attached lists, reports and exports of every day
up to it stay as they were; a later date would make the person vanish from the lists on a day
nobody looks at the page again. An attachment that takes effect later (a campaign application)
therefore cannot be detached before it starts. An attachment a recorded death closed is left to
the death record (corrected there).

Lock order: the person row first, then the person's attachment row (as every attachment service).
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patients.access import can_act_for
from patients.services import person_lock, record_history

from ..models import Attachment, DetachReason

DETACH = "attachment.change_attachment"
# The history reason the product writes when the registrar adds no note (shown translated).
DETACHED = gettext_noop("Detached")


def _d(day: datetime.date) -> str:
    return f"{day:%d.%m.%Y}"


def detach_date_error(*, attachment: Attachment, on: datetime.date, today: datetime.date) -> str | None:
    """Why the attachment cannot end on this day (None when it can)."""
    if on > today:
        return _("A detachment takes effect at the latest today (%(date)s).") % {"date": _d(today)}
    if on < attachment.valid_from:
        return _("The attachment starts on %(date)s: it cannot end before that day.") % {
            "date": _d(attachment.valid_from)
        }
    if attachment.valid_to is not None and attachment.valid_to < on:
        return _("The attachment already ended on %(date)s.") % {"date": _d(attachment.valid_to)}
    return None


def detachable(attachment: Attachment, *, today: datetime.date) -> bool:
    """Whether the attachment page offers detaching: in force today (or ending later, at a
    contract's end), not detached already, not closed by a death."""
    return (
        attachment.closed_by_death_on is None
        and attachment.detach_reason_id is None
        and attachment.valid_from <= today
        and (attachment.valid_to is None or attachment.valid_to >= today)
    )


@transaction.atomic(durable=True)
def attachment_detach(
    *,
    attachment: Attachment,
    on: datetime.date,
    reason: DetachReason,
    note: str = "",
    user,
    today: datetime.date | None = None,
) -> Attachment:
    """End the person's attachment on `on` (the last day attached) for the chosen reason; the
    history records the user, the reason and the note. Staff of the attachment's organization
    (or a rules administrator) only. Raises ValidationError, nothing written, when the date, the
    reason or the note is wrong."""
    today = today or timezone.localdate()
    note = note.strip()
    # Lock the person first (the product's one order): an attachment made for the same person
    # meanwhile waits, and sees this one ended, instead of both deciding on the old state.
    person_lock(attachment.person_id)
    locked = Attachment.objects.select_for_update(no_key=True).get(pk=attachment.pk)
    if not can_act_for(user, locked.organization_id, DETACH):
        raise PermissionDenied(_("You may not change data of this organization."))
    errors = {}
    if locked.closed_by_death_on is not None:
        errors["on"] = _("A recorded death closed this attachment: correct the death record instead.")
    elif locked.detach_reason_id is not None:
        errors["on"] = _("The attachment is already detached (the last day attached: %(date)s).") % {
            "date": _d(locked.valid_to)
        }
    else:
        error = detach_date_error(attachment=locked, on=on, today=today)
        if error:
            errors["on"] = error
    if not reason.active:
        errors["reason"] = _("This reason is no longer offered.")
    if reason.needs_note and not note:
        errors["note"] = _("Describe the reason in the note.")
    if errors:
        raise ValidationError(errors)
    locked.valid_to = on
    locked.detach_reason = reason
    locked.end_reason = note
    locked.full_clean()
    record_history(locked, user=user, reason=note or DETACHED)
    locked.save(update_fields=["valid_to", "detach_reason", "end_reason"])
    return locked
