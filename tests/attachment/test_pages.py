"""Registrar pages: attach with the decision at once, queue, attached list, coupon, refusal."""

import datetime
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from attachment.models import Application, Attachment, Channel, CouponPrint, Refusal
from attachment.services import application_receive, attachment_create, coupon_issue

from ..factories import DistrictFactory, PersonFactory

pytestmark = pytest.mark.django_db
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


@pytest.fixture
def walk_in(ref, clinic1):
    return PersonFactory(residence_atu=clinic1.atu)


def test_attach_page_shows_grounds_and_district_counts_against_capacity(registrar_client, walk_in, district1):
    response = registrar_client.get(reverse("attachment:attach", args=[walk_in.pk]))
    body = response.content.decode()
    assert response.status_code == 200
    assert "Campaign" in body or "Кампания" in body
    assert "§10.3" in body  # ground 3 is not allowed today unless in a campaign window
    assert f"<td>0</td><td>{district1.capacity}</td>" in body


def test_attach_page_post_attaches_and_shows_the_attachment(
    registrar_client, walk_in, clinic1, district1, ref
):
    response = registrar_client.post(
        reverse("attachment:attach", args=[walk_in.pk]),
        {
            "organization": clinic1.pk,
            "ground": ref[1].pk,
            "district": district1.pk,
            "on": "2026-03-02",
            "channel": Channel.CLINIC,
            "documents": ["identity"],
            "reason": "walk-in",
        },
    )
    attachment = Attachment.objects.get(person=walk_in)
    assert response.status_code == 302
    assert response.url == reverse("attachment:detail", args=[attachment.pk])
    assert Application.objects.get(person=walk_in).status == Application.Status.ATTACHED
    assert walk_in.iin not in response.url


def test_attach_page_refused_decision_is_a_form_error_with_its_reason_and_nothing_written(
    registrar_client, walk_in, clinic1, ref
):
    """Documents not ticked: the reason on the form, no refusal (test_refuse_on_purpose.py)."""
    response = registrar_client.post(
        reverse("attachment:attach", args=[walk_in.pk]),
        {
            "organization": clinic1.pk,
            "ground": ref[1].pk,
            "on": "2026-03-02",
            "channel": Channel.CLINIC,
            "reason": "walk-in",
        },
    )
    assert response.status_code == 200
    assert [r["code"] for r in response.context["reasons"]] == ["documents_incomplete"]
    assert "identity document" in response.content.decode()
    assert not Refusal.objects.exists()
    assert not Application.objects.exists()
    assert not Attachment.objects.exists()


def test_registrar_cannot_attach_to_another_organization(registrar_client, walk_in, clinic2, ref):
    response = registrar_client.post(
        reverse("attachment:attach", args=[walk_in.pk]),
        {
            "organization": clinic2.pk,
            "ground": ref[1].pk,
            "on": "2026-03-02",
            "channel": Channel.CLINIC,
            "documents": ["identity"],
            "reason": "x",
        },
    )
    assert response.status_code == 200  # the form refuses an organization out of scope
    assert not Attachment.objects.exists()
    assert not Application.objects.exists()


def test_attachment_of_another_organization_is_not_found(client, registrar2, walk_in, clinic1, ref):
    attachment = attachment_create(
        person=walk_in,
        organization=clinic1,
        ground=ref[1],
        on=datetime.date(2026, 3, 2),
        channel="clinic",
        user=None,
        reason="x",
    )
    client.force_login(registrar2)
    assert client.get(reverse("attachment:detail", args=[attachment.pk])).status_code == 404


