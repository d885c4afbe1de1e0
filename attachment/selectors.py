"""Reads of attachments and of the rule rows, each for an explicit date."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    DateField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)

from patients.models import Atu, ContingentFlag, IdentityDocument, Person
from patients.selectors import in_force_on

from . import rules
from .models import (
    Application,
    Attachment,
    AtuComparisonLevel,
    CalendarDay,
    CampaignWindow,
    District,
    FreeChoiceLimit,
    GroundRule,
    IntegrationPeriod,
    LeavingReason,
    Organization,
    PublicHoliday,
    PurchaseContract,
    ReconciliationGroup,
    ReconciliationRow,
)
from .population import attached_on


def attachments_active_on(*, on: datetime.date) -> QuerySet[Attachment]:
    """The attachments by which people are attached on the date (`population.attached_on`)."""
    return Attachment.objects.filter(attached_on(on))


def attachment_of(*, person: Person, on: datetime.date) -> Attachment | None:
    """The person's attachment on the date (none on a date after their death)."""
    return (
        attachments_active_on(on=on).filter(person=person).select_related("organization", "district").first()
    )


def attachment_now_and_next(
    *, person: Person, on: datetime.date
) -> tuple[Attachment | None, Attachment | None]:
    """The person's attachment on the date and the next one that will attach them (a campaign
    attachment from 1 January), in one query."""
    starts_later = Q(valid_from__gt=on) & attached_on(F("valid_from"))
    rows = list(
        Attachment.objects.filter(attached_on(on) | starts_later, person=person)
        .select_related("organization", "district")
        .order_by("valid_from")[:2]
    )
    current = rows[0] if rows and rows[0].valid_from <= on else None
    later = [a for a in rows if a.valid_from > on]
    return current, later[0] if later else None


def attachments_of_on(*, person_ids: Iterable[int], on: datetime.date) -> dict[int, Attachment]:
    """Each listed person's attachment on the date, with its organization and district, by person
    id (one query for a whole result list; persons attached nowhere are missing)."""
    rows = attachments_active_on(on=on).filter(person_id__in=list(person_ids))
    return {a.person_id: a for a in rows.select_related("organization", "district")}


def attachment_attaches_from(*, attachment: Attachment, on: datetime.date) -> bool:
    """The attachment attaches its person on the date, or will from its later first day (a
    coupon is valid): not once it has ended, nor after the person's death."""
    starts_later = Q(valid_from__gt=on) & attached_on(F("valid_from"))
    return Attachment.objects.filter(attached_on(on) | starts_later, pk=attachment.pk).exists()


def organization_attached_on(*, organization: Organization, on: datetime.date) -> QuerySet[Attachment]:
    """The organization's attached population on the date, ready for a 50-row list."""
    return (
        attachments_active_on(on=on)
        .filter(organization=organization)
        .select_related("person", "district", "ground", "person__residence_atu")
        .order_by("person__last_name", "person__first_name", "id")
    )


# The leavers' list and the start page count look back this many days, today included.
LEAVERS_DAYS = 30


def leavers_period(*, today: datetime.date) -> tuple[datetime.date, datetime.date]:
    """The default period of the leavers' list: the last `LEAVERS_DAYS` days up to today."""
    return today - datetime.timedelta(days=LEAVERS_DAYS - 1), today


def _attaching_the_day_after_end() -> QuerySet[Attachment]:
    """Attachments of the outer attachment's person that attach them on the day after the outer
    one's last day (`attached_on`; one at most, §4)."""
    day_after = ExpressionWrapper(OuterRef("valid_to") + 1, output_field=DateField())
    return Attachment.objects.filter(attached_on(day_after), person=OuterRef("person")).order_by()


def organization_leavers(
    *, date_from: datetime.date, date_to: datetime.date, organization: Organization | None = None
) -> QuerySet[Attachment]:
    """Who left the organization (every organization when none is given) with a last day in the
    period: attachments that attached their person on their last day (`attached_on`) after which
    no attachment to the same organization attaches them the next day (a change of ground there is
    no leaving; coming back later is: that leaving is listed). Annotated with `next_id` (the
    attachment that attaches them the next day elsewhere, if any), `reconciliation_id` (the applied
    reconciliation that ended it) and `left_because` (a `LeavingReason`, the first that applies).
    Ordered by the last day, the latest first. Scope it with `patients.access`."""
    following = _attaching_the_day_after_end()
    reconciled = ReconciliationRow.objects.filter(
        attachment=OuterRef("pk"), ended=True, group=ReconciliationGroup.ELSEWHERE
    ).values("reconciliation_id")[:1]
    queryset = Attachment.objects.filter(valid_to__range=(date_from, date_to))
    if organization is not None:
        queryset = queryset.filter(organization=organization)
    return (
        queryset.filter(attached_on(F("valid_to")))
        .exclude(Exists(following.filter(organization=OuterRef("organization"))))
        .annotate(next_id=Subquery(following.values("pk")[:1]), reconciliation_id=Subquery(reconciled))
        .annotate(
            left_because=Case(
                When(closed_by_death_on__isnull=False, then=Value(LeavingReason.DEATH)),
                When(reconciliation_id__isnull=False, then=Value(LeavingReason.RECONCILIATION)),
                When(detach_reason__isnull=False, then=Value(LeavingReason.DETACHED)),
                When(next_id__isnull=False, then=Value(LeavingReason.TRANSFER)),
                When(contract__isnull=False, then=Value(LeavingReason.CONTRACT_ENDED)),
                default=Value(LeavingReason.OTHER),
            )
        )
        .order_by("-valid_to", "person__last_name", "person__first_name", "id")
    )


