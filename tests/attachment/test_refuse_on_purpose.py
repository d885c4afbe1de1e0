"""Decide, then refuse on purpose (seed 004 items 7–9: the result is an attachment or a motivated
refusal). A slip at the desk (a document not ticked, the organization the person is already
attached to, a representative without a document, a closed ground, a dead person) is a form
error that says what to fix and links to where it is fixed, with nothing written; a motivated
refusal is issued only by its own action, with its own confirmation, and lists the reasons of
the one decision (`rules.decide`). Only issued refusals count in the applications report."""

import datetime
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from attachment import rules, selectors
from attachment.models import Application, Attachment, Channel, Refusal
from attachment.reports import selectors as report_selectors
from attachment.services import attachment_create, person_record_death
from patients.models import FamilyLink, IdentityDocument, LegalCategory, LegalRepresentative

from ..factories import PersonFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ref")]
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")
ON = datetime.date(2026, 3, 2)


@pytest.fixture
def walk_in(clinic1):
    return PersonFactory(residence_atu=clinic1.atu)


def form_data(organization, ground, **extra):
    return {
        "organization": organization.pk,
        "ground": ground.pk,
        "on": ON.isoformat(),
        "channel": Channel.CLINIC,
        "documents": ["identity"],
        "reason": "application at the desk",
        **extra,
    }


def post_attach(client, person, data):
    return client.post(reverse("attachment:attach", args=[person.pk]), data)


def post_refuse(client, person, data):
    return client.post(reverse("attachment:refuse", args=[person.pk]), data)


def assert_nothing_written(person):
    assert not Refusal.objects.filter(person=person).exists()
    assert not Application.objects.filter(person=person).exists()
    assert not Refusal.history.exists()
    assert not Application.history.exists()


def reason_codes(response) -> list[str]:
    assert response.status_code == 200, response.status_code
    return [r["code"] for r in response.context["reasons"]]


def child_of_representative(clinic1, *, representative_document: bool):
    child = PersonFactory(residence_atu=clinic1.atu, born=datetime.date(2018, 5, 5))
    parent = PersonFactory(residence_atu=clinic1.atu)
    if representative_document:
        IdentityDocument.objects.create(person=parent, kind=IdentityDocument.Kind.ID_CARD, number="P1")
    LegalRepresentative.objects.create(
        child=child, representative=parent, relationship=LegalRepresentative.Relationship.PARENT
    )
    return child, parent


# --- the slips: form errors, nothing written ------------------------------------------------


def test_standard_row_8_a_document_not_ticked_is_a_form_error_naming_it_not_a_refusal(
    registrar_client, walk_in, clinic1, ref
):
    response = post_attach(registrar_client, walk_in, form_data(clinic1, ref[1], documents=[]))
    assert reason_codes(response) == [rules.DOCUMENTS_INCOMPLETE]
    body = response.content.decode()
    assert "identity document or digital document" in body
    assert reverse("patients:person_detail", args=[walk_in.pk]) in body  # where documents are recorded
    assert "Nothing was written" in body
    assert_nothing_written(walk_in)
    assert not Attachment.objects.exists()


def test_par4_the_organization_the_person_is_attached_to_is_a_form_error_linking_the_attachment(
    registrar_client, walk_in, clinic1, ref
):
    current = attachment_create(
        person=walk_in, organization=clinic1, ground=ref[1], on=ON, channel="clinic", user=None, reason="x"
    )
    response = post_attach(registrar_client, walk_in, form_data(clinic1, ref[2]))
    assert rules.ALREADY_ATTACHED in reason_codes(response)
    assert reverse("attachment:detail", args=[current.pk]) in response.content.decode()
    assert_nothing_written(walk_in)


def test_par9_1_a_representative_recorded_without_a_document_is_named_as_such_with_a_link_to_their_card(
    registrar_client, clinic1, ref
):
    child, parent = child_of_representative(clinic1, representative_document=False)
    response = post_attach(
        registrar_client, child, form_data(clinic1, ref[1], documents=["identity", "representative_identity"])
    )
    assert reason_codes(response) == [rules.REPRESENTATIVE_WITHOUT_DOCUMENT]
    body = response.content.decode()
    assert "no legal representative" not in body.lower()
    assert "identity document of the legal representative is not recorded" in body
    assert reverse("patients:person_detail", args=[parent.pk]) in body
    assert_nothing_written(child)


