import pytest
from django.urls import reverse

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_search_by_iin_is_exact(registrar_client):
    target = PersonFactory()
    PersonFactory()
    response = registrar_client.post(reverse("patients:search"), {"iin": target.iin})
    assert [p.pk for p in response.context["results"]] == [target.pk]


def test_search_by_name_folds_kazakh_and_cyrillic_case(registrar_client):
    hit = PersonFactory(last_name="Әбенова", first_name="Айгүл", sex="F")
    PersonFactory(last_name="Иванов")
    response = registrar_client.post(reverse("patients:search"), {"name": "әБЕНОВА айгүл"})
    assert [p.pk for p in response.context["results"]] == [hit.pk]


def test_search_with_invalid_iin_says_why(registrar_client):
    response = registrar_client.post(
        reverse("patients:search"), {"iin": "901123300255"}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The IIN check digit is wrong." in response.context["form"].errors["iin"]
    assert response.context["results"] is None


def test_search_empty_asks_for_input(registrar_client):
    response = registrar_client.post(reverse("patients:search"), {}, HTTP_ACCEPT_LANGUAGE="en")
    assert "Enter an IIN or a name." in response.context["form"].non_field_errors()


def test_search_list_query_count_is_constant(registrar_client, django_assert_max_num_queries):
    PersonFactory.create_batch(80, last_name="Сапаров")
    # 8 for the search, 2 for the access-log rows of the persons listed and their history (bulk).
    with django_assert_max_num_queries(10):
        response = registrar_client.post(reverse("patients:search"), {"name": "сапаров"})
    assert len(response.context["results"]) == 50
    assert response.context["truncated"]


def test_iin_never_appears_in_search_urls(registrar_client):
    person = PersonFactory()
    response = registrar_client.post(reverse("patients:search"), {"iin": person.iin})
    assert person.iin not in reverse("patients:person_detail", args=[person.pk])
    assert f"/persons/{person.pk}/" in response.content.decode()
