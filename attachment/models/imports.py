"""One run of the register import: what was loaded, by whom, how far it got and what it found."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from patients.history import audit_history


class ImportRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", _("queued")
        RUNNING = "running", _("running")
        DONE = "done", _("imported")
        CHECKED = "checked", _("checked (dry run), nothing written")
        REJECTED = "rejected", _("rejected: errors, nothing written")
        FAILED = "failed", _("failed, nothing written")

    FINISHED = (Status.DONE, Status.CHECKED, Status.REJECTED, Status.FAILED)

    file_name = models.CharField(_("file name"), max_length=255)
    upload = models.FileField(_("uploaded file"), upload_to="imports/%Y/%m/", blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("imported by"),
    )
    organization = models.ForeignKey(
        "attachment.Organization",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("only for organization"),
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(_("stage"), max_length=100, blank=True)
    progress = models.PositiveSmallIntegerField(_("progress, %"), default=0)
    rows = models.PositiveIntegerField(_("rows"), default=0)
    created = models.PositiveIntegerField(_("created"), default=0)
    updated = models.PositiveIntegerField(_("updated"), default=0)
    unchanged = models.PositiveIntegerField(_("unchanged"), default=0)
    errors = models.PositiveIntegerField(_("errors"), default=0)
    historical = models.PositiveIntegerField(
        _("dated before the recorded rules"),
        default=0,
        help_text=_("New attachments taken as register facts: no rule is recorded for their dates."),
    )
    warnings = models.PositiveIntegerField(
        _("birth date or sex differing from the IIN"),
        default=0,
        help_text=_("Rows whose birth date or sex differs from the IIN: kept as in the file and imported."),
    )
    error_report = models.TextField(_("error report (CSV)"), blank=True)
    warning_report = models.TextField(_("warning report (CSV)"), blank=True)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = audit_history()

    class Meta:
        verbose_name = _("population import")
        verbose_name_plural = _("population imports")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(name="importrun_progress_0_100", condition=models.Q(progress__lte=100)),
        ]

    def __str__(self):
        return f"#{self.pk} {self.file_name}"

    @property
    def is_finished(self) -> bool:
        return self.status in self.FINISHED

    @property
    def summary(self) -> str:
        return (
            f"rows={self.rows} created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} errors={self.errors} historical={self.historical} "
            f"warnings={self.warnings}"
        )
