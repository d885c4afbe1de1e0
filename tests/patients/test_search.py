"""The person search page: IIN whole or in part, names folded for Kazakh, Russian and Latin
spellings, a typo forgiven, ranked, narrowed by birth date or year and sex, with each person's
attachment today; each case in Russian and Kazakh."""

import datetime

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, override

from attachment.models import Attachment
from patients.forms import PersonSearchForm

from ..factories import DistrictFactory, PersonFactory, fresh_iin, grounds

pytestmark = pytest.mark.django_db

LANGUAGES = pytest.mark.parametrize("lang", ["ru", "kk"])


def search(client, lang, **data):
    return client.post(reverse("patients:search"), data, HTTP_ACCEPT_LANGUAGE=lang)


def found(response):
    return [p.pk for p in response.context["results"]]


def row_of(response) -> dict[str, str]:
    """The result table's rows by the name they show."""
    page = response.content.decode()
    rows = page.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    return {row.split("</a>")[0].rsplit(">", 1)[1]: row for row in rows}


def spaced(iin: str, sep: str = " ") -> str:
    return sep.join([iin[:6], iin[6:9], iin[9:]])


@LANGUAGES
def test_asel_finds_asel_written_with_kazakh_letters(registrar_client, lang):
    hit = PersonFactory(last_name="Сапарова", first_name="Әсел", sex="F")
    PersonFactory(last_name="Сапарова", first_name="Дина", sex="F")
    assert found(search(registrar_client, lang, name="Асель Сапарова")) == [hit.pk]
    assert found(search(registrar_client, lang, name="сапарова асель")) == [hit.pk]


@LANGUAGES
def test_latin_spelling_finds_the_cyrillic_name(registrar_client, lang):
    asel = PersonFactory(last_name="Жұмабаева", first_name="Әсел", sex="F")
    kairat = PersonFactory(last_name="Қасымов", first_name="Қайрат", middle_name="Хасанұлы")
    assert found(search(registrar_client, lang, name="Asel Zhumabayeva")) == [asel.pk]
    assert found(search(registrar_client, lang, name="Qairat Kassymov Khasanuly")) == [kairat.pk]


@LANGUAGES
def test_one_wrong_letter_still_finds(registrar_client, lang):
    hit = PersonFactory(last_name="Сапарова", first_name="Айгүл", sex="F")
    PersonFactory(last_name="Иванова", first_name="Мария", sex="F")
    assert found(search(registrar_client, lang, name="Сапорова")) == [hit.pk]


@LANGUAGES
def test_exact_names_come_before_prefixes_and_similar_ones_only_when_nothing_matches(registrar_client, lang):
    similar = PersonFactory(last_name="Ахмедов", first_name="Ерлан")
    prefix = PersonFactory(last_name="Ахметова", first_name="Ерлан", sex="F")
    exact = PersonFactory(last_name="Ахметов", first_name="Ерлан")
    assert found(search(registrar_client, lang, name="Ахметов Ерлан")) == [exact.pk, prefix.pk]
    # Nobody is "Ахмедова" nor starts so: the similar names instead, the most alike first.
    listed = found(search(registrar_client, lang, name="Ахмедова Ерлан"))
    assert {similar.pk, prefix.pk} <= set(listed)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, word_similarity(name_fold(%s), name_key) FROM patients_person WHERE id = ANY(%s)",
            ["Ахмедова Ерлан", listed],
        )
        likeness = dict(cursor.fetchall())
    assert [likeness[pk] for pk in listed] == sorted(likeness.values(), reverse=True)


@LANGUAGES
@pytest.mark.parametrize("sep", [" ", "-", " - "])
def test_an_iin_with_spaces_or_dashes_opens_the_card(registrar_client, lang, sep):
    person = PersonFactory()
    response = search(registrar_client, lang, iin=f" {spaced(person.iin, sep)} ")
    assert response.status_code == 302
    assert response.url == reverse("patients:person_detail", args=[person.pk])


@LANGUAGES
def test_an_exact_iin_of_nobody_says_nobody_found(registrar_client, lang):
    response = search(registrar_client, lang, iin=fresh_iin())
    assert response.status_code == 200
    assert response.context["results"] == []
    with override(lang):
        assert gettext("Nobody found.") in response.content.decode()


@LANGUAGES
def test_six_digits_find_the_iins_that_start_with_them(registrar_client, lang):
    born = datetime.date(1987, 3, 14)
    first, second = PersonFactory(born=born), PersonFactory(born=born, sex="F")
    other = PersonFactory(born=datetime.date(1987, 3, 15))
    response = search(registrar_client, lang, iin="870 314")
    assert [p.iin for p in response.context["results"]] == sorted([first.iin, second.iin])
    assert other.pk not in found(response)


@LANGUAGES
def test_fewer_than_six_digits_say_so(registrar_client, lang):
    response = search(registrar_client, lang, iin="87031")
    assert response.context["results"] is None
    with override(lang):
        expected = gettext("Enter at least %(count)d digits of the IIN, or all 12.") % {"count": 6}
    assert expected in response.context["form"].errors["iin"]
    assert expected in response.content.decode()


