"""The rule tables of attachment: ground rules, ATU levels, campaign windows, limits, calendar."""

import datetime

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import (
    Atu,
    DateRange,
    LegalCategory,
    no_overlap,
    period_is_ordered,
)

from .attachments import Channel, Ground
from .base import in_language


class LegalAct(models.Model):
    """An act that gives or amends the rules of attachment (order 141 of 31.07.2023 amends rules
    ҚР ДСМ-194/2020, seed 002). The rule rows it gives apply from its in-force date; when that
    date depends on a publication the seeds do not give, the date is provisional until a rules
    administrator confirms it from the official publication."""

    number = models.CharField(_("number"), max_length=50, unique=True)
    title = models.CharField(_("title"), max_length=500)
    registered_on = models.DateField(
        _("registered on"),
        null=True,
        blank=True,
        help_text=_("State registration with the Ministry of Justice."),
    )
    in_force_rule = models.CharField(_("entry into force (as the act says)"), max_length=300, blank=True)
    in_force_on = models.DateField(_("in force from"))
    in_force_confirmed = models.BooleanField(
        _("in-force date confirmed"),
        default=False,
        help_text=_("Set by a rules administrator who checked the date against the official publication."),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("act of the attachment rules")
        verbose_name_plural = _("acts of the attachment rules")
        ordering = ["in_force_on", "number"]

    def __str__(self):
        return f"{self.number} ({self.in_force_on:%d.%m.%Y})"


def _legal_act():
    return models.ForeignKey(
        LegalAct,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("legal act"),
        help_text=_("The act whose wording the row records."),
    )


class GroundCondition(models.TextChoices):
    NONE = "none", _("no further condition")
    CSHI_INSURED = "cshi_insured", _("CSHI-insured on the date")
    CONTRACT = "contract", _("VMI/IMI contract valid on the date naming this organization")
    COMMISSION_ATTACHMENT = "commission", _("currently attached by an act of the regional commission")


class GroundRule(models.Model):
    """Which legal category may attach on which ground, on what condition (§3-1, §10, §11).

    Plain rows so that a set-wise caller (the register import) can join against them."""

    category = models.PositiveSmallIntegerField(_("legal category"), choices=LegalCategory.choices)
    ground = models.ForeignKey(Ground, models.PROTECT, related_name="rules", verbose_name=_("ground"))
    condition = models.CharField(
        _("condition"), max_length=20, choices=GroundCondition.choices, default=GroundCondition.NONE
    )
    campaign_only = models.BooleanField(
        _("only inside a campaign window"), default=False, help_text=_("Ground 3 (§10.3).")
    )
    residence_atu = models.BooleanField(
        _("organization must be in the ATU of residence"), default=True, help_text=_("§8.")
    )
    channels = ArrayField(
        models.CharField(max_length=10, choices=Channel.choices),
        verbose_name=_("channels"),
        help_text=_("How the attachment may be asked for (§11)."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    legal_act = _legal_act()
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("ground rule")
        verbose_name_plural = _("ground rules")
        ordering = ["category", "ground__code", "valid_from"]
        constraints = [
            period_is_ordered("groundrule_period_ordered"),
            models.CheckConstraint(
                name="groundrule_category_1_to_8", condition=Q(category__gte=1, category__lte=8)
            ),
            ExclusionConstraint(
                name="groundrule_one_per_category_ground_date",
                expressions=[
                    ("category", RangeOperators.EQUAL),
                    ("ground", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Another rule for this category and ground is in force then."),
            ),
        ]

    def __str__(self):
        return f"{self.get_category_display()} / {self.ground.code}: {self.get_condition_display()}"


class AtuComparisonLevel(models.Model):
    """At which KATO level "the same ATU" is compared for GFMC attachment (§8)."""

    class AppliesTo(models.TextChoices):
        CITY = "city", _("residents of cities of republican significance")
        OTHER = "other", _("residents of regions")

    class Level(models.IntegerChoices):
        REGION = 2, _("region or city of republican significance")
        DISTRICT = 4, _("district or city district")
        RURAL = 6, _("rural district or town")
        SETTLEMENT = 9, _("settlement")

    applies_to = models.CharField(_("applies to"), max_length=10, choices=AppliesTo.choices)
    level = models.PositiveSmallIntegerField(_("compare at"), choices=Level.choices)
    legal_act = _legal_act()
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("ATU comparison level")
        verbose_name_plural = _("ATU comparison levels")
        ordering = ["applies_to", "valid_from"]
        constraints = [
            period_is_ordered("atucomparisonlevel_period_ordered"),
            no_overlap("atucomparisonlevel_no_overlap", "applies_to"),
        ]

    def __str__(self):
        return f"{self.get_applies_to_display()}: {self.get_level_display()}"


class CampaignWindow(models.Model):
    """The Fund's attachment campaign (ground 3, §10.3): dates and effective date are data.

    A row without a year recurs every year from the year of its start date: its dates give the
    day and month (the effective date may fall in the next year, as 1 January does). A row for a
    year replaces the recurring row of the same unit in that year; a row of an ATU (or a unit
    above the residence) replaces the country-wide rows, the nearest unit winning
    (`rules.campaign_window`)."""

    year = models.PositiveSmallIntegerField(
        _("year"), null=True, blank=True, help_text=_("Empty: every year, from the year of the start date.")
    )
    atu = models.ForeignKey(
        Atu,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("ATU"),
        help_text=_("Empty for the whole country."),
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    takes_effect_on = models.DateField(_("attachments take effect on"))
    history = audit_history()

    class Meta:
        verbose_name = _("campaign window")
        verbose_name_plural = _("campaign windows")
        ordering = [models.F("year").desc(nulls_last=True), "atu"]
        constraints = [
            models.CheckConstraint(
                name="campaignwindow_dates_ordered",
                condition=Q(ends_on__gte=models.F("starts_on"))
                & Q(takes_effect_on__gte=models.F("starts_on")),
                violation_error_message=_(
                    "The campaign must end after it starts and take effect after it starts."
                ),
            ),
            models.CheckConstraint(
                # A recurring window lies within one calendar year and takes effect within a year
                # of its start, so that each year has exactly one.
                name="campaignwindow_recurring_within_a_year",
                condition=Q(year__isnull=False)
                | (
                    Q(ends_on__year=models.F("starts_on__year"))
                    & Q(takes_effect_on__lt=models.F("starts_on") + datetime.timedelta(days=365))
                ),
                violation_error_message=_(
                    "A window for every year must end within its calendar year and take effect "
                    "within a year of its start."
                ),
            ),
            models.UniqueConstraint(
                fields=["year", "atu"], name="campaignwindow_one_per_year_atu", nulls_distinct=False
            ),
        ]

    def __str__(self):
        where = self.atu or _("whole country")  # outside the f-string, where makemessages finds it
        year = self.year or _("every year")
        return f"{year} {where}: {self.starts_on:%d.%m}–{self.ends_on:%d.%m}"


class FreeChoiceLimit(models.Model):
    """How often a ground of free choice may be used (e-gov service passport: once a year)."""

    ground = models.ForeignKey(Ground, models.PROTECT, related_name="limits", verbose_name=_("ground"))
    max_count = models.PositiveSmallIntegerField(_("at most"))
    months = models.PositiveSmallIntegerField(_("within months"))
    legal_act = _legal_act()
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("free choice limit")
        verbose_name_plural = _("free choice limits")
        constraints = [
            period_is_ordered("freechoicelimit_period_ordered"),
            no_overlap("freechoicelimit_no_overlap", "ground"),
            models.CheckConstraint(
                name="freechoicelimit_positive", condition=Q(max_count__gte=1, months__gte=1)
            ),
        ]

    def __str__(self):
        return f"{self.ground.code}: {self.max_count} / {self.months}"


class PublicHoliday(models.Model):
    """A public holiday on a fixed day of the year (law "On holidays"), with its Kazakh and
    Russian names. A holiday that falls on a Saturday or Sunday moves the day off to the next
    working day when `moves_off_weekend` (not the religious holidays). Movable holidays (Kurban
    ait) and transfers by decree are dated rows of `CalendarDay`."""

    month = models.PositiveSmallIntegerField(_("month"))
    day = models.PositiveSmallIntegerField(_("day"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    moves_off_weekend = models.BooleanField(
        _("a weekend holiday moves the day off to the next working day"), default=True
    )
    source = models.CharField(_("source"), max_length=200, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("public holiday")
        verbose_name_plural = _("public holidays")
        ordering = ["month", "day", "valid_from"]
        constraints = [
            period_is_ordered("publicholiday_period_ordered"),
            models.CheckConstraint(
                # 29 February is no fixed holiday: it would not exist in most years.
                name="publicholiday_day_of_year",
                condition=Q(month__gte=1, month__lte=12, day__gte=1)
                & (
                    Q(month__in=[1, 3, 5, 7, 8, 10, 12], day__lte=31)
                    | Q(month__in=[4, 6, 9, 11], day__lte=30)
                    | Q(month=2, day__lte=28)
                ),
                violation_error_message=_("No such day in every year."),
            ),
            ExclusionConstraint(
                name="publicholiday_one_per_day",
                expressions=[
                    ("month", RangeOperators.EQUAL),
                    ("day", RangeOperators.EQUAL),
                    (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
                ],
                violation_error_message=_("Another holiday on this day is in force then."),
            ),
        ]

    def __str__(self):
        return f"{self.day:02d}.{self.month:02d} {self.name}"

    @property
    def name(self):
        return in_language(self.name_kk, self.name_ru)


class CalendarDay(models.Model):
    """A dated exception to the working week: a movable holiday (Kurban ait), a day off moved by a
    transfer decree, or a Saturday or Sunday that a decree makes a working day."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200, blank=True)
    name_ru = models.CharField(_("name (Russian)"), max_length=200, blank=True)
    source = models.CharField(_("source"), max_length=200, blank=True, help_text=_("E.g. the decree."))
    history = audit_history()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.name}"

    @property
    def name(self):
        return in_language(self.name_kk, self.name_ru)


class CalendarYear(models.Model):
    """A rules administrator confirms a year's working calendar once its movable holidays and
    transfer decrees are entered; the start page warns ahead of a year without confirmation."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    confirmed = models.BooleanField(_("confirmed"), default=False)
    note = models.CharField(_("note"), max_length=300, blank=True, help_text=_("E.g. the decrees entered."))
    history = audit_history()

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self):
        return str(self.year)
