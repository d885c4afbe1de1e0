from django.contrib import admin

from patients.admin_base import AuditedAdmin

from .access import scope_to_organization
from .models import Attachment, District, Ground, IntegrationPeriod, Organization, PurchaseContract


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
    list_display = ["name_ru", "bin", "atu", "is_state"]
    search_fields = ["name_ru", "name_kk", "bin"]
    list_select_related = ["atu"]
    autocomplete_fields = ["atu"]
    inlines = [PurchaseContractInline, IntegrationPeriodInline]

    def get_queryset(self, request):
        return scope_to_organization(super().get_queryset(request), request.user, "pk")


@admin.register(PurchaseContract)
class PurchaseContractAdmin(ScopedAdmin):
    list_display = ["organization", "number", "valid_from", "valid_to"]
    list_select_related = ["organization"]


@admin.register(IntegrationPeriod)
class IntegrationPeriodAdmin(ScopedAdmin):
    list_display = ["organization", "system_name", "valid_from", "valid_to"]
    list_select_related = ["organization"]


@admin.register(District)
class DistrictAdmin(ScopedAdmin):
    list_display = ["organization", "code", "kind", "specialist", "atu", "capacity"]
    list_filter = ["kind"]
    list_select_related = ["organization", "atu"]
    search_fields = ["code", "organization__name_ru"]
    autocomplete_fields = ["atu"]


@admin.register(Ground)
class GroundAdmin(AuditedAdmin):
    list_display = ["code", "name_ru", "name_kk"]


@admin.register(Attachment)
class AttachmentAdmin(ScopedAdmin):
    list_display = ["person", "organization", "district", "ground", "valid_from", "valid_to"]
    list_filter = ["ground", "channel"]
    list_select_related = ["person", "organization", "district", "ground"]
    raw_id_fields = ["person", "contract", "district", "created_by"]
    show_full_result_count = False


from . import report_admin  # noqa: E402, F401
