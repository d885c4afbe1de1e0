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


D = datetime.date
EVERY_YEAR = Row(
    year=None, atu_kato=None, starts_on=D(2020, 9, 15), ends_on=D(2020, 11, 15), takes_effect_on=D(2021, 1, 1)
)


def test_par10_3_recurring_campaign_window_opens_every_year_and_takes_effect_1_january_next_year():
    window = rules.campaign_window([EVERY_YEAR], person_katos=("751210000",), on=D(2031, 10, 1))
    assert (window.starts_on, window.ends_on, window.takes_effect_on) == (
        D(2031, 9, 15),
        D(2031, 11, 15),
        D(2032, 1, 1),
    )
    assert rules.campaign_window([EVERY_YEAR], person_katos=(), on=D(2028, 9, 14)) is None
    assert rules.campaign_window([EVERY_YEAR], person_katos=(), on=D(2028, 11, 16)) is None
    assert (
        rules.campaign_window([EVERY_YEAR], person_katos=(), on=D(2019, 10, 1)) is None
    )  # before its first year


def test_par10_3_a_row_for_a_year_replaces_the_recurring_window_of_its_unit_only_that_year():
    year_2028 = Row(
        year=2028,
        atu_kato=None,
        starts_on=D(2028, 9, 1),
        ends_on=D(2028, 11, 1),
        takes_effect_on=D(2029, 1, 1),
    )
    windows = [EVERY_YEAR, year_2028]
    assert rules.campaign_window(windows, person_katos=(), on=D(2028, 9, 5)) is year_2028
    assert rules.campaign_window(windows, person_katos=(), on=D(2028, 11, 10)) is None
    assert rules.campaign_window(windows, person_katos=(), on=D(2029, 11, 10)).starts_on == D(2029, 9, 15)


def test_par10_3_recurring_window_of_an_atu_wins_over_the_country_row_of_the_year():
    local = Row(
        year=None,
        atu_kato="750000000",
        starts_on=D(2027, 9, 1),
        ends_on=D(2027, 10, 1),
        takes_effect_on=D(2028, 1, 1),
    )
    year_2028 = Row(
        year=2028,
        atu_kato=None,
        starts_on=D(2028, 9, 15),
        ends_on=D(2028, 12, 1),
        takes_effect_on=D(2029, 1, 1),
    )
    katos = ("751210000", "750000000")
    assert (
        rules.campaign_window([EVERY_YEAR, year_2028, local], person_katos=katos, on=D(2028, 11, 1)) is None
    )
    assert (
        rules.campaign_window([EVERY_YEAR, year_2028, local], person_katos=katos, on=D(2028, 9, 2)).row
        is local
    )
    assert (
        rules.campaign_window([EVERY_YEAR, year_2028, local], person_katos=(), on=D(2028, 11, 20))
        is year_2028
    )


SINCE = D(2002, 1, 1)


def holiday(month, day, moves=True, valid_from=SINCE, valid_to=None):
    return Row(month=month, day=day, moves_off_weekend=moves, valid_from=valid_from, valid_to=valid_to)


def test_seed_004_items_7_9_fixed_holidays_exist_in_any_year_and_a_weekend_one_moves_the_day_off():
    holidays = [holiday(1, 1), holiday(1, 2), holiday(1, 7, moves=False), holiday(12, 16)]
    # 1–2 January 2028 fall on Saturday and Sunday: Monday 3 and Tuesday 4 are the days off;
    # Saturday 16 December gives Monday 18.
    days = rules.public_holidays_in(holidays, year=2028)
    moved = sorted(d for d, (_row, is_moved) in days.items() if is_moved)
    assert moved == [D(2028, 1, 3), D(2028, 1, 4), D(2028, 12, 18)]
    # In 2029 Orthodox Christmas (Sunday 7 January) moves nothing; 16 December, a Sunday, does.
    assert sorted(rules.public_holidays_in(holidays, year=2029)) == [
        D(2029, 1, 1),
        D(2029, 1, 2),
        D(2029, 1, 7),
        D(2029, 12, 16),
        D(2029, 12, 17),
    ]


def test_working_calendar_holiday_in_force_only_in_its_years_and_decree_rows_win():
    constitution = [holiday(8, 30, valid_to=D(2025, 12, 31)), holiday(3, 15, valid_from=D(2027, 1, 1))]
    exceptions = rules.calendar_exceptions(
        holidays=constitution, days=[], start=D(2025, 1, 1), end=D(2030, 12, 31)
    )
    # Saturday 30.08.2025 moves the day off to Monday; from 2027 the day is 15 March.
    assert {D(2025, 8, 30), D(2025, 9, 1), D(2028, 3, 15)} <= set(exceptions)
    assert D(2026, 8, 31) not in exceptions and D(2026, 3, 16) not in exceptions
    saturday = Row(date=D(2028, 3, 18), is_working=True)  # a transfer decree's working Saturday
    kurban_ait = Row(date=D(2028, 5, 5), is_working=False)
    exceptions = rules.calendar_exceptions(
        holidays=constitution, days=[saturday, kurban_ait], start=D(2028, 3, 1), end=D(2028, 5, 31)
    )
    assert exceptions == {D(2028, 3, 15): False, D(2028, 3, 18): True, D(2028, 5, 5): False}
    assert rules.due_by(datetime.datetime(2028, 3, 17, 9, 0), exceptions) == datetime.datetime(
        2028, 3, 18, 9, 0
    )
