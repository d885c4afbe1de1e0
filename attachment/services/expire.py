"""The daily run: ground 4 attachments follow their contract's end (§9-1), death closes attachments."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils.translation import gettext as _

from patients.models import Person
from patients.services import person_lock, record_history

from ..models import Attachment
from .death import attachments_close_on_death


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
    # A death that reached the register without the death service (an import, an old row)
    # closes what reaches past it: the attachment in force ends, later ones are cancelled.
    dead = (
        Person.objects.filter(date_of_death__isnull=False, date_of_death__lte=on)
        .filter(
            Exists(
                Attachment.objects.filter(person_id=OuterRef("pk"), closed_by_death_on__isnull=True).filter(
                    Q(valid_to__isnull=True) | Q(valid_to__gt=OuterRef("date_of_death"))
                )
            )
        )
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for person_id in dead:
        summary.died += attachments_close_on_death(person=person_lock(person_id), user=user)
    return summary
