"""python manage.py transfer_attachments FROM_BIN TO_BIN --ground N --on DATE --user U --reason TEXT

All or nothing: exit 1 and nothing written when anyone would be refused, unless --skip-refused."""

import sys

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from attachment.services import attachments_transfer

from ._common import get_ground, get_organization, get_user, parse_date


class Command(BaseCommand):
    help = "Move the attached population of an organization (or of some districts) to another one."

    def add_arguments(self, parser):
        parser.add_argument("source", help="BIN of the organization people leave")
        parser.add_argument("target", help="BIN of the organization people move to")
        parser.add_argument("--ground", type=int, required=True, help="6, 7, 8 or 9")
        parser.add_argument("--on", required=True, help="YYYY-MM-DD: the first day at the new organization")
        parser.add_argument("--districts", default="", help="codes of the districts to move, comma-separated")
        parser.add_argument("--to-district", default="", help="district code at the new organization")
        parser.add_argument("--act-number", default="")
        parser.add_argument("--user", required=True)
        parser.add_argument("--reason", required=True)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument("--skip-refused", action="store_true")

    def handle(self, *args, **opts):
        source, target = get_organization(opts["source"]), get_organization(opts["target"])
        codes = [c.strip() for c in opts["districts"].split(",") if c.strip()]
        districts = list(source.districts.filter(code__in=codes))
        if len(districts) != len(set(codes)):
            raise CommandError("Unknown district code of the organization people leave.")
        to_district = None
        if opts["to_district"]:
            to_district = target.districts.filter(code=opts["to_district"]).first()
            if to_district is None:
                raise CommandError("Unknown district code of the organization people move to.")
        try:
            result = attachments_transfer(
                source=source,
                target=target,
                ground=get_ground(opts["ground"]),
                on=parse_date(opts["on"]),
                user=get_user(opts["user"]),
                reason=opts["reason"],
                districts=districts or None,
                to_district=to_district,
                act_number=opts["act_number"],
                skip_refused=opts["skip_refused"],
                dry_run=opts["dry_run"],
            )
        except ValidationError as error:
            raise CommandError("; ".join(error.messages)) from None
        for person_id, masked, refusals in result.refused:
            reasons = "; ".join(f"{r.code}: {r.message}" for r in refusals)
            self.stdout.write(f"refused: person {person_id} {masked}: {reasons}")
        if not result.written:
            if opts["dry_run"]:
                self.stdout.write(f"{result.summary} (dry run: nothing written)")
                return
            if result.refused and not opts["skip_refused"]:
                self.stdout.write(f"moved=0 refused={len(result.refused)} (nothing written)")
                sys.exit(1)
        self.stdout.write(result.summary)
