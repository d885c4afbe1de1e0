"""Each rule on its own date (seed 002 §4, §10.3): a campaign application is received in the
window, and the attachment it makes takes effect on 1 January; the window is checked on the
receipt date, the conditions of the attachment itself on the date it takes effect. The attach
service (`rules.decide`) and the register import (`rules.decide_sql`) agree."""

import datetime

import pytest

from attachment import rules
from attachment.models import Attachment, Channel, IntegrationPeriod, PurchaseContract
from attachment.services import AttachmentRefused, attachment_create, attachment_decide
from patients.models import InsuredStatusPeriod, LegalCategory

from ..factories import OrganizationFactory, PersonFactory
from .test_import_rules_parity import both_decisions, import_decision

pytestmark = pytest.mark.django_db

RECEIVED = datetime.date(2026, 10, 1)  # in the campaign window 15.09–15.11
TAKES_EFFECT = datetime.date(2027, 1, 1)


def organization_with_fund_contract(almaly, valid_from, valid_to=None):
    organization = OrganizationFactory(atu=almaly, may_attach=False)
    PurchaseContract.objects.create(organization=organization, valid_from=valid_from, valid_to=valid_to)
    return organization


def codes(person, organization, ground, on):
    decision = attachment_decide(
        person=person, organization=organization, ground=ground, on=on, channel=Channel.CLINIC
    )
    return [r.code for r in decision.refusals], decision


def test_par4_campaign_attachment_checks_fund_contract_on_effective_date(ref, almaly):
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN, citizenship="KZ")
    ending = organization_with_fund_contract(almaly, datetime.date(2020, 1, 1), datetime.date(2026, 12, 31))
    starting = organization_with_fund_contract(almaly, TAKES_EFFECT)

    refused, _decision = codes(person, ending, ref[3], RECEIVED)
    assert refused == [rules.ORGANIZATION_MAY_NOT_ATTACH]
    allowed, decision = codes(person, starting, ref[3], RECEIVED)
    assert allowed == [] and decision.starts_on == TAKES_EFFECT

    with pytest.raises(AttachmentRefused):
        attachment_create(
            person=person,
            organization=ending,
            ground=ref[3],
            on=RECEIVED,
            channel=Channel.CLINIC,
            user=None,
            reason="campaign application",
        )
    attachment = attachment_create(
        person=person,
        organization=starting,
        ground=ref[3],
        on=RECEIVED,
        channel=Channel.CLINIC,
        user=None,
        reason="campaign application",
    )
    assert attachment.valid_from == TAKES_EFFECT


def test_par4_the_import_checks_the_fund_contract_on_the_effective_date_like_the_service(ref, almaly):
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN, citizenship="KZ")
    ending = organization_with_fund_contract(almaly, datetime.date(2020, 1, 1), datetime.date(2026, 12, 31))
    starting = organization_with_fund_contract(almaly, TAKES_EFFECT)
    for organization, expected in ((ending, [rules.ORGANIZATION_MAY_NOT_ATTACH]), (starting, [])):
        service, (set_wise, _unruled) = both_decisions(person, organization, ref[3], RECEIVED)
        assert service == set_wise == expected
    got, result = import_decision(person, starting, ref[3], RECEIVED)
    assert got == set() and result.written
    assert Attachment.objects.get(person=person, organization=starting).valid_from == TAKES_EFFECT


def test_par10_3_the_campaign_window_is_checked_on_the_receipt_date_not_the_effective_date(
    ref, clinic, almaly
):
    """Received after the window closed: refused, although 1 January is a date the attachment
    could take effect on; received inside it: the attachment starts on 1 January."""
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN, citizenship="KZ")
    assert codes(person, clinic, ref[3], datetime.date(2026, 11, 20))[0] == [rules.CAMPAIGN_CLOSED]
    assert codes(person, clinic, ref[3], datetime.date(2026, 11, 15))[1].starts_on == TAKES_EFFECT


def test_par3_1_cshi_status_of_a_campaign_attachment_is_checked_on_the_effective_date(ref, clinic, almaly):
    """A temporary resident insured from 1 January may apply in the campaign; one insured until
    31 December may not (the attachment would start uninsured)."""
    insured_from_january = PersonFactory(
        residence_atu=almaly, category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ"
    )
    InsuredStatusPeriod.objects.create(person=insured_from_january, valid_from=TAKES_EFFECT)
    insured_until_december = PersonFactory(
        residence_atu=almaly, category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ"
    )
    InsuredStatusPeriod.objects.create(
        person=insured_until_december,
        valid_from=datetime.date(2026, 1, 1),
        valid_to=datetime.date(2026, 12, 31),
    )
    assert codes(insured_from_january, clinic, ref[3], RECEIVED)[0] == []
    assert codes(insured_until_december, clinic, ref[3], RECEIVED)[0] == [rules.NOT_INSURED]
    for person, expected in ((insured_from_january, []), (insured_until_december, [rules.NOT_INSURED])):
        service, (set_wise, _unruled) = both_decisions(person, clinic, ref[3], RECEIVED)
        assert service == set_wise == expected


def test_an_organization_integrated_only_from_1_january_gets_campaign_attachments(ref, almaly):
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN, citizenship="KZ")
    organization = OrganizationFactory(atu=almaly, may_attach=False)
    IntegrationPeriod.objects.create(organization=organization, valid_from=TAKES_EFFECT)
    assert codes(person, organization, ref[3], RECEIVED)[0] == []
    assert codes(person, organization, ref[2], RECEIVED)[0] == [rules.ORGANIZATION_MAY_NOT_ATTACH]