def leavers_destinations(next_ids: Iterable[int | None]) -> dict[int, Attachment]:
    """The attachments leavers went to, with organization and ground, by id (one query)."""
    ids = [pk for pk in next_ids if pk is not None]
    if not ids:
        return {}
    return {a.pk: a for a in Attachment.objects.filter(pk__in=ids).select_related("organization", "ground")}


def district_counts_on(*, organization: Organization, on: datetime.date) -> QuerySet[District]:
    """Districts with `attached` = the number attached on the date (shown against capacity,
    the same count as `district_attached_on`, which the capacity rule reads)."""
    return District.objects.filter(organization=organization).annotate(
        attached=Count("attachments", filter=attached_on(on, "attachments__"))
    )


def district_attached_on(*, district: District, on: datetime.date) -> int:
    """The people attached to the district on the date (the `district_full` rule's input, the
    count the attach page shows). One attachment per person on a date: rows are persons."""
    return attachments_active_on(on=on).filter(district=district).count()


def organizations_may_attach_on(*, on: datetime.date) -> QuerySet[Organization]:
    """§4: organizations holding a Fund purchase contract and/or an integrated system on the date."""
    purchase = PurchaseContract.objects.filter(in_force_on(on)).values("organization")
    integrated = IntegrationPeriod.objects.filter(in_force_on(on)).values("organization")
    return Organization.objects.filter(Q(pk__in=purchase) | Q(pk__in=integrated))


def organization_may_attach_on(*, organization: Organization, on: datetime.date) -> bool:
    return organizations_may_attach_on(on=on).filter(pk=organization.pk).exists()


@dataclass
class RuleBook:
    """All rule rows (small tables), loaded once; the predicates pick what is in force on a date."""

    ground_rules: list
    windows: list
    levels: list
    limits: list


def rule_book() -> RuleBook:
    return RuleBook(
        ground_rules=list(GroundRule.objects.annotate(ground_code=F("ground__code"))),
        windows=list(CampaignWindow.objects.annotate(atu_kato=F("atu__kato"))),
        levels=list(AtuComparisonLevel.objects.all()),
        limits=list(FreeChoiceLimit.objects.annotate(ground_code=F("ground__code"))),
    )


class AtuIndex:
    """The part of the ATU tree the rules need, loaded on demand and kept: the units of the
    residences and organizations asked about, the units above them, and their border neighbours
    (a handful of queries for one person or for fifty thousand)."""

    def __init__(self, atu_ids: Iterable[int | None] = ()):
        self.units: dict[int, Atu] = {}
        self._neighbour_katos: dict[int, frozenset[str]] = {}
        self.load(atu_ids)

    def load(self, atu_ids: Iterable[int | None]) -> None:
        missing = {pk for pk in atu_ids if pk is not None and pk not in self.units}
        while missing:
            fetched = list(
                Atu.objects.filter(pk__in=missing).only("id", "kato", "level", "parent_id", "is_border_area")
            )
            self.units.update((a.pk, a) for a in fetched)
            missing = {
                a.parent_id for a in fetched if a.parent_id is not None and a.parent_id not in self.units
            }
        border = [pk for pk, a in self.units.items() if a.is_border_area and pk not in self._neighbour_katos]
        if border:
            found: dict[int, set[str]] = {pk: set() for pk in border}
            through = Atu.neighbours.through.objects
            for a, kato in through.filter(from_atu_id__in=border).values_list("from_atu_id", "to_atu__kato"):
                found[a].add(kato)
            for b, kato in through.filter(to_atu_id__in=border).values_list("to_atu_id", "from_atu__kato"):
                found[b].add(kato)
            self._neighbour_katos.update((pk, frozenset(k)) for pk, k in found.items())

    def chain(self, atu_id: int | None) -> list[Atu]:
        if atu_id is not None and atu_id not in self.units:
            self.load([atu_id])
        chain = []
        while atu_id is not None and atu_id in self.units:
            chain.append(self.units[atu_id])
            atu_id = self.units[atu_id].parent_id
        return chain

    def kato(self, atu_id: int) -> str:
        return self.chain(atu_id)[0].kato

    def katos(self, atu_id: int | None) -> tuple[str, ...]:
        return tuple(a.kato for a in self.chain(atu_id))

    def in_city(self, atu_id: int | None) -> bool:
        chain = self.chain(atu_id)
        return bool(chain) and chain[-1].level == Atu.Level.CITY

    def border_neighbour_katos(self, atu_id: int | None) -> frozenset[str]:
        katos: set[str] = set()
        for unit in self.chain(atu_id):
            katos |= self._neighbour_katos.get(unit.pk, frozenset())
        return frozenset(katos)


