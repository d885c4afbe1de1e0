"""python manage.py reconcile_population FILE --organization BIN [--on DATE] [--apply --user LOGIN]

Compares the organization's attached list on the date (default today) with an extract of the
national register (the register import's file format, with an optional date-of-death column) and
stores the comparison as reconciliation #N; prints `reconciliation=N rows=N both=N here_only=N
register_only=N elsewhere=N dead=N`. With --apply, then ends what the register shows elsewhere and
records the deaths it shows (history: the user and "reconciliation #N") and prints `ended=N
deaths=N skipped=N`. Exit 0 when compared (and applied), 1 when the extract's rows have errors
(nothing stored), 2 when the file cannot be read."""

import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from attachment.services.reconcile import (
    ReconciliationRefused,
    UnreadableFile,
    reconciliation_apply,
    reconciliation_compare,
)

from ._common import get_organization, get_user, parse_date

COMPARED, REFUSED, UNREADABLE = 0, 1, 2


class Command(BaseCommand):
    help = "Reconcile an organization's attached list with an extract of the national register."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--organization", required=True, help="BIN of the organization")
        parser.add_argument("--on", default="", help="date of the extract, YYYY-MM-DD (default today)")
        parser.add_argument(
            "--apply", action="store_true", help="end what the register shows elsewhere or dead"
        )
        parser.add_argument("--user", default="", help="login of the rules administrator (history)")

    def handle(self, *args, path, organization, on, apply, user, **options):
        organization = get_organization(organization)
        today = timezone.localdate()
        on = parse_date(on) if on else today
        if on > today:
            raise CommandError(_("The date of the extract cannot be in the future."))
        if apply and not user:
            raise CommandError(_("Name the rules administrator with --user (written into the history)."))
        user = get_user(user) if user else None
        try:
            stream = open(path, "rb")  # closed by the with block below
        except OSError as error:
            self.stderr.write(str(error))
            sys.exit(UNREADABLE)
        with stream:
            try:
                run = reconciliation_compare(
                    stream=stream,
                    file_name=path.rsplit("/", 1)[-1],
                    organization=organization,
                    on=on,
                    user=user,
                )
            except UnreadableFile as error:
                self.stderr.write(str(error))
                sys.exit(UNREADABLE)
            except ReconciliationRefused as refused:
                self.stderr.write(str(refused))
                for text in refused.errors:
                    self.stderr.write(text)
                self.stdout.write(f"rows={refused.rows} errors={refused.count}")
                sys.exit(REFUSED)
        self.stdout.write(
            f"reconciliation={run.pk} rows={run.rows} both={run.both} here_only={run.here_only} "
            f"register_only={run.register_only} elsewhere={run.elsewhere} dead={run.dead}"
        )
        if apply:
            result = reconciliation_apply(reconciliation=run, user=user)
            self.stdout.write(result.summary)
