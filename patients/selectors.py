"""Reads of the person register that need care."""

import datetime
import operator
from dataclasses import dataclass
from functools import reduce

from django.contrib.postgres.search import TrigramSimilarity, TrigramWordSimilarity
from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, Func, IntegerField, Q, QuerySet, TextField, Value, When
from django.db.models.functions import Concat

from .iin import is_valid_iin
from .models import IdentityDocument, InsuranceContract, InsuredStatusPeriod, Person, RetiredIin
from .names import NameFold, PersonNameKey

SEARCH_LIMIT = 50


def in_force_on(on: datetime.date, prefix: str = "") -> Q:
    """The one "in force on D" filter for rows with an inclusive valid_from/valid_to period."""
    return Q(**{f"{prefix}valid_from__lte": on}) & (
        Q(**{f"{prefix}valid_to__isnull": True}) | Q(**{f"{prefix}valid_to__gte": on})
    )


# How alike a typed word and a word of the name must be (pg_trgm word_similarity) to match:
# one wrong letter in an eight-letter surname gives 0.5.
NAME_SIMILARITY = 0.5
IIN_PREFIX_MIN = 6


class _Like(Func):
    """`lhs LIKE rhs` as a boolean (both folded: only A-Z, 0-9 and single spaces, no wildcards)."""

    arg_joiner = " LIKE "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def _name_words(name: str) -> list[str]:
    return [w for w in name.split() if any(c.isalnum() for c in w)][:4]


