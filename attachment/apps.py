from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentConfig(AppConfig):
    name = "attachment"
    verbose_name = _("Attachment")

    def ready(self):
        from patients.history import person_records_register

        # The person's History tab shows these beside the person's own records.
        for model in ("attachment", "application", "refusal"):
            person_records_register(f"attachment.{model}", "person_id")
        person_records_register("attachment.coupon", "attachment__person_id")

        from patients.access import person_organizations_register

        from .access import organizations_from

        # Whose staff change what a person's clinic keeps for them (patients.access).
        person_organizations_register(organizations_from)
