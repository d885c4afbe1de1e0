"""The attachment rules (seed 002, rules ҚР ДСМ-194/2020): pure predicates, no queries, no writes.

Every function takes the rule rows and the facts it needs plus an explicit date `on`, so the
same code answers for a single registrar decision, a transfer of thousands and the register
import (which loads the rows and facts set-wise and calls `decide` per person). A refusal is
explained by a `RefusalReason` code (the admin table of the same codes holds the kk/ru wording).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy

from patients.dates import add_months, is_minor

from .models import AtuComparisonLevel, Channel, GroundCondition

# Refusal reason codes: one row each in the RefusalReason table (reference_data.REFUSAL_REASONS).
PERSON_DEAD = "person_dead"
NO_RULE_RECORDED = "no_rule_recorded"
MINOR_WITHOUT_REPRESENTATIVE = "minor_without_representative"
REPRESENTATIVE_WITHOUT_DOCUMENT = "representative_without_document"
ORGANIZATION_MAY_NOT_ATTACH = "organization_may_not_attach"
GROUND_NOT_ALLOWED = "ground_not_allowed"
CHANNEL_NOT_ALLOWED = "channel_not_allowed"
NOT_INSURED = "not_insured"
NO_CONTRACT = "no_contract"
NOT_ATTACHED_BY_COMMISSION = "not_attached_by_commission"
CAMPAIGN_CLOSED = "campaign_closed"
OUTSIDE_ATU = "outside_atu"
FREE_CHOICE_LIMIT = "free_choice_limit"
ALREADY_ATTACHED = "already_attached"
LATER_ATTACHMENT = "later_attachment"
DISTRICT_FULL = "district_full"
DOCUMENTS_INCOMPLETE = "documents_incomplete"

# A decision refused for one of these is a slip to correct, never a motivated refusal: there is
# nobody to serve (the person died) or nothing to refuse (the person is attached there already).
NOT_REFUSED_FOR = frozenset({PERSON_DEAD, ALREADY_ATTACHED})


@dataclass(frozen=True)
class Refused:
    """One reason of a refused decision: its code, its parameters (JSON values: ISO dates,
    numbers, document codes) and the message in the language active when it was made. A refusal
    stores the code and parameters (`stored`) and is explained again in the reader's or the
    printed form's language (`explain`)."""

    code: str
    message: str
    params: Mapping = field(default_factory=dict, compare=False, hash=False)

    @property
    def stored(self) -> dict:
        """What a motivated refusal keeps of this reason (`Refusal.reasons`): the code and the
        parameters, and the message itself only when they cannot word it (a reason made without
        the parameters its explanation names)."""
        entry = {"code": self.code, "params": dict(self.params)}
        if explain(self.code, self.params) is None:
            entry["text"] = self.message
        return entry


def _iso(day: datetime.date) -> str:
    return day.isoformat()


def _date_text(value: str) -> str:
    return f"{datetime.date.fromisoformat(value):%d.%m.%Y}"


# The explanation of each reason code, English source with named parameters (translated when it
# is read): dates are ISO in the parameters and shown as dd.mm.yyyy; `documents` is a list of
# codes of DOCUMENTS, shown by their labels.
EXPLANATIONS = {
    PERSON_DEAD: gettext_lazy("The person died on %(date)s."),
    NO_RULE_RECORDED: gettext_lazy(
        "No rule of attachment under this ground is recorded for %(date)s: a rules "
        "administrator can enter the earlier wording."
    ),
    REPRESENTATIVE_WITHOUT_DOCUMENT: gettext_lazy(
        "The legal representative is recorded, but the identity document of the "
        "legal representative is not recorded: record it on the representative's card."
    ),
    MINOR_WITHOUT_REPRESENTATIVE: gettext_lazy(
        "No legal representative is recorded for this person under 18: a child is "
        "attached with a recorded legal representative and their identity document."
    ),
    ORGANIZATION_MAY_NOT_ATTACH: gettext_lazy(
        "On this date the organization holds neither a Fund purchase contract nor an "
        "information system integrated with the Ministry's (§4)."
    ),
    GROUND_NOT_ALLOWED: gettext_lazy("This ground is not open to the person's legal category (§3-1, §11)."),
    CHANNEL_NOT_ALLOWED: gettext_lazy("This ground cannot be applied for through this channel (§11)."),
    NOT_INSURED: gettext_lazy("Under this ground the person must be insured in the CSHI on the date (§3-1)."),
    NO_CONTRACT: gettext_lazy("No VMI or IMI contract valid on the date names this organization (§9-1)."),
    NOT_ATTACHED_BY_COMMISSION: gettext_lazy(
        "Ground 5 contests an attachment made by the regional commission; the person has none."
    ),
    CAMPAIGN_CLOSED: gettext_lazy("The date is outside the attachment campaign of the ATU (§10.3)."),
    OUTSIDE_ATU: gettext_lazy("The organization is outside the ATU of the person's residence (§8)."),
    FREE_CHOICE_LIMIT: gettext_lazy("The limit of free changes of organization is used up."),
    ALREADY_ATTACHED: gettext_lazy("The person is already attached to this organization."),
    LATER_ATTACHMENT: gettext_lazy(
        "An attachment from %(date)s is already recorded; a change takes effect after it."
    ),
    DISTRICT_FULL: gettext_lazy(
        "The district has %(count)s attached of %(capacity)s planned: the clinic head must confirm."
    ),
    DOCUMENTS_INCOMPLETE: gettext_lazy("Documents missing: %(list)s."),
}
# A reason with a parameter that changes its wording: (code, parameter) -> explanation.
EXPLANATION_VARIANTS = {
    (NO_CONTRACT, "ends_before_start"): gettext_lazy("The contract ends before the attachment would start."),
}


