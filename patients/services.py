"""State changes of the person register: one function per change, each with its history entry."""

import contextlib
import datetime
from dataclasses import dataclass

import psycopg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .iin import MESSAGES as IIN_MESSAGES
from .iin import IinWarning, fact_warnings, parse_iin, validate_iin
from .models import (
    ContingentFlag,
    FamilyLink,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    Insurer,
    LegalRepresentative,
    Person,
    PersonAccessLog,
    RetiredIin,
)


def record_history(instance, *, user, reason: str) -> None:
    """Attach who and why to the history row that the next save or delete writes."""
    instance._history_user = user
    instance._change_reason = reason


# How long a change of a person waits for the person's row lock. Registrars' changes hold it for
# a fraction of a second; a register import holds the rows of the persons in its file until it
# commits (a minute for a large file), and the registrar is told so instead of waiting for it.
PERSON_LOCK_TIMEOUT = "3s"
PERSON_IIN_UNIQUE = "person_iin_unique"  # the constraint's name (patients.models.Person)
PERSON_IIN_NOT_RETIRED = "person_iin_not_retired"  # the trigger's (migration 0012)


class PersonBusy(ValidationError):
    """The person's row stayed locked longer than PERSON_LOCK_TIMEOUT; nothing was written."""

    def __init__(self):
        super().__init__(
            _("This person is being updated by a register import; try again in a minute."), code="person_busy"
        )


@contextlib.contextmanager
def _waiting_for_a_person():
    """Run the block in a savepoint that waits at most PERSON_LOCK_TIMEOUT for another
    transaction's lock (a row lock, or the unique IIN of a person being inserted); raise PersonBusy
    when it runs out. The caller's transaction stays usable and its lock timeout unchanged."""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "SELECT current_setting('lock_timeout'), set_config('lock_timeout', %s, true)",
                [PERSON_LOCK_TIMEOUT],
            )
            previous = cursor.fetchone()[0]
            yield
            cursor.execute("SELECT set_config('lock_timeout', %s, true)", [previous])
    except OperationalError as error:
        if isinstance(error.__cause__, psycopg.errors.LockNotAvailable):
            raise PersonBusy from None
        raise


def persons_lock(persons: QuerySet[Person]) -> list[Person]:
    """Lock the persons (`FOR NO KEY UPDATE`, in id order) for the rest of the caller's transaction:
    every change of a person's data or attachments starts here, so two changes of one person run
    one after the other. Waits at most PERSON_LOCK_TIMEOUT, then raises PersonBusy (nothing
    written)."""
    if not connection.in_atomic_block:
        raise TransactionManagementError("persons_lock() needs the caller's transaction.")
    with _waiting_for_a_person():
        return list(persons.select_for_update(no_key=True).order_by("pk"))


def person_lock(pk: int) -> Person:
    """persons_lock() of one person, who must exist."""
    locked = persons_lock(Person.objects.filter(pk=pk))
    if not locked:
        raise Person.DoesNotExist(pk)
    return locked[0]


class IinFactsUnconfirmed(ValidationError):
    """The birth date or sex differs from what the IIN encodes (or the IIN encodes none), and the
    registrar has not confirmed the data with a reason: nothing was written. `warnings` says what
    differs (`patients.iin.fact_warnings`)."""

    def __init__(self, warnings: list[IinWarning]):
        self.warnings = warnings
        super().__init__(
            [w.message for w in warnings]
            + [_("Check the identity document; if the data are right, confirm them and give the reason.")],
            code="iin_facts_unconfirmed",
        )


def person_check_iin_facts(person: Person, *, before: Person | None, confirmed: bool, reason: str) -> str:
    """Since the rules of 26.08.2013 an IIN's digits are not bound to personal data (the Ministry
    of Justice, 05.04.2019): a birth date or sex that differs from what the IIN encodes, or an IIN
    that encodes none, is a warning the registrar confirms with a reason, never a refusal of the
    person. Return the history note of the confirmation ("" when nothing differs, or when the IIN,
    birth date and sex are those already recorded, `before`: confirmed then, or imported as the
    register has them); raise IinFactsUnconfirmed without the confirmation and its reason."""
    identity = (person.iin, person.birth_date, person.sex)
    if before is not None and identity == (before.iin, before.birth_date, before.sex):
        return ""
    warnings = fact_warnings(person.iin, birth_date=person.birth_date, sex=person.sex)
    if not warnings:
        return ""
    reason = (reason or "").strip()
    if not confirmed or not reason:
        raise IinFactsUnconfirmed(warnings)
    return _("Data differing from the IIN confirmed (%(warnings)s): %(reason)s") % {
        "warnings": " ".join(w.message for w in warnings),
        "reason": reason,
    }


