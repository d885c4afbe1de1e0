"""attachment_create: the rules of seed 002 (rules ҚР ДСМ-194/2020), each named after its point."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from attachment import rules, selectors
from attachment.models import (
    Attachment,
    AttachmentAct,
    AtuComparisonLevel,
    Channel,
    IntegrationPeriod,
    PurchaseContract,
)
from attachment.services import AttachmentRefused, attachment_create, attachments_close_on_death
from patients.access import CLINIC_HEAD, REGISTRAR
from patients.models import Atu, InsuredStatusPeriod, LegalCategory, LegalRepresentative
from patients.services import person_update

from ..factories import (
    AtuFactory,
    ContractFactory,
    DistrictFactory,
    DocumentFactory,
    OrganizationFactory,
    PersonFactory,
    staff_user,
)
from .conftest import ON

pytestmark = pytest.mark.django_db


def attach(person, organization, ground, on=ON, channel=Channel.CLINIC, user=None, **extra):
    return attachment_create(
        person=person,
        organization=organization,
        ground=ground,
        on=on,
        channel=channel,
        user=user,
        reason="application at the clinic",
        **extra,
    )


def refused_code(**kwargs) -> str:
    with pytest.raises(AttachmentRefused) as info:
        attach(**kwargs)
    return info.value.code


def test_par4_attaching_elsewhere_ends_previous_the_day_before_with_history(
    ref, citizen, clinic, other_clinic, registrar1
):
    first = attach(citizen, other_clinic, ref[1], on=datetime.date(2025, 1, 10), user=registrar1)
    second = attach(citizen, clinic, ref[1], on=ON, user=registrar1)
    first.refresh_from_db()
    assert first.valid_to == ON - datetime.timedelta(days=1)
    assert "§4" in first.end_reason
    assert (second.valid_from, second.valid_to) == (ON, None)
    last = first.history.order_by("-history_id").first()
    assert (last.history_user, last.valid_to) == (registrar1, first.valid_to)
    assert "§4" in last.history_change_reason
    assert second.history.get().history_change_reason == "application at the clinic"
    assert Attachment.objects.filter(person=citizen).count() == 2


def test_par4_exclusion_constraint_rejects_an_overlapping_attachment(ref, citizen, clinic, other_clinic):
    attach(citizen, clinic, ref[1])
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.create(
            person=citizen, organization=other_clinic, ground=ref[1], channel=Channel.CLINIC, valid_from=ON
        )
    assert Attachment.objects.filter(person=citizen).count() == 1


def test_par4_same_organization_is_refused(ref, citizen, clinic):
    attach(citizen, clinic, ref[1], on=datetime.date(2025, 1, 10))
    assert refused_code(person=citizen, organization=clinic, ground=ref[1]) == rules.ALREADY_ATTACHED


def test_par4_same_day_change_is_refused_and_leaves_first_attachment(ref, citizen, clinic, other_clinic):
    attach(citizen, clinic, ref[1])
    assert refused_code(person=citizen, organization=other_clinic, ground=ref[1]) == rules.LATER_ATTACHMENT
    assert list(Attachment.objects.filter(person=citizen).values_list("organization", "valid_to")) == [
        (clinic.pk, None)
    ]


def test_par4_organization_with_only_integrated_system_may_attach(ref, citizen, almaly):
    org = OrganizationFactory(atu=almaly, may_attach=False)
    IntegrationPeriod.objects.create(organization=org, valid_from=datetime.date(2025, 1, 1))
    assert attach(citizen, org, ref[1]).organization == org


def test_par4_organization_with_only_purchase_contract_may_attach(ref, citizen, almaly):
    org = OrganizationFactory(atu=almaly, may_attach=False)
    PurchaseContract.objects.create(organization=org, valid_from=datetime.date(2025, 1, 1))
    assert attach(citizen, org, ref[1]).organization == org


def test_par4_organization_with_neither_is_refused_and_nothing_written(ref, citizen, almaly):
    org = OrganizationFactory(atu=almaly, may_attach=False)
    code = refused_code(person=citizen, organization=org, ground=ref[1])
    assert code == rules.ORGANIZATION_MAY_NOT_ATTACH
    assert not Attachment.objects.exists()
    assert not Attachment.history.exists()


def test_rule7_decision_uses_the_attachment_date_not_today(ref, citizen, almaly):
    """Re-running a decision for a past date gives the answer of the rules then in force."""
    org = OrganizationFactory(atu=almaly, may_attach=False)
    PurchaseContract.objects.create(
        organization=org, valid_from=datetime.date(2024, 1, 1), valid_to=datetime.date(2025, 12, 31)
    )
    assert (
        refused_code(person=citizen, organization=org, ground=ref[1], on=ON)
        == rules.ORGANIZATION_MAY_NOT_ATTACH
    )
    past = attach(citizen, org, ref[1], on=datetime.date(2025, 6, 1))
    assert past.valid_from == datetime.date(2025, 6, 1)


def test_par3_1_permanent_categories_may_not_use_ground_4(ref, citizen, clinic):
    assert refused_code(person=citizen, organization=clinic, ground=ref[4]) == rules.GROUND_NOT_ALLOWED


@pytest.mark.parametrize("category", [1, 2, 3, 4, 5])
def test_par3_1_categories_1_to_5_use_gfmc_grounds(ref, clinic, almaly, category):
    person = PersonFactory(residence_atu=almaly, category=category)
    assert attach(person, clinic, ref[1]).ground.code == 1


def test_par3_1_temporary_category_needs_cshi_insurance_for_grounds_1_to_3(ref, clinic, almaly):
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ")
    assert refused_code(person=person, organization=clinic, ground=ref[1]) == rules.NOT_INSURED
    assert not Attachment.objects.exists()
    InsuredStatusPeriod.objects.create(person=person, valid_from=datetime.date(2026, 1, 1))
    assert attach(person, clinic, ref[1]).ground.code == 1


def test_par9_1_ground_4_attachment_lasts_for_contract_validity(ref, clinic):
    contract = ContractFactory(organization=clinic, valid_from=datetime.date(2026, 2, 1))
    attachment = attach(contract.insured, clinic, ref[4], channel=Channel.INSURER)
    assert (attachment.valid_from, attachment.valid_to, attachment.contract) == (
        ON,
        contract.valid_to,
        contract,
    )


def test_par9_1_ground_4_any_day_of_the_year_even_outside_atu(ref, clinic, auezov):
    contract = ContractFactory(
        organization=clinic, insured__residence_atu=auezov, valid_to=datetime.date(2026, 12, 31)
    )
    summer = datetime.date(2026, 7, 18)  # a Saturday, outside the campaign
    assert attach(contract.insured, clinic, ref[4], on=summer).valid_from == summer


def test_par9_1_ground_4_without_valid_contract_is_refused(ref, clinic, other_clinic):
    contract = ContractFactory(organization=other_clinic)
    person = contract.insured
    assert refused_code(person=person, organization=clinic, ground=ref[4]) == rules.NO_CONTRACT
    assert (
        refused_code(person=person, organization=other_clinic, ground=ref[4], on=datetime.date(2027, 2, 1))
        == rules.NO_CONTRACT
    )
    assert not Attachment.objects.exists()


def test_par9_1_family_member_named_in_contract_is_covered(ref, clinic):
    contract = ContractFactory(organization=clinic)
    spouse = PersonFactory(category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ")
    contract.family_members.add(spouse)
    assert attach(spouse, clinic, ref[4]).contract == contract


def test_par8_gfmc_attachment_within_one_atu(ref, clinic, almaly):
    """Cities of republican significance compare at city level by default, regions at district level."""
    region = Atu.objects.get(kato="190000000")
    talgar = AtuFactory(kato="194400000", level=Atu.Level.DISTRICT, parent=region)
    karasai = AtuFactory(kato="194800000", level=Atu.Level.DISTRICT, parent=region)
    village = AtuFactory(kato="194430100", level=Atu.Level.SETTLEMENT, parent=talgar)
    in_almaty_other_district = PersonFactory(residence_atu=Atu.objects.get(kato="751810000"))
    assert attach(in_almaty_other_district, clinic, ref[2]).organization == clinic
    villager = PersonFactory(residence_atu=village)
    assert refused_code(person=villager, organization=clinic, ground=ref[2]) == rules.OUTSIDE_ATU
    assert (
        refused_code(person=villager, organization=OrganizationFactory(atu=karasai), ground=ref[2])
        == rules.OUTSIDE_ATU
    )
    assert attach(villager, OrganizationFactory(atu=talgar), ref[2]).valid_from == ON


def test_par8_comparison_level_is_administrator_data(ref, clinic):
    AtuComparisonLevel.objects.filter(applies_to="city").update(valid_to=datetime.date(2026, 2, 28))
    AtuComparisonLevel.objects.create(
        applies_to="city", level=AtuComparisonLevel.Level.DISTRICT, valid_from=datetime.date(2026, 3, 1)
    )
    person = PersonFactory(residence_atu=Atu.objects.get(kato="751810000"))
    assert refused_code(person=person, organization=clinic, ground=ref[2]) == rules.OUTSIDE_ATU
    assert attach(person, clinic, ref[2], on=datetime.date(2026, 2, 27)).organization == clinic


def test_par8_border_area_resident_may_attach_in_neighbouring_atu(ref):
    region = Atu.objects.get(kato="190000000")
    home = AtuFactory(kato="195000000", level=Atu.Level.DISTRICT, parent=region, is_border_area=True)
    neighbour = AtuFactory(kato="195200000", level=Atu.Level.DISTRICT, parent=region)
    far = AtuFactory(kato="195400000", level=Atu.Level.DISTRICT, parent=region)
    home.neighbours.add(neighbour)
    person = PersonFactory(residence_atu=home)
    assert (
        refused_code(person=person, organization=OrganizationFactory(atu=far), ground=ref[2])
        == rules.OUTSIDE_ATU
    )
    assert attach(person, OrganizationFactory(atu=neighbour), ref[2]).valid_from == ON
    Atu.objects.filter(pk=home.pk).update(is_border_area=False)
    other = PersonFactory(residence_atu=home)
    assert refused_code(person=other, organization=OrganizationFactory(atu=neighbour), ground=ref[2]) == (
        rules.OUTSIDE_ATU
    )


def test_par10_3_ground_3_only_inside_the_campaign_window(ref, citizen, clinic):
    assert refused_code(person=citizen, organization=clinic, ground=ref[3]) == rules.CAMPAIGN_CLOSED
    assert (
        refused_code(person=citizen, organization=clinic, ground=ref[3], on=datetime.date(2026, 11, 16))
        == rules.CAMPAIGN_CLOSED
    )


def test_par10_3_campaign_attachment_takes_effect_1_january_and_current_stays_to_31_december(
    ref, citizen, clinic, other_clinic
):
    current = attach(citizen, other_clinic, ref[1], on=datetime.date(2025, 5, 5))
    new = attach(citizen, clinic, ref[3], on=datetime.date(2026, 10, 1))
    current.refresh_from_db()
    assert new.valid_from == datetime.date(2027, 1, 1)
    assert current.valid_to == datetime.date(2026, 12, 31)


def test_par10_3_campaign_of_an_atu_replaces_the_country_window(ref, citizen, clinic, almaly):
    from attachment.models import CampaignWindow

    CampaignWindow.objects.create(
        year=2026,
        atu=almaly.parent or almaly,
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 11, 1),
        takes_effect_on=datetime.date(2027, 1, 1),
    )
    assert (
        refused_code(person=citizen, organization=clinic, ground=ref[3], on=datetime.date(2026, 11, 10))
        == rules.CAMPAIGN_CLOSED
    )
    assert attach(citizen, clinic, ref[3], on=datetime.date(2026, 9, 2)).valid_from == datetime.date(
        2027, 1, 1
    )


def test_ground_2_free_choice_limited_to_once_a_year_ground_1_not_limited(ref, citizen, clinic, other_clinic):
    attach(citizen, other_clinic, ref[2], on=datetime.date(2025, 6, 1))
    assert refused_code(person=citizen, organization=clinic, ground=ref[2], on=datetime.date(2026, 5, 1)) == (
        rules.FREE_CHOICE_LIMIT
    )
    assert attach(citizen, clinic, ref[1], on=datetime.date(2026, 5, 1)).ground.code == 1
    later = PersonFactory(residence_atu=citizen.residence_atu)
    attach(later, other_clinic, ref[2], on=datetime.date(2025, 6, 1))
    assert attach(later, clinic, ref[2], on=datetime.date(2026, 6, 2)).ground.code == 2


def test_district_beyond_capacity_needs_the_clinic_heads_confirmation(ref, clinic, almaly, head1):
    registrar = staff_user("registrar_almaly", REGISTRAR, clinic)
    head = staff_user("head_almaly", CLINIC_HEAD, clinic)
    small = DistrictFactory(organization=clinic, code="09", capacity=1)
    attach(PersonFactory(residence_atu=almaly), clinic, ref[1], district=small)
    second = PersonFactory(residence_atu=almaly)
    assert (
        refused_code(person=second, organization=clinic, ground=ref[1], district=small) == rules.DISTRICT_FULL
    )
    with pytest.raises(ValidationError) as info:
        attach(second, clinic, ref[1], district=small, confirmed_by=registrar)
    assert "over_capacity_confirmed_by" in info.value.message_dict
    with pytest.raises(ValidationError):  # the head of another clinic
        attach(second, clinic, ref[1], district=small, confirmed_by=head1)
    attachment = attach(second, clinic, ref[1], district=small, confirmed_by=head, user=registrar)
    assert attachment.over_capacity_confirmed_by == head
    roomy = attach(
        PersonFactory(residence_atu=almaly),
        clinic,
        ref[1],
        district=DistrictFactory(organization=clinic),
        confirmed_by=head,
    )
    assert roomy.over_capacity_confirmed_by is None  # recorded only when it was needed
    assert Attachment.objects.filter(district=small).count() == 2


def test_district_of_another_organization_is_rejected(ref, citizen, clinic, other_clinic):
    foreign = DistrictFactory(organization=other_clinic)
    with pytest.raises(ValidationError) as info:
        attach(citizen, clinic, ref[1], district=foreign)
    assert "district" in info.value.message_dict
    assert not Attachment.objects.exists()


def test_par2_minor_needs_a_legal_representative_with_identity_document(ref, clinic, almaly):
    child = PersonFactory(residence_atu=almaly, born=datetime.date(2015, 4, 1))
    assert (
        refused_code(person=child, organization=clinic, ground=ref[1]) == rules.MINOR_WITHOUT_REPRESENTATIVE
    )
    parent = PersonFactory(residence_atu=almaly)
    link = LegalRepresentative.objects.create(child=child, representative=parent, relationship="parent")
    assert (  # recorded, but without their identity document: said as such
        refused_code(person=child, organization=clinic, ground=ref[1])
        == rules.REPRESENTATIVE_WITHOUT_DOCUMENT
    )
    link.document = DocumentFactory(person=parent)
    link.save()
    assert attach(child, clinic, ref[1]).person == child


def test_par2_adult_on_the_attachment_date_needs_no_representative(ref, clinic, almaly):
    person = PersonFactory(residence_atu=almaly, born=datetime.date(2008, 3, 2))
    assert refused_code(person=person, organization=clinic, ground=ref[1], on=datetime.date(2026, 3, 1)) == (
        rules.MINOR_WITHOUT_REPRESENTATIVE
    )
    assert attach(person, clinic, ref[1], on=datetime.date(2026, 3, 2)).person == person


def test_death_ends_the_active_attachment_on_the_date_of_death(ref, citizen, clinic, registrar1):
    attachment = attach(citizen, clinic, ref[1], on=datetime.date(2025, 1, 1))
    died = datetime.date(2026, 4, 3)
    person = person_update(person=citizen, user=registrar1, reason="death certificate", date_of_death=died)
    assert attachments_close_on_death(person=person, user=registrar1) == 1
    assert attachments_close_on_death(person=person, user=registrar1) == 0  # idempotent
    attachment.refresh_from_db()
    assert attachment.valid_to == died
    assert attachment.history.count() == 2
    assert refused_code(person=person, organization=clinic, ground=ref[1], on=died) == rules.PERSON_DEAD


def test_act_commission_protocol_attaches_by_place_and_records_the_act(ref, clinic, auezov):
    convict = PersonFactory(residence_atu=auezov)  # residence elsewhere: the act decides the place
    act = AttachmentAct.objects.create(
        kind=AttachmentAct.Kind.COMMISSION_PROTOCOL,
        number="17",
        date=datetime.date(2026, 2, 20),
        issuer="Алматы қ. өңірлік комиссиясы",
    )
    attachment = attach(convict, clinic, ref[1], channel=Channel.ACT, act=act)
    assert (attachment.act, attachment.channel) == (act, Channel.ACT)


def test_act_channel_without_act_is_rejected_by_service_and_constraint(ref, citizen, clinic):
    with pytest.raises(ValidationError):
        attach(citizen, clinic, ref[1], channel=Channel.ACT)
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.create(
            person=citizen, organization=clinic, ground=ref[1], channel=Channel.ACT, valid_from=ON
        )
    assert not Attachment.objects.exists()


def test_ground_5_contests_only_an_attachment_by_the_regional_commission(ref, clinic, other_clinic, almaly):
    person = PersonFactory(residence_atu=almaly)
    assert refused_code(person=person, organization=clinic, ground=ref[5]) == rules.NOT_ATTACHED_BY_COMMISSION
    act = AttachmentAct.objects.create(
        kind=AttachmentAct.Kind.COMMISSION_PROTOCOL,
        number="3",
        date=datetime.date(2025, 1, 5),
        issuer="комиссия",
    )
    attach(person, other_clinic, ref[1], on=datetime.date(2025, 1, 10), channel=Channel.ACT, act=act)
    assert attach(person, clinic, ref[5]).ground.code == 5


def test_par11_ground_4_is_not_applied_for_through_egov(ref, clinic):
    contract = ContractFactory(organization=clinic)
    assert (
        refused_code(person=contract.insured, organization=clinic, ground=ref[4], channel=Channel.EGOV)
        == rules.CHANNEL_NOT_ALLOWED
    )


def test_documents_checklist_incomplete_is_refused(ref, citizen, clinic):
    assert (
        refused_code(person=citizen, organization=clinic, ground=ref[1], documents=[])
        == rules.DOCUMENTS_INCOMPLETE
    )
    assert attach(citizen, clinic, ref[1], documents=["identity"]).person == citizen


def test_par8_district_capacity_counts_the_attached_on_the_date_as_the_attach_page_shows(ref, clinic, almaly):
    """§8 (the number already attached to the district): the rule reads the count of the
    attach page, the people attached on the date (`population.attached_on`)."""
    small = DistrictFactory(organization=clinic, code="08", capacity=1)
    later = datetime.date(2026, 5, 4)
    attach(PersonFactory(residence_atu=almaly), clinic, ref[1], on=later, district=small)
    assert [d.attached for d in selectors.district_counts_on(organization=clinic, on=ON)] == [0]
    assert (
        attach(PersonFactory(residence_atu=almaly), clinic, ref[1], on=ON, district=small).district == small
    )
    assert [d.attached for d in selectors.district_counts_on(organization=clinic, on=later)] == [2]
    assert (
        refused_code(
            person=PersonFactory(residence_atu=almaly),
            organization=clinic,
            ground=ref[1],
            on=later,
            district=small,
        )
        == rules.DISTRICT_FULL
    )


def test_attachment_status_is_derived_from_its_dates(ref, citizen, clinic):
    attachment = attach(citizen, clinic, ref[1])
    attachment.valid_to = datetime.date(2026, 12, 31)
    assert [
        attachment.status_on(d) for d in (ON - datetime.timedelta(days=1), ON, datetime.date(2027, 1, 1))
    ] == [
        "future",
        "active",
        "ended",
    ]