def explain(code: str, params: Mapping | None = None, text: str | None = None) -> str | None:
    """The explanation of a reason in the active language (a printed form overrides it); `text`
    (or None) when the code is unknown or the parameters do not fit its explanation."""
    params = dict(params or {})
    template = next(
        (text for (c, name), text in EXPLANATION_VARIANTS.items() if c == code and name in params),
        EXPLANATIONS.get(code),
    )
    if template is None:
        return text
    values = {}
    for name, value in params.items():
        if name == "date":
            values[name] = _date_text(value)
        elif name == "documents":
            values["list"] = ", ".join(str(DOCUMENTS.get(c, c)) for c in value)
        else:
            values[name] = value
    try:
        return str(template) % values
    except (KeyError, TypeError, ValueError):
        return text


def refused(code: str, **params) -> Refused:
    """A reason of refusal with its parameters, explained in the active language."""
    stored = {k: _iso(v) if isinstance(v, datetime.date) else v for k, v in params.items()}
    return Refused(code, explain(code, stored) or code, stored)


@dataclass(frozen=True)
class Held:
    """One attachment of the person, past, present or future."""

    id: int
    organization_id: int
    ground_code: int
    channel: str
    valid_from: datetime.date
    valid_to: datetime.date | None


@dataclass(frozen=True)
class Facts:
    """What the rules need to know about one person, one organization and one date."""

    birth_date: datetime.date
    date_of_death: datetime.date | None
    category: int
    person_katos: Sequence[str]  # residence ATU and the units above it, nearest first
    person_in_city: bool  # residence in a city of republican significance
    border_neighbour_katos: frozenset[str]  # neighbours of border-area ATUs of the residence
    organization_id: int
    organization_kato: str
    organization_may_attach: bool
    insured: bool
    contract_valid_to: datetime.date | None  # the valid contract naming this organization
    has_representative_with_document: bool
    attachments: Sequence[Held] = ()
    representative_recorded: bool = False  # a legal representative, with or without a document
    district_attached: int | None = None
    district_capacity: int | None = None
    over_capacity_confirmed: bool = False
    missing_documents: Sequence[str] = ()  # codes of DOCUMENTS


@dataclass
class Decision:
    refusals: list[Refused] = field(default_factory=list)
    starts_on: datetime.date | None = None
    ends_on: datetime.date | None = None
    ends_previous: Held | None = None  # the attachment to end the day before starts_on (§4)

    @property
    def allowed(self) -> bool:
        return not self.refusals

    @property
    def refusal_issuable(self) -> bool:
        return refusal_issuable(self.refusals)


def refusal_issuable(refusals: Sequence[Refused]) -> bool:
    """Whether a motivated refusal may be issued for these reasons (seed 004 items 7–9): only
    when the rules refuse, and never for a slip of `NOT_REFUSED_FOR`."""
    return bool(refusals) and not any(r.code in NOT_REFUSED_FOR for r in refusals)


def in_force(row, on: datetime.date) -> bool:
    """A row with valid_from/valid_to (inclusive) is in force on the date."""
    return row.valid_from <= on and (row.valid_to is None or on <= row.valid_to)


def held_on(attachments: Iterable[Held], on: datetime.date) -> Held | None:
    return next((a for a in attachments if in_force(a, on)), None)


def organization_may_attach(*, purchase_periods: Iterable, integration_periods: Iterable, on) -> bool:
    """§4, second paragraph: a Fund purchase contract and/or an integrated information system."""
    return any(in_force(p, on) for p in purchase_periods) or any(in_force(p, on) for p in integration_periods)


def rule_recorded(rules: Iterable, *, ground_code: int, on: datetime.date) -> bool:
    """Whether any GroundRule row of the ground (for any category) is in force on the date: the
    rules recorded begin with the act whose wording they give; earlier dates have none until a
    rules administrator enters the earlier wording."""
    return any(row.ground_code == ground_code and in_force(row, on) for row in rules)


