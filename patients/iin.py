"""The Kazakh individual identification number (IIN / ЖСН / ИИН).

Government decree No. 565 of 11.06.2003: digits 1-6 are the birth date YYMMDD; digit 7 gives
the century and sex (1/2 = 1800s, 3/4 = 1900s, 5/6 = 2000s; odd male, even female); digits 8-11
are a serial number; digit 12 is a check digit computed with weights 1..11 mod 11, and when that
gives 10, with weights 3,4,5,6,7,8,9,10,11,1,2 mod 11; a second 10 means the number is never
issued. python-stdnum has no module for it, so it lives here, once.

Since the rules of 26.08.2013 the digits are no longer bound to personal data (the Ministry of
Justice, 05.04.2019: an IIN that does not match the birth date is not an error, and the IIN is
not re-issued when such data change). So only the format and the check digit decide whether an
IIN is valid; the birth date and sex it encodes are a default and a consistency warning
(`fact_warnings`), and an IIN whose 7th digit is outside 1-6, or whose first six digits are not a
date, is valid but encodes no birth date (and, for the 7th digit, no sex): they are entered.
"""

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

FIRST_PASS_WEIGHTS = (1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11)
SECOND_PASS_WEIGHTS = (3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2)
CENTURY_BY_DIGIT = {1: 1800, 2: 1800, 3: 1900, 4: 1900, 5: 2000, 6: 2000}

MALE = "M"
FEMALE = "F"

# What is wrong with an IIN, by code (the single-value check and the set-wise import share them).
MESSAGES = {
    "iin_format": _("An IIN is exactly 12 digits."),
    "iin_unissuable": _("This IIN cannot exist: its check digit cannot be computed."),
    "iin_check_digit": _("The IIN check digit is wrong."),
    # A valid IIN that encodes no birth date or sex (see WARNINGS): the person's data must give it.
    "iin_no_birth_date": _("Enter the birth date: the IIN does not encode one."),
    "iin_no_sex": _("Enter the sex: the IIN does not encode it."),
}

# What differs between an IIN and the person's data, by code: warnings a registrar confirms with a
# reason, never errors (the page, the service and the register import share them).
WARNINGS = {
    "iin_century": _(
        "The 7th digit of the IIN is not 1 to 6: it encodes neither the century of birth nor the sex."
    ),
    "iin_birth_date": _("The first six digits of the IIN are not a date: it encodes no birth date."),
    "iin_birth_date_differs": _("The birth date differs from the one the IIN encodes (%(date)s)."),
    "iin_sex_differs": _("The sex differs from the one the IIN encodes (%(sex)s)."),
}
SEX_NAMES = {MALE: _("male"), FEMALE: _("female")}


@dataclass(frozen=True)
class IinFacts:
    """What a valid IIN encodes: None where it encodes nothing (the 7th digit outside 1-6, or the
    first six digits not a date)."""

    birth_date: datetime.date | None
    sex: str | None
    century_known: bool = True


@dataclass(frozen=True)
class IinWarning:
    code: str
    message: str


def check_digit(first_eleven: str) -> int | None:
    """The check digit for 11 digits, or None when both passes give 10 (never issued)."""
    digits = [int(c) for c in first_eleven]
    for weights in (FIRST_PASS_WEIGHTS, SECOND_PASS_WEIGHTS):
        value = sum(d * w for d, w in zip(digits, weights, strict=True)) % 11
        if value != 10:
            return value
    return None


def parse_iin(value: str) -> IinFacts:
    """Validate an IIN (format and check digit) and return what it encodes; raise
    ValidationError saying what is wrong."""
    if not isinstance(value, str) or len(value) != 12 or not value.isascii() or not value.isdigit():
        raise ValidationError(MESSAGES["iin_format"], code="iin_format")
    expected = check_digit(value[:11])
    if expected is None:
        raise ValidationError(MESSAGES["iin_unissuable"], code="iin_unissuable")
    if expected != int(value[11]):
        raise ValidationError(MESSAGES["iin_check_digit"], code="iin_check_digit")
    century_digit = int(value[6])
    if century_digit not in CENTURY_BY_DIGIT:
        return IinFacts(birth_date=None, sex=None, century_known=False)
    year = CENTURY_BY_DIGIT[century_digit] + int(value[0:2])
    try:
        birth_date = datetime.date(year, int(value[2:4]), int(value[4:6]))
    except ValueError:
        birth_date = None
    return IinFacts(birth_date=birth_date, sex=MALE if century_digit % 2 else FEMALE)


def fact_warnings(iin: str, *, birth_date: datetime.date | None, sex: str | None) -> list[IinWarning]:
    """How the birth date and sex entered differ from what a valid IIN encodes, or that it encodes
    none (worded in the active language); empty when they agree. An invalid IIN gives none: it is
    refused by `parse_iin` before anyone asks."""
    try:
        facts = parse_iin(iin)
    except ValidationError:
        return []
    warnings = []
    if not facts.century_known:
        warnings.append(IinWarning("iin_century", str(WARNINGS["iin_century"])))
    elif facts.birth_date is None:
        warnings.append(IinWarning("iin_birth_date", str(WARNINGS["iin_birth_date"])))
    if facts.birth_date and birth_date and birth_date != facts.birth_date:
        text = WARNINGS["iin_birth_date_differs"] % {"date": facts.birth_date.strftime("%d.%m.%Y")}
        warnings.append(IinWarning("iin_birth_date_differs", text))
    if facts.sex and sex and sex != facts.sex:
        text = WARNINGS["iin_sex_differs"] % {"sex": SEX_NAMES[facts.sex]}
        warnings.append(IinWarning("iin_sex_differs", text))
    return warnings


def validate_iin(value: str) -> None:
    parse_iin(value)


