"""The import and the attach service share the rules: `rules.decide` (one person) and
`rules.decide_sql` (a million rows) give the same decisions on the same scenarios."""

import datetime

import pytest
from django.db import connection

from attachment import rules
from attachment.models import (
    Attachment,
    AttachmentAct,
    CampaignWindow,
    Channel,
    IntegrationPeriod,
    PurchaseContract,
)
from attachment.services import attachment_create, attachment_decide
from patients.models import Atu, InsuredStatusPeriod, LegalCategory

from ..factories import AtuFactory, ContractFactory, OrganizationFactory, PersonFactory
from .conftest import ON
from .test_import_population import csv_file, report_rows, row, run

pytestmark = pytest.mark.django_db


def attach(person, organization, ground, on, channel=Channel.CLINIC, **extra):
    return attachment_create(
        person=person,
        organization=organization,
        ground=ground,
        on=on,
        channel=channel,
        user=None,
        reason="at the clinic",
        **extra,
    )


def service_decision(person, organization, ground, on):
    decision = attachment_decide(
        person=person, organization=organization, ground=ground, on=on, channel=Channel.IMPORT
    )
    return {r.code for r in decision.refusals}, decision


def import_decision(person, organization, ground, on, **fields):
    atu = person.residence_atu.kato if person.residence_atu else ""
    values = {
        "last_name": person.last_name,
        "first_name": person.first_name,
        "category": str(person.category),
        "citizenship": str(person.citizenship or ""),
        "district_code": "",
        "attached_on": on.isoformat(),
        "ground": str(ground.code),
        "residence_kato": atu,
    } | fields
    result = run(csv_file([row(organization, person.iin, **values)]))
    codes = {code.split(":", 1)[1] for _row, _col, code in report_rows(result) if code.startswith("refused:")}
    return codes, result


def scenario_ids():
    return [
        "allowed_free_choice",
        "organization_may_not_attach",
        "ground_4_not_for_citizens",
        "temporary_not_insured",
        "temporary_insured",
        "outside_atu",
        "campaign_closed",
        "campaign_open_starts_1_january",
        "campaign_recurring_window_in_2028",
        "campaign_year_row_replaces_recurring_window",
        "free_choice_limit",
        "later_attachment",
        "dead",
        "ground_5_without_commission",
        "ground_5_after_commission",
        "ground_4_contract_end",
        "moves_from_another_organization",
    ]


