"""The "Import attached population" page: upload, background task with progress, report; the
admin's django-import-export preview; the export of attached lists with formula escaping."""

import codecs
import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from attachment.importing import runs
from attachment.importing.tasks import import_population_task
from attachment.models import Attachment, ImportRun
from patients.models import Person
from patients.tabular import escape_cell

from ..factories import PersonFactory
from .test_import_population import IIN_A, IIN_B, csv_file, row, type_in_two_sessions

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


def upload(clinic, rows=None):
    data = csv_file(rows or [row(clinic, IIN_A), row(clinic, IIN_B)]).getvalue()
    return SimpleUploadedFile("rpn.csv", data, content_type="text/csv")


def test_page_is_for_rules_administrators_only(client, registrar1):
    client.force_login(registrar1)
    assert client.get(reverse("importing:start")).status_code == 403


def test_upload_queues_the_background_task(
    client, rules_admin, ref, clinic, district, media, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    client.force_login(rules_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("importing:start"), {"file": upload(clinic)})
    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("importing:run", args=[run.pk])
    assert (run.status, run.user, run.file_name) == ("queued", rules_admin, "rpn.csv")
    task = DBTaskResult.objects.get()
    assert task.args_kwargs["args"] == [run.pk]
    page = client.get(response.url)
    assert b"import_progress.js" in page.content and b"<script>" not in page.content


@pytest.mark.django_db(transaction=True)
def test_background_import_progress_advances_and_finishes(
    client, rules_admin, ref, clinic, district, media, monkeypatch
):
    """Run by the database worker; the progress is visible to other connections while it runs."""
    seen = []
    original = runs.ProgressWriter.__call__

    def spy(self, stage, percent):
        original(self, stage, percent)
        # Read on another connection than the import's: what the status page sees meanwhile.
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT progress FROM attachment_importrun WHERE id = %s", [self.run_id])
            seen.append(cursor.fetchone()[0])

    monkeypatch.setattr(runs.ProgressWriter, "__call__", spy)
    # The worker runs outside a transaction, so a large file is typed in two sessions there.
    streams = type_in_two_sessions(monkeypatch)
    run = runs.import_run_create(file_name="rpn.csv", user=rules_admin, upload=upload(clinic))
    import_population_task.enqueue(run.pk)
    call_command("db_worker", max_tasks=1, no_startup_delay=True, interval=0.1)
    run.refresh_from_db()
    assert run.status == ImportRun.Status.DONE, run.message
    assert (run.rows, run.created, run.errors, run.progress) == (2, 2, 0, 100)
    assert seen == sorted(seen) and seen[0] < 50 < seen[-1] == 100
    assert len(set(seen)) >= 5
    assert Attachment.objects.count() == 2 and len(streams) == 2
    assert run.history.filter(history_user=rules_admin).count() == 3  # queued, started, finished
    client.force_login(rules_admin)
    status = client.get(reverse("importing:status", args=[run.pk])).json()
    assert status["finished"] and status["summary"] == run.summary


def test_issue17_a_refused_run_counts_nothing_written_and_its_report_has_the_value_and_a_bom(
    client, rules_admin, ref, clinic, district, media
):
    run = runs.import_run_create(
        file_name="bad.csv",
        user=rules_admin,
        upload=upload(clinic, [row(clinic, "901123300255"), row(clinic, IIN_B, ground="=1+2")]),
    )
    assert (
        import_population_task.call(run.pk)
        == "rows=2 created=0 updated=0 unchanged=0 errors=2 historical=0 warnings=0"
    )
    run.refresh_from_db()
    assert run.status == ImportRun.Status.REJECTED and not Person.objects.exists()
    client.force_login(rules_admin)
    page = client.get(reverse("importing:run", args=[run.pk])).content.decode()
    assert '<td id="import-created">0</td>' in page and '<td id="import-updated">0</td>' in page
    report = client.get(reverse("importing:report", args=[run.pk]))
    assert report.content.startswith(codecs.BOM_UTF8)  # a spreadsheet reads it as UTF-8
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[0] == ["row", "column", "code", "message", "value"]
    assert lines[1][:3] == ["2", "iin", "iin_check_digit"] and lines[1][4] == "901123300255"
    assert lines[2][:3] == ["3", "ground", "ground_unknown"] and lines[2][4] == "'=1+2"


def test_command_exit_codes_and_summary(ref, clinic, district, tmp_path, capsys, rules_admin):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_file([row(clinic)]).getvalue())
    call_command("import_population", str(good), user="admin")
    assert capsys.readouterr().out.strip().splitlines()[-1] == (
        "rows=1 created=1 updated=0 unchanged=0 errors=0 historical=0 warnings=0"
    )
    call_command("import_population", str(good), user="admin")
    assert "unchanged=1" in capsys.readouterr().out
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([row(clinic, IIN_B, ground="0")]).getvalue())
    errors = tmp_path / "errors.csv"
    with pytest.raises(SystemExit) as refused:
        call_command("import_population", str(bad), errors=str(errors), user="admin")
    assert refused.value.code == 1 and "ground_unknown" in errors.read_text()
    unreadable = tmp_path / "x.csv"
    unreadable.write_bytes(b"\x00\x01")
    with pytest.raises(SystemExit) as failed:
        call_command("import_population", str(unreadable), user="admin")
    assert failed.value.code == 2
    with pytest.raises(CommandError):  # writing needs the administrator's name for the history
        call_command("import_population", str(good))
    assert Person.objects.get().history.first().history_user == rules_admin


