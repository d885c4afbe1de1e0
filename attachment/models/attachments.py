"""Grounds of attachment, attachments of people to organizations, and the acts that made them."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import (
    InsuranceContract,
    Person,
    no_overlap,
    period_is_ordered,
)

from .base import BilingualName
from .organizations import District, Organization


class Ground(BilingualName):
    """A ground of attachment (§10 gives nine). What a ground means for the product is read from
    its row (and its ground rules), never from its number, so the law's next ground is a row."""

    code = models.PositiveSmallIntegerField(_("code"), unique=True)
    needs_contract = models.BooleanField(
        _("under a VMI/IMI contract"),
        default=False,
        help_text=_(
            "The attachment is made under an insured person's contract, records it and lasts for its "
            "validity (ground 4, §9-1)."
        ),
    )
    moves_in_bulk = models.BooleanField(
        _("moves people in bulk by an act"),
        default=False,
        help_text=_(
            "An administrator's or the commission's act moves the attached of an organization or of "
            "some districts to another organization (grounds 6–9)."
        ),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("ground of attachment")
        verbose_name_plural = _("grounds of attachment")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(name="ground_code_positive", condition=Q(code__gte=1)),
        ]

    def __str__(self):
        return f"{self.code}. {self.name}"


class DetachReason(BilingualName):
    """Why an attachment was ended at the desk (admin table): moved abroad, to another region, at
    the person's request… A reason that needs a note (\"other\") says so in its row."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    needs_note = models.BooleanField(
        _("needs a note"),
        default=False,
        help_text=_('The registrar must describe the reason in a note (e.g. "other").'),
    )
    active = models.BooleanField(
        _("offered at the desk"), default=True, help_text=_("Retired reasons stay on past attachments.")
    )
    history = audit_history()

    class Meta:
        verbose_name = _("detachment reason")
        verbose_name_plural = _("detachment reasons")
        ordering = ["code"]


class Channel(models.TextChoices):
    """How the attachment was asked for (§11, state service standard row 8)."""

    CLINIC = "clinic", _("written application at the clinic to its head")
    EGOV = "egov", _("e-gov portal request signed with a digital signature")
    INSURER = "insurer", _("insurer's application")
    ACT = "act", _("act of the regional commission or another body")
    IMPORT = "import", _("register import")


class Attachment(models.Model):
    """One person attached to one organization for a period. Past attachments end, never vanish."""

    # Indexes: the person's attachments come from `attachment_report_cover_idx` (person first) and
    # the exclusion constraint's GiST index, an organization's from `attachment_org_period_idx`;
    # foreign keys the register import leaves empty get partial indexes (see Meta), so a bulk
    # import maintains only the indexes that queries use.
    person = models.ForeignKey(
        Person, models.PROTECT, related_name="attachments", verbose_name=_("person"), db_index=False
    )
    organization = models.ForeignKey(
        Organization,
        models.PROTECT,
        related_name="attachments",
        verbose_name=_("organization"),
        db_index=False,
    )
    district = models.ForeignKey(
        District,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("district"),
    )
    # Nine grounds, never deleted: an index on it would not be selective.
    ground = models.ForeignKey(
        Ground, models.PROTECT, related_name="+", verbose_name=_("ground"), db_index=False
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    contract = models.ForeignKey(
        InsuranceContract,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("VMI/IMI contract"),
        db_index=False,
    )
    act = models.ForeignKey(
        "AttachmentAct",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("act"),
        db_index=False,
    )
    application = models.ForeignKey(
        "Application",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("application"),
        db_index=False,
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    end_reason = models.CharField(_("reason for ending"), max_length=300, blank=True)
    # Set when staff detached the person (`attachment_detach`): the reason from the admin table,
    # shown in the reader's language; `end_reason` then holds the registrar's note.
    detach_reason = models.ForeignKey(
        DetachReason,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("detachment reason"),
        db_index=False,
    )
    # A recorded death closes the person's attachments: the one in force on the date of death ends
    # on it, a later one is cancelled (its period shrinks to its first day, which lies after the
    # death, so "attached on D" never counts it). What the attachment was before is kept, so a
    # correction of the death reopens it exactly.
    closed_by_death_on = models.DateField(
        _("closed by the death of"),
        null=True,
        blank=True,
        help_text=_("The date of death that ended or cancelled this attachment."),
    )
    valid_to_before_death = models.DateField(
        _("valid to before the death was recorded"), null=True, blank=True
    )
    end_reason_before_death = models.CharField(
        _("reason for ending before the death was recorded"), max_length=300, blank=True
    )
    over_capacity_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("over capacity confirmed by"),
        help_text=_("The clinic head who allowed attaching beyond the district's planned capacity."),
        db_index=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("attached by"),
        db_index=False,
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
            # Mostly empty: partial indexes serve the lookups (and PROTECT checks) at no cost to
            # the rows that leave them empty.
            models.Index(
                fields=["contract"], name="attachment_contract_idx", condition=Q(contract__isnull=False)
            ),
            models.Index(fields=["act"], name="attachment_act_idx", condition=Q(act__isnull=False)),
            models.Index(
                fields=["application"],
                name="attachment_application_idx",
                condition=Q(application__isnull=False),
            ),
            models.Index(
                fields=["over_capacity_confirmed_by"],
                name="attachment_over_capacity_idx",
                condition=Q(over_capacity_confirmed_by__isnull=False),
            ),
        ]
        permissions = [
            ("confirm_over_capacity", _("Can confirm an attachment beyond a district's capacity")),
            ("transfer_attachments", _("Can move the attached population to another organization")),
            ("correct_death", _("Can correct a wrongly recorded date of death")),
            (
                "backdate_receipt",
                _("Can record an application received earlier than the days a registrar may"),
            ),
        ]
        constraints = [
            period_is_ordered("attachment_period_ordered"),
            # One attachment per IIN on any date (§4): periods of one person never overlap.
            no_overlap("attachment_one_per_person_per_date", "person"),
            models.CheckConstraint(
                name="attachment_act_channel_has_act",
                condition=~Q(channel="act") | Q(act__isnull=False),
                violation_error_message=_("An attachment by an act must record the act."),
            ),
            # A detachment ends the attachment: the reason is recorded only with an end date.
            models.CheckConstraint(
                name="attachment_detached_has_end",
                condition=Q(detach_reason__isnull=True) | Q(valid_to__isnull=False),
                violation_error_message=_("A detached attachment must have an end date."),
            ),
            # Closed by a death: ended on the date of death when in force on it, cancelled (one
            # day, its first, after the death) when it starts later; what it was before is kept
            # only for an attachment the death closed, and the death shortened it.
            models.CheckConstraint(
                name="attachment_closed_by_death_consistent",
                condition=(
                    Q(
                        closed_by_death_on__isnull=True,
                        valid_to_before_death__isnull=True,
                        end_reason_before_death="",
                    )
                    | Q(closed_by_death_on__isnull=False)
                    & (
                        Q(valid_from__lte=F("closed_by_death_on"), valid_to=F("closed_by_death_on"))
                        | Q(valid_from__gt=F("closed_by_death_on"), valid_to=F("valid_from"))
                    )
                    & (Q(valid_to_before_death__isnull=True) | Q(valid_to_before_death__gt=F("valid_to")))
                ),
                violation_error_message=_(
                    "An attachment closed by a death ends on the date of death, or is cancelled when it "
                    "starts later."
                ),
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.organization} ({self.valid_from}–{self.valid_to or '…'})"

    @property
    def cancelled(self) -> bool:
        """Cancelled by a death before it took effect: the person was never attached by it."""
        return self.closed_by_death_on is not None and self.closed_by_death_on < self.valid_from

    def status_on(self, on) -> str:
        """Derived from the dates, so it can never disagree with them."""
        if self.cancelled:
            return AttachmentStatus.CANCELLED
        if on < self.valid_from:
            return AttachmentStatus.FUTURE
        if self.valid_to is not None and on > self.valid_to:
            return AttachmentStatus.ENDED
        return AttachmentStatus.ACTIVE


class AttachmentStatus(models.TextChoices):
    FUTURE = "future", _("takes effect later")
    ACTIVE = "active", _("in force")
    ENDED = "ended", _("ended")
    CANCELLED = "cancelled", _("cancelled: the person died before it took effect")


class LeavingReason(models.TextChoices):
    """Why a person's attachment to an organization ended (derived from the rows, never stored;
    `selectors.organization_leavers` reads it, the first that applies in this order)."""

    DEATH = "death", _("death")
    RECONCILIATION = "reconciliation", _("reconciliation with the national register")
    DETACHED = "detached", _("detached at the desk")
    TRANSFER = "transfer", _("attached to another organization")
    CONTRACT_ENDED = "contract_ended", _("the VMI/IMI contract ended")
    OTHER = "other", _("other")


class AttachmentAct(models.Model):
    """The act that attaches a contingent by place rather than by choice (standard row 8, item 5)."""

    class Kind(models.TextChoices):
        COMMISSION_PROTOCOL = "commission_protocol", _("protocol of the regional commission")
        COMMANDER_ORDER = "commander_order", _("extract of the commander's order")
        SCHOOL_COMMISSION = "school_commission", _("protocol of the institution–clinic commission")
        HEALTH_AUTHORITY = "health_authority", _("decision of the local health authority")
        ADMINISTRATOR = "administrator", _("administrator's act (grounds 6–9)")

    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    date = models.DateField(_("date"))
    issuer = models.CharField(_("issued by"), max_length=300)
    history = audit_history()

    class Meta:
        verbose_name = _("attachment act")
        verbose_name_plural = _("attachment acts")
        ordering = ["-date", "-id"]

    def __str__(self):
        return f"{self.get_kind_display()} №{self.number} {self.date:%d.%m.%Y}"
