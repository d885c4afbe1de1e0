"""A failure in the middle of a family attachment (§9-1, all or none) leaves nothing written:
no attachment, no history row, no ended previous attachment, no coupon."""

import datetime

import pytest

from attachment.models import Attachment, Channel, Coupon, Refusal
from attachment.services import applications

from ..factories import ContractFactory, PersonFactory
from .conftest import attach_family

pytestmark = pytest.mark.django_db


class InjectedFailure(Exception):
    pass


def register_state() -> dict:
    return {
        "attachments": list(Attachment.objects.values()),
        "history": list(Attachment.history.values_list("history_id", flat=True)),
        "coupons": Coupon.objects.count(),
        "refusals": Refusal.objects.count(),
    }


def test_par9_1_failure_after_the_second_member_is_written_rolls_back_the_whole_family(
    ref, clinic, other_clinic, monkeypatch
):
    contract = ContractFactory(organization=clinic)
    spouse = PersonFactory(category=6, citizenship="UZ")
    son = PersonFactory(category=6, citizenship="UZ", born=datetime.date(2004, 5, 5))  # adult
    contract.family_members.add(spouse, son)
    previous = Attachment.objects.create(
        person=contract.insured,
        organization=other_clinic,
        ground=ref[1],
        channel=Channel.CLINIC,
        valid_from=datetime.date(2025, 1, 1),
    )
    real_create, calls = applications.attachment_create, []

    def fails_on_the_second_member(**kwargs):
        attachment = real_create(**kwargs)  # the member's rows are written, then the fault
        calls.append(attachment)
        if len(calls) == 2:
            raise InjectedFailure("the database connection dropped")
        return attachment

    monkeypatch.setattr(applications, "attachment_create", fails_on_the_second_member)
    before = register_state()
    with pytest.raises(InjectedFailure):
        attach_family(ref, clinic, [contract.insured, spouse, son])
    # The first member was attached (and their previous attachment ended) before the fault.
    assert len(calls) == 2 and calls[0].person == contract.insured
    assert register_state() == before
    previous.refresh_from_db()
    assert previous.valid_to is None


def test_par9_1_the_same_family_attaches_when_nothing_fails(ref, clinic, other_clinic):
    """The control: without the injected fault the same call attaches all three."""
    contract = ContractFactory(organization=clinic)
    spouse = PersonFactory(category=6, citizenship="UZ")
    son = PersonFactory(category=6, citizenship="UZ", born=datetime.date(2004, 5, 5))  # adult
    contract.family_members.add(spouse, son)
    attachments = attach_family(ref, clinic, [contract.insured, spouse, son])
    assert {a.person for a in attachments} == {contract.insured, spouse, son}
    assert Attachment.history.filter(history_type="+").count() == 3