def held_attachments(*, person_ids: Iterable[int]) -> dict[int, list[rules.Held]]:
    held: dict[int, list[rules.Held]] = {}
    rows = Attachment.objects.filter(person_id__in=person_ids).values_list(
        "id", "person_id", "organization_id", "ground__code", "channel", "valid_from", "valid_to"
    )
    for pk, person_id, org_id, ground_code, channel, valid_from, valid_to in rows:
        held.setdefault(person_id, []).append(
            rules.Held(pk, org_id, ground_code, channel, valid_from, valid_to)
        )
    return held


def insured_ids_on(*, person_ids: Iterable[int], on: datetime.date) -> set[int]:
    from patients.models import InsuredStatusPeriod

    return set(
        InsuredStatusPeriod.objects.filter(in_force_on(on), person_id__in=person_ids).values_list(
            "person_id", flat=True
        )
    )


def represented_ids(*, person_ids: Iterable[int]) -> set[int]:
    """Persons with a recorded legal representative whose identity document is recorded."""
    from patients.models import LegalRepresentative

    with_document = IdentityDocument.objects.values("person")
    return set(
        LegalRepresentative.objects.filter(child_id__in=person_ids)
        .filter(Q(document__isnull=False) | Q(representative__in=with_document))
        .values_list("child_id", flat=True)
    )


def representative_ids(*, person_ids: Iterable[int]) -> set[int]:
    """Persons with a recorded legal representative, with or without an identity document."""
    from patients.models import LegalRepresentative

    return set(LegalRepresentative.objects.filter(child_id__in=person_ids).values_list("child_id", flat=True))


def contingents_on(*, person: Person, on: datetime.date) -> list[str]:
    return list(ContingentFlag.objects.filter(in_force_on(on), person=person).values_list("kind", flat=True))


def contract_for(*, person: Person, organization: Organization, on: datetime.date, contract=None):
    """The VMI/IMI contract valid on the date covering the person and naming the organization (§9-1)."""
    from patients.selectors import contracts_valid_on

    valid = contracts_valid_on(person=person, on=on).filter(organization=organization)
    if contract is not None:
        valid = valid.filter(pk=contract.pk)
    return valid.order_by("-valid_to").first()


def contract_ends_on(
    *, person_ids: Iterable[int], organization: Organization, on: datetime.date
) -> dict[int, datetime.date]:
    """Per person: the latest end of a VMI/IMI contract valid on the date that covers them (as
    insured or family member) and names the organization (§9-1)."""
    from patients.models import InsuranceContract

    ids = list(person_ids)
    valid = InsuranceContract.objects.filter(in_force_on(on), organization=organization)
    ends: dict[int, datetime.date] = {}
    rows = list(valid.filter(insured_id__in=ids).values_list("insured_id", "valid_to")) + list(
        valid.filter(family_members__in=ids).values_list("family_members", "valid_to")
    )
    for person_id, valid_to in rows:
        ends[person_id] = max(valid_to, ends.get(person_id, valid_to))
    return ends


def calendar_exceptions(*, start: datetime.date, end: datetime.date) -> dict[datetime.date, bool]:
    """The working calendar between two dates (any year): fixed public holidays and dated rows."""
    return rules.calendar_exceptions(
        holidays=PublicHoliday.objects.filter(
            Q(valid_to__isnull=True) | Q(valid_to__gte=start), valid_from__lte=end
        ),
        days=CalendarDay.objects.filter(date__range=(start, end)),
        start=start,
        end=end,
    )


def applications_queue(*, organizations: QuerySet[Organization]) -> QuerySet[Application]:
    """Received applications, the earliest due first (so overdue ones lead)."""
    return (
        Application.objects.filter(status=Application.Status.RECEIVED, organization__in=organizations)
        .select_related("person", "organization", "ground", "district")
        .order_by("due_by", "id")
    )
