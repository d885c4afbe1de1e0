"""Volume limits of seed 004 and service usage recording: counts, periods, refusals, locks."""

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction

from coverage import rules
from coverage.models import PeriodKind, ServiceLimit, ServiceUsage
from coverage.selectors import entitlements_on
from coverage.services import service_usage_record
from patients.dates import add_months

D = datetime.date


def record(person, limit, on, user, organization):
    return service_usage_record(
        person=person, limit=limit, on=on, organization_id=organization.pk, user=user, reason="visit"
    )


def status(person, row, on):
    grant = entitlements_on(person=person, on=on).package("gfmc_dangerous")
    return next(s for s in grant.limits if s.limit.leaflet_number == row)


def test_004_row_1_third_therapist_visit_in_one_year_is_refused(
    temporary_foreigner, limit, registrar1, clinic1
):
    therapist = limit(1)
    record(temporary_foreigner, therapist, D(2026, 2, 1), registrar1, clinic1)
    record(temporary_foreigner, therapist, D(2026, 5, 1), registrar1, clinic1)
    with pytest.raises(ValidationError) as refused:
        record(temporary_foreigner, therapist, D(2026, 11, 1), registrar1, clinic1)
    assert "limited to 2" in refused.value.messages[0]
    assert ServiceUsage.objects.filter(person=temporary_foreigner).count() == 2  # nothing written
    assert ServiceUsage.history.filter(person=temporary_foreigner).count() == 2
    now = status(temporary_foreigner, 1, D(2026, 11, 1))
    assert (now.used, now.remaining) == (2, 0)


def test_004_row_1_count_is_right_across_the_year_boundary(temporary_foreigner, limit, registrar1, clinic1):
    therapist = limit(1)
    record(temporary_foreigner, therapist, D(2026, 12, 20), registrar1, clinic1)
    record(temporary_foreigner, therapist, D(2026, 12, 30), registrar1, clinic1)
    assert status(temporary_foreigner, 1, D(2026, 12, 31)).remaining == 0
    january = status(temporary_foreigner, 1, D(2027, 1, 1))
    assert (january.used, january.remaining, january.period_start) == (0, 2, D(2027, 1, 1))
    record(temporary_foreigner, therapist, D(2027, 1, 2), registrar1, clinic1)
    assert status(temporary_foreigner, 1, D(2027, 1, 2)).used == 1


def test_004_row_9_once_in_6_months_rolling_resets_six_months_later(
    temporary_foreigner, limit, registrar1, clinic1
):
    pulmonologist = limit(9)
    assert pulmonologist.period_kind == PeriodKind.ROLLING_6_MONTHS
    record(temporary_foreigner, pulmonologist, D(2026, 1, 10), registrar1, clinic1)
    with pytest.raises(ValidationError):
        record(temporary_foreigner, pulmonologist, D(2026, 7, 9), registrar1, clinic1)
    assert status(temporary_foreigner, 9, D(2026, 7, 9)).remaining == 0
    assert status(temporary_foreigner, 9, D(2026, 7, 10)).remaining == 1
    record(temporary_foreigner, pulmonologist, D(2026, 7, 10), registrar1, clinic1)
    assert ServiceUsage.objects.filter(limit=pulmonologist).count() == 2


def test_004_row_9_switched_to_calendar_half_years_resets_on_1_july(
    temporary_foreigner, limit, registrar1, clinic1
):
    pulmonologist = limit(9)
    pulmonologist.period_kind = PeriodKind.CALENDAR_HALF_YEAR
    pulmonologist.save()
    record(temporary_foreigner, pulmonologist, D(2026, 6, 30), registrar1, clinic1)
    record(temporary_foreigner, pulmonologist, D(2026, 7, 1), registrar1, clinic1)
    with pytest.raises(ValidationError):
        record(temporary_foreigner, pulmonologist, D(2026, 12, 31), registrar1, clinic1)
    second_half = status(temporary_foreigner, 9, D(2026, 12, 31))
    assert (second_half.period_start, second_half.period_end, second_half.used) == (
        D(2026, 7, 1),
        D(2026, 12, 31),
        1,
    )


def test_004_rolling_limit_refuses_a_back_dated_entry_that_would_overfill_a_later_window(
    temporary_foreigner, limit, registrar1, clinic1
):
    xray = limit(18)
    record(temporary_foreigner, xray, D(2026, 5, 1), registrar1, clinic1)
    with pytest.raises(ValidationError):
        record(temporary_foreigner, xray, D(2026, 2, 1), registrar1, clinic1)
    record(temporary_foreigner, xray, D(2025, 10, 31), registrar1, clinic1)


