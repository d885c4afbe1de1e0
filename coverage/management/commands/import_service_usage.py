"""Import rendered services from a CSV file (columns: iin, service_row, rendered_on as YYYY-MM-DD).

Each row goes through service_usage_record like a registrar's entry: the quota check and the
history apply, a refused row is reported by its line number (no personal data in the output)
and the others are kept. The rows are counted for the organization of --user.
"""

import csv
import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from patients.access import organization_id_of
from patients.models import Person
from patients.selectors import in_force_on

from ...models import ServiceLimit, ServiceUsage
from ...services import service_usage_record


class Command(BaseCommand):
    help = "Record rendered services from a CSV file (iin, service_row, rendered_on)."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="username of the staff member importing")
        parser.add_argument("--reason", default="Import of rendered services")

    def handle(self, *args, path, user, reason, **options):
        account = get_user_model().objects.filter(username=user, is_active=True).first()
        if account is None:
            raise CommandError("No active user with this username.")
        organization_id = organization_id_of(account)
        recorded = refused = 0
        with open(path, newline="", encoding="utf-8") as handle:
            for line, row in enumerate(csv.DictReader(handle), start=2):
                try:
                    on = datetime.date.fromisoformat((row.get("rendered_on") or "").strip())
                    person = Person.objects.get(iin=(row.get("iin") or "").strip())
                    limit = ServiceLimit.objects.filter(in_force_on(on)).get(
                        package__code="gfmc_dangerous", leaflet_number=int(row.get("service_row") or 0)
                    )
                    service_usage_record(
                        person=person,
                        limit=limit,
                        on=on,
                        organization_id=organization_id,
                        user=account,
                        reason=reason,
                        source=ServiceUsage.Source.IMPORT,
                    )
                except PermissionDenied as error:
                    raise CommandError(str(error)) from None
                except (ValueError, Person.DoesNotExist, ServiceLimit.DoesNotExist) as error:
                    refused += 1
                    self.stderr.write(f"line {line}: {type(error).__name__}")
                except ValidationError as error:
                    refused += 1
                    self.stderr.write(f"line {line}: {' '.join(error.messages)}")
                else:
                    recorded += 1
        self.stdout.write(f"recorded={recorded} refused={refused}")
