"""The GFMC list of decree 672 with its dated amendments (seed 000): the text in force on D."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from coverage.models import PackageItem
from coverage.selectors import entitlements_on

D = datetime.date


def gfmc(person, on):
    return entitlements_on(person=person, on=on).package("gfmc")


def item(grant, number):
    return next((i for i in grant.items if i.number == number), None)


def test_000_decree_786_answer_for_2025_06_01_follows_its_applies_from_date(citizen):
    """Decree 786 (23.09.2025) enters into force ten days after publication but applies from
    07.05.2025: on 01.06.2025 point 4 already has its amended wording."""
    grant = gfmc(citizen, D(2025, 6, 1))
    point = item(grant, "4.1")
    assert point is not None and point.text_kk.startswith("уәкілетті орган айқындайтын тізбе")
    assert point.amended_by.number == "786"
    assert point.amended_by.applies_from == D(2025, 5, 7)
    assert point.amended_by.signed_on == D(2025, 9, 23)  # signed after the date asked about
    # The day before it applies, the earlier wording (not in the seeds) is shown as pending:
    # the sub-point is a row to be entered, never a gap.
    before = gfmc(citizen, D(2025, 5, 6))
    assert item(before, "4.1").earlier_wording and item(before, "4.1").wording_pending
    assert item(before, "4").wording_pending and item(before, "4").ended_by.number == "786"


def test_000_item_4_4_listed_on_2025_12_31_and_not_on_2026_01_01(citizen):
    assert item(gfmc(citizen, D(2025, 12, 31)), "4.4") is not None
    assert item(gfmc(citizen, D(2026, 1, 1)), "4.4") is None


def test_000_item_14_not_listed_on_2025_12_31_and_listed_on_2026_01_01(citizen):
    assert item(gfmc(citizen, D(2025, 12, 31)), "14") is None
    added = item(gfmc(citizen, D(2026, 1, 1)), "14")
    assert added.amended_by.number == "1086" and added.amendment_in_force_on == D(2026, 1, 1)


def test_000_item_11_listed_on_2026_12_31_and_not_on_2027_01_01(citizen):
    assert item(gfmc(citizen, D(2026, 12, 31)), "11").ended_by.number == "1086"
    assert item(gfmc(citizen, D(2027, 1, 1)), "11") is None


@pytest.mark.parametrize("number", ["5", "7", "9"])
def test_000_items_5_7_9_new_wording_from_2026_earlier_wording_recorded_as_not_in_seeds(citizen, number):
    new = item(gfmc(citizen, D(2026, 1, 1)), number)
    assert new.text_kk and new.valid_from == D(2026, 1, 1) and new.amended_by.number == "1086"
    earlier = item(gfmc(citizen, D(2025, 12, 31)), number)
    assert earlier.wording_pending and earlier.text_kk == "" and "not in the seeds" in earlier.note


@pytest.mark.parametrize("number", ["3.1", "3.2", "6.3"])
def test_000_sub_items_3_1_3_2_6_3_show_a_pending_change_from_2027_with_its_act(citizen, number):
    now = gfmc(citizen, D(2026, 12, 31))
    assert item(now, number).text_kk  # the wording shown in the seed, until 31.12.2026
    pending = next(i for i in now.upcoming if i.number == number)
    assert (pending.valid_from, pending.amended_by.number, pending.text_kk) == (D(2027, 1, 1), "1086", "")
    later = item(gfmc(citizen, D(2027, 1, 1)), number)
    assert later.wording_pending  # never invented


def test_000_wording_is_loaded_as_kazakh_and_russian_left_for_the_administrator(rule_tables):
    items = PackageItem.objects.filter(package__code="gfmc")
    assert items.exclude(text_ru="").count() == 0
    first = items.get(number="1")
    assert first.wording("ru") == (first.text_kk, "kk")  # marked as Kazakh in the Russian UI
    first.text_ru = "Официальная редакция"
    assert first.wording("ru") == ("Официальная редакция", "ru")


def test_packageitem_overlapping_wordings_are_rejected_by_the_database(rule_tables):
    current = PackageItem.objects.get(package__code="gfmc", number="1")
    with pytest.raises(IntegrityError), transaction.atomic():
        PackageItem.objects.create(package=current.package, number="1", text_kk="x", valid_from=D(2024, 1, 1))
    assert PackageItem.objects.filter(package__code="gfmc", number="1").count() == 1
