"""People of the register, their documents, insurance and places (the ATU/KATO tree)."""

from django.conf import settings
from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import RangeOperators
from django.contrib.postgres.indexes import GinIndex
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from .dates import age_in_years, is_minor
from .history import audit_history
from .iin import FEMALE, MALE, SEX_NAMES, validate_iin
from .names import PersonNameKey
from .validators import validate_person_name

# Members of the Eurasian Economic Union (their workers get PHC under VMI/IMI).
EAEU_COUNTRIES = frozenset({"AM", "BY", "KZ", "KG", "RU"})

kato_validator = RegexValidator(r"^\d{9}$", _("A KATO code is exactly 9 digits."))
bin_validator = RegexValidator(r"^\d{12}$", _("A BIN is exactly 12 digits."))


class DateRange(models.Func):
    """daterange(from, to, '[]'): an inclusive validity period; an empty `to` is open-ended."""

    function = "DATERANGE"
    template = "%(function)s(%(expressions)s, '[]')"

    def __init__(self, start, end, **extra):
        from django.contrib.postgres.fields import DateRangeField

        super().__init__(start, end, output_field=DateRangeField(), **extra)


def no_overlap(name: str, owner: str) -> ExclusionConstraint:
    """Periods of one owner never overlap (btree_gist exclusion constraint)."""
    return ExclusionConstraint(
        name=name,
        expressions=[
            (owner, RangeOperators.EQUAL),
            (DateRange("valid_from", "valid_to"), RangeOperators.OVERLAPS),
        ],
        violation_error_message=_("This period overlaps another period of the same record."),
    )


def period_is_ordered(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        name=name,
        condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
        violation_error_message=_("The end date cannot be before the start date."),
    )


class Atu(models.Model):
    """An administrative-territorial unit, coded by KATO."""

    class Level(models.TextChoices):
        REGION = "region", _("region")
        CITY = "city", _("city of republican significance")
        DISTRICT = "district", _("district")
        TOWN = "town", _("town")
        CITY_DISTRICT = "city_district", _("city district")
        RURAL_DISTRICT = "rural_district", _("rural district")
        SETTLEMENT = "settlement", _("settlement")

    kato = models.CharField(_("KATO code"), max_length=9, unique=True, validators=[kato_validator])
    name_kk = models.CharField(_("name (Kazakh)"), max_length=200)
    name_ru = models.CharField(_("name (Russian)"), max_length=200)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices)
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    is_border_area = models.BooleanField(
        _("border area"),
        default=False,
        help_text=_("Residents may attach to an organization in a neighbouring ATU (§8)."),
    )
    neighbours = models.ManyToManyField(
        "self", blank=True, symmetrical=True, verbose_name=_("neighbouring ATUs")
    )
    history = audit_history(m2m_fields=[neighbours])

    class Meta:
        verbose_name = _("administrative-territorial unit")
        verbose_name_plural = _("administrative-territorial units")
        ordering = ["kato"]

    def __str__(self):
        return f"{self.kato} {self.name}"

    @property
    def name(self):
        from django.utils.translation import get_language

        return self.name_kk if (get_language() or "").startswith("kk") else self.name_ru

    def ancestors_and_self(self):
        """This unit and every unit above it (the tree is at most a few levels deep)."""
        node, chain = self, []
        while node is not None:
            chain.append(node)
            node = node.parent
        return chain


class LegalCategory(models.IntegerChoices):
    """Who a person is (seed 002 §3-1): exactly one per person."""

    CITIZEN = 1, _("citizen of Kazakhstan")
    KANDAS = 2, _("kandas")
    REFUGEE = 3, _("refugee")
    PERMANENT_FOREIGNER = 4, _("foreigner permanently residing in Kazakhstan")
    PERMANENT_STATELESS = 5, _("stateless person permanently residing in Kazakhstan")
    TEMPORARY_FOREIGNER = 6, _("foreigner temporarily staying in Kazakhstan")
    TEMPORARY_STATELESS = 7, _("stateless person temporarily staying in Kazakhstan")
    ASYLUM_SEEKER = 8, _("asylum seeker")


