from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# The person's own records, by their relation from the person, for the History tab.
PERSON_RECORDS = [
    "documents",
    "representatives",
    "family_links",
    "contingents",
    "contracts",
    "insured_periods",
    "retired_iins",  # an IIN merged into the person or replaced by their new one
]


class PatientsConfig(AppConfig):
    name = "patients"
    verbose_name = _("Persons")

    def ready(self):
        from .history import person_records_register
        from .models import Person

        person_records_register("patients.person", "id")
        for relation in PERSON_RECORDS:
            related = getattr(Person, relation)
            person_records_register(related.rel.related_model._meta.label_lower, f"{related.field.name}_id")
