"""Reads of the person register that need care."""

import datetime

from django.db.models import Q, QuerySet
from django.db.models.functions import Upper

from .models import InsuranceContract, InsuredStatusPeriod, Person

SEARCH_LIMIT = 50


def in_force_on(on: datetime.date, prefix: str = "") -> Q:
    """The one "in force on D" filter for rows with an inclusive valid_from/valid_to period."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


def person_search(*, iin: str = "", name: str = "") -> QuerySet[Person]:
    """IIN search is exact; name search is case-insensitive (Cyrillic and Kazakh letters fold
    under the database's C.UTF-8 collation) and matches the start of each given word."""
    qs = Person.objects.select_related("residence_atu")
    if iin:
        return qs.filter(iin=iin)
    words = [w for w in name.split() if w][:3]
    if not words:
        return qs.none()
    qs = qs.annotate(
        last_upper=Upper("last_name"),
        first_upper=Upper("first_name"),
        middle_upper=Upper("middle_name"),
    )
    for word in words:
        w = word.upper()
        qs = qs.filter(
            Q(last_upper__startswith=w) | Q(first_upper__startswith=w) | Q(middle_upper__startswith=w)
        )
    return qs


def insured_on(*, person: Person, on: datetime.date) -> bool:
    return InsuredStatusPeriod.objects.filter(in_force_on(on), person=person).exists()


def contracts_valid_on(*, person: Person, on: datetime.date) -> QuerySet[InsuranceContract]:
    """VMI/IMI contracts covering the person (as insured or family member) on the date."""
    return (
        InsuranceContract.objects.filter(Q(insured=person) | Q(family_members=person))
        .filter(in_force_on(on))
        .select_related("insurer", "organization")
        .distinct()
    )
