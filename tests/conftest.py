"""Shared fixtures: two clinics and a user of every role."""

import pytest
from django.utils import translation

from patients.access import AUDITOR, CLINIC_HEAD, REGISTRAR, RULES_ADMIN

from .factories import DistrictFactory, OrganizationFactory, staff_user
from .world import world_objects


@pytest.fixture(autouse=True)
def english_by_default(client):
    """Tests read the English source strings unless they ask for a language (the UI defaults to
    Russian; tests/test_translations.py checks the ru and kk pages). Code called outside a request
    (services, commands) runs in English too, whatever language an earlier request left active."""
    client.defaults.setdefault("HTTP_ACCEPT_LANGUAGE", "en")
    with translation.override("en"):
        yield


@pytest.fixture
def clinic1(db):
    return OrganizationFactory(name_ru="Поликлиника 1")


@pytest.fixture
def clinic2(db):
    return OrganizationFactory(name_ru="Поликлиника 2")


@pytest.fixture
def district1(clinic1):
    return DistrictFactory(organization=clinic1, code="01")


@pytest.fixture
def registrar1(clinic1):
    return staff_user("registrar1", REGISTRAR, clinic1)


@pytest.fixture
def registrar2(clinic2):
    return staff_user("registrar2", REGISTRAR, clinic2)


@pytest.fixture
def head1(clinic1):
    return staff_user("head1", CLINIC_HEAD, clinic1)


@pytest.fixture
def rules_admin(db):
    return staff_user("admin", RULES_ADMIN, None, is_staff=True, is_superuser=True)


@pytest.fixture
def auditor(db):
    return staff_user("auditor", AUDITOR, None, is_staff=True)


@pytest.fixture
def registrar_client(client, registrar1):
    client.force_login(registrar1)
    return client


@pytest.fixture
def world(db, clinic1, district1, registrar1, registrar2, head1, rules_admin, auditor):
    """One object of every kind, all of clinic 1 (tests/world.py), with a user of every role."""
    return world_objects(clinic1=clinic1, district1=district1, registrar1=registrar1, rules_admin=rules_admin)
