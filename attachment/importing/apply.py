"""Classification of the validated rows and the set-wise writes with their history rows.

Every write is `INSERT … SELECT` / `UPDATE … FROM` over the staging tables, and each one feeds
its `RETURNING` rows straight into the model's simple-history table (`+` created, `~` changed),
with the importing administrator as history_user and "import <file> #<id>" as the reason.
"""

from __future__ import annotations

from patients.models import Person

from .. import rules
from ..models import Attachment, Channel
from ..population import attached_on_sql

# The person's fields a register row carries: compared with the register's record, written when
# they differ.
PERSON_FIELDS = ("last_name", "first_name", "middle_name", "birth_date", "sex", "citizenship", "category")


def _columns(model) -> list[str]:
    """The columns a row is written with (the database computes generated ones, e.g. the person's
    name key, and their history does not keep them)."""
    return [f.column for f in model._meta.concrete_fields if not f.generated]


def _history_insert(model, source: str, history_type: str, reason_sql: str, user_sql: str) -> str:
    """INSERT into the model's historical table from a relation with the model's columns."""
    historical = model.history.model._meta.db_table
    columns = _columns(model)
    names = ", ".join(columns)
    values = ", ".join(f"{source}.{c}" for c in columns)
    return (
        f"INSERT INTO {historical} ({names}, history_date, history_change_reason, history_type, "
        f"history_user_id) SELECT {values}, now(), {reason_sql}, '{history_type}', {user_sql} FROM {source}"
    )


ANALYZE_CLASS = "ANALYZE import_class"


def classify_sql(person_sequence: str) -> list[str]:
    """Per row: the register's person (by IIN), new or changed, and the attachment it matches
    (same organization, attaching the person on the date or from a later start: the register's
    record we already have) or needs. A new person's id is drawn from the register's sequence
    here, so the writes need no look-up of the inserted persons (a refused or dry run leaves a gap
    in the ids, as any rolled-back insert does).
    A row that leaves the birth date or sex empty keeps the register's for a person already in it:
    the IIN's digits are only a default (rules of 26.08.2013), and a birth date or sex recorded
    otherwise (confirmed at the desk, or by an earlier file) is not overwritten with them."""
    theirs = ", ".join(f"p.{f}" for f in PERSON_FIELDS)
    ours = ", ".join(f"r.{f}" for f in PERSON_FIELDS)
    return [
        """UPDATE import_rows r SET
             birth_date = CASE WHEN r.birth_from_iin THEN p.birth_date ELSE r.birth_date END,
             sex = CASE WHEN r.sex_from_iin THEN p.sex ELSE r.sex END
           FROM patients_person p
           WHERE p.iin = r.iin AND ((r.birth_from_iin AND r.birth_date IS DISTINCT FROM p.birth_date)
                                    OR (r.sex_from_iin AND r.sex IS DISTINCT FROM p.sex))""",
        "DROP TABLE IF EXISTS import_class",
        f"""CREATE TEMP TABLE import_class AS
            SELECT r.*, p.id AS person_id, p.id IS NULL AS person_new,
              CASE WHEN p.id IS NULL THEN nextval({person_sequence}::regclass) END AS new_person_id,
              (p.id IS NOT NULL AND ((({theirs}) IS DISTINCT FROM ({ours}))
                 OR (r.atu_id IS NOT NULL AND p.residence_atu_id IS DISTINCT FROM r.atu_id)))
                AS person_changed,
              coalesce(r.atu_id, p.residence_atu_id) AS residence_atu_id,
              m.id AS match_id,
              (m.id IS NOT NULL AND (m.district_id IS DISTINCT FROM r.district_id
                 OR m.ground_id <> r.ground_id
                 OR (r.contract_id IS NOT NULL AND m.contract_id IS DISTINCT FROM r.contract_id)))
                AS attachment_changed
            FROM import_rows r
            LEFT JOIN patients_person p ON p.iin = r.iin
            LEFT JOIN attachment_attachment m ON m.person_id = p.id
              AND m.organization_id = r.organization_id
              AND {attached_on_sql("r.attached_on", attachment="m", person="p")}""",
        # Statistics of the classified rows: without them a temporary table's `match_id IS NULL`
        # is guessed, and with the register's statistics stale after a large delete (planned as
        # nearly empty), the join below ran as a nested loop scanning import_class once per
        # attachment (a million unchanged rows ran for over 20 minutes instead of seconds).
        ANALYZE_CLASS,
        f"""UPDATE import_class c SET match_id = f.id,
             attachment_changed = (f.district_id IS DISTINCT FROM c.district_id OR f.ground_id <> c.ground_id)
           FROM attachment_attachment f JOIN patients_person fp ON fp.id = f.person_id
           WHERE c.match_id IS NULL AND c.person_id IS NOT NULL AND f.person_id = c.person_id
             AND f.organization_id = c.organization_id AND f.valid_from > c.attached_on
             AND {attached_on_sql("f.valid_from", attachment="f", person="fp")}
             AND NOT EXISTS (SELECT 1 FROM attachment_attachment g WHERE g.person_id = c.person_id
                             AND g.valid_from > f.valid_from)""",
        "DROP TABLE IF EXISTS import_requests",
        """CREATE TEMP TABLE import_requests AS
           SELECT line, person_id, category, organization_id, ground_id, attached_on AS on_date,
                  residence_atu_id, contract_number IS NOT NULL AS contract_given, contract_valid_to
           FROM import_class c WHERE match_id IS NULL AND cardinality(errs) = 0
             AND NOT EXISTS (SELECT 1 FROM import_errors e WHERE e.line = c.line)""",
        "ANALYZE import_requests",
    ]


