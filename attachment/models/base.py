"""Abstract bases shared by the models of the attachment app."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def in_language(kk: str, ru: str) -> str:
    """The Kazakh text on Kazakh pages, the Russian one elsewhere."""
    return kk if (get_language() or "").startswith("kk") else ru


class BilingualName(models.Model):
    name_kk = models.CharField(_("name (Kazakh)"), max_length=300)
    name_ru = models.CharField(_("name (Russian)"), max_length=300)

    class Meta:
        abstract = True

    def __str__(self):
        return self.name

    @property
    def name(self):
        return in_language(self.name_kk, self.name_ru)
