"""Who left a clinic (issue 20 item 5): each person whose attachment to the clinic ended in a period
with nothing attaching them there the next day, the last day attached, where they went (the
attachment that attaches them the day after, by the one "attached on D"), on which ground, and
why the old one ended (a transfer, a detachment with its reason, a death, a reconciliation);
scoped like the attached list, exported through the one writer with its access-log row, and
counted on the start page."""

import csv
import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from attachment.leavers import HEADERS, leavers_for
from attachment.models import Attachment, Channel, DetachReason, LeavingReason
from attachment.selectors import organization_leavers
from attachment.services import attachment_detach, person_record_death
from attachment.services.reconcile import reconciliation_apply, reconciliation_compare
from patients.access import CLINIC_HEAD, REGISTRAR
from patients.models import PersonAccessLog

from ..factories import PersonFactory, staff_user

pytestmark = pytest.mark.django_db

D = datetime.date
START = D(2025, 6, 1)
PERIOD = {"date_from": "2026-01-01", "date_to": "2026-03-01"}


def attach(person, organization, ground, valid_from, valid_to=None, **extra):
    return Attachment.objects.create(
        person=person,
        organization=organization,
        ground=ground,
        channel=Channel.CLINIC,
        valid_from=valid_from,
        valid_to=valid_to,
        **extra,
    )


@pytest.fixture
def registrar(clinic):
    return staff_user("reg", REGISTRAR, clinic)


@pytest.fixture
def other_registrar(other_clinic):
    return staff_user("reg_other", REGISTRAR, other_clinic)


@pytest.fixture
def scene(ref, clinic, other_clinic, district, rules_admin):
    """Persons of the clinic since START who left it between January and March 2026 in every way,
    and some who did not."""
    people = {
        name: PersonFactory(last_name=last_name)
        for name, last_name in [
            ("moved", "Ауысқан"),
            ("detached", "Шетелге"),
            ("died", "Қайтыс"),
            ("back", "Қайтқан"),
            ("reconciled", "Тізімде"),
            ("regrounded", "Негізі"),
            ("staying", "Қалған"),
            ("earlier", "Ертерек"),
        ]
    }
    p = people
    # Attached elsewhere from 15 February: the clinic's attachment ended the day before (§4).
    attach(p["moved"], clinic, ref[1], START, D(2026, 2, 14), district=district)
    attach(p["moved"], other_clinic, ref[2], D(2026, 2, 15))
    # Detached at the desk (moved abroad) on 20 February.
    detached = attach(p["detached"], clinic, ref[1], START, district=district)
    attachment_detach(
        attachment=detached,
        on=D(2026, 2, 20),
        reason=DetachReason.objects.get(code="moved_abroad"),
        user=rules_admin,
        today=D(2026, 3, 2),
    )
    # Died on 10 February.
    attach(p["died"], clinic, ref[1], START)
    person_record_death(
        person=p["died"], date_of_death=D(2026, 2, 10), user=rules_admin, reason="certificate"
    )
    # Left for the other clinic on 1 February, came back on 1 March.
    attach(p["back"], clinic, ref[1], START, D(2026, 1, 31))
    attach(p["back"], other_clinic, ref[2], D(2026, 2, 1), D(2026, 2, 28))
    attach(p["back"], clinic, ref[2], D(2026, 3, 1))
    # Re-attached to the same clinic on another ground the next day: never left.
    attach(p["regrounded"], clinic, ref[1], START, D(2026, 2, 5))
    attach(p["regrounded"], clinic, ref[2], D(2026, 2, 6))
    attach(p["staying"], clinic, ref[1], START)
    # Left before the period.
    attach(p["earlier"], clinic, ref[1], START, D(2025, 12, 31))
    attach(p["earlier"], other_clinic, ref[2], D(2026, 1, 1))
    # The national register has them at the other clinic since 1 February: applied, it ends here.
    attach(p["reconciled"], clinic, ref[1], START)
    extract = (
        "iin,last_name,first_name,organization_bin,attached_on,ground\n"
        f"{p['reconciled'].iin},Тізімде,Асан,{other_clinic.bin},2026-02-01,1\n"
    )
    run = reconciliation_compare(
        stream=io.BytesIO(extract.encode()),
        file_name="rpn.csv",
        organization=clinic,
        on=D(2026, 3, 2),
        user=rules_admin,
    )
    reconciliation_apply(reconciliation=run, user=rules_admin)
    people["run"] = run
    return people


def _listed(clinic, **filters):
    rows = organization_leavers(date_from=D(2026, 1, 1), date_to=D(2026, 3, 1), organization=clinic)
    return [(a.person_id, a.valid_to, a.left_because, a.next_id) for a in rows.filter(**filters)]