def is_valid_iin(value: str) -> bool:
    try:
        parse_iin(value)
    except ValidationError:
        return False
    return True


def make_iin(birth_date: datetime.date, sex: str, serial: int) -> str | None:
    """Build a valid IIN (for demo data and tests); None when that serial is never issued."""
    century = birth_date.year // 100 * 100
    digit7 = {1800: 1, 1900: 3, 2000: 5}[century] + (0 if sex == MALE else 1)
    first = f"{birth_date:%y%m%d}{digit7}{serial:04d}"
    check = check_digit(first)
    return None if check is None else f"{first}{check}"


# The same checks as SQL expressions over a text column, built from the same weights and century
# digits, for the register import that validates a million rows at once (tested against the above).


def _weighted_sql(column: str, weights, number: str | None = None) -> str:
    if number is None:
        digits = [f"(ascii(substr({column}, {i + 1}, 1)) - 48)" for i in range(len(weights))]
    else:  # integer arithmetic on the digits as a bigint: no text function calls
        digits = [f"({number} / {10 ** (len(weights) - 1 - i)} % 10)" for i in range(len(weights))]
    terms = " + ".join(f"{d} * {w}" for d, w in zip(digits, weights, strict=True))
    return f"(({terms}) % 11)"


def date_parts_valid_sql(year: str, month: str, day: str) -> str:
    """A boolean SQL expression: the parts form a real date (integer arithmetic, never raises)."""
    leap = f"(({year}) % 4 = 0 AND (({year}) % 100 <> 0 OR ({year}) % 400 = 0))"
    days = (
        f"(CASE WHEN ({month}) IN (4, 6, 9, 11) THEN 30 WHEN ({month}) = 2 THEN "
        f"(CASE WHEN {leap} THEN 29 ELSE 28 END) ELSE 31 END)"
    )
    return (
        f"(CASE WHEN ({year}) < 1 OR ({month}) NOT BETWEEN 1 AND 12 OR ({day}) < 1 THEN false "
        f"ELSE ({day}) <= {days} END)"
    )


def iin_format_sql(column: str) -> str:
    """Twelve ASCII digits (`translate` maps each digit to 0: cheaper than a regular expression)."""
    return f"(translate({column}, '0123456789', '0000000000') = '000000000000')"


def iin_number_sql(column: str, format_ok: str | None = None) -> str:
    """The first eleven digits as a bigint (NULL unless the value is 12 digits): computed once per
    row, it makes `iin_sums_sql(..., number=...)` plain integer arithmetic."""
    return f"(CASE WHEN {format_ok or iin_format_sql(column)} THEN left({column}, 11)::bigint END)"


def iin_sums_sql(column: str, format_ok: str | None = None, number: str | None = None) -> tuple[str, str]:
    """The two weighted sums mod 11 (NULL unless the value is 12 digits), to compute once per row.
    `number` may name a column holding `iin_number_sql` of the value."""
    guard = format_ok or iin_format_sql(column)
    return (
        f"(CASE WHEN {guard} THEN {_weighted_sql(column, FIRST_PASS_WEIGHTS, number)} END)",
        f"(CASE WHEN {guard} THEN {_weighted_sql(column, SECOND_PASS_WEIGHTS, number)} END)",
    )


def iin_error_sql(
    column: str, first: str | None = None, second: str | None = None, format_ok: str | None = None
) -> str:
    """SQL giving the code of `parse_iin`'s error for the column's value, or NULL when valid
    (format and check digit only: what the digits encode is `iin_birth_date_sql`/`iin_sex_sql`).
    `first`/`second`/`format_ok` may name columns already holding `iin_sums_sql`/`iin_format_sql`."""
    format_ok = format_ok or iin_format_sql(column)
    if first is None or second is None:
        first, second = iin_sums_sql(column, format_ok)
    check = f"substr({column}, 12, 1)::int"
    return f"""(CASE
      WHEN {column} IS NULL OR NOT {format_ok} THEN 'iin_format'
      WHEN {first} = 10 AND {second} = 10 THEN 'iin_unissuable'
      WHEN {first} <> 10 AND {first} <> {check} THEN 'iin_check_digit'
      WHEN {first} = 10 AND {second} <> {check} THEN 'iin_check_digit'
    END)"""


def _year_sql(column: str) -> str:
    centuries = " ".join(f"WHEN '{d}' THEN {c}" for d, c in CENTURY_BY_DIGIT.items())
    return f"((CASE substr({column}, 7, 1) {centuries} END) + substr({column}, 1, 2)::int)"


def iin_century_known_sql(column: str) -> str:
    """The 7th digit gives a century and sex (only for values `iin_error_sql` accepts)."""
    digits = ", ".join(f"'{d}'" for d in CENTURY_BY_DIGIT)
    return f"(substr({column}, 7, 1) IN ({digits}))"


def iin_birth_date_sql(column: str) -> str:
    """The birth date an IIN encodes, NULL when it encodes none (only for values `iin_error_sql`
    accepts)."""
    year, month, day = _year_sql(column), f"substr({column}, 3, 2)::int", f"substr({column}, 5, 2)::int"
    return (
        f"(CASE WHEN {iin_century_known_sql(column)} AND {date_parts_valid_sql(year, month, day)} "
        f"THEN make_date({year}, {month}, {day}) END)"
    )


def iin_sex_sql(column: str) -> str:
    """The sex an IIN encodes, NULL when it encodes none (only for values `iin_error_sql` accepts)."""
    return (
        f"(CASE WHEN NOT {iin_century_known_sql(column)} THEN NULL "
        f"WHEN substr({column}, 7, 1)::int % 2 = 1 THEN '{MALE}' ELSE '{FEMALE}' END)"
    )
