"""Coverage fixtures: the reference rule tables and people of each kind."""

import datetime

import pytest

from coverage.models import ServiceLimit
from coverage.reference_data import load
from patients.models import InsuranceContract, InsuredStatusPeriod, LegalCategory

from ..factories import ContractFactory, PersonFactory

D = datetime.date
INSURED_FROM = D(2020, 1, 1)


@pytest.fixture
def rule_tables(db):
    return load()


@pytest.fixture
def citizen(rule_tables):
    return PersonFactory(category=LegalCategory.CITIZEN, citizenship="KZ")


@pytest.fixture
def temporary_foreigner(rule_tables):
    return PersonFactory(category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ")


@pytest.fixture
def limit(rule_tables):
    """Returns a getter: limit(leaflet_row) -> ServiceLimit."""
    return lambda row: ServiceLimit.objects.get(package__code="gfmc_dangerous", leaflet_number=row)


def insure(person, valid_from=INSURED_FROM, valid_to=None):
    return InsuredStatusPeriod.objects.create(person=person, valid_from=valid_from, valid_to=valid_to)


def contract(person, kind=InsuranceContract.Kind.IMI, **extra):
    return ContractFactory(insured=person, holder_person=person, kind=kind, **extra)