def test_each_way_of_leaving_is_listed_once_with_its_last_day_and_reason(scene, clinic, other_clinic):
    p = scene
    moved_to = Attachment.objects.get(person=p["moved"], organization=other_clinic)
    back_to = Attachment.objects.get(person=p["back"], organization=other_clinic)
    rows = _listed(clinic)
    # Latest last day first; on one day by surname (Тізімде before Қайтқан in code-point order).
    assert rows == [
        (p["detached"].pk, D(2026, 2, 20), LeavingReason.DETACHED, None),
        (p["moved"].pk, D(2026, 2, 14), LeavingReason.TRANSFER, moved_to.pk),
        (p["died"].pk, D(2026, 2, 10), LeavingReason.DEATH, None),
        (p["reconciled"].pk, D(2026, 1, 31), LeavingReason.RECONCILIATION, None),
        (p["back"].pk, D(2026, 1, 31), LeavingReason.TRANSFER, back_to.pk),
    ]


def test_the_person_who_came_back_left_the_other_clinic_for_this_one(scene, clinic, other_clinic):
    """Their return is the other clinic's leaver, and the clinic's list names the clinic again."""
    rows = organization_leavers(date_from=D(2026, 1, 1), date_to=D(2026, 3, 1), organization=other_clinic)
    (row,) = rows
    assert (row.person_id, row.valid_to, row.left_because) == (
        scene["back"].pk,
        D(2026, 2, 28),
        LeavingReason.TRANSFER,
    )
    assert Attachment.objects.get(pk=row.next_id).organization == clinic


def test_the_period_bounds_are_the_last_day_attached_inclusive(scene, clinic):
    one_day = organization_leavers(date_from=D(2026, 2, 14), date_to=D(2026, 2, 14), organization=clinic)
    assert [a.person_id for a in one_day] == [scene["moved"].pk]
    before = organization_leavers(date_from=D(2025, 12, 31), date_to=D(2025, 12, 31), organization=clinic)
    assert [a.person_id for a in before] == [scene["earlier"].pk]


def test_page_shows_destination_ground_and_reasons(client, scene, registrar, other_clinic):
    client.force_login(registrar)
    response = client.get(reverse("attachment:leavers"), PERIOD)
    assert response.status_code == 200
    html = response.content.decode()
    rows = {a.person_id: a for a in response.context["page"].object_list}
    p = scene
    assert set(rows) == {p[n].pk for n in ("moved", "detached", "died", "back", "reconciled")}
    moved = rows[p["moved"].pk]
    assert moved.destination.organization == other_clinic and moved.destination.ground.code == 2
    assert moved.destination.valid_from == D(2026, 2, 15)
    assert rows[p["detached"].pk].details == DetachReason.objects.get(code="moved_abroad").name
    assert rows[p["reconciled"].pk].details == f"reconciliation #{p['run'].pk}"
    assert rows[p["died"].pk].destination is None
    assert reverse("attachment:person", args=[p["moved"].pk]) in html
    assert p["moved"].iin in html and "15.02.2026" in html and other_clinic.name in html
    assert "death" in html and "detached at the desk" in html
    for name in ("regrounded", "staying", "earlier"):
        assert p[name].iin not in html


def test_page_filters_by_reason_and_refuses_a_wrong_period(client, scene, registrar):
    client.force_login(registrar)
    response = client.get(reverse("attachment:leavers"), {**PERIOD, "reason": "death"})
    assert [a.person_id for a in response.context["page"].object_list] == [scene["died"].pk]
    response = client.get(reverse("attachment:leavers"), {"date_from": "2026-03-01", "date_to": "2026-01-01"})
    assert response.status_code == 200 and response.context["page"] is None
    assert "date_to" in response.context["form"].errors
    response = client.get(reverse("attachment:leavers"), {"date_from": "2026-02-30"})
    assert response.context["page"] is None and "date_from" in response.context["form"].errors


def test_page_writes_one_access_log_row_per_person_shown(client, scene, registrar):
    client.force_login(registrar)
    client.get(reverse("attachment:leavers"), PERIOD)
    logged = PersonAccessLog.objects.filter(view_name="attachment:leavers")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(
        scene[n].pk for n in ("moved", "detached", "died", "back", "reconciled")
    )


def test_page_reads_a_fixed_number_of_queries_whatever_the_rows(
    client, ref, clinic, other_clinic, registrar, django_assert_max_num_queries
):
    client.force_login(registrar)

    def leave(n):
        for _ in range(n):
            person = PersonFactory()
            attach(person, clinic, ref[1], START, D(2026, 2, 1))
            attach(person, other_clinic, ref[2], D(2026, 2, 2))

    leave(2)
    with django_assert_max_num_queries(16) as few:
        client.get(reverse("attachment:leavers"), PERIOD)
    leave(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("attachment:leavers"), PERIOD)
    assert len(response.context["page"].object_list) == 32


