"""Reconciliations of an organization's attached list with an extract of the national register.

A run is stored when the lists are compared (the dry run), with the counts of each group and one
row per person compared, so each group can be downloaded and "reconciliation #N" names a real
record; applying it later ends what the register shows elsewhere or dead (`services/reconcile.py`).
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history

REVIEW_PERMISSION = "attachment.review_reconciliation"
APPLY_PERMISSION = "attachment.apply_reconciliation"


class ReconciliationGroup(models.IntegerChoices):
    """Where a person stands when the two lists are laid side by side."""

    BOTH = 1, _("on both lists")
    HERE_ONLY = 2, _("here but not in the register")
    REGISTER_ONLY = 3, _("in the register but not here")
    ELSEWHERE = 4, _("attached elsewhere per the register")
    DEAD = 5, _("dead per the register")


# Field of Reconciliation counting each group.
GROUP_COUNTS = {
    ReconciliationGroup.BOTH: "both",
    ReconciliationGroup.HERE_ONLY: "here_only",
    ReconciliationGroup.REGISTER_ONLY: "register_only",
    ReconciliationGroup.ELSEWHERE: "elsewhere",
    ReconciliationGroup.DEAD: "dead",
}
# Short names of the groups in download URLs and file names.
GROUP_SLUGS = {
    ReconciliationGroup.BOTH: "both",
    ReconciliationGroup.HERE_ONLY: "here-only",
    ReconciliationGroup.REGISTER_ONLY: "register-only",
    ReconciliationGroup.ELSEWHERE: "elsewhere",
    ReconciliationGroup.DEAD: "dead",
}


class Reconciliation(models.Model):
    """One comparison of an organization's attached list on a date with a register extract."""

    organization = models.ForeignKey(
        "attachment.Organization",
        models.PROTECT,
        related_name="reconciliations",
        verbose_name=_("organization"),
    )
    on = models.DateField(_("date of the extract"))
    file_name = models.CharField(_("file name"), max_length=255)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("compared by"),
    )
    created_at = models.DateTimeField(_("compared at"), auto_now_add=True)
    rows = models.PositiveIntegerField(_("rows of the extract"), default=0)
    both = models.PositiveIntegerField(_("on both lists"), default=0)
    here_only = models.PositiveIntegerField(_("here but not in the register"), default=0)
    register_only = models.PositiveIntegerField(_("in the register but not here"), default=0)
    elsewhere = models.PositiveIntegerField(_("attached elsewhere per the register"), default=0)
    dead = models.PositiveIntegerField(_("dead per the register"), default=0)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("applied by"),
    )
    ended = models.PositiveIntegerField(_("attachments ended"), default=0)
    deaths_recorded = models.PositiveIntegerField(_("deaths recorded"), default=0)
    history = audit_history()

    class Meta:
        verbose_name = _("reconciliation with the register")
        verbose_name_plural = _("reconciliations with the register")
        ordering = ["-pk"]
        permissions = [
            ("review_reconciliation", _("Can see reconciliations with the register")),
            ("apply_reconciliation", _("Can apply a reconciliation with the register")),
        ]
        constraints = [
            models.CheckConstraint(
                name="reconciliation_applied_by_someone",
                condition=models.Q(applied_at__isnull=True) | models.Q(applied_by__isnull=False),
            ),
        ]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def is_applied(self) -> bool:
        return self.applied_at is not None

    def count_of(self, group: int) -> int:
        return getattr(self, GROUP_COUNTS[group])


class ReconciliationRow(models.Model):
    """One person of a reconciliation: the group, our attachment, what the register says.

    Written set-wise (a million rows for a large extract), so the references carry no database
    constraint: a row is a record of what was compared, and the ids are kept as they were."""

    reconciliation = models.ForeignKey(
        Reconciliation, models.CASCADE, related_name="+", db_index=False, verbose_name=_("reconciliation")
    )
    group = models.PositiveSmallIntegerField(_("group"), choices=ReconciliationGroup.choices)
    line = models.PositiveIntegerField(_("row of the extract"), null=True, blank=True)
    iin = models.CharField(_("IIN"), max_length=12)
    last_name = models.CharField(_("surname per the register"), max_length=100, blank=True)
    first_name = models.CharField(_("given name per the register"), max_length=100, blank=True)
    middle_name = models.CharField(_("patronymic per the register"), max_length=100, blank=True)
    person = models.ForeignKey(
        "patients.Person",
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("person"),
    )
    attachment = models.ForeignKey(
        "attachment.Attachment",
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("attachment here"),
    )
    register_organization = models.ForeignKey(
        "attachment.Organization",
        models.DO_NOTHING,
        null=True,
        blank=True,
        db_constraint=False,
        db_index=False,
        related_name="+",
        verbose_name=_("organization per the register"),
    )
    register_attached_on = models.DateField(_("attached per the register on"), null=True, blank=True)
    date_of_death = models.DateField(_("date of death per the register"), null=True, blank=True)
    ended = models.BooleanField(_("ended by the reconciliation"), default=False)

    class Meta:
        verbose_name = _("reconciliation row")
        verbose_name_plural = _("reconciliation rows")
        indexes = [
            models.Index(fields=["reconciliation", "group", "line"], name="reconrow_group_idx"),
            # The leavers' list asks which reconciliation ended an attachment.
            models.Index(fields=["attachment"], name="reconrow_ended_idx", condition=models.Q(ended=True)),
        ]

    def __str__(self):
        return f"#{self.reconciliation_id} {self.get_group_display()}"
