"""Print what a person is entitled to on a date: `manage.py entitlements IIN --on D --format json`."""

import datetime
import json

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from patients.models import Person

from ...selectors import entitlements_on


class Command(BaseCommand):
    help = "Entitlements of a person on a date (packages, items, limits with used/remaining)."

    def add_arguments(self, parser):
        parser.add_argument("iin")
        parser.add_argument("--on", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--format", choices=["json"], default="json")
        parser.add_argument("--language", default="ru", help="language of texts (kk or ru)")

    def handle(self, *args, iin, on, language, **options):
        try:
            day = datetime.date.fromisoformat(on) if on else timezone.localdate()
        except ValueError:
            raise CommandError("--on must be a date in the form YYYY-MM-DD.") from None
        person = Person.objects.filter(iin=iin).first()
        if person is None:
            raise CommandError("No person with this IIN.")
        with translation.override(language):
            answer = entitlements_on(person=person, on=day).as_dict(language)
        self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