def test_another_clinics_registrar_sees_none_of_the_clinics_leavers(client, scene, clinic, other_registrar):
    """Like the attached list: naming the clinic is a form error, their own list holds only their
    own leavers, and the clinic's export is a 404."""
    client.force_login(other_registrar)
    response = client.get(reverse("attachment:leavers"), {**PERIOD, "organization": clinic.pk})
    assert response.status_code == 200 and "organization" in response.context["form"].errors
    assert response.context["page"] is None
    response = client.get(reverse("attachment:leavers"), PERIOD)
    assert [a.person_id for a in response.context["page"].object_list] == [scene["back"].pk]
    assert scene["moved"].iin not in response.content.decode()
    for file_format in ("csv", "xlsx"):
        url = reverse("attachment:leavers_export", args=[clinic.pk, file_format])
        assert client.get(url, PERIOD).status_code == 404


def test_rules_administrator_chooses_the_organization(client, scene, clinic, other_clinic, rules_admin):
    client.force_login(rules_admin)
    response = client.get(reverse("attachment:leavers"), {**PERIOD, "organization": other_clinic.pk})
    assert [a.person_id for a in response.context["page"].object_list] == [scene["back"].pk]
    assert response.context["export"]["organization"] == other_clinic.pk
    everyone = client.get(reverse("attachment:leavers"), PERIOD)
    assert everyone.context["page"].paginator.count == 6  # both clinics' leavers
    assert everyone.context["export"]["organization"] is None


def _csv(body: bytes):
    return list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))


def test_export_holds_what_the_page_lists_with_translated_headers(
    client, scene, clinic, other_clinic, registrar
):
    client.force_login(registrar)
    response = client.get(reverse("attachment:leavers_export", args=[clinic.pk, "csv"]), PERIOD)
    assert response.status_code == 200
    body = response.getvalue()
    assert body.startswith("\ufeff".encode())
    assert f"left-{clinic.bin}-20260101-20260301.csv" in response["Content-Disposition"]
    header, *rows = _csv(body)
    assert header == [str(h) for h in HEADERS]
    by_iin = {r[0]: r for r in rows}
    p = scene
    assert [r[0] for r in rows] == [p[n].iin for n in ("detached", "moved", "died", "reconciled", "back")]
    moved = by_iin[p["moved"].iin]
    assert moved[5:] == [
        "01",
        "2025-06-01",
        "2026-02-14",
        "attached to another organization",
        "",
        other_clinic.bin,
        other_clinic.name,
        str(Attachment.objects.get(person=p["moved"], organization=other_clinic).ground),
        "2026-02-15",
    ]
    assert by_iin[p["detached"].iin][8:10] == [
        "detached at the desk",
        DetachReason.objects.get(code="moved_abroad").name,
    ]
    assert by_iin[p["died"].iin][7:11] == ["2026-02-10", "death", "", ""]
    assert by_iin[p["reconciled"].iin][8:11] == [
        "reconciliation with the national register",
        f"reconciliation #{p['run'].pk}",
        "",
    ]
    entry = PersonAccessLog.objects.get(view_name="attachment:leavers_export")
    assert (entry.user, entry.person, entry.row_count) == (registrar, None, 5)
    assert entry.params == {
        "format": "csv",
        "date_from": "2026-01-01",
        "date_to": "2026-03-01",
        "organization": clinic.pk,
    }


def test_export_filters_like_the_page_and_refuses_a_wrong_filter(client, scene, clinic, registrar):
    client.force_login(registrar)
    url = reverse("attachment:leavers_export", args=[clinic.pk, "xlsx"])
    response = client.get(url, {**PERIOD, "reason": "transfer"})
    sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert header[0] == "IIN" and [r[0] for r in rows] == [scene["moved"].iin, scene["back"].iin]
    logged = PersonAccessLog.objects.filter(view_name="attachment:leavers_export").count()
    bad = client.get(url, {"date_from": "2026-02-30"})
    assert bad.status_code == 400 and "2026-02-30" not in bad.content.decode()
    assert PersonAccessLog.objects.filter(view_name="attachment:leavers_export").count() == logged
    assert (
        client.get(reverse("attachment:leavers_export", args=[clinic.pk, "pdf"]), PERIOD).status_code == 404
    )


def test_start_page_counts_the_last_30_days_and_links_to_the_list(client, ref, clinic, other_clinic):
    today = timezone.localdate()
    for days_ago in (0, 29, 30):
        person = PersonFactory()
        attach(person, clinic, ref[1], START, today - datetime.timedelta(days=days_ago))
    head = staff_user("head", CLINIC_HEAD, clinic)
    client.force_login(head)
    html = client.get(reverse("home")).content.decode()
    assert "2 left in the last 30 days" in html
    assert f'href="{reverse("attachment:leavers")}"' in html
    listed = client.get(reverse("attachment:leavers")).context["page"].paginator.count
    assert listed == 2
    assert leavers_for(user=head, date_from=today - datetime.timedelta(days=29), date_to=today).count() == 2
