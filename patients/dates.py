"""Calendar arithmetic the rules share: completed years of age and whole-month steps; the range
of dates the forms accept."""

import calendar
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ADULT_AGE = 18  # a child is a person under 18 (rules ҚР ДСМ-194/2020 §2)


def age_in_years(birth_date: datetime.date, on: datetime.date) -> int:
    """Completed years on the date (the birthday itself counts)."""
    return on.year - birth_date.year - ((on.month, on.day) < (birth_date.month, birth_date.day))


def is_minor(birth_date: datetime.date, on: datetime.date) -> bool:
    return age_in_years(birth_date, on) < ADULT_AGE


def add_months(day: datetime.date, months: int) -> datetime.date:
    """The same day `months` later (or earlier), clamped to the end of a shorter month."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return datetime.date(year, month + 1, min(day.day, last))


# Dates the forms accept: wide enough for every birth, document and rule date, away from the ends
# of Python's calendar (where the day after, or a year before, a date no longer exists), so that
# 0001-01-01 or 9999-12-31 typed by mistake is an error, not an attachment starting in year 9999.
FIRST_DATE, LAST_DATE = datetime.date(1900, 1, 1), datetime.date(2100, 12, 31)


def validate_date_in_bounds(day: datetime.date | None) -> None:
    if day is not None and not FIRST_DATE <= day <= LAST_DATE:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_out_of_bounds",
            params={"first": FIRST_DATE.isoformat(), "last": LAST_DATE.isoformat()},
        )
