"""Rule tables in the admin: every save asks why and leaves a history row (AuditedAdmin)."""

from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from patients.access import scope_to_organization
from patients.admin_base import AuditedAdmin

from .models import (
    Disease,
    EligibilityRule,
    LeafletSection,
    LegalAct,
    Package,
    PackageItem,
    ServiceLimit,
    ServiceUsage,
)


@admin.register(LegalAct)
class LegalActAdmin(AuditedAdmin):
    list_display = ["number", "signed_on", "enters_into_force_on", "applies_from", "title_kk"]
    search_fields = ["number", "title_kk", "title_ru", "code"]


@admin.register(Package)
class PackageAdmin(AuditedAdmin):
    list_display = ["code", "kind", "name_ru", "programme", "legal_reference"]
    list_filter = ["kind"]
    list_select_related = ["legal_act"]
    search_fields = ["code", "name_ru", "name_kk", "programme"]


class WordingPendingFilter(admin.SimpleListFilter):
    title = _("wording")
    parameter_name = "wording"

    def lookups(self, request, model_admin):
        return [
            ("pending", _("to be entered")),
            ("no_ru", _("official Russian wording missing")),
        ]

    def queryset(self, request, queryset):
        if self.value() == "pending":
            return queryset.filter(text_kk="", text_ru="")
        if self.value() == "no_ru":
            return queryset.filter(Q(text_ru="") & ~Q(text_kk=""))
        return queryset


@admin.register(PackageItem)
class PackageItemAdmin(AuditedAdmin):
    list_display = [
        "package",
        "number",
        "valid_from",
        "valid_to",
        "amended_by",
        "ended_by",
        "citizens_only",
        "wording_pending",
    ]
    list_filter = ["package", WordingPendingFilter, "citizens_only", "amended_by"]
    list_select_related = ["package", "amended_by", "ended_by"]
    search_fields = ["number", "text_kk", "text_ru", "note"]

    @admin.display(boolean=True, description=_("wording to be entered"))
    def wording_pending(self, obj):
        return obj.wording_pending


@admin.register(EligibilityRule)
class EligibilityRuleAdmin(AuditedAdmin):
    list_display = ["package", "category", "insured", "contract_kind", "valid_from", "valid_to"]
    list_filter = ["package", "category", "insured", "contract_kind"]
    list_select_related = ["package"]


@admin.register(Disease)
class DiseaseAdmin(AuditedAdmin):
    list_display = ["number", "name_ru", "name_kk", "icd10", "valid_from", "valid_to"]
    list_select_related = ["package"]
    search_fields = ["name_ru", "name_kk", "icd10"]


@admin.register(ServiceLimit)
class ServiceLimitAdmin(AuditedAdmin):
    list_display = ["leaflet_number", "name_ru", "max_count", "period_kind", "valid_from", "valid_to"]
    list_filter = ["package", "group", "period_kind"]
    list_select_related = ["package"]


@admin.register(ServiceUsage)
class ServiceUsageAdmin(AuditedAdmin):
    """Usage is recorded through the service (quota check); the admin shows and exports it."""

    list_display = ["rendered_on", "limit", "organization", "source", "recorded_by"]
    list_filter = ["source", "limit"]
    list_select_related = ["limit", "organization", "recorded_by"]
    date_hierarchy = "rendered_on"
    readonly_fields = ["person", "limit", "rendered_on", "organization", "source", "recorded_by"]

    def get_queryset(self, request):
        return scope_to_organization(super().get_queryset(request), request.user)

    def has_add_permission(self, request):
        return False

    def has_import_permission(self, request):
        return False  # imports go through service_usage_record (manage.py import_service_usage)


@admin.register(LeafletSection)
class LeafletSectionAdmin(AuditedAdmin):
    list_display = ["section", "language", "title"]
    list_filter = ["section", "language"]
