"""Reconciliation of an organization's attached list with an extract of the national register.

`reconciliation_compare` is the dry run: the extract (the register import's file format, read by
the import's own parser, `importing/parsing.py`, with an optional date-of-death column) is streamed
with COPY into a temporary table, typed and checked set-wise in SQL, laid beside the organization's
attached list on the date (`population.attached_on_sql`, the one definition), and every person
compared is stored in one group:

- on both lists: attached here on the date, and the register has them here;
- here but not in the register: attached here, absent from the extract;
- in the register but not here: the extract has them here (alive on the date), we do not;
- attached elsewhere per the register: attached here, the extract has them at another organization;
- dead per the register: attached here, the extract gives a date of death on or before the date.

A file whose rows have errors (an invalid IIN, a second row for one IIN, an unknown BIN, a date
that is none, a death in the future or before the birth date recorded here) is refused: nothing is
stored, and the errors are listed with their rows.

`reconciliation_apply` acts on a stored dry run, once, all or nothing: the attachments the register
shows elsewhere end (the day before the register's attachment there began, at the latest the day
before the date), and the deaths the register shows are recorded through the death service
(`person_record_death`), which ends the attachment in force on the date of death and cancels later
ones with the same bookkeeping a death recorded at the desk gets, so a clinic head can correct it
and everything reopens. Every change has its history row with the user and the reason
"reconciliation #N". Lock order: the reconciliation, then the persons (`persons_lock`, id order),
then their attachments.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

import psycopg
from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from patients.iin import iin_error_sql, iin_format_sql, iin_number_sql, iin_sums_sql
from patients.models import Person
from patients.services import persons_lock, record_history

from ..importing import parsing, report
from ..importing.validation import HEADER_LINES, _date, _date_form, _date_parts, _quote
from ..models import (
    APPLY_PERMISSION,
    Attachment,
    Organization,
    Reconciliation,
    ReconciliationGroup,
    ReconciliationRow,
)
from ..models.reconciliations import GROUP_COUNTS
from ..population import attached_on_sql
from .death import person_record_death

REQUIRED = ("iin",)
RAW = "recon_raw"
TEMP_TABLES = (RAW, "recon_rows", "recon_errors", "recon_list", "recon_result")
ERRORS_SHOWN = 20
HISTORY_BATCH = 5000
# Server memory of this session only, as the import takes it: the joins over a million rows hash
# in memory; the large one-off statements are not compiled (JIT costs more than it saves).
SESSION = {"work_mem": "256MB", "jit": "off"}

MESSAGES = {
    "death_in_future": gettext_lazy("The date of death is in the future."),
    "death_before_birth": gettext_lazy("The date of death is before the birth date recorded here."),
}

UnreadableFile = parsing.UnreadableFile


class ReconciliationRefused(Exception):
    """The extract's rows have errors: nothing compared, nothing stored."""

    def __init__(self, *, rows: int, count: int, errors: list[str]):
        self.rows, self.count, self.errors = rows, count, errors
        super().__init__(_("The extract has %(count)s errors; nothing was compared.") % {"count": count})


def _message(code: str, detail: str | None) -> str:
    if code in MESSAGES:
        return str(MESSAGES[code])
    return report.message(code, detail, {})


def _columns(fmt: parsing.FileFormat) -> dict[str, str]:
    present = set(fmt.columns)
    wanted = (
        "iin",
        "last_name",
        "first_name",
        "middle_name",
        "organization_bin",
        "attached_on",
        "date_of_death",
    )
    return {c: (f"nullif(btrim(s.{c}), '')" if c in present else "NULL::text") for c in wanted}