def test_admin_import_dry_run_preview_writes_nothing(client, rules_admin, ref):
    client.force_login(rules_admin)
    data = b"iin,last_name,first_name,birth_date,sex,category\n901123300258,Ivanov,Ivan,1990-11-23,M,1\n"
    response = client.post(
        reverse("admin:patients_person_import"),
        {
            "resource": "0",
            "format": "0",
            "import_file": SimpleUploadedFile("p.csv", data, content_type="text/csv"),
        },
    )
    assert response.status_code == 200
    assert b"confirm" in response.content.lower() and b"Ivanov" in response.content
    assert not Person.objects.exists()


def test_admin_import_skips_unchanged_rows_and_writes_history_for_new(client, rules_admin, ref):
    import tablib
    from import_export.results import RowResult

    from patients.resources import PersonResource

    data = tablib.Dataset(headers=["iin", "last_name", "first_name", "birth_date", "sex", "category"])
    data.append(["901123300258", "Ivanov", "Ivan", "1990-11-23", "M", 1])
    first = PersonResource().import_data(data, dry_run=False)
    assert [r.import_type for r in first.rows] == [RowResult.IMPORT_TYPE_NEW]
    second = PersonResource().import_data(data, dry_run=False)
    assert [r.import_type for r in second.rows] == [RowResult.IMPORT_TYPE_SKIP]
    person = Person.objects.get()
    assert person.history.count() == 1


def test_export_escapes_formula_cells(client, registrar1, clinic1, ref):
    assert escape_cell("=1+1") == "'=1+1"
    assert [escape_cell(v) for v in ("+7", "-x", "@SUM(A1)", "Иванов", 5)] == [
        "'+7",
        "'-x",
        "'@SUM(A1)",
        "Иванов",
        5,
    ]
    person = PersonFactory(last_name='=HYPERLINK("http://x")', first_name="@Ivan")
    Attachment.objects.create(
        person=person, organization=clinic1, ground=ref[2], channel="import", valid_from="2026-01-01"
    )
    client.force_login(registrar1)
    response = client.get(reverse("importing:export", args=[clinic1.pk, "csv"]), {"on": "2026-03-02"})
    text = b"".join(response.streaming_content).decode()
    assert "'=HYPERLINK" in text and ",'@Ivan," in text
    xlsx = client.get(reverse("importing:export", args=[clinic1.pk, "xlsx"]), {"on": "2026-03-02"})
    from openpyxl import load_workbook

    sheet = load_workbook(io.BytesIO(xlsx.getvalue())).active
    values = [c.value for c in list(sheet.iter_rows())[1]]
    assert values[1] == '\'=HYPERLINK("http://x")' and values[2] == "'@Ivan"


def test_export_is_scoped_to_the_users_organization(client, registrar2, clinic1):
    client.force_login(registrar2)
    assert client.get(reverse("importing:export", args=[clinic1.pk, "csv"])).status_code == 404


def test_recent_imports_list_has_no_n_plus_1(client, rules_admin, django_assert_max_num_queries):
    for n in range(15):
        runs.import_run_create(file_name=f"f{n}.csv", user=rules_admin)
    client.force_login(rules_admin)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("importing:start"))
    assert response.status_code == 200 and b"f14.csv" in response.content


def test_unexpected_failure_marks_the_run_failed(rules_admin, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(runs, "population_import", broken)
    run = runs.import_run_create(file_name="x.csv", user=rules_admin)
    with pytest.raises(RuntimeError):
        runs.import_run_execute(run=run, stream=io.BytesIO(b""))
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "RuntimeError" in run.message
    assert run.finished_at is not None


@pytest.mark.parametrize("lang", ["ru", "kk"])
def test_iin_rules_2013_the_run_page_counts_rows_differing_from_the_iin_and_offers_their_report(
    client, rules_admin, ref, clinic, district, media, lang
):
    from django.utils import translation

    run = runs.import_run_create(
        file_name="rpn.csv", user=rules_admin, upload=upload(clinic, [row(clinic, IIN_A, sex="Ж")])
    )
    assert import_population_task.call(run.pk).endswith("errors=0 historical=0 warnings=1")
    run.refresh_from_db()
    assert (run.status, run.created, run.warnings) == (ImportRun.Status.DONE, 1, 1)
    assert Person.objects.get(iin=IIN_A).sex == "F"
    client.force_login(rules_admin)
    page = client.get(reverse("importing:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    with translation.override(lang):
        label = translation.gettext("rows whose birth date or sex differs from the IIN (kept as in the file)")
    assert label != "rows whose birth date or sex differs from the IIN (kept as in the file)"
    assert label in page and '<td id="import-warnings">1</td>' in page
    assert reverse("importing:warnings", args=[run.pk]) in page
    report = client.get(reverse("importing:warnings", args=[run.pk]))
    assert report["Content-Disposition"] == f'attachment; filename="import-{run.pk}-warnings.csv"'
    lines = list(csv.reader(io.StringIO(report.content.decode("utf-8-sig"))))
    assert lines[1][:3] == ["2", "sex", "iin_sex_differs"] and lines[1][4] == "Ж"