def _fill_from_iin(person: Person) -> None:
    """The birth date and sex the IIN encodes, where none was entered; where it encodes none, they
    must be entered."""
    try:
        facts = parse_iin(person.iin)
    except ValidationError:
        return  # full_clean() says what is wrong with the IIN
    person.birth_date = person.birth_date or facts.birth_date
    person.sex = person.sex or facts.sex or ""
    errors = {}
    if person.birth_date is None:
        errors["birth_date"] = IIN_MESSAGES["iin_no_birth_date"]
    if not person.sex:
        errors["sex"] = IIN_MESSAGES["iin_no_sex"]
    if errors:
        raise ValidationError(errors)


def _with_note(reason: str, note: str) -> str:
    """The history reason with the note of a confirmation after it."""
    return f"{reason.rstrip('. ')}. {note}" if note else reason


def _retired_iin_error(iin: str) -> ValidationError | None:
    """The refusal of an IIN that a merge or a replacement retired (it leads to its survivor)."""
    link = RetiredIin.objects.filter(iin=iin).select_related("survivor").first()
    if link is None:
        return None
    if link.kind == RetiredIin.Kind.MERGED:
        message = _("The IIN %(iin)s was merged into %(survivor)s; it names no other person.")
    else:
        message = _("The IIN %(iin)s was replaced by %(survivor)s; it names no other person.")
    return ValidationError({"iin": message % {"iin": iin, "survivor": link.survivor.iin}}, code="iin_retired")


def _save_person_iin(person: Person, *, update_fields=None) -> None:
    """Save the person, whose IIN is new to the row: the same IIN inserted meanwhile (by another
    registrar, or a register import that has not committed yet) is waited for briefly, then
    refused; an IIN retired meanwhile is refused by the database (migration 0012)."""
    try:
        with _waiting_for_a_person():
            person.save(update_fields=update_fields)
    except IntegrityError as error:
        constraint = getattr(error.__cause__.diag, "constraint_name", None)
        if constraint == PERSON_IIN_NOT_RETIRED:
            raise _retired_iin_error(person.iin) or error from None
        if constraint != PERSON_IIN_UNIQUE:
            raise
        raise ValidationError({"iin": _("A person with this IIN is already in the register.")}) from None


@transaction.atomic
def person_create(
    *, user, reason: str, iin_mismatch_confirmed: bool = False, iin_mismatch_reason: str = "", **fields
) -> Person:
    """Register a person. A birth date or sex that differs from what the IIN encodes is saved only
    when `iin_mismatch_confirmed` with `iin_mismatch_reason` (both go into the history row)."""
    person = Person(**fields)
    _fill_from_iin(person)
    person.full_clean()
    note = person_check_iin_facts(
        person, before=None, confirmed=iin_mismatch_confirmed, reason=iin_mismatch_reason
    )
    if retired := _retired_iin_error(person.iin):
        raise retired
    record_history(person, user=user, reason=_with_note(reason, note))
    _save_person_iin(person)
    return person


@transaction.atomic
def person_update(
    *,
    person: Person,
    user,
    reason: str,
    iin_mismatch_confirmed: bool = False,
    iin_mismatch_reason: str = "",
    **fields,
) -> Person:
    """Change a person's data. A new IIN, birth date or sex that differs from what the IIN encodes
    is saved only when confirmed with a reason, as in `person_create`; data recorded so already
    are not asked about again when other fields change."""
    # Lock the row: two registrars editing one person must not overwrite each other silently.
    locked = person_lock(person.pk)
    before = Person(iin=locked.iin, birth_date=locked.birth_date, sex=locked.sex)
    for name, value in fields.items():
        setattr(locked, name, value)
    _fill_from_iin(locked)
    locked.full_clean()
    note = person_check_iin_facts(
        locked, before=before, confirmed=iin_mismatch_confirmed, reason=iin_mismatch_reason
    )
    if hasattr(locked, "retirement"):
        raise ValidationError(_("This record was merged into another one and is kept unchanged."))
    record_history(locked, user=user, reason=_with_note(reason, note))
    _save_person_iin(locked)
    return locked


