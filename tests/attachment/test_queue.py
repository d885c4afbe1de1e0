"""The queue of received applications: "decide" opens the attach form prefilled from the
application (organization, ground, district, documents, receipt date), never attaches in one
click; every decision ends with a message saying what happened and from when."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attachment import rules
from attachment.models import Application, Attachment, Channel, Refusal
from attachment.services import application_receive, attachment_create

from ..factories import DistrictFactory, OrganizationFactory, PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ref")]
ON = datetime.date(2026, 3, 2)


@pytest.fixture
def walk_in(clinic1):
    return PersonFactory(residence_atu=clinic1.atu)


@pytest.fixture
def district3(clinic1):
    return DistrictFactory(organization=clinic1, code="03", capacity=100)


def receive(person, organization, ground, *, district=None, documents=("identity",), on=ON):
    return application_receive(
        person=person,
        organization=organization,
        ground=ground,
        channel=Channel.EGOV if documents == ("egov_request",) else Channel.CLINIC,
        district=district,
        documents=list(documents),
        requested_on=on,
        received_at=timezone.now(),
        user=None,
    )


def decide_url(application):
    return reverse("attachment:attach", args=[application.person_id]) + f"?application={application.pk}"


def test_the_queue_decide_is_a_link_to_the_prefilled_form_not_a_one_click_attachment(
    registrar_client, walk_in, clinic1, district3, ref
):
    application = receive(walk_in, clinic1, ref[1], district=district3)
    body = registrar_client.get(reverse("attachment:queue")).content.decode()
    assert f'href="{decide_url(application)}"' in body
    assert (
        registrar_client.post(reverse("attachment:queue"), {"application": application.pk}).status_code == 405
    )
    assert not Attachment.objects.exists()


def test_the_attach_form_of_an_application_is_prefilled_from_it(
    registrar_client, walk_in, clinic1, district3, ref
):
    application = receive(walk_in, clinic1, ref[2], district=district3, documents=("identity",))
    response = registrar_client.get(decide_url(application))
    assert response.status_code == 200
    form = response.context["form"]
    assert form["organization"].value() == clinic1.pk
    assert form["ground"].value() == ref[2].pk
    assert form["district"].value() == district3.pk
    assert form["documents"].value() == ["identity"]
    assert form["on"].value() == ON
    assert response.context["application"] == application
    assert not Attachment.objects.exists()


def test_deciding_an_application_attaches_it_and_says_where_which_district_and_from_when(
    registrar_client, registrar1, walk_in, clinic1, district3, ref
):
    previous_clinic = OrganizationFactory(atu=clinic1.atu, name_ru="Поликлиника прежняя")
    attachment_create(
        person=walk_in,
        organization=previous_clinic,
        ground=ref[1],
        on=datetime.date(2025, 3, 2),
        channel="clinic",
        user=None,
        reason="earlier",
    )
    application = receive(walk_in, clinic1, ref[1], district=district3)
    response = registrar_client.post(
        decide_url(application),
        {
            "application": application.pk,
            "ground": ref[1].pk,
            "district": district3.pk,
            "documents": ["identity"],
            "reason": "decided from the queue",
        },
    )
    attachment = Attachment.objects.get(person=walk_in, organization=clinic1)
    assert response.status_code == 302, response.context["form"].errors
    assert attachment.application == application
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (Application.Status.ATTACHED, registrar1)
    page = registrar_client.get(response.url).content.decode()
    assert f"Attached to {clinic1.name}, district 03, from {ON:%d.%m.%Y}." in page
    assert f"The attachment to {previous_clinic.name} ended on 01.03.2026." in page


def test_a_slip_in_a_queued_application_leaves_it_in_the_queue_with_nothing_written(
    registrar_client, walk_in, clinic1, district3, ref
):
    application = receive(walk_in, clinic1, ref[1], district=district3, documents=())
    response = registrar_client.post(
        decide_url(application),
        {"application": application.pk, "ground": ref[1].pk, "district": district3.pk, "reason": "queue"},
    )
    assert response.status_code == 200
    assert [r["code"] for r in response.context["reasons"]] == [rules.DOCUMENTS_INCOMPLETE]
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED
    assert not Refusal.objects.exists()
    assert not Attachment.objects.exists()


def test_a_queued_application_is_refused_on_purpose_with_its_reasons(
    registrar_client, walk_in, clinic1, district3, ref
):
    application = receive(walk_in, clinic1, ref[3], district=district3)  # campaign closed in March
    response = registrar_client.post(
        reverse("attachment:refuse", args=[walk_in.pk]),
        {
            "application": application.pk,
            "ground": ref[3].pk,
            "district": district3.pk,
            "documents": ["identity"],
            "reason": "queue",
            "confirm_refusal": "on",
        },
    )
    refusal = Refusal.objects.get(person=walk_in)
    assert response.url == reverse("attachment:refusal", args=[refusal.pk])
    assert (refusal.application, refusal.reason.code) == (application, rules.CAMPAIGN_CLOSED)
    application.refresh_from_db()
    assert application.status == Application.Status.REFUSED


def test_an_application_of_another_clinic_is_not_in_the_queue(
    client, registrar2, walk_in, clinic1, district3, ref
):
    application = receive(walk_in, clinic1, ref[1], district=district3)
    client.force_login(registrar2)
    response = client.get(decide_url(application), follow=True)
    assert "This application is not in your queue." in response.content.decode()
    response = client.post(
        decide_url(application),
        {"application": application.pk, "ground": ref[1].pk, "documents": ["identity"], "reason": "x"},
    )
    assert response.status_code == 302
    assert response.url == reverse("attachment:queue")
    assert not Attachment.objects.exists()
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED


def test_a_decided_application_cannot_be_decided_again(registrar_client, walk_in, clinic1, district3, ref):
    application = receive(walk_in, clinic1, ref[1], district=district3)
    data = {"application": application.pk, "ground": ref[1].pk, "documents": ["identity"], "reason": "q"}
    assert registrar_client.post(decide_url(application), data).status_code == 302
    response = registrar_client.get(decide_url(application), follow=True)
    assert "This application is not in your queue." in response.content.decode()
    assert Attachment.objects.count() == 1
