"""Pure predicates over rule rows and an explicit date: no queries, no writes."""

import datetime
from collections.abc import Iterable

from patients.dates import add_months
from patients.models import LegalCategory

from .models import EligibilityRule, PackageItem, PeriodKind


def period_bounds(kind: str, on: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The counting period of a limit that contains `on` (inclusive bounds).

    Calendar periods are fixed; rolling periods are the months ending on `on`
    (a service rendered on 10.01 counts until 09.07 under "once in 6 months")."""
    if kind == PeriodKind.CALENDAR_YEAR:
        return datetime.date(on.year, 1, 1), datetime.date(on.year, 12, 31)
    if kind == PeriodKind.CALENDAR_HALF_YEAR:
        if on.month <= 6:
            return datetime.date(on.year, 1, 1), datetime.date(on.year, 6, 30)
        return datetime.date(on.year, 7, 1), datetime.date(on.year, 12, 31)
    months = {PeriodKind.ROLLING_6_MONTHS: 6, PeriodKind.ROLLING_12_MONTHS: 12}[kind]
    return add_months(on, -months) + datetime.timedelta(days=1), on


def is_rolling(kind: str) -> bool:
    return kind in (PeriodKind.ROLLING_6_MONTHS, PeriodKind.ROLLING_12_MONTHS)


def used_in_period(kind: str, on: datetime.date, dates: Iterable[datetime.date]) -> int:
    start, end = period_bounds(kind, on)
    return sum(1 for d in dates if start <= d <= end)


def quota_allows(*, kind: str, max_count: int, on: datetime.date, dates: Iterable[datetime.date]) -> bool:
    """May one more service be rendered on `on`, given the dates already counted?

    A calendar period is checked once; a rolling period is checked for every window that
    would contain the new date, so a back-dated entry cannot overfill a later window."""
    dates = list(dates) + [on]
    if not is_rolling(kind):
        return used_in_period(kind, on, dates) <= max_count
    window_ends = {on}
    horizon = on
    while True:  # later dates whose window reaches back to `on`
        later = [d for d in dates if d > horizon and period_bounds(kind, d)[0] <= on]
        if not later:
            break
        window_ends.update(later)
        horizon = max(later)
    return all(used_in_period(kind, end, dates) <= max_count for end in window_ends)


def rule_matches(rule: EligibilityRule, *, category: int, insured: bool, contract_kinds: set[str]) -> bool:
    """Does this eligibility row grant its package to a person with these facts on the date?"""
    if rule.category is not None and rule.category != category:
        return False
    if rule.insured == EligibilityRule.Insured.INSURED and not insured:
        return False
    return not (rule.contract_kind and rule.contract_kind not in contract_kinds)


def item_applies_to(item: PackageItem, *, category: int) -> bool:
    """Items limited to citizens of Kazakhstan (GFMC 12, 13.3) are data, not code."""
    return not item.citizens_only or category == LegalCategory.CITIZEN