@pytest.mark.parametrize("scenario", scenario_ids())
def test_import_and_attach_service_decide_alike(ref, clinic, other_clinic, almaly, scenario):
    on = ON
    organization, ground = clinic, ref[2]
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN, citizenship="KZ")
    extra = {}
    if scenario == "organization_may_not_attach":
        organization = OrganizationFactory(atu=almaly, may_attach=False)
    elif scenario == "ground_4_not_for_citizens":
        # The import needs the contract's number under ground 4 (§9-1); the rules still refuse.
        ground = ref[4]
        extra = {"contract_number": ContractFactory(organization=clinic, insured=person).number}
    elif scenario in ("temporary_not_insured", "temporary_insured"):
        person = PersonFactory(
            residence_atu=almaly, category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ"
        )
        if scenario == "temporary_insured":
            InsuredStatusPeriod.objects.create(person=person, valid_from=datetime.date(2026, 1, 1))
    elif scenario == "outside_atu":
        village = AtuFactory(
            kato="194430100", level=Atu.Level.SETTLEMENT, parent=Atu.objects.get(kato="190000000")
        )
        person = PersonFactory(residence_atu=village, citizenship="KZ")
    elif scenario == "campaign_closed":
        ground = ref[3]
    elif scenario == "campaign_open_starts_1_january":
        ground, on = ref[3], datetime.date(2026, 10, 1)
        attach(person, other_clinic, ref[1], datetime.date(2025, 5, 5))
    elif scenario in ("campaign_recurring_window_in_2028", "campaign_year_row_replaces_recurring_window"):
        ground, on = ref[3], datetime.date(2028, 11, 10)
        if scenario == "campaign_year_row_replaces_recurring_window":  # closes on 1 November
            CampaignWindow.objects.create(
                year=2028,
                starts_on=datetime.date(2028, 9, 1),
                ends_on=datetime.date(2028, 11, 1),
                takes_effect_on=datetime.date(2029, 1, 1),
            )
    elif scenario == "free_choice_limit":
        attach(person, other_clinic, ref[2], datetime.date(2025, 6, 1))
        on = datetime.date(2026, 5, 1)
    elif scenario == "later_attachment":
        attach(person, other_clinic, ref[1], datetime.date(2026, 5, 1))
    elif scenario == "dead":
        person.date_of_death = datetime.date(2026, 1, 1)
        person.save()
    elif scenario == "ground_5_without_commission":
        ground = ref[5]
    elif scenario == "ground_5_after_commission":
        ground = ref[5]
        act = AttachmentAct.objects.create(kind="commission_protocol", number="1", date=on, issuer="x")
        attach(person, other_clinic, ref[1], datetime.date(2025, 1, 10), channel=Channel.ACT, act=act)
    elif scenario == "ground_4_contract_end":
        contract = ContractFactory(organization=clinic, insured__residence_atu=almaly)
        person, ground = contract.insured, ref[4]
        extra = {"contract_number": contract.number}
    elif scenario == "moves_from_another_organization":
        attach(person, other_clinic, ref[1], datetime.date(2025, 1, 10))

    expected, decision = service_decision(person, organization, ground, on)
    got, result = import_decision(person, organization, ground, on, **extra)
    assert got == expected, (scenario, result.report)
    assert expected <= set(rules.SET_WISE_CODES)
    if not expected:
        assert result.written
        new = Attachment.objects.filter(person=person, organization=organization).get()
        assert (new.valid_from, new.valid_to) == (decision.starts_on, decision.ends_on)
        if decision.ends_previous is not None:
            previous = Attachment.objects.get(pk=decision.ends_previous.id)
            assert previous.valid_to == decision.starts_on - datetime.timedelta(days=1)
    else:
        assert not result.written


def both_decisions(person, organization, ground, on):
    """`decide`'s refusal codes and `decide_sql`'s (refusals, unruled) for one request row."""
    expected = [
        r.code
        for r in attachment_decide(
            person=person, organization=organization, ground=ground, on=on, channel=Channel.IMPORT
        ).refusals
    ]
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS parity_requests")
        cursor.execute(
            "CREATE TEMP TABLE parity_requests AS SELECT 1::bigint AS line, %s::bigint AS person_id, "
            "%s::smallint AS category, %s::bigint AS organization_id, %s::bigint AS ground_id, "
            "%s::date AS on_date, %s::bigint AS residence_atu_id, false AS contract_given, "
            "NULL::date AS contract_valid_to",
            [person.pk, person.category, organization.pk, ground.pk, on, person.residence_atu_id],
        )
        for statement in rules.atu_tree_sql() + rules.decide_sql(
            requests="parity_requests", out="parity_out", channel=Channel.IMPORT, skip_missing=False
        ):
            cursor.execute(statement)
        cursor.execute("SELECT refusals, unruled FROM parity_out")
        return expected, cursor.fetchone()


def test_decide_sql_keeps_the_order_and_codes_of_decide(ref, clinic, almaly):
    """Both refusals of an organization without contract and a closed ground, in `decide`'s order."""
    PurchaseContract.objects.filter(organization=clinic).delete()
    IntegrationPeriod.objects.filter(organization=clinic).delete()
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN)
    expected, (got, _unruled) = both_decisions(person, clinic, ref[4], ON)
    assert got == expected == [rules.ORGANIZATION_MAY_NOT_ATTACH, rules.GROUND_NOT_ALLOWED]


def test_seed002_p4_decide_sql_says_no_rule_recorded_like_decide_before_the_recorded_rules(
    ref, clinic, almaly
):
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN)
    expected, got = both_decisions(person, clinic, ref[2], datetime.date(2022, 1, 10))
    assert got == (expected, True) and expected == [rules.NO_RULE_RECORDED]
