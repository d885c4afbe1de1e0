"""The error and warning reports: every error (or warning) of a file with its row number, column,
the value found there and a clear message. UTF-8 with a byte-order mark, so that a spreadsheet
shows the Cyrillic; a value a spreadsheet would run as a formula is written with a leading
apostrophe."""

from __future__ import annotations

import datetime

from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from patients.iin import MESSAGES as IIN_MESSAGES
from patients.iin import SEX_NAMES
from patients.iin import WARNINGS as IIN_WARNINGS
from patients.tabular import Sheet, write_csv
from patients.validators import MESSAGES as NAME_MESSAGES

from .parsing import STAGING
from .validation import HEADER_LINES

MESSAGES = {
    "required": gettext_lazy("A value is required."),
    "too_long": gettext_lazy("The value is longer than 100 characters."),
    "date_format": gettext_lazy("Not a date: write YYYY-MM-DD or DD.MM.YYYY."),
    "sex_unknown": gettext_lazy("Sex is M or F (М/Ж, Е/Ә)."),
    "country_unknown": gettext_lazy("Not an ISO 3166 country code (alpha-2 or alpha-3)."),
    "category_unknown": gettext_lazy("The legal category is a number 1 to 8 or its English code."),
    "organization_unknown": gettext_lazy("No PHC organization has this BIN."),
    "organization_not_selected": gettext_lazy(
        "The row belongs to another organization than the one imported."
    ),
    "district_unknown": gettext_lazy("No district has this code."),
    "district_other_organization": gettext_lazy("This district belongs to another organization."),
    "before_birth": gettext_lazy("The attachment date is before the birth date."),
    "ground_unknown": gettext_lazy("No ground of attachment has this code."),
    "kato_unknown": gettext_lazy("No ATU has this KATO code."),
    "contract_required": gettext_lazy(
        "Under this ground the attachment lasts for a VMI/IMI contract: give the contract number (§9-1)."
    ),
    "contract_unknown": gettext_lazy("No VMI/IMI contract has this number."),
    "contract_other_organization": gettext_lazy("The contract names another PHC organization."),
    "contract_not_in_force": gettext_lazy("The contract is not in force on the attachment date (§9-1)."),
    "contract_other_person": gettext_lazy(
        "The contract neither insures this person nor lists them as a family member (§9-1)."
    ),
    "duplicate_iin": gettext_lazy("A second row for the same IIN (first in row %(row)s)."),
    "copy": gettext_lazy("The row cannot be read: %(detail)s"),
    "register_changed": gettext_lazy(
        "The register changed while the file was imported (a person with this IIN was added, or "
        "another import was writing the same persons); nothing was written: import the file again."
    ),
}
HEADER = (
    gettext_lazy("row"),
    gettext_lazy("column"),
    gettext_lazy("code"),
    gettext_lazy("message"),
    gettext_lazy("value"),
)


def message(code: str, detail: str | None, refusal_names: dict[str, str]) -> str:
    if code.startswith("refused:"):
        reason = code.split(":", 1)[1]
        return _("Refused by the attachment rules: %(reason)s.") % {
            "reason": refusal_names.get(reason, reason)
        }
    if code in IIN_MESSAGES:
        return str(IIN_MESSAGES[code])
    if code in IIN_WARNINGS:
        return warning_message(code, detail)
    if code in NAME_MESSAGES:
        return str(NAME_MESSAGES[code]) % {"word": detail or ""}
    text = str(MESSAGES.get(code, code))
    if code == "duplicate_iin":
        return text % {"row": detail}
    if code == "copy":
        return text % {"detail": detail or ""}
    return text


def warning_message(code: str, detail: str | None) -> str:
    """A warning's message, with what the IIN encodes (the detail: an ISO date, or M/F), and that the
    file's value was kept."""
    text = IIN_WARNINGS[code]
    if code == "iin_birth_date_differs":
        text = text % {"date": datetime.date.fromisoformat(detail).strftime("%d.%m.%Y")}
    elif code == "iin_sex_differs":
        text = text % {"sex": SEX_NAMES[detail]}
    return _("%(warning)s Kept as in the file.") % {"warning": text}


def refusal_names() -> dict[str, str]:
    from ..models import RefusalReason

    kazakh = (get_language() or "").startswith("kk")
    return {r.code: (r.name_kk if kazakh else r.name_ru) for r in RefusalReason.objects.all()}


def write_report(cursor, out, table: str = "import_errors") -> int:
    """Write the CSV report from the import_errors (or import_warnings) table, streamed in
    batches; return the count."""
    names = refusal_names()

    def rows():
        # The value as the file has it: the staged text of the row's column (none for a whole row).
        cursor.execute(
            f"""SELECT e.line, e.col, e.code, e.detail, to_jsonb(s) ->> e.col
                FROM {table} e LEFT JOIN {STAGING} s ON s.line = e.line - {HEADER_LINES}
                ORDER BY e.line, e.col, e.code"""
        )
        while batch := cursor.fetchmany(5000):
            for line, column, code, detail, value in batch:
                yield line, column, code, message(code, detail, names), value

    return write_csv(out, [Sheet("", HEADER, rows())])
