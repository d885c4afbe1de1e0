"""Report filters and export parameters come from the address bar: whatever they hold, the answer
is a page with a clear message (or the export), never a server error."""

import datetime

import pytest
from django.urls import reverse

from attachment.models import CampaignWindow
from patients.access import CLINIC_HEAD

from ...factories import staff_user

D = datetime.date
REPORTS = ["population", "campaign", "applications", "district_load", "planning"]
HUGE = "9" * 30
BAD_VALUES = [
    "2026-02-30",
    "abc",
    "",
    " ",
    HUGE,
    "-1",
    "0",
    "²",
    "١٢",
    "<script>x</script>",
    "0001-01-01",
    "9999-12-31",
    "2026-13-01",
    "1e9",
    "Ə",
]
# The filters each report reads (others are ignored), and the export switch.
FIELDS = {
    "population": ["on", "by", "region", "organization", "district", "export"],
    "campaign": ["window", "export"],
    "applications": ["date_from", "date_to", "export"],
    "district_load": ["on", "export"],
    "planning": ["year", "export"],
}


@pytest.fixture
def head(two_clinics_data, clinic):
    return staff_user("head", CLINIC_HEAD, clinic)


@pytest.fixture
def two_clinics_data(age_groups, attach, person, clinic, district):
    CampaignWindow.objects.create(
        year=2025, starts_on=D(2025, 9, 15), ends_on=D(2025, 11, 15), takes_effect_on=D(2026, 1, 1)
    )
    attach(person(), clinic, D(2020, 1, 1), district=district)


@pytest.mark.django_db
@pytest.mark.parametrize("report", REPORTS)
def test_bad_filter_values_never_break_a_report(client, head, report):
    client.force_login(head)
    client.raise_request_exception = False  # collect every failure, not the first
    failures = []
    for field in FIELDS[report]:
        for value in BAD_VALUES:
            response = client.get(reverse(f"reports:{report}"), {field: value})
            if response.status_code not in (200, 400):
                failures.append(f"{field}={value!r}: {response.status_code}")
    assert not failures, failures


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"on": "2026-02-30"}, "on", "Enter a valid date."),
        ({"on": "9999-12-31"}, "on", "Enter a date between 1900-01-01 and 2100-12-31."),
        ({"by": ["organization", "shoe_size"]}, "by", "Select a valid choice. shoe_size is not one of"),
        ({"organization": "abc"}, "organization", "Select a valid choice."),
        ({"district": HUGE}, "district", "Select a valid choice."),
    ],
)
def test_population_filter_errors_are_shown_and_nothing_is_exported(client, head, query, field, message):
    client.force_login(head)
    for export in (None, "csv", "xlsx"):
        response = client.get(
            reverse("reports:population"), {**query, **({"export": export} if export else {})}
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")  # the page with the message, no file
        assert message in " ".join(response.context["form"].errors[field])
        assert message.split(".")[0] in response.content.decode()
        assert "table" not in response.context


@pytest.mark.django_db
def test_applications_period_past_the_calendar_is_a_message(client, head):
    client.force_login(head)
    response = client.get(
        reverse("reports:applications"), {"date_from": "2026-03-01", "date_to": "9999-12-31"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors["date_to"]
