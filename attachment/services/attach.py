"""State changes of attachments: one function per change, each in its own transaction with history.

Lock order everywhere: the person row first, then the person's attachment rows.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.access import can_act_for
from patients.models import Person
from patients.services import person_lock, record_history

from .. import rules, selectors
from ..models import Attachment, AttachmentAct, Channel, District, Ground, Organization

CONFIRM_OVER_CAPACITY = "attachment.confirm_over_capacity"


class AttachmentRefused(ValidationError):
    """The rules refuse the attachment; `refusals` says why (codes of RefusalReason)."""

    def __init__(self, refusals: list[rules.Refused]):
        super().__init__([ValidationError(r.message, code=r.code) for r in refusals])
        self.refusals = refusals

    @property
    def code(self) -> str:
        return self.refusals[0].code


def attachment_facts(
    *,
    person: Person,
    organization: Organization,
    ground: Ground,
    on: datetime.date,
    contract=None,
    district: District | None = None,
    over_capacity_confirmed: bool = False,
    documents: list[str] | None = None,
    channel: str = Channel.CLINIC,
    atus: selectors.AtuIndex | None = None,
    book: selectors.RuleBook | None = None,
) -> tuple[rules.Facts, object]:
    """Everything the rules need about one person for one request received on `on` (reads
    only), taken on the date the attachment would take effect (`rules.takes_effect_on`: 1 January
    for a campaign application), as `rules.decide` checks it."""
    atus = atus or selectors.AtuIndex([person.residence_atu_id, organization.atu_id])
    book = book or selectors.rule_book()
    on = rules.takes_effect_on(
        ground_rules=book.ground_rules,
        windows=book.windows,
        category=person.category,
        person_katos=atus.katos(person.residence_atu_id),
        ground_code=ground.code,
        received_on=on,
    )
    valid_contract = selectors.contract_for(
        person=person, organization=organization, on=on, contract=contract
    )
    missing: list[str] = []
    minor = rules.is_minor(person.birth_date, on)
    if documents is not None:
        required = rules.required_documents(
            contingents=selectors.contingents_on(person=person, on=on),
            minor=minor,
            needs_contract=ground.needs_contract,
            channel=channel,
        )
        missing = [code for code in required if code not in documents]
    facts = rules.Facts(
        birth_date=person.birth_date,
        date_of_death=person.date_of_death,
        category=person.category,
        person_katos=atus.katos(person.residence_atu_id),
        person_in_city=atus.in_city(person.residence_atu_id),
        border_neighbour_katos=atus.border_neighbour_katos(person.residence_atu_id),
        organization_id=organization.pk,
        organization_kato=atus.kato(organization.atu_id),
        organization_may_attach=selectors.organization_may_attach_on(organization=organization, on=on),
        insured=bool(selectors.insured_ids_on(person_ids=[person.pk], on=on)),
        contract_valid_to=valid_contract.valid_to if valid_contract else None,
        has_representative_with_document=(not minor)
        or bool(selectors.represented_ids(person_ids=[person.pk])),
        representative_recorded=minor and bool(selectors.representative_ids(person_ids=[person.pk])),
        attachments=selectors.held_attachments(person_ids=[person.pk]).get(person.pk, []),
        district_attached=selectors.district_attached_on(district=district, on=on) if district else None,
        district_capacity=district.capacity if district else None,
        over_capacity_confirmed=over_capacity_confirmed,
        missing_documents=missing,
    )
    return facts, valid_contract


def attachment_facts_many(
    *,
    persons: list[Person],
    organization: Organization,
    on: datetime.date,
    atus: selectors.AtuIndex | None = None,
) -> dict[int, rules.Facts]:
    """The same facts as `attachment_facts`, for many persons in a fixed number of queries
    (transfers, the register import). District and documents are left to the caller."""
    ids = [p.pk for p in persons]
    atus = atus or selectors.AtuIndex([organization.atu_id, *{p.residence_atu_id for p in persons}])
    organization_kato = atus.kato(organization.atu_id)
    may_attach = selectors.organization_may_attach_on(organization=organization, on=on)
    held = selectors.held_attachments(person_ids=ids)
    insured = selectors.insured_ids_on(person_ids=ids, on=on)
    represented = selectors.represented_ids(person_ids=ids)
    with_representative = selectors.representative_ids(person_ids=ids)
    contract_ends = selectors.contract_ends_on(person_ids=ids, organization=organization, on=on)
    return {
        p.pk: rules.Facts(
            birth_date=p.birth_date,
            date_of_death=p.date_of_death,
            category=p.category,
            person_katos=atus.katos(p.residence_atu_id),
            person_in_city=atus.in_city(p.residence_atu_id),
            border_neighbour_katos=atus.border_neighbour_katos(p.residence_atu_id),
            organization_id=organization.pk,
            organization_kato=organization_kato,
            organization_may_attach=may_attach,
            insured=p.pk in insured,
            contract_valid_to=contract_ends.get(p.pk),
            has_representative_with_document=(not rules.is_minor(p.birth_date, on)) or p.pk in represented,
            attachments=held.get(p.pk, []),
            representative_recorded=p.pk in with_representative,
        )
        for p in persons
    }


def attachment_decide(
    *,
    person: Person,
    organization: Organization,
    ground: Ground,
    on: datetime.date,
    channel: str,
    has_act: bool = False,
    book: selectors.RuleBook | None = None,
    **fact_options,
) -> rules.Decision:
    """What the rules say, without writing anything (the registrar sees it before deciding)."""
    book = book or selectors.rule_book()
    facts, _contract = attachment_facts(
        person=person,
        organization=organization,
        ground=ground,
        on=on,
        channel=channel,
        book=book,
        **fact_options,
    )
    return rules.decide(
        ground_rules=book.ground_rules,
        windows=book.windows,
        levels=book.levels,
        limits=book.limits,
        facts=facts,
        ground_code=ground.code,
        channel=channel,
        has_act=has_act,
        on=on,
    )


def _over_capacity(facts: rules.Facts) -> bool:
    return rules.district_full(attached=facts.district_attached, capacity=facts.district_capacity) is not None


def _check_input(*, organization, district, channel, act, confirmed_by) -> None:
    errors = {}
    if district is not None and district.organization_id != organization.pk:
        errors["district"] = _("The district belongs to another organization.")
    if channel == Channel.ACT and act is None:
        errors["act"] = _("An attachment by an act must record the act.")
    if confirmed_by is not None and not can_act_for(confirmed_by, organization.pk, CONFIRM_OVER_CAPACITY):
        errors["over_capacity_confirmed_by"] = _(
            "Only the clinic head may confirm attaching beyond capacity."
        )
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def attachment_create(
    *,
    person: Person,
    organization: Organization,
    ground: Ground,
    on: datetime.date,
    channel: str,
    user,
    reason: str,
    district: District | None = None,
    contract=None,
    act: AttachmentAct | None = None,
    confirmed_by=None,
    documents: list[str] | None = None,
    application=None,
    book: selectors.RuleBook | None = None,
    atus: selectors.AtuIndex | None = None,
) -> Attachment:
    """Attach the person under every rule in force on `on`; end the previous attachment the day
    before the new one starts (§4). Raises AttachmentRefused (nothing written) when refused."""
    _check_input(
        organization=organization, district=district, channel=channel, act=act, confirmed_by=confirmed_by
    )
    # Lock the person first: two registrars attaching one IIN at once must run one after the
    # other, so the second sees the first's attachment and ends it (or is refused).
    person = person_lock(person.pk)
    if hasattr(person, "retirement"):  # merged into another record (patients.RetiredIin)
        raise ValidationError(_("This record was merged into another one: attach the surviving record."))
    book = book or selectors.rule_book()
    facts, valid_contract = attachment_facts(
        person=person,
        organization=organization,
        ground=ground,
        on=on,
        contract=contract,
        district=district,
        over_capacity_confirmed=confirmed_by is not None,
        documents=documents,
        channel=channel,
        atus=atus,
        book=book,
    )
    decision = rules.decide(
        ground_rules=book.ground_rules,
        windows=book.windows,
        levels=book.levels,
        limits=book.limits,
        facts=facts,
        ground_code=ground.code,
        channel=channel,
        has_act=act is not None,
        on=on,
    )
    if not decision.allowed:
        raise AttachmentRefused(decision.refusals)
    if decision.ends_previous is not None:
        previous = Attachment.objects.select_for_update(no_key=True).get(pk=decision.ends_previous.id)
        previous.valid_to = decision.starts_on - datetime.timedelta(days=1)
        previous.end_reason = _("Attached to %(organization)s from %(date)s (§4).") % {
            "organization": organization.name_ru,
            "date": f"{decision.starts_on:%d.%m.%Y}",
        }
        previous.full_clean()
        record_history(previous, user=user, reason=previous.end_reason)
        previous.save(update_fields=["valid_to", "end_reason"])
    attachment = Attachment(
        person=person,
        organization=organization,
        district=district,
        ground=ground,
        channel=channel,
        contract=valid_contract if ground.needs_contract else None,
        act=act,
        application=application,
        valid_from=decision.starts_on,
        valid_to=decision.ends_on,
        over_capacity_confirmed_by=confirmed_by if _over_capacity(facts) else None,
        created_by=user,
        reason=reason,
    )
    attachment.full_clean()
    record_history(attachment, user=user, reason=reason)
    attachment.save()
    return attachment


@transaction.atomic
def attachment_end(*, attachment: Attachment, on: datetime.date, user, reason: str) -> Attachment:
    """End an attachment on the date (inclusive). Ending it later than it already ends is refused."""
    person_lock(attachment.person_id)
    locked = Attachment.objects.select_for_update(no_key=True).get(pk=attachment.pk)
    if on < locked.valid_from:
        raise ValidationError({"valid_to": _("An attachment cannot end before it starts.")})
    if locked.valid_to is not None and locked.valid_to <= on:
        return locked
    locked.valid_to = on
    locked.end_reason = reason
    locked.full_clean()
    record_history(locked, user=user, reason=reason)
    locked.save(update_fields=["valid_to", "end_reason"])
    return locked


@transaction.atomic
def attachment_district_change(
    *, attachment: Attachment, district: District, user, reason: str, confirmed_by=None
) -> Attachment:
    """Move an attachment that is in force or starts later to another district of its
    organization (§8: capacity applies, beyond it the clinic head confirms). The attachment keeps
    its period; the history records the change with the user and the reason."""
    person_lock(attachment.person_id)
    locked = Attachment.objects.select_for_update(no_key=True).get(pk=attachment.pk)
    organization = locked.organization
    _check_input(
        organization=organization,
        district=district,
        channel=locked.channel,
        act=locked.act,
        confirmed_by=confirmed_by,
    )
    today = timezone.localdate()
    if locked.valid_to is not None and locked.valid_to < today:
        raise ValidationError({"district": _("An attachment that has ended keeps its district.")})
    if locked.district_id == district.pk:
        return locked
    on = max(today, locked.valid_from)
    full = rules.district_full(
        attached=selectors.district_attached_on(district=district, on=on), capacity=district.capacity
    )
    if full is not None and confirmed_by is None:
        raise AttachmentRefused([full])
    locked.district = district
    locked.over_capacity_confirmed_by = (
        confirmed_by if full is not None else locked.over_capacity_confirmed_by
    )
    locked.full_clean()
    record_history(locked, user=user, reason=reason)
    locked.save(update_fields=["district", "over_capacity_confirmed_by"])
    return locked
