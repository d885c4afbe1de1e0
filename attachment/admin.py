from django.contrib import admin

from patients.admin_base import AuditedAdmin

from . import resources
from .access import scope_to_organization
from .models import (
    Attachment,
    AtuComparisonLevel,
    CalendarDay,
    CampaignWindow,
    District,
    FreeChoiceLimit,
    Ground,
    GroundRule,
    ImportRun,
    IntegrationPeriod,
    Organization,
    PurchaseContract,
    RefusalReason,
)


class ScopedAdmin(AuditedAdmin):
    """Admin lists of organization data, scoped like every other page."""

    organization_field = "organization"

    def get_queryset(self, request):
        return scope_to_organization(super().get_queryset(request), request.user, self.organization_field)


class PurchaseContractInline(admin.TabularInline):
    model = PurchaseContract
    extra = 0


class IntegrationPeriodInline(admin.TabularInline):
    model = IntegrationPeriod
    extra = 0


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    resource_classes = [resources.OrganizationResource]
    list_display = ["name_ru", "bin", "atu", "is_state"]
    search_fields = ["name_ru", "name_kk", "bin"]
    list_select_related = ["atu"]
    autocomplete_fields = ["atu"]
    inlines = [PurchaseContractInline, IntegrationPeriodInline]

    def get_queryset(self, request):
        return scope_to_organization(super().get_queryset(request), request.user, "pk")


@admin.register(PurchaseContract)
class PurchaseContractAdmin(ScopedAdmin):
    resource_classes = [resources.PurchaseContractResource]
    list_display = ["organization", "number", "valid_from", "valid_to"]
    list_select_related = ["organization"]


@admin.register(IntegrationPeriod)
class IntegrationPeriodAdmin(ScopedAdmin):
    resource_classes = [resources.IntegrationPeriodResource]
    list_display = ["organization", "system_name", "valid_from", "valid_to"]
    list_select_related = ["organization"]


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    resource_classes = [resources.DistrictResource]
    list_display = ["organization", "code", "kind", "specialist", "atu", "capacity"]
    list_filter = ["kind"]
    list_select_related = ["organization", "atu"]
    search_fields = ["code", "organization__name_ru"]
    autocomplete_fields = ["atu"]


@admin.register(Ground)
class GroundAdmin(AuditedAdmin):
    resource_classes = [resources.GroundResource]
    list_display = ["code", "name_ru", "name_kk"]


@admin.register(Attachment)
class AttachmentAdmin(ScopedAdmin):
    resource_classes = [resources.AttachmentResource]
    list_display = ["person", "organization", "district", "ground", "valid_from", "valid_to"]
    list_filter = ["ground", "channel"]
    list_select_related = ["person", "organization", "district", "ground"]
    raw_id_fields = ["person", "contract", "district", "created_by"]
    show_full_result_count = False


# Rule tables: import/export with dry-run preview and history (issue 5). Their list pages are
# plain; the rules engine's own admin pages may replace these registrations.
@admin.register(GroundRule)
class GroundRuleAdmin(AuditedAdmin):
    resource_classes = [resources.GroundRuleResource]
    list_display = ["category", "ground", "condition", "campaign_only", "valid_from", "valid_to"]
    list_select_related = ["ground"]


@admin.register(CampaignWindow)
class CampaignWindowAdmin(AuditedAdmin):
    resource_classes = [resources.CampaignWindowResource]
    list_display = ["year", "atu", "starts_on", "ends_on", "takes_effect_on"]
    list_select_related = ["atu"]


@admin.register(AtuComparisonLevel)
class AtuComparisonLevelAdmin(AuditedAdmin):
    resource_classes = [resources.AtuComparisonLevelResource]
    list_display = ["applies_to", "level", "valid_from", "valid_to"]


@admin.register(FreeChoiceLimit)
class FreeChoiceLimitAdmin(AuditedAdmin):
    resource_classes = [resources.FreeChoiceLimitResource]
    list_display = ["ground", "max_count", "months", "valid_from", "valid_to"]
    list_select_related = ["ground"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    resource_classes = [resources.CalendarDayResource]
    list_display = ["date", "is_working", "name"]


@admin.register(RefusalReason)
class RefusalReasonAdmin(AuditedAdmin):
    resource_classes = [resources.RefusalReasonResource]
    list_display = ["code", "name_ru", "name_kk"]


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "file_name", "user", "status", "rows", "created", "updated", "unchanged", "errors"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False
