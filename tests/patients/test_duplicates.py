"""Likely duplicates on the create page (issue 20 item 3): the same birth date with a similar
name, the same document number, the same IIN typed with two adjacent digits swapped."""

import datetime

import pytest
from django.urls import reverse

from patients.iin import make_iin
from patients.models import IdentityDocument, Person, PersonAccessLog
from patients.selectors import DuplicateSignal, iin_adjacent_swaps, likely_duplicates

from ..factories import DocumentFactory, PersonFactory

pytestmark = pytest.mark.django_db

BORN = datetime.date(1990, 11, 23)


def swapped_pair() -> tuple[str, str]:
    """Two valid IINs one adjacent-digit swap apart."""
    for serial in range(1, 10000):
        iin = make_iin(BORN, "F", serial)
        if iin and iin_adjacent_swaps(iin):
            return iin, iin_adjacent_swaps(iin)[0]
    raise AssertionError("no swappable IIN")


def test_the_swaps_of_an_iin_are_valid_iins_one_adjacent_swap_away():
    iin, other = swapped_pair()
    assert other != iin and sorted(other) == sorted(iin)
    assert sum(a != b for a, b in zip(iin, other, strict=True)) == 2
    for candidate in iin_adjacent_swaps(iin):
        assert len(candidate) == 12
    assert iin_adjacent_swaps("not an iin") == []
    assert iin_adjacent_swaps("111111111111") == []  # nothing to swap


def test_same_birth_date_and_a_similar_name_in_kazakh_or_russian_letters():
    existing = PersonFactory(last_name="Жумабаева", first_name="Асель", middle_name="Каримовна", sex="F")
    PersonFactory(last_name="Жумабаева", first_name="Асель", born=datetime.date(1991, 1, 1), sex="F")
    PersonFactory(last_name="Иванов", first_name="Пётр", sex="M")
    found = likely_duplicates(last_name="Жұмабаева", first_name="Әсел", birth_date=BORN)
    assert [(d.person, d.signals) for d in found] == [(existing, (DuplicateSignal.NAME_AND_BIRTH_DATE,))]
    assert (
        likely_duplicates(last_name="Жумабаева", first_name="Асель", birth_date=datetime.date(1990, 1, 1))
        == []
    )


def test_the_same_document_number_whatever_its_kind():
    document = DocumentFactory(kind=IdentityDocument.Kind.ID_CARD, number="045123456")
    found = likely_duplicates(last_name="Другой", first_name="Человек", document_number=" 045 123 456 ")
    assert [(d.person, d.signals) for d in found] == [(document.person, (DuplicateSignal.DOCUMENT,))]
    assert likely_duplicates(document_number="045123457") == []


def test_an_iin_typed_with_two_adjacent_digits_swapped():
    iin, other = swapped_pair()
    existing = PersonFactory(iin=iin, sex="F", last_name="Сапарова", first_name="Дана")
    found = likely_duplicates(iin=other, last_name="Ким", first_name="Ольга", birth_date=BORN)
    assert [(d.person, d.signals) for d in found] == [(existing, (DuplicateSignal.IIN_SWAPPED,))]


def test_several_signals_rank_first_and_the_record_itself_is_left_out():
    both = PersonFactory(last_name="Сапарова", first_name="Дана", sex="F")
    DocumentFactory(person=both, number="77")
    name_only = PersonFactory(last_name="Сапарова", first_name="Данна", sex="F")
    found = likely_duplicates(last_name="Сапарова", first_name="Дана", birth_date=BORN, document_number="77")
    assert [d.person for d in found] == [both, name_only]
    assert found[0].signals == (DuplicateSignal.NAME_AND_BIRTH_DATE, DuplicateSignal.DOCUMENT)
    assert [
        d.person
        for d in likely_duplicates(
            last_name="Сапарова", first_name="Дана", birth_date=BORN, exclude_pk=both.pk
        )
    ] == [name_only]


