"""The start page's "rule changes ahead" come from the dated package items (seed 000)."""

import datetime

import pytest
from django.urls import reverse

from attachment.reports import dashboard
from coverage.models import PackageItem

TODAY = datetime.date(2026, 11, 25)


@pytest.mark.django_db
def test_seed_000_item_11_no_longer_applies_from_2027_01_01_and_pending_wordings_show(rule_tables):
    gfmc = PackageItem.objects.get(number="11", valid_to=datetime.date(2026, 12, 31)).package.code
    changes = dashboard.rule_changes_pending(today=TODAY)
    by_what = {(c.on, c.what.split(" (")[0]): c.change for c in changes}
    assert by_what[(datetime.date(2027, 1, 1), f"{gfmc} 11")] == "no longer applies from this date"
    for number in ("3.1", "3.2", "6.3"):
        assert by_what[(datetime.date(2027, 1, 1), f"{gfmc} {number}")] == "wording to be entered"
    # Changes already in force are not "ahead".
    assert (datetime.date(2026, 1, 1), f"{gfmc} 14") not in by_what


@pytest.mark.django_db
def test_start_page_lists_coverage_changes_for_administrators(rule_tables, rules_admin, client):
    client.force_login(rules_admin)
    page = client.get(reverse("home"))
    assert "no longer applies from this date" in page.content.decode()
