"""The background task of the "Import attached population" page (django-tasks, database queue)."""

from django_tasks import task

from ..models import ImportRun
from .runs import import_run_execute, import_runs_fail_dead


@task()
def import_population_task(run_id: int) -> str:
    import_runs_fail_dead()  # runs of a worker that died before this one started
    run = ImportRun.objects.select_related("user", "organization").get(pk=run_id)
    with run.upload.open("rb") as stream:
        run = import_run_execute(run=run, stream=stream)
    return run.summary
