"""The working calendar and the campaign window exist for any year (seed 004 items 7–9: one
working day; seed 002 §10.3: the campaign from 15 September to 15 November, every year)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attachment import rules
from attachment.models import CalendarDay, CalendarYear, CampaignWindow
from attachment.reports import dashboard
from attachment.services import application_due_by, attachment_decide
from patients.models import LegalCategory

from ..factories import PersonFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def received(*args):
    return timezone.make_aware(datetime.datetime(*args))


def test_seed_004_items_7_9_deadline_in_2028_skips_new_year_moved_off_the_weekend(ref):
    # Friday 31.12.2027; 1–2 January 2028 are Saturday and Sunday, their days off Monday and Tuesday.
    assert application_due_by(received(2027, 12, 31, 10, 0)) == received(2028, 1, 5, 10, 0)


def test_seed_004_items_7_9_kurban_ait_and_a_working_saturday_entered_as_dated_rows(ref):
    CalendarDay.objects.create(
        date=D(2028, 6, 2), is_working=False, name_kk="Құрбан айт", name_ru="Курбан айт"
    )
    assert application_due_by(received(2028, 6, 1, 9, 0)) == received(2028, 6, 5, 9, 0)
    CalendarDay.objects.create(
        date=D(2028, 6, 3), is_working=True, name_ru="Рабочий день (перенос)", source="decree"
    )
    assert application_due_by(received(2028, 6, 1, 9, 0)) == received(2028, 6, 3, 9, 0)


def test_par10_3_ground_3_in_2028_without_any_row_for_the_year(ref, clinic, citizen):
    assert not CampaignWindow.objects.filter(year=2028).exists()
    decision = attachment_decide(
        person=citizen, organization=clinic, ground=ref[3], on=D(2028, 10, 2), channel="clinic"
    )
    assert decision.allowed and decision.starts_on == D(2029, 1, 1)
    closed = attachment_decide(
        person=citizen, organization=clinic, ground=ref[3], on=D(2028, 11, 16), channel="clinic"
    )
    assert [r.code for r in closed.refusals] == [rules.CAMPAIGN_CLOSED]


def test_par10_3_a_year_row_recorded_by_an_administrator_replaces_the_recurring_window(ref, clinic, citizen):
    CampaignWindow.objects.create(
        year=2028, starts_on=D(2028, 9, 1), ends_on=D(2028, 11, 1), takes_effect_on=D(2029, 1, 1)
    )
    on_5_november = attachment_decide(
        person=citizen, organization=clinic, ground=ref[3], on=D(2028, 11, 5), channel="clinic"
    )
    assert [r.code for r in on_5_november.refusals] == [rules.CAMPAIGN_CLOSED]
    assert attachment_decide(
        person=citizen, organization=clinic, ground=ref[3], on=D(2028, 9, 2), channel="clinic"
    ).allowed


def test_recurring_window_stays_within_its_year_in_the_database(ref):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        CampaignWindow.objects.create(
            atu=PersonFactory(category=LegalCategory.CITIZEN).residence_atu,
            starts_on=D(2026, 12, 1),
            ends_on=D(2027, 1, 31),
            takes_effect_on=D(2027, 2, 1),
        )


def test_start_page_warns_rules_administrators_60_days_ahead_of_an_unconfirmed_year(
    client, rules_admin, registrar1, ref
):
    CalendarYear.objects.create(year=2026, confirmed=True)
    assert dashboard.calendar_unconfirmed(today=D(2026, 11, 1)) == []
    assert dashboard.calendar_unconfirmed(today=D(2026, 11, 2)) == [2027]
    CalendarYear.objects.create(year=2027, confirmed=False)
    assert dashboard.calendar_unconfirmed(today=D(2026, 12, 31)) == [2027]
    today = timezone.localdate()
    CalendarYear.objects.update_or_create(year=today.year, defaults={"confirmed": False})
    client.force_login(rules_admin)
    page = client.get(reverse("home")).content.decode()
    assert f"The working calendar of {today.year} is not confirmed" in page
    client.force_login(registrar1)
    assert "is not confirmed" not in client.get(reverse("home")).content.decode()
    CalendarYear.objects.filter(year__in=[2026, 2027]).update(confirmed=True)
    assert dashboard.calendar_unconfirmed(today=D(2026, 12, 31)) == []
