"""Reports on the page show labels, never internal codes, and numbers grouped in the page's
language; the files keep the codes and the raw numbers for machines."""

import csv
import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from attachment.models import AgeGroup, CapitationNorm, Refusal, RefusalReason, SexAgeCoefficient

D = datetime.date
pytestmark = pytest.mark.django_db


def cells(html: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", html, re.S)]


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_population_page_shows_labels_and_the_file_keeps_codes(
    age_groups, attach, person, clinic, rules_admin, client, language
):
    attach(person(born=D(1940, 1, 1), sex="M"), clinic, D(2020, 1, 1))
    attach(person(born=D(1990, 1, 1), sex="F"), clinic, D(2020, 1, 1))
    client.force_login(rules_admin)
    query = {"on": "2026-03-02", "by": ["sex", "age_group", "organization"]}
    html = client.get(reverse("reports:population"), query, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    shown = cells(html)
    assert "70+" in shown and clinic.bin in shown  # labels, and the BIN people use
    assert "70-plus" not in shown and "M" not in shown and "F" not in shown
    exported = client.get(
        reverse("reports:population"), {**query, "export": "csv"}, HTTP_ACCEPT_LANGUAGE=language
    )
    body = b"".join(exported.streaming_content) if exported.streaming else exported.content
    flat = [c for row in csv.reader(io.StringIO(body.decode("utf-8-sig"))) for c in row]
    assert "70-plus" in flat and "M" in flat  # the file keeps the codes beside the labels


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_planning_estimate_groups_thousands_on_the_page(
    age_groups, attach, person, clinic, rules_admin, client, language
):
    thirties = AgeGroup.objects.get(code="30-39")
    CapitationNorm.objects.create(amount=Decimal("51137.50"), valid_from=D(2020, 1, 1))
    SexAgeCoefficient.objects.create(sex="M", age_group=thirties, value=1, valid_from=D(2020, 1, 1))
    attach(person(born=D(1990, 1, 1)), clinic, D(2020, 1, 1))
    client.force_login(rules_admin)
    html = client.get(
        reverse("reports:planning"), {"year": "2026"}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert "613\xa0650,00" in cells(html)  # 12 months × 51 137,50, grouped, with the decimal comma
    assert "613650,00" not in html


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_applications_page_names_refusal_reasons_without_their_codes(
    ref, person, clinic, rules_admin, client, language
):
    reason = RefusalReason.objects.get(code="already_attached")
    Refusal.objects.create(
        person=person(), organization=clinic, ground=ref[2], reason=reason, on=D(2026, 3, 3)
    )
    client.force_login(rules_admin)
    today = datetime.date.today().isoformat()
    html = client.get(
        reverse("reports:applications"), {"date_from": today, "date_to": today}, HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    shown = cells(html)
    assert "already_attached" not in shown
    assert getattr(reason, f"name_{language}") in shown
