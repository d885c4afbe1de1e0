from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .admin_base import AuditedAdmin
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


@admin.register(Person)
class PersonAdmin(AuditedAdmin):
    resource_classes = [PersonResource]
    list_display = ["last_name", "first_name", "middle_name", "birth_date", "sex", "category"]
    list_filter = ["category", "sex"]
    search_fields = ["=iin", "last_name", "first_name"]
    autocomplete_fields = ["residence_atu"]
    show_full_result_count = False


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


@admin.register(PersonAccessLog)
class PersonAccessLogAdmin(SimpleHistoryAdmin):
    """Read-only for everyone, administrators included: the log is only ever appended to (a
    database trigger refuses updates and deletions, migration 0004)."""

    list_display = ["opened_at", "user", "person", "view_name"]
    list_filter = ["view_name", "opened_at"]
    list_select_related = ["user", "person"]
    search_fields = ["=person__iin", "user__username"]
    raw_id_fields = ["user", "person"]
    date_hierarchy = "opened_at"
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
