"""The one answer to "what is person P entitled to on date D, and why"."""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from patients.models import InsuranceContract, Person
from patients.selectors import contracts_valid_on, in_force_on, insured_on

from . import rules
from .models import Disease, EligibilityRule, LeafletSection, Package, PackageItem, ServiceLimit, ServiceUsage


@dataclass
class LimitStatus:
    limit: ServiceLimit
    period_start: datetime.date
    period_end: datetime.date
    used: int

    @property
    def remaining(self) -> int:
        return max(self.limit.max_count - self.used, 0)


@dataclass
class PackageGrant:
    package: Package
    rules: list[EligibilityRule] = field(default_factory=list)
    contracts: list[InsuranceContract] = field(default_factory=list)
    items: list[PackageItem] = field(default_factory=list)
    upcoming: list[PackageItem] = field(default_factory=list)
    limits: list[LimitStatus] = field(default_factory=list)
    diseases: list[Disease] = field(default_factory=list)


@dataclass
class Entitlements:
    person: Person
    on: datetime.date
    insured: bool
    contracts: list[InsuranceContract]
    packages: list[PackageGrant]
    died_on: datetime.date | None = None  # set when the person died before the date: nothing is granted

    def package(self, code: str) -> PackageGrant | None:
        return next((g for g in self.packages if g.package.code == code), None)

    @property
    def package_codes(self) -> list[str]:
        return [g.package.code for g in self.packages]

    def as_dict(self, language: str | None = None) -> dict:
        language = (language or get_language() or "ru")[:2]
        return {
            "person": {"id": self.person.pk, "category": self.person.category},
            "on": self.on.isoformat(),
            "died_on": _iso(self.died_on),
            "cshi_insured": self.insured,
            "contracts": [
                {
                    "kind": c.kind,
                    "number": c.number,
                    "insurer": c.insurer.name,
                    "valid_from": c.valid_from.isoformat(),
                    "valid_to": c.valid_to.isoformat(),
                    "programme": c.programme,
                }
                for c in self.contracts
            ],
            "packages": [_grant_dict(g, language) for g in self.packages],
        }


def _iso(day):
    return day.isoformat() if day else None


def _act(act):
    return (
        {
            "code": act.code,
            "number": act.number,
            "dated": _iso(act.signed_on),
            "enters_into_force_on": _iso(act.enters_into_force_on),
            "entry_into_force_rule": act.entry_into_force_rule,
            "applies_from": _iso(act.applies_from),
        }
        if act
        else None
    )


def _item_dict(item: PackageItem, language: str) -> dict:
    text, text_language = item.wording(language)
    return {
        "number": item.number,
        "act": item.legal_act.number if item.legal_act else None,
        "point": item.point,
        "sub_point": item.sub_point,
        "text": text,
        "text_language": text_language,
        "wording_pending": item.wording_pending,
        "earlier_wording": item.earlier_wording,
        "citizens_only": item.citizens_only,
        "applies_from": _iso(item.valid_from),
        "applies_to": _iso(item.valid_to),
        "amended_by": _act(item.amended_by),
        "amendment_in_force_on": _iso(item.amendment_in_force_on),
        "ended_by": _act(item.ended_by),
        "note": item.note,
    }


def _grant_dict(grant: PackageGrant, language: str) -> dict:
    return {
        "code": grant.package.code,
        "kind": grant.package.kind,
        "name": grant.package.name_kk if language == "kk" else grant.package.name_ru,
        "legal_reference": grant.package.legal_reference,
        "granted_by": [
            {
                "rule": r.pk,
                "category": r.category,
                "insured": r.insured,
                "contract_kind": r.contract_kind,
                "legal_reference": r.legal_reference,
            }
            for r in grant.rules
        ],
        "contracts": [c.number for c in grant.contracts],
        "items": [_item_dict(i, language) for i in grant.items],
        "upcoming_changes": [_item_dict(i, language) for i in grant.upcoming],
        "limits": [
            {
                "leaflet_number": s.limit.leaflet_number,
                "name": s.limit.name_in(language),
                "max_count": s.limit.max_count,
                "period_kind": s.limit.period_kind,
                "period_start": s.period_start.isoformat(),
                "period_end": s.period_end.isoformat(),
                "used": s.used,
                "remaining": s.remaining,
            }
            for s in grant.limits
        ],
        "diseases": [
            {"number": d.number, "name": d.name_in(language), "icd10": d.icd10} for d in grant.diseases
        ],
    }


def packages_granted_on(*, person: Person, on: datetime.date) -> tuple[list[PackageGrant], bool, list]:
    """Which packages the eligibility rows in force on D grant, with the rows and contracts.
    None after the person's death."""
    insured = insured_on(person=person, on=on)
    contracts = list(contracts_valid_on(person=person, on=on))
    if person.died_before(on):
        return [], insured, contracts
    contract_kinds = {c.kind for c in contracts}
    grants: dict[int, PackageGrant] = {}
    rows = EligibilityRule.objects.filter(in_force_on(on)).select_related("package", "package__legal_act")
    for rule in rows:
        if not rules.rule_matches(
            rule, category=person.category, insured=insured, contract_kinds=contract_kinds
        ):
            continue
        grant = grants.setdefault(rule.package_id, PackageGrant(package=rule.package))
        grant.rules.append(rule)
        if rule.contract_kind:
            grant.contracts.extend(c for c in contracts if c.kind == rule.contract_kind)
    _vmi_by_programme(grants)
    ordered = sorted(grants.values(), key=lambda g: list(Package.Kind.values).index(g.package.kind))
    return ordered, insured, contracts


