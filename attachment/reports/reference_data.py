"""Reference data of the reports: the age groups of planning. Idempotent: missing rows are
created, administrators' edits are never overwritten.

The per-capita norm and the sex-age coefficients are tariff data that the seeds do not give:
they are left empty for an administrator to enter (`demo_data` adds clearly labelled demo values).
"""

from patients.access import roles_ensure
from patients.reference_data import create_missing

from ..models import AgeGroup

# (code, label, min_age, max_age): age in completed years on the date, both ends inclusive.
# "0–1" is the first year of life (under one year); "70+" is 70 and older.
AGE_GROUPS = [
    ("0-1", "0–1", 0, 0),
    ("1-4", "1–4", 1, 4),
    ("5-9", "5–9", 5, 9),
    ("10-14", "10–14", 10, 14),
    ("15-17", "15–17", 15, 17),
    ("18-29", "18–29", 18, 29),
    ("30-39", "30–39", 30, 39),
    ("40-49", "40–49", 40, 49),
    ("50-59", "50–59", 50, 59),
    ("60-69", "60–69", 60, 69),
    ("70-plus", "70+", 70, None),
]


def load() -> int:
    created = 0
    if not AgeGroup.objects.exists():
        for code, label, min_age, max_age in AGE_GROUPS:
            created += create_missing(
                AgeGroup, {"code": code}, {"label": label, "min_age": min_age, "max_age": max_age}
            )[1]
    # The report permission exists after migrate: give it to the roles that hold it.
    roles_ensure()
    return created
