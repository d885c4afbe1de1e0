"""Pure predicates of attachment.rules: no database, explicit dates."""

import datetime
from types import SimpleNamespace as Row

from attachment import rules
from patients.dates import add_months


def test_seed_004_items_7_9_due_one_working_day_after_receipt_skipping_holidays():
    friday = datetime.datetime(2026, 12, 11, 15, 30)
    holidays = {datetime.date(2026, 12, 16): False}
    assert rules.due_by(friday, holidays) == datetime.datetime(2026, 12, 14, 15, 30)
    tuesday = datetime.datetime(2026, 12, 15, 9, 0)
    assert rules.due_by(tuesday, holidays) == datetime.datetime(2026, 12, 17, 9, 0)


def test_working_calendar_transferred_saturday_is_a_working_day():
    saturday = datetime.date(2026, 1, 3)
    assert not rules.is_working_day(saturday, {})
    assert rules.is_working_day(saturday, {saturday: True})
    received = datetime.datetime(2026, 1, 2, 10, 0)
    assert rules.due_by(received, {saturday: True}) == datetime.datetime(2026, 1, 3, 10, 0)


def test_par8_within_atu_compares_kato_prefix_at_the_level_and_border_neighbours():
    assert rules.within_atu(person_kato="751210000", organization_kato="751810000", level=2)
    assert not rules.within_atu(person_kato="751210000", organization_kato="751810000", level=4)
    assert rules.within_atu(
        person_kato="195000000", organization_kato="195200000", level=4, border_neighbour_katos={"195200000"}
    )
    assert not rules.within_atu(person_kato=None, organization_kato="751810000", level=2)


def test_par8_comparison_level_in_force_on_the_date_exact_unit_when_none():
    levels = [Row(applies_to="city", level=2, valid_from=datetime.date(2020, 1, 1), valid_to=None)]
    assert rules.comparison_level(levels, in_city=True, on=datetime.date(2026, 1, 1)) == 2
    assert rules.comparison_level(levels, in_city=True, on=datetime.date(2019, 1, 1)) == 9
    assert rules.comparison_level(levels, in_city=False, on=datetime.date(2026, 1, 1)) == 9


def test_par10_3_campaign_window_nearest_atu_wins_over_country():
    country = Row(
        year=2026, atu_kato=None, starts_on=datetime.date(2026, 9, 15), ends_on=datetime.date(2026, 11, 15)
    )
    local = Row(
        year=2026,
        atu_kato="750000000",
        starts_on=datetime.date(2026, 9, 1),
        ends_on=datetime.date(2026, 11, 1),
    )
    katos = ("751210000", "750000000")
    assert rules.campaign_window([country, local], person_katos=katos, on=datetime.date(2026, 9, 5)) is local
    assert rules.campaign_window([country, local], person_katos=katos, on=datetime.date(2026, 11, 10)) is None
    assert rules.campaign_window(
        [country, local], person_katos=("190000000",), on=datetime.date(2026, 11, 10)
    ) is (country)
    assert rules.campaign_window([country], person_katos=katos, on=datetime.date(2027, 10, 1)) is None


def test_free_choice_limit_counts_starts_in_the_months_before():
    limit = Row(ground_code=2, max_count=1, months=12, valid_from=datetime.date(2020, 1, 1), valid_to=None)
    starts = [(2, datetime.date(2025, 6, 1)), (1, datetime.date(2026, 1, 1))]
    assert rules.free_choice_exceeded(
        [limit], ground_code=2, recent_starts=starts, on=datetime.date(2026, 5, 31)
    )
    assert not rules.free_choice_exceeded(
        [limit], ground_code=2, recent_starts=starts, on=datetime.date(2026, 6, 1)
    )
    assert not rules.free_choice_exceeded(
        [limit], ground_code=1, recent_starts=starts, on=datetime.date(2026, 6, 1)
    )


def test_free_choice_limit_window_clamps_the_day():
    assert add_months(datetime.date(2024, 3, 31), -1) == datetime.date(2024, 2, 29)
    assert add_months(datetime.date(2026, 1, 15), -12) == datetime.date(2025, 1, 15)


def test_par2_minor_is_under_18_on_the_date():
    born = datetime.date(2008, 3, 2)
    assert rules.is_minor(born, datetime.date(2026, 3, 1))
    assert not rules.is_minor(born, datetime.date(2026, 3, 2))


def test_documents_checklist_by_contingent():
    assert rules.required_documents(contingents=[], minor=False, needs_contract=False, channel="egov") == [
        "egov_request"
    ]
    assert rules.required_documents(
        contingents=["pensioner", "convict"], minor=True, needs_contract=True, channel="clinic"
    ) == [
        "identity",
        "commission_protocol",
        "pension_certificate",
        "representative_identity",
        "contract",
    ]
