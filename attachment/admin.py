from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.access import scope_to_organization
from patients.admin_base import AuditedAdmin

from . import resources
from .forms import TransferForm
from .models import (
    AgeGroup,
    Application,
    Attachment,
    AttachmentAct,
    AtuComparisonLevel,
    CalendarDay,
    CalendarYear,
    CampaignWindow,
    CapitationNorm,
    Channel,
    Coupon,
    DetachReason,
    District,
    FreeChoiceLimit,
    Ground,
    GroundRule,
    ImportRun,
    IntegrationPeriod,
    LegalAct,
    Organization,
    PublicHoliday,
    PurchaseContract,
    Refusal,
    RefusalReason,
    SexAgeCoefficient,
)
from .services import attachments_transfer, legal_act_set_in_force


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
    actions = ["transfer_attachments"]

    def get_queryset(self, request):
        return scope_to_organization(super().get_queryset(request), request.user, "pk")

    @admin.action(
        description=gettext_lazy("Move the attached population to another organization (grounds 6–9)"),
        permissions=["transfer"],
    )
    def transfer_attachments(self, request, queryset):
        """All or nothing by default; the first run is a dry run that shows who would be refused."""
        if queryset.count() != 1:
            self.message_user(
                request, _("Choose exactly one organization to move people from."), messages.ERROR
            )
            return None
        source = queryset.get()
        form = TransferForm(request.POST if "apply" in request.POST else None)
        result = None
        if form.is_valid():
            data = form.cleaned_data
            try:
                result = attachments_transfer(
                    source=source,
                    target=data["target"],
                    ground=data["ground"],
                    on=data["on"],
                    user=request.user,
                    reason=data["reason"],
                    act_number=data["act_number"],
                    skip_refused=data["skip_refused"],
                    dry_run=data["dry_run"],
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                if result.written:
                    self.message_user(request, result.summary, messages.SUCCESS)
                    return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Move the attached population"),
            "source": source,
            "form": form,
            "result": result,
            "opts": self.model._meta,
            "action": "transfer_attachments",
            "selected": source.pk,
        }
        return TemplateResponse(request, "admin/attachment/transfer.html", context)

    def has_transfer_permission(self, request):
        return request.user.has_perm("attachment.transfer_attachments")


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
    list_display = ["code", "name_ru", "name_kk", "needs_contract", "moves_in_bulk"]


@admin.register(Attachment)
class AttachmentAdmin(ScopedAdmin):
    """Read-only here: attachments change only through the attach service (pages, commands)."""

    resource_classes = [resources.AttachmentResource]
    list_display = ["person", "organization", "district", "ground", "valid_from", "valid_to"]
    list_filter = ["ground", "channel"]
    list_select_related = ["person", "organization", "district", "ground"]
    raw_id_fields = [
        "person",
        "contract",
        "district",
        "created_by",
        "act",
        "application",
        "over_capacity_confirmed_by",
    ]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class GroundRuleForm(forms.ModelForm):
    """The channels a rule allows, as checkboxes of their names (not a text array of codes)."""

    channels = forms.TypedMultipleChoiceField(
        choices=Channel.choices,
        widget=forms.CheckboxSelectMultiple,
        label=gettext_lazy("channels"),
        help_text=gettext_lazy("How the attachment may be asked for (§11)."),
    )


@admin.register(GroundRule)
class GroundRuleAdmin(AuditedAdmin):
    form = GroundRuleForm
    resource_classes = [resources.GroundRuleResource]
    list_display = [
        "category",
        "ground",
        "condition",
        "campaign_only",
        "residence_atu",
        "valid_from",
        "valid_to",
        "legal_act",
    ]
    list_filter = ["category", "ground", "condition"]
    list_select_related = ["ground"]