# English codes accepted in imports and used in rule tables.
CATEGORY_CODES = {
    "citizen": LegalCategory.CITIZEN,
    "kandas": LegalCategory.KANDAS,
    "refugee": LegalCategory.REFUGEE,
    "permanent_foreigner": LegalCategory.PERMANENT_FOREIGNER,
    "permanent_stateless": LegalCategory.PERMANENT_STATELESS,
    "temporary_foreigner": LegalCategory.TEMPORARY_FOREIGNER,
    "temporary_stateless": LegalCategory.TEMPORARY_STATELESS,
    "asylum_seeker": LegalCategory.ASYLUM_SEEKER,
}
TEMPORARY_CATEGORIES = frozenset(
    {
        LegalCategory.TEMPORARY_FOREIGNER,
        LegalCategory.TEMPORARY_STATELESS,
        LegalCategory.ASYLUM_SEEKER,
    }
)


class MigrantPurpose(models.IntegerChoices):
    """Purposes of arrival of migrants (rules 665/2011)."""

    HISTORICAL_HOMELAND = 1, _("return to the historical homeland")
    FAMILY = 2, _("family reunification")
    STUDY = 3, _("study")
    WORK = 4, _("work")
    HUMANITARIAN = 5, _("humanitarian reasons")
    POLITICAL = 6, _("political reasons")


class Sex(models.TextChoices):
    MALE = MALE, SEX_NAMES[MALE]
    FEMALE = FEMALE, SEX_NAMES[FEMALE]