def _record_save(record, *, user, reason: str):
    record.full_clean()
    record_history(record, user=user, reason=reason)
    record.save()
    return record


def _record_add(record, *, person: Person, user, reason: str):
    """Save a new record of the person: the person's row lock first (the one lock order), then
    validation and the record with its history row. The attach service reads these records after
    locking the person, so a record added meanwhile waits for it and never changes what it decided
    on; two records that may not overlap (insured periods) are checked one after the other."""
    person_lock(person.pk)
    return _record_save(record, user=user, reason=reason)


@transaction.atomic(durable=True)
def document_create(
    *,
    person: Person,
    user,
    reason: str,
    kind: str,
    number: str,
    issued_by: str = "",
    issued_on: datetime.date | None = None,
    valid_until: datetime.date | None = None,
) -> IdentityDocument:
    document = IdentityDocument(
        person=person,
        kind=kind,
        number=number,
        issued_by=issued_by,
        issued_on=issued_on,
        valid_until=valid_until,
    )
    return _record_add(document, person=person, user=user, reason=reason)


@dataclass(frozen=True)
class NewDocument:
    """An identity document recorded together with another record (the representative's)."""

    kind: str
    number: str
    issued_on: datetime.date | None = None


# What editing a representation needs besides the user's organization (patients.access).
CHANGE_REPRESENTATIVE = ("patients.change_legalrepresentative",)
ADD_DOCUMENT = "patients.add_identitydocument"


def _representation_lock(*, child_id: int, representative_id: int) -> None:
    """The child and the representative, in the one lock order (persons_lock: by id), so that two
    changes naming the same two persons from either side never wait for each other in a circle."""
    persons_lock(Person.objects.filter(pk__in=[child_id, representative_id]))


def _representative_document(
    *,
    representative: Person,
    user,
    reason: str,
    document: IdentityDocument | None,
    new_document: NewDocument | None,
) -> IdentityDocument | None:
    """The document the representation names: one of the representative's own, or the new one
    recorded for them now (both persons locked by the caller), with its history row."""
    if new_document is None:
        if document is not None and document.person_id != representative.pk:
            raise ValidationError({"document": _("This document belongs to someone else.")})
        return document
    if document is not None:
        raise ValidationError(
            {"document": _("Choose one of the recorded documents or enter a new one, not both.")}
        )
    record = IdentityDocument(
        person=representative,
        kind=new_document.kind,
        number=new_document.number,
        issued_on=new_document.issued_on,
    )
    try:
        return _record_add(record, person=representative, user=user, reason=reason)
    except ValidationError as error:
        # The new document's own fields are not the representation's: one message for the form.
        raise ValidationError(
            _("The representative's new document was not recorded: %(error)s")
            % {"error": " ".join(error.messages)},
            code="new_document",
        ) from None


@transaction.atomic(durable=True)
def representative_create(
    *,
    child: Person,
    user,
    reason: str,
    representative: Person,
    relationship: str,
    document: IdentityDocument | None = None,
    new_document: NewDocument | None = None,
    authority_document: str = "",
) -> LegalRepresentative:
    """A legal representative of the child, naming one of the representative's identity documents
    or a new one recorded for them here (the child and the representative locked, by id)."""
    _representation_lock(child_id=child.pk, representative_id=representative.pk)
    link = LegalRepresentative(
        child=child,
        representative=representative,
        relationship=relationship,
        authority_document=authority_document,
    )
    link.full_clean(exclude=["document"])  # a duplicate or self-representation records no document
    link.document = _representative_document(
        representative=representative, user=user, reason=reason, document=document, new_document=new_document
    )
    return _record_add(link, person=child, user=user, reason=reason)


