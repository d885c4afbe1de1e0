"""Pages of the register import (rules administrators) and the export of attached lists."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import permission_required
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from patients import tabular
from patients.access import list_exported, scope_to_organization
from patients.forms import BoundedDateField
from patients.models import LegalCategory

from .. import attached_list as export
from ..models import ImportRun, Organization
from . import parsing
from .runs import import_run_create, import_runs_fail_dead
from .tasks import import_population_task

IMPORT_PERMISSION = "attachment.add_importrun"


class ImportForm(forms.Form):
    file = forms.FileField(label=_("Register file (CSV)"))
    organization = forms.ModelChoiceField(
        Organization.objects.all(),
        required=False,
        to_field_name="bin",
        label=_("Only this organization (BIN)"),
        widget=forms.TextInput,
    )
    dry_run = forms.BooleanField(label=_("Check only, write nothing"), required=False)

    def clean(self):
        """Read the header now, as the import will: a file that is no register table (another
        format, another encoding, no header line) is refused here, before any run is queued."""
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is not None and "organization" not in self.errors:
            upload.seek(0)
            head = upload.read(parsing.SAMPLE)
            upload.seek(0)
            if b"\x00" in head:  # UTF-16, a spreadsheet, an image: binary, not a text table
                self.add_error("file", _("This is not a CSV text file in UTF-8 or Windows-1251."))
                return cleaned
            try:
                parsing.detect_format(head, organization_given=cleaned.get("organization") is not None)
            except parsing.UnreadableFile as error:
                self.add_error("file", str(error))
        return cleaned


@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_start(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        run = import_run_create(
            file_name=upload.name,
            user=request.user,
            organization=form.cleaned_data["organization"],
            dry_run=form.cleaned_data["dry_run"],
            upload=upload,
        )
        transaction.on_commit(lambda: import_population_task.enqueue(run.pk))
        return redirect("importing:run", pk=run.pk)
    import_runs_fail_dead()
    runs = ImportRun.objects.select_related("user")[:20]
    return render(request, "attachment/import_start.html", {"form": form, "runs": runs})


def _run_for(request, pk) -> ImportRun:
    if not request.user.has_perm(IMPORT_PERMISSION):
        raise Http404
    import_runs_fail_dead()
    return get_object_or_404(ImportRun.objects.select_related("user"), pk=pk)


@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_run(request, pk):
    return render(request, "attachment/import_run.html", {"run": _run_for(request, pk)})


@require_GET
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_run_status(request, pk):
    run = _run_for(request, pk)
    return JsonResponse(
        {
            "status": run.status,
            "status_display": str(run.get_status_display()),
            "stage": run.stage,
            "progress": run.progress,
            "finished": run.is_finished,
            "rows": run.rows,
            "created": run.created,
            "updated": run.updated,
            "unchanged": run.unchanged,
            "errors": run.errors,
            "historical": run.historical,
            "warnings": run.warnings,
            "summary": run.summary,
        }
    )


@require_GET
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_run_report(request, pk):
    run = _run_for(request, pk)
    return _report_response(request, run, run.error_report, rows=run.errors, name="errors")


@require_GET
@permission_required(IMPORT_PERMISSION, raise_exception=True)
def import_run_warnings(request, pk):
    """The rows imported with a birth date or sex differing from the IIN, as the file has them."""
    run = _run_for(request, pk)
    return _report_response(request, run, run.warning_report, rows=run.warnings, name="warnings")


def _report_response(request, run: ImportRun, text: str, *, rows: int, name: str) -> HttpResponse:
    # The report repeats the file's rows: a list of persons leaving as a file.
    list_exported(request, row_count=rows or 0, params={"run": run.pk, "report": name})
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="import-{run.pk}-{name}.csv"'
    return response


class ExportFilterForm(forms.Form):
    """The export's query string, like the list page's filters: a wrong value is refused, never
    replaced by a default (a list for another date than asked would be wrong without saying so)."""

    on = BoundedDateField(required=False, label=_("on"))
    district = forms.IntegerField(required=False, min_value=1, label=_("district"))
    ground = forms.IntegerField(required=False, min_value=1, label=_("ground"))
    category = forms.TypedChoiceField(
        required=False, choices=LegalCategory.choices, coerce=int, empty_value=None, label=_("legal category")
    )


def _given(form) -> dict:
    return {
        name: value for name, value in form.cleaned_data.items() if value not in (None, "") and name != "on"
    }


@require_GET
@permission_required("attachment.view_attachment", raise_exception=True)
def attached_export(request, pk, file_format):
    organization = get_object_or_404(
        scope_to_organization(Organization.objects.all(), request.user, "pk"), pk=pk
    )
    filters = ExportFilterForm(request.GET)
    if not filters.is_valid():
        errors = [f"{filters[name].label}: {' '.join(messages)}" for name, messages in filters.errors.items()]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    on = filters.cleaned_data["on"] or timezone.localdate()
    queryset = export.attached_for_export(
        user=request.user,
        organization=organization,
        on=on,
        district_id=filters.cleaned_data["district"],
        ground_code=filters.cleaned_data["ground"],
        category=filters.cleaned_data["category"],
    )
    if file_format not in tabular.FORMATS:
        raise Http404
    written = export.attached_file(queryset, file_format=file_format)
    list_exported(
        request,
        row_count=written.rows,
        params={"organization": organization.pk, "on": on, "format": file_format, **_given(filters)},
    )
    return tabular.file_response(
        written, file_format=file_format, filename=f"attached-{organization.bin}-{on:%Y%m%d}"
    )
