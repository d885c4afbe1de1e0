"""Import runs: create one, execute it (from the command or the background task), report progress,
and mark failed the runs whose process died.

A running import holds a session-level advisory lock (`RUN_LOCK`, the run's id) on its importing
connection from before it is marked running until after its outcome is saved. A run marked
running whose lock no session holds has lost its process (killed, the machine or PostgreSQL
restarted): `import_runs_fail_dead()` marks it failed, nothing having been written (the writes
are one transaction, rolled back with the session). The background task runs that check before
every import and the import pages on every view (the status page polls every second), so a dead
run is marked within seconds of being looked at, and the file can be imported again. The import
session checks its client every few seconds even while a statement runs
(`client_connection_check_interval`), so a killed process's session, and with it its row locks
and temporary tables, ends within seconds rather than when its statement would have finished."""

from __future__ import annotations

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.services import record_history

from ..models import ImportRun
from .parsing import UnreadableFile
from .pipeline import population_import

# The advisory lock's first key (the second is the run's id): any number no other lock uses.
RUN_LOCK = 170_417
_RUN_ALIVE = """EXISTS (SELECT 1 FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
                 AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
                 AND l.classid = %s::oid AND l.objid = {run}::oid AND l.objsubid = 2)"""


def import_runs_fail_dead() -> int:
    """Mark failed (with a history row) every run marked running whose process is gone; return
    how many. Looks at pg_locks rather than trying the lock, so that it is right even in the
    session of a running import."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {ImportRun._meta.db_table} r "
            f"WHERE r.status = %s AND NOT {_RUN_ALIVE.format(run='r.id')}",
            [ImportRun.Status.RUNNING, RUN_LOCK],
        )
        candidates = [pk for (pk,) in cursor.fetchall()]
    failed = 0
    for pk in candidates:
        with transaction.atomic():
            run = ImportRun.objects.select_for_update().filter(pk=pk, status=ImportRun.Status.RUNNING).first()
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT {_RUN_ALIVE.format(run='%s')}", [RUN_LOCK, pk])
                alive = cursor.fetchone()[0]
            if run is None or alive:
                continue
            _finish(
                run,
                status=ImportRun.Status.FAILED,
                message=_(
                    "The import stopped before it finished (its process ended); nothing was written. "
                    "Import the file again."
                ),
            )
            failed += 1
    return failed


def import_run_create(
    *, file_name: str, user, organization=None, dry_run: bool = False, upload=None
) -> ImportRun:
    run = ImportRun(
        file_name=file_name[:255], user=user, organization=organization, dry_run=dry_run, upload=upload
    )
    run.full_clean()
    record_history(run, user=user, reason=_("Import queued"))
    run.save()
    return run


class ProgressWriter:
    """Writes stage and percent on a connection of its own, so that the status page sees them
    while the import's own transaction is still open. Writes only when the figure moves."""

    def __init__(self, run_id: int):
        self.run_id = run_id
        self.last = None
        self.connection = None

    def __call__(self, stage: str, percent: int) -> None:
        key = (stage, percent)
        if key == self.last:
            return
        self.last = key
        if self.connection is None:
            self.connection = connection.get_new_connection(connection.get_connection_params())
            self.connection.autocommit = True
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE attachment_importrun SET stage = %s, progress = %s WHERE id = %s",
                [str(stage)[:100], max(0, min(100, int(percent))), self.run_id],
            )

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None


def import_run_execute(*, run: ImportRun, stream, progress=None) -> ImportRun:
    """Run the import of a queued run and record its outcome (with a history row)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_lock(%s, %s)", [RUN_LOCK, run.pk])
    try:
        return _execute(run, stream, progress)
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [RUN_LOCK, run.pk])


def _execute(run: ImportRun, stream, progress) -> ImportRun:
    run.status = ImportRun.Status.RUNNING
    run.started_at = timezone.now()
    record_history(run, user=run.user, reason=_("Import started"))
    run.save(update_fields=["status", "started_at"])
    writer = ProgressWriter(run.pk)

    def report(stage, percent):
        writer(stage, percent)
        if progress is not None:
            progress(stage, percent)

    try:
        result = population_import(
            stream=stream,
            file_name=run.file_name,
            user=run.user,
            import_id=run.pk,
            organization=run.organization,
            dry_run=run.dry_run,
            progress=report,
        )
    except UnreadableFile as error:
        run.status = ImportRun.Status.FAILED
        run.message = str(error)
        run.errors = 1
    except Exception as error:
        # Nothing was written (the writes are one transaction); say so on the run, then fail.
        _finish(
            run,
            status=ImportRun.Status.FAILED,
            message=_("The import failed: %(error)s") % {"error": type(error).__name__},
        )
        raise
    else:
        run.rows, run.created, run.updated = result.rows, result.created, result.updated
        run.unchanged, run.errors, run.error_report = result.unchanged, result.errors, result.report
        run.historical = result.historical
        run.warnings, run.warning_report = result.warnings, result.warning_report
        if result.written:
            run.status = ImportRun.Status.DONE
        elif result.errors:
            run.status = ImportRun.Status.REJECTED
        else:
            run.status = ImportRun.Status.CHECKED
    finally:
        writer.close()
    _finish(run, status=run.status, message=run.message)
    return run


def _finish(run: ImportRun, *, status: str, message: str) -> None:
    run.status, run.message = status, message
    run.progress = 100
    run.stage = ""
    run.finished_at = timezone.now()
    record_history(run, user=run.user, reason=run.summary)
    run.save()