def test_queue_lists_received_applications_overdue_first(registrar_client, walk_in, clinic1, clinic2, ref):
    now = timezone.now()
    later = application_receive(
        person=walk_in,
        organization=clinic1,
        ground=ref[1],
        channel="egov",
        requested_on=now.date(),
        received_at=now,
        user=None,
    )
    overdue = application_receive(
        person=PersonFactory(residence_atu=clinic1.atu),
        organization=clinic1,
        ground=ref[1],
        channel="egov",
        requested_on=now.date(),
        received_at=now - datetime.timedelta(days=10),
        user=None,
    )
    application_receive(
        person=PersonFactory(),
        organization=clinic2,
        ground=ref[1],
        channel="egov",
        requested_on=now.date(),
        received_at=now,
        user=None,
    )
    response = registrar_client.get(reverse("attachment:queue"))
    assert [a.pk for a in response.context["rows"]] == [overdue.pk, later.pk]
    assert "overdue" in response.content.decode()


def test_attached_list_shows_50_rows_in_constant_queries(
    registrar_client, clinic1, ref, django_assert_max_num_queries
):
    districts = [DistrictFactory(organization=clinic1, code=f"L{i}") for i in range(3)]
    people = [PersonFactory(residence_atu=clinic1.atu) for _ in range(60)]
    for i, person in enumerate(people):
        attachment_create(
            person=person,
            organization=clinic1,
            ground=ref[1 + (i % 2)],
            on=datetime.date(2026, 1, 5),
            channel="clinic",
            user=None,
            reason="x",
            district=districts[i % 3],
        )
    url = reverse("attachment:list")
    registrar_client.get(url)  # warm the session and permission caches
    # 15 for the page, 2 for the access-log rows of the persons shown and their history (bulk).
    with django_assert_max_num_queries(17):
        response = registrar_client.get(url, {"on": "2026-03-02"})
    assert len(response.context["page"].object_list) == 50
    with django_assert_max_num_queries(17):
        response = registrar_client.get(
            url, {"on": "2026-03-02", "district": districts[0].pk, "ground": ref[1].pk}
        )
    assert {a.district_id for a in response.context["page"].object_list} == {districts[0].pk}
    assert response.context["page"].paginator.count == 10
    assert registrar_client.get(url, {"on": "2026-01-04"}).context["page"].paginator.count == 0


def test_attached_list_is_scoped_to_the_registrars_organization(client, registrar2, walk_in, clinic1, ref):
    attachment_create(
        person=walk_in,
        organization=clinic1,
        ground=ref[1],
        on=datetime.date(2026, 1, 5),
        channel="clinic",
        user=None,
        reason="x",
    )
    client.force_login(registrar2)
    assert client.get(reverse("attachment:list"), {"on": "2026-03-02"}).context["page"].paginator.count == 0


@pytest.fixture
def coupon(walk_in, clinic1, district1, registrar1, ref):
    attachment = attachment_create(
        person=walk_in,
        organization=clinic1,
        ground=ref[1],
        on=datetime.date(2026, 3, 2),
        channel="clinic",
        user=registrar1,
        reason="x",
        district=district1,
    )
    return coupon_issue(attachment=attachment, on=datetime.date(2026, 3, 2), user=registrar1)


