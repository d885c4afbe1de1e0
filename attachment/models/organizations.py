"""PHC organizations, their Fund purchase contracts, integration periods and districts."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import (
    Atu,
    bin_validator,
    no_overlap,
    period_is_ordered,
)

from .base import BilingualName


class Organization(BilingualName):
    """A PHC organization (clinic) that people attach to."""

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[bin_validator])
    atu = models.ForeignKey(Atu, models.PROTECT, related_name="organizations", verbose_name=_("ATU"))
    address = models.CharField(_("address"), max_length=300, blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True, help_text=_("Printed on the coupon."))
    is_state = models.BooleanField(_("state organization"), default=False)
    history = audit_history()

    class Meta:
        verbose_name = _("PHC organization")
        verbose_name_plural = _("PHC organizations")
        ordering = ["name_ru"]
        permissions = [
            ("view_all_organizations", _("Can see the attached population of every organization")),
        ]


class PurchaseContract(models.Model):
    """A Fund purchase contract period: one of the two ways an organization may attach (§4)."""

    organization = models.ForeignKey(
        Organization,
        models.CASCADE,
        related_name="purchase_contracts",
        verbose_name=_("organization"),
    )
    number = models.CharField(_("contract number"), max_length=50, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("Fund purchase contract")
        verbose_name_plural = _("Fund purchase contracts")
        ordering = ["-valid_from"]
        constraints = [
            period_is_ordered("purchasecontract_period_ordered"),
            no_overlap("purchasecontract_no_overlap", "organization"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.valid_from}–{self.valid_to or '…'}"


class IntegrationPeriod(models.Model):
    """A period when the organization's information system is integrated with the Ministry's (§4)."""

    organization = models.ForeignKey(
        Organization,
        models.CASCADE,
        related_name="integration_periods",
        verbose_name=_("organization"),
    )
    system_name = models.CharField(_("information system"), max_length=200, blank=True)
    valid_from = models.DateField(_("integrated from"))
    valid_to = models.DateField(_("integrated to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("information system integration")
        verbose_name_plural = _("information system integrations")
        ordering = ["-valid_from"]
        constraints = [
            period_is_ordered("integrationperiod_period_ordered"),
            no_overlap("integrationperiod_no_overlap", "organization"),
        ]

    def __str__(self):
        return f"{self.organization}: {self.valid_from}–{self.valid_to or '…'}"


class District(models.Model):
    """A district (uchastok) of an organization, served by one PHC specialist."""

    class Kind(models.TextChoices):
        GENERAL_PRACTICE = "general", _("general practice")
        THERAPEUTIC = "therapeutic", _("therapeutic")
        PAEDIATRIC = "paediatric", _("paediatric")

    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="districts", verbose_name=_("organization")
    )
    code = models.CharField(_("code"), max_length=20)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    specialist = models.CharField(_("PHC specialist"), max_length=200, blank=True)
    atu = models.ForeignKey(Atu, models.PROTECT, related_name="districts", verbose_name=_("ATU served"))
    capacity = models.PositiveIntegerField(_("planned capacity"))
    history = audit_history()

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        ordering = ["organization", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "code"], name="district_code_unique"),
        ]

    def __str__(self):
        return f"{self.code} {self.get_kind_display()}"
