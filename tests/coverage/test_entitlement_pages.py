"""The Entitlements tab, the service usage form and the printable leaflet."""

import datetime

import pytest
from django.urls import reverse

from coverage.models import LEAFLET_CODES, Disease, ServiceLimit, ServiceUsage
from patients.models import LegalCategory

from ..factories import PersonFactory
from .conftest import contract, insure

D = datetime.date


def tab_url(person, on="2026-03-01"):
    return reverse("coverage:person_entitlements", args=[person.pk]) + f"?on={on}"


def test_person_card_has_the_entitlements_tab(registrar_client, citizen):
    response = registrar_client.get(reverse("patients:person_detail", args=[citizen.pk]))
    assert reverse("coverage:person_entitlements", args=[citizen.pk]) in response.content.decode()


def test_tab_shows_packages_the_rule_that_granted_them_and_kazakh_text_marked(registrar_client, citizen):
    insure(citizen)
    response = registrar_client.get(tab_url(citizen), HTTP_ACCEPT_LANGUAGE="ru")
    text = response.content.decode()
    assert response.status_code == 200
    assert 'id="package-gfmc"' in text and 'id="package-cshi"' in text
    assert "Уәкілетті орган айқындайтын тәртіппен жедел медициналық көмек." in text
    assert 'lang="kk"' in text  # the Kazakh law text is marked as such in the Russian UI
    assert citizen.iin not in response.request["QUERY_STRING"] + response.request["PATH_INFO"]


def test_tab_shows_pending_wording_row_with_its_act(registrar_client, citizen):
    text = registrar_client.get(tab_url(citizen, "2026-06-01")).content.decode()
    assert "01.01.2027" in text and "1086" in text


