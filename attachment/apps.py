from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AttachmentConfig(AppConfig):
    name = "attachment"
    verbose_name = _("Attachment")
