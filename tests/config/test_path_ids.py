"""Ids in URL paths are parsed before any query: one beyond PostgreSQL's bigint range is a page
that does not exist (404), never a database error (500)."""

import pytest
from django.urls.converters import IntConverter

from patients.converters import IdConverter

from ..world import project_routes, url_of

BIGINT_MAX = 2**63 - 1
OUT_OF_RANGE = [BIGINT_MAX + 1, 10**30]


def id_parameters(route) -> list[str]:
    """The route's path parameters that are integers (Django's `int` and our `id` converter)."""
    converters = route.pattern.pattern.converters.items()
    return [name for name, converter in converters if isinstance(converter, IntConverter | IdConverter)]


def id_routes():
    """Every route whose path carries an integer id (our pages; the admin's own ids are text,
    parsed by patients/admin_base.py)."""
    return [route for route in project_routes() if id_parameters(route)]


def test_our_pages_take_their_ids_through_the_id_converter():
    """Django's `int` would let a 30-digit number through to the view."""
    ours = [route for route in id_routes() if not route.name.startswith("admin:")]
    assert len(ours) > 20
    assert [
        route.name
        for route in ours
        if not all(
            isinstance(route.pattern.pattern.converters[name], IdConverter) for name in id_parameters(route)
        )
    ] == []


@pytest.mark.parametrize("value", OUT_OF_RANGE)
def test_an_id_beyond_the_bigint_range_is_a_404_on_every_page(client, world, rules_admin, value):
    client.force_login(rules_admin)
    answers = {}
    for route in id_routes():
        url = url_of(route, world, **dict.fromkeys(id_parameters(route), value))
        answers[url] = (client.get(url).status_code, client.post(url, {}).status_code)
    assert {url: codes for url, codes in answers.items() if codes != (404, 404)} == {}