@transaction.atomic(durable=True)
def representative_update(
    *,
    link: LegalRepresentative,
    user,
    reason: str,
    relationship: str,
    document: IdentityDocument | None = None,
    new_document: NewDocument | None = None,
    authority_document: str = "",
    on: datetime.date,
) -> LegalRepresentative:
    """Correct a legal representation: the relationship, the document proving it and the
    representative's identity document (one of theirs, or a new one recorded for them here). Both
    persons are locked first (by id), then the representation; only staff of an organization the
    child is attached to on `on` or later, a rules administrator, or anyone when the child is
    attached nowhere (`patients.access.may_change_for_person`)."""
    from .access import may_change_for_person  # access writes the access log through this module

    _representation_lock(child_id=link.child_id, representative_id=link.representative_id)
    try:
        locked = (
            LegalRepresentative.objects.select_for_update(no_key=True, of=("self",))
            .select_related("child", "representative")
            .get(pk=link.pk)
        )
    except LegalRepresentative.DoesNotExist:
        raise ValidationError(_("This legal representative has been removed meanwhile.")) from None
    perms = CHANGE_REPRESENTATIVE + ((ADD_DOCUMENT,) if new_document else ())
    if not may_change_for_person(user, locked.child, on=on, perms=perms):
        raise PermissionDenied(_("You may not change the legal representatives of this person."))
    locked.relationship = relationship
    locked.authority_document = authority_document
    locked.full_clean(exclude=["document"])
    locked.document = _representative_document(
        representative=locked.representative,
        user=user,
        reason=reason,
        document=document,
        new_document=new_document,
    )
    locked.full_clean()
    record_history(locked, user=user, reason=reason)
    locked.save()
    return locked


@transaction.atomic(durable=True)
def family_link_create(*, person: Person, user, reason: str, relative: Person, relation: str) -> FamilyLink:
    link = FamilyLink(person=person, relative=relative, relation=relation)
    return _record_add(link, person=person, user=user, reason=reason)


@transaction.atomic(durable=True)
def contingent_create(
    *,
    person: Person,
    user,
    reason: str,
    kind: str,
    document: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
) -> ContingentFlag:
    flag = ContingentFlag(
        person=person, kind=kind, document=document, valid_from=valid_from, valid_to=valid_to
    )
    return _record_add(flag, person=person, user=user, reason=reason)


@transaction.atomic(durable=True)
def insured_period_create(
    *,
    person: Person,
    user,
    reason: str,
    valid_from: datetime.date,
    valid_to: datetime.date | None = None,
    source: str = InsuredStatusPeriod.Source.MANUAL,
) -> InsuredStatusPeriod:
    period = InsuredStatusPeriod(person=person, valid_from=valid_from, valid_to=valid_to, source=source)
    return _record_add(period, person=person, user=user, reason=reason)


@transaction.atomic(durable=True)
def contract_create(
    *,
    insured: Person,
    user,
    reason: str,
    kind: str,
    insurer: Insurer,
    number: str,
    valid_from: datetime.date,
    valid_to: datetime.date,
    organization,  # attachment.Organization (this app imports no other)
    holder_employer: str = "",
    programme: str = "",
) -> InsuranceContract:
    """A VMI/IMI contract of the insured person, held by an employer when one is named, else by
    the insured person."""
    contract = InsuranceContract(
        insured=insured,
        kind=kind,
        insurer=insurer,
        number=number,
        valid_from=valid_from,
        valid_to=valid_to,
        organization=organization,
        holder_employer=holder_employer,
        holder_person=None if holder_employer else insured,
        programme=programme,
    )
    return _record_add(contract, person=insured, user=user, reason=reason)


def delete_with_history(instance, *, user, reason: str) -> None:
    record_history(instance, user=user, reason=reason)
    instance.delete()


def person_access_record(
    *, user, person: Person, view_name: str, address: str | None = None, params: dict | None = None
) -> PersonAccessLog:
    """Write the access-log entry of a page that shows one person's data (`patients.access`)."""
    entry = PersonAccessLog(
        user=user, person=person, view_name=view_name, address=address, params=params or {}
    )
    record_history(entry, user=user, reason=_("Person page opened"))
    entry.save()
    return entry


def persons_listed_record(
    *, user, persons: list[Person], view_name: str, address: str | None = None, params: dict | None = None
) -> list[PersonAccessLog]:
    """One access-log entry for each person a search result or a list page shows."""
    entries = [
        PersonAccessLog(user=user, person=person, view_name=view_name, address=address, params=params or {})
        for person in persons
    ]
    return bulk_create_with_history(
        entries, PersonAccessLog, default_user=user, default_change_reason=_("Persons listed")
    )


