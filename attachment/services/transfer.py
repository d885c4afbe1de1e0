"""Moves of many people at once (grounds 6–9: an administrator's act), set-wise.

Each person is decided by exactly the rules the attach service applies (`rules.decide`), with the
facts loaded for everyone in a handful of queries, and written in one transaction with a history
row per person. All or nothing unless `skip_refused`."""

from __future__ import annotations

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from patients.access import can_act_for
from patients.models import Person
from patients.services import persons_lock, record_history

from .. import rules, selectors
from ..models import Attachment, AttachmentAct, Channel, District, Ground, Organization
from .attach import CONFIRM_OVER_CAPACITY, attachment_facts_many

BATCH = 2000


@dataclass
class TransferResult:
    moved: int = 0
    refused: list[tuple[int, str, list[rules.Refused]]] = field(default_factory=list)
    written: bool = False

    @property
    def summary(self) -> str:
        return f"moved={self.moved} refused={len(self.refused)}"


def _check(*, source, target, ground, districts, to_district) -> None:
    errors = {}
    if not ground.moves_in_bulk:
        errors["ground"] = _("Moves of many people use a ground that moves people in bulk (grounds 6–9).")
    if source.pk == target.pk:
        errors["target"] = _("Choose another organization to move to.")
    if to_district is not None and to_district.organization_id != target.pk:
        errors["to_district"] = _("The district belongs to another organization.")
    if any(d.organization_id != source.pk for d in districts or ()):
        errors["districts"] = _("The districts must belong to the organization people leave.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def attachments_transfer(
    *,
    source: Organization,
    target: Organization,
    ground: Ground,
    on: datetime.date,
    user,
    reason: str,
    districts: list[District] | None = None,
    to_district: District | None = None,
    act_number: str = "",
    skip_refused: bool = False,
    dry_run: bool = False,
) -> TransferResult:
    _check(source=source, target=target, ground=ground, districts=districts, to_district=to_district)
    leaving = selectors.attachments_active_on(on=on).filter(organization=source)
    if districts:
        leaving = leaving.filter(district__in=districts)
    # Lock the persons first (one order everywhere), then their attachments.
    person_ids = [p.pk for p in persons_lock(Person.objects.filter(pk__in=leaving.values("person_id")))]
    list(Attachment.objects.select_for_update(no_key=True).filter(person_id__in=person_ids).values_list("pk"))

    book = selectors.rule_book()
    confirmed = can_act_for(user, target.pk, CONFIRM_OVER_CAPACITY) if user is not None else False
    attached = selectors.district_attached_on(district=to_district, on=on) if to_district else None

    result = TransferResult()
    decided: list[tuple[Person, rules.Decision, bool]] = []
    persons = list(
        Person.objects.filter(pk__in=person_ids)
        .only("id", "first_name", "last_name", "birth_date", "date_of_death", "category", "residence_atu_id")
        .order_by("pk")
    )
    facts_of = attachment_facts_many(persons=persons, organization=target, on=on)
    for person in persons:
        facts = dataclasses.replace(
            facts_of[person.pk],
            district_attached=attached,
            district_capacity=to_district.capacity if to_district else None,
            over_capacity_confirmed=confirmed,
        )
        decision = rules.decide(
            ground_rules=book.ground_rules,
            windows=book.windows,
            levels=book.levels,
            limits=book.limits,
            facts=facts,
            ground_code=ground.code,
            channel=Channel.ACT,
            has_act=True,
            on=on,
        )
        if decision.allowed:
            over = attached is not None and attached >= to_district.capacity
            decided.append((person, decision, over))
            if attached is not None:
                attached += 1
        else:
            result.refused.append((person.pk, person.masked_name, decision.refusals))
    result.moved = len(decided)
    if dry_run or (result.refused and not skip_refused) or not decided:
        return result

    act = AttachmentAct(
        kind=AttachmentAct.Kind.ADMINISTRATOR,
        number=act_number or f"{source.bin}-{on:%Y%m%d}",
        date=on,
        issuer=str(user) if user is not None else _("system"),
    )
    act.full_clean()
    record_history(act, user=user, reason=reason)
    act.save()

    end_reason = _("Moved to %(organization)s from %(date)s (ground %(ground)s): %(reason)s") % {
        "organization": target.name_ru,
        "date": f"{on:%d.%m.%Y}",
        "ground": ground.code,
        "reason": reason,
    }
    # One UPDATE per start date (all the same date unless rules moved a start), then one history
    # row per ended attachment, written in bulk.
    by_start: dict[datetime.date, list[int]] = {}
    for _person, decision, _over in decided:
        if decision.ends_previous is not None:
            by_start.setdefault(decision.starts_on, []).append(decision.ends_previous.id)
    for starts_on, ids in by_start.items():
        for chunk in range(0, len(ids), BATCH * 10):
            Attachment.objects.filter(pk__in=ids[chunk : chunk + BATCH * 10]).update(
                valid_to=starts_on - datetime.timedelta(days=1), end_reason=end_reason[:300]
            )
    ended_ids = [pk for ids in by_start.values() for pk in ids]
    for chunk in range(0, len(ended_ids), BATCH * 5):
        Attachment.history.bulk_history_create(
            list(Attachment.objects.filter(pk__in=ended_ids[chunk : chunk + BATCH * 5])),
            batch_size=BATCH,
            update=True,
            default_user=user,
            default_change_reason=end_reason,
        )
    new = [
        Attachment(
            person_id=person.pk,
            organization=target,
            district=to_district,
            ground=ground,
            channel=Channel.ACT,
            act=act,
            valid_from=decision.starts_on,
            over_capacity_confirmed_by=user if over else None,
            created_by=user,
            reason=reason[:300],
        )
        for person, decision, over in decided
    ]
    bulk_create_with_history(
        new, Attachment, batch_size=BATCH, default_user=user, default_change_reason=reason
    )
    result.written = True
    return result