def test_rules_period_bounds_are_pure_functions_of_the_date():
    assert rules.period_bounds(PeriodKind.CALENDAR_YEAR, D(2026, 7, 9)) == (D(2026, 1, 1), D(2026, 12, 31))
    assert rules.period_bounds(PeriodKind.ROLLING_6_MONTHS, D(2026, 8, 31)) == (D(2026, 3, 1), D(2026, 8, 31))
    assert rules.period_bounds(PeriodKind.ROLLING_12_MONTHS, D(2024, 2, 29)) == (
        D(2023, 3, 1),
        D(2024, 2, 29),
    )
    assert add_months(D(2026, 3, 31), -1) == D(2026, 2, 28)


def test_usage_refused_for_a_person_not_entitled_to_the_package(citizen, limit, registrar1, clinic1):
    with pytest.raises(ValidationError) as refused:
        record(citizen, limit(1), D(2026, 3, 1), registrar1, clinic1)
    assert "not entitled" in refused.value.messages[0]
    assert not ServiceUsage.objects.exists()


def test_usage_only_for_the_registrars_own_organization(temporary_foreigner, limit, registrar2, clinic1):
    with pytest.raises(PermissionDenied):
        record(temporary_foreigner, limit(1), D(2026, 3, 1), registrar2, clinic1)
    assert not ServiceUsage.objects.exists()


def test_usage_writes_history_with_user_and_reason(temporary_foreigner, limit, registrar1, clinic1):
    usage = record(temporary_foreigner, limit(2), D(2026, 3, 1), registrar1, clinic1)
    row = usage.history.get()
    assert (row.history_user, row.history_change_reason, row.recorded_by) == (registrar1, "visit", registrar1)


def test_servicelimit_zero_count_is_rejected_by_the_database(limit):
    with pytest.raises(IntegrityError), transaction.atomic():
        ServiceLimit.objects.filter(pk=limit(1).pk).update(max_count=0)
    assert limit(1).max_count == 2


@pytest.mark.django_db(transaction=True)
def test_two_registrars_cannot_both_use_the_last_unit_of_a_quota(registrar1, clinic1):
    """Registrar A records the last therapist visit of the year and has not committed yet;
    registrar B records another one meanwhile: B waits on the person-row lock, then sees A's
    usage and is refused (without the lock, B would not see A's uncommitted row)."""
    from coverage.reference_data import load
    from patients.models import LegalCategory

    from ..factories import PersonFactory

    load()
    person = PersonFactory(category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="TJ")
    therapist = ServiceLimit.objects.get(leaflet_number=1)
    record(person, therapist, D(2026, 2, 1), registrar1, clinic1)
    a_recorded, a_release = threading.Event(), threading.Event()
    outcomes = {}

    def registrar_a():
        try:
            with transaction.atomic():
                record(person, therapist, D(2026, 3, 1), registrar1, clinic1)
                a_recorded.set()
                a_release.wait(timeout=10)
            outcomes["a"] = "recorded"
        finally:
            connection.close()

    def registrar_b():
        try:
            a_recorded.wait(timeout=10)
            record(person, therapist, D(2026, 3, 2), registrar1, clinic1)
            outcomes["b"] = "recorded"
        except ValidationError:
            outcomes["b"] = "refused"
        finally:
            connection.close()

    threads = [threading.Thread(target=registrar_a), threading.Thread(target=registrar_b)]
    for thread in threads:
        thread.start()
    a_recorded.wait(timeout=10)
    threads[1].join(timeout=1)
    assert threads[1].is_alive()  # B waits for A's lock
    a_release.set()
    for thread in threads:
        thread.join(timeout=10)
    assert outcomes == {"a": "recorded", "b": "refused"}
    assert ServiceUsage.objects.filter(person=person).count() == 2


def test_import_records_rows_through_the_service_and_reports_refusals(
    tmp_path, temporary_foreigner, registrar1, rule_tables
):
    import io

    from django.core.management import call_command

    path = tmp_path / "usage.csv"
    iin = temporary_foreigner.iin
    path.write_text(
        "iin,service_row,rendered_on\n"
        f"{iin},2,2026-03-01\n"
        f"{iin},2,2026-04-01\n"  # beyond 1 per year
        f"{iin},3,2026-04-01\n"  # there is no row 3
        f"{iin},1,2026-04-01\n",
        encoding="utf-8",
    )
    out, err = io.StringIO(), io.StringIO()
    call_command("import_service_usage", str(path), "--user", registrar1.username, stdout=out, stderr=err)
    assert out.getvalue().strip() == "recorded=2 refused=2"
    assert "line 3:" in err.getvalue() and "line 4:" in err.getvalue() and iin not in err.getvalue()
    usages = ServiceUsage.objects.filter(person=temporary_foreigner)
    assert set(usages.values_list("source", flat=True)) == {ServiceUsage.Source.IMPORT}
    assert usages.count() == 2