def list_export_record(
    *, user, view_name: str, row_count: int, address: str | None = None, params: dict | None = None
) -> PersonAccessLog:
    """One access-log entry for an exported list: its parameters and how many rows it had."""
    entry = PersonAccessLog(
        user=user, view_name=view_name, address=address, params=params or {}, row_count=row_count
    )
    record_history(entry, user=user, reason=_("List exported"))
    entry.save()
    return entry


# Merging two records of one person and replacing an IIN (the register keeper's corrections).
#
# What a merge does with each reference to the retired record, for every foreign key to a person
# in every app (tests/patients/test_merge.py fails when one is missing here): MOVE to the surviving
# record, each row with its history row; KEEP with the retired record, which stays in the register
# for them (the access log is append-only; a reconciliation row records what was compared).
MOVE, KEEP = "move", "keep"
MERGE_REFERENCES = {
    "patients.IdentityDocument.person": MOVE,
    "patients.LegalRepresentative.child": MOVE,
    "patients.LegalRepresentative.representative": MOVE,
    "patients.FamilyLink.person": MOVE,
    "patients.FamilyLink.relative": MOVE,
    "patients.ContingentFlag.person": MOVE,
    "patients.InsuranceContract.holder_person": MOVE,
    "patients.InsuranceContract.insured": MOVE,
    "patients.InsuranceContract.family_members": MOVE,
    "patients.InsuredStatusPeriod.person": MOVE,
    "patients.RetiredIin.survivor": MOVE,  # IINs retired into the retired record lead on
    "patients.RetiredIin.retired_person": KEEP,
    "patients.PersonAccessLog.person": KEEP,
    "attachment.Attachment.person": MOVE,
    "attachment.Application.person": MOVE,
    "attachment.Application.applicant": MOVE,
    "attachment.Refusal.person": MOVE,
    "attachment.ReconciliationRow.person": KEEP,
    "coverage.ServiceUsage.person": MOVE,
}
# Links between two persons, unique per pair and never to oneself: a link the survivor already has,
# or one that would join the survivor to themself, is deleted (with its history row) instead.
PERSON_PAIRS = {
    "patients.LegalRepresentative": ("child", "representative"),
    "patients.FamilyLink": ("person", "relative"),
}
# Dated rows of which a person has one on any date (exclusion constraints): checked before a merge.
ONE_PER_DATE = ("attachment.Attachment.person", "patients.InsuredStatusPeriod.person")


def person_references() -> dict[str, models.Field]:
    """Every foreign key and many-to-many field of a model of the project to Person, by
    "app.Model.field" (historical tables and the auto-created many-to-many tables aside)."""
    references = {}
    for relation in Person._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and not relation.concrete and relation.is_relation):
            continue
        field = relation.field
        model = field.model
        if model._meta.auto_created or hasattr(model, "instance_type"):  # m2m tables, history
            continue
        references[f"{model._meta.label}.{field.name}"] = field
    return references


def _rows_of(field, person: Person) -> QuerySet:
    return field.model._default_manager.filter(**{field.name: person.pk}).order_by("pk")


def _merge_neighbours(survivor: Person, retired: Person) -> set[int]:
    """The other persons whose records a merge of the two changes: the owners (the person each
    service locks) of the rows that name the retired record as the second person of a pair, as a
    contract's family member or holder, or as an application's applicant."""
    owners = {
        "patients.LegalRepresentative.representative": "child_id",
        "patients.FamilyLink.relative": "person_id",
        "patients.InsuranceContract.holder_person": "insured_id",
        "patients.InsuranceContract.family_members": "insured_id",
        "attachment.Application.applicant": "person_id",
    }
    references = person_references()
    ids: set[int] = set()
    for label, owner in owners.items():
        ids.update(_rows_of(references[label], retired).values_list(owner, flat=True))
    return ids - {survivor.pk, retired.pk}


def _period_text(row) -> str:
    end = row.valid_to.strftime("%d.%m.%Y") if row.valid_to else "…"
    return f"{row.valid_from:%d.%m.%Y}–{end}"


def _overlaps(a, b) -> bool:
    """Inclusive periods, an empty end open (the exclusion constraints' daterange '[]')."""
    return (a.valid_to is None or b.valid_from <= a.valid_to) and (
        b.valid_to is None or a.valid_from <= b.valid_to
    )


