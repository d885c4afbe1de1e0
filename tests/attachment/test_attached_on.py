"""One definition of "attached to O on D" (`attachment.population`), used by every count and list.

DOMAIN, "What the product must never do": count, list or export a person as attached after their
date of death. Seed 001 §25, §31: the attached population as of a date is the base of PHC money,
so the list, its exports, the reports, the start page, the attach page and the capacity rule
must give one number for one organization and date.
"""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from attachment.models import Attachment, Channel
from attachment.population import attached_on, attached_on_sql
from attachment.reports.dashboard import attached_change
from attachment.reports.selectors import district_load_on, planning_estimate, population_on
from attachment.selectors import district_counts_on
from attachment.services import attachment_facts
from patients.access import REGISTRAR

from ..factories import PersonFactory, staff_user

D = datetime.date
TODAY = D(2026, 12, 1)
DATES = [
    D(2026, 11, 30),
    TODAY,
    D(2026, 12, 2),
    D(2026, 12, 20),
    D(2026, 12, 21),
    D(2027, 1, 1),
    D(2027, 1, 5),
]
# Who the clinic has on each date: the definition's answer, written out by hand.
EXPECTED = {
    D(2026, 11, 30): {"steady", "ended_yesterday", "died_on", "died_after"},
    TODAY: {"steady", "died_on", "died_after"},  # the day of death is the last day attached
    D(2026, 12, 2): {"steady", "starts_tomorrow", "died_after"},
    D(2026, 12, 20): {"steady", "starts_tomorrow", "died_after"},
    D(2026, 12, 21): {"steady", "starts_tomorrow"},
    D(2027, 1, 1): {"steady", "starts_tomorrow", "campaign"},
    D(2027, 1, 5): {"steady", "starts_tomorrow", "campaign"},
}


@pytest.fixture
def tricky(ref, clinic, other_clinic, district):
    """People whose attachment to the clinic starts, ends or is cut by death around the dates."""

    def person(name, died=None, **extra):
        return PersonFactory(last_name=name.capitalize(), date_of_death=died, **extra)

    def attach(who, organization, start, end=None, ground=2):
        Attachment.objects.create(
            person=who,
            organization=organization,
            district=district if organization == clinic else None,
            ground=ref[ground],
            channel=Channel.CLINIC,
            valid_from=start,
            valid_to=end,
        )

    people = {
        "steady": person("steady"),
        "starts_tomorrow": person("starts_tomorrow"),
        "ended_yesterday": person("ended_yesterday"),
        "campaign": person("campaign"),
        "died_before": person("died_before", died=D(2026, 11, 15)),
        "died_on": person("died_on", died=TODAY),
        "died_after": person("died_after", died=D(2026, 12, 20)),
        "died_with_future": person("died_with_future", died=D(2026, 12, 10)),
        "born_later": person("born_later", born=D(2026, 12, 25)),
    }
    attach(people["steady"], clinic, D(2025, 1, 1))
    attach(people["starts_tomorrow"], clinic, D(2026, 12, 2))
    attach(people["ended_yesterday"], clinic, D(2025, 1, 1), D(2026, 11, 30))
    for name in ("campaign", "died_with_future"):
        # Moved by the campaign from 1 January; the person who dies first must not arrive.
        attach(people[name], other_clinic, D(2025, 1, 1), D(2026, 12, 31))
        attach(people[name], clinic, D(2027, 1, 1), ground=3)
    # Attachments the death service has not ended yet: the definition alone keeps them out.
    attach(people["died_before"], clinic, D(2025, 1, 1))
    attach(people["died_on"], clinic, D(2025, 1, 1))
    attach(people["died_after"], clinic, D(2025, 1, 1), D(2026, 12, 20))
    # A row dated before the birth (imported history): not attached before the person exists.
    attach(people["born_later"], other_clinic, D(2026, 12, 1))
    return people


def list_page(client, clinic, on):
    response = client.get(reverse("attachment:list"), {"on": on.isoformat(), "organization": clinic.pk})
    return {a.person.last_name.lower() for a in response.context["page"].object_list}


def csv_export(client, clinic, on):
    response = client.get(reverse("importing:export", args=[clinic.pk, "csv"]), {"on": on.isoformat()})
    rows = list(csv.reader(io.StringIO(response.getvalue().decode().lstrip("\ufeff"))))
    return {row[1].lower() for row in rows[1:]}


def xlsx_export(client, clinic, on):
    response = client.get(reverse("importing:export", args=[clinic.pk, "xlsx"]), {"on": on.isoformat()})
    sheet = load_workbook(io.BytesIO(response.getvalue())).active
    return {row[1].lower() for row in list(sheet.iter_rows(values_only=True))[1:]}


def test_must_never_count_after_death_every_count_and_list_agrees_on_tricky_dates(
    client, ref, tricky, clinic, district
):
    client.force_login(staff_user("registrar", REGISTRAR, clinic))
    newcomer = PersonFactory()
    for on in DATES:
        expected = EXPECTED[on]
        assert list_page(client, clinic, on) == expected, on
        assert csv_export(client, clinic, on) == expected, on
        assert xlsx_export(client, clinic, on) == expected, on
        n = len(expected)
        counts = {
            "population report": population_on(on=on, by=[], organizations=[clinic.pk]).total,
            "district load report": district_load_on(on=on, organizations=[clinic.pk]).total,
            "start page": attached_change(organization_id=clinic.pk, today=on).today,
            "attach page": district_counts_on(organization=clinic, on=on).get(pk=district.pk).attached,
            "district_full rule": attachment_facts(
                person=newcomer, organization=clinic, ground=ref[2], on=on, district=district
            )[0].district_attached,
        }
        assert counts == dict.fromkeys(counts, n), on


def test_must_never_count_after_death_planning_counts_the_first_of_each_month(ref, tricky, clinic):
    # Planning: the population attached on each month's first day (December 2026: 1 December).
    table = planning_estimate(year=2026, organizations=[clinic.pk])
    (row,) = table.rows
    months = 11 * 5 + len(EXPECTED[TODAY])  # January–November: steady, ended, the three who die later
    assert float(row[2]) == round(months / 12, 1)


def test_orm_filter_and_sql_fragment_select_the_same_rows(ref, tricky):
    from django.db import connection

    for on in [*DATES, D(2026, 11, 15), D(2026, 12, 10), D(2026, 12, 31)]:
        orm = set(Attachment.objects.filter(attached_on(on)).values_list("pk", flat=True))
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT a.id FROM attachment_attachment a JOIN patients_person p ON p.id = a.person_id"
                f" WHERE {attached_on_sql('%(on)s::date')}",
                {"on": on},
            )
            sql = {pk for (pk,) in cursor.fetchall()}
        assert orm == sql, on
