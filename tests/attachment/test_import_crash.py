"""An import whose process is killed (issue 17, item 4): its session, locks and temporary tables
end within seconds, the register is unchanged, the run is marked failed once its lock is gone, and
the file imports again."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.db import connection

from attachment.importing.runs import RUN_LOCK, import_run_create, import_run_execute, import_runs_fail_dead
from attachment.models import Attachment, ImportRun
from patients.models import Person

from ..factories import PersonFactory
from .test_import_population import IIN_A, IIN_B, csv_file, row

pytestmark = pytest.mark.django_db(transaction=True)

ROOT = Path(__file__).resolve().parents[2]
# The importing process: runs the queued run and, with every write made and not committed, sits
# in a statement of its own transaction (as a long write would) until it is killed.
IMPORTER = """
import sys, django
django.setup()
from django.db import connection
from attachment.importing.runs import import_run_execute
from attachment.models import ImportRun

def progress(stage, percent):
    if percent == 100 and connection.in_atomic_block:
        print(connection.connection.info.backend_pid, flush=True)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_sleep(3600)")

run = ImportRun.objects.get(pk=int(sys.argv[1]))
with open(sys.argv[2], "rb") as stream:
    import_run_execute(run=run, stream=stream, progress=progress)
"""


def importer_env() -> dict:
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_REPLICA_URL"}
    url = urlsplit(env["DATABASE_URL"])
    env["DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return env


def scalar(statement, params=()):
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.fetchone()[0]


def wait_for(condition, what, seconds=30):
    """Poll a database condition; the deadline only turns a hang into a failure."""
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, what
        time.sleep(0.2)


def test_issue17_an_import_killed_mid_write_leaves_the_register_unchanged_fails_and_runs_again(
    ref, clinic, district, almaly, rules_admin, tmp_path
):
    known = PersonFactory(iin=IIN_A, last_name="Петров", residence_atu=almaly)
    path = tmp_path / "rpn.csv"
    path.write_bytes(
        csv_file(
            [row(clinic, IIN_A), row(clinic, IIN_B, last_name="Ахметова", first_name="Әсем", sex="Ә")]
        ).getvalue()
    )
    run = import_run_create(file_name="rpn.csv", user=rules_admin)
    importer = subprocess.Popen(
        [sys.executable, "-c", IMPORTER, str(run.pk), str(path)],
        cwd=ROOT,
        env=importer_env(),
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        pid = int(importer.stdout.readline())  # every write made, the transaction open
        run.refresh_from_db()
        assert run.status == ImportRun.Status.RUNNING
        assert import_runs_fail_dead() == 0  # alive: its session holds the run's lock
        importer.send_signal(signal.SIGKILL)
        importer.wait(30)
    finally:
        importer.kill()
        importer.stdout.close()
    # The server ends the session of the dead client mid-statement: its locks and temporary
    # tables go with it.
    wait_for(
        lambda: not scalar("SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE pid = %s)", [pid]),
        "the killed import's session is still there",
    )
    assert not scalar(
        "SELECT EXISTS (SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND classid = %s)", [RUN_LOCK]
    )
    assert (Person.objects.count(), Attachment.objects.count()) == (1, 0)
    assert Person.objects.get(pk=known.pk).last_name == "Петров"
    assert Person.history.filter(history_change_reason__startswith="import").count() == 0

    assert import_runs_fail_dead() == 1
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FAILED and "Import the file again" in run.message
    assert run.history.first().history_change_reason == run.summary

    again = import_run_create(file_name="rpn.csv", user=rules_admin)
    with path.open("rb") as stream:
        again = import_run_execute(run=again, stream=stream)
    assert again.status == ImportRun.Status.DONE
    assert (again.created, again.updated, again.errors) == (1, 1, 0)
    assert Attachment.objects.count() == 2
