"""Admin base: every change in the admin says why, and its history shows who and why."""

from django import forms
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from simple_history.admin import SimpleHistoryAdmin

from .resources import formula_safe


class ReasonAdminForm(forms.ModelForm):
    change_reason = forms.CharField(
        label=_("Reason for the change"), max_length=300, help_text=_("Written into the history.")
    )


def _validating(resource_class):
    if resource_class._meta.clean_model_instances:
        return resource_class
    meta = type("Meta", (), {"clean_model_instances": True})
    return type(resource_class.__name__, (resource_class,), {"Meta": meta})


def _parse_id(model, value):
    """The history pages filter by the id in their URL: one that is not an id of this model is a
    404 here (simple-history would pass it to the query as it is)."""
    try:
        model._meta.pk.to_python(value)
    except ValidationError:
        raise Http404(_("No such record.")) from None


class HistoryAdmin(SimpleHistoryAdmin):
    """simple-history's pages, with their ids parsed and the revert kept to those who may change.

    A history version page is a form that saves the old version over the record when posted, and
    simple-history asks only for the view permission before saving: a record the admin refuses to
    change (written only by its service, or never, like the access log) would be rewritten there.
    """

    def history_view(self, request, object_id, extra_context=None):
        _parse_id(self.model, unquote(object_id))
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        _parse_id(self.model, unquote(object_id))
        _parse_id(self.model.history.model, version_id)
        if request.method == "POST":
            obj = self.get_object(request, unquote(object_id))
            if self.revert_disabled(request, obj):  # the page hides its button; the POST is refused
                raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class AuditedAdmin(ImportExportMixin, HistoryAdmin):
    """History with user and reason on every admin save; import/export with dry-run preview."""

    form = ReasonAdminForm
    to_encoding = "utf-8-sig"  # CSV exports start with a BOM, like every CSV the product writes

    def get_export_resource_classes(self, request):
        """Every export (the default resource too) escapes formula-shaped cells."""
        return [formula_safe(resource) for resource in super().get_export_resource_classes(request)]

    def get_import_resource_classes(self, request):
        """Imported rows are validated like a form's (field validators, full_clean()), so a bad
        value is reported on its row instead of being written."""
        return [_validating(resource) for resource in super().get_import_resource_classes(request)]

    def has_import_permission(self, request):
        """An import adds and changes rows: only where this admin lets the user add and change.
        Models written only by their services (attachments, refusals, coupons) refuse imports."""
        return (
            super().has_import_permission(request)
            and self.has_add_permission(request)
            and self.has_change_permission(request)
        )

    def process_result(self, result, request):
        """A confirmed import that hit an error was rolled back: say so, never "finished"."""
        if result.has_errors() or result.has_validation_errors():
            messages.error(
                request,
                _(
                    "The import stopped on an error and nothing was written. "
                    "Check the file and import it again."
                ),
            )
            opts = self.model._meta
            return HttpResponseRedirect(
                reverse(f"admin:{opts.app_label}_{opts.model_name}_import", current_app=self.admin_site.name)
            )
        return super().process_result(result, request)

    def save_model(self, request, obj, form, change):
        obj._change_reason = form.cleaned_data.get("change_reason", "")
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        obj._change_reason = _("Deleted in the admin")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        # One by one, so that every deletion writes its history row.
        for obj in queryset:
            self.delete_model(request, obj)