@dataclass
class MergePlan:
    """What a merge of `retired` into `survivor` would move, or why it is refused."""

    survivor: Person
    retired: Person
    moves: dict[str, int]  # "app.Model.field" -> rows moved
    drops: list  # rows deleted instead: a link or period the survivor already has
    refusals: list[str]


def person_merge_plan(*, survivor: Person, retired: Person) -> MergePlan:
    """The rows a merge would move and the reasons it would be refused (the confirmation page shows
    it; `person_merge` computes it again under the locks). A constant number of queries."""
    refusals = []
    if survivor.pk == retired.pk:
        refusals.append(_("A record cannot be merged into itself."))
    for person in (survivor, retired):
        if RetiredIin.objects.filter(retired_person=person).exists():
            refusals.append(
                _("The record with the IIN %(iin)s was merged into another one already.")
                % {"iin": person.iin}
            )
    if survivor.date_of_death != retired.date_of_death:
        refusals.append(
            _(
                "The two records do not agree on the death (%(survivor)s and %(retired)s): record or "
                "correct the death on one of them first, so that both say the same."
            )
            % {
                "survivor": survivor.date_of_death.strftime("%d.%m.%Y")
                if survivor.date_of_death
                else _("alive"),
                "retired": retired.date_of_death.strftime("%d.%m.%Y")
                if retired.date_of_death
                else _("alive"),
            }
        )
    references = person_references()
    drops = []
    for label in ONE_PER_DATE:
        field = references[label]
        theirs = list(_rows_of(field, survivor))
        for row in _rows_of(field, retired):
            twin = next(
                (o for o in theirs if (o.valid_from, o.valid_to) == (row.valid_from, row.valid_to)), None
            )
            if twin is not None and label != "attachment.Attachment.person":
                drops.append(row)  # the same insured period, recorded twice
                continue
            for other in theirs:
                if _overlaps(row, other):
                    refusals.append(_overlap_reason(label, row, other))
    for model_label, (first, second) in PERSON_PAIRS.items():
        model = references[f"{model_label}.{first}"].model
        for row in model._default_manager.filter(Q(**{first: retired.pk}) | Q(**{second: retired.pk})):
            pair = [getattr(row, f"{first}_id"), getattr(row, f"{second}_id")]
            pair = [survivor.pk if pk == retired.pk else pk for pk in pair]
            existing = model._default_manager.filter(**{first: pair[0], second: pair[1]}).exclude(pk=row.pk)
            if pair[0] == pair[1] or existing.exists():
                drops.append(row)
    dropped = {(type(row), row.pk) for row in drops}
    moves = {}
    for label, field in references.items():
        if MERGE_REFERENCES.get(label) != MOVE:
            continue
        count = sum(1 for row in _rows_of(field, retired) if (type(row), row.pk) not in dropped)
        if count:
            moves[label] = count
    return MergePlan(survivor, retired, moves, drops, refusals)


def _overlap_reason(label: str, row, other) -> str:
    if label == "attachment.Attachment.person":
        return _(
            "The attachments overlap: %(retired)s (%(retired_org)s) of the retired record and %(survivor)s "
            "(%(survivor_org)s) of the surviving one. A person is attached to one organization on any "
            "date: end or cancel one of them first."
        ) % {
            "retired": _period_text(row),
            "retired_org": row.organization,
            "survivor": _period_text(other),
            "survivor_org": other.organization,
        }
    return _(
        "The insured periods overlap: %(retired)s of the retired record and %(survivor)s of the "
        "surviving one. Correct one of them first."
    ) % {"retired": _period_text(row), "survivor": _period_text(other)}


