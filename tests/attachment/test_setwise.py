"""The set-wise facts (transfers, the register import) equal the facts of the single attach."""

import dataclasses
import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from attachment.models import AttachmentAct, Channel
from attachment.services import attachment_create, attachment_facts, attachment_facts_many
from patients.models import InsuredStatusPeriod, LegalRepresentative

from ..factories import ContractFactory, DocumentFactory, PersonFactory
from .conftest import ON

pytestmark = pytest.mark.django_db


def test_facts_many_equal_single_facts_in_constant_queries(ref, clinic, other_clinic, almaly, auezov):
    people = [
        PersonFactory(residence_atu=almaly),
        PersonFactory(residence_atu=auezov, category=6, citizenship="UZ"),
    ]
    InsuredStatusPeriod.objects.create(person=people[1], valid_from=datetime.date(2025, 1, 1))
    child = PersonFactory(residence_atu=almaly, born=datetime.date(2016, 2, 2))
    LegalRepresentative.objects.create(
        child=child,
        representative=people[0],
        relationship="parent",
        document=DocumentFactory(person=people[0]),
    )
    lonely_child = PersonFactory(residence_atu=almaly, born=datetime.date(2017, 3, 3))
    covered = ContractFactory(organization=clinic).insured
    spouse = PersonFactory(category=6, citizenship="UZ")
    covered.contracts.get().family_members.add(spouse)
    act = AttachmentAct.objects.create(kind="commission_protocol", number="1", date=ON, issuer="commission")
    attachment_create(
        person=people[0],
        organization=other_clinic,
        ground=ref[1],
        on=datetime.date(2025, 1, 1),
        channel=Channel.ACT,
        act=act,
        user=None,
        reason="x",
    )
    everyone = [*people, child, lonely_child, covered, spouse]
    with CaptureQueriesContext(connection) as few:
        many = attachment_facts_many(persons=everyone, organization=clinic, on=ON)
    for person in everyone:
        single, _contract = attachment_facts(person=person, organization=clinic, ground=ref[1], on=ON)
        assert dataclasses.replace(single, missing_documents=()) == many[person.pk], person
    assert (
        many[covered.pk].contract_valid_to == many[spouse.pk].contract_valid_to == datetime.date(2026, 12, 31)
    )
    assert not many[lonely_child.pk].has_representative_with_document
    assert len(few.captured_queries) <= 12