def _vmi_by_programme(grants: dict[int, PackageGrant]) -> None:
    """A VMI contract's programme selects the VMI package of that programme when one exists."""
    generic = [g for g in grants.values() if g.package.kind == Package.Kind.VMI]
    programmes = {c.programme for g in generic for c in g.contracts if c.programme}
    if not programmes:
        return
    named = {p.programme: p for p in Package.objects.filter(kind=Package.Kind.VMI, programme__in=programmes)}
    for grant in generic:
        for contract in grant.contracts:
            package = named.get(contract.programme)
            if package and package.pk not in grants:
                grants[package.pk] = PackageGrant(package=package, rules=grant.rules, contracts=[contract])


def usage_dates(*, person: Person, limits: list[ServiceLimit], start, end) -> dict[int, list[datetime.date]]:
    dates: dict[int, list[datetime.date]] = {limit.pk: [] for limit in limits}
    if not limits:
        return dates
    rows = ServiceUsage.objects.filter(
        person=person, limit__in=limits, rendered_on__range=(start, end)
    ).values_list("limit_id", "rendered_on")
    for limit_id, rendered_on in rows:
        dates[limit_id].append(rendered_on)
    return dates


def limit_statuses(*, person: Person, limits: list[ServiceLimit], on: datetime.date) -> list[LimitStatus]:
    """Used and remaining counts of each limit in its period containing D (one query)."""
    bounds = {limit.pk: rules.period_bounds(limit.period_kind, on) for limit in limits}
    if not limits:
        return []
    start = min(b[0] for b in bounds.values())
    end = max(b[1] for b in bounds.values())
    dates = usage_dates(person=person, limits=limits, start=start, end=end)
    return [
        LimitStatus(
            limit=limit,
            period_start=bounds[limit.pk][0],
            period_end=bounds[limit.pk][1],
            used=rules.used_in_period(limit.period_kind, on, dates[limit.pk]),
        )
        for limit in limits
    ]


def entitlements_on(*, person: Person, on: datetime.date) -> Entitlements:
    """Entitlements of a person on a date: packages with the rows that granted them, the items
    in force on D (and announced changes), the service limits with used/remaining counts, and
    the disease list. Pages, the command and the leaflet all call this one function."""
    grants, insured, contracts = packages_granted_on(person=person, on=on)
    by_package = {g.package.pk: g for g in grants}
    if by_package:
        items = PackageItem.objects.filter(package__in=by_package).select_related(
            "legal_act", "amended_by", "ended_by"
        )
        for item in items.filter(in_force_on(on) | Q(valid_from__gt=on)).order_by("position", "valid_from"):
            if not rules.item_applies_to(item, category=person.category):
                continue
            grant = by_package[item.package_id]
            (grant.items if item.valid_from <= on else grant.upcoming).append(item)
        limits = list(
            ServiceLimit.objects.filter(in_force_on(on), package__in=by_package).order_by("leaflet_number")
        )
        for status in limit_statuses(person=person, limits=limits, on=on):
            by_package[status.limit.package_id].limits.append(status)
        for disease in Disease.objects.filter(in_force_on(on), package__in=by_package).order_by("number"):
            by_package[disease.package_id].diseases.append(disease)
    return Entitlements(
        person=person,
        on=on,
        insured=insured,
        contracts=contracts,
        packages=grants,
        died_on=person.date_of_death if person.died_before(on) else None,
    )


PER_6_MONTHS_KINDS = ("rolling_6_months", "calendar_half_year")


@dataclass
class Leaflet:
    language: str
    entitlements: Entitlements
    diseases_title: str = ""
    volume_title: str = ""
    diseases: list[tuple[int, str]] = field(default_factory=list)
    services: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def applies(self) -> bool:
        return bool(self.diseases or self.services)


def leaflet_for(*, person: Person, on: datetime.date, language: str) -> Leaflet:
    """The printable leaflet for temporary stayers, built from the rule tables in one language."""

    answer = entitlements_on(person=person, on=on)
    leaflet = Leaflet(language=language, entitlements=answer)
    titles = dict(LeafletSection.objects.filter(language=language).values_list("section", "title"))
    leaflet.diseases_title = titles.get("diseases", "")
    leaflet.volume_title = titles.get("volume", "")
    for grant in answer.packages:
        if grant.package.kind != Package.Kind.GFMC_DANGEROUS:
            continue
        leaflet.diseases += [(d.number, d.name_in(language)) for d in grant.diseases]
        for status in grant.limits:
            limit = status.limit
            key = "per_6_months" if limit.period_kind in PER_6_MONTHS_KINDS else "per_year"
            pattern = titles.get(key) or "{count} × " + str(limit.get_period_kind_display())
            leaflet.services.append(
                (limit.leaflet_number, limit.name_in(language), pattern.format(count=limit.max_count))
            )
    return leaflet


def rule_changes_pending(
    *, today: datetime.date, until: datetime.date
) -> list[tuple[datetime.date, str, str]]:
    """Package items that start applying, stop applying, or await a wording within the horizon:
    (date, what, change) for the start page (e.g. "GFMC 11: no longer applies from 2027-01-01")."""
    items = PackageItem.objects.filter(
        Q(valid_from__gt=today, valid_from__lte=until) | Q(valid_to__gte=today, valid_to__lt=until)
    ).select_related("package", "amended_by", "ended_by")
    changes = []
    for item in items:
        what = f"{item.package.code} {item.number}"
        if today < item.valid_from <= until:
            act = item.amended_by or item.legal_act
            change = _("wording to be entered") if item.wording_pending else _("applies from this date")
            changes.append((item.valid_from, f"{what} ({act})" if act else what, change))
        if item.valid_to is not None and today <= item.valid_to < until:
            changes.append(
                (item.valid_to + datetime.timedelta(days=1), what, _("no longer applies from this date"))
            )
    return changes
