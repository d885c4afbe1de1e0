"""Applications (seed 004 items 7–9: one working day), district load, and the planning estimate
(seed 001 §31: attached population × per-capita norm with sex-age coefficients)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError
from django.urls import reverse

from attachment.models import (
    AgeGroup,
    Application,
    CapitationNorm,
    Channel,
    Refusal,
    RefusalReason,
    SexAgeCoefficient,
)
from attachment.reports.selectors import applications_summary, district_load_on, planning_estimate

from ...factories import DistrictFactory

D = datetime.date
UTC = datetime.UTC


def at(day, hour=10):
    return datetime.datetime(2026, 3, day, hour, tzinfo=UTC)


@pytest.mark.django_db
def test_item7_applications_on_time_late_overdue_and_refusals_by_reason(ref, person, clinic):
    reasons = list(RefusalReason.objects.order_by("code")[:2])

    def application(received, decided=None, status=Application.Status.RECEIVED):
        return Application.objects.create(
            person=person(),
            organization=clinic,
            ground=ref[2],
            channel=Channel.EGOV,
            requested_on=received.date(),
            received_at=received,
            due_by=received + datetime.timedelta(days=1),
            status=status,
            decided_at=decided,
        )

    application(at(2), at(2, 15), Application.Status.ATTACHED)  # within one working day
    application(at(2), at(4), Application.Status.ATTACHED)  # late
    refused = application(at(3), at(3, 12), Application.Status.REFUSED)
    application(at(5))  # open, overdue at "now"
    application(at(9))  # open, not yet due
    application(datetime.datetime(2026, 4, 1, 10, tzinfo=UTC))  # outside the period
    for reason in (reasons[0], reasons[0], reasons[1]):
        refusal = Refusal.objects.create(
            person=refused.person, organization=clinic, ground=ref[2], reason=reason, on=D(2026, 3, 3)
        )
        Refusal.objects.filter(pk=refusal.pk).update(created_at=at(3))

    table = applications_summary(start=at(1, 0), end=at(31, 0), now=at(9, 12), organizations=None)
    assert table.rows == [(clinic.bin, clinic.name_ru, 5, 2, 1, 1, 2, 1)]
    assert table.extra["reasons"] == [
        (clinic.bin, clinic.name_ru, reasons[0].code, reasons[0].name_ru, 2),
        (clinic.bin, clinic.name_ru, reasons[1].code, reasons[1].name_ru, 1),
    ]


@pytest.mark.django_db
def test_par8_district_load_over_capacity_highlighted(
    age_groups, attach, person, clinic, rules_admin, client
):
    small = DistrictFactory(organization=clinic, code="01", capacity=2)
    roomy = DistrictFactory(organization=clinic, code="02", capacity=10)
    for _ in range(3):
        attach(person(), clinic, D(2025, 1, 1), district=small)
    attach(person(), clinic, D(2025, 1, 1), district=roomy)
    attach(person(), clinic, D(2025, 1, 1), D(2025, 12, 31), district=roomy)  # ended before the date
    table = district_load_on(on=D(2026, 3, 2), organizations=None)
    assert [r[2:] for r in table.rows] == [("01", 2, 3, Decimal("150.0")), ("02", 10, 1, Decimal("10.0"))]
    client.force_login(rules_admin)
    html = client.get(reverse("reports:district_load"), {"on": "2026-03-02"}).content.decode()
    assert html.count('class="over-capacity"') == 1


@pytest.mark.django_db
def test_par31_planning_estimate_uses_norms_in_force_each_month(age_groups, attach, person, clinic):
    thirties = AgeGroup.objects.get(code="30-39")
    CapitationNorm.objects.create(amount=1000, valid_from=D(2020, 1, 1))
    CapitationNorm.objects.create(amount=2000, valid_from=D(2026, 7, 1))
    SexAgeCoefficient.objects.create(
        sex="M", age_group=thirties, value=Decimal("1.5"), valid_from=D(2026, 1, 1)
    )
    attach(person(born=D(1990, 1, 1)), clinic, D(2020, 1, 1))
    attach(person(born=D(1990, 1, 1), sex="F"), clinic, D(2020, 1, 1))  # no coefficient for women
    table = planning_estimate(year=2026, organizations=None)
    # Men 30–39: 6 months × 1000 × 1.5 + 6 months × 2000 × 1.5.
    assert table.rows == [(clinic.bin, clinic.name_ru, Decimal("2.0"), Decimal("27000.00"), 12)]


@pytest.mark.django_db
def test_planning_page_is_labelled_an_estimate(age_groups, rules_admin, client):
    client.force_login(rules_admin)
    html = client.get(reverse("reports:planning"), {"year": "2026"}).content.decode()
    assert "Estimate." in html


@pytest.mark.django_db
def test_norm_tables_reject_bad_rows_in_the_database(age_groups):
    with pytest.raises(IntegrityError):
        CapitationNorm.objects.create(amount=0, valid_from=D(2026, 1, 1))


@pytest.mark.django_db
def test_reference_data_has_no_tariff_figures(age_groups):
    assert not CapitationNorm.objects.exists()
    assert not SexAgeCoefficient.objects.exists()
