"""The person's History tab is one timeline of the person and every record of theirs, whichever
app keeps it (documents, representatives, contracts, insured periods, attachments, applications,
refusals, coupons), with translated field names and old → new values, in a bounded number of
queries."""

import datetime

import pytest
from django.urls import reverse

from attachment.models import Channel, Refusal, RefusalReason
from attachment.services import attachment_create, coupon_issue
from patients.models import IdentityDocument, Person
from patients.services import document_create, person_update

from .conftest import ON

pytestmark = pytest.mark.django_db


@pytest.fixture
def lived(ref, clinic, district, citizen, registrar1):
    document_create(
        person=citizen,
        user=registrar1,
        reason="passport shown",
        kind=IdentityDocument.Kind.PASSPORT_KZ,
        number="N1234567",
    )
    person_update(
        person=citizen, user=registrar1, reason="stays for now", residence_kind=Person.ResidenceKind.TEMPORARY
    )
    attachment = attachment_create(
        person=citizen,
        organization=clinic,
        ground=ref[1],
        on=ON,
        channel=Channel.CLINIC,
        district=district,
        user=registrar1,
        reason="walk-in",
    )
    coupon_issue(attachment=attachment, on=ON, user=registrar1)
    Refusal.objects.create(
        person=citizen, organization=clinic, ground=ref[3], reason=RefusalReason.objects.first(), on=ON
    )
    return citizen


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_history_tab_shows_every_record_with_translated_field_names(client, lived, clinic, language):
    from django.utils import translation

    from attachment.models import Attachment, Coupon
    from patients.access import REGISTRAR

    from ..factories import staff_user

    client.force_login(staff_user("reg", REGISTRAR, clinic))
    html = client.get(
        reverse("patients:person_history", args=[lived.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    with translation.override(language):
        for model in (Person, IdentityDocument, Attachment, Coupon, Refusal):
            assert f"<td>{model._meta.verbose_name}</td>" in html, model
        kind = Person._meta.get_field("residence_kind")
        assert f"{kind.verbose_name}: " in html  # the field's name, not `residence_kind`
        labels = dict(kind.flatchoices)
        assert f"{labels['permanent']} → {labels['temporary']}" in html  # labels, not codes


def test_history_tab_reads_in_a_bounded_number_of_queries(
    registrar_client, lived, django_assert_max_num_queries
):
    url = reverse("patients:person_history", args=[lived.pk])
    registrar_client.get(url)
    for name in ("Ая", "Бек", "Вера", "Гүл", "Дана"):  # more versions of a record cost no more queries
        person_update(person=lived, user=None, reason="again", middle_name=name)
    with django_assert_max_num_queries(30):
        response = registrar_client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("again") == 5


def test_timeline_is_newest_first(lived):
    from patients.history import person_timeline

    dates = [row["entry"].history_date for row in person_timeline(lived)]
    assert dates == sorted(dates, reverse=True) and len(dates) >= 6
    assert datetime.datetime.now(datetime.UTC) >= dates[0]