@transaction.atomic(durable=True)
def person_merge(*, survivor: Person, retired: Person, user, reason: str) -> RetiredIin:
    """Merge two records of one person: every record of `retired` moves to `survivor` (documents,
    representatives both ways, family links, contingents, contracts, insured periods, attachments
    with their coupons, applications, refusals, service usage, IINs retired into it), each with a
    history row "Merge into <IIN>"; a link or insured period the survivor already has is deleted
    instead. The retired record stays in the register, unchanged and retired (its IIN, history
    and access log), and its IIN leads to the survivor (`RetiredIin`).

    Refused, nothing written, when the attachments (or insured periods) of the two overlap on a
    date, when they disagree on the death, or when either record is retired already: checked under
    the locks, so the exclusion constraints are never what refuses.

    Locks: the two persons and every person whose records change (the child a retired
    representative represents, the insured of a contract naming them…), in one `persons_lock`
    (id order), then the rows moved."""
    if not (reason or "").strip():
        raise ValidationError(_("Say why the records are merged."), code="reason_required")
    neighbours = _merge_neighbours(survivor, retired)
    locked = {
        p.pk: p for p in persons_lock(Person.objects.filter(pk__in={survivor.pk, retired.pk, *neighbours}))
    }
    if survivor.pk not in locked or retired.pk not in locked:
        raise Person.DoesNotExist
    survivor, retired = locked[survivor.pk], locked[retired.pk]
    if not _merge_neighbours(survivor, retired) <= set(locked):
        raise PersonBusy  # a record naming the retired one was added meanwhile: try again
    plan = person_merge_plan(survivor=survivor, retired=retired)
    if plan.refusals:
        raise ValidationError(plan.refusals, code="merge_refused")
    label = _("Merge into %(iin)s: %(reason)s") % {"iin": survivor.iin, "reason": reason}
    for row in plan.drops:
        delete_with_history(row, user=user, reason=label)
    for name, field in person_references().items():
        if MERGE_REFERENCES[name] != MOVE:
            continue
        rows = _rows_of(field, retired).select_for_update(no_key=True, of=("self",))
        for row in rows:
            record_history(row, user=user, reason=label)
            if field.many_to_many:
                getattr(row, field.name).remove(retired)
                if not getattr(row, field.name).filter(pk=survivor.pk).exists():
                    getattr(row, field.name).add(survivor)
                row.save()
            else:
                setattr(row, field.attname, survivor.pk)
                row.save(update_fields=[field.attname])
    link = RetiredIin(
        iin=retired.iin,
        kind=RetiredIin.Kind.MERGED,
        survivor=survivor,
        survivor_iin=survivor.iin,
        retired_person=retired,
        user=user,
        reason=reason,
    )
    _record_save(link, user=user, reason=label)
    record_history(retired, user=user, reason=label)
    retired.save(update_fields=["updated_at"])
    return link


@transaction.atomic(durable=True)
def person_replace_iin(*, person: Person, new_iin: str, user, reason: str) -> RetiredIin:
    """The person's IIN replaced by a new one (a new IIN is issued after an adoption, for example):
    the record keeps everything, and the old IIN is kept as retired, leading to it. The new IIN's
    check digit is checked; what its digits encode is not (since 2013 they are not bound to the
    person's data). Under the person's lock."""
    if not (reason or "").strip():
        raise ValidationError(_("Say why the IIN is replaced."), code="reason_required")
    locked = person_lock(person.pk)
    new_iin = "".join((new_iin or "").split())
    try:
        validate_iin(new_iin)
    except ValidationError as error:
        raise ValidationError({"new_iin": error.messages}) from None
    if RetiredIin.objects.filter(retired_person=locked).exists():
        raise ValidationError(_("This record was merged into another one and is kept unchanged."))
    if new_iin == locked.iin:
        raise ValidationError({"new_iin": _("This is the person's IIN already.")})
    if retired := _retired_iin_error(new_iin):
        raise ValidationError({"new_iin": retired.message_dict["iin"]})
    if Person.objects.filter(iin=new_iin).exists():
        raise ValidationError(
            {
                "new_iin": _(
                    "A person with this IIN is already in the register: merge the two records instead."
                )
            }
        )
    old_iin = locked.iin
    locked.iin = new_iin
    record_history(
        locked,
        user=user,
        reason=_("IIN %(old)s replaced by %(new)s: %(reason)s")
        % {
            "old": old_iin,
            "new": new_iin,
            "reason": reason,
        },
    )
    try:
        _save_person_iin(locked, update_fields=["iin", "updated_at"])
    except ValidationError as error:
        raise ValidationError({"new_iin": error.message_dict.get("iin", error.messages)}) from None
    link = RetiredIin(
        iin=old_iin,
        kind=RetiredIin.Kind.REPLACED,
        survivor=locked,
        survivor_iin=new_iin,
        user=user,
        reason=reason,
    )
    return _record_save(link, user=user, reason=reason)
