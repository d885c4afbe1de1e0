"""Demo values of the planning tables, for `manage.py demo_data` only: invented numbers, labelled
as such in their `source`, never loaded as reference data."""

import datetime
from decimal import Decimal

from patients.services import record_history

from ..models import AgeGroup, CapitationNorm, SexAgeCoefficient

DEMO_SOURCE = "DEMO VALUE — not a tariff; replace with the figures in force"
DEMO_NORM = Decimal("1500.00")
# Higher for infants and the elderly, as sex-age coefficients usually are; invented for the demo.
DEMO_COEFFICIENTS = {
    "0-1": ("3.000", "2.900"),
    "1-4": ("1.800", "1.700"),
    "70-plus": ("2.200", "2.300"),
}


def load_demo_planning_values() -> int:
    """Idempotent: adds the demo rows only while the tables hold no real figures."""
    if CapitationNorm.objects.exclude(source=DEMO_SOURCE).exists():
        return 0
    created = 0
    since = datetime.date(2026, 1, 1)
    if not CapitationNorm.objects.exists():
        norm = CapitationNorm(amount=DEMO_NORM, valid_from=since, source=DEMO_SOURCE)
        norm.full_clean()
        record_history(norm, user=None, reason="Demo data")
        norm.save()
        created += 1
    for group in AgeGroup.objects.all():
        male, female = DEMO_COEFFICIENTS.get(group.code, ("1.000", "1.000"))
        for sex, value in (("M", male), ("F", female)):
            if SexAgeCoefficient.objects.filter(sex=sex, age_group=group).exists():
                continue
            row = SexAgeCoefficient(
                sex=sex, age_group=group, value=Decimal(value), valid_from=since, source=DEMO_SOURCE
            )
            row.full_clean()
            record_history(row, user=None, reason="Demo data")
            row.save()
            created += 1
    return created
