"""Tables of the reports on the attached population: age groups and the planning norms.

Models of the `attachment` app (this package), used by `attachment/reports/`.

Age groups count **age in completed years on the report date** (the birthday itself counts:
on the day a person turns 5 they are 5). A group holds the ages `min_age` … `max_age`, both
inclusive; an empty `max_age` means "and older". So the preloaded "0–1" group is **under one
year** (0 completed years), "1–4" is 1 to 4 completed years, "15–17" ends the day before the
18th birthday, "70+" is 70 and older.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import IntegerRangeField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import Sex

REPORT_PERMISSION = "attachment.report_attached_population"


class AgeRange(models.Func):
    """int4range(min_age, max_age, '[]'): the inclusive ages of a group; empty max is open."""

    function = "INT4RANGE"
    template = "%(function)s(%(expressions)s, '[]')"
    output_field = IntegerRangeField()


class AgeGroup(models.Model):
    """An age group of the reports (sex-age groups of planning, seed 001 §25.2)."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    label = models.CharField(_("label"), max_length=40)
    min_age = models.PositiveSmallIntegerField(_("from age (completed years)"))
    max_age = models.PositiveSmallIntegerField(
        _("to age (completed years, inclusive)"),
        null=True,
        blank=True,
        help_text=_("Empty for the last, open-ended group."),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("age group")
        verbose_name_plural = _("age groups")
        ordering = ["min_age"]
        permissions = [
            ("report_attached_population", _("Can see the reports on the attached population")),
        ]
        constraints = [
            models.CheckConstraint(
                name="agegroup_ages_ordered",
                condition=Q(max_age__isnull=True) | Q(max_age__gte=models.F("min_age")),
                violation_error_message=_("The upper age cannot be below the lower age."),
            ),
            ExclusionConstraint(
                name="agegroup_no_overlap",
                expressions=[(AgeRange("min_age", "max_age"), RangeOperators.OVERLAPS)],
                violation_error_message=_("Age groups cannot overlap."),
            ),
        ]

    def __str__(self):
        return self.label

    def contains(self, age: int) -> bool:
        return self.min_age <= age and (self.max_age is None or age <= self.max_age)


class CapitationNorm(models.Model):
    """The comprehensive per-capita norm (КЖН / CPN, seed 001 §31): tenge per attached person per
    month, in force from `valid_from` until the next row. Tariff data an administrator enters."""

    amount = models.DecimalField(_("tenge per attached person per month"), max_digits=12, decimal_places=2)
    valid_from = models.DateField(_("valid from"), unique=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("per-capita norm (CPN)")
        verbose_name_plural = _("per-capita norms (CPN)")
        ordering = ["-valid_from"]
        constraints = [
            models.CheckConstraint(name="capitationnorm_positive", condition=Q(amount__gt=0)),
        ]

    def __str__(self):
        return f"{self.amount} ({self.valid_from:%d.%m.%Y})"


class SexAgeCoefficient(models.Model):
    """The sex-age coefficient applied to the per-capita norm, in force from `valid_from` until
    the next row for the same sex and age group. Tariff data an administrator enters."""

    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    age_group = models.ForeignKey(
        AgeGroup, models.PROTECT, related_name="coefficients", verbose_name=_("age group")
    )
    value = models.DecimalField(_("coefficient"), max_digits=6, decimal_places=3)
    valid_from = models.DateField(_("valid from"))
    source = models.CharField(_("source"), max_length=300, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("sex-age coefficient")
        verbose_name_plural = _("sex-age coefficients")
        ordering = ["age_group__min_age", "sex", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["sex", "age_group", "valid_from"], name="sexagecoefficient_one_per_date"
            ),
            models.CheckConstraint(name="sexagecoefficient_positive", condition=Q(value__gt=0)),
        ]

    def __str__(self):
        return f"{self.get_sex_display()} {self.age_group}: {self.value} ({self.valid_from:%d.%m.%Y})"
