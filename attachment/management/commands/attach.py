"""python manage.py attach IIN ORG_BIN --ground N --on DATE --user USERNAME --reason TEXT

Exit 0 when attached, 2 when refused (the reasons are printed). Same service as the pages."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from attachment.models import Channel
from attachment.services import AttachmentRefused, attachment_create
from patients.models import InsuranceContract, Person

from ._common import get_ground, get_organization, get_user, parse_date

REFUSED = 2


class Command(BaseCommand):
    help = "Attach one person to a PHC organization, or print why the rules refuse it."

    def add_arguments(self, parser):
        parser.add_argument("iin")
        parser.add_argument("organization", help="BIN of the PHC organization")
        parser.add_argument("--ground", type=int, required=True)
        parser.add_argument("--on", required=True, help="attachment date YYYY-MM-DD")
        parser.add_argument("--district", default="", help="district code")
        parser.add_argument("--contract", default="", help="VMI/IMI contract number (ground 4)")
        parser.add_argument("--channel", default=Channel.CLINIC, choices=Channel.values)
        parser.add_argument("--user", required=True)
        parser.add_argument("--reason", required=True)

    def handle(
        self, *args, iin, organization, ground, on, district, contract, channel, user, reason, **options
    ):
        organization = get_organization(organization)
        try:
            person = Person.objects.get(iin=iin)
        except Person.DoesNotExist:
            raise CommandError("No person with this IIN.") from None
        district_obj = None
        if district:
            district_obj = organization.districts.filter(code=district).first()
            if district_obj is None:
                raise CommandError(f"No district {district} in this organization.")
        contract_obj = None
        if contract:
            contract_obj = InsuranceContract.objects.filter(number=contract).first()
            if contract_obj is None:
                raise CommandError(f"No contract {contract}.")
        try:
            attachment = attachment_create(
                person=person,
                organization=organization,
                ground=get_ground(ground),
                on=parse_date(on),
                channel=channel,
                user=get_user(user),
                reason=reason,
                district=district_obj,
                contract=contract_obj,
            )
        except AttachmentRefused as refused:
            for item in refused.refusals:
                self.stdout.write(f"refused: {item.code}: {item.message}")
            sys.exit(REFUSED)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        self.stdout.write(
            f"attached: attachment {attachment.pk}, person {person.pk}, organization {organization.bin}, "
            f"from {attachment.valid_from:%Y-%m-%d} to {attachment.valid_to or '-'}"
        )
