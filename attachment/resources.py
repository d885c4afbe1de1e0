"""django-import-export resources of attachments and of every rule table (admin import/export)."""

from import_export import fields, widgets

from patients.resources import AuditedResource

from .models import (
    Attachment,
    AtuComparisonLevel,
    CalendarDay,
    CalendarYear,
    CampaignWindow,
    DetachReason,
    District,
    FreeChoiceLimit,
    Ground,
    GroundRule,
    IntegrationPeriod,
    Organization,
    PublicHoliday,
    PurchaseContract,
    RefusalReason,
)


class AttachmentResource(AuditedResource):
    person = fields.Field("person", "person", widgets.ForeignKeyWidget("patients.Person", "iin"))
    organization = fields.Field("organization", "organization", widgets.ForeignKeyWidget(Organization, "bin"))
    ground = fields.Field("ground", "ground", widgets.ForeignKeyWidget(Ground, "code"))

    class Meta(AuditedResource.Meta):
        model = Attachment
        fields = [
            "id",
            "person",
            "organization",
            "district",
            "ground",
            "channel",
            "contract",
            "valid_from",
            "valid_to",
            "end_reason",
            "reason",
        ]


def _resource(model_class, id_fields=("id",), field_names=None):
    meta = type(
        "Meta",
        (AuditedResource.Meta,),
        {"model": model_class, "import_id_fields": list(id_fields)}
        | ({"fields": field_names} if field_names else {}),
    )
    return type(f"{model_class.__name__}Resource", (AuditedResource,), {"Meta": meta})


GroundResource = _resource(
    Ground, ["code"], ["code", "name_kk", "name_ru", "needs_contract", "moves_in_bulk"]
)
GroundRuleResource = _resource(GroundRule)
CampaignWindowResource = _resource(CampaignWindow)
AtuComparisonLevelResource = _resource(AtuComparisonLevel)
FreeChoiceLimitResource = _resource(FreeChoiceLimit)
CalendarDayResource = _resource(CalendarDay, ["date"], ["date", "is_working", "name_kk", "name_ru", "source"])
PublicHolidayResource = _resource(PublicHoliday)
CalendarYearResource = _resource(CalendarYear, ["year"], ["year", "confirmed", "note"])
RefusalReasonResource = _resource(RefusalReason, ["code"], ["code", "name_kk", "name_ru"])
DetachReasonResource = _resource(
    DetachReason, ["code"], ["code", "name_kk", "name_ru", "needs_note", "active"]
)
OrganizationResource = _resource(Organization, ["bin"])
DistrictResource = _resource(District)
PurchaseContractResource = _resource(PurchaseContract)
IntegrationPeriodResource = _resource(IntegrationPeriod)