def decide_sql() -> list[str]:
    """The rules for every new attachment of the file; a row dated before the recorded rules is
    the register's history, written as a fact (checked for integrity, not re-decided)."""
    return (
        rules.atu_tree_sql()
        + rules.decide_sql(
            requests="import_requests",
            out="import_decisions",
            channel=Channel.IMPORT,
            skip_missing=True,
            unruled_as_facts=True,
        )
        + ["ANALYZE import_decisions"]
    )


HISTORICAL_SQL = "SELECT count(*) FROM import_decisions WHERE unruled AND cardinality(refusals) = 0"


REFUSAL_COLUMNS = {
    rules.PERSON_DEAD: "iin",
    rules.NO_RULE_RECORDED: "attached_on",
    rules.ORGANIZATION_MAY_NOT_ATTACH: "organization_bin",
    rules.GROUND_NOT_ALLOWED: "ground",
    rules.CHANNEL_NOT_ALLOWED: "ground",
    rules.NOT_INSURED: "category",
    rules.NO_CONTRACT: "contract_number",
    rules.NOT_ATTACHED_BY_COMMISSION: "ground",
    rules.CAMPAIGN_CLOSED: "attached_on",
    rules.OUTSIDE_ATU: "residence_kato",
    rules.FREE_CHOICE_LIMIT: "ground",
    rules.ALREADY_ATTACHED: "organization_bin",
    rules.LATER_ATTACHMENT: "attached_on",
}


def refusals_to_errors_sql() -> str:
    cases = " ".join(f"WHEN '{code}' THEN '{column}'" for code, column in REFUSAL_COLUMNS.items())
    return f"""INSERT INTO import_errors
               SELECT d.line, CASE e {cases} ELSE 'attachment' END, 'refused:' || e, NULL
               FROM import_decisions d, unnest(d.refusals) AS e WHERE cardinality(d.refusals) > 0"""


# A classified row that writes to a person of the register: their data, or an attachment.
CHANGES_PERSON = "NOT person_new AND (person_changed OR match_id IS NULL OR attachment_changed)"

LOCKED_TABLE = "import_locked"


def lock_table_sql() -> list[str]:
    """The persons locked so far in the import's transaction."""
    return [
        f"DROP TABLE IF EXISTS {LOCKED_TABLE}",
        f"CREATE TEMP TABLE {LOCKED_TABLE} (id bigint PRIMARY KEY)",
    ]


def lock_changed_persons_sql() -> str:
    """Lock (`FOR NO KEY UPDATE`, in id order, in one statement) the register's persons that the
    classified rows change and that are not locked yet; returns how many were locked now."""
    return f"""WITH locked AS (
                 INSERT INTO {LOCKED_TABLE}
                 SELECT p.id FROM {Person._meta.db_table} p
                 WHERE p.id IN (SELECT c.person_id FROM import_class c WHERE {CHANGES_PERSON})
                   AND NOT EXISTS (SELECT 1 FROM {LOCKED_TABLE} l WHERE l.id = p.id)
                 ORDER BY p.id FOR NO KEY UPDATE OF p
                 RETURNING id)
               SELECT count(*) FROM locked"""


COUNTS_SQL = f"""
  SELECT count(*),
    count(*) FILTER (WHERE person_new),
    count(*) FILTER (WHERE {CHANGES_PERSON}),
    count(*) FILTER (WHERE NOT person_new AND NOT person_changed AND match_id IS NOT NULL
                     AND NOT attachment_changed)
  FROM import_class"""


