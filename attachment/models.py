"""PHC organizations, their districts, and attachments of people to them."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import ArrayField, RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import (
    Atu,
    DateRange,
    InsuranceContract,
    LegalCategory,
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
        ]

    def __str__(self):
        return f"{self.person} → {self.organization} ({self.valid_from}–{self.valid_to or '…'})"

    def is_active_on(self, on):
        return self.valid_from <= on and (self.valid_to is None or on <= self.valid_to)

    def status_on(self, on) -> str:
        """Derived from the dates, so it can never disagree with them."""
        if on < self.valid_from:
            return AttachmentStatus.FUTURE
        if self.valid_to is not None and on > self.valid_to:
            return AttachmentStatus.ENDED
        return AttachmentStatus.ACTIVE


class AttachmentStatus(models.TextChoices):
    FUTURE = "future", _("takes effect later")
    ACTIVE = "active", _("in force")
    ENDED = "ended", _("ended")


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
    """The Fund's attachment campaign (ground 3, §10.3): dates and effective date are data."""

    year = models.PositiveSmallIntegerField(_("year"))
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
        ordering = ["-year", "atu"]
        constraints = [
            models.CheckConstraint(
                name="campaignwindow_dates_ordered",
                condition=Q(ends_on__gte=models.F("starts_on"))
                & Q(takes_effect_on__gte=models.F("starts_on")),
                violation_error_message=_(
                    "The campaign must end after it starts and take effect after it starts."
                ),
            ),
            models.UniqueConstraint(
                fields=["year", "atu"], name="campaignwindow_one_per_year_atu", nulls_distinct=False
            ),
        ]

    def __str__(self):
        where = self.atu or _("whole country")  # outside the f-string, where makemessages finds it
        return f"{self.year} {where}: {self.starts_on:%d.%m}–{self.ends_on:%d.%m}"


class FreeChoiceLimit(models.Model):
    """How often a ground of free choice may be used (e-gov service passport: once a year)."""

    ground = models.ForeignKey(Ground, models.PROTECT, related_name="limits", verbose_name=_("ground"))
    max_count = models.PositiveSmallIntegerField(_("at most"))
    months = models.PositiveSmallIntegerField(_("within months"))
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


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday or a transferred day."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=200, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date:%d.%m.%Y} {self.name}"


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
    """A motivated refusal: printable, with its reason code and explanation."""

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
    details = models.TextField(_("explanation"), blank=True)
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
    history = audit_history()

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


# Models of the app's sub-packages, imported here so that Django registers them with this app.
from .importing.models import ImportRun
from .reports.models import AgeGroup, CapitationNorm, SexAgeCoefficient

__all__ = ["AgeGroup", "CapitationNorm", "ImportRun", "SexAgeCoefficient"]
