"""python manage.py expire_attachments --on DATE: the daily run (idempotent)."""

from django.core.management.base import BaseCommand

from attachment.services import attachments_expire

from ._common import get_user, parse_date


class Command(BaseCommand):
    help = "End ground 4 attachments whose contract ended (extend extended ones) and attachments of the dead."

    def add_arguments(self, parser):
        parser.add_argument("--on", required=True, help="YYYY-MM-DD")
        parser.add_argument("--user", default="", help="recorded in the history (default: system)")

    def handle(self, *args, on, user, **options):
        summary = attachments_expire(on=parse_date(on), user=get_user(user) if user else None)
        self.stdout.write(
            f"contract_ended={summary.contract_ended} contract_extended={summary.contract_extended} "
            f"died={summary.died}"
        )
