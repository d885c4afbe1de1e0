"""Fixtures of the attachment engine: reference data and places of Almaty city."""

import datetime

import pytest

from attachment import reference_data as attachment_reference
from attachment.models import Attachment, Channel, Ground
from attachment.services import family_attach
from patients import reference_data as patients_reference
from patients.models import Atu, IdentityDocument, LegalCategory

from ..factories import DistrictFactory, OrganizationFactory, PersonFactory

ON = datetime.date(2026, 3, 2)  # a Monday outside the campaign


@pytest.fixture
def ref(db):
    """Reference data as loaded in production; returns the grounds by code."""
    patients_reference.load()
    attachment_reference.load()
    return {g.code: g for g in Ground.objects.all()}


@pytest.fixture
def almaly(ref):
    return Atu.objects.get(kato="751210000")


@pytest.fixture
def auezov(ref):
    return Atu.objects.get(kato="751310000")


@pytest.fixture
def clinic(almaly):
    """A clinic in Almaly district of Almaty with a Fund contract and an integrated system."""
    return OrganizationFactory(atu=almaly, name_ru="Поликлиника Алмалы")


@pytest.fixture
def other_clinic(auezov):
    return OrganizationFactory(atu=auezov, name_ru="Поликлиника Ауэзова")


@pytest.fixture
def district(clinic):
    return DistrictFactory(organization=clinic, code="01", capacity=100)


@pytest.fixture
def citizen(almaly):
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN)
    IdentityDocument.objects.create(
        person=person, kind=IdentityDocument.Kind.ID_CARD, number=f"ID{person.iin}"
    )
    return person


def attach_family(ref, organization, members, *, reason="family application with written consent"):
    """A VMI/IMI family application (§9-1, ground 4) at the clinic's desk, by the first member."""
    return family_attach(
        applicant=members[0],
        members=members,
        organization=organization,
        ground=ref[4],
        on=ON,
        channel=Channel.CLINIC,
        user=None,
        reason=reason,
    )


@pytest.fixture
def scene(ref, clinic, other_clinic):
    """Reconciliation: five persons attached to the clinic on ON and one attached nowhere, one per
    group (tests/attachment/test_reconcile.py)."""

    def attached(name, organization=clinic):
        person = PersonFactory(last_name=name)
        Attachment.objects.create(
            person=person,
            organization=organization,
            ground=ref[1],
            channel=Channel.CLINIC,
            valid_from=datetime.date(2025, 6, 1),
        )
        return person

    people = {
        "both": attached("Обоих"),
        "here_only": attached("Здесь"),
        "elsewhere": attached("Другая"),
        "dead": attached("Умер"),
        "register_only": PersonFactory(last_name="Реестр"),
        "moved_here_later": attached("Ушёл"),
    }
    return people
