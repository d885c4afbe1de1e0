"""State changes of attachments: one function per change, each in its own transaction with history.

Lock order everywhere: the person row first, then the person's attachment rows.
"""

from .applications import (
    FamilyRefused,
    application_attach,
    application_decision,
    application_due_by,
    application_receive,
    application_refuse,
    application_submit,
    application_submit_refused,
    family_attach,
    refusal_record,
)
from .attach import (
    AttachmentRefused,
    attachment_create,
    attachment_decide,
    attachment_district_change,
    attachment_end,
    attachment_facts,
    attachment_facts_many,
)
from .coupons import CouponAlreadyIssued, coupon_issue, coupon_print_record
from .death import (
    attachments_close_on_death,
    attachments_reopen_after_death,
    death_date_error,
    person_correct_death,
    person_record_death,
)
from .detach import attachment_detach, detach_date_error, detachable
from .expire import ExpireSummary, attachments_expire
from .legal_acts import legal_act_set_in_force
from .transfer import TransferResult, attachments_transfer

__all__ = [
    "AttachmentRefused",
    "CouponAlreadyIssued",
    "FamilyRefused",
    "application_attach",
    "application_decision",
    "application_due_by",
    "application_receive",
    "application_refuse",
    "application_submit",
    "application_submit_refused",
    "ExpireSummary",
    "TransferResult",
    "attachments_expire",
    "attachments_transfer",
    "attachment_create",
    "attachment_decide",
    "attachment_district_change",
    "attachment_detach",
    "attachment_end",
    "attachments_close_on_death",
    "attachments_reopen_after_death",
    "death_date_error",
    "detach_date_error",
    "detachable",
    "person_correct_death",
    "person_record_death",
    "attachment_facts",
    "attachment_facts_many",
    "coupon_issue",
    "coupon_print_record",
    "family_attach",
    "legal_act_set_in_force",
    "refusal_record",
]
