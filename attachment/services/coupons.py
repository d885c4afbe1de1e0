"""Attachment coupons (form of ҚР ДСМ-175/2020): numbered per organization and year; prints recorded."""

from __future__ import annotations

import datetime
import secrets

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from patients.services import record_history

from ..models import Attachment, Coupon, CouponPrint, Organization


@transaction.atomic
def coupon_issue(*, attachment: Attachment, on: datetime.date, user) -> Coupon:
    """The attachment's coupon; the first call numbers it (idempotent afterwards)."""
    existing = Coupon.objects.filter(attachment=attachment).first()
    if existing is not None:
        return existing
    # Lock the organization row: two registrars issuing at once must not take the same number.
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