class Person(models.Model):
    class ResidenceKind(models.TextChoices):
        PERMANENT = "permanent", _("permanent")
        TEMPORARY = "temporary", _("temporary")

    # Unique through Meta.constraints: a field's unique=True would add a second, varchar_pattern_ops
    # index (for LIKE) that no query uses — IINs are only ever looked up whole.
    iin = models.CharField(_("IIN"), max_length=12, validators=[validate_iin])
    last_name = models.CharField(_("surname"), max_length=100, validators=[validate_person_name])
    first_name = models.CharField(_("given name"), max_length=100, validators=[validate_person_name])
    middle_name = models.CharField(
        _("patronymic"), max_length=100, blank=True, validators=[validate_person_name]
    )
    birth_date = models.DateField(_("birth date"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices)
    citizenship = CountryField(_("citizenship"), blank=True, help_text=_("Empty for stateless persons."))
    category = models.PositiveSmallIntegerField(_("legal category"), choices=LegalCategory.choices)
    migrant_purpose = models.PositiveSmallIntegerField(
        _("purpose of stay"), choices=MigrantPurpose.choices, null=True, blank=True
    )
    residence_atu = models.ForeignKey(
        Atu,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="residents",
        verbose_name=_("place of residence (ATU)"),
        db_index=False,  # nothing looks persons up by ATU; ATUs are reference data, never deleted
    )
    residence_address = models.CharField(_("address"), max_length=300, blank=True)
    residence_kind = models.CharField(
        _("residence"),
        max_length=10,
        choices=ResidenceKind.choices,
        default=ResidenceKind.PERMANENT,
    )
    date_of_death = models.DateField(_("date of death"), null=True, blank=True)
    # The folded full name that search compares (patients/names.py), kept by the database itself:
    # the trigram index's recheck and the ranking read it instead of folding every candidate again.
    name_key = models.GeneratedField(
        expression=PersonNameKey(), output_field=models.TextField(), db_persist=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = audit_history(excluded_fields=["name_key"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["last_name", "first_name", "middle_name", "id"]
        permissions = [
            ("merge_person", _("Can merge two records of one person and replace a person's IIN")),
        ]
        indexes = [
            # Name search (patients.selectors.person_search): trigrams of the folded full name.
            GinIndex(fields=["name_key"], opclasses=["gin_trgm_ops"], name="person_name_key_trgm"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["iin"], name="person_iin_unique"),
            models.CheckConstraint(name="person_iin_12_digits", condition=Q(iin__regex=r"^[0-9]{12}$")),
            models.CheckConstraint(
                name="person_death_after_birth",
                condition=Q(date_of_death__isnull=True) | Q(date_of_death__gte=models.F("birth_date")),
                violation_error_message=_("The date of death cannot be before the birth date."),
            ),
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        return " ".join(p for p in (self.last_name, self.first_name, self.middle_name) if p)

    @property
    def masked_name(self):
        """Surname initial and given name: what a public page may show."""
        return f"{self.first_name} {self.last_name[:1]}."

    @property
    def is_eaeu_citizen(self):
        return self.citizenship.code in EAEU_COUNTRIES if self.citizenship else False

    def age_on(self, on):
        return age_in_years(self.birth_date, on)

    def is_minor_on(self, on):
        """A child is a person under 18 (§2)."""
        return is_minor(self.birth_date, on)

    def died_before(self, on) -> bool:
        """Dead on the date: the day of death is the person's last day (attached, entitled), as
        `attachment/population.py` counts it."""
        return self.date_of_death is not None and self.date_of_death < on


class IdentityDocument(models.Model):
    class Kind(models.TextChoices):
        ID_CARD = "id_card", _("identity card of Kazakhstan")
        PASSPORT_KZ = "passport_kz", _("passport of Kazakhstan")
        BIRTH_CERTIFICATE = "birth_certificate", _("birth certificate")
        FOREIGN_PASSPORT = "foreign_passport", _("foreign passport")
        RESIDENCE_PERMIT = "residence_permit", _("residence permit of a foreigner")
        STATELESS_CERTIFICATE = "stateless_certificate", _("stateless person's certificate")
        REFUGEE_CERTIFICATE = "refugee_certificate", _("refugee certificate")
        KANDAS_CERTIFICATE = "kandas_certificate", _("kandas certificate")
        ASYLUM_CERTIFICATE = "asylum_certificate", _("asylum seeker's certificate")
        DIGITAL = "digital", _("electronic document (digital documents service)")

    person = models.ForeignKey(Person, models.CASCADE, related_name="documents", verbose_name=_("person"))
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices)
    number = models.CharField(_("number"), max_length=50)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    valid_until = models.DateField(_("valid until"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("identity document")
        verbose_name_plural = _("identity documents")
        ordering = ["-issued_on", "id"]
        constraints = [
            models.UniqueConstraint(fields=["kind", "number"], name="identitydocument_kind_number_unique"),
            models.CheckConstraint(
                name="identitydocument_valid_after_issue",
                condition=Q(valid_until__isnull=True)
                | Q(issued_on__isnull=True)
                | Q(valid_until__gte=models.F("issued_on")),
                violation_error_message=_("A document cannot expire before it is issued."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


class LegalRepresentative(models.Model):
    """Parents, adoptive parents, guardians, custodians, foster parents, patronage carers (§2)."""

    class Relationship(models.TextChoices):
        PARENT = "parent", _("parent")
        ADOPTIVE_PARENT = "adoptive_parent", _("adoptive parent")
        GUARDIAN = "guardian", _("guardian or custodian")
        FOSTER_PARENT = "foster_parent", _("foster parent")
        PATRONAGE_CARER = "patronage_carer", _("patronage carer")
        OTHER = "other", _("other representative by law")

    child = models.ForeignKey(Person, models.CASCADE, related_name="representatives", verbose_name=_("child"))
    representative = models.ForeignKey(
        Person, models.PROTECT, related_name="represented", verbose_name=_("representative")
    )
    relationship = models.CharField(_("relationship"), max_length=20, choices=Relationship.choices)
    document = models.ForeignKey(
        IdentityDocument,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("representative's identity document"),
    )
    authority_document = models.CharField(
        _("document proving the representation"),
        max_length=200,
        blank=True,
        help_text=_("Birth certificate, court decision, guardianship decision…"),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("legal representative")
        verbose_name_plural = _("legal representatives")
        constraints = [
            models.UniqueConstraint(fields=["child", "representative"], name="legalrepresentative_unique"),
            models.CheckConstraint(
                name="legalrepresentative_not_self", condition=~Q(child=models.F("representative"))
            ),
        ]

    def __str__(self):
        return f"{self.representative} ({self.get_relationship_display()})"


class FamilyLink(models.Model):
    class Relation(models.TextChoices):
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        OTHER = "other", _("other family member")

    person = models.ForeignKey(Person, models.CASCADE, related_name="family_links", verbose_name=_("person"))
    relative = models.ForeignKey(Person, models.CASCADE, related_name="+", verbose_name=_("relative"))
    relation = models.CharField(_("relation"), max_length=10, choices=Relation.choices)
    history = audit_history()

    class Meta:
        verbose_name = _("family link")
        verbose_name_plural = _("family links")
        constraints = [
            models.UniqueConstraint(fields=["person", "relative"], name="familylink_unique"),
            models.CheckConstraint(name="familylink_not_self", condition=~Q(person=models.F("relative"))),
        ]

    def __str__(self):
        return f"{self.person} – {self.relative}"


class ContingentFlag(models.Model):
    """A contingent with its supporting document (state service standard, row 8)."""

    class Kind(models.TextChoices):
        PENSIONER = "pensioner", _("pensioner")
        DISABILITY = "disability", _("person with disability")
        CHILD_DISABILITY = "child_disability", _("child with disability")
        CONVICT = "convict", _("convict serving a sentence")
        CONSCRIPT = "conscript", _("conscript")
        STUDENT_MINOR = "student_minor", _("student under 18")
        BORN_ABROAD = "born_abroad", _("child born abroad")
        CARE_HOME = "care_home", _("resident of a baby home, orphanage or home for the elderly")

    person = models.ForeignKey(Person, models.CASCADE, related_name="contingents", verbose_name=_("person"))
    kind = models.CharField(_("contingent"), max_length=20, choices=Kind.choices)
    document = models.CharField(_("supporting document"), max_length=300)
    valid_from = models.DateField(_("from"))
    valid_to = models.DateField(_("to"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("contingent")
        verbose_name_plural = _("contingents")
        constraints = [period_is_ordered("contingentflag_period_ordered")]

    def __str__(self):
        return f"{self.get_kind_display()}: {self.document}"


class Insurer(models.Model):
    """A licensed insurance organization (VMI/IMI)."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    bin = models.CharField(_("BIN"), max_length=12, blank=True, validators=[bin_validator])
    licence = models.CharField(_("licence"), max_length=100, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("insurer")
        verbose_name_plural = _("insurers")
        ordering = ["name"]

    def __str__(self):
        return self.name


class InsuranceContract(models.Model):
    class Kind(models.TextChoices):
        VMI = "vmi", _("voluntary medical insurance (VMI)")
        IMI = "imi", _("imposed medical insurance (IMI)")

    kind = models.CharField(_("kind"), max_length=3, choices=Kind.choices)
    insurer = models.ForeignKey(Insurer, models.PROTECT, related_name="contracts", verbose_name=_("insurer"))
    number = models.CharField(_("contract number"), max_length=50)
    holder_person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="held_contracts",
        verbose_name=_("holder (person)"),
    )
    holder_employer = models.CharField(_("holder (employer)"), max_length=200, blank=True)
    insured = models.ForeignKey(
        Person, models.PROTECT, related_name="contracts", verbose_name=_("insured person")
    )
    family_members = models.ManyToManyField(
        Person,
        blank=True,
        related_name="family_contracts",
        verbose_name=_("covered family members"),
    )
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"))
    organization = models.ForeignKey(
        "attachment.Organization",
        models.PROTECT,
        related_name="insurance_contracts",
        verbose_name=_("PHC organization named in the contract"),
    )
    programme = models.CharField(_("programme"), max_length=200, blank=True)
    history = audit_history(m2m_fields=[family_members])

    class Meta:
        verbose_name = _("VMI/IMI contract")
        verbose_name_plural = _("VMI/IMI contracts")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(fields=["insurer", "number"], name="insurancecontract_number_unique"),
            models.CheckConstraint(
                name="insurancecontract_period_ordered",
                condition=Q(valid_to__gte=models.F("valid_from")),
                violation_error_message=_("The contract cannot end before it starts."),
            ),
            models.CheckConstraint(
                name="insurancecontract_has_holder",
                condition=Q(holder_person__isnull=False) | ~Q(holder_employer=""),
                violation_error_message=_("A contract needs a holder: a person or an employer."),
            ),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.number}"


class InsuredStatusPeriod(models.Model):
    """CSHI (ОСМС) insured status: Fund data or entered, never derived from the category."""

    class Source(models.TextChoices):
        MANUAL = "manual", _("entered manually")
        IMPORT = "import", _("imported from the Fund")

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="insured_periods", verbose_name=_("person")
    )
    valid_from = models.DateField(_("insured from"))
    valid_to = models.DateField(_("insured to"), null=True, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices, default=Source.MANUAL)
    history = audit_history()

    class Meta:
        verbose_name = _("CSHI insured status period")
        verbose_name_plural = _("CSHI insured status periods")
        ordering = ["-valid_from"]
        constraints = [
            period_is_ordered("insuredstatusperiod_period_ordered"),
            no_overlap("insuredstatusperiod_no_overlap", "person"),
        ]

    def __str__(self):
        return f"{self.valid_from}–{self.valid_to or '…'}"


class RetiredIin(models.Model):
    """An IIN that no longer names a record of its own: merged into the surviving record of the same
    person (`person_merge`), or replaced by a new IIN (`person_replace_iin`, e.g. after an
    adoption). Search by it leads to the survivor. A merged record stays in the register, retired
    (`retired_person`, keeping its IIN, its history and who saw it); nothing else points to it.

    A retired IIN never names another person: unique here, and triggers of migration 0012 refuse
    a person's IIN that is retired (unless it is the retired record's own) and a retired IIN that
    a live person holds."""

    class Kind(models.TextChoices):
        MERGED = "merged", _("merged into another record")
        REPLACED = "replaced", _("replaced by a new IIN")

    # Unique through Meta.constraints (looked up whole only, like the person's IIN).
    iin = models.CharField(_("retired IIN"), max_length=12)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    survivor = models.ForeignKey(
        Person, models.PROTECT, related_name="retired_iins", verbose_name=_("surviving record")
    )
    survivor_iin = models.CharField(_("IIN that survived"), max_length=12)
    retired_person = models.OneToOneField(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="retirement",
        verbose_name=_("retired record"),
        help_text=_("Empty for a replaced IIN: the record itself lives on with its new IIN."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name=_("recorded by")
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    reason = models.CharField(_("reason"), max_length=300)
    history = audit_history()

    class Meta:
        verbose_name = _("retired IIN")
        verbose_name_plural = _("retired IINs")
        ordering = ["-recorded_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["iin"], name="retirediin_iin_unique"),
            models.CheckConstraint(name="retirediin_iin_12_digits", condition=Q(iin__regex=r"^[0-9]{12}$")),
            models.CheckConstraint(
                name="retirediin_kind_valid", condition=Q(kind__in=["merged", "replaced"])
            ),
            # A merge retires a record; a replacement retires only the number.
            models.CheckConstraint(
                name="retirediin_merged_has_record",
                condition=Q(kind="merged", retired_person__isnull=False)
                | Q(kind="replaced", retired_person__isnull=True),
            ),
            models.CheckConstraint(
                name="retirediin_not_into_itself",
                condition=~Q(retired_person=models.F("survivor")) & ~Q(iin=models.F("survivor_iin")),
            ),
            models.CheckConstraint(name="retirediin_reason_given", condition=~Q(reason="")),
        ]

    def __str__(self):
        return f"{self.iin} → {self.survivor_iin}"


class StaffProfile(models.Model):
    """The PHC organization a registrar or clinic head belongs to (access scoping)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, models.CASCADE, related_name="staff_profile")
    organization = models.ForeignKey(
        "attachment.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("PHC organization"),
    )
    history = audit_history()

    class Meta:
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return str(self.user)


class PersonAccessLog(models.Model):
    """Who saw which person's data, from where and when: written by `patients.access` on every
    person page, tab, file and admin page (one row each), for every person a search result or a
    list page shows (one row each), and once for every exported list (no person: its parameters
    and row count). Never edited (a database trigger refuses updates and deletions, migration
    0004). Read by auditors in the admin."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="person_accesses", verbose_name=_("user")
    )
    person = models.ForeignKey(
        Person,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="accesses",
        verbose_name=_("person"),
        help_text=_("Empty for an exported list."),
    )
    opened_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    view_name = models.CharField(_("page"), max_length=100)
    address = models.GenericIPAddressField(_("network address"), null=True, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True, encoder=DjangoJSONEncoder)
    row_count = models.PositiveIntegerField(_("rows exported"), null=True, blank=True)
    history = audit_history()

    class Meta:
        verbose_name = _("person access log entry")
        verbose_name_plural = _("person access log")
        ordering = ["-opened_at", "-id"]
        indexes = [
            models.Index(fields=["person", "-opened_at"], name="personaccess_person_idx"),
            models.Index(fields=["user", "-opened_at"], name="personaccess_user_idx"),
        ]
        constraints = [
            # A row is about one person, or about an exported list (with its row count).
            models.CheckConstraint(
                name="personaccesslog_person_or_list",
                condition=Q(person__isnull=False, row_count__isnull=True)
                | Q(person__isnull=True, row_count__isnull=False),
            ),
        ]

    def __str__(self):
        return f"{self.user} → {self.person_id or self.row_count} ({self.view_name})"
