"""The rules recorded are order 141's wording (seed 002) and apply from its entry into force;
for earlier dates no rule is recorded until a rules administrator enters the earlier wording."""

import datetime

import pytest
from django.urls import reverse

from attachment import rules
from attachment.models import Attachment, AtuComparisonLevel, FreeChoiceLimit, GroundRule, LegalAct
from attachment.services import AttachmentRefused, attachment_create
from patients.models import LegalCategory

from ..factories import PersonFactory
from .test_import_population import csv_file, report_rows, row, run

pytestmark = pytest.mark.django_db

IN_FORCE = datetime.date(2023, 8, 12)  # registered 01.08.2023 + ten calendar days (provisional)


def attach(person, organization, ground, on):
    return attachment_create(
        person=person,
        organization=organization,
        ground=ground,
        on=on,
        channel="clinic",
        user=None,
        reason="x",
    )


def test_seed002_p4_order_141_recorded_with_provisional_in_force_date_dates_every_rule_row(ref):
    act = LegalAct.objects.get(number="141")
    assert (act.registered_on, act.in_force_on, act.in_force_confirmed) == (
        datetime.date(2023, 8, 1),
        IN_FORCE,
        False,
    )
    for model in (GroundRule, AtuComparisonLevel, FreeChoiceLimit):
        assert set(model.objects.values_list("valid_from", "legal_act")) == {(IN_FORCE, act.pk)}, model


def test_seed002_p4_attach_before_order_141_is_refused_no_rule_recorded_until_earlier_wording_entered(
    ref, clinic, almaly
):
    person = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN)
    with pytest.raises(AttachmentRefused) as refused:
        attach(person, clinic, ref[1], IN_FORCE - datetime.timedelta(days=1))
    assert [r.code for r in refused.value.refusals] == [rules.NO_RULE_RECORDED]
    assert "No rule of attachment under this ground is recorded for 11.08.2023" in refused.value.messages[0]
    assert not Attachment.objects.filter(person=person).exists()

    # A rules administrator enters the earlier wording of ground 1 for citizens.
    GroundRule.objects.create(
        category=LegalCategory.CITIZEN,
        ground=ref[1],
        channels=["clinic"],
        valid_from=datetime.date(2020, 11, 13),
        valid_to=IN_FORCE - datetime.timedelta(days=1),
        source="ҚР ДСМ-194/2020, wording of 13.11.2020",
    )
    assert attach(person, clinic, ref[1], datetime.date(2022, 5, 4)).valid_from == datetime.date(2022, 5, 4)


def test_seed002_p4_import_takes_rows_before_the_recorded_rules_as_register_facts(
    ref, clinic, other_clinic, district, almaly
):
    """A 2021 row under ground 3 outside any campaign would be refused by today's rules; as the
    register's history it is written as it stands and counted; a historical row that breaks the
    register (a later attachment is recorded) is still an error."""
    known = PersonFactory(residence_atu=almaly, category=LegalCategory.CITIZEN, citizenship="KZ")
    attach(known, other_clinic, ref[1], datetime.date(2024, 2, 1))
    history = row(clinic, ground="3", attached_on="2021-03-01")
    broken = row(
        clinic,
        known.iin,
        last_name=known.last_name,
        first_name=known.first_name,
        ground="2",
        attached_on="2021-03-01",
    )
    result = run(csv_file([history, broken]), dry_run=True)
    assert report_rows(result) == [("3", "attached_on", "refused:later_attachment")], result.report

    result = run(csv_file([history]))
    assert result.written and result.historical == 1, result.report
    assert result.summary.endswith("errors=0 historical=1 warnings=0")
    attachment = Attachment.objects.get(person__iin=history[0])
    assert (attachment.valid_from, attachment.valid_to, attachment.ground.code) == (
        datetime.date(2021, 3, 1),
        None,
        3,
    )


def test_seed002_p4_administrator_confirms_in_force_date_and_the_rules_move_with_it(client, rules_admin, ref):
    earlier = GroundRule.objects.create(
        category=LegalCategory.CITIZEN,
        ground=ref[2],
        channels=["clinic"],
        valid_from=datetime.date(2020, 11, 13),
        valid_to=IN_FORCE - datetime.timedelta(days=1),
    )
    act = LegalAct.objects.get(number="141")
    client.force_login(rules_admin)
    response = client.post(
        reverse("admin:attachment_legalact_change", args=[act.pk]),
        {
            "number": act.number,
            "title": act.title,
            "registered_on": "2023-08-01",
            "in_force_rule": act.in_force_rule,
            "in_force_on": "2023-08-15",
            "in_force_confirmed": "on",
            "change_reason": "Published 04.08.2023",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    act.refresh_from_db()
    moved = datetime.date(2023, 8, 15)
    assert (act.in_force_on, act.in_force_confirmed) == (moved, True)
    for model in (GroundRule, AtuComparisonLevel, FreeChoiceLimit):
        assert set(model.objects.filter(legal_act=act).values_list("valid_from", flat=True)) == {moved}
    earlier.refresh_from_db()
    assert earlier.valid_to == moved - datetime.timedelta(days=1)
    rule = GroundRule.objects.filter(legal_act=act).first()
    assert rule.history.first().history_change_reason == "Published 04.08.2023"
    assert rule.history.first().history_user == rules_admin
