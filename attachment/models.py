"""PHC organizations, their districts, and attachments of people to them."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import (
    Atu,
    InsuranceContract,
    Person,
    bin_validator,
    no_overlap,
    period_is_ordered,
)


class BilingualName(models.Model):
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_kk if (get_language() or "").startswith("kk") else self.name_ru


class Organization(BilingualName):
    """A PHC organization (clinic) that people attach to."""

    bin = models.CharField(_("BIN"), max_length=12, unique=True, validators=[bin_validator])
    atu = models.ForeignKey(Atu, models.PROTECT, related_name="organizations", verbose_name=_("ATU"))
    address = models.CharField(_("address"), max_length=300, blank=True)
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


class Ground(BilingualName):
    """The nine grounds of attachment (§10)."""

    code = models.PositiveSmallIntegerField(_("code"), unique=True)
    history = audit_history()

    class Meta:
        verbose_name = _("ground of attachment")
        verbose_name_plural = _("grounds of attachment")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="ground_code_1_to_9", condition=Q(code__gte=1, code__lte=9)),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Channel(models.TextChoices):
    """How the attachment was asked for (§11, state service standard row 8)."""

    CLINIC = "clinic", _("written application at the clinic to its head")
    EGOV = "egov", _("e-gov portal request signed with a digital signature")
    INSURER = "insurer", _("insurer's application")
    ACT = "act", _("act of the regional commission or another body")
    IMPORT = "import", _("register import")


class Attachment(models.Model):
    """One person attached to one organization for a period. Past attachments end, never vanish."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="attachments", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="attachments", verbose_name=_("organization")
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("district"),
    )
    ground = models.ForeignKey(Ground, models.PROTECT, related_name="+", verbose_name=_("ground"))
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    contract = models.ForeignKey(
        InsuranceContract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("VMI/IMI contract"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attached by"),
    )
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history()

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["-valid_from", "-id"]
        indexes = [
            models.Index(fields=["organization", "valid_from", "valid_to"], name="attachment_org_period_idx"),
        ]
        constraints = [
            period_is_ordered("attachment_period_ordered"),
            # One attachment per IIN on any date (§4): periods of one person never overlap.
            no_overlap("attachment_one_per_person_per_date", "person"),
        ]

    def __str__(self):
        return f"{self.person} → {self.organization} ({self.valid_from}–{self.valid_to or '…'})"

    def is_active_on(self, on):
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)