def test_a_minor_without_any_representative_is_told_so_with_a_link_to_add_one(registrar_client, clinic1, ref):
    child = PersonFactory(residence_atu=clinic1.atu, born=datetime.date(2018, 5, 5))
    response = post_attach(
        registrar_client, child, form_data(clinic1, ref[1], documents=["identity", "representative_identity"])
    )
    assert reason_codes(response) == [rules.MINOR_WITHOUT_REPRESENTATIVE]
    body = response.content.decode()
    assert "No legal representative is recorded" in body
    assert reverse("patients:dependent_create", args=[child.pk, "representative"]) in body
    assert_nothing_written(child)


def test_par3_1_a_person_for_whom_every_ground_is_closed_gets_a_form_error(registrar_client, clinic1, ref):
    """A temporarily staying foreigner neither insured nor under a contract naming the clinic."""
    visitor = PersonFactory(
        residence_atu=clinic1.atu, category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ"
    )
    page = registrar_client.get(reverse("attachment:attach", args=[visitor.pk]))
    assert all(refusals for _ground, refusals in page.context["grounds"])
    for code in (1, 4):
        response = post_attach(registrar_client, visitor, form_data(clinic1, ref[code]))
        assert reason_codes(response), code
        assert "Nothing was written" in response.content.decode()
    assert_nothing_written(visitor)


def test_a_dead_person_is_a_form_error_and_no_refusal_can_be_issued(
    registrar_client, registrar1, walk_in, clinic1, ref
):
    person_record_death(
        person=walk_in, date_of_death=ON - datetime.timedelta(days=10), user=registrar1, reason="certificate"
    )
    response = post_attach(registrar_client, walk_in, form_data(clinic1, ref[1]))
    assert reason_codes(response) == [rules.PERSON_DEAD]
    assert response.context["refusal_issuable"] is False
    assert reverse("attachment:person", args=[walk_in.pk]) in response.content.decode()
    response = post_refuse(registrar_client, walk_in, form_data(clinic1, ref[1], confirm_refusal="on"))
    assert response.status_code == 200
    assert "No motivated refusal is issued" in response.content.decode()
    assert_nothing_written(walk_in)


