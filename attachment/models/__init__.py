"""The models of the attachment app, one module per part of the domain.

Every model of the app is defined in this package (the import and report tables included),
so Django registers them with the app and no sub-package reaches back up for its tables.
"""

from .applications import Application, Coupon, CouponPrint, Refusal, RefusalReason
from .attachments import (
    Attachment,
    AttachmentAct,
    AttachmentStatus,
    Channel,
    DetachReason,
    Ground,
    LeavingReason,
)
from .base import BilingualName
from .imports import ImportRun
from .organizations import District, IntegrationPeriod, Organization, PurchaseContract
from .reconciliations import (
    APPLY_PERMISSION,
    REVIEW_PERMISSION,
    Reconciliation,
    ReconciliationGroup,
    ReconciliationRow,
)
from .reports import REPORT_PERMISSION, AgeGroup, AgeRange, CapitationNorm, SexAgeCoefficient
from .rules import (
    AtuComparisonLevel,
    CalendarDay,
    CalendarYear,
    CampaignWindow,
    FreeChoiceLimit,
    GroundCondition,
    GroundRule,
    LegalAct,
    PublicHoliday,
)

__all__ = [
    "APPLY_PERMISSION",
    "REPORT_PERMISSION",
    "REVIEW_PERMISSION",
    "AgeGroup",
    "AgeRange",
    "Application",
    "AtuComparisonLevel",
    "Attachment",
    "AttachmentAct",
    "AttachmentStatus",
    "BilingualName",
    "CalendarDay",
    "CalendarYear",
    "CampaignWindow",
    "CapitationNorm",
    "Channel",
    "Coupon",
    "CouponPrint",
    "DetachReason",
    "District",
    "FreeChoiceLimit",
    "Ground",
    "GroundCondition",
    "GroundRule",
    "ImportRun",
    "IntegrationPeriod",
    "LeavingReason",
    "LegalAct",
    "Organization",
    "PublicHoliday",
    "PurchaseContract",
    "Reconciliation",
    "ReconciliationGroup",
    "ReconciliationRow",
    "Refusal",
    "RefusalReason",
    "SexAgeCoefficient",
]
