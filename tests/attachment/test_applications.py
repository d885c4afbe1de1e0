"""The state service: applications with due times, motivated refusals, family attachment (§9-1)."""

import datetime
import zoneinfo

import pytest
from django.core.exceptions import ValidationError

from attachment import rules
from attachment.models import Application, Attachment, Channel, Refusal
from attachment.services import (
    AttachmentRefused,
    CouponAlreadyIssued,
    FamilyRefused,
    application_attach,
    application_receive,
    application_refuse,
    coupon_issue,
)

from ..factories import ContractFactory, PersonFactory
from .conftest import ON, attach_family

pytestmark = pytest.mark.django_db
ALMATY = zoneinfo.ZoneInfo("Asia/Almaty")


def receive(person, organization, ground, received_at, **extra):
    return application_receive(
        person=person,
        organization=organization,
        ground=ground,
        channel=extra.pop("channel", Channel.CLINIC),
        documents=extra.pop("documents", ["identity"]),
        requested_on=received_at.date(),
        received_at=received_at,
        user=None,
        **extra,
    )


def test_seed_004_due_one_working_day_after_receipt_over_independence_day(ref, citizen, clinic):
    received = datetime.datetime(2026, 12, 15, 16, 0, tzinfo=ALMATY)  # Tuesday; 16.12 is a holiday
    application = receive(citizen, clinic, ref[1], received)
    assert application.due_by == datetime.datetime(2026, 12, 17, 16, 0, tzinfo=ALMATY)


def test_decided_application_attaches_and_records_who_and_when(ref, citizen, clinic, registrar1):
    application = receive(citizen, clinic, ref[1], datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY))
    attachment = application_attach(application=application, user=registrar1, reason="walk-in")
    application.refresh_from_db()
    assert isinstance(attachment, Attachment)
    assert attachment.application == application
    assert (application.status, application.decided_by) == (Application.Status.ATTACHED, registrar1)
    with pytest.raises(ValidationError):
        application_attach(application=application, user=registrar1, reason="again")
    with pytest.raises(ValidationError):
        application_refuse(application=application, user=registrar1, reason="again")


def test_application_without_the_documents_of_the_checklist_is_not_attached_and_waits(ref, citizen, clinic):
    """Documents not ticked are a slip to correct, not a motivated refusal: nothing is written."""
    application = receive(
        citizen, clinic, ref[1], datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY), documents=[]
    )
    with pytest.raises(AttachmentRefused) as refused:
        application_attach(application=application, user=None, reason="walk-in")
    assert refused.value.code == rules.DOCUMENTS_INCOMPLETE
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED
    assert not Attachment.objects.exists()
    assert not Refusal.objects.exists()


def test_motivated_refusal_is_recorded_with_reason_code_and_explanation(ref, citizen, clinic, registrar1):
    application = receive(citizen, clinic, ref[3], datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY))
    with pytest.raises(AttachmentRefused):
        application_attach(application=application, user=registrar1, reason="walk-in")
    assert not Refusal.objects.exists()
    refusal = application_refuse(application=application, user=registrar1, reason="walk-in")
    application.refresh_from_db()
    assert isinstance(refusal, Refusal)
    assert (refusal.reason.code, refusal.application, refusal.created_by) == (
        rules.CAMPAIGN_CLOSED,
        application,
        registrar1,
    )
    assert refusal.reasons == [{"code": rules.CAMPAIGN_CLOSED, "params": {}}]
    assert "§10.3" in " ".join(refusal.explanation_lines())
    assert application.status == Application.Status.REFUSED
    assert not Attachment.objects.exists()


def test_no_refusal_is_issued_when_the_rules_allow_the_attachment(ref, citizen, clinic, registrar1):
    application = receive(citizen, clinic, ref[1], datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY))
    with pytest.raises(ValidationError):
        application_refuse(application=application, user=registrar1, reason="walk-in")
    application.refresh_from_db()
    assert application.status == Application.Status.RECEIVED
    assert not Refusal.objects.exists()


def test_par9_1_family_attachment_creates_one_per_member(ref, clinic):
    contract = ContractFactory(organization=clinic)
    spouse = PersonFactory(category=6, citizenship="UZ")
    contract.family_members.add(spouse)
    attachments = attach_family(ref, clinic, [contract.insured, spouse])
    assert {a.person for a in attachments} == {contract.insured, spouse}


def test_par9_1_family_attachment_is_all_or_none(ref, clinic):
    contract = ContractFactory(organization=clinic)
    not_covered = PersonFactory(category=6, citizenship="UZ")
    with pytest.raises(FamilyRefused) as info:
        attach_family(ref, clinic, [contract.insured, not_covered], reason="family")
    assert list(info.value.refused) == [not_covered]
    assert info.value.refused[not_covered][0].code == rules.NO_CONTRACT
    assert not Attachment.objects.exists()
    assert not Attachment.history.exists()


def test_coupon_number_is_unique_per_organization_and_year(ref, clinic, other_clinic, almaly):
    numbers = []
    for org in (clinic, clinic, other_clinic):
        person = PersonFactory(residence_atu=almaly if org == clinic else other_clinic.atu)
        attachment = application_attach(
            application=receive(person, org, ref[1], datetime.datetime(2026, 3, 2, 10, 0, tzinfo=ALMATY)),
            user=None,
            reason="x",
        )
        coupon = coupon_issue(attachment=attachment, on=ON, user=None)
        with pytest.raises(CouponAlreadyIssued):  # one coupon per attachment (test_coupons.py)
            coupon_issue(attachment=attachment, on=ON, user=None)
        numbers.append((org.pk, coupon.number))
    assert numbers == [
        (clinic.pk, "2026-000001"),
        (clinic.pk, "2026-000002"),
        (other_clinic.pk, "2026-000001"),
    ]
