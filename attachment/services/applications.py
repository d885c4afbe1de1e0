"""The state service "attachment to a PHC organization": receive, decide, refuse; family attachment."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.models import Person
from patients.services import person_lock, persons_lock, record_history

from .. import rules, selectors
from ..models import Application, Attachment, Channel, District, Ground, Organization, Refusal, RefusalReason
from .attach import AttachmentRefused, attachment_create

BACKDATE_RECEIPT = "attachment.backdate_receipt"


def receipt_date_error(*, user, received_on: datetime.date, birth_date: datetime.date, today: datetime.date):
    """Why a registrar may not give this day as the day the application was received (None when
    they may): never after today, never before the person's birth, and more than
    `RECEIPT_DATE_GRACE_DAYS` days back only for a user who may backdate a receipt (rules
    administrators; the form asks everyone for the reason). The campaign window is checked on
    this day, so an earlier day must not open a closed campaign at the desk."""
    if received_on > today:
        return _("An application cannot be received after today.")
    if received_on < birth_date:
        return _("An application cannot be received before the person's birth date (%(date)s).") % {
            "date": f"{birth_date:%d.%m.%Y}"
        }
    earliest = today - datetime.timedelta(days=settings.RECEIPT_DATE_GRACE_DAYS)
    if received_on < earliest and not user.has_perm(BACKDATE_RECEIPT):
        return _(
            "An application received before %(date)s is recorded by a rules administrator, with the reason."
        ) % {"date": f"{earliest:%d.%m.%Y}"}
    return None


def application_due_by(received_at: datetime.datetime) -> datetime.datetime:
    """One working day after receipt (seed 004 items 7–9), by the working calendar."""
    local = timezone.localtime(received_at)
    exceptions = selectors.calendar_exceptions(
        start=local.date(), end=local.date() + datetime.timedelta(days=30)
    )
    return rules.due_by(local, exceptions)


@transaction.atomic
def application_receive(
    *,
    person: Person,
    organization: Organization,
    ground: Ground,
    channel: str,
    requested_on: datetime.date,
    received_at: datetime.datetime,
    user,
    district: District | None = None,
    contract=None,
    applicant: Person | None = None,
    documents: list[str] | None = None,
) -> Application:
    application = Application(
        person=person,
        organization=organization,
        ground=ground,
        channel=channel,
        district=district,
        contract=contract,
        applicant=applicant,
        documents=list(documents or []),
        requested_on=requested_on,
        received_at=received_at,
        due_by=application_due_by(received_at),
        received_by=user,
    )
    application.full_clean()
    record_history(application, user=user, reason=_("Application received"))
    application.save()
    return application


def refusal_record(
    *,
    person: Person,
    organization: Organization,
    ground: Ground,
    on: datetime.date,
    refusals: list[rules.Refused],
    user,
    application: Application | None = None,
) -> Refusal:
    """Write the motivated refusal (its first reason is the reason code; all are explained)."""
    refusal = Refusal(
        person=person,
        organization=organization,
        application=application,
        ground=ground,
        reason=RefusalReason.objects.get(code=refusals[0].code),
        details="\n".join(r.message for r in refusals),
        on=on,
        created_by=user,
    )
    refusal.full_clean()
    record_history(refusal, user=user, reason=refusals[0].message)
    refusal.save()
    return refusal


@transaction.atomic
def application_decide(
    *,
    application: Application,
    user,
    reason: str,
    decided_at: datetime.datetime | None = None,
    confirmed_by=None,
    act=None,
) -> Attachment | Refusal:
    """Attach or refuse with reasons; the application records the decision. Decided once."""
    person_lock(application.person_id)
    locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    if locked.status != Application.Status.RECEIVED:
        raise ValidationError(_("This application has already been decided."))
    try:
        with transaction.atomic():
            result = attachment_create(
                person=locked.person,
                organization=locked.organization,
                ground=locked.ground,
                on=locked.requested_on,
                channel=locked.channel,
                user=user,
                reason=reason,
                district=locked.district,
                contract=locked.contract,
                act=act,
                confirmed_by=confirmed_by,
                documents=locked.documents if locked.channel != Channel.IMPORT else None,
                application=locked,
            )
        locked.status = Application.Status.ATTACHED
    except AttachmentRefused as refused:
        result = refusal_record(
            person=locked.person,
            organization=locked.organization,
            ground=locked.ground,
            on=locked.requested_on,
            refusals=refused.refusals,
            user=user,
            application=locked,
        )
        locked.status = Application.Status.REFUSED
    locked.decided_at = decided_at or timezone.now()
    locked.decided_by = user
    locked.full_clean()
    record_history(locked, user=user, reason=reason)
    locked.save()
    return result


@transaction.atomic
def application_submit(*, user, reason: str, confirmed_by=None, act=None, **fields) -> Attachment | Refusal:
    """Receive an application at the clinic and decide it at once (the registrar's page)."""
    application = application_receive(user=user, **fields)
    return application_decide(
        application=application, user=user, reason=reason, confirmed_by=confirmed_by, act=act
    )


class FamilyRefused(ValidationError):
    """At least one member is refused: nobody of the family is attached (§9-1, all or none)."""

    def __init__(self, refused: dict[Person, list[rules.Refused]]):
        super().__init__(
            [
                ValidationError(
                    "%(person)s: %(reason)s", params={"person": p.full_name, "reason": r[0].message}
                )
                for p, r in refused.items()
            ]
        )
        self.refused = refused


@transaction.atomic
def family_attach(
    *,
    applicant: Person,
    members: list[Person],
    organization: Organization,
    ground: Ground,
    on: datetime.date,
    channel: str,
    user,
    reason: str,
    district: District | None = None,
    documents: list[str] | None = None,
) -> list[Attachment]:
    """One family member applies for several with their written consent (§9-1): one attachment
    per member in one transaction, all or none."""
    if not members:
        raise ValidationError(_("Choose at least one family member."))
    # Lock every member first, in one order, so two family applications cannot interleave.
    ids = sorted({m.pk for m in members})
    persons_lock(Person.objects.filter(pk__in=ids))
    attachments, refused = [], {}
    for member in Person.objects.filter(pk__in=ids).order_by("pk"):
        try:
            with transaction.atomic():
                attachments.append(
                    attachment_create(
                        person=member,
                        organization=organization,
                        ground=ground,
                        on=on,
                        channel=channel,
                        user=user,
                        reason=reason,
                        district=district,
                        documents=documents,
                    )
                )
        except AttachmentRefused as error:
            refused[member] = error.refusals
    if refused:
        raise FamilyRefused(refused)
    return attachments