def _typing_sql(fmt: parsing.FileFormat, *, bin_: str) -> str:
    """Type every staged row into `recon_rows` (the import's IIN and date checks, in SQL); a row
    without a BIN is the organization's (`bin_`). Run without parameters (its `%` are SQL's)."""
    raw = _columns(fmt)
    first, second = iin_sums_sql("t.iin", "t.iin_ok", number="t.iin_number")
    death, death_ok = _date("death")
    attached, attached_ok = _date("attached")
    return f"""
      CREATE TEMP TABLE recon_rows AS
      SELECT u.line, u.iin, u.iin_error, left(coalesce(u.last_name, ''), 100) AS last_name,
        left(coalesce(u.first_name, ''), 100) AS first_name,
        left(coalesce(u.middle_name, ''), 100) AS middle_name,
        u.bin_raw, o.id AS organization_id, u.death_raw, u.date_of_death, u.death_ok,
        u.attached_raw, u.attached_on, u.attached_ok
      FROM (
        SELECT t.*, {iin_error_sql("t.iin", "t.iin_s1", "t.iin_s2", "t.iin_ok")} AS iin_error,
          {death} AS date_of_death, {death_ok} AS death_ok,
          {attached} AS attached_on, {attached_ok} AS attached_ok
        FROM (
          SELECT t.*, {first} AS iin_s1, {second} AS iin_s2,
            {_date_parts("t.death_raw", "t.death_form", "death")},
            {_date_parts("t.attached_raw", "t.attached_form", "attached")}
          FROM (
            SELECT z.*, {iin_format_sql("z.iin")} AS iin_ok, {iin_number_sql("z.iin")} AS iin_number,
              {_date_form("z.death_raw")} AS death_form, {_date_form("z.attached_raw")} AS attached_form
            FROM (
              SELECT s.line + {HEADER_LINES} AS line, {raw["iin"]} AS iin, {raw["last_name"]} AS last_name,
                {raw["first_name"]} AS first_name, {raw["middle_name"]} AS middle_name,
                {raw["organization_bin"]} AS bin_raw, {raw["date_of_death"]} AS death_raw,
                {raw["attached_on"]} AS attached_raw
              FROM {RAW} s OFFSET 0) z OFFSET 0) t OFFSET 0) t OFFSET 0) u
      LEFT JOIN attachment_organization o ON o.bin = coalesce(u.bin_raw, {_quote(bin_)})"""


ERRORS_SQL = [
    "CREATE TEMP TABLE recon_errors (line bigint, col text, code text, detail text)",
    """INSERT INTO recon_errors
       SELECT line, 'iin', iin_error, NULL FROM recon_rows WHERE iin_error IS NOT NULL
       UNION ALL
       SELECT line, 'organization_bin', 'organization_unknown', NULL FROM recon_rows
        WHERE organization_id IS NULL
       UNION ALL
       SELECT line, 'date_of_death', 'date_format', NULL FROM recon_rows
        WHERE death_raw IS NOT NULL AND NOT death_ok
       UNION ALL
       SELECT line, 'date_of_death', 'death_in_future', NULL FROM recon_rows WHERE date_of_death > %(today)s
       UNION ALL
       SELECT line, 'attached_on', 'date_format', NULL FROM recon_rows
        WHERE attached_raw IS NOT NULL AND NOT attached_ok
       UNION ALL
       SELECT line, 'iin', 'duplicate_iin', first_line::text FROM (
         SELECT line, min(line) OVER (PARTITION BY iin COLLATE "C") AS first_line FROM recon_rows
          WHERE iin_error IS NULL) d
        WHERE line <> first_line
       UNION ALL
       SELECT r.line, 'date_of_death', 'death_before_birth', NULL
         FROM recon_rows r JOIN patients_person p ON p.iin = r.iin
        WHERE r.date_of_death IS NOT NULL AND r.date_of_death < p.birth_date""",
]

# The organization's attached list on the date: the one definition of "attached to O on D".
LIST_SQL = f"""
  CREATE TEMP TABLE recon_list AS
  SELECT a.id AS attachment_id, a.person_id, p.iin::text AS iin
    FROM attachment_attachment a JOIN patients_person p ON p.id = a.person_id
   WHERE a.organization_id = %(organization)s AND {attached_on_sql("%(on)s::date")}"""

G = ReconciliationGroup
RESULT_SQL = [
    f"""CREATE TEMP TABLE recon_result AS
        SELECT CASE
            WHEN l.attachment_id IS NULL THEN {G.REGISTER_ONLY}
            WHEN r.line IS NULL THEN {G.HERE_ONLY}
            WHEN r.date_of_death <= %(on)s THEN {G.DEAD}
            WHEN r.organization_id <> %(organization)s THEN {G.ELSEWHERE}
            ELSE {G.BOTH} END AS grp,
          r.line, coalesce(l.iin, r.iin) AS iin, coalesce(r.last_name, '') AS last_name,
          coalesce(r.first_name, '') AS first_name, coalesce(r.middle_name, '') AS middle_name,
          l.person_id, l.attachment_id, r.organization_id AS register_organization_id,
          r.attached_on AS register_attached_on, r.date_of_death
        FROM recon_list l FULL JOIN recon_rows r ON r.iin = l.iin
        WHERE l.attachment_id IS NOT NULL
           OR (r.organization_id = %(organization)s
               AND (r.date_of_death IS NULL OR r.date_of_death > %(on)s))""",
    # Who of the register's list is a person here (attached elsewhere or nowhere here on the date).
    f"""UPDATE recon_result x SET person_id = p.id FROM patients_person p
         WHERE x.grp = {G.REGISTER_ONLY} AND p.iin = x.iin""",
]

