"""Attachment coupons (form of ҚР ДСМ-175/2020): numbered per organization and year; prints recorded."""

from __future__ import annotations

import datetime
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from patients.services import person_lock, record_history

from ..models import Attachment, Coupon, CouponPrint, Organization


class CouponAlreadyIssued(ValidationError):
    """The attachment has its coupon already (a double submit, two registrars at once); nothing
    was written. `coupon` is the one issued."""

    def __init__(self, coupon: Coupon):
        super().__init__(
            _("The coupon of this attachment was already issued: № %(number)s.") % {"number": coupon.number},
            code="coupon_already_issued",
        )
        self.coupon = coupon


@transaction.atomic
def coupon_issue(*, attachment: Attachment, on: datetime.date, user) -> Coupon:
    """Number the attachment's coupon. An attachment has one coupon: a second issue raises
    CouponAlreadyIssued, naming it."""
    # Lock order: the person, the attachment, then the organization's numbering. A double click
    # (or two registrars) issuing one attachment's coupon run one after the other, and the second
    # finds the first's coupon here, under the lock, instead of failing on its unique attachment.
    person_lock(attachment.person_id)
    Attachment.objects.select_for_update(no_key=True).get(pk=attachment.pk)
    existing = Coupon.objects.filter(attachment_id=attachment.pk).first()
    if existing is not None:
        raise CouponAlreadyIssued(existing)
    # Two registrars issuing coupons of one organization at once must not take the same number.
    Organization.objects.select_for_update(no_key=True).get(pk=attachment.organization_id)
    last = Coupon.objects.filter(organization_id=attachment.organization_id, year=on.year).aggregate(
        last=Max("serial")
    )["last"]
    coupon = Coupon(
        attachment=attachment,
        organization_id=attachment.organization_id,
        year=on.year,
        serial=(last or 0) + 1,
        token=secrets.token_urlsafe(24),
        issued_by=user,
    )
    coupon.full_clean()
    record_history(coupon, user=user, reason=_("Coupon issued"))
    coupon.save()
    return coupon


def coupon_print_record(*, coupon: Coupon, user, language: str, file_format: str) -> CouponPrint:
    """Every print and reprint leaves a row."""
    return CouponPrint.objects.create(
        coupon=coupon, printed_by=user, language=language, file_format=file_format
    )
