"""The in-force date of an act of the attachment rules, and the rule rows dated from it."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from patients.services import record_history

from ..models import AtuComparisonLevel, FreeChoiceLimit, GroundRule, LegalAct

DATED_BY_ACT = (GroundRule, AtuComparisonLevel, FreeChoiceLimit)


@transaction.atomic  # also inside the admin's own transaction
def legal_act_set_in_force(
    *, act: LegalAct, in_force_on: datetime.date, confirmed: bool, user, reason: str
) -> LegalAct:
    """Record the act's in-force date (confirmed from the official publication or not) and move the
    rule rows it gives, which apply from that date, with it: one history row per changed row.
    A row of the act that an earlier wording (entered by an administrator) ends the day before
    keeps its neighbour in step, so the rules never have a gap or an overlap."""
    act = LegalAct.objects.select_for_update().get(pk=act.pk)
    old = act.in_force_on
    if in_force_on != old:
        day = datetime.timedelta(days=1)
        for model in DATED_BY_ACT:
            starting = list(model.objects.select_for_update().filter(legal_act=act, valid_from=old))
            for row in starting:
                if row.valid_to is not None and row.valid_to < in_force_on:
                    raise ValidationError(
                        {"in_force_on": _("A rule of this act ends before the new date: change it first.")}
                    )
            # Earlier wordings that end the day before the act are ended the day before the new date.
            before = list(model.objects.select_for_update().filter(valid_to=old - day).exclude(legal_act=act))
            for row in before:
                row.valid_to = in_force_on - day
            for row in starting:
                row.valid_from = in_force_on
            # Shorten first, then lengthen, so the exclusion constraints never see an overlap.
            ordered = (before + starting) if in_force_on < old else (starting + before)
            for row in ordered:
                row.full_clean(validate_constraints=False)
                record_history(row, user=user, reason=reason)
                row.save()
    act.in_force_on, act.in_force_confirmed = in_force_on, confirmed
    act.full_clean()
    record_history(act, user=user, reason=reason)
    act.save()
    return act
