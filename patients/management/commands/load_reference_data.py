from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string


class Command(BaseCommand):
    help = "Load reference data (ATU tree, grounds, roles, rule tables). Safe to run twice."

    def handle(self, *args, **options):
        with transaction.atomic():
            for path in settings.REFERENCE_DATA_LOADERS:
                created = import_string(path)()
                self.stdout.write(f"{path}: created={created}")
