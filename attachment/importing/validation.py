"""Set-wise validation of the staged rows: SQL over the staging table, one pass per step.

`import_rows` holds every row typed and resolved (organization, district, ground, ATU; the
register's person is looked up when the rows are classified, under the import's locks) with
`errs` = the codes of what is wrong in it (`column:code`) and `warns` = what it reports without
refusing it (`column:code:detail`); a birth date or sex the row leaves empty is the IIN's
(`birth_from_iin`, `sex_from_iin`: for a person already in the register, the register's is kept,
`apply.classify_sql`); `import_errors` lists every error of the file with its row
number and column, duplicates of an IIN included, and `import_warnings` every warning.

Since the rules of 26.08.2013 an IIN's digits are not bound to personal data (the Ministry of
Justice, 05.04.2019): a row whose birth date or sex differs from what its IIN encodes, or whose
IIN encodes none, is imported with the file's birth date and sex, and reported as a warning; only
an IIN's format and check digit are errors.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django_countries import countries

from patients.iin import (
    date_parts_valid_sql,
    iin_birth_date_sql,
    iin_century_known_sql,
    iin_error_sql,
    iin_format_sql,
    iin_number_sql,
    iin_sex_sql,
    iin_sums_sql,
)
from patients.models import CATEGORY_CODES
from patients.validators import validate_person_name

from .parsing import COLUMNS, STAGING

SEX_VALUES = {
    "m": "M",
    "f": "F",
    "м": "M",
    "ж": "F",
    "е": "M",
    "ә": "F",
    "male": "M",
    "female": "F",
    "муж": "M",
    "жен": "F",
}
NAME_MAX = 100
HEADER_LINES = 1  # row number = staging line + 1


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


def _case(expr: str, mapping: dict) -> str:
    whens = " ".join(f"WHEN {_quote(k)} THEN {_quote(str(v))}" for k, v in mapping.items())
    return f"(CASE {expr} {whens} END)"


def _date_form(value: str) -> str:
    """1 for YYYY-MM-DD, 2 for DD.MM.YYYY, 0 otherwise (one `translate` of the digits to 0, compared
    with both shapes: cheaper than regular expressions)."""
    return (
        f"(CASE translate({value}, '0123456789', '0000000000') "
        f"WHEN '0000-00-00' THEN 1 WHEN '00.00.0000' THEN 2 ELSE 0 END)"
    )


def _date_parts(value: str, form: str, prefix: str) -> str:
    """Year, month and day as integer columns (NULL unless the form is known)."""
    year = f"(CASE {form} WHEN 1 THEN substr({value}, 1, 4) WHEN 2 THEN substr({value}, 7, 4) END)::int"
    month = f"(CASE {form} WHEN 1 THEN substr({value}, 6, 2) WHEN 2 THEN substr({value}, 4, 2) END)::int"
    day = f"(CASE {form} WHEN 1 THEN substr({value}, 9, 2) WHEN 2 THEN substr({value}, 1, 2) END)::int"
    return f"{year} AS {prefix}_y, {month} AS {prefix}_m, {day} AS {prefix}_d"


def _date(prefix: str) -> tuple[str, str]:
    year, month, day = f"t.{prefix}_y", f"t.{prefix}_m", f"t.{prefix}_d"
    valid = f"(CASE WHEN {year} IS NULL THEN false ELSE {date_parts_valid_sql(year, month, day)} END)"
    return f"(CASE WHEN {valid} THEN make_date({year}, {month}, {day}) END)", valid


def countries_sql() -> list[str]:
    """A small temporary table of ISO 3166 alpha-2 and alpha-3 codes (django-countries)."""
    rows = []
    for code, _name in countries:
        rows.append((code, code))
        alpha3 = countries.alpha3(code)
        if alpha3:
            rows.append((alpha3, code))
    values = ", ".join(f"({_quote(a)}, {_quote(b)})" for a, b in dict(rows).items())
    return [
        "DROP TABLE IF EXISTS import_countries",
        "CREATE TEMP TABLE import_countries (code text PRIMARY KEY, alpha2 text)",
        f"INSERT INTO import_countries VALUES {values}",
    ]


def normalize_sql(
    columns: list[str], *, organization_id: int | None, up_to_line: int | None = None
) -> list[str]:
    """Type and resolve every staged row (or those up to a staging line) into `import_rows`, with
    its errors in `errs`."""
    present = set(columns)

    trimmed = ", ".join(
        (f"nullif(btrim(s.{name}), '')" if name in present else "NULL::text") + f" AS {name}"
        for name in COLUMNS
    )

    def raw(name: str) -> str:
        return f"z.{name}"

    category_map = {str(int(v)): int(v) for v in CATEGORY_CODES.values()} | {
        k: int(v) for k, v in CATEGORY_CODES.items()
    }
    birth, birth_ok = _date("birth")
    attached, attached_ok = _date("attached")
    org_filter = str(int(organization_id)) if organization_id else "NULL"
    lines = f"WHERE s.line <= {int(up_to_line)}" if up_to_line is not None else ""
    iin_first, iin_second = iin_sums_sql("t.iin", "t.iin_ok", number="t.iin_number")
    first = f"""
      SELECT z.line, {iin_format_sql("z.iin")} AS iin_ok,
        {iin_number_sql("z.iin")} AS iin_number,
        {raw("iin")} AS iin, {raw("last_name")} AS last_name, {raw("first_name")} AS first_name,
        coalesce({raw("middle_name")}, '') AS middle_name,
        {raw("birth_date")} AS birth_raw, {_date_form(raw("birth_date"))} AS birth_form,
        {raw("sex")} AS sex_raw, {_case(f"lower({raw('sex')})", SEX_VALUES)} AS sex_given,
        {raw("citizenship")} AS citizenship_raw,
        {raw("category")} AS category_raw,
        {_case(f"lower({raw('category')})", category_map)}::smallint AS category,
        {raw("organization_bin")} AS bin_raw, {raw("district_code")} AS district_raw,
        {raw("attached_on")} AS attached_raw,
        {_date_form(raw("attached_on"))} AS attached_form,
        {raw("ground")} AS ground_raw, {raw("residence_kato")} AS kato_raw,
        {raw("contract_number")} AS contract_number
      FROM (SELECT s.line + {HEADER_LINES} AS line, {trimmed} FROM {STAGING} s {lines} OFFSET 0) z OFFSET 0"""
    sums = f"""
      SELECT t.*, {iin_first} AS iin_s1, {iin_second} AS iin_s2,
        {_date_parts("t.birth_raw", "t.birth_form", "birth")},
        {_date_parts("t.attached_raw", "t.attached_form", "attached")}
      FROM ({first}) t OFFSET 0"""
    typed = f"""
      SELECT t.*, {iin_error_sql("t.iin", "t.iin_s1", "t.iin_s2", "t.iin_ok")} AS iin_error,
        {birth} AS birth_given, {birth_ok} AS birth_ok,
        {attached} AS attached_on, {attached_ok} AS attached_ok
      FROM ({sums}) t OFFSET 0"""
    resolved = f"""
      SELECT u.*,
        CASE WHEN u.iin_error IS NULL THEN {iin_birth_date_sql("u.iin")} END AS iin_birth,
        CASE WHEN u.iin_error IS NULL THEN {iin_sex_sql("u.iin")} END AS iin_sex,
        CASE WHEN u.iin_error IS NULL THEN {iin_century_known_sql("u.iin")} END AS iin_century_known,
        c.alpha2 AS citizenship, o.id AS organization_id, d.id AS district_id,
        g.id AS ground_id, g.needs_contract, a.id AS atu_id
      FROM ({typed}) u
      LEFT JOIN import_countries c ON c.code = upper(u.citizenship_raw)
      LEFT JOIN attachment_organization o ON o.bin = coalesce(u.bin_raw, (
        SELECT bin FROM attachment_organization WHERE id = {org_filter}))
      LEFT JOIN attachment_district d ON d.organization_id = o.id AND d.code = u.district_raw
      LEFT JOIN attachment_ground g ON g.code::text = u.ground_raw
      LEFT JOIN patients_atu a ON a.kato = u.kato_raw
      OFFSET 0"""

    def err(condition: str, column: str, code: str) -> str:
        return f"CASE WHEN {condition} THEN '{column}:{code}' END"

    checks = [
        err("v.iin_error IS NOT NULL", "iin", "' || v.iin_error || '"),
        err("v.last_name IS NULL", "last_name", "required"),
        err(f"length(v.last_name) > {NAME_MAX}", "last_name", "too_long"),
        err("v.first_name IS NULL", "first_name", "required"),
        err(f"length(v.first_name) > {NAME_MAX}", "first_name", "too_long"),
        err(f"length(v.middle_name) > {NAME_MAX}", "middle_name", "too_long"),
        err("v.birth_raw IS NOT NULL AND NOT v.birth_ok", "birth_date", "date_format"),
        # A valid IIN that encodes no birth date or sex: the row must give it.
        err(
            "v.iin_error IS NULL AND v.birth_raw IS NULL AND v.iin_birth IS NULL",
            "birth_date",
            "iin_no_birth_date",
        ),
        err("v.sex_raw IS NOT NULL AND v.sex_given IS NULL", "sex", "sex_unknown"),
        err("v.iin_error IS NULL AND v.sex_raw IS NULL AND v.iin_sex IS NULL", "sex", "iin_no_sex"),
        err("v.citizenship_raw IS NOT NULL AND v.citizenship IS NULL", "citizenship", "country_unknown"),
        err("v.category_raw IS NULL", "category", "required"),
        err("v.category_raw IS NOT NULL AND v.category IS NULL", "category", "category_unknown"),
        err("v.bin_raw IS NULL AND v.organization_id IS NULL", "organization_bin", "required"),
        err(
            "v.bin_raw IS NOT NULL AND v.organization_id IS NULL", "organization_bin", "organization_unknown"
        ),
        err(
            f"{org_filter} IS NOT NULL AND v.organization_id IS NOT NULL "
            f"AND v.organization_id <> {org_filter}",
            "organization_bin",
            "organization_not_selected",
        ),
        err(
            "v.district_raw IS NOT NULL AND v.organization_id IS NOT NULL AND v.district_id IS NULL "
            "AND EXISTS (SELECT 1 FROM attachment_district x WHERE x.code = v.district_raw)",
            "district_code",
            "district_other_organization",
        ),
        err(
            "v.district_raw IS NOT NULL AND v.organization_id IS NOT NULL AND v.district_id IS NULL "
            "AND NOT EXISTS (SELECT 1 FROM attachment_district x WHERE x.code = v.district_raw)",
            "district_code",
            "district_unknown",
        ),
        err("v.attached_raw IS NULL", "attached_on", "required"),
        err("v.attached_raw IS NOT NULL AND NOT v.attached_ok", "attached_on", "date_format"),
        err(
            "v.attached_ok AND coalesce(v.birth_given, v.iin_birth) > v.attached_on",
            "attached_on",
            "before_birth",
        ),
        err("v.ground_raw IS NULL", "ground", "required"),
        err("v.ground_raw IS NOT NULL AND v.ground_id IS NULL", "ground", "ground_unknown"),
        err("v.kato_raw IS NOT NULL AND v.atu_id IS NULL", "residence_kato", "kato_unknown"),
        # §9-1: an attachment under a contract lasts for the contract, so the row must name it.
        err("v.needs_contract AND v.contract_number IS NULL", "contract_number", "contract_required"),
    ]
    errs = "array_remove(ARRAY[" + ",\n".join(checks) + "]::text[], NULL)"

    def warn(condition: str, column: str, code: str, detail: str = "''") -> str:
        return f"CASE WHEN {condition} THEN '{column}:{code}:' || {detail} END"

    warnings = [
        warn("NOT v.iin_century_known", "iin", "iin_century"),
        warn("v.iin_century_known AND v.iin_birth IS NULL", "iin", "iin_birth_date"),
        warn(
            "v.birth_ok AND v.iin_birth IS NOT NULL AND v.birth_given <> v.iin_birth",
            "birth_date",
            "iin_birth_date_differs",
            "v.iin_birth::text",
        ),
        warn(
            "v.sex_given IS NOT NULL AND v.iin_sex IS NOT NULL AND v.sex_given <> v.iin_sex",
            "sex",
            "iin_sex_differs",
            "v.iin_sex",
        ),
    ]
    warns = "array_remove(ARRAY[" + ",\n".join(warnings) + "]::text[], NULL)"
    return [
        "DROP TABLE IF EXISTS import_rows",
        f"""CREATE TEMP TABLE import_rows AS
            SELECT v.line, v.iin, v.last_name, v.first_name, v.middle_name,
              coalesce(v.birth_given, v.iin_birth) AS birth_date, coalesce(v.sex_given, v.iin_sex) AS sex,
              coalesce(v.citizenship, '') AS citizenship, v.category, v.organization_id, v.district_id,
              v.attached_on, v.ground_id, v.needs_contract, v.atu_id, v.contract_number, {errs} AS errs,
              {warns} AS warns, v.birth_given IS NULL AS birth_from_iin, v.sex_given IS NULL AS sex_from_iin
            FROM ({resolved}) v""",
    ]


NAME_COLUMNS = ("last_name", "first_name", "middle_name")


def check_names(cursor) -> None:
    """The person form's name rule (`patients.validators.validate_person_name`, the one
    definition) over the file's distinct names: a formula-shaped name, digits, markup, invisible
    characters or a word mixing Latin and Cyrillic letters is an error of each row that has it.
    Names repeat (surnames above all), so the rule runs once per distinct value."""
    names = " UNION ".join(f"SELECT {c} FROM import_rows WHERE {c} <> ''" for c in NAME_COLUMNS)
    cursor.execute(names)
    bad = []
    while batch := cursor.fetchmany(10_000):
        for (name,) in batch:
            try:
                validate_person_name(name)
            except ValidationError as error:
                bad.append((name, error.code, (error.params or {}).get("word")))
    if not bad:
        return
    cursor.execute("DROP TABLE IF EXISTS import_bad_names")
    cursor.execute("CREATE TEMP TABLE import_bad_names (name text PRIMARY KEY, code text, word text)")
    cursor.executemany("INSERT INTO import_bad_names VALUES (%s, %s, %s)", bad)
    columns = ", ".join(f"('{c}', r.{c})" for c in NAME_COLUMNS)
    cursor.execute(
        f"""INSERT INTO import_errors
            SELECT r.line, n.col, b.code, b.word FROM import_rows r
            CROSS JOIN LATERAL (VALUES {columns}) AS n (col, name)
            JOIN import_bad_names b ON b.name = n.name"""
    )


def errors_sql() -> list[str]:
    """Every error of the file, duplicates of an IIN first-found (the first row keeps the IIN).
    IINs are compared byte-wise (`COLLATE "C"`): equality is the same, and sorting is cheaper."""
    return [
        "DROP TABLE IF EXISTS import_errors",
        "CREATE TEMP TABLE import_errors (line bigint, col text, code text, detail text)",
        """INSERT INTO import_errors
           SELECT line, 'iin', 'duplicate_iin', first_line::text FROM (
             SELECT line, min(line) OVER (PARTITION BY iin COLLATE "C") AS first_line FROM import_rows
             WHERE iin IS NOT NULL) d
           WHERE line <> first_line""",
        """INSERT INTO import_errors
           SELECT line, split_part(e, ':', 1), split_part(e, ':', 2), NULL
           FROM import_rows, unnest(errs) AS e WHERE cardinality(errs) > 0""",
    ]


def warnings_sql() -> list[str]:
    """Every warning of the file: a birth date or sex kept as in the file though it differs from
    what the IIN encodes, or an IIN that encodes none (its detail: what the IIN encodes)."""
    return [
        "DROP TABLE IF EXISTS import_warnings",
        "CREATE TEMP TABLE import_warnings (line bigint, col text, code text, detail text)",
        """INSERT INTO import_warnings
           SELECT line, split_part(w, ':', 1), split_part(w, ':', 2), nullif(split_part(w, ':', 3), '')
           FROM import_rows, unnest(warns) AS w WHERE cardinality(warns) > 0""",
    ]


WARNED_ROWS_SQL = "SELECT count(DISTINCT line) FROM import_warnings"


def contracts_sql() -> list[str]:
    """Rows naming a VMI/IMI contract: the contract with that number naming the organization,
    in force on the attachment date and covering the register's person (§9-1). Under a ground
    made under a contract, a number that names no contract, or a contract of another
    organization, or one that neither insures the person nor lists them as a family member (a
    person not yet in the register is insured by no recorded contract), or one not in force on
    the attachment date, is an error of the row (the rows of the register's history before the
    recorded rules are checked so too)."""
    covers = """(c.insured_id = p.id OR EXISTS (
                 SELECT 1 FROM patients_insurancecontract_family_members m
                 WHERE m.insurancecontract_id = c.id AND m.person_id = p.id))"""
    return [
        "ALTER TABLE import_rows ADD COLUMN contract_id bigint, ADD COLUMN contract_valid_to date",
        f"""UPDATE import_rows r SET (contract_id, contract_valid_to) = (
             SELECT c.id, c.valid_to FROM patients_insurancecontract c
             LEFT JOIN patients_person p ON p.iin = r.iin
             WHERE c.number = r.contract_number AND c.organization_id = r.organization_id
               AND c.valid_from <= r.attached_on AND r.attached_on <= c.valid_to
               AND {covers}
             ORDER BY c.valid_to DESC LIMIT 1)
           WHERE r.contract_number IS NOT NULL AND cardinality(r.errs) = 0""",
        f"""INSERT INTO import_errors
            SELECT e.line, 'contract_number', e.code, NULL FROM (
              SELECT r.line, CASE
                WHEN NOT EXISTS (SELECT 1 FROM patients_insurancecontract c
                                 WHERE c.number = r.contract_number) THEN 'contract_unknown'
                WHEN NOT EXISTS (SELECT 1 FROM patients_insurancecontract c WHERE c.number = r.contract_number
                                 AND c.organization_id = r.organization_id) THEN 'contract_other_organization'
                WHEN NOT EXISTS (
                  SELECT 1 FROM patients_insurancecontract c WHERE c.number = r.contract_number
                  AND c.organization_id = r.organization_id AND {covers}) THEN 'contract_other_person'
                ELSE 'contract_not_in_force'
                END AS code
              FROM import_rows r LEFT JOIN patients_person p ON p.iin = r.iin
              WHERE r.needs_contract AND r.contract_number IS NOT NULL AND cardinality(r.errs) = 0
                AND r.contract_id IS NULL) e
            WHERE e.code IS NOT NULL""",
    ]
