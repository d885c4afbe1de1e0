"""The ground rules table is complete (seed 002 §3-1, §10): no category is left without a row
for a ground it can be moved under."""

import datetime

import pytest

from attachment.models import Attachment, GroundCondition, GroundRule
from attachment.services import attachment_create, attachments_transfer
from patients.models import InsuredStatusPeriod, LegalCategory

from ..factories import OrganizationFactory, PersonFactory
from .conftest import ON

pytestmark = pytest.mark.django_db

TEMPORARY = [
    LegalCategory.TEMPORARY_FOREIGNER,
    LegalCategory.TEMPORARY_STATELESS,
    LegalCategory.ASYLUM_SEEKER,
]


def test_par3_1_par10_grounds_6_to_9_for_categories_6_to_8_have_the_condition_of_grounds_1_to_3(ref):
    for category in TEMPORARY:
        conditions = {
            r.ground.code: r.condition
            for r in GroundRule.objects.filter(category=category).select_related("ground")
        }
        assert {conditions[code] for code in (1, 2, 3, 6, 7, 8, 9)} == {GroundCondition.CSHI_INSURED}


@pytest.mark.parametrize("ground_code", [6, 7, 8, 9])
def test_par3_1_par10_6_insured_temporary_foreigner_moves_with_a_liquidated_organization(
    ref, clinic, almaly, ground_code
):
    """A temporary foreigner attached under ground 2 while CSHI-insured moves with the others when
    the organization is liquidated; one no longer insured on the date of the move is refused."""
    target = OrganizationFactory(atu=almaly)
    insured = PersonFactory(
        residence_atu=almaly, category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ"
    )
    lapsed = PersonFactory(residence_atu=almaly, category=LegalCategory.TEMPORARY_STATELESS, citizenship="")
    InsuredStatusPeriod.objects.create(person=insured, valid_from=datetime.date(2026, 1, 1))
    InsuredStatusPeriod.objects.create(
        person=lapsed, valid_from=datetime.date(2026, 1, 1), valid_to=datetime.date(2026, 3, 31)
    )
    for person in (insured, lapsed):
        attachment_create(
            person=person, organization=clinic, ground=ref[2], on=ON, channel="clinic", user=None, reason="x"
        )
    moved_on = datetime.date(2026, 5, 4)
    kwargs = {"source": clinic, "target": target, "ground": ref[ground_code], "on": moved_on}
    result = attachments_transfer(**kwargs, user=None, reason="liquidation", skip_refused=True)
    assert result.moved == 1
    assert [(pk, [r.code for r in refusals]) for pk, _name, refusals in result.refused] == [
        (lapsed.pk, ["not_insured"])
    ]
    assert Attachment.objects.get(person=insured, organization=target).valid_from == moved_on
    assert Attachment.objects.get(person=lapsed, organization=clinic).valid_to is None