INSERT_ROWS_SQL = """
  INSERT INTO attachment_reconciliationrow (reconciliation_id, "group", line, iin, last_name, first_name,
      middle_name, person_id, attachment_id, register_organization_id, register_attached_on, date_of_death,
      ended)
  SELECT %(run)s, grp, line, iin, last_name, first_name, middle_name, person_id, attachment_id,
         register_organization_id, register_attached_on, date_of_death, false
    FROM recon_result ORDER BY grp, line NULLS LAST, iin"""


def _error_texts(cursor) -> tuple[int, list[str]]:
    cursor.execute("SELECT count(*) FROM recon_errors")
    count = cursor.fetchone()[0]
    cursor.execute(
        f"""SELECT e.line, e.col, e.code, e.detail, to_jsonb(s) ->> e.col FROM recon_errors e
            LEFT JOIN {RAW} s ON s.line = e.line - {HEADER_LINES}
            ORDER BY e.line, e.col LIMIT {ERRORS_SHOWN}"""
    )
    texts = []
    for line, column, code, detail, value in cursor.fetchall():
        text = _("Row %(row)s, column %(column)s: %(message)s") % {
            "row": line,
            "column": column,
            "message": _message(code, detail),
        }
        if value:
            text += f" ({value[:40]})"
        texts.append(text)
    return count, texts


def reconciliation_compare(
    *, stream, file_name: str, organization: Organization, on: datetime.date, user, today=None
) -> Reconciliation:
    """Compare the organization's attached list on the date with the extract (a binary stream) and
    store the result (the dry run). Raises UnreadableFile when the file is no register table, and
    ReconciliationRefused when its rows have errors (nothing stored then)."""
    today = today or timezone.localdate()
    fmt = parsing.detect_format(stream.read(parsing.SAMPLE), organization_given=True, required=REQUIRED)
    params = {"organization": organization.pk, "on": on, "today": today}
    with connection.cursor() as cursor:
        try:
            with transaction.atomic():
                for name, value in SESSION.items():
                    cursor.execute("SELECT set_config(%s, %s, true)", [name, value])
                parsing.create_staging(cursor, fmt, table=RAW)
                try:
                    with transaction.atomic():
                        parsing.copy_file(cursor, stream, fmt, table=RAW)
                except psycopg.Error as error:
                    raise UnreadableFile(
                        _("The file cannot be read as a table: %(detail)s")
                        % {"detail": error.diag.message_primary or error}
                    ) from None
                cursor.execute(_typing_sql(fmt, bin_=organization.bin))
                cursor.execute("ANALYZE recon_rows")
                for statement in ERRORS_SQL:
                    cursor.execute(statement, params)
                count, texts = _error_texts(cursor)
                cursor.execute("SELECT count(*) FROM recon_rows")
                rows = cursor.fetchone()[0]
                if count:
                    raise ReconciliationRefused(rows=rows, count=count, errors=texts)
                cursor.execute(LIST_SQL, params)
                cursor.execute("ANALYZE recon_list")
                for statement in RESULT_SQL:
                    cursor.execute(statement, params)
                cursor.execute("SELECT grp, count(*) FROM recon_result GROUP BY grp")
                counts = dict(cursor.fetchall())
                run = Reconciliation(
                    organization=organization,
                    on=on,
                    file_name=file_name[:255],
                    user=user,
                    rows=rows,
                    **{name: counts.get(group, 0) for group, name in GROUP_COUNTS.items()},
                )
                run.full_clean()
                record_history(
                    run,
                    user=user,
                    reason=_("Compared with the register extract %(file)s.") % {"file": file_name},
                )
                run.save()
                cursor.execute(INSERT_ROWS_SQL, {"run": run.pk})
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
    return run


@dataclass
class ApplyResult:
    ended: int = 0
    deaths_recorded: int = 0
    skipped: list[str] = field(default_factory=list)  # IINs whose recorded death differs
    already_applied: bool = False

    @property
    def summary(self) -> str:
        return f"ended={self.ended} deaths={self.deaths_recorded} skipped={len(self.skipped)}"