@LANGUAGES
def test_search_with_invalid_iin_says_why(registrar_client, lang):
    response = search(registrar_client, lang, iin="901123300255")
    with override(lang):
        assert gettext("The IIN check digit is wrong.") in response.context["form"].errors["iin"]
    assert response.context["results"] is None


@LANGUAGES
def test_birth_year_and_sex_narrow_a_name_search(registrar_client, lang):
    her = PersonFactory(last_name="Ким", first_name="Дина", sex="F", born=datetime.date(1990, 5, 1))
    PersonFactory(last_name="Ким", first_name="Денис", sex="M", born=datetime.date(1990, 6, 1))
    PersonFactory(last_name="Ким", first_name="Диана", sex="F", born=datetime.date(1991, 5, 1))
    assert found(search(registrar_client, lang, name="Ким", birth_year=1990, sex="F")) == [her.pk]
    assert found(search(registrar_client, lang, name="Ким", birth_date="1990-05-01")) == [her.pk]


@LANGUAGES
def test_each_result_shows_where_the_person_is_attached_today(registrar_client, lang, clinic1):
    district = DistrictFactory(organization=clinic1, code="07")
    attached = PersonFactory(last_name="Нұрланова", first_name="Әсем", sex="F")
    Attachment.objects.create(
        person=attached,
        organization=clinic1,
        district=district,
        ground=grounds()[2],
        channel="clinic",
        valid_from=timezone.localdate() - datetime.timedelta(days=30),
    )
    ended = PersonFactory(last_name="Нұрланова", first_name="Әлия", sex="F")
    Attachment.objects.create(
        person=ended,
        organization=clinic1,
        district=district,
        ground=grounds()[2],
        channel="clinic",
        valid_from=datetime.date(2020, 1, 1),
        valid_to=timezone.localdate() - datetime.timedelta(days=1),
    )
    response = search(registrar_client, lang, name="Нурланова")
    assert sorted(found(response)) == sorted([attached.pk, ended.pk])
    rows = row_of(response)
    with override(lang):
        assert f"{clinic1}, {gettext('district')} 07" in rows[attached.full_name]
        assert gettext("not attached") in rows[ended.full_name]


def test_search_list_query_count_is_constant(registrar_client, django_assert_max_num_queries, clinic1):
    district = DistrictFactory(organization=clinic1)
    for person in PersonFactory.create_batch(80, last_name="Сапаров"):
        Attachment.objects.create(
            person=person,
            organization=clinic1,
            district=district,
            ground=grounds()[2],
            channel="clinic",
            valid_from=datetime.date(2020, 1, 1),
        )
    # Session, user and permissions (4); the search with its similarity threshold in one
    # transaction (4); the access-log rows and their history, in bulk (2); the attachments of all
    # the persons listed, in one query (1); the session saved (3): 14, for 50 persons as for one.
    with django_assert_max_num_queries(14):
        response = registrar_client.post(
            reverse("patients:search"), {"name": "сапаров"}, HTTP_ACCEPT_LANGUAGE="en"
        )
    assert len(response.context["results"]) == 50
    assert str(clinic1) in "".join(row_of(response).values())
    assert "not attached" not in response.content.decode()
    assert response.context["truncated"]


def test_search_empty_asks_for_input(registrar_client):
    response = registrar_client.post(reverse("patients:search"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Enter an IIN or a name." in response.context["form"].non_field_errors()


def test_a_search_result_list_logs_each_person_listed(registrar_client):
    from patients.models import PersonAccessLog

    people = PersonFactory.create_batch(3, last_name="Серікбаев")
    registrar_client.post(reverse("patients:search"), {"name": "Серикбаев"})
    logged = PersonAccessLog.objects.filter(view_name="patients:search")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(p.pk for p in people)
    assert all(entry.params["criteria"] == ["name"] for entry in logged)


def test_iin_never_appears_in_search_urls(registrar_client):
    born = datetime.date(1990, 11, 23)
    person = PersonFactory(born=born)
    response = registrar_client.post(reverse("patients:search"), {"iin": person.iin[:8]})
    assert person.iin not in reverse("patients:person_detail", args=[person.pk])
    assert f"/persons/{person.pk}/" in response.content.decode()
    redirect = registrar_client.post(reverse("patients:search"), {"iin": person.iin})
    assert person.iin not in redirect.url


def test_the_form_keeps_the_digits_of_a_pasted_iin():
    form = PersonSearchForm({"iin": "901123 300 258"})
    form.is_valid()
    assert form.cleaned_data.get("iin", "").startswith("901123300")


def test_the_index_and_the_query_fold_names_alike():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name_fold(%s), name_fold(%s), name_fold(%s), person_name_key(%s, %s, %s)",
            ["Асель", "Әсел", "Asel", "Жұмабаева", "Әсел", ""],
        )
        assert cursor.fetchone() == ("ASEL", "ASEL", "ASEL", "ZHUMABAEVA ASEL")
        cursor.execute(
            "SELECT provolatile FROM pg_proc"
            " WHERE proname IN ('name_fold', 'person_name_key') ORDER BY proname"
        )
        assert [row[0] for row in cursor.fetchall()] == ["i", "i"]