def test_the_duplicate_list_costs_the_same_queries_for_many_records(django_assert_max_num_queries):
    iin, other = swapped_pair()
    PersonFactory(iin=iin, sex="F")
    for _ in range(15):
        person = PersonFactory(last_name="Ахметова", first_name="Айгерим", sex="F")
        DocumentFactory(person=person, number=f"D{person.pk}")
    with django_assert_max_num_queries(6):
        found = likely_duplicates(
            iin=other, last_name="Ахметова", first_name="Айгерим", birth_date=BORN, document_number="D1"
        )
        assert len(found) >= 16
        [d.person.residence_atu.name for d in found]


def person_form(**fields) -> dict:
    data = {
        "iin": make_iin(BORN, "F", 4321),
        "last_name": "Жұмабаева",
        "first_name": "Әсел",
        "middle_name": "",
        "birth_date": BORN.isoformat(),
        "sex": "F",
        "citizenship": "KZ",
        "category": 1,
        "residence_kind": "permanent",
        "reason": "New person registered",
        "document-kind": IdentityDocument.Kind.ID_CARD,
        "document-number": "099887766",
    }
    return {**data, **fields}


def test_create_page_lists_likely_duplicates_keeps_what_was_typed_and_registers_once_confirmed(
    registrar_client, registrar1, django_assert_max_num_queries
):
    existing = PersonFactory(last_name="Жумабаева", first_name="Асель", sex="F")
    for _ in range(5):
        PersonFactory(last_name="Жумабаева", first_name="Асел", sex="F")
    data = person_form()
    url = reverse("patients:person_create")
    count = Person.objects.count()
    logged = set(PersonAccessLog.objects.values_list("pk", flat=True))
    response = registrar_client.post(url, data)
    assert response.status_code == 200
    assert Person.objects.count() == count  # nothing written
    html = response.content.decode()
    assert reverse("patients:person_detail", args=[existing.pk]) in html
    assert 'target="_blank"' in html
    assert len(response.context["duplicates"]) == 6
    # Nothing typed is lost: the same values come back in the form.
    assert response.context["form"]["last_name"].value() == "Жұмабаева"
    assert response.context["document_form"]["number"].value() == "099887766"
    rows = PersonAccessLog.objects.exclude(pk__in=logged)
    assert sorted(rows.values_list("person_id", flat=True)) == sorted(
        d.person.pk for d in response.context["duplicates"]
    )
    assert {r.view_name for r in rows} == {"patients:person_create"}
    # The page with many duplicates costs no query per row.
    with django_assert_max_num_queries(30):
        registrar_client.post(url, data)
    seen = response.context["duplicates_seen"]
    confirmed = registrar_client.post(
        url, {**data, "duplicates-seen": seen, "duplicates-not_the_same_person": "on"}
    )
    assert confirmed.status_code == 302
    person = Person.objects.get(iin=data["iin"])
    assert person.documents.get().number == "099887766"
    assert person.history.get().history_user == registrar1


def test_a_record_found_after_the_confirmation_is_shown_again(registrar_client):
    first = PersonFactory(last_name="Жумабаева", first_name="Асель", sex="F")
    data = person_form()
    url = reverse("patients:person_create")
    # Another person's document has the number typed (another kind).
    other = DocumentFactory(kind=IdentityDocument.Kind.PASSPORT_KZ, number="099887766").person
    response = registrar_client.post(
        url, {**data, "duplicates-seen": str(first.pk), "duplicates-not_the_same_person": "on"}
    )
    assert response.status_code == 200
    assert {d.person for d in response.context["duplicates"]} == {first, other}
    assert not Person.objects.filter(iin=data["iin"]).exists()


def test_no_duplicate_no_warning(registrar_client):
    response = registrar_client.post(
        reverse("patients:person_create"), person_form(**{"document-kind": "", "document-number": ""})
    )
    assert response.status_code == 302
    assert not Person.objects.get(iin=person_form()["iin"]).documents.exists()


def test_the_document_on_the_create_page_needs_kind_and_number(registrar_client):
    response = registrar_client.post(reverse("patients:person_create"), person_form(**{"document-kind": ""}))
    assert response.status_code == 200
    assert "kind" in response.context["document_form"].errors
    assert not Person.objects.filter(iin=person_form()["iin"]).exists()