@admin.register(LegalAct)
class LegalActAdmin(AuditedAdmin):
    """Acts of the attachment rules. Changing the in-force date moves the rule rows the act gives."""

    list_display = ["number", "title", "registered_on", "in_force_on", "in_force_confirmed"]

    def save_model(self, request, obj, form, change):
        moved = change and {"in_force_on", "in_force_confirmed"} & set(form.changed_data)
        if not moved:
            return super().save_model(request, obj, form, change)
        in_force_on, confirmed = obj.in_force_on, obj.in_force_confirmed
        obj.in_force_on, obj.in_force_confirmed = (
            form.initial["in_force_on"],
            form.initial["in_force_confirmed"],
        )
        super().save_model(request, obj, form, change)
        try:
            legal_act_set_in_force(
                act=obj,
                in_force_on=in_force_on,
                confirmed=confirmed,
                user=request.user,
                reason=form.cleaned_data["change_reason"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))


@admin.register(CampaignWindow)
class CampaignWindowAdmin(AuditedAdmin):
    resource_classes = [resources.CampaignWindowResource]
    list_display = ["year", "atu", "starts_on", "ends_on", "takes_effect_on"]
    list_select_related = ["atu"]
    autocomplete_fields = ["atu"]


@admin.register(AtuComparisonLevel)
class AtuComparisonLevelAdmin(AuditedAdmin):
    resource_classes = [resources.AtuComparisonLevelResource]
    list_display = ["applies_to", "level", "valid_from", "valid_to"]


@admin.register(FreeChoiceLimit)
class FreeChoiceLimitAdmin(AuditedAdmin):
    resource_classes = [resources.FreeChoiceLimitResource]
    list_display = ["ground", "max_count", "months", "valid_from", "valid_to"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    resource_classes = [resources.CalendarDayResource]
    list_display = ["date", "is_working", "name_ru", "name_kk", "source"]
    list_filter = ["is_working"]
    date_hierarchy = "date"


@admin.register(PublicHoliday)
class PublicHolidayAdmin(AuditedAdmin):
    resource_classes = [resources.PublicHolidayResource]
    list_display = ["day", "month", "name_ru", "name_kk", "moves_off_weekend", "valid_from", "valid_to"]


@admin.register(CalendarYear)
class CalendarYearAdmin(AuditedAdmin):
    resource_classes = [resources.CalendarYearResource]
    list_display = ["year", "confirmed", "note"]


@admin.register(RefusalReason)
class RefusalReasonAdmin(AuditedAdmin):
    resource_classes = [resources.RefusalReasonResource]
    list_display = ["code", "name_ru", "name_kk"]


@admin.register(DetachReason)
class DetachReasonAdmin(AuditedAdmin):
    """The reasons staff choose when they detach a person; retire one instead of deleting it."""

    resource_classes = [resources.DetachReasonResource]
    list_display = ["code", "name_ru", "name_kk", "needs_note", "active"]
    list_filter = ["active"]


@admin.register(AttachmentAct)
class AttachmentActAdmin(AuditedAdmin):
    list_display = ["kind", "number", "date", "issuer"]
    list_filter = ["kind"]


@admin.register(Application)
class ApplicationAdmin(ScopedAdmin):
    list_display = ["person", "organization", "ground", "channel", "status", "received_at", "due_by"]
    list_filter = ["status", "channel"]
    list_select_related = ["person", "organization", "ground"]
    raw_id_fields = ["person", "applicant", "contract", "district", "decided_by", "received_by"]

    def has_add_permission(self, request):
        return False


@admin.register(Refusal)
class RefusalAdmin(ScopedAdmin):
    list_display = ["person", "organization", "reason", "on", "created_at"]
    list_select_related = ["person", "organization", "reason"]
    raw_id_fields = ["person", "application", "created_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a decision stays (appeals, numbering)


@admin.register(Coupon)
class CouponAdmin(ScopedAdmin):
    list_display = ["number", "organization", "attachment", "issued_at"]
    list_select_related = ["organization", "attachment__person"]
    raw_id_fields = ["attachment", "issued_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of a decision stays (appeals, numbering)


# Report tables: age groups, per-capita norms and sex-age coefficients.
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


@admin.register(ImportRun)
class ImportRunAdmin(admin.ModelAdmin):
    list_display = ["id", "file_name", "user", "status", "rows", "created", "updated", "unchanged", "errors"]
    list_select_related = ["user"]
    readonly_fields = [f.name for f in ImportRun._meta.fields]

    def has_add_permission(self, request):
        return False
