"""Who sees which report: clinic heads their organization, rules administrators and auditors all,
registrars none (patients/access.py)."""

import datetime

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from attachment.models import Application, CampaignWindow, CapitationNorm, Channel, Refusal, RefusalReason
from patients.access import AUDITOR, CLINIC_HEAD, REGISTRAR, RULES_ADMIN, role_permissions

from ...factories import DistrictFactory, staff_user

D = datetime.date
REPORTS = ["population", "campaign", "applications", "district_load", "planning"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "has_it"), [(REGISTRAR, False), (CLINIC_HEAD, True), (RULES_ADMIN, True), (AUDITOR, True)]
)
def test_report_permission_by_role(role, has_it, age_groups):
    permission = Permission.objects.get(codename="report_attached_population")
    assert role_permissions(role).filter(pk=permission.pk).exists() is has_it


@pytest.fixture
def two_clinics(age_groups, attach, person, clinic, other_clinic, ref):
    """Both clinics with one of everything each report counts; names tell the clinic apart."""
    CapitationNorm.objects.create(amount=1000, valid_from=D(2020, 1, 1))
    window = CampaignWindow.objects.create(
        year=2025, starts_on=D(2025, 9, 15), ends_on=D(2025, 11, 15), takes_effect_on=D(2026, 1, 1)
    )
    for org in (clinic, other_clinic):
        district = DistrictFactory(organization=org, code="01", capacity=10)
        someone = person()
        attach(someone, org, D(2020, 1, 1), D(2025, 12, 31), district=district)
        newcomer = person()
        attach(newcomer, org, D(2026, 1, 1), district=district, ground=3)
        received = datetime.datetime(2026, 3, 2, 10, tzinfo=datetime.UTC)
        application = Application.objects.create(
            person=someone,
            organization=org,
            ground=ref[2],
            channel=Channel.CLINIC,
            requested_on=D(2026, 3, 2),
            received_at=received,
            due_by=received + datetime.timedelta(days=1),
            status=Application.Status.REFUSED,
            decided_at=received,
        )
        refusal = Refusal.objects.create(
            person=someone,
            organization=org,
            application=application,
            ground=ref[2],
            reason=RefusalReason.objects.first(),
            on=D(2026, 3, 2),
        )
        Refusal.objects.filter(pk=refusal.pk).update(created_at=received)
    return window


def query(report, window):
    return {
        "population": {"on": "2026-03-02", "by": ["organization"]},
        "campaign": {"window": window.pk},
        "applications": {"date_from": "2026-03-01", "date_to": "2026-03-31"},
        "district_load": {"on": "2026-03-02"},
        "planning": {"year": "2026"},
    }[report]


def get(client, user, report, window, **extra):
    client.force_login(user)
    return client.get(reverse(f"reports:{report}"), {**query(report, window), **extra})


@pytest.mark.django_db
@pytest.mark.parametrize("report", REPORTS)
def test_registrar_sees_no_report(report, client, two_clinics, clinic):
    registrar = staff_user("reg", REGISTRAR, clinic)
    assert get(client, registrar, report, two_clinics).status_code == 403
    assert get(client, registrar, report, two_clinics, export="csv").status_code == 403


@pytest.mark.django_db
@pytest.mark.parametrize("report", REPORTS)
def test_clinic_head_sees_own_organization_only(report, client, two_clinics, clinic, other_clinic):
    head = staff_user("head", CLINIC_HEAD, clinic)
    page = get(client, head, report, two_clinics)
    assert page.status_code == 200
    html = page.content.decode()
    assert clinic.bin in html and other_clinic.bin not in html
    export = get(client, head, report, two_clinics, export="csv").getvalue().decode()
    assert clinic.bin in export and other_clinic.bin not in export


@pytest.mark.django_db
@pytest.mark.parametrize("report", ["population", "district_load"])
def test_clinic_head_cannot_ask_for_another_organization(report, client, two_clinics, clinic, other_clinic):
    head = staff_user("head", CLINIC_HEAD, clinic)
    page = get(client, head, report, two_clinics, organization=other_clinic.pk)
    html = page.content.decode()
    if "organization" in page.context["form"].fields:
        assert page.context["form"].errors
    assert other_clinic.bin not in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", [RULES_ADMIN, AUDITOR])
@pytest.mark.parametrize("report", REPORTS)
def test_administrators_and_auditors_see_every_organization(
    role, report, client, two_clinics, clinic, other_clinic
):
    user = staff_user(f"u-{role}", role, None, is_staff=True)
    html = get(client, user, report, two_clinics).content.decode()
    assert clinic.bin in html and other_clinic.bin in html
    export = get(client, user, report, two_clinics, export="xlsx")
    assert export["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
@pytest.mark.parametrize("report", REPORTS)
def test_report_page_queries_are_bounded(report, client, two_clinics, django_assert_max_num_queries):
    user = staff_user("auditor-q", AUDITOR, None, is_staff=True)
    client.force_login(user)
    get(client, user, report, two_clinics)  # warm the permission cache of the session
    with django_assert_max_num_queries(16):
        response = client.get(reverse(f"reports:{report}"), query(report, two_clinics))
    assert response.status_code == 200
