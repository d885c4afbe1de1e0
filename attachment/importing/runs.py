"""Import runs: create one, execute it (from the command or the background task), report progress."""

from __future__ import annotations

from django.db import connection
from django.utils import timezone
from django.utils.translation import gettext as _

from patients.services import record_history

from ..models import ImportRun
from .parsing import UnreadableFile
from .pipeline import population_import


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
