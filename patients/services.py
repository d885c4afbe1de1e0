"""State changes of the person register: one function per change, each with its history entry."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .iin import parse_iin
from .models import Person, PersonAccessLog


def record_history(instance, *, user, reason: str) -> None:
    """Attach who and why to the history row that the next save or delete writes."""
    instance._history_user = user
    instance._change_reason = reason


def person_check_iin_facts(person: Person) -> None:
    """Birth date and sex must agree with what the IIN encodes."""
    try:
        facts = parse_iin(person.iin)
    except ValidationError as error:
        raise ValidationError({"iin": error.messages}) from None
    errors = {}
    if person.birth_date and person.birth_date != facts.birth_date:
        errors["birth_date"] = _("The birth date does not match the IIN (it encodes %(date)s).") % {
            "date": facts.birth_date.strftime("%d.%m.%Y")
        }
    if person.sex and person.sex != facts.sex:
        errors["sex"] = _("The sex does not match the IIN.")
    if errors:
        raise ValidationError(errors)


def _fill_from_iin(person: Person) -> None:
    try:
        facts = parse_iin(person.iin)
    except ValidationError:
        return
    person.birth_date = person.birth_date or facts.birth_date
    person.sex = person.sex or facts.sex


@transaction.atomic
def person_create(*, user, reason: str, **fields) -> Person:
    person = Person(**fields)
    _fill_from_iin(person)
    person.full_clean()
    person_check_iin_facts(person)
    record_history(person, user=user, reason=reason)
    person.save()
    return person


@transaction.atomic
def person_update(*, person: Person, user, reason: str, **fields) -> Person:
    # Lock the row: two registrars editing one person must not overwrite each other silently.
    locked = Person.objects.select_for_update(no_key=True).get(pk=person.pk)
    for name, value in fields.items():
        setattr(locked, name, value)
    _fill_from_iin(locked)
    locked.full_clean()
    person_check_iin_facts(locked)
    record_history(locked, user=user, reason=reason)
    locked.save()
    return locked


def save_with_history(instance, *, user, reason: str):
    """Validate and save a dependent record (document, representative, contract…) with history."""
    instance.full_clean()
    record_history(instance, user=user, reason=reason)
    instance.save()
    return instance


def delete_with_history(instance, *, user, reason: str) -> None:
    record_history(instance, user=user, reason=reason)
    instance.delete()


def person_access_record(*, user, person: Person, view_name: str) -> PersonAccessLog:
    """Write the access log entry for a page that shows a person's data (card, history, tabs)."""
    entry = PersonAccessLog(user=user, person=person, view_name=view_name)
    record_history(entry, user=user, reason=_("Person page opened"))
    entry.save()
    return entry