ELSEWHERE_SQL = f"""
  WITH x AS (
    SELECT a.id, GREATEST(a.valid_from, LEAST(%(before)s::date,
             coalesce(r.register_attached_on - 1, %(before)s::date))) AS end_on,
           coalesce(o.name_ru, '') AS organization
      FROM attachment_reconciliationrow r
      JOIN attachment_attachment a ON a.id = r.attachment_id
      LEFT JOIN attachment_organization o ON o.id = r.register_organization_id
     WHERE r.reconciliation_id = %(run)s AND r."group" = {G.ELSEWHERE}
       AND a.organization_id = %(organization)s)
  UPDATE attachment_attachment a
     SET valid_to = x.end_on,
         end_reason = left(replace(%(template)s, '{{organization}}', x.organization), 300)
    FROM x
   WHERE a.id = x.id AND (a.valid_to IS NULL OR a.valid_to > x.end_on)
  RETURNING a.id"""


def reconciliation_reason(reconciliation: Reconciliation) -> str:
    return _("reconciliation #%(number)s") % {"number": reconciliation.pk}


@transaction.atomic(durable=True)
def reconciliation_apply(*, reconciliation: Reconciliation, user) -> ApplyResult:
    """End what the register shows elsewhere and record the deaths it shows, for a stored dry
    run, all or nothing. A run is applied once: a second apply changes nothing."""
    if user is None or not user.is_active or not user.has_perm(APPLY_PERMISSION):
        raise PermissionDenied(_("Only a rules administrator applies a reconciliation."))
    # Two applies of one run (a double click, the command and the page): one waits for the other
    # and then finds it applied.
    run = Reconciliation.objects.select_for_update(no_key=True).get(pk=reconciliation.pk)
    if run.applied_at is not None:
        return ApplyResult(ended=run.ended, deaths_recorded=run.deaths_recorded, already_applied=True)
    acting = ReconciliationRow.objects.filter(
        reconciliation=run, group__in=[G.ELSEWHERE, G.DEAD], person__isnull=False
    )
    persons_lock(Person.objects.filter(pk__in=acting.values("person_id")))
    list(
        Attachment.objects.select_for_update(no_key=True)
        .filter(person_id__in=acting.values("person_id"))
        .values_list("pk", flat=True)
    )
    reason = reconciliation_reason(run)
    result = ApplyResult()
    template = _("Attached to %(organization)s per the national register (%(reason)s).") % {
        "organization": "{organization}",
        "reason": reason,
    }
    with connection.cursor() as cursor:
        cursor.execute(
            ELSEWHERE_SQL,
            {
                "run": run.pk,
                "organization": run.organization_id,
                "before": run.on - datetime.timedelta(days=1),
                "template": template,
            },
        )
        ended_ids = [row[0] for row in cursor.fetchall()]
    for start in range(0, len(ended_ids), HISTORY_BATCH):
        Attachment.history.bulk_history_create(
            list(Attachment.objects.filter(pk__in=ended_ids[start : start + HISTORY_BATCH])),
            batch_size=HISTORY_BATCH,
            update=True,
            default_user=user,
            default_change_reason=reason,
        )
    ReconciliationRow.objects.filter(
        reconciliation=run, group=G.ELSEWHERE, attachment_id__in=ended_ids
    ).update(ended=True)
    result.ended = len(ended_ids)
    dead = acting.filter(group=G.DEAD).order_by("person_id").values_list("person_id", "date_of_death", "iin")
    for person_id, date_of_death, iin in dead:
        person = Person.objects.get(pk=person_id)
        if person.date_of_death is not None:
            # A death is recorded here already (on or after the date, else the person was not on
            # the list): its correction is for a clinic head or a rules administrator.
            if person.date_of_death != date_of_death:
                result.skipped.append(iin)
            continue
        person_record_death(person=person, date_of_death=date_of_death, user=user, reason=reason)
        result.deaths_recorded += 1
    closed = ReconciliationRow.objects.filter(
        reconciliation=run, group=G.DEAD, attachment__closed_by_death_on__isnull=False
    )
    result.ended += ReconciliationRow.objects.filter(pk__in=closed.values("pk")).update(ended=True)
    run.applied_at, run.applied_by = timezone.now(), user
    run.ended, run.deaths_recorded = result.ended, result.deaths_recorded
    run.full_clean()
    record_history(run, user=user, reason=reason)
    run.save()
    return result