def test_family_page_slip_names_the_member_and_links_where_it_is_fixed(registrar_client, clinic1, ref):
    applicant = PersonFactory(residence_atu=clinic1.atu)
    child, parent = child_of_representative(clinic1, representative_document=False)
    FamilyLink.objects.create(person=applicant, relative=child, relation="child")
    response = registrar_client.post(
        reverse("attachment:family", args=[applicant.pk]),
        {
            "members": [applicant.pk, child.pk],
            "organization": clinic1.pk,
            "ground": ref[1].pk,
            "on": ON.isoformat(),
            "consent": "on",
            "reason": "family application",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert child.full_name in body
    assert "identity document of the legal representative is not recorded" in body
    assert reverse("patients:person_detail", args=[parent.pk]) in body
    assert not Attachment.objects.exists()
    assert not Refusal.objects.exists()


# --- the refusal, on purpose -----------------------------------------------------------------


def test_a_refused_attempt_offers_the_refusal_with_its_reasons(registrar_client, walk_in, clinic1, ref):
    response = post_attach(registrar_client, walk_in, form_data(clinic1, ref[3]))  # campaign closed in March
    assert reason_codes(response) == [rules.CAMPAIGN_CLOSED]
    assert response.context["refusal_issuable"] is True
    body = response.content.decode()
    assert reverse("attachment:refuse", args=[walk_in.pk]) in body
    assert 'name="confirm_refusal"' in body
    assert_nothing_written(walk_in)


def test_seed_004_the_explicit_refusal_records_every_reason_of_the_decision(
    registrar_client, registrar1, walk_in, clinic1, ref
):
    response = post_refuse(
        registrar_client, walk_in, form_data(clinic1, ref[3], documents=[], confirm_refusal="on")
    )
    refusal = Refusal.objects.get(person=walk_in)
    assert response.status_code == 302
    assert response.url == reverse("attachment:refusal", args=[refusal.pk])
    assert (refusal.reason.code, refusal.created_by, refusal.organization) == (
        rules.CAMPAIGN_CLOSED,
        registrar1,
        clinic1,
    )
    explanation = " ".join(refusal.explanation_lines())
    assert "§10.3" in explanation and "identity document" in explanation
    assert {"code": rules.DOCUMENTS_INCOMPLETE, "params": {"documents": ["identity"]}} in refusal.reasons
    application = Application.objects.get(person=walk_in)
    assert application.status == Application.Status.REFUSED
    assert refusal.application == application
    assert Refusal.history.filter(id=refusal.pk, history_user=registrar1).exists()
    assert not Attachment.objects.exists()
    page = registrar_client.get(response.url)
    assert "A motivated refusal was issued" in page.content.decode()


def test_the_refusal_needs_its_own_confirmation(registrar_client, walk_in, clinic1, ref):
    response = post_refuse(registrar_client, walk_in, form_data(clinic1, ref[3]))
    assert response.status_code == 200
    assert response.context["form"].errors["confirm_refusal"]
    assert_nothing_written(walk_in)


def test_no_refusal_when_the_rules_allow_the_attachment(registrar_client, walk_in, clinic1, ref):
    response = post_refuse(registrar_client, walk_in, form_data(clinic1, ref[1], confirm_refusal="on"))
    assert response.status_code == 200
    assert "The rules allow this attachment" in response.content.decode()
    assert_nothing_written(walk_in)
    assert not Attachment.objects.exists()


def test_the_applications_report_counts_only_issued_refusals(registrar_client, clinic1, ref):
    slips = [PersonFactory(residence_atu=clinic1.atu) for _ in range(3)]
    for person in slips:
        post_attach(registrar_client, person, form_data(clinic1, ref[1], documents=[]))
    refused = PersonFactory(residence_atu=clinic1.atu)
    post_refuse(registrar_client, refused, form_data(clinic1, ref[3], confirm_refusal="on"))
    now = timezone.now()
    table = report_selectors.applications_summary(
        start=now - datetime.timedelta(days=1),
        end=now + datetime.timedelta(days=1),
        now=now,
        organizations=None,
    )
    assert [(row[2], row[7]) for row in table.rows] == [(1, 1)]  # received, refused
    assert [(r[2], r[4]) for r in table.extra["reasons"]] == [(rules.CAMPAIGN_CLOSED, 1)]


# --- the rule, in one place -----------------------------------------------------------------


def test_decide_tells_a_recorded_representative_without_a_document_from_none_recorded(clinic1):
    book = selectors.rule_book()
    base = dict(
        birth_date=datetime.date(2018, 5, 5),
        date_of_death=None,
        category=LegalCategory.CITIZEN,
        person_katos=["751210000"],
        person_in_city=True,
        border_neighbour_katos=frozenset(),
        organization_id=1,
        organization_kato="751210000",
        organization_may_attach=True,
        insured=True,
        contract_valid_to=None,
        has_representative_with_document=False,
    )

    def codes(**facts):
        decision = rules.decide(
            ground_rules=book.ground_rules,
            windows=book.windows,
            levels=book.levels,
            limits=book.limits,
            facts=rules.Facts(**{**base, **facts}),
            ground_code=1,
            channel=Channel.CLINIC,
            has_act=False,
            on=ON,
        )
        return [r.code for r in decision.refusals]

    assert codes(representative_recorded=False) == [rules.MINOR_WITHOUT_REPRESENTATIVE]
    assert codes(representative_recorded=True) == [rules.REPRESENTATIVE_WITHOUT_DOCUMENT]
    assert codes(has_representative_with_document=True, representative_recorded=True) == []


def test_a_refusal_is_never_issued_for_a_dead_person_or_one_already_attached_here():
    assert rules.refusal_issuable([rules.Refused(rules.PERSON_DEAD, "")]) is False
    assert (
        rules.refusal_issuable(
            [rules.Refused(rules.ALREADY_ATTACHED, ""), rules.Refused(rules.DOCUMENTS_INCOMPLETE, "")]
        )
        is False
    )
    assert rules.refusal_issuable([rules.Refused(rules.CAMPAIGN_CLOSED, "")]) is True
    assert rules.refusal_issuable([]) is False
