"""python manage.py import_population PATH --user LOGIN [--dry-run] [--organization BIN] [--errors PATH]
    [--warnings PATH]

Prints a progress line and ends with
`rows=N created=N updated=N unchanged=N errors=N historical=N warnings=N` (warnings: rows whose
birth date or sex differs from the IIN, imported as the file has them; --warnings writes them).
Exit 0 when imported (or checked with --dry-run and clean), 1 when nothing was written because of
errors (the report lists every one), 2 when the file cannot be read."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from attachment.importing.runs import import_run_create, import_run_execute

from ._common import get_organization, get_user

IMPORTED, REFUSED, UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Import the attached population from a register file (CSV, UTF-8 or Windows-1251)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--dry-run", action="store_true", help="check everything, write nothing")
        parser.add_argument("--organization", default="", help="BIN: import only this organization's rows")
        parser.add_argument("--errors", default="", help="write the error report (CSV) to this path")
        parser.add_argument(
            "--warnings", default="", help="write the rows whose birth date or sex differs from the IIN (CSV)"
        )
        parser.add_argument(
            "--user", default="", help="login of the importing administrator (history); required to write"
        )

    def handle(self, *args, path, dry_run, organization, errors, warnings, user, **options):
        organization = get_organization(organization) if organization else None
        if not user and not dry_run:
            raise CommandError(_("Name the importing administrator with --user (written into the history)."))
        user = get_user(user) if user else None
        last = {"stage": None, "percent": -1}

        def progress(stage, percent):
            if stage != last["stage"] or percent - last["percent"] >= 5 or percent == 100:
                last.update(stage=stage, percent=percent)
                self.stderr.write(f"\r{percent:3d}% {stage}" + " " * 10, ending="")
                self.stderr.flush()

        try:
            stream = open(path, "rb")  # closed by the with block below
        except OSError as error:
            self.stderr.write(str(error))
            self.stdout.write("rows=0 created=0 updated=0 unchanged=0 errors=1 historical=0 warnings=0")
            sys.exit(UNREADABLE)
        with stream:
            run = import_run_create(
                file_name=path.rsplit("/", 1)[-1], user=user, organization=organization, dry_run=dry_run
            )
            run = import_run_execute(run=run, stream=stream, progress=progress)
        self.stderr.write("")
        if run.message:
            self.stderr.write(run.message)
        if errors and run.error_report:
            with open(errors, "w", encoding="utf-8", newline="") as out:
                out.write(run.error_report)
        elif run.error_report and not errors:
            self.stderr.write(run.error_report[:4000])
        if warnings and run.warning_report:
            with open(warnings, "w", encoding="utf-8", newline="") as out:
                out.write(run.warning_report)
        self.stdout.write(run.summary)
        if run.status == run.Status.FAILED:
            sys.exit(UNREADABLE)
        if run.errors:
            sys.exit(REFUSED)
