"""The state service "attachment to a PHC organization": receive, decide, refuse; family attachment."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from patients.models import Person
from patients.services import person_lock, persons_lock, record_history

from .. import rules, selectors
from ..models import Application, Attachment, Channel, District, Ground, Organization, Refusal, RefusalReason
from .attach import AttachmentRefused, attachment_create, attachment_decide

BACKDATE_RECEIPT = "attachment.backdate_receipt"
# The history reason of an issued refusal (shown translated; its reasons are the refusal's own).
REFUSAL_ISSUED = gettext_noop("Motivated refusal issued")


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
    """Write the motivated refusal: its first reason is the reason code; every reason is kept as
    its code and parameters, worded in the reader's language when it is shown or printed."""
    refusal = Refusal(
        person=person,
        organization=organization,
        application=application,
        ground=ground,
        reason=RefusalReason.objects.get(code=refusals[0].code),
        reasons=[r.stored for r in refusals],
        on=on,
        created_by=user,
    )
    refusal.full_clean()
    record_history(refusal, user=user, reason=REFUSAL_ISSUED)
    refusal.save()
    return refusal


def _application_change(locked: Application, changes: dict) -> None:
    """What the registrar corrected on the attach form before deciding (ground, district,
    contract, documents): the application records the decision as it was taken."""
    for name in ("ground", "district", "contract", "documents"):
        if name in changes:
            value = changes[name]
            setattr(locked, name, list(value or []) if name == "documents" else value)


def _application_locked(application: Application, changes: dict | None) -> Application:
    """The application under its person's lock, still waiting for a decision, with the changes."""
    person_lock(application.person_id)
    locked = Application.objects.select_for_update(no_key=True).get(pk=application.pk)
    if locked.status != Application.Status.RECEIVED:
        raise ValidationError(_("This application has already been decided."))
    _application_change(locked, changes or {})
    return locked


def _application_record_decision(locked: Application, *, status, user, reason, decided_at) -> None:
    locked.status = status
    locked.decided_at = decided_at or timezone.now()
    locked.decided_by = user
    locked.full_clean()
    record_history(locked, user=user, reason=reason)
    locked.save()


@transaction.atomic
def application_attach(
    *,
    application: Application,
    user,
    reason: str,
    decided_at: datetime.datetime | None = None,
    confirmed_by=None,
    act=None,
    changes: dict | None = None,
) -> Attachment:
    """Attach under the application (with the registrar's `changes`); the application records
    the decision. Raises AttachmentRefused when the rules refuse: nothing is written and the
    application waits in the queue (a motivated refusal is `application_refuse`, on purpose)."""
    locked = _application_locked(application, changes)
    attachment = attachment_create(
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
    _application_record_decision(
        locked, status=Application.Status.ATTACHED, user=user, reason=reason, decided_at=decided_at
    )
    return attachment


def application_decision(*, application: Application, confirmed_by=None, act=None) -> rules.Decision:
    """What the rules say of the application as it stands (reads only): `rules.decide` with the
    facts `attachment_create` takes."""
    return attachment_decide(
        person=application.person,
        organization=application.organization,
        ground=application.ground,
        on=application.requested_on,
        channel=application.channel,
        has_act=act is not None,
        contract=application.contract,
        district=application.district,
        over_capacity_confirmed=confirmed_by is not None,
        documents=application.documents if application.channel != Channel.IMPORT else None,
    )


def _refusal_not_issuable(decision: rules.Decision):
    if decision.allowed:
        raise ValidationError(
            _("The rules allow this attachment: attach the person instead of refusing."), code="allowed"
        )
    raise ValidationError(
        _("No motivated refusal is issued for this: correct what is listed instead."), code="slip"
    )


@transaction.atomic
def application_refuse(
    *,
    application: Application,
    user,
    reason: str,
    decided_at: datetime.datetime | None = None,
    confirmed_by=None,
    changes: dict | None = None,
) -> Refusal:
    """Issue the motivated refusal of the application (seed 004 items 7–9), on purpose: with the
    reasons of the rules' decision on it, taken under the person's lock. Refused (a
    ValidationError, nothing written) when the rules allow the attachment or its reasons are a
    slip to correct (`rules.refusal_issuable`)."""
    locked = _application_locked(application, changes)
    decision = application_decision(application=locked, confirmed_by=confirmed_by)
    if decision.allowed or not decision.refusal_issuable:
        _refusal_not_issuable(decision)
    refusal = refusal_record(
        person=locked.person,
        organization=locked.organization,
        ground=locked.ground,
        on=locked.requested_on,
        refusals=decision.refusals,
        user=user,
        application=locked,
    )
    _application_record_decision(
        locked, status=Application.Status.REFUSED, user=user, reason=reason, decided_at=decided_at
    )
    return refusal


def _submitted_decision(*, confirmed_by=None, act=None, **fields) -> rules.Decision:
    """The rules' decision on an application about to be received at the desk, under the
    person's lock (reads only): a refused one is answered before anything is written."""
    person_lock(fields["person"].pk)
    return attachment_decide(
        person=fields["person"],
        organization=fields["organization"],
        ground=fields["ground"],
        on=fields["requested_on"],
        channel=fields["channel"],
        has_act=act is not None,
        contract=fields.get("contract"),
        district=fields.get("district"),
        over_capacity_confirmed=confirmed_by is not None,
        documents=list(fields.get("documents") or []),
    )


@transaction.atomic
def application_submit(*, user, reason: str, confirmed_by=None, act=None, **fields) -> Attachment:
    """Receive an application at the clinic and attach under it at once (the registrar's page).
    Raises AttachmentRefused with nothing written, not even the application, when refused."""
    decision = _submitted_decision(confirmed_by=confirmed_by, act=act, **fields)
    if not decision.allowed:
        raise AttachmentRefused(decision.refusals)
    application = application_receive(user=user, **fields)
    return application_attach(
        application=application, user=user, reason=reason, confirmed_by=confirmed_by, act=act
    )


@transaction.atomic
def application_submit_refused(*, user, reason: str, confirmed_by=None, **fields) -> Refusal:
    """Receive an application at the clinic and issue its motivated refusal (`application_refuse`);
    nothing is written when no refusal may be issued."""
    decision = _submitted_decision(confirmed_by=confirmed_by, **fields)
    if decision.allowed or not decision.refusal_issuable:
        _refusal_not_issuable(decision)
    application = application_receive(user=user, **fields)
    return application_refuse(application=application, user=user, reason=reason, confirmed_by=confirmed_by)


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
