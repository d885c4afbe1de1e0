"""What a ground means is read from its row (§10): a new ground is a row in the admin's tables."""

import datetime

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from attachment.models import Attachment, Ground, GroundRule
from attachment.services import attachment_create, attachments_transfer
from patients.models import LegalCategory

from ..factories import OrganizationFactory, PersonFactory
from .conftest import ON

pytestmark = pytest.mark.django_db


def test_par10_nine_grounds_carry_their_meaning_as_flags(ref):
    assert {g.code for g in Ground.objects.filter(needs_contract=True)} == {4}
    assert {g.code for g in Ground.objects.filter(moves_in_bulk=True)} == {6, 7, 8, 9}


def test_par10_tenth_ground_added_in_the_admin_attaches_and_moves_without_code_change(
    client, rules_admin, ref, clinic, almaly
):
    client.force_login(rules_admin)
    response = client.post(
        reverse("admin:attachment_ground_add"),
        {
            "code": "10",
            "name_kk": "Жаңа негіз",
            "name_ru": "Новое основание",
            "moves_in_bulk": "on",
            "change_reason": "Amendment of §10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    tenth = Ground.objects.get(code=10)
    response = client.post(
        reverse("admin:attachment_groundrule_add"),
        {
            "category": LegalCategory.CITIZEN,
            "ground": tenth.pk,
            "condition": "none",
            "residence_atu": "on",
            "channels": ["clinic", "act"],
            "valid_from": "2026-01-01",
            "change_reason": "Amendment of §10",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GroundRule.objects.filter(ground=tenth, category=LegalCategory.CITIZEN).exists()

    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN)
    attachment = attachment_create(
        person=person, organization=clinic, ground=tenth, on=ON, channel="clinic", user=None, reason="x"
    )
    assert (attachment.ground.code, attachment.valid_from, attachment.contract) == (10, ON, None)

    # The flag alone makes it a ground of the bulk move (form and service).
    target = OrganizationFactory(atu=almaly)
    result = attachments_transfer(
        source=clinic,
        target=target,
        ground=tenth,
        on=ON + datetime.timedelta(days=30),
        user=rules_admin,
        reason="new facility",
    )
    assert result.summary == "moved=1 refused=0"
    assert Attachment.objects.get(person=person, organization=target).ground == tenth


def test_par10_a_ground_that_does_not_move_in_bulk_is_refused_for_a_transfer(ref, clinic, almaly):
    from django.core.exceptions import ValidationError

    target = OrganizationFactory(atu=almaly)
    with pytest.raises(ValidationError) as refused:
        attachments_transfer(source=clinic, target=target, ground=ref[2], on=ON, user=None, reason="x")
    assert "ground" in refused.value.message_dict


def test_ground_code_positive_constraint_rejects_code_zero(ref):
    with pytest.raises(IntegrityError), transaction.atomic():
        Ground.objects.create(code=0, name_kk="x", name_ru="x")
    Ground.objects.create(code=11, name_kk="Он бірінші", name_ru="Одиннадцатое")
