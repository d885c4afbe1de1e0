"""django-import-export resources of the person register (admin import/export, dry-run preview).

Row by row through the normal save path, so every created or changed row gets its history row;
unchanged rows are skipped (which needs `skip_diff=False`). For files of up to tens of thousands of
rows; the register import (`import_population`) is the tool for national files."""

from django.utils.translation import gettext as _
from import_export import resources

from .models import Person
from .tabular import escape_cell


class FormulaSafeExport:
    """Exported cells go through the product's one escaping (`patients.tabular.escape_cell`):
    a surname such as `=HYPERLINK(…)` is text in the admin's CSV and XLSX, never a formula.
    (django-import-export's own IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT only drops a leading
    `=`, which changes the value and leaves `+`, `-`, `@` and `==…` live; it stays off.)"""

    def export_resource(self, instance, selected_fields=None, **kwargs):
        return [escape_cell(v) for v in super().export_resource(instance, selected_fields, **kwargs)]


def formula_safe(resource_class):
    """The resource class with escaped exports (itself when it already escapes)."""
    if issubclass(resource_class, FormulaSafeExport):
        return resource_class
    return type(resource_class.__name__, (FormulaSafeExport, resource_class), {})


class AuditedResource(FormulaSafeExport, resources.ModelResource):
    """Skips unchanged rows and writes history with a reason through the normal save path."""

    def before_save_instance(self, instance, row, **kwargs):
        instance._change_reason = _("Imported in the admin")
        super().before_save_instance(instance, row, **kwargs)

    class Meta:
        skip_unchanged = True
        skip_diff = False
        report_skipped = True
        clean_model_instances = True


class PersonResource(AuditedResource):
    # A registered person's birth date, sex and death change on the person's pages, through the
    # services that check them (and end the attachments a death ends); the admin import sets
    # them only for a person it creates.
    SERVICE_FIELDS = ("birth_date", "sex", "date_of_death")

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        stored = (
            Person.objects.filter(pk=instance.pk).values(*self.SERVICE_FIELDS).first()
            if instance.pk
            else None
        )
        for name in self.SERVICE_FIELDS:
            if stored is not None and stored[name] != getattr(instance, name):
                errors[name] = [
                    _("For a registered person this changes only on the person's page, not by import.")
                ]
        super().validate_instance(instance, errors, validate_unique)

    class Meta(AuditedResource.Meta):
        model = Person
        import_id_fields = ["iin"]
        fields = [
            "iin",
            "last_name",
            "first_name",
            "middle_name",
            "birth_date",
            "sex",
            "citizenship",
            "category",
            "residence_atu",
            "residence_address",
            "residence_kind",
            "date_of_death",
        ]
