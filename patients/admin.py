import json

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .access import PERSON_PAGES, list_exported, page_label, person_for_page, persons_listed
from .admin_base import AuditedAdmin, HistoryAdmin
from .forms import PersonForm, ReasonField
from .models import (
    Atu,
    ContingentFlag,
    FamilyLink,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    Insurer,
    LegalRepresentative,
    Person,
    PersonAccessLog,
    StaffProfile,
)
from .resources import PersonResource
from .services import person_check_iin_facts, person_create, person_update
from .tabular import Sheet, file_response, write_file


@admin.register(Atu)
class AtuAdmin(AuditedAdmin):
    list_display = ["kato", "name_ru", "name_kk", "level", "parent", "is_border_area"]
    list_filter = ["level", "is_border_area"]
    search_fields = ["kato", "name_ru", "name_kk"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent", "neighbours"]


class DocumentInline(admin.TabularInline):
    model = IdentityDocument
    extra = 0


class PersonAdminForm(PersonForm):
    """The registrar's person form (the IIN check, birth date and sex taken from the IIN, clean
    text), with the admin's reason field."""

    reason = None
    change_reason = ReasonField(help_text=_("Written into the history."))
    # Adding only (the change form shows the IIN, birth date and sex read-only).
    iin_mismatch_confirmed = forms.BooleanField(
        label=_("The birth date and sex are right as entered, though they differ from the IIN"),
        required=False,
    )
    iin_mismatch_reason = forms.CharField(
        label=_("Why the data differ from the IIN"), required=False, max_length=300
    )
    CONFIRMATION = ("iin_mismatch_confirmed", "iin_mismatch_reason")

    def clean(self):
        data = super().clean()
        if data.get("iin") and not self.has_error("birth_date") and not self.has_error("sex"):
            # Adding (the change form has no IIN field): the service's check, shown on the form.
            facts = Person(iin=data["iin"], birth_date=data.get("birth_date"), sex=data.get("sex"))
            try:
                person_check_iin_facts(
                    facts,
                    before=None,
                    confirmed=data.get("iin_mismatch_confirmed", False),
                    reason=data.get("iin_mismatch_reason", ""),
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    """Every page of a person here writes the access log like the registrar pages: the change,
    deletion and history pages one row (through `person_for_page`), the list one row per person
    shown, an export one row with its row count."""

    resource_classes = [PersonResource]
    form = PersonAdminForm
    list_display = ["last_name", "first_name", "middle_name", "birth_date", "sex", "category"]
    list_filter = ["category", "sex"]
    search_fields = ["=iin", "last_name", "first_name"]
    autocomplete_fields = ["residence_atu"]
    show_full_result_count = False

    # A registered person's identity and death change only on the person's pages, through their
    # services: the IIN checked against the birth date and sex, a death ending the attachments
    # (the admin import refuses changing them too, `PersonResource`).
    IDENTITY = ["iin", "birth_date", "sex", "identity_page"]
    DEATH = ["date_of_death", "death_page"]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if obj is None else [*readonly, *self.IDENTITY, *self.DEATH]

    def get_fields(self, request, obj=None):
        fields = super().get_fields(request, obj)
        if obj is None:
            return fields
        hidden = {*self.IDENTITY, *self.DEATH, *PersonAdminForm.CONFIRMATION, "change_reason"}
        others = [f for f in fields if f not in hidden]
        return [*self.IDENTITY, *others, *self.DEATH, "change_reason"]

    @admin.display(description=_("IIN, birth date and sex"))
    def identity_page(self, person):
        return format_html(
            '<a href="{}">{}</a>',
            reverse("patients:person_edit", args=[person.pk]),
            _("Changed on the person's page, where the IIN is checked"),
        )

    @admin.display(description=_("death"))
    def death_page(self, person):
        page = "attachment:correct_death" if person.date_of_death else "attachment:record_death"
        return format_html(
            '<a href="{}">{}</a>',
            reverse(page, args=[person.pk]),
            _("Recorded and corrected on the death page, which ends and reopens the attachments"),
        )

    def save_model(self, request, obj, form, change):
        """Through the registrar pages' services: the person locked first, checked again, history
        with the user and the reason."""
        fields = {name: value for name, value in form.cleaned_data.items() if name != "change_reason"}
        reason = form.cleaned_data["change_reason"]
        if change:
            person_update(person=obj, user=request.user, reason=reason, **fields)
        else:
            obj.pk = person_create(user=request.user, reason=reason, **fields).pk
            obj._state.adding = False

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ValidationError as error:
            # The service refused under the person's lock (the person busy, the IIN registered
            # meanwhile): its transaction was rolled back, nothing was written.
            self.message_user(request, " ".join(error.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path())

    def _logged(self, request, object_id) -> None:
        """The person's access-log row; a missing person is left to the admin's own answer."""
        try:
            person_for_page(request, unquote(object_id), queryset=self.get_queryset(request))
        except (Http404, ValueError, ValidationError):
            pass

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._logged(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self._logged(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        response = super().history_view(request, object_id, extra_context)  # 404 for a non-id first
        self._logged(request, object_id)
        return response

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        response = super().history_form_view(request, object_id, version_id, extra_context)
        self._logged(request, object_id)
        return response

    def get_changelist_instance(self, request):
        changelist = super().get_changelist_instance(request)
        persons_listed(
            request,
            changelist.result_list,
            params={"query": bool(changelist.query), "listed": len(changelist.result_list)},
        )
        return changelist

    def get_data_for_export(self, request, queryset, **kwargs):
        data = super().get_data_for_export(request, queryset, **kwargs)
        list_exported(request, row_count=len(data), params={"filters": dict(request.GET.items())})
        return data


@admin.register(IdentityDocument)
class IdentityDocumentAdmin(AuditedAdmin):
    list_display = ["person", "kind", "number", "valid_until"]
    raw_id_fields = ["person"]
    list_select_related = ["person"]


@admin.register(LegalRepresentative)
class LegalRepresentativeAdmin(AuditedAdmin):
    list_display = ["child", "representative", "relationship"]
    raw_id_fields = ["child", "representative", "document"]
    list_select_related = ["child", "representative"]


@admin.register(FamilyLink)
class FamilyLinkAdmin(AuditedAdmin):
    list_display = ["person", "relative", "relation"]
    raw_id_fields = ["person", "relative"]
    list_select_related = ["person", "relative"]


@admin.register(ContingentFlag)
class ContingentFlagAdmin(AuditedAdmin):
    list_display = ["person", "kind", "valid_from", "valid_to"]
    raw_id_fields = ["person"]
    list_select_related = ["person"]


@admin.register(Insurer)
class InsurerAdmin(AuditedAdmin):
    list_display = ["name", "bin", "licence"]
    search_fields = ["name", "bin"]


@admin.register(InsuranceContract)
class InsuranceContractAdmin(AuditedAdmin):
    list_display = [
        "number",
        "kind",
        "insurer",
        "insured",
        "organization",
        "valid_from",
        "valid_to",
    ]
    list_filter = ["kind", "insurer"]
    raw_id_fields = ["insured", "holder_person", "family_members"]
    list_select_related = ["insurer", "insured", "organization"]
    search_fields = ["number"]


@admin.register(InsuredStatusPeriod)
class InsuredStatusPeriodAdmin(AuditedAdmin):
    list_display = ["person", "valid_from", "valid_to", "source"]
    raw_id_fields = ["person"]
    list_select_related = ["person"]


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    list_display = ["user", "organization"]
    list_select_related = ["user", "organization"]
    raw_id_fields = ["user"]


class PageFilter(admin.SimpleListFilter):
    """By page, under the names auditors read (`patients.access.PERSON_PAGES`)."""

    title = _("page")
    parameter_name = "page"

    def lookups(self, request, model_admin):
        return sorted(PERSON_PAGES.items(), key=lambda item: str(item[1]))

    def queryset(self, request, queryset):
        return queryset.filter(view_name=self.value()) if self.value() else queryset


ACCESS_LOG_HEADERS = (
    _("opened at"),
    _("user"),
    _("page"),
    _("IIN"),
    _("person"),
    _("network address"),
    _("rows exported"),
    _("parameters"),
)


@admin.register(PersonAccessLog)
class PersonAccessLogAdmin(HistoryAdmin):
    """Read-only for everyone, administrators included: the log is only ever appended to (a
    database trigger refuses updates and deletions, migration 0004). Auditors filter it by user,
    page and date, find a person by IIN, and export what they filtered (CSV, the product's one
    writer); the export itself is an access-log row."""

    list_display = ["opened_at", "user", "page", "person", "address", "row_count"]
    list_filter = [("user", admin.RelatedOnlyFieldListFilter), PageFilter, "opened_at"]
    list_select_related = ["user", "person"]
    search_fields = ["=person__iin", "user__username"]
    search_help_text = _("A person's IIN or a username.")
    raw_id_fields = ["user", "person"]
    date_hierarchy = "opened_at"
    show_full_result_count = False
    actions = ["export_csv"]

    @admin.display(description=_("page"), ordering="view_name")
    def page(self, entry):
        return page_label(entry.view_name)

    @admin.action(description=_("Export the selected entries (CSV)"))
    def export_csv(self, request, queryset):
        rows = (
            (
                timezone.localtime(e.opened_at).strftime("%Y-%m-%d %H:%M:%S"),
                e.user.get_username(),
                page_label(e.view_name),
                e.person.iin if e.person else "",
                e.person.full_name if e.person else "",
                e.address or "",
                e.row_count,
                json.dumps(e.params, ensure_ascii=False, cls=DjangoJSONEncoder) if e.params else "",
            )
            for e in queryset.select_related("user", "person").order_by("opened_at", "id").iterator()
        )
        written = write_file(
            [Sheet(str(_("person access log")), ACCESS_LOG_HEADERS, rows)], file_format="csv"
        )
        list_exported(
            request,
            row_count=written.rows,
            params={"filters": dict(request.GET.items()), "selected": written.rows},
        )
        return file_response(written, file_format="csv", filename=f"access-log-{timezone.localdate():%Y%m%d}")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