def ground_rule(rules: Iterable, *, category: int, ground_code: int, on: datetime.date):
    """The GroundRule row in force for a category and ground on the date, or None (§3-1, §11)."""
    for row in rules:
        if row.category == category and row.ground_code == ground_code and in_force(row, on):
            return row
    return None


@dataclass(frozen=True)
class DatedWindow:
    """A recurring campaign window (a row without a year) moved to one year."""

    row: object
    year: int
    atu_kato: str | None
    starts_on: datetime.date
    ends_on: datetime.date
    takes_effect_on: datetime.date

    @property
    def atu_id(self):
        return self.row.atu_id

    @property
    def atu(self):
        return self.row.atu


def window_in_year(window, year: int):
    """The window's dates in the year: a row for a year as recorded (None in other years); a
    recurring row moved to the year by whole years from its start date (None before that year;
    29 February becomes the 28th, as in PostgreSQL's date arithmetic)."""
    if window.year is not None:
        return window if window.year == year else None
    months = (year - window.starts_on.year) * 12
    if months < 0:
        return None
    return DatedWindow(
        row=window,
        year=year,
        atu_kato=window.atu_kato,
        starts_on=add_months(window.starts_on, months),
        ends_on=add_months(window.ends_on, months),
        takes_effect_on=add_months(window.takes_effect_on, months),
    )


def campaign_window(windows: Iterable, *, person_katos: Sequence[str], on: datetime.date):
    """The campaign window covering the date for the residence, or None (§10.3).

    A window set for the person's ATU (or a unit above it) replaces the country-wide window of
    that year; the nearest unit wins. For one unit, a row for the year replaces its recurring
    row (`window_in_year`), so the country-wide recurring window opens in any year."""
    katos = list(person_katos)
    dated = [
        d
        for w in windows
        if (w.atu_kato is None or w.atu_kato in katos) and (d := window_in_year(w, on.year)) is not None
    ]
    if not dated:
        return None
    # The nearest unit first; for one unit, the row for the year before the recurring row.
    window = min(
        dated,
        key=lambda d: (
            katos.index(d.atu_kato) if d.atu_kato is not None else len(katos),
            isinstance(d, DatedWindow),
        ),
    )
    return window if window.starts_on <= on <= window.ends_on else None


def takes_effect_on(
    *,
    ground_rules: Iterable,
    windows: Iterable,
    category: int,
    person_katos: Sequence[str],
    ground_code: int,
    received_on: datetime.date,
) -> datetime.date:
    """The date an attachment applied for on `received_on` takes effect: under a ground the
    campaign alone opens (§10.3), received inside the campaign window, the window's effective
    date (1 January of the next year); otherwise the day of receipt. Whether the ground goes
    through the campaign is the ground rule's in force on the day of receipt. The window is
    checked on that day; every condition of the attachment itself is checked on this date."""
    rule = ground_rule(ground_rules, category=category, ground_code=ground_code, on=received_on)
    if rule is None or not rule.campaign_only:
        return received_on
    window = campaign_window(windows, person_katos=person_katos, on=received_on)
    return received_on if window is None else max(received_on, window.takes_effect_on)


def comparison_level(levels: Iterable, *, in_city: bool, on: datetime.date) -> int:
    """How many KATO digits must agree for "the same ATU" (§8); exact unit when no row is in force."""
    applies_to = AtuComparisonLevel.AppliesTo.CITY if in_city else AtuComparisonLevel.AppliesTo.OTHER
    for row in levels:
        if row.applies_to == applies_to and in_force(row, on):
            return row.level
    return 9


def within_atu(
    *,
    person_kato: str | None,
    organization_kato: str,
    level: int,
    border_neighbour_katos: Iterable[str] = (),
) -> bool:
    """§8: GFMC attachment within one ATU; border-area residents may go to a neighbouring ATU."""
    if not person_kato:
        return False
    if person_kato[:level] == organization_kato[:level]:
        return True
    return any(k[:level] == organization_kato[:level] for k in border_neighbour_katos)


def free_choice_exceeded(
    limits: Iterable, *, ground_code: int, recent_starts: Iterable[tuple[int, datetime.date]], on
) -> bool:
    """The administrator's limit on free changes (default: once a year, e-gov service passport)."""
    for limit in limits:
        if limit.ground_code != ground_code or not in_force(limit, on):
            continue
        since = add_months(on, -limit.months)
        used = sum(1 for code, start in recent_starts if code == ground_code and since < start <= on)
        if used >= limit.max_count:
            return True
    return False