def person_search(
    *,
    iin: str = "",
    name: str = "",
    birth_date: datetime.date | None = None,
    birth_year: int | None = None,
    sex: str = "",
    limit: int = SEARCH_LIMIT,
) -> list[Person]:
    """Persons for the search page, best first, at most `limit`.

    `iin`: 12 digits find that person; 6 to 11 digits find the IINs that start with them (a
    range on the IIN's unique index), in IIN order. `name`: every word typed must match a word of
    the folded full name (`patients.names`: Kazakh and Russian letters, Cyrillic and Latin
    spellings alike) exactly or as its start (exact matches first); when no name does, the
    similar names are listed instead, most alike first (every word with a trigram word
    similarity of at least NAME_SIMILARITY to a word of the name, served by the same GIN index).
    `birth_date`, `birth_year` and `sex` narrow either search.

    Retired records (merged into another) are never listed: a whole IIN that a merge or a
    replacement retired finds its survivor instead, with `retired_as` (the `RetiredIin.Kind`) set
    on it (None on a person found by their own IIN, absent on the other searches' results)."""
    qs = persons_live().select_related("residence_atu")
    if birth_date:
        qs = qs.filter(birth_date=birth_date)
    if birth_year:
        qs = qs.filter(
            birth_date__gte=datetime.date(birth_year, 1, 1), birth_date__lte=datetime.date(birth_year, 12, 31)
        )
    if sex:
        qs = qs.filter(sex=sex)
    if iin:
        if len(iin) == 12:
            return list(
                qs.filter(iin=iin).annotate(retired_as=Value(None, output_field=TextField()))
            ) or list(qs.filter(retired_iins__iin=iin).annotate(retired_as=F("retired_iins__kind")))
        # IINs are 12 digits: those starting with the prefix lie between its two paddings.
        starting = qs.filter(iin__gte=iin.ljust(12, "0"), iin__lte=iin.ljust(12, "9"))
        return list(starting.order_by("iin")[:limit])
    words = _name_words(name)
    if not words:
        return []
    key = F("name_key")
    spaced = Concat(Value(" "), key, Value(" "), output_field=TextField())
    contains, exact, prefix, similar = [], [], [], []
    for word in words:
        folded = NameFold(Value(word))
        # `contains` is what the trigram index finds; `prefix` then keeps starts of words only.
        contains.append(Q(_Like(key, Concat(Value("%"), folded, Value("%"), output_field=TextField()))))
        exact.append(Q(_Like(spaced, Concat(Value("% "), folded, Value(" %"), output_field=TextField()))))
        prefix.append(Q(_Like(spaced, Concat(Value("% "), folded, Value("%"), output_field=TextField()))))
        similar.append(Q(name_key__trigram_word_similar=folded))
    qs = qs.annotate(likeness=TrigramWordSimilarity(NameFold(Value(" ".join(words))), key))
    names = ("last_name", "first_name", "middle_name", "id")
    # Exact and prefix matches: few candidates, served by the index. Only when there are none,
    # the similar names, most alike first: their search reads many more candidates (every name
    # sharing a few trigrams), and beside a name found as typed they would only be noise.
    found = list(
        qs.filter(*contains, *prefix)
        .annotate(
            match=Case(
                When(reduce(operator.and_, exact), then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("match", "-likeness", *names)[:limit]
    )
    if found:
        return found
    with transaction.atomic():
        with connection.cursor() as cursor:
            # For this transaction only (is_local): nothing else on the connection changes.
            cursor.execute(
                "SELECT set_config('pg_trgm.word_similarity_threshold', %s, true)", [str(NAME_SIMILARITY)]
            )
        return list(qs.filter(*similar).order_by("-likeness", *names)[:limit])


def persons_live() -> QuerySet[Person]:
    """Persons of the register, the records retired by a merge aside (they stay for their history)."""
    return Person.objects.filter(retirement__isnull=True)


def retired_iin_of(person: Person) -> RetiredIin | None:
    """The merge that retired this record, with its survivor, or None."""
    return RetiredIin.objects.filter(retired_person=person).select_related("survivor").first()


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


# Likely duplicates of a person about to be registered (the create page warns, the merge page
# offers them). How alike two folded full names must be (pg_trgm similarity over the whole name,
# word order aside) for the same birth date to make them a likely duplicate: a patronymic missing
# on one side, or a Kazakh letter typed as its Russian neighbour, stays above it.
DUPLICATE_NAME_SIMILARITY = 0.45
DUPLICATES_LIMIT = 20


class DuplicateSignal:
    """Why a record looks like the same person (codes; labels in `DUPLICATE_SIGNALS`)."""

    NAME_AND_BIRTH_DATE = "name_birth_date"
    DOCUMENT = "document"
    IIN_SWAPPED = "iin_swapped"


@dataclass(frozen=True)
class LikelyDuplicate:
    person: Person
    signals: tuple[str, ...]


def iin_adjacent_swaps(iin: str) -> list[str]:
    """The valid IINs that differ from `iin` by one pair of adjacent digits swapped (a typing slip
    the check digit does not always catch): at most 11 candidates, the invalid ones dropped."""
    if len(iin) != 12 or not iin.isascii() or not iin.isdigit():
        return []
    swaps = []
    for i in range(11):
        if iin[i] != iin[i + 1]:
            swapped = iin[:i] + iin[i + 1] + iin[i] + iin[i + 2 :]
            if is_valid_iin(swapped):
                swaps.append(swapped)
    return swaps


def likely_duplicates(
    *,
    iin: str = "",
    last_name: str = "",
    first_name: str = "",
    middle_name: str = "",
    birth_date: datetime.date | None = None,
    document_number: str = "",
    exclude_pk: int | None = None,
    limit: int = DUPLICATES_LIMIT,
) -> list[LikelyDuplicate]:
    """Records of the register that may be the same person: the same birth date and a similar
    folded full name (the trigram index on `name_key`), an identity document with the same number
    (of any kind: the kind is often picked wrong), or an IIN one adjacent-digit swap away from
    `iin`. Retired records are never offered (their survivor is). A constant number of queries,
    the persons with their residence: one per signal."""
    found: dict[int, tuple[Person, list[str]]] = {}

    def add(persons, signal):
        for person in persons:
            if person.pk != exclude_pk:
                found.setdefault(person.pk, (person, []))[1].append(signal)

    persons = persons_live().select_related("residence_atu")
    name = " ".join(p for p in (last_name, first_name, middle_name) if p and p.strip())
    if birth_date and name:
        key = PersonNameKey(Value(last_name or ""), Value(first_name or ""), Value(middle_name or ""))
        with transaction.atomic():
            with connection.cursor() as cursor:
                # For this transaction only (is_local): the `%` operator's threshold, so that the
                # trigram index finds the candidates.
                cursor.execute(
                    "SELECT set_config('pg_trgm.similarity_threshold', %s, true)",
                    [str(DUPLICATE_NAME_SIMILARITY)],
                )
            add(
                persons.filter(birth_date=birth_date, name_key__trigram_similar=key)
                .annotate(likeness=TrigramSimilarity("name_key", key))
                .order_by("-likeness", "pk")[:limit],
                DuplicateSignal.NAME_AND_BIRTH_DATE,
            )
    number = "".join(document_number.split()).upper() if document_number else ""
    if number:
        # Every kind named, so the (kind, number) unique index serves the lookup.
        kinds = [kind for kind, _label in IdentityDocument.Kind.choices]
        numbers = {document_number.strip(), number}
        add(
            persons.filter(
                pk__in=IdentityDocument.objects.filter(kind__in=kinds, number__in=numbers).values("person_id")
            )[:limit],
            DuplicateSignal.DOCUMENT,
        )
    swaps = iin_adjacent_swaps(iin)
    if swaps:
        add(persons.filter(iin__in=swaps), DuplicateSignal.IIN_SWAPPED)
    ranked = sorted(found.values(), key=lambda item: (-len(item[1]), item[0].full_name, item[0].pk))
    return [LikelyDuplicate(person, tuple(signals)) for person, signals in ranked[:limit]]
