"""Who may record or correct a person's death: the one answer the pages and the services ask.

A death ends the person's attachments, so it is a change of the data of every organization the
person is attached to on the date of death or later (an attachment in force then, or one that
takes effect afterwards). Their staff may record it, a rules administrator may record it for
anyone, and when the person is attached nowhere on that date or later any registrar may (the
register needs the death whoever learns of it). A recorded death is corrected by a clinic head
of such an organization or by a rules administrator.
"""

from __future__ import annotations

import datetime

from django.db.models import Q

from patients.access import may_change_for_person
from patients.models import Person

from .models import Attachment

RECORD_DEATH = ("patients.change_person", "attachment.change_attachment")
CORRECT_DEATH = "attachment.correct_death"


def organizations_from(person: Person, on: datetime.date) -> set[int]:
    """Organizations the person is attached to on the date or later (ended ones before it do not
    count; an attachment a death closed on that date or cancelled still does)."""
    return set(
        Attachment.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on), person=person).values_list(
            "organization_id", flat=True
        )
    )


def may_record_death(user, person: Person, on: datetime.date) -> bool:
    """May this user record that the person died on the date? (`organizations_from` is the answer
    `may_change_for_person` asks, registered in `AttachmentConfig.ready`.)"""
    return may_change_for_person(user, person, on=on, perms=RECORD_DEATH)


def may_record_death_on_some_date(user, person: Person, today: datetime.date) -> bool:
    """Whether the record-death page opens: for some date between the birth date and today. The
    later the date, the fewer organizations the person is attached to on it or later, so the two
    ends of that range decide."""
    return may_record_death(user, person, person.birth_date) or may_record_death(user, person, today)


def may_correct_death(user, person: Person) -> bool:
    """May this user correct (remove or change) the person's recorded death?"""
    return (
        person.date_of_death is not None
        and user.is_active
        and user.has_perm(CORRECT_DEATH)
        and may_record_death(user, person, person.date_of_death)
    )