@pytest.mark.parametrize("on", ["2026-03-01", "2025-06-01"])
def test_entitlement_tab_renders_with_a_bounded_number_of_queries(
    registrar_client, temporary_foreigner, limit, registrar1, clinic1, django_assert_max_num_queries, on
):
    contract(temporary_foreigner, valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    insure(temporary_foreigner)
    from coverage.services import service_usage_record

    for row in (1, 2, 4, 5):
        service_usage_record(
            person=temporary_foreigner,
            limit=limit(row),
            on=D(2026, 2, 1),
            organization_id=clinic1.pk,
            user=registrar1,
            reason="visit",
        )
    with django_assert_max_num_queries(21):  # the header's attachment line is one of them
        response = registrar_client.get(tab_url(temporary_foreigner, on))
    assert response.status_code == 200


def test_usage_form_records_a_service_and_refuses_beyond_the_limit(
    registrar_client, temporary_foreigner, limit
):
    url = reverse("coverage:usage_record", args=[temporary_foreigner.pk]) + "?on=2026-03-01"
    data = {"limit": limit(2).pk, "rendered_on": "2026-03-01", "reason": "visit"}
    assert registrar_client.post(url, data).status_code == 302
    response = registrar_client.post(url, data)
    assert response.status_code == 400
    assert "Refused" in response.content.decode() or "Отказано" in response.content.decode()
    assert ServiceUsage.objects.filter(person=temporary_foreigner).count() == 1


def test_auditor_cannot_record_usage(client, auditor, temporary_foreigner, limit):
    client.force_login(auditor)
    url = reverse("coverage:usage_record", args=[temporary_foreigner.pk])
    response = client.post(url, {"limit": limit(2).pk, "rendered_on": "2026-03-01", "reason": "x"})
    assert response.status_code == 403
    assert not ServiceUsage.objects.exists()


@pytest.mark.parametrize("language", LEAFLET_CODES)
def test_004_leaflet_in_the_chosen_language_is_built_from_the_rule_tables(
    registrar_client, temporary_foreigner, language
):
    url = reverse("coverage:person_leaflet", args=[temporary_foreigner.pk])
    response = registrar_client.get(url, {"on": "2026-03-01", "lang": language})
    text = response.content.decode()
    assert response.status_code == 200
    for disease in Disease.objects.all():
        assert getattr(disease, f"name_{language}") in text
    for row in ServiceLimit.objects.all():
        assert getattr(row, f"name_{language}") in text
    assert temporary_foreigner.iin not in text


def test_004_leaflet_follows_an_administrator_edit(registrar_client, temporary_foreigner):
    Disease.objects.filter(number=1).update(name_uz="Difteriya (tahrirlangan)")
    ServiceLimit.objects.filter(leaflet_number=1).update(max_count=3)
    url = reverse("coverage:person_leaflet", args=[temporary_foreigner.pk])
    text = registrar_client.get(url, {"on": "2026-03-01", "lang": "uz"}).content.decode()
    assert "Difteriya (tahrirlangan)" in text and "yiliga 3 marta" in text


def test_leaflet_is_not_offered_as_an_entitlement_to_a_citizen(registrar_client, rule_tables):
    person = PersonFactory(category=LegalCategory.CITIZEN)
    url = reverse("coverage:person_leaflet", args=[person.pk])
    text = registrar_client.get(url, {"on": "2026-03-01", "lang": "ru"}).content.decode()
    assert "Корь" not in text


@pytest.mark.parametrize("language", ["hy", "kk"])
def test_004_leaflet_pdf_carries_the_rule_table_text(registrar_client, temporary_foreigner, language):
    import io

    from pypdf import PdfReader

    url = reverse("coverage:person_leaflet", args=[temporary_foreigner.pk])
    response = registrar_client.get(url, {"on": "2026-03-01", "lang": language, "format": "pdf"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = text.replace("\n", " ")
    assert getattr(Disease.objects.get(number=16), f"name_{language}") in flat
    assert getattr(ServiceLimit.objects.get(leaflet_number=19), f"name_{language}") in flat


@pytest.mark.parametrize("on", ["2024-06-01", "2025-05-06"])
def test_gfmc_sub_points_4_and_7_show_earlier_wording_to_be_entered_before_their_amendments(
    registrar_client, citizen, on
):
    """Seed 000: decree 672 applies from 01.08.2020; decree 786 gives 4.1–4.6 a wording from
    07.05.2025 and decree 1086 gives 7.1–7.2 one from 01.01.2026. Before those dates the sub-points
    are rows whose earlier wording is still to be entered, never missing."""
    from coverage.selectors import entitlements_on

    items = entitlements_on(person=citizen, on=D.fromisoformat(on)).package("gfmc").items
    earlier = {i.number for i in items if i.earlier_wording and i.wording_pending}
    assert {"4", "4.1", "4.2", "4.3", "4.4", "4.5", "4.6", "7", "7.1", "7.2"} <= earlier
    text = registrar_client.get(tab_url(citizen, on)).content.decode()
    assert text.count("Earlier wording to be entered") >= 10


def test_gfmc_sub_point_4_1_has_its_own_wording_from_decree_786(citizen):
    from coverage.selectors import entitlements_on

    items = entitlements_on(person=citizen, on=D(2025, 5, 7)).package("gfmc").items
    row = next(i for i in items if i.number == "4.1")
    assert not row.earlier_wording and row.text_kk.startswith("уәкілетті орган")


@pytest.mark.parametrize("language", ["ru", "kk"])
@pytest.mark.parametrize("on", ["2026-02-30", "01.03.2026x", "", "9999-99-99"])
def test_a_wrong_date_is_a_form_error_not_a_silent_today(registrar_client, citizen, language, on):
    insure(citizen)
    response = registrar_client.get(tab_url(citizen, on), HTTP_ACCEPT_LANGUAGE=language)
    text = response.content.decode()
    assert response.status_code == 400
    assert 'class="errorlist' in text
    assert 'id="package-gfmc"' not in text  # no entitlements shown for a date nobody asked for


def test_without_a_date_the_tab_answers_for_today(registrar_client, citizen):
    from django.utils import timezone

    response = registrar_client.get(reverse("coverage:person_entitlements", args=[citizen.pk]))
    assert response.status_code == 200
    assert timezone.localdate().strftime("%d.%m.%Y") in response.content.decode()


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_tab_leads_with_a_summary_and_folds_the_full_lists(
    registrar_client, temporary_foreigner, limit, registrar1, clinic1, language
):
    from coverage.services import service_usage_record

    contract(temporary_foreigner, valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    service_usage_record(
        person=temporary_foreigner,
        limit=limit(1),
        on=D(2026, 2, 1),
        organization_id=clinic1.pk,
        user=registrar1,
        reason="visit",
    )
    response = registrar_client.get(tab_url(temporary_foreigner), HTTP_ACCEPT_LANGUAGE=language)
    text = response.content.decode()
    start = text.index('class="list summary"')
    summary = text[start : text.index("</table>", start)]
    first = limit(1)
    assert f"{first.name}: 1 / {first.max_count}" in summary  # used / limit, before any full list
    assert text.index('class="list summary"') < text.index('<details class="full-list">')
    assert "<details open" not in text  # the full lists start folded


def test_tab_shows_no_internal_notes_or_source_file_names(registrar_client, citizen):
    from coverage.models import PackageItem

    insure(citizen)
    PackageItem.objects.update(note="internal: check against the source")
    text = registrar_client.get(tab_url(citizen, "2019-06-01")).content.decode()
    text += registrar_client.get(tab_url(citizen, "2026-03-01")).content.decode()
    assert "internal: check" not in text
    assert "seed 0" not in text


@pytest.mark.parametrize("on", ["9999-12-31", "0001-01-01", "2026-02-30"])
def test_a_leaflet_for_a_wrong_date_is_an_error_not_todays_leaflet(registrar_client, temporary_foreigner, on):
    """Found by the input test: the leaflet silently printed today's text for any wrong date."""
    url = reverse("coverage:person_leaflet", args=[temporary_foreigner.pk])
    response = registrar_client.get(url, {"on": on, "lang": "ru"})
    text = response.content.decode()
    assert response.status_code == 400
    assert 'class="errorlist' in text
    assert not any(row.name_ru in text for row in ServiceLimit.objects.all())
