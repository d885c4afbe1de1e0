"""The start page by role: the registrar's day, the administrator's pending rule changes."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from attachment.models import Application, CapitationNorm, Channel, FreeChoiceLimit, ImportRun
from attachment.reports import dashboard

from ...factories import staff_user


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.mark.django_db
def test_registrar_sees_todays_and_overdue_applications_and_attached_change(
    ref, attach, person, clinic, other_clinic, today, client, django_assert_max_num_queries
):
    registrar = staff_user("reg-d", "registrar", clinic)
    monday = today - datetime.timedelta(days=today.weekday())
    attach(person(), clinic, datetime.date(2020, 1, 1))
    attach(person(), clinic, monday)  # joined this week
    attach(person(), other_clinic, monday)  # another clinic's
    now = timezone.now()
    moments = [now] * 6 + [now - datetime.timedelta(days=5)] * 6  # enough rows to show any N+1
    for received, status in ((moment, "received") for moment in moments):
        Application.objects.create(
            person=person(),
            organization=clinic,
            ground=ref[2],
            channel=Channel.CLINIC,
            requested_on=today,
            received_at=received,
            due_by=received + datetime.timedelta(days=1),
            status=status,
        )
    client.force_login(registrar)
    client.get(reverse("home"))
    with django_assert_max_num_queries(15):  # a query per widget (the leavers' count is one)
        page = client.get(reverse("home"))
    context = page.context
    assert context["attached"].today == 2 and context["attached"].change == 1
    assert context["applications"].received_today == 6
    assert context["applications"].overdue == 6
    assert len(context["applications"].overdue_list) == 6
    assert "rule_changes" not in context
    html = page.content.decode()
    assert 'name="iin"' in html or "search" in html


@pytest.mark.django_db
def test_administrator_sees_rule_changes_by_date_and_the_imports_hook(ref, today, rules_admin, client):
    CapitationNorm.objects.create(amount=1000, valid_from=today + datetime.timedelta(days=30))
    limit = FreeChoiceLimit.objects.get()
    limit.valid_to = today + datetime.timedelta(days=10)
    limit.save()
    changes = dashboard.rule_changes_pending(today=today)
    assert [c.on for c in changes][:2] == [limit.valid_to, today + datetime.timedelta(days=30)]
    client.force_login(rules_admin)
    page = client.get(reverse("home"))
    assert page.context["administrator"] and page.context["imports_running"] == []
    assert "No import is running." in page.content.decode()
    run = ImportRun.objects.create(file_name="almaty.csv", user=rules_admin, status=ImportRun.Status.RUNNING)
    ImportRun.objects.create(file_name="old.csv", user=rules_admin, status=ImportRun.Status.DONE)
    page = client.get(reverse("home"))
    assert page.context["imports_running"] == [run]
    assert "almaty.csv" in page.content.decode() and "old.csv" not in page.content.decode()
    assert page.context["rule_changes"] == changes


@pytest.mark.django_db
def test_attached_change_counts_the_day_before_monday(ref, attach, person, clinic):
    wednesday = datetime.date(2026, 3, 4)
    attach(person(), clinic, datetime.date(2026, 1, 1), datetime.date(2026, 3, 2))  # left on Monday
    attach(person(), clinic, datetime.date(2026, 3, 3))
    widget = dashboard.attached_change(organization_id=clinic.pk, today=wednesday)
    assert (widget.week_start, widget.before_week, widget.today, widget.change) == (
        datetime.date(2026, 3, 2),
        1,
        1,
        0,
    )
