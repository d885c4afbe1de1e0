"""Attachment facts beside lists of persons that other apps' pages show (the person search):
one query for the whole list, through `attachment.selectors`."""

import datetime

from django import template

from ..selectors import attachments_of_on

register = template.Library()


@register.simple_tag
def with_attachment_on(persons, on: datetime.date):
    """[(person, their attachment on the date or None)] in the list's order."""
    persons = list(persons or [])
    attached = attachments_of_on(person_ids=[p.pk for p in persons], on=on) if persons else {}
    return [(person, attached.get(person.pk)) for person in persons]