def is_working_day(day: datetime.date, exceptions: Mapping[datetime.date, bool]) -> bool:
    """Monday to Friday, unless the calendar says otherwise (holidays, transferred days)."""
    return exceptions.get(day, day.weekday() < 5)


def public_holidays_in(holidays: Iterable, *, year: int) -> dict[datetime.date, tuple[object, bool]]:
    """The days off of the fixed public holidays in force in the year: date -> (holiday row,
    whether it is a day off moved from a weekend). A holiday on a Saturday or Sunday that
    `moves_off_weekend` gives the next weekday that is no holiday itself (Labour Code art. 85;
    religious holidays do not move)."""
    days: dict[datetime.date, tuple[object, bool]] = {}
    for row in holidays:
        day = datetime.date(year, row.month, row.day)
        if in_force(row, day):
            days[day] = (row, False)
    for day, (row, _moved) in sorted(days.items()):
        if day.weekday() < 5 or not row.moves_off_weekend:
            continue
        moved = day + datetime.timedelta(days=1)
        while moved.weekday() >= 5 or moved in days:
            moved += datetime.timedelta(days=1)
        days[moved] = (row, True)
    return days


def calendar_exceptions(
    *, holidays: Iterable, days: Iterable, start: datetime.date, end: datetime.date
) -> dict[datetime.date, bool]:
    """The working calendar between two dates as exceptions to Monday–Friday: the fixed public
    holidays (`public_holidays_in`) of every year, then the dated rows (movable holidays such as
    Kurban ait, transfer decrees: a Saturday declared a working day is one), which win."""
    holidays = list(holidays)
    exceptions: dict[datetime.date, bool] = {}
    for year in range(start.year - 1, end.year + 1):  # a day off moved from late December
        for day in public_holidays_in(holidays, year=year):
            if start <= day <= end:
                exceptions[day] = False
    exceptions.update((d.date, d.is_working) for d in days if start <= d.date <= end)
    return exceptions


def due_by(received_at: datetime.datetime, exceptions: Mapping[datetime.date, bool]) -> datetime.datetime:
    """The service is rendered within one working day (seed 004 items 7–9): the same time of
    the next working day after the day of receipt."""
    day = received_at.date() + datetime.timedelta(days=1)
    while not is_working_day(day, exceptions):
        day += datetime.timedelta(days=1)
    return received_at.replace(year=day.year, month=day.month, day=day.day)


def decide(
    *,
    ground_rules: Iterable,
    windows: Iterable,
    levels: Iterable,
    limits: Iterable,
    facts: Facts,
    ground_code: int,
    channel: str,
    has_act: bool,
    on: datetime.date,
) -> Decision:
    """Every rule of attachment for one person applying on the date `on` (the day of receipt).

    The attachment takes effect on `takes_effect_on` (1 January for a campaign application),
    and every condition of the attachment itself is checked on that date: the organization (§4),
    the ground rule, CSHI status, contract, ATU level, free-choice limit, previous and later
    attachments. `facts` must be taken on that date too (`attachment_facts` does). Only the
    campaign window is checked on the day of receipt."""
    received_on = on
    on = takes_effect_on(
        ground_rules=ground_rules,
        windows=windows,
        category=facts.category,
        person_katos=facts.person_katos,
        ground_code=ground_code,
        received_on=received_on,
    )
    decision = Decision(starts_on=on)
    refuse = decision.refusals.append

    if facts.date_of_death is not None and facts.date_of_death <= on:
        refuse(refused(PERSON_DEAD, date=facts.date_of_death))
        return decision
    if not rule_recorded(ground_rules, ground_code=ground_code, on=on):
        refuse(refused(NO_RULE_RECORDED, date=on))
        return decision
    if is_minor(facts.birth_date, on) and not facts.has_representative_with_document:
        if facts.representative_recorded:
            refuse(refused(REPRESENTATIVE_WITHOUT_DOCUMENT))
        else:
            refuse(refused(MINOR_WITHOUT_REPRESENTATIVE))
    if not facts.organization_may_attach:
        refuse(refused(ORGANIZATION_MAY_NOT_ATTACH))

    rule = ground_rule(ground_rules, category=facts.category, ground_code=ground_code, on=on)
    if rule is None:
        refuse(refused(GROUND_NOT_ALLOWED))
        return decision
    if channel not in rule.channels:
        refuse(refused(CHANNEL_NOT_ALLOWED))
    if rule.condition == GroundCondition.CSHI_INSURED and not facts.insured:
        refuse(refused(NOT_INSURED))
    if rule.condition == GroundCondition.CONTRACT:
        if facts.contract_valid_to is None:
            refuse(refused(NO_CONTRACT))
        else:
            decision.ends_on = facts.contract_valid_to
    current = held_on(facts.attachments, on)
    if rule.condition == GroundCondition.COMMISSION_ATTACHMENT and (
        current is None or current.channel != Channel.ACT
    ):
        refuse(refused(NOT_ATTACHED_BY_COMMISSION))
    # The campaign window on the day of receipt (when it was open, `takes_effect_on` moved `on`).
    receipt_rule = ground_rule(ground_rules, category=facts.category, ground_code=ground_code, on=received_on)
    campaign = receipt_rule is not None and receipt_rule.campaign_only
    if campaign and campaign_window(windows, person_katos=facts.person_katos, on=received_on) is None:
        refuse(refused(CAMPAIGN_CLOSED))
    if rule.residence_atu and not has_act:
        level = comparison_level(levels, in_city=facts.person_in_city, on=on)
        if not within_atu(
            person_kato=facts.person_katos[0] if facts.person_katos else None,
            organization_kato=facts.organization_kato,
            level=level,
            border_neighbour_katos=facts.border_neighbour_katos,
        ):
            refuse(refused(OUTSIDE_ATU))
    recent_starts = [(a.ground_code, a.valid_from) for a in facts.attachments]
    if free_choice_exceeded(limits, ground_code=ground_code, recent_starts=recent_starts, on=on):
        refuse(refused(FREE_CHOICE_LIMIT))

    starts_on = decision.starts_on
    if decision.ends_on is not None and decision.ends_on < starts_on:
        refuse(refused(NO_CONTRACT, ends_before_start=True))
    previous = held_on(facts.attachments, starts_on)
    if previous is not None and previous.organization_id == facts.organization_id:
        refuse(refused(ALREADY_ATTACHED))
    later = min(
        (a for a in facts.attachments if a.valid_from >= starts_on), key=lambda a: a.valid_from, default=None
    )
    if later is not None:
        refuse(refused(LATER_ATTACHMENT, date=later.valid_from))
    full = district_full(attached=facts.district_attached, capacity=facts.district_capacity)
    if full is not None and not facts.over_capacity_confirmed:
        refuse(full)
    decision.ends_previous = previous
    if facts.missing_documents:
        refuse(refused(DOCUMENTS_INCOMPLETE, documents=list(facts.missing_documents)))
    return decision


