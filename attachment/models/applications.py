"""Applications for attachment, refusals, and the coupons that confirm an attachment."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import (
    InsuranceContract,
    Person,
)

from .attachments import Attachment, Channel, Ground
from .base import BilingualName
from .organizations import District, Organization


class RefusalReason(BilingualName):
    """Reasons of a motivated refusal (admin table)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    history = audit_history()

    class Meta:
        verbose_name = _("refusal reason")
        verbose_name_plural = _("refusal reasons")
        ordering = ["code"]


class Application(models.Model):
    """The state service "attachment to a PHC organization" (standard row 8)."""

    class Status(models.TextChoices):
        RECEIVED = "received", _("received")
        ATTACHED = "attached", _("attached")
        REFUSED = "refused", _("refused")

    person = models.ForeignKey(Person, models.PROTECT, related_name="applications", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="applications", verbose_name=_("organization")
    )
    district = models.ForeignKey(
        District, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("district")
    )
    # Nine grounds, never deleted: an index on it would not be selective.
    ground = models.ForeignKey(
        Ground, models.PROTECT, related_name="+", verbose_name=_("ground"), db_index=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    contract = models.ForeignKey(
        InsuranceContract, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("contract")
    )
    applicant = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applicant"),
        help_text=_("The family member or representative who applied, when not the person."),
    )
    documents = ArrayField(
        models.CharField(max_length=40), default=list, blank=True, verbose_name=_("documents")
    )
    requested_on = models.DateField(_("attachment date asked for"))
    received_at = models.DateTimeField(_("received at"))
    due_by = models.DateTimeField(_("due by"))
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.RECEIVED)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("received by"),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["due_by", "id"]
        indexes = [models.Index(fields=["organization", "status", "due_by"], name="application_queue_idx")]
        constraints = [
            models.CheckConstraint(
                name="application_decided_has_date",
                condition=Q(status="received", decided_at__isnull=True)
                | (~Q(status="received") & Q(decided_at__isnull=False)),
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.organization} ({self.get_status_display()})"


class Refusal(models.Model):
    """A motivated refusal: printable, with its reason code and explanation. The explanation is
    kept as the reasons' codes with their parameters (`reasons`) and worded when it is read, in
    the page's or the printed form's language; refusals issued before that keep their text
    (`details`, in the language it was written in) unless the text could be read back as codes."""

    person = models.ForeignKey(Person, models.PROTECT, related_name="refusals", verbose_name=_("person"))
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="refusals", verbose_name=_("organization")
    )
    application = models.ForeignKey(
        Application,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="refusals",
        verbose_name=_("application"),
    )
    # Nine grounds, never deleted: an index on it would not be selective.
    ground = models.ForeignKey(
        Ground, models.PROTECT, related_name="+", verbose_name=_("ground"), db_index=False
    )
    reason = models.ForeignKey(RefusalReason, models.PROTECT, related_name="+", verbose_name=_("reason"))
    reasons = models.JSONField(
        _("reasons"),
        default=list,
        blank=True,
        help_text=_("Each reason of the refusal: its code and parameters (dates, numbers, documents)."),
    )
    details = models.TextField(
        _("explanation as written"),
        blank=True,
        help_text=_("The text of a refusal issued before its reasons were kept as codes."),
    )
    on = models.DateField(_("attachment date asked for"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("refused by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history()

    class Meta:
        verbose_name = _("motivated refusal")
        verbose_name_plural = _("motivated refusals")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.person}: {self.reason}"

    def explanation_lines(self) -> list[str]:
        """One line per reason, in the active language (the printed form's, on a printed form)."""
        from ..rules import explain  # the rules read these models

        if self.reasons:
            return [
                explain(r.get("code", ""), r.get("params"), r.get("text")) or r.get("code", "")
                for r in self.reasons
            ]
        return [line for line in self.details.splitlines() if line.strip()]


class Coupon(models.Model):
    """The attachment coupon (form of ҚР ДСМ-175/2020): numbered per organization and year."""

    attachment = models.OneToOneField(
        Attachment, models.PROTECT, related_name="coupon", verbose_name=_("attachment")
    )
    organization = models.ForeignKey(
        Organization, models.PROTECT, related_name="coupons", verbose_name=_("organization")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial"))
    token = models.CharField(_("verification token"), max_length=40, unique=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("issued by"),
    )
    issued_at = models.DateTimeField(_("issued at"), auto_now_add=True)
    history = audit_history(indexed=("attachment",))  # the person's History tab, through the attachment

    class Meta:
        verbose_name = _("attachment coupon")
        verbose_name_plural = _("attachment coupons")
        ordering = ["-year", "-serial"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year", "serial"], name="coupon_number_unique"),
        ]

    def __str__(self):
        return self.number

    @property
    def number(self) -> str:
        return f"{self.year}-{self.serial:06d}"


class CouponPrint(models.Model):
    """Every print or reprint of a coupon."""

    coupon = models.ForeignKey(Coupon, models.CASCADE, related_name="prints", verbose_name=_("coupon"))
    printed_at = models.DateTimeField(_("printed at"), auto_now_add=True)
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name=_("printed by")
    )
    language = models.CharField(_("language"), max_length=5)
    file_format = models.CharField(_("format"), max_length=5)

    class Meta:
        verbose_name = _("coupon print")
        verbose_name_plural = _("coupon prints")
        ordering = ["printed_at"]

    def __str__(self):
        return f"{self.coupon} {self.printed_at:%d.%m.%Y %H:%M}"
