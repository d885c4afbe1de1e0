"""State changes of the person register: one function per change, each with its history entry."""

import contextlib
import datetime
from dataclasses import dataclass

import psycopg
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import QuerySet
from django.db.transaction import TransactionManagementError
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from .iin import MESSAGES as IIN_MESSAGES
from .iin import IinWarning, fact_warnings, parse_iin
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
    record_history(person, user=user, reason=_with_note(reason, note))
    try:
        # The same IIN inserted meanwhile (by another registrar, or a register import that has
        # not committed yet): wait briefly, then say so.
        with _waiting_for_a_person():
            person.save()
    except IntegrityError as error:
        if getattr(error.__cause__.diag, "constraint_name", None) != PERSON_IIN_UNIQUE:
            raise
        raise ValidationError({"iin": _("A person with this IIN is already in the register.")}) from None
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
    record_history(locked, user=user, reason=_with_note(reason, note))
    locked.save()
    return locked


def _record_add(record, *, person: Person, user, reason: str):
    """Save a new record of the person: the person's row lock first (the one lock order), then
    validation and the record with its history row. The attach service reads these records after
    locking the person, so a record added meanwhile waits for it and never changes what it decided
    on; two records that may not overlap (insured periods) are checked one after the other."""
    person_lock(person.pk)
    record.full_clean()
    record_history(record, user=user, reason=reason)
    record.save()
    return record


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