# Documents checklist (state service standard, row 8): code -> English label (translated in views).
DOCUMENTS = {
    "identity": gettext_lazy("identity document or digital document"),
    "egov_request": gettext_lazy("electronic request signed with the digital signature"),
    "pension_certificate": gettext_lazy("pension certificate"),
    "disability_extract": gettext_lazy("pension certificate or extract of the medical-social expertise act"),
    "guardianship_proof": gettext_lazy("court decision or another document proving guardianship"),
    "commission_protocol": gettext_lazy("protocol of the regional commission"),
    "commander_order": gettext_lazy("extract of the commander's order"),
    "school_protocol": gettext_lazy("rector's letter and protocol of the institution–clinic commission"),
    "birth_abroad": gettext_lazy("document proving birth abroad"),
    "health_authority_decision": gettext_lazy("decision of the local health authority"),
    "contract": gettext_lazy("VMI/IMI contract"),
    "representative_identity": gettext_lazy("identity document of the legal representative"),
    "power_of_attorney": gettext_lazy("power of attorney"),
}
CONTINGENT_DOCUMENTS = {
    "pensioner": "pension_certificate",
    "disability": "disability_extract",
    "child_disability": "guardianship_proof",
    "convict": "commission_protocol",
    "conscript": "commander_order",
    "student_minor": "school_protocol",
    "born_abroad": "birth_abroad",
    "care_home": "health_authority_decision",
}


def required_documents(
    *, contingents: Iterable[str], minor: bool, needs_contract: bool, channel: str
) -> list[str]:
    """The documents a registrar checks for this contingent (standard row 8; §9-1 for VMI/IMI:
    `needs_contract` is the ground's flag)."""
    if channel == Channel.EGOV:
        return ["egov_request"]
    required = ["identity"]
    required += sorted({CONTINGENT_DOCUMENTS[c] for c in contingents if c in CONTINGENT_DOCUMENTS})
    if minor:
        required.append("representative_identity")
    if needs_contract:
        required.append("contract")
    return required


# ---------------------------------------------------------------------------------------------
# Set-wise counterparts: the same predicates over the same rule rows, as SQL over a table of
# requests (the register import decides a million rows at once). They build SQL text only; the
# caller runs it. Each names the predicate above that it mirrors; tests run both on the same
# scenarios and compare the decisions.
#
# The request table has: line, person_id (NULL for a person not yet in the register), category,
# organization_id, ground_id, on_date, residence_atu_id, contract_given, contract_valid_to.
#
# Checks `decide` makes that a register file cannot support are not applied set-wise, because
# the file carries no value for them and values are never guessed: the legal representative of a
# minor, the district's capacity confirmation and the documents checklist (the person card shows
# what is missing). Likewise, with `skip_missing`, the ATU check is skipped when no residence is
# known and the contract check when the row names no contract.
# ---------------------------------------------------------------------------------------------

