"""Pages of the register import (rules administrators) and the export of attached lists."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients import tabular
from patients.access import list_exported, scope_to_organization
from patients.forms import BoundedDateField
from patients.models import LegalCategory

from .. import attached_list as export
from ..models import (
    APPLY_PERMISSION,
    REVIEW_PERMISSION,
    ImportRun,
    Organization,
    Reconciliation,
    ReconciliationGroup,
    ReconciliationRow,
)
from ..models.reconciliations import GROUP_SLUGS
from ..services.reconcile import (
    ReconciliationRefused,
    UnreadableFile,
    reconciliation_apply,
    reconciliation_compare,
)
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


# Reconciliation with the national register: rules administrators compare and apply, clinic heads
# read their own organization's runs (`review_reconciliation`, scoped to the organization).


class ReconciliationForm(forms.Form):
    file = forms.FileField(label=_("Register extract (CSV, the import's format)"))
    organization = forms.ModelChoiceField(
        Organization.objects.all(), to_field_name="bin", label=_("Organization (BIN)"), widget=forms.TextInput
    )
    on = BoundedDateField(label=_("Date of the extract"), required=False, help_text=_("Empty: today."))

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on is not None and on > timezone.localdate():
            raise forms.ValidationError(_("An extract cannot be dated later than today."))
        return on


def _reconciliations(request):
    if not request.user.has_perm(REVIEW_PERMISSION):
        raise PermissionDenied
    return scope_to_organization(Reconciliation.objects.select_related("organization", "user"), request.user)


@require_http_methods(["GET", "POST"])
def reconciliation_list(request):
    """The runs, newest first, and (for rules administrators) the form that compares an extract."""
    runs = _reconciliations(request)
    may_compare = request.user.has_perm(APPLY_PERMISSION)
    form = ReconciliationForm(request.POST or None, request.FILES or None) if may_compare else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            upload, data = form.cleaned_data["file"], form.cleaned_data
            try:
                run = reconciliation_compare(
                    stream=upload,
                    file_name=upload.name,
                    organization=data["organization"],
                    on=data["on"] or timezone.localdate(),
                    user=request.user,
                )
            except UnreadableFile as error:
                form.add_error("file", str(error))
            except ReconciliationRefused as refused:
                form.add_error("file", str(refused))
                for text in refused.errors:
                    form.add_error(None, text)
            else:
                messages.success(request, _("Compared: reconciliation #%(pk)s.") % {"pk": run.pk})
                return redirect("importing:reconciliation", pk=run.pk)
    return render(
        request,
        "attachment/reconciliations.html",
        {"runs": runs[:50], "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def reconciliation_detail(request, pk):
    run = get_object_or_404(_reconciliations(request), pk=pk)
    groups = [(group, GROUP_SLUGS[group], run.count_of(group)) for group in ReconciliationGroup]
    return render(
        request,
        "attachment/reconciliation.html",
        {
            "run": run,
            "groups": groups,
            "may_apply": request.user.has_perm(APPLY_PERMISSION) and not run.is_applied,
            "formats": tabular.FORMATS,
        },
    )


@require_GET
def reconciliation_group(request, pk, group, file_format):
    run = get_object_or_404(_reconciliations(request), pk=pk)
    slugs = {slug: value for value, slug in GROUP_SLUGS.items()}
    if group not in slugs or file_format not in tabular.FORMATS:
        raise Http404
    rows = (
        ReconciliationRow.objects.filter(reconciliation=run, group=slugs[group])
        .select_related("person", "attachment__district", "register_organization")
        .order_by("line", "iin")
    )
    headers = [
        *export.PERSON_HEADERS,
        _("Row of the extract"),
        _("District here"),
        _("Organization per the register (BIN)"),
        _("Attached per the register on"),
        _("Date of death per the register"),
        _("Ended by the reconciliation"),
    ]

    def lines():
        for row in rows.iterator(chunk_size=2000):
            person = row.person
            yield [
                row.iin,
                person.last_name if person else row.last_name,
                person.first_name if person else row.first_name,
                person.middle_name if person else row.middle_name,
                person.birth_date if person else None,
                row.line,
                row.attachment.district.code if row.attachment and row.attachment.district else "",
                row.register_organization.bin if row.register_organization else "",
                row.register_attached_on,
                row.date_of_death,
                _("yes") if row.ended else "",
            ]

    title = str(ReconciliationGroup(slugs[group]).label)
    written = tabular.write_file([tabular.Sheet(title, headers, lines())], file_format=file_format)
    list_exported(
        request,
        row_count=written.rows,
        params={"reconciliation": run.pk, "group": group, "format": file_format},
    )
    return tabular.file_response(
        written, file_format=file_format, filename=f"reconciliation-{run.pk}-{group}"
    )


@require_POST
@permission_required(APPLY_PERMISSION, raise_exception=True)
def reconciliation_apply_view(request, pk):
    run = get_object_or_404(_reconciliations(request), pk=pk)
    result = reconciliation_apply(reconciliation=run, user=request.user)
    if result.already_applied:
        messages.info(request, _("This reconciliation was applied already; nothing changed."))
    else:
        messages.success(
            request,
            _("Applied: %(ended)s attachments ended, %(deaths)s deaths recorded.")
            % {"ended": result.ended, "deaths": result.deaths_recorded},
        )
        if result.skipped:
            messages.warning(
                request,
                _("Deaths recorded here with another date were left for a correction: %(iins)s")
                % {"iins": ", ".join(result.skipped)},
            )
    return redirect("importing:reconciliation", pk=run.pk)
