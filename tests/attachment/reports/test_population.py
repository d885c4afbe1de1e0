"""Attached population as of a date (seed 001 §25, §31: planning from the attached population)."""

import datetime

import pytest
from django.db import IntegrityError

from attachment.models import AgeGroup
from attachment.reports.selectors import DIMENSIONS, population_on

D = datetime.date


def counts(on, by=("organization",), **filters):
    table = population_on(on=on, by=list(by), organizations=None, **filters)
    return {row[:-1]: row[-1] for row in table.rows}, table


@pytest.mark.django_db
def test_par25_past_date_unchanged_by_later_reattachment(age_groups, attach, person, clinic, other_clinic):
    mover, stayer = person(), person()
    attach(mover, clinic, D(2025, 1, 1), D(2026, 3, 31))
    attach(stayer, clinic, D(2025, 1, 1))
    before, _ = counts(D(2026, 3, 1))
    assert before == {(clinic.bin, clinic.name_ru): 2}
    # The person re-attaches from April: March stays as it was, April shows the move.
    attach(mover, other_clinic, D(2026, 4, 1), ground=1)
    assert counts(D(2026, 3, 1))[0] == before
    assert counts(D(2026, 3, 31))[0] == before
    assert counts(D(2026, 4, 1))[0] == {
        (clinic.bin, clinic.name_ru): 1,
        (other_clinic.bin, other_clinic.name_ru): 1,
    }


@pytest.mark.django_db
def test_death_ends_the_count_after_the_date_of_death(age_groups, attach, person, clinic):
    died = person(date_of_death=D(2026, 5, 10))
    attach(died, clinic, D(2025, 1, 1))  # even an attachment not yet ended by the service
    attach(person(), clinic, D(2025, 1, 1))
    assert counts(D(2026, 5, 10))[1].total == 2
    assert counts(D(2026, 5, 11))[1].total == 1
    assert counts(D(2026, 1, 1))[1].total == 2


@pytest.mark.django_db
def test_par9_1_contract_end_ends_the_count(age_groups, attach, person, clinic):
    foreigner = person(category=6, citizenship="UZ")
    attach(foreigner, clinic, D(2026, 1, 1), D(2026, 12, 31), ground=4)
    assert counts(D(2025, 12, 31))[1].total == 0
    assert counts(D(2026, 12, 31))[1].total == 1
    assert counts(D(2027, 1, 1))[1].total == 0


@pytest.mark.django_db
def test_age_group_changes_on_the_birthday_not_the_day_before(age_groups, attach, person, clinic):
    attach(person(born=D(2021, 3, 2)), clinic, D(2021, 3, 2))
    attach(person(born=D(2025, 3, 2), sex="F"), clinic, D(2025, 3, 2))
    attach(person(born=D(2008, 3, 2)), clinic, D(2020, 1, 1))
    day_before, _ = counts(D(2026, 3, 1), by=["age_group"])
    on_birthday, _ = counts(D(2026, 3, 2), by=["age_group"])
    # The 5th birthday: 4 completed years the day before ("1–4"), 5 on the day ("5–9").
    # The 1st birthday: "0–1" is under one year. The 18th birthday leaves "15–17".
    assert day_before == {("0-1", "0–1"): 1, ("1-4", "1–4"): 1, ("15-17", "15–17"): 1}
    assert on_birthday == {("1-4", "1–4"): 1, ("5-9", "5–9"): 1, ("18-29", "18–29"): 1}


@pytest.mark.django_db
def test_leap_day_birthday_counts_from_march_1(age_groups, attach, person, clinic):
    attach(person(born=D(2024, 2, 29)), clinic, D(2024, 3, 1))
    assert counts(D(2025, 2, 28), by=["age_group"])[0] == {("0-1", "0–1"): 1}
    assert counts(D(2025, 3, 1), by=["age_group"])[0] == {("1-4", "1–4"): 1}


@pytest.mark.django_db
def test_preloaded_age_groups_cover_every_age_once(age_groups):
    groups = list(AgeGroup.objects.all())
    assert [g.label for g in groups][:2] == ["0–1", "1–4"]
    for age in range(0, 120):
        assert sum(g.contains(age) for g in groups) == 1, age
    assert AgeGroup.objects.get(code="0-1").max_age == 0  # "0–1" means under one year


@pytest.mark.django_db
def test_agegroup_overlap_rejected_by_the_constraint(age_groups):
    with pytest.raises(IntegrityError):
        AgeGroup.objects.create(code="4-6", label="4–6", min_age=4, max_age=6)


@pytest.mark.django_db
@pytest.mark.parametrize("dimension", list(DIMENSIONS))
def test_every_grouping_adds_up_to_the_total(
    dimension, age_groups, attach, person, clinic, other_clinic, district
):
    attach(person(), clinic, D(2025, 1, 1), district=district)
    attach(person(sex="F", category=2), clinic, D(2025, 1, 1), ground=1)
    attach(person(born=D(2010, 1, 1)), other_clinic, D(2025, 1, 1))
    table = population_on(on=D(2026, 3, 1), by=[dimension], organizations=None)
    assert table.total == 3
    assert len(table.headers) == 3
    assert all(row[0] != "" or dimension == "district" for row in table.rows)


@pytest.mark.django_db
def test_filters_by_organization_district_and_region(
    age_groups, attach, person, clinic, other_clinic, district
):
    attach(person(), clinic, D(2025, 1, 1), district=district)
    attach(person(), clinic, D(2025, 1, 1))
    attach(person(), other_clinic, D(2025, 1, 1))
    on = D(2026, 3, 1)
    assert population_on(on=on, by=[], organizations=None, organization=clinic.pk).total == 2
    assert population_on(on=on, by=[], organizations=None, district=district.pk).total == 1
    assert population_on(on=on, by=[], organizations=None, region="750000000").total == 3
    assert population_on(on=on, by=[], organizations=None, region="710000000").total == 0
    assert population_on(on=on, by=["region"], organizations=None).rows[0][0] == "750000000"


@pytest.mark.django_db
def test_report_active_rule_agrees_with_in_force_on(age_groups, attach, person, clinic, other_clinic):
    """The reports' SQL of "attached on D" is the in_force_on rule of patients.selectors."""
    from attachment.selectors import attachments_active_on

    p = person()
    attach(p, clinic, D(2025, 1, 1), D(2025, 6, 30))
    attach(p, other_clinic, D(2025, 7, 1), D(2025, 7, 1))
    attach(p, clinic, D(2025, 7, 2))
    attach(person(), clinic, D(2025, 7, 1), D(2025, 12, 31))
    attach(person(), other_clinic, D(2026, 1, 1))
    for on in (D(2024, 12, 31), D(2025, 1, 1), D(2025, 6, 30), D(2025, 7, 1), D(2025, 7, 2), D(2026, 1, 1)):
        for org in (clinic, other_clinic):
            expected = attachments_active_on(on=on).filter(organization=org).count()
            assert population_on(on=on, by=[], organizations=[org.pk]).total == expected, (on, org)