def apply_sql(*, reason: str, end_reason_template: str, user_id: int | None, literal) -> list[str]:
    """The writes, in the order the attach service makes them: persons, then the previous
    attachment ended the day before, then the new one (§4). `literal` quotes a Python value.
    New persons go in the order of their ids (drawn in file order, so the primary key grows at its
    end) and new attachments by organization, then person."""
    reason_sql = literal(reason)
    user_sql = literal(user_id) + "::integer"
    person_table = Person._meta.db_table
    attachment_table = Attachment._meta.db_table
    insert_columns = _columns(Person)
    person_values = {
        "id": "c.new_person_id",
        "iin": "c.iin",
        "last_name": "c.last_name",
        "first_name": "c.first_name",
        "middle_name": "c.middle_name",
        "birth_date": "c.birth_date",
        "sex": "c.sex",
        "citizenship": "c.citizenship",
        "category": "c.category",
        "migrant_purpose": "NULL",
        "residence_atu_id": "c.atu_id",
        "residence_address": "''",
        "residence_kind": literal(Person.ResidenceKind.PERMANENT.value),
        "date_of_death": "NULL",
        "created_at": "now()",
        "updated_at": "now()",
    }
    assert set(person_values) == set(insert_columns), set(insert_columns) ^ set(person_values)
    set_person = ", ".join(f"{f} = c.{f}" for f in PERSON_FIELDS)
    attachment_values = {
        "person_id": "coalesce(c.person_id, c.new_person_id)",
        "organization_id": "c.organization_id",
        "district_id": "c.district_id",
        "ground_id": "c.ground_id",
        "channel": literal(Channel.IMPORT.value),
        "contract_id": "CASE WHEN c.needs_contract THEN c.contract_id END",
        "act_id": "NULL",
        "application_id": "NULL",
        "valid_from": "d.starts_on",
        "valid_to": "d.ends_on",
        "end_reason": "''",
        "detach_reason_id": "NULL",
        "closed_by_death_on": "NULL",
        "valid_to_before_death": "NULL",
        "end_reason_before_death": "''",
        "over_capacity_confirmed_by_id": "NULL",
        "created_by_id": user_sql,
        "reason": literal(reason[: Attachment._meta.get_field("reason").max_length]),
        "created_at": "now()",
    }
    attachment_insert = [c for c in _columns(Attachment) if c != "id"]
    assert set(attachment_values) == set(attachment_insert), set(attachment_insert) ^ set(attachment_values)
    end_reason = (
        f"left(replace(replace({literal(end_reason_template)}, '{{organization}}', o.name_ru), "
        f"'{{date}}', to_char(d.starts_on, 'DD.MM.YYYY')), 300)"
    )
    return [
        f"""WITH ins AS (
              INSERT INTO {person_table} ({", ".join(insert_columns)})
              SELECT {", ".join(person_values[c] for c in insert_columns)}
              FROM import_class c WHERE c.person_new ORDER BY c.new_person_id RETURNING *)
            {_history_insert(Person, "ins", "+", reason_sql, user_sql)}""",
        f"""WITH upd AS (
              UPDATE {person_table} p
              SET {set_person}, residence_atu_id = c.residence_atu_id, updated_at = now()
              FROM import_class c WHERE p.id = c.person_id AND c.person_changed RETURNING p.*)
            {_history_insert(Person, "upd", "~", reason_sql, user_sql)}""",
        f"""WITH ended AS (
              UPDATE {attachment_table} a SET valid_to = d.starts_on - 1, end_reason = {end_reason}
              FROM import_decisions d JOIN import_class c ON c.line = d.line
              JOIN attachment_organization o ON o.id = c.organization_id
              WHERE a.id = d.ends_previous_id AND d.ends_previous_id IS NOT NULL RETURNING a.*)
            {_history_insert(Attachment, "ended", "~", "ended.end_reason", user_sql)}""",
        f"""WITH upd AS (
              UPDATE {attachment_table} a SET district_id = c.district_id, ground_id = c.ground_id,
                contract_id = coalesce(c.contract_id, a.contract_id)
              FROM import_class c WHERE a.id = c.match_id AND c.attachment_changed RETURNING a.*)
            {_history_insert(Attachment, "upd", "~", reason_sql, user_sql)}""",
        f"""WITH ins AS (
              INSERT INTO {attachment_table} ({", ".join(attachment_insert)})
              SELECT {", ".join(attachment_values[c] for c in attachment_insert)}
              FROM import_decisions d JOIN import_class c ON c.line = d.line
              ORDER BY c.organization_id, coalesce(c.person_id, c.new_person_id)
              RETURNING *)
            {_history_insert(Attachment, "ins", "+", reason_sql, user_sql)}""",
    ]
