"""The daily run: ground 4 attachments follow their contract's end (§9-1), death ends attachments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Q
from django.utils.translation import gettext as _

from patients.services import person_lock, record_history

from ..models import Attachment
from .attach import attachment_end


@dataclass
class ExpireSummary:
    contract_ended: int = 0
    contract_extended: int = 0
    died: int = 0


@transaction.atomic
def attachments_expire(*, on: datetime.date, user) -> ExpireSummary:
    """Idempotent: a second run on the same data changes nothing."""
    summary = ExpireSummary()
    # Under a VMI/IMI contract the attachment lasts for its validity (§9-1); a shortened contract
    # ends it, an extended one extends it (unless a later attachment follows).
    drifted = (
        Attachment.objects.filter(contract__isnull=False, end_reason="")
        .filter(valid_from__lte=on)
        .exclude(valid_to=F("contract__valid_to"))
        .select_related("contract")
        .order_by("person_id")
    )
    for attachment in drifted:
        person_lock(attachment.person_id)
        locked = (
            Attachment.objects.select_for_update(no_key=True, of=("self",))
            .select_related("contract")
            .get(pk=attachment.pk)
        )
        new_end = max(locked.contract.valid_to, locked.valid_from)
        following = (
            Attachment.objects.filter(person_id=locked.person_id, valid_from__gt=locked.valid_from)
            .order_by("valid_from")
            .first()
        )
        if following is not None:
            new_end = min(new_end, following.valid_from - datetime.timedelta(days=1))
        if new_end == locked.valid_to:
            continue
        extended = locked.valid_to is not None and new_end > locked.valid_to
        locked.valid_to = new_end
        locked.full_clean()
        record_history(
            locked,
            user=user,
            reason=_("The VMI/IMI contract now ends on %(date)s (§9-1).") % {"date": f"{new_end:%d.%m.%Y}"},
        )
        locked.save(update_fields=["valid_to"])
        if extended:
            summary.contract_extended += 1
        else:
            summary.contract_ended += 1
    # Death ends the attachment in force on the date of death (rule 6).
    dead = Attachment.objects.filter(
        person__date_of_death__isnull=False,
        person__date_of_death__lte=on,
        valid_from__lte=F("person__date_of_death"),
    ).filter(Q(valid_to__isnull=True) | Q(valid_to__gt=F("person__date_of_death")))
    for attachment in dead.select_related("person").order_by("person_id"):
        died_on = attachment.person.date_of_death
        attachment_end(
            attachment=attachment,
            on=died_on,
            user=user,
            reason=_("Death on %(date)s.") % {"date": f"{died_on:%d.%m.%Y}"},
        )
        summary.died += 1
    return summary
