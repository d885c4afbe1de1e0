"""Records of a person (documents, representatives, family links, contingents, CSHI insured
periods, VMI/IMI contracts) are written by one service each (issue 18, item 2): it locks the person
first, as the attach service does before it reads exactly these records, validates, and writes
history with the user and the reason."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

import patients.services
from patients import services
from patients.models import (
    ContingentFlag,
    FamilyLink,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    LegalRepresentative,
)

from ..factories import InsurerFactory, OrganizationFactory, PersonFactory
from ..locks import BUSY, HeldPersonLock

JAN_1 = datetime.date(2026, 1, 1)


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(patients.services, "PERSON_LOCK_TIMEOUT", "300ms")


@pytest.fixture
def others(db):
    """The other rows a record may name: a relative, an insurer, a clinic."""
    return {
        "relative": PersonFactory(born=datetime.date(1965, 4, 2)),
        "insurer": InsurerFactory(),
        "clinic": OrganizationFactory(),
    }


# kind -> (the service, the model, the service's arguments besides the person, user and reason)
RECORDS = {
    "document": (
        "document_create",
        IdentityDocument,
        lambda o: {"kind": "id_card", "number": "045678912", "issued_on": JAN_1},
    ),
    "representative": (
        "representative_create",
        LegalRepresentative,
        lambda o: {"representative": o["relative"], "relationship": "parent"},
    ),
    "family": ("family_link_create", FamilyLink, lambda o: {"relative": o["relative"], "relation": "parent"}),
    "contingent": (
        "contingent_create",
        ContingentFlag,
        lambda o: {"kind": "pensioner", "document": "Pension certificate 12", "valid_from": JAN_1},
    ),
    "insured": ("insured_period_create", InsuredStatusPeriod, lambda o: {"valid_from": JAN_1}),
    "contract": (
        "contract_create",
        InsuranceContract,
        lambda o: {
            "kind": "imi",
            "insurer": o["insurer"],
            "number": "IMI-1",
            "valid_from": JAN_1,
            "valid_to": datetime.date(2026, 12, 31),
            "organization": o["clinic"],
        },
    ),
}

# kind -> what the registrar types on the person card's form
FORM_DATA = {
    "document": lambda o: {"kind": "id_card", "number": "045678912", "reason": "Document shown"},
    "representative": lambda o: {
        "representative": o["relative"].iin,
        "relationship": "parent",
        "reason": "Birth certificate shown",
    },
    "family": lambda o: {"relative": o["relative"].iin, "relation": "parent", "reason": "x"},
    "contingent": lambda o: {
        "kind": "pensioner",
        "document": "Pension certificate 12",
        "valid_from": "2026-01-01",
        "reason": "Certificate shown",
    },
    "insured": lambda o: {"valid_from": "2026-01-01", "source": "manual", "reason": "Fund data"},
    "contract": lambda o: {
        "kind": "imi",
        "insurer": o["insurer"].pk,
        "number": "IMI-1",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "organization": o["clinic"].pk,
        "reason": "Contract shown",
    },
}


def person_for(kind):
    if kind == "representative":
        return PersonFactory(born=datetime.date(2015, 5, 5))
    if kind == "contract":
        return PersonFactory(category=6, citizenship="UZ")
    return PersonFactory()


def create(kind, person, others, *, user, reason):
    name, _model, arguments = RECORDS[kind]
    owner = {"representative": "child", "contract": "insured"}.get(kind, "person")
    return getattr(services, name)(**{owner: person}, user=user, reason=reason, **arguments(others))


@pytest.mark.django_db
@pytest.mark.parametrize("kind", RECORDS)
def test_issue18_each_record_service_writes_history_with_user_and_reason(kind, others, registrar1):
    person = person_for(kind)
    record = create(kind, person, others, user=registrar1, reason="Shown at the desk")
    [row] = record.history.values_list("history_type", "history_user", "history_change_reason")
    assert row == ("+", registrar1.pk, "Shown at the desk")


@pytest.mark.django_db
@pytest.mark.parametrize("kind", sorted(set(RECORDS) - {"contingent"}))  # contingents may repeat
def test_issue18_a_record_the_database_would_refuse_is_a_validation_error_and_writes_nothing(
    kind, others, registrar1
):
    person = person_for(kind)
    create(kind, person, others, user=None, reason="first")
    model = RECORDS[kind][1]
    before = model.history.count()
    with pytest.raises(ValidationError):  # a second identical record: a constraint refuses it
        create(kind, person, others, user=None, reason="second")
    assert model.history.count() == before
    assert model.objects.count() == 1


@pytest.mark.django_db
def test_issue18_a_contract_held_by_an_employer_names_no_holder_person(others):
    person = person_for("contract")
    contract = services.contract_create(
        insured=person, user=None, reason="x", holder_employer="ТОО Ромашка", **RECORDS["contract"][2](others)
    )
    assert (contract.holder_person, contract.holder_employer) == (None, "ТОО Ромашка")
    assert (
        services.contract_create(
            insured=person, user=None, reason="x", **{**RECORDS["contract"][2](others), "number": "IMI-2"}
        ).holder_person
        == person
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", RECORDS)
def test_issue18_each_record_service_waits_for_the_person_lock_then_says_the_person_is_busy(
    kind, others, short_wait
):
    person = person_for(kind)
    model = RECORDS[kind][1]
    with HeldPersonLock(person):
        with pytest.raises(services.PersonBusy) as busy:
            create(kind, person, others, user=None, reason="x")
        assert busy.value.messages == [BUSY]
    assert not model.objects.exists()
    assert not model.history.exists()
    create(kind, person, others, user=None, reason="x")  # the lock released: written
    assert model.objects.count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("kind", FORM_DATA)
def test_issue18_the_person_card_forms_wait_for_the_person_lock_and_write_nothing_meanwhile(
    kind, others, registrar_client, short_wait
):
    person = person_for(kind)
    model = RECORDS[kind][1]
    url = reverse("patients:dependent_create", args=[person.pk, kind])
    with HeldPersonLock(person):
        response = registrar_client.post(url, FORM_DATA[kind](others))
        assert response.status_code == 200
        assert BUSY in response.context["form"].non_field_errors()
    assert not model.objects.exists()
    assert registrar_client.post(url, FORM_DATA[kind](others)).status_code == 302
    assert model.objects.count() == 1
