"""Admin of the report tables: age groups, per-capita norms and sex-age coefficients."""

from django.contrib import admin

from patients.admin_base import AuditedAdmin

from .reports.models import AgeGroup, CapitationNorm, SexAgeCoefficient


@admin.register(AgeGroup)
class AgeGroupAdmin(AuditedAdmin):
    list_display = ["label", "code", "min_age", "max_age"]


@admin.register(CapitationNorm)
class CapitationNormAdmin(AuditedAdmin):
    list_display = ["valid_from", "amount", "source"]


@admin.register(SexAgeCoefficient)
class SexAgeCoefficientAdmin(AuditedAdmin):
    list_display = ["age_group", "sex", "value", "valid_from", "source"]
    list_filter = ["sex", "age_group"]
    list_select_related = ["age_group"]
