"""The reconciliation pages: a rules administrator compares an extract (every group counted on
screen, each downloadable) and applies it once; a clinic head reads their own organization's
runs and cannot apply; another clinic's head sees none; a file with errors is a form error and
stores nothing."""

import csv
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachment.models import Reconciliation, ReconciliationGroup
from patients.access import CLINIC_HEAD
from patients.models import Person, PersonAccessLog

from ..factories import staff_user
from .test_reconcile import ON, extract

G = ReconciliationGroup


def upload(scene, clinic, other_clinic, *, extra=""):
    data = extract(scene, clinic, other_clinic, extra=extra).getvalue()
    return SimpleUploadedFile("rpn.csv", data, content_type="text/csv")


def compare(client, scene, clinic, other_clinic, **kwargs):
    return client.post(
        reverse("importing:reconciliations"),
        {
            "file": upload(scene, clinic, other_clinic, **kwargs),
            "organization": clinic.bin,
            "on": f"{ON:%Y-%m-%d}",
        },
    )


def test_rpn_reconciliation_page_counts_every_group_downloads_each_and_applies_once(
    client, scene, clinic, other_clinic, rules_admin
):
    client.force_login(rules_admin)
    response = compare(client, scene, clinic, other_clinic)
    run = Reconciliation.objects.get()
    assert response.status_code == 302 and response.url == reverse("importing:reconciliation", args=[run.pk])

    page = client.get(response.url)
    assert page.status_code == 200
    counts = {group: count for group, _slug, count in page.context["groups"]}
    assert counts == {G.BOTH: 2, G.HERE_ONLY: 1, G.REGISTER_ONLY: 1, G.ELSEWHERE: 1, G.DEAD: 1}
    assert page.context["may_apply"] is True

    # Each group as a file, with the person's name; a file of persons leaves one access-log row.
    logged = PersonAccessLog.objects.count()
    download = client.get(reverse("importing:reconciliation_group", args=[run.pk, "elsewhere", "csv"]))
    assert download.status_code == 200
    lines = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode("utf-8-sig"))))
    assert len(lines) == 2 and lines[1][0] == scene["elsewhere"].iin and lines[1][1] == "Другая"
    assert lines[0][:5] == ["IIN", "surname", "given name", "patronymic", "birth date"]
    assert lines[1][4] == f"{scene['elsewhere'].birth_date:%Y-%m-%d}"
    assert lines[1][7] == other_clinic.bin
    assert PersonAccessLog.objects.count() == logged + 1
    xlsx = client.get(reverse("importing:reconciliation_group", args=[run.pk, "dead", "xlsx"]))
    assert xlsx.status_code == 200 and b"".join(xlsx.streaming_content)[:2] == b"PK"
    nobody = reverse("importing:reconciliation_group", args=[run.pk, "nobody", "csv"])
    assert client.get(nobody).status_code == 404

    applied = client.post(reverse("importing:reconciliation_apply", args=[run.pk]))
    assert applied.status_code == 302
    run.refresh_from_db()
    assert run.applied_by == rules_admin and run.ended == 2 and run.deaths_recorded == 1
    assert Person.objects.get(pk=scene["dead"].pk).date_of_death is not None
    # Applied once: a second post changes nothing and says so.
    again = client.post(reverse("importing:reconciliation_apply", args=[run.pk]), follow=True)
    assert "applied already" in again.content.decode()
    run.refresh_from_db()
    assert run.ended == 2
    assert client.get(reverse("importing:reconciliation", args=[run.pk])).context["may_apply"] is False


def test_rpn_reconciliation_extract_with_errors_is_a_form_error_and_stores_nothing(
    client, scene, clinic, other_clinic, rules_admin
):
    client.force_login(rules_admin)
    response = compare(client, scene, clinic, other_clinic, extra="123456789012,Ошибка,Асан,,,,\n")
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Reconciliation.objects.exists()
    wrong_date = client.post(
        reverse("importing:reconciliations"),
        {"file": upload(scene, clinic, other_clinic), "organization": clinic.bin, "on": "9999-12-31"},
    )
    assert wrong_date.status_code == 400 and "on" in wrong_date.context["form"].errors
    assert not Reconciliation.objects.exists()


def test_rpn_reconciliation_clinic_head_reads_own_runs_only_and_never_applies(
    client, scene, clinic, other_clinic, rules_admin
):
    client.force_login(rules_admin)
    compare(client, scene, clinic, other_clinic)
    run = Reconciliation.objects.get()
    head = staff_user("head-almaly", CLINIC_HEAD, clinic)
    client.force_login(head)
    listing = client.get(reverse("importing:reconciliations"))
    assert listing.status_code == 200 and list(listing.context["runs"]) == [run]
    assert listing.context["form"] is None
    detail = client.get(reverse("importing:reconciliation", args=[run.pk]))
    assert detail.status_code == 200 and detail.context["may_apply"] is False
    assert b'action="/imports/reconciliations/' not in detail.content
    assert client.post(reverse("importing:reconciliation_apply", args=[run.pk])).status_code == 403
    assert client.post(reverse("importing:reconciliations"), {"organization": clinic.bin}).status_code == 403
    run.refresh_from_db()
    assert run.applied_at is None

    other_head = staff_user("head-auezov", CLINIC_HEAD, other_clinic)
    client.force_login(other_head)
    assert list(client.get(reverse("importing:reconciliations")).context["runs"]) == []
    assert client.get(reverse("importing:reconciliation", args=[run.pk])).status_code == 404
    group = reverse("importing:reconciliation_group", args=[run.pk, "both", "csv"])
    assert client.get(group).status_code == 404
