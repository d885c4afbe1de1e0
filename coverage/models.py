"""Coverage rule tables: packages, their dated items, eligibility rules, diseases, limits, usage.

Every table is data an administrator keeps current as the law changes (admin with history);
rows the law dates carry valid_from / valid_to, and a row's valid_from is the date from which
the wording *applies* (an amending act may enter into force later and apply retroactively).
"""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history
from patients.models import DateRange, LegalCategory, period_is_ordered

# The eight languages of the IOM leaflet (seed 004).
LEAFLET_LANGUAGES = [
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("ky", _("Kyrgyz")),
    ("uz", _("Uzbek")),
    ("tg", _("Tajik")),
    ("tk", _("Turkmen")),
    ("az", _("Azerbaijani")),
    ("hy", _("Armenian")),
]
LEAFLET_CODES = [code for code, _label in LEAFLET_LANGUAGES]


def no_overlap_by(name: str, *owners: str) -> ExclusionConstraint:
    """Periods of one (owner, …) key never overlap (btree_gist exclusion constraint)."""
    return ExclusionConstraint(
        name=name,
        expressions=[(owner, RangeOperators.EQUAL) for owner in owners]
        + [(DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS)],
        violation_error_message=_("This period overlaps another period of the same row."),
    )


class LegalAct(models.Model):
    """A decree or order that lists or amends coverage, with its own dates."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    title_kk = models.CharField(_("title (Kazakh)"), max_length=500)
    title_ru = models.CharField(_("title (Russian)"), max_length=500, blank=True)
    number = models.CharField(_("number"), max_length=50)
    signed_on = models.DateField(_("dated"), null=True, blank=True)
    enters_into_force_on = models.DateField(
        _("enters into force on"),
        null=True,
        blank=True,
        help_text=_("Leave empty when it depends on a publication date not yet recorded."),
    )
    entry_into_force_rule = models.CharField(
        _("entry into force (as the act says)"), max_length=300, blank=True
    )
    applies_from = models.DateField(
        _("applies to relations from"),
        null=True,
        blank=True,
        help_text=_("Answers for a date follow this date, not the entry into force."),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("legal act")
        verbose_name_plural = _("legal acts")
        ordering = ["signed_on", "code"]

    def __str__(self):
        return self.title_ru or self.title_kk


class Package(models.Model):
    class Kind(models.TextChoices):
        GFMC = "gfmc", _("guaranteed volume of free medical care (GFMC)")
        CSHI = "cshi", _("compulsory social health insurance (CSHI)")
        GFMC_DANGEROUS = "gfmc_dangerous", _("GFMC for diseases dangerous to others")
        IMI_MINIMUM = "imi_minimum", _("IMI minimum list")
        VMI = "vmi", _("VMI programme")

    code = models.SlugField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)
    legal_act = models.ForeignKey(
        LegalAct, models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("legal act")
    )
    legal_reference = models.CharField(_("legal reference"), max_length=500, blank=True)
    programme = models.CharField(
        _("VMI programme"),
        max_length=200,
        blank=True,
        help_text=_("For VMI packages: the programme name as written in contracts (empty = any)."),
    )
    note = models.TextField(_("note"), blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("package")
        verbose_name_plural = _("packages")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "programme"],
                condition=Q(kind="vmi"),
                name="package_one_vmi_per_programme",
            )
        ]

    def __str__(self):
        return self.name

    @property
    def name(self):
        return self.name_kk if (get_language() or "").startswith("kk") else self.name_ru


class PackageItem(models.Model):
    """One point or sub-point of a package in one wording, in force for a period.

    An empty wording means the act changes the item but the wording is not recorded yet
    (the seeds do not quote it): it is shown as "to be entered", never invented.
    """

    package = models.ForeignKey(Package, models.PROTECT, related_name="items", verbose_name=_("package"))
    number = models.CharField(_("number"), max_length=20, help_text=_("Point and sub-point, e.g. 4.4."))
    position = models.PositiveIntegerField(_("position"), default=0)
    legal_act = models.ForeignKey(
        LegalAct, models.PROTECT, null=True, blank=True, related_name="items", verbose_name=_("act")
    )
    point = models.CharField(_("point"), max_length=20, blank=True)
    sub_point = models.CharField(_("sub-point"), max_length=20, blank=True)
    text_kk = models.TextField(_("wording (Kazakh)"), blank=True)
    text_ru = models.TextField(_("wording (Russian)"), blank=True)
    valid_from = models.DateField(_("applies from"))
    valid_to = models.DateField(_("applies to"), null=True, blank=True)
    amended_by = models.ForeignKey(
        LegalAct,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="amended_items",
        verbose_name=_("wording given by"),
    )
    amendment_in_force_on = models.DateField(
        _("amendment enters into force on"),
        null=True,
        blank=True,
        help_text=_("Empty when it depends on a publication date (see the act)."),
    )
    ended_by = models.ForeignKey(
        LegalAct,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="ended_items",
        verbose_name=_("ended or replaced by"),
    )
    earlier_wording = models.BooleanField(
        _("earlier wording"),
        default=False,
        help_text=_(
            "The row stands for the wording in force before an amendment, which the seeds do not "
            'give: shown as "earlier wording to be entered" until an administrator enters it.'
        ),
    )
    citizens_only = models.BooleanField(
        _("citizens of Kazakhstan only"),
        default=False,
        help_text=_("The item is limited to citizens of Kazakhstan by its own text."),
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("package item")
        verbose_name_plural = _("package items")
        ordering = ["package", "position", "valid_from"]
        constraints = [
            period_is_ordered("packageitem_period_ordered"),
            no_overlap_by("packageitem_no_overlap", "package", "number"),
        ]

    def __str__(self):
        return f"{self.package.code} {self.number} ({self.valid_from}–{self.valid_to or '…'})"

    @property
    def wording_pending(self) -> bool:
        return not self.text_kk and not self.text_ru

    def wording(self, language: str | None = None) -> tuple[str, str]:
        """(text, language of the text): the Russian UI falls back to the Kazakh law text,
        marked as such, until an administrator enters the official Russian wording."""
        language = (language or get_language() or "ru")[:2]
        if language == "kk":
            return (self.text_kk, "kk") if self.text_kk else (self.text_ru, "ru" if self.text_ru else "")
        if self.text_ru:
            return self.text_ru, "ru"
        return self.text_kk, "kk" if self.text_kk else ""

    @property
    def current_wording(self) -> tuple[str, str]:
        return self.wording()


class EligibilityRule(models.Model):
    """Who gets a package: legal category, CSHI insured status, valid VMI/IMI contract on D."""

    class Insured(models.TextChoices):
        ANY = "any", _("regardless of CSHI status")
        INSURED = "insured", _("insured in CSHI on the date")

    package = models.ForeignKey(
        Package, models.PROTECT, related_name="rules", verbose_name=_("package granted")
    )
    category = models.PositiveSmallIntegerField(
        _("legal category"),
        choices=LegalCategory.choices,
        null=True,
        blank=True,
        help_text=_("Empty = any category."),
    )
    insured = models.CharField(_("CSHI status"), max_length=10, choices=Insured.choices, default=Insured.ANY)
    contract_kind = models.CharField(
        _("valid contract on the date"),
        max_length=3,
        blank=True,
        choices=[("vmi", _("VMI contract")), ("imi", _("IMI contract"))],
        help_text=_("Empty = no contract needed."),
    )
    legal_reference = models.CharField(_("legal reference"), max_length=500)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("eligibility rule")
        verbose_name_plural = _("eligibility rules")
        ordering = ["package", "category", "id"]
        constraints = [
            period_is_ordered("eligibilityrule_period_ordered"),
            models.CheckConstraint(
                name="eligibilityrule_has_condition",
                condition=Q(category__isnull=False) | ~Q(insured="any") | ~Q(contract_kind=""),
                violation_error_message=_("A rule needs a category, an insured status or a contract."),
            ),
        ]

    def __str__(self):
        return f"{self.package.code}: {self.describe()}"

    def describe(self) -> str:
        parts = []
        if self.category:
            parts.append(str(self.get_category_display()))
        if self.insured == self.Insured.INSURED:
            parts.append(str(self.get_insured_display()))
        if self.contract_kind:
            parts.append(str(self.get_contract_kind_display()))
        return ", ".join(parts)


class MultilingualName(models.Model):
    name_kk = models.TextField(_("name (Kazakh)"))
    name_ru = models.TextField(_("name (Russian)"))
    name_ky = models.TextField(_("name (Kyrgyz)"), blank=True)
    name_uz = models.TextField(_("name (Uzbek)"), blank=True)
    name_tg = models.TextField(_("name (Tajik)"), blank=True)
    name_tk = models.TextField(_("name (Turkmen)"), blank=True)
    name_az = models.TextField(_("name (Azerbaijani)"), blank=True)
    name_hy = models.TextField(_("name (Armenian)"), blank=True)

    class Meta:
        abstract = True

    def name_in(self, language: str | None = None) -> str:
        language = (language or get_language() or "ru")[:2]
        return getattr(self, f"name_{language}", "") or self.name_ru

    @property
    def name(self):
        return self.name_in()


class Disease(MultilingualName):
    """Diseases dangerous to others (order 121/2020, seed 004): GFMC for temporary stayers."""

    package = models.ForeignKey(Package, models.PROTECT, related_name="diseases", verbose_name=_("package"))
    number = models.PositiveSmallIntegerField(_("row of the list"))
    icd10 = models.CharField(
        _("ICD-10 codes"), max_length=100, help_text=_("Codes and ranges, e.g. A15–A19, B15, B17.2.")
    )
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("disease dangerous to others")
        verbose_name_plural = _("diseases dangerous to others")
        ordering = ["package", "number"]
        constraints = [
            period_is_ordered("disease_period_ordered"),
            no_overlap_by("disease_no_overlap", "package", "number"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name_ru} ({self.icd10})"


class PeriodKind(models.TextChoices):
    CALENDAR_YEAR = "calendar_year", _("calendar year")
    CALENDAR_HALF_YEAR = "calendar_half_year", _("calendar half-year")
    ROLLING_6_MONTHS = "rolling_6_months", _("rolling six months")
    ROLLING_12_MONTHS = "rolling_12_months", _("rolling twelve months")


class ServiceLimit(MultilingualName):
    """One row of the volume of care (seed 004): a service with a count per period."""

    class Group(models.TextChoices):
        CONSULTATION = "consultation", _("consultation")
        LABORATORY = "laboratory", _("laboratory diagnostics")
        IMAGING = "imaging", _("ultrasound and X-ray diagnostics")

    package = models.ForeignKey(Package, models.PROTECT, related_name="limits", verbose_name=_("package"))
    leaflet_number = models.PositiveSmallIntegerField(
        _("row of the leaflet"), help_text=_("The leaflet's own row number, kept as a reference.")
    )
    group = models.CharField(_("group"), max_length=20, choices=Group.choices)
    max_count = models.PositiveSmallIntegerField(_("times per period"))
    period_kind = models.CharField(_("period"), max_length=20, choices=PeriodKind.choices)
    legal_reference = models.CharField(_("legal reference"), max_length=300, blank=True)
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("service volume limit")
        verbose_name_plural = _("service volume limits")
        ordering = ["package", "leaflet_number"]
        constraints = [
            period_is_ordered("servicelimit_period_ordered"),
            no_overlap_by("servicelimit_no_overlap", "package", "leaflet_number"),
            models.CheckConstraint(name="servicelimit_count_positive", condition=Q(max_count__gte=1)),
        ]

    def __str__(self):
        return f"{self.leaflet_number}. {self.name_ru}"


class ServiceUsage(models.Model):
    """A rendered service counted against a limit (recorded by a registrar or an import)."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered by a registrar")
        IMPORT = "import", _("imported")

    person = models.ForeignKey(
        "patients.Person", models.PROTECT, related_name="service_usages", verbose_name=_("person")
    )
    limit = models.ForeignKey(ServiceLimit, models.PROTECT, related_name="usages", verbose_name=_("service"))
    rendered_on = models.DateField(_("rendered on"))
    organization = models.ForeignKey(
        "attachment.Organization",
        models.PROTECT,
        related_name="service_usages",
        verbose_name=_("PHC organization"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history()

    class Meta:
        verbose_name = _("service usage")
        verbose_name_plural = _("service usages")
        ordering = ["-rendered_on", "-id"]
        indexes = [models.Index(fields=["person", "rendered_on"], name="serviceusage_person_date_idx")]

    def __str__(self):
        return f"{self.limit} {self.rendered_on}"


class LeafletSection(models.Model):
    """Headings of the printable leaflet in its eight languages (seed 004 wording)."""

    class Section(models.TextChoices):
        DISEASES = "diseases", _("diseases dangerous to others")
        VOLUME = "volume", _("volume of care")
        PER_YEAR = "per_year", _("frequency: per year ({count} = times)")
        PER_6_MONTHS = "per_6_months", _("frequency: per 6 months ({count} = times)")

    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    language = models.CharField(_("language"), max_length=2, choices=LEAFLET_LANGUAGES)
    title = models.TextField(_("title"))
    history = audit_history()

    class Meta:
        verbose_name = _("leaflet heading")
        verbose_name_plural = _("leaflet headings")
        ordering = ["section", "language"]
        constraints = [
            models.UniqueConstraint(fields=["section", "language"], name="leafletsection_unique"),
        ]

    def __str__(self):
        return f"{self.section} ({self.language})"
