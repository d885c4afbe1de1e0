"""The printable coupon and refusal: a print button and a way back on the screen (not in the
PDF), the clinic's address and phone on the coupon, and the staff member's full name."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from attachment import printing
from attachment.models import Channel, Refusal, RefusalReason
from attachment.services import attachment_create, coupon_issue
from patients.access import REGISTRAR

from ..factories import staff_user
from .conftest import ON

pytestmark = pytest.mark.django_db


@pytest.fixture
def registrar(clinic):
    return staff_user("aigul", REGISTRAR, clinic, first_name="Айгүл", last_name="Нұрланова")


@pytest.fixture
def coupon(ref, clinic, district, citizen, registrar):
    clinic.address, clinic.phone = "Алматы қ., Абай даңғылы, 10", "+7 727 300 10 40"
    clinic.save()
    attachment = attachment_create(
        person=citizen,
        organization=clinic,
        ground=ref[1],
        on=ON,
        channel=Channel.CLINIC,
        district=district,
        user=registrar,
        reason="walk-in",
    )
    return coupon_issue(attachment=attachment, on=ON, user=registrar)


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_coupon_page_has_print_button_back_link_address_phone_and_full_name(client, registrar, coupon, lang):
    client.force_login(registrar)
    html = client.get(reverse("attachment:coupon", args=[coupon.pk]), {"lang": lang}).content.decode()
    labels = printing.LABELS[lang]
    assert f"data-print>{labels['print']}</button>" in html
    assert f'href="{reverse("attachment:detail", args=[coupon.attachment_id])}"' in html
    assert "Алматы қ., Абай даңғылы, 10" in html and "+7 727 300 10 40" in html
    assert "Айгүл Нұрланова" in html and ">aigul<" not in html


def test_the_printed_coupon_has_no_buttons(coupon):
    request = RequestFactory().get("/")
    html = printing.render_form(
        "attachment/coupon_print.html", printing.coupon_context(request, coupon, "ru"), "ru"
    )
    assert "data-print" not in html and "Айгүл Нұрланова" in html


def test_a_coupon_issued_by_nobody_prints(client, registrar, coupon):
    type(coupon).objects.filter(pk=coupon.pk).update(issued_by=None)
    client.force_login(registrar)
    response = client.get(reverse("attachment:coupon", args=[coupon.pk]))
    assert response.status_code == 200 and "—" in response.content.decode()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_refusal_print_has_print_button_back_link_and_full_name(
    client, ref, clinic, citizen, registrar, lang
):
    refusal = Refusal.objects.create(
        person=citizen,
        organization=clinic,
        ground=ref[2],
        reason=RefusalReason.objects.first(),
        on=ON,
        created_by=registrar,
    )
    client.force_login(registrar)
    html = client.get(reverse("attachment:refusal_print", args=[refusal.pk]), {"lang": lang}).content.decode()
    assert f"data-print>{printing.LABELS[lang]['print']}</button>" in html
    assert f'href="{reverse("attachment:refusal", args=[refusal.pk])}"' in html
    assert "Айгүл Нұрланова" in html


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_refusal_print_says_how_to_contest_and_has_a_signature_block(
    client, ref, clinic, citizen, registrar, lang
):
    refusal = Refusal.objects.create(
        person=citizen,
        organization=clinic,
        ground=ref[2],
        reason=RefusalReason.objects.first(),
        on=ON,
        created_by=registrar,
    )
    client.force_login(registrar)
    labels = printing.LABELS[lang]
    for query in ({"lang": lang}, {"lang": lang, "format": "pdf"}):
        response = client.get(reverse("attachment:refusal_print", args=[refusal.pk]), query)
        assert response.status_code == 200
    html = client.get(reverse("attachment:refusal_print", args=[refusal.pk]), {"lang": lang}).content.decode()
    assert labels["contest"] in html
    assert labels["signed"] in html and labels["received"] in html and f"({labels['signature']})" in html


def test_refusal_page_offers_the_pdf_in_kazakh_and_russian(client, ref, clinic, citizen, registrar):
    refusal = Refusal.objects.create(
        person=citizen,
        organization=clinic,
        ground=ref[2],
        reason=RefusalReason.objects.first(),
        on=ON,
        created_by=registrar,
    )
    client.force_login(registrar)
    html = client.get(reverse("attachment:refusal", args=[refusal.pk])).content.decode()
    url = reverse("attachment:refusal_print", args=[refusal.pk])
    assert f"{url}?lang=kk&amp;format=pdf" in html and f"{url}?lang=ru&amp;format=pdf" in html