SET_WISE_CODES = (
    PERSON_DEAD,
    NO_RULE_RECORDED,
    ORGANIZATION_MAY_NOT_ATTACH,
    GROUND_NOT_ALLOWED,
    CHANNEL_NOT_ALLOWED,
    NOT_INSURED,
    NO_CONTRACT,
    NOT_ATTACHED_BY_COMMISSION,
    CAMPAIGN_CLOSED,
    OUTSIDE_ATU,
    FREE_CHOICE_LIMIT,
    ALREADY_ATTACHED,
    LATER_ATTACHMENT,
)


def in_force_sql(alias: str, on: str) -> str:
    """`in_force` for a row alias and a date expression."""
    return f"({alias}.valid_from <= {on} AND ({alias}.valid_to IS NULL OR {on} <= {alias}.valid_to))"


def atu_tree_sql() -> list[str]:
    """Temporary tables of the ATU tree (what `selectors.AtuIndex` holds in memory):
    rule_atu_chain(atu_id, ancestor_id, kato, depth) nearest first, rule_atu(atu_id, kato, in_city)
    and rule_atu_border(atu_id, kato) = neighbours of the border-area units of the chain."""
    return [
        "DROP TABLE IF EXISTS rule_atu_chain, rule_atu, rule_atu_border",
        """CREATE TEMP TABLE rule_atu_chain AS
           WITH RECURSIVE chain(atu_id, ancestor_id, parent_id, depth) AS (
             SELECT id, id, parent_id, 0 FROM patients_atu
             UNION ALL
             SELECT c.atu_id, p.id, p.parent_id, c.depth + 1
             FROM chain c JOIN patients_atu p ON p.id = c.parent_id
           )
           SELECT c.atu_id, c.ancestor_id, a.kato, a.is_border_area, a.level, c.depth,
                  c.parent_id IS NULL AS is_top
           FROM chain c JOIN patients_atu a ON a.id = c.ancestor_id""",
        "CREATE INDEX ON rule_atu_chain (atu_id, ancestor_id)",
        """CREATE TEMP TABLE rule_atu AS
           SELECT c.atu_id, a.kato, bool_or(c.is_top AND c.level = 'city') AS in_city
           FROM rule_atu_chain c JOIN patients_atu a ON a.id = c.atu_id GROUP BY c.atu_id, a.kato""",
        "CREATE UNIQUE INDEX ON rule_atu (atu_id)",
        """CREATE TEMP TABLE rule_atu_border AS
           SELECT DISTINCT c.atu_id, n.kato
           FROM rule_atu_chain c
           JOIN (SELECT from_atu_id AS a, to_atu_id AS b FROM patients_atu_neighbours
                 UNION SELECT to_atu_id, from_atu_id FROM patients_atu_neighbours) m ON m.a = c.ancestor_id
           JOIN patients_atu n ON n.id = m.b
           WHERE c.is_border_area""",
        "CREATE INDEX ON rule_atu_border (atu_id)",
    ]


def district_full(*, attached: int | None, capacity: int | None) -> Refused | None:
    """§8: a district at its planned capacity takes another person only with the clinic head's
    confirmation (an attachment, or a change of district)."""
    if capacity is None or attached is None or attached < capacity:
        return None
    return refused(DISTRICT_FULL, count=attached, capacity=capacity)


