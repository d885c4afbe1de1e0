"""A coupon of clinic 1, for the checks of its public page and files."""

import datetime

import pytest

from attachment.models import Attachment, Ground
from attachment.services import coupon_issue

from ..factories import PersonFactory, grounds


@pytest.fixture
def coupon(clinic1, district1, registrar1):
    grounds()
    attachment = Attachment.objects.create(
        person=PersonFactory(),
        organization=clinic1,
        district=district1,
        ground=Ground.objects.order_by("code").first(),
        channel="clinic",
        valid_from=datetime.date(2026, 1, 1),
    )
    return coupon_issue(attachment=attachment, on=attachment.valid_from, user=registrar1)
