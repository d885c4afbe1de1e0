"""State changes of coverage: recording a rendered service against its volume limit."""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats
from django.utils.translation import gettext as _

from patients.access import require_act_for
from patients.dates import add_months
from patients.models import Person
from patients.selectors import in_force_on
from patients.services import person_lock, record_history

from . import rules
from .models import ServiceLimit, ServiceUsage
from .selectors import packages_granted_on, usage_dates

ADD_USAGE = "coverage.add_serviceusage"


@transaction.atomic
def service_usage_record(
    *,
    person: Person,
    limit: ServiceLimit,
    on: datetime.date,
    organization_id: int,
    user,
    reason: str,
    source: str = ServiceUsage.Source.MANUAL,
) -> ServiceUsage:
    """Count one rendered service; beyond the limit of its period it is refused."""
    require_act_for(user, organization_id, ADD_USAGE)
    # Lock the person row: two registrars recording the last unit of one quota at the same
    # moment are serialized here, so the second one sees the first one's usage and is refused.
    person = person_lock(person.pk)
    if person.died_before(on):
        raise ValidationError(
            _("The person died on %(died)s: nothing can be rendered on %(date)s.")
            % {"died": _d(person.date_of_death), "date": _d(on)}
        )
    limit = ServiceLimit.objects.select_related("package").get(pk=limit.pk)
    if not ServiceLimit.objects.filter(in_force_on(on), pk=limit.pk).exists():
        raise ValidationError(_("This service limit is not in force on %(date)s.") % {"date": _d(on)})
    grants, _insured, _contracts = packages_granted_on(person=person, on=on)
    if limit.package_id not in {g.package.pk for g in grants}:
        raise ValidationError(
            _("On %(date)s the person is not entitled to the package “%(package)s”.")
            % {"date": _d(on), "package": limit.package.name}
        )
    start, _end = rules.period_bounds(limit.period_kind, on)
    horizon = add_months(on, 12)
    dates = usage_dates(person=person, limits=[limit], start=min(start, add_months(on, -12)), end=horizon)
    if not rules.quota_allows(
        kind=limit.period_kind, max_count=limit.max_count, on=on, dates=dates[limit.pk]
    ):
        raise ValidationError(
            _(
                "Refused: “%(service)s” is limited to %(count)s per %(period)s and the limit is "
                "already used up for %(date)s."
            )
            % {
                "service": limit.name,
                "count": limit.max_count,
                "period": limit.get_period_kind_display(),
                "date": _d(on),
            }
        )
    usage = ServiceUsage(
        person=person,
        limit=limit,
        rendered_on=on,
        organization_id=organization_id,
        source=source,
        recorded_by=user,
    )
    usage.full_clean()
    record_history(usage, user=user, reason=reason)
    usage.save()
    return usage


def _d(day: datetime.date) -> str:
    return formats.date_format(day, "d.m.Y")
