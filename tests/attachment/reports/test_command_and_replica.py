"""The attached_population command, and reports read from a replica alias when one is configured."""

import copy
import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from attachment.reports import reference_data as reports_reference
from attachment.reports.selectors import population_on

from ...factories import DistrictFactory

D = datetime.date
BY = "region,organization,sex,age_group"


@pytest.fixture
def population(age_groups, attach, person, clinic, other_clinic):
    district = DistrictFactory(organization=clinic, code="07")
    attach(person(), clinic, D(2020, 1, 1), district=district)
    attach(person(sex="F", born=D(2020, 5, 5)), clinic, D(2020, 5, 5))
    attach(person(born=D(1950, 1, 1)), other_clinic, D(2020, 1, 1), D(2026, 2, 28))
    attach(person(born=D(1950, 1, 1)), other_clinic, D(2020, 1, 1), ground=1)


@pytest.mark.django_db
def test_command_csv_equals_the_page_export(population, rules_admin, client):
    out = io.StringIO()
    with translation.override("en"):  # the language of the test client's pages
        call_command("attached_population", on="2026-03-01", by=BY, format="csv", stdout=out)
    client.force_login(rules_admin)
    page = client.get(
        reverse("reports:population"),
        {"on": "2026-03-01", "by": BY.split(","), "export": "csv"},
    )
    assert page["Content-Type"].startswith("text/csv")
    assert out.getvalue() == page.getvalue().decode()
    assert len(out.getvalue().splitlines()) == 4  # header + 3 groups


@pytest.mark.django_db
def test_command_writes_xlsx_and_rejects_unknown_grouping(population, tmp_path):
    target = tmp_path / "population.xlsx"
    call_command("attached_population", on="2026-03-01", by="sex", format="xlsx", output=str(target))
    assert target.read_bytes()[:2] == b"PK"
    with pytest.raises(CommandError):
        call_command("attached_population", on="2026-03-01", by="planet")


# A `replica` alias mirroring the test database, as DATABASE_REPLICA_URL configures it
# (settings: TEST MIRROR "default"). Declared at collection so the test database setup sees it;
# nothing else uses it unless REPORTS_DATABASE names it.
if "replica" not in connections.settings:
    _replica = copy.deepcopy(connections["default"].settings_dict)
    _replica["TEST"] = {**_replica.get("TEST", {}), "MIRROR": "default"}
    connections.settings["replica"] = _replica


@pytest.fixture
def replica(settings):
    settings.REPORTS_DATABASE = "replica"
    return "replica"


@pytest.mark.django_db(transaction=True, databases=["default", "replica"])
def test_reports_read_from_the_replica_and_write_to_the_primary(replica, ref, attach, person, clinic, client):
    reports_reference.load()
    attach(person(), clinic, D(2020, 1, 1))
    from patients.access import RULES_ADMIN

    from ...factories import staff_user

    client.force_login(staff_user("admin-r", RULES_ADMIN, None, is_staff=True))
    with CaptureQueriesContext(connections["replica"]) as on_replica:
        assert population_on(on=D(2026, 3, 1), by=["organization"], organizations=None).total == 1
        for name in ("population", "campaign", "applications", "district_load", "planning"):
            assert client.get(reverse(f"reports:{name}")).status_code == 200
    assert any("attachment_attachment" in q["sql"] for q in on_replica.captured_queries)
    assert any("attachment_organization" in q["sql"] for q in on_replica.captured_queries)
    # Writes go to the primary whatever the reporting context.
    from attachment.reports.routing import ReplicaRouter, reading_reports

    with reading_reports():
        assert ReplicaRouter().db_for_write(type(clinic)) == "default"
        assert ReplicaRouter().db_for_read(type(clinic)) == "replica"
    assert ReplicaRouter().db_for_read(type(clinic)) is None
