"""Reference data of attachment: preloaded, idempotent, never overwriting an administrator's edit."""

import datetime

import pytest
from django.utils import translation

from attachment import reference_data, rules, selectors
from attachment.models import (
    CalendarDay,
    CampaignWindow,
    FreeChoiceLimit,
    GroundRule,
    PublicHoliday,
    RefusalReason,
)

pytestmark = pytest.mark.django_db


def test_load_twice_creates_nothing_the_second_time(ref):
    assert reference_data.load() == 0


def test_par3_1_ground_rules_preloaded(ref):
    assert GroundRule.objects.filter(category=1).count() == 8
    assert set(GroundRule.objects.filter(category=6).values_list("ground__code", flat=True)) == {
        1,
        2,
        3,
        4,
        6,
        7,
        8,
        9,
    }
    assert GroundRule.objects.get(category=7, ground__code=4).condition == "contract"
    assert GroundRule.objects.get(category=8, ground__code=2).condition == "cshi_insured"
    assert not GroundRule.objects.filter(category=1, ground__code=4).exists()


def test_par10_3_one_recurring_country_window_15_september_15_november_takes_effect_1_january(ref):
    window = CampaignWindow.objects.get(year=None, atu=None)
    first = window.starts_on.year
    assert (window.starts_on, window.ends_on, window.takes_effect_on) == (
        datetime.date(first, 9, 15),
        datetime.date(first, 11, 15),
        datetime.date(first + 1, 1, 1),
    )
    assert not CampaignWindow.objects.filter(year__isnull=False).exists()


def test_every_refusal_code_of_the_rules_has_a_reason_row(ref):
    codes = {
        rules.PERSON_DEAD,
        rules.MINOR_WITHOUT_REPRESENTATIVE,
        rules.ORGANIZATION_MAY_NOT_ATTACH,
        rules.GROUND_NOT_ALLOWED,
        rules.CHANNEL_NOT_ALLOWED,
        rules.NOT_INSURED,
        rules.NO_CONTRACT,
        rules.NOT_ATTACHED_BY_COMMISSION,
        rules.CAMPAIGN_CLOSED,
        rules.OUTSIDE_ATU,
        rules.FREE_CHOICE_LIMIT,
        rules.ALREADY_ATTACHED,
        rules.LATER_ATTACHMENT,
        rules.DISTRICT_FULL,
        rules.DOCUMENTS_INCOMPLETE,
    }
    assert codes <= set(RefusalReason.objects.values_list("code", flat=True))


def test_e_gov_passport_free_choice_limit_once_a_year(ref):
    limit = FreeChoiceLimit.objects.get(ground__code=2)
    assert (limit.max_count, limit.months) == (1, 12)


def test_kazakhstan_public_holidays_loaded_with_kazakh_and_russian_names(ref):
    independence = PublicHoliday.objects.get(month=12, day=16)
    assert (independence.name_kk, independence.name_ru) == ("Тәуелсіздік күні", "День Независимости")
    with translation.override("ru"):
        assert independence.name == "День Независимости"
    with translation.override("kk"):
        assert independence.name == "Тәуелсіздік күні"
    # Nothing is dated in advance: Kurban ait and transfer decrees are entered per year.
    assert not CalendarDay.objects.exists()
    in_2031 = selectors.calendar_exceptions(start=datetime.date(2031, 1, 1), end=datetime.date(2031, 12, 31))
    assert sum(1 for working in in_2031.values() if not working) >= 14


def test_administrator_edits_survive_reloading(ref):
    window = CampaignWindow.objects.get(year=None, atu=None)
    window.starts_on = window.starts_on.replace(day=1)
    window.save()
    reason = RefusalReason.objects.get(code=rules.DISTRICT_FULL)
    reason.name_ru = "Участок заполнен (правка)"
    reason.save()
    reference_data.load()
    assert CampaignWindow.objects.get(pk=window.pk).starts_on == window.starts_on
    assert RefusalReason.objects.get(pk=reason.pk).name_ru == "Участок заполнен (правка)"
