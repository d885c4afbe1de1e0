"""The attached list page: IIN and ground names in the table, and download buttons that export
exactly what the list shows (organization, date, district, ground, category)."""

import csv
import datetime
import html
import io
import re

import pytest
from django.urls import reverse

from attachment.models import Attachment
from patients.models import LegalCategory

from ..factories import PersonFactory

ON = "2026-03-02"


@pytest.fixture
def listed(clinic1, clinic2, ref):
    citizens = [PersonFactory(category=LegalCategory.CITIZEN) for _ in range(3)]
    foreigner = PersonFactory(category=LegalCategory.PERMANENT_FOREIGNER, citizenship="RU")
    elsewhere = PersonFactory()
    for person in [*citizens, foreigner]:
        Attachment.objects.create(
            person=person,
            organization=clinic1,
            ground=ref[2],
            channel="clinic",
            valid_from=datetime.date(2026, 1, 1),
        )
    Attachment.objects.create(
        person=elsewhere,
        organization=clinic2,
        ground=ref[2],
        channel="clinic",
        valid_from=datetime.date(2026, 1, 1),
    )
    return citizens, foreigner, elsewhere


def _links(page: str) -> dict[str, str]:
    found = re.findall(r'href="([^"]*/attached\.(xlsx|csv)\?[^"]*)"', page)
    return {fmt: html.unescape(url) for url, fmt in found}


def _csv_iins(response) -> list[str]:
    body = response.getvalue().decode("utf-8-sig")
    return [row[0] for row in list(csv.reader(io.StringIO(body)))[1:]]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_the_list_shows_iin_and_ground_names_and_offers_xlsx_first(registrar_client, listed, ref, language):
    citizens, foreigner, elsewhere = listed
    page = registrar_client.get(reverse("attachment:list"), {"on": ON}, HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    assert citizens[0].iin in text and elsewhere.iin not in text
    assert str(ref[2].name) in text  # the ground's name, not its bare number
    links = _links(text)
    assert list(links) == ["xlsx", "csv"]  # the Excel file first
    assert f"on={ON}" in links["csv"]


def test_the_download_exports_what_the_list_shows_filters_included(registrar_client, listed):
    citizens, foreigner, _elsewhere = listed
    page = registrar_client.get(reverse("attachment:list"), {"on": ON, "category": LegalCategory.CITIZEN})
    links = _links(page.content.decode())
    exported = registrar_client.get(links["csv"])
    assert exported.status_code == 200
    assert sorted(_csv_iins(exported)) == sorted(p.iin for p in citizens)  # the foreigner is filtered out
    unfiltered = registrar_client.get(
        _links(registrar_client.get(reverse("attachment:list")).content.decode())["csv"]
    )
    assert sorted(_csv_iins(unfiltered)) == sorted(p.iin for p in [*citizens, foreigner])


def test_an_administrator_chooses_the_organization_before_downloading(client, rules_admin, listed, clinic2):
    client.force_login(rules_admin)
    text = client.get(reverse("attachment:list"), {"on": ON}).content.decode()
    assert not _links(text) and "Choose an organization to download its list." in text
    text = client.get(reverse("attachment:list"), {"on": ON, "organization": clinic2.pk}).content.decode()
    exported = client.get(_links(text)["csv"])
    assert _csv_iins(exported) == [listed[2].iin]


def test_wrong_filters_offer_no_download(registrar_client, listed):
    text = registrar_client.get(reverse("attachment:list"), {"on": "2026-02-30"}).content.decode()
    assert not _links(text)
