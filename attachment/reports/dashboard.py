"""The start page's widgets: one selector per widget, each for an explicit date."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.db.models import Count, F, Q
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from .. import rules
from ..leavers import leavers_for
from ..models import (
    Application,
    Attachment,
    AtuComparisonLevel,
    CalendarYear,
    CampaignWindow,
    CapitationNorm,
    FreeChoiceLimit,
    GroundRule,
    ImportRun,
    SexAgeCoefficient,
)
from ..population import attached_on
from ..selectors import leavers_period

LIST_LIMIT = 20
HORIZON_DAYS = 366


@dataclass
class ApplicationsWidget:
    received_today: int
    overdue: int
    today_list: list
    overdue_list: list


def applications_today(*, organization_id: int, today: datetime.date, now: datetime.datetime):
    """The clinic's applications received today and those still open past their due time."""
    mine = Application.objects.filter(organization_id=organization_id)
    overdue = mine.filter(status=Application.Status.RECEIVED, due_by__lt=now)
    received_today = mine.filter(received_at__date=today)
    counts = mine.aggregate(
        today=Count("pk", filter=Q(received_at__date=today)),
        overdue=Count("pk", filter=Q(status=Application.Status.RECEIVED, due_by__lt=now)),
    )
    related = ("person", "ground")
    return ApplicationsWidget(
        received_today=counts["today"],
        overdue=counts["overdue"],
        today_list=list(received_today.select_related(*related).order_by("received_at")[:LIST_LIMIT]),
        overdue_list=list(overdue.select_related(*related).order_by("due_by")[:LIST_LIMIT]),
    )


@dataclass
class AttachedWidget:
    today: int
    week_start: datetime.date
    before_week: int

    @property
    def change(self) -> int:
        return self.today - self.before_week


def attached_change(*, organization_id: int, today: datetime.date) -> AttachedWidget:
    """Attached today, and the change since the day before this week's Monday (one query)."""
    week_start = today - datetime.timedelta(days=today.weekday())
    before = week_start - datetime.timedelta(days=1)
    counts = Attachment.objects.filter(organization_id=organization_id).aggregate(
        today=Count("pk", filter=attached_on(today)),
        before=Count("pk", filter=attached_on(before)),
    )
    return AttachedWidget(today=counts["today"], week_start=week_start, before_week=counts["before"])


@dataclass
class LeaversWidget:
    count: int
    date_from: datetime.date
    date_to: datetime.date


def leavers_count(*, user, today: datetime.date) -> LeaversWidget:
    """How many left the user's organization in the last 30 days: the leavers' list's count."""
    date_from, date_to = leavers_period(today=today)
    count = leavers_for(user=user, date_from=date_from, date_to=date_to).count()
    return LeaversWidget(count=count, date_from=date_from, date_to=date_to)


CALENDAR_NOTICE_DAYS = 60


def calendar_unconfirmed(*, today: datetime.date, days: int = CALENDAR_NOTICE_DAYS) -> list[int]:
    """Years without a confirmed working calendar that a rules administrator should see: this
    year, and the next one from `days` days before it begins."""
    years = [today.year]
    if datetime.date(today.year + 1, 1, 1) - today <= datetime.timedelta(days=days):
        years.append(today.year + 1)
    confirmed = set(
        CalendarYear.objects.filter(year__in=years, confirmed=True).values_list("year", flat=True)
    )
    return [year for year in years if year not in confirmed]


class RuleChange(NamedTuple):
    on: datetime.date
    what: str
    change: str


STARTS, ENDS = _("comes into force"), _("is in force for the last day")

# Rule tables of this app with a validity period (the coverage rules add theirs in their own app).
DATED_RULE_TABLES = [
    (GroundRule, _("ground rule")),
    (AtuComparisonLevel, _("ATU comparison level")),
    (FreeChoiceLimit, _("free choice limit")),
]


def rule_changes_pending(*, today: datetime.date, days: int = HORIZON_DAYS) -> list[RuleChange]:
    """Dated rule changes ahead from every app's source (settings.RULE_CHANGE_SOURCES), by date.

    Each source is `f(*, today, until)` giving (date, what, change) triples, so the apps that
    own rule tables answer for them without importing each other."""
    until = today + datetime.timedelta(days=days)
    changes = [
        RuleChange(*change)
        for path in settings.RULE_CHANGE_SOURCES
        for change in import_string(path)(today=today, until=until)
    ]
    return sorted(changes, key=lambda c: (c.on, c.what))


def attachment_rule_changes(*, today: datetime.date, until: datetime.date) -> list[RuleChange]:
    """This app's rule rows that start or end within the horizon (small tables, a query each)."""
    changes: list[RuleChange] = []
    for model, label in DATED_RULE_TABLES:
        rows = model.objects.filter(
            Q(valid_from__gt=today, valid_from__lte=until) | Q(valid_to__gte=today, valid_to__lte=until)
        )
        if model is GroundRule:
            rows = rows.select_related("ground")
        for row in rows[:LIST_LIMIT]:
            if today < row.valid_from <= until:
                changes.append(RuleChange(row.valid_from, f"{label}: {row}", STARTS))
            if row.valid_to is not None and today <= row.valid_to <= until:
                changes.append(RuleChange(row.valid_to, f"{label}: {row}", ENDS))
    # Labels outside the f-strings below, where makemessages finds them.
    window_label, norm_label = _("campaign window"), _("per-capita norm (CPN)")
    coefficient_label = _("sex-age coefficient")
    windows = CampaignWindow.objects.filter(Q(year__isnull=True) | Q(year__gte=today.year))
    for window in windows.select_related("atu").annotate(atu_kato=F("atu__kato")):
        for year in range(today.year, until.year + 1):  # a recurring window opens every year
            dated = rules.window_in_year(window, year)
            if dated is not None and today < dated.starts_on <= until:
                changes.append(RuleChange(dated.starts_on, f"{window_label}: {window}", _("opens")))
    for norm in CapitationNorm.objects.filter(valid_from__gt=today, valid_from__lte=until):
        changes.append(RuleChange(norm.valid_from, f"{norm_label}: {norm.amount}", STARTS))
    coefficients = SexAgeCoefficient.objects.filter(valid_from__gt=today, valid_from__lte=until)
    for coefficient in coefficients.select_related("age_group")[:LIST_LIMIT]:
        changes.append(RuleChange(coefficient.valid_from, f"{coefficient_label}: {coefficient}", STARTS))
    return changes


def imports_running() -> list:
    """Register imports queued or under way, newest first."""
    return list(
        ImportRun.objects.filter(status__in=[ImportRun.Status.QUEUED, ImportRun.Status.RUNNING])
        .select_related("user")
        .order_by("-pk")[:LIST_LIMIT]
    )