def decide_sql(
    *, requests: str, out: str, channel: str, skip_missing: bool, unruled_as_facts: bool = False
) -> list[str]:
    """`decide` for every row of the `requests` table at once (channel fixed, no act).

    Writes `out` (line, starts_on, ends_on, ends_previous_id, previous_organization_id,
    unruled, refusals text[]): refusal codes in the order `decide` gives them. With
    `unruled_as_facts`, a row dated when no rule of its ground is recorded (`rule_recorded`) is
    not decided but taken as a fact of the register (the import's history before the recorded
    rules): only what keeps the register whole is checked (death before the date, the same
    organization already held, a later attachment), and under a contract ground it lasts for the
    row's contract."""
    lit = {
        "none": f"'{GroundCondition.NONE.value}'",
        "insured": f"'{GroundCondition.CSHI_INSURED.value}'",
        "contract": f"'{GroundCondition.CONTRACT.value}'",
        "commission": f"'{GroundCondition.COMMISSION_ATTACHMENT.value}'",
        "act": f"'{Channel.ACT.value}'",
        "channel": f"'{channel}'",
    }
    assert channel.isidentifier()
    residence_known = "r.residence_atu_id IS NOT NULL" if skip_missing else "true"
    unruled_sql = "NOT f.rule_recorded" if unruled_as_facts else "false"
    contract_known = "r.contract_given" if skip_missing else "true"
    # takes_effect_on: the ground rule and the campaign window on the day of receipt (on_date).
    received = f"""
      SELECT r.*, rgr.campaign_only AS receipt_campaign,
        win.starts_on AS win_from, win.ends_on AS win_to, win.takes_effect_on AS win_effect
      FROM {requests} r
      LEFT JOIN attachment_groundrule rgr
        ON rgr.category = r.category AND rgr.ground_id = r.ground_id AND {in_force_sql("rgr", "r.on_date")}
      LEFT JOIN LATERAL (
        SELECT (w.starts_on + w.shift)::date AS starts_on, (w.ends_on + w.shift)::date AS ends_on,
               (w.takes_effect_on + w.shift)::date AS takes_effect_on
        FROM (
          SELECT cw.*, ch.depth, CASE WHEN cw.year IS NULL THEN make_interval(
                   years => extract(year FROM r.on_date)::int - extract(year FROM cw.starts_on)::int)
                 ELSE interval '0 days' END AS shift
          FROM attachment_campaignwindow cw
          LEFT JOIN rule_atu_chain ch ON ch.atu_id = r.residence_atu_id AND ch.ancestor_id = cw.atu_id
          WHERE rgr.campaign_only
            AND (cw.year = extract(year FROM r.on_date)::int
                 OR (cw.year IS NULL AND extract(year FROM cw.starts_on) <= extract(year FROM r.on_date)))
            AND (cw.atu_id IS NULL OR ch.ancestor_id IS NOT NULL)
        ) w
        ORDER BY w.depth NULLS LAST, w.year IS NULL LIMIT 1
      ) win ON true
      OFFSET 0"""
    effective = f"""
      SELECT q.*, coalesce(q.win_from <= q.on_date AND q.on_date <= q.win_to, false) AS window_open,
        CASE WHEN q.receipt_campaign AND q.win_from <= q.on_date AND q.on_date <= q.win_to
             THEN greatest(q.on_date, q.win_effect) ELSE q.on_date END AS starts_on
      FROM ({received}) q OFFSET 0"""
    # Every condition of the attachment itself on the date it takes effect (starts_on).
    facts = f"""
      SELECT r.*, o_atu.kato AS org_kato,
        (p.date_of_death IS NOT NULL AND p.date_of_death <= r.starts_on) AS dead,
        (pc.id IS NOT NULL OR ip.id IS NOT NULL) AS may_attach,
        gr.id AS rule_id, gr.condition, gr.residence_atu, gr.channels,
        CASE WHEN gr.condition = {lit["insured"]} AND r.person_id IS NOT NULL THEN EXISTS (
          SELECT 1 FROM patients_insuredstatusperiod i
          WHERE i.person_id = r.person_id AND {in_force_sql("i", "r.starts_on")}) ELSE false END AS insured,
        ra.kato AS person_kato, coalesce(lvl.level, 9) AS level, g.needs_contract,
        EXISTS (SELECT 1 FROM attachment_groundrule any_gr WHERE any_gr.ground_id = r.ground_id
                AND {in_force_sql("any_gr", "r.starts_on")}) AS rule_recorded
      FROM ({effective}) r
      JOIN attachment_ground g ON g.id = r.ground_id
      JOIN attachment_organization o ON o.id = r.organization_id
      JOIN patients_atu o_atu ON o_atu.id = o.atu_id
      LEFT JOIN patients_person p ON p.id = r.person_id
      LEFT JOIN attachment_purchasecontract pc
        ON pc.organization_id = r.organization_id AND {in_force_sql("pc", "r.starts_on")}
      LEFT JOIN attachment_integrationperiod ip
        ON ip.organization_id = r.organization_id AND {in_force_sql("ip", "r.starts_on")}
      LEFT JOIN attachment_groundrule gr
        ON gr.category = r.category AND gr.ground_id = r.ground_id AND {in_force_sql("gr", "r.starts_on")}
      LEFT JOIN rule_atu ra ON ra.atu_id = r.residence_atu_id
      LEFT JOIN attachment_atucomparisonlevel lvl
        ON lvl.applies_to = CASE WHEN ra.in_city THEN 'city' ELSE 'other' END
        AND {in_force_sql("lvl", "r.starts_on")}
      OFFSET 0"""
    # The contract end (§9-1) and the ATU (§8).
    timed = f"""
      SELECT f.*,
        CASE WHEN f.condition = {lit["contract"]} THEN f.contract_valid_to
             WHEN {unruled_sql} AND f.needs_contract THEN f.contract_valid_to END AS ends_on,
        CASE WHEN f.person_kato IS NULL THEN false
             WHEN left(f.person_kato, f.level) = left(f.org_kato, f.level) THEN true
             ELSE EXISTS (SELECT 1 FROM rule_atu_border b WHERE b.atu_id = f.residence_atu_id
                          AND left(b.kato, f.level) = left(f.org_kato, f.level)) END AS within_atu
      FROM ({facts}) f OFFSET 0"""
    # held_on (previous and current on starts_on), later attachments, free_choice_exceeded.
    held = f"""
      SELECT t.*, prev.id AS ends_previous_id, prev.organization_id AS previous_organization_id,
        cur.channel AS current_channel,
        CASE WHEN t.person_id IS NULL THEN false ELSE EXISTS (
          SELECT 1 FROM attachment_attachment a WHERE a.person_id = t.person_id
          AND a.valid_from >= t.starts_on) END AS later_exists,
        CASE WHEN t.person_id IS NULL OR lim.id IS NULL THEN false ELSE (
          SELECT count(*) FROM attachment_attachment a
          WHERE a.person_id = t.person_id AND a.ground_id = t.ground_id
            AND a.valid_from > (t.starts_on - make_interval(months => lim.months))::date
            AND a.valid_from <= t.starts_on) >= lim.max_count END AS limit_used
      FROM ({timed}) t
      LEFT JOIN attachment_freechoicelimit lim
        ON lim.ground_id = t.ground_id AND {in_force_sql("lim", "t.starts_on")}
      LEFT JOIN LATERAL (
        SELECT a.id, a.organization_id FROM attachment_attachment a
        WHERE t.person_id IS NOT NULL AND a.person_id = t.person_id AND {in_force_sql("a", "t.starts_on")}
      ) prev ON true
      LEFT JOIN LATERAL (
        SELECT a.channel FROM attachment_attachment a
        WHERE t.person_id IS NOT NULL AND t.condition = {lit["commission"]}
          AND a.person_id = t.person_id AND {in_force_sql("a", "t.starts_on")}
      ) cur ON true"""
    ruled = "h.rule_id IS NOT NULL AND"
    register_whole = f"""array_remove(ARRAY[
        CASE WHEN h.previous_organization_id = h.organization_id THEN '{ALREADY_ATTACHED}' END,
        CASE WHEN h.later_exists THEN '{LATER_ATTACHMENT}' END]::text[], NULL)"""
    unruled = register_whole if unruled_as_facts else f"ARRAY['{NO_RULE_RECORDED}']"
    refusals = f"""
      CASE WHEN h.dead THEN ARRAY['{PERSON_DEAD}']
           WHEN NOT h.rule_recorded THEN {unruled} ELSE array_remove(ARRAY[
        CASE WHEN NOT h.may_attach THEN '{ORGANIZATION_MAY_NOT_ATTACH}' END,
        CASE WHEN h.rule_id IS NULL THEN '{GROUND_NOT_ALLOWED}' END,
        CASE WHEN {ruled} NOT ({lit["channel"]} = ANY(h.channels)) THEN '{CHANNEL_NOT_ALLOWED}' END,
        CASE WHEN {ruled} h.condition = {lit["insured"]} AND NOT h.insured THEN '{NOT_INSURED}' END,
        CASE WHEN {ruled} h.condition = {lit["contract"]} AND {contract_known.replace("r.", "h.")}
             AND h.contract_valid_to IS NULL THEN '{NO_CONTRACT}' END,
        CASE WHEN {ruled} h.condition = {lit["commission"]}
             AND coalesce(h.current_channel, '') <> {lit["act"]} THEN '{NOT_ATTACHED_BY_COMMISSION}' END,
        CASE WHEN {ruled} h.receipt_campaign AND NOT h.window_open THEN '{CAMPAIGN_CLOSED}' END,
        CASE WHEN {ruled} h.residence_atu AND {residence_known.replace("r.", "h.")} AND NOT h.within_atu
             THEN '{OUTSIDE_ATU}' END,
        CASE WHEN {ruled} h.limit_used THEN '{FREE_CHOICE_LIMIT}' END,
        CASE WHEN {ruled} h.ends_on < h.starts_on THEN '{NO_CONTRACT}' END,
        CASE WHEN {ruled} h.previous_organization_id = h.organization_id THEN '{ALREADY_ATTACHED}' END,
        CASE WHEN {ruled} h.later_exists THEN '{LATER_ATTACHMENT}' END
      ]::text[], NULL) END"""
    return [
        f"DROP TABLE IF EXISTS {out}",
        f"""CREATE TEMP TABLE {out} AS
            SELECT h.line, h.starts_on, h.ends_on, h.ends_previous_id, h.previous_organization_id,
                   NOT h.rule_recorded AS unruled, {refusals} AS refusals
            FROM ({held}) h""",
    ]
