"""Campaign report (seed 002 §10.3: the Fund's campaign; campaign dates are data)."""

import datetime

import pytest

from attachment.models import CampaignWindow
from attachment.reports.selectors import campaign_moves

D = datetime.date


@pytest.fixture
def window(ref):
    return CampaignWindow.objects.create(
        year=2025, starts_on=D(2025, 9, 15), ends_on=D(2025, 11, 15), takes_effect_on=D(2026, 1, 1)
    )


@pytest.mark.django_db
def test_par10_3_campaign_gains_losses_and_net_change(window, attach, person, clinic, other_clinic, district):
    p1, p2, p3, p4, p5, p6 = (person() for _ in range(6))
    attach(p1, clinic, D(2020, 1, 1), D(2025, 12, 31))  # clinic → other clinic by the campaign
    attach(p1, other_clinic, D(2026, 1, 1), ground=3)
    attach(p2, other_clinic, D(2020, 1, 1), D(2025, 12, 31))  # other clinic → clinic
    attach(p2, clinic, D(2026, 1, 1), ground=3)
    attach(p3, clinic, D(2026, 1, 1), ground=3)  # newly attached, from nowhere
    attach(p4, clinic, D(2020, 1, 1), D(2025, 10, 31))  # left without a new attachment
    attach(p5, clinic, D(2020, 1, 1), D(2025, 12, 31))  # a change of district only
    attach(p5, clinic, D(2026, 1, 1), ground=2, district=district)
    attach(p6, clinic, D(2020, 1, 1), D(2025, 5, 31))  # before the window
    attach(p6, other_clinic, D(2025, 6, 1), ground=1)

    table = campaign_moves(window=window, organizations=None)
    rows = {(r[0], r[2], r[3], r[5]): r[7] for r in table.rows}
    assert rows == {
        (clinic.bin, "gained", 3, other_clinic.bin): 1,
        (clinic.bin, "gained", 3, ""): 1,
        (clinic.bin, "lost", 3, other_clinic.bin): 1,
        (clinic.bin, "lost", "", ""): 1,
        (other_clinic.bin, "gained", 3, clinic.bin): 1,
        (other_clinic.bin, "lost", 3, clinic.bin): 1,
    }
    totals = {r[0]: r[8:] for r in table.rows}
    assert totals[clinic.bin] == (2, 2, 0)
    assert totals[other_clinic.bin] == (1, 1, 0)


@pytest.mark.django_db
def test_campaign_report_scoped_to_one_organization(window, attach, person, clinic, other_clinic):
    p = person()
    attach(p, clinic, D(2020, 1, 1), D(2025, 12, 31))
    attach(p, other_clinic, D(2026, 1, 1), ground=3)
    table = campaign_moves(window=window, organizations=[other_clinic.pk])
    assert [(r[0], r[2], r[5], r[10]) for r in table.rows] == [(other_clinic.bin, "gained", clinic.bin, 1)]


@pytest.mark.django_db
def test_campaign_window_of_one_atu_counts_moves_touching_it(
    ref, attach, person, clinic, other_clinic, almaly
):
    from ...factories import OrganizationFactory

    local = CampaignWindow.objects.create(
        year=2025,
        atu=almaly,
        starts_on=D(2025, 9, 1),
        ends_on=D(2025, 11, 1),
        takes_effect_on=D(2026, 1, 1),
    )
    elsewhere = OrganizationFactory()
    inside, outside = person(), person()
    attach(inside, clinic, D(2020, 1, 1), D(2025, 12, 31))  # clinic is in Almaly
    attach(inside, other_clinic, D(2026, 1, 1), ground=3)
    attach(outside, other_clinic, D(2020, 1, 1), D(2025, 12, 31))  # neither end in Almaly
    attach(outside, elsewhere, D(2026, 1, 1), ground=3)
    table = campaign_moves(window=local, organizations=None)
    assert sorted((r[0], r[2], r[7]) for r in table.rows) == [
        (clinic.bin, "lost", 1),
        (other_clinic.bin, "gained", 1),
    ]
