"""Calendar arithmetic the rules share: completed years of age and whole-month steps."""

import calendar
import datetime

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
