"""Attached population as of a date, exactly as the report page exports it (all organizations).

python manage.py attached_population --on 2026-03-01 --by region,organization,sex,age_group --format csv
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from attachment.reports.export import table_csv, table_xlsx
from attachment.reports.forms import DEFAULT_BY, today
from attachment.reports.routing import reading_reports
from attachment.reports.selectors import DIMENSIONS, population_on

from ._common import parse_date


class Command(BaseCommand):
    help = "Print the attached population on a date, grouped by the given dimensions."

    def add_arguments(self, parser):
        parser.add_argument("--on", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--by", default=",".join(DEFAULT_BY), help=", ".join(DIMENSIONS))
        parser.add_argument("--format", choices=["csv", "xlsx"], default="csv")
        parser.add_argument("--output", help="file to write (required for xlsx; default: stdout)")

    def handle(self, *args, **options):
        on = parse_date(options["on"]) if options["on"] else today()
        by = [b.strip() for b in options["by"].split(",") if b.strip()]
        unknown = [b for b in by if b not in DIMENSIONS]
        if unknown:
            raise CommandError(
                _("Unknown grouping %(names)s; choose from %(known)s.")
                % {"names": ", ".join(unknown), "known": ", ".join(DIMENSIONS)}
            )
        with reading_reports():
            table = population_on(on=on, by=by, organizations=None)
        title = _("Attached population")
        if options["format"] == "xlsx":
            if not options["output"]:
                raise CommandError(_("XLSX needs --output FILE."))
            with open(options["output"], "wb") as out:
                table_xlsx(table, out, title)
        elif options["output"]:
            with open(options["output"], "w", encoding="utf-8", newline="") as out:
                table_csv(table, out, title)
        else:
            table_csv(table, _Unterminated(self.stdout), title)


class _Unterminated:
    """The command's stdout without the line ending it adds to every write."""

    def __init__(self, stdout):
        self.stdout = stdout

    def write(self, text: str) -> None:
        self.stdout.write(text, ending="")