def test_coupon_pdf_is_a_real_pdf_with_number_and_organization(registrar_client, coupon, clinic1):
    response = registrar_client.get(reverse("attachment:coupon_pdf", args=[coupon.pk]), {"lang": "ru"})
    assert response["Content-Type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    flat = " ".join(text.split())
    assert coupon.number in flat
    assert clinic1.name_ru in flat
    assert "Талон прикрепления" in flat


def test_coupon_in_kazakh_and_reprints_are_recorded(registrar_client, coupon, clinic1):
    first = registrar_client.get(reverse("attachment:coupon", args=[coupon.pk]), {"lang": "kk"})
    body = first.content.decode()
    assert "бекіту талоны" in body and clinic1.name_kk in body
    assert "data:image/svg+xml" in body  # the QR code of the verification page
    registrar_client.get(reverse("attachment:coupon_pdf", args=[coupon.pk]), {"lang": "kk"})
    assert list(CouponPrint.objects.values_list("language", "file_format")) == [("kk", "html"), ("kk", "pdf")]


def test_public_verification_page_needs_no_login_and_shows_no_iin(client, coupon, walk_in):
    response = client.get(reverse("coupon_verify", args=[coupon.token]))
    body = response.content.decode()
    assert response.status_code == 200
    assert walk_in.iin not in body
    assert walk_in.masked_name in body
    assert walk_in.full_name not in body
    assert coupon.number in body
    assert client.get(reverse("coupon_verify", args=["no-such-token"])).status_code == 404


def test_refusal_is_printable_as_pdf(registrar_client, walk_in, clinic1, ref):
    from attachment.services import application_submit_refused

    refusal = application_submit_refused(
        person=walk_in,
        organization=clinic1,
        ground=ref[3],
        channel="clinic",
        requested_on=datetime.date(2026, 3, 2),
        received_at=datetime.datetime(2026, 3, 2, 9, tzinfo=ALMATY),
        documents=["identity"],
        user=None,
        reason="x",
    )
    response = registrar_client.get(reverse("attachment:refusal_print", args=[refusal.pk]), {"format": "pdf"})
    text = " ".join("".join(p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages).split())
    assert "Мотивированный отказ" in text
    assert "Кампания прикрепления не проводится" in text


def test_person_card_has_an_attachments_tab(registrar_client, walk_in):
    response = registrar_client.get(reverse("patients:person_detail", args=[walk_in.pk]))
    assert reverse("attachment:person", args=[walk_in.pk]) in response.content.decode()


def test_family_page_attaches_all_members_with_consent(registrar_client, walk_in, clinic1, ref):
    from patients.models import FamilyLink

    spouse = PersonFactory(residence_atu=clinic1.atu)
    FamilyLink.objects.create(person=walk_in, relative=spouse, relation="spouse")
    data = {
        "members": [walk_in.pk, spouse.pk],
        "organization": clinic1.pk,
        "ground": ref[1].pk,
        "on": "2026-03-02",
        "reason": "family application",
    }
    response = registrar_client.post(reverse("attachment:family", args=[walk_in.pk]), data)
    assert response.status_code == 200  # the written consent is required
    assert not Attachment.objects.exists()
    response = registrar_client.post(
        reverse("attachment:family", args=[walk_in.pk]), {**data, "consent": "on"}
    )
    assert response.status_code == 302
    assert set(Attachment.objects.values_list("person", flat=True)) == {walk_in.pk, spouse.pk}


def test_family_page_refuses_all_when_one_member_is_refused(registrar_client, walk_in, clinic1, ref):
    from patients.models import FamilyLink

    child = PersonFactory(residence_atu=clinic1.atu, born=datetime.date(2018, 5, 5))  # no representative
    FamilyLink.objects.create(person=walk_in, relative=child, relation="child")
    response = registrar_client.post(
        reverse("attachment:family", args=[walk_in.pk]),
        {
            "members": [walk_in.pk, child.pk],
            "organization": clinic1.pk,
            "ground": ref[1].pk,
            "on": "2026-03-02",
            "consent": "on",
            "reason": "family application",
        },
    )
    assert response.status_code == 200
    assert "legal representative" in response.content.decode()
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_date_fields_carry_iso_values_that_browsers_accept_in_every_language(registrar_client, walk_in, lang):
    """An <input type="date"> takes only YYYY-MM-DD: a localized 25.11.2026 leaves it empty (and
    the required field blocks the form)."""
    today = timezone.localdate().isoformat()
    for name in ("attachment:attach", "attachment:family"):
        html = registrar_client.get(
            reverse(name, args=[walk_in.pk]), HTTP_ACCEPT_LANGUAGE=lang
        ).content.decode()
        assert f'type="date" name="on" value="{today}"' in html, name


def test_printable_coupon_style_is_allowed_by_its_csp_nonce(registrar_client, coupon):
    """The print form's inline stylesheet carries the nonce sent in the Content-Security-Policy."""
    response = registrar_client.get(reverse("attachment:coupon", args=[coupon.pk]))
    nonce = response.content.decode().split('<style nonce="', 1)[1].split('"', 1)[0]
    assert nonce
    assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
