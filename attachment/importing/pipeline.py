"""The register import, end to end: read, stage, validate, decide, write. All or nothing.

Stages (with their share of the progress bar): COPY of the file into an unindexed temporary table
(0–40 %), set-wise validation of fields and references (40–60 %), then in one transaction:
classification against the register under row locks of the persons the file changes, the
attachment rules (`rules.decide_sql`, the set-wise counterpart of `rules.decide`) and the writes
with their history rows (60–100 %).

Locks. The import takes no table lock: readers, the access log and registrars working on other
persons go on while it runs, and two imports (of different organizations, or of one) run side by
side. It locks what it changes and nothing else:
- The register's persons the file changes (their data, or an attachment) are locked
  `FOR NO KEY UPDATE` in one statement, in id order, after a first classification; the rows are
  then classified again, now under the locks, and a person whom that second look finds changed
  as well is locked in turn, until the locked set covers every person written. The decisions
  (`rules.decide_sql`) are made after that, so they read each written person's data and
  attachments as they stand under the import's lock. Every service that changes a person or
  their attachments takes the same lock first (`patients.services.persons_lock`): a registrar
  who got it before the import has committed by the time the import's lock is granted, and the
  import's second classification sees what they wrote; a registrar who comes after waits for
  at most `PERSON_LOCK_TIMEOUT` and is told the person is being updated by a register import
  (nothing written, never a silent overwrite). `FOR NO KEY UPDATE` leaves `FOR KEY SHARE` free,
  so the foreign-key checks of others' rows pointing at these persons (an access-log row of the
  card, a document) do not wait.
- A concurrent import locks in the same order, so two imports that share persons run their
  writes for those persons one after the other, the second deciding on what the first
  committed; persons of one file only are never waited for. A rare cycle (a person found
  changed only by the second look, locked out of order) is ended by PostgreSQL's deadlock
  detector and refused like a lost race below.
- New persons are not in the register to lock: the unique IIN constraint decides. An IIN inserted
  meanwhile by a registrar or another import makes the insert fail (after waiting for the other
  transaction to commit); the import then writes nothing and reports the row ("added to the
  register while the file was imported; import the file again").
- A dry run, and a file whose rows already have errors, lock nothing (they write nothing). An
  unchanged file locks nothing and writes nothing: its classification is a consistent snapshot.
- The register's invariants stay where they are, in the database: the exclusion constraint of
  one attachment per person and date, the foreign keys (checked at commit, `FOR KEY SHARE` on
  the referenced rows, which conflicts with no lock a registrar takes) and the unique IIN.
The staging tables are temporary: they belong to the importing session and disappear with it,
whatever ends it; the row locks end with its transaction.
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.utils.translation import gettext as _
from psycopg import sql

from patients.models import Person
from patients.services import PERSON_IIN_UNIQUE

from . import apply, parsing, report, validation

Progress = Callable[[str, int], None]
# Server memory of the importing session only (allocated as needed): a million staged rows take
# some 300 MB of temporary tables, and the sorts and hash joins over them (duplicate IINs, the
# register's persons and attachments) stay in memory instead of spilling to disk.
TEMP_BUFFERS = "1GB"
WORK_MEM = "256MB"
# The statements are large and run once each: compiling them (PostgreSQL's JIT) costs a second or
# two apiece and saves less than that even at a million rows (measured with `make bench`).
JIT = "off"
# The deferred foreign-key checks at commit look up each written row's organization, ATU,
# district, ground and user by primary key, one row at a time. With the default cost of a random
# page read (4, a spinning disk) PostgreSQL plans those look-ups on the small reference tables
# (200 organizations, a few hundred ATUs: a handful of pages) as whole-table scans, which a million
# rows then repeat a million times; at the cost of storage that is read like memory (1.1), it uses
# their primary keys. Set for the writes and their commit only (`make bench`: the commit of a
# 1,000,000-row import took 22 s instead of 29 s).
RANDOM_PAGE_COST = "1.1"
# A session whose client is gone (the importing process killed, its machine lost) ends within
# seconds, even in the middle of a statement, and with it the import's transaction, row locks and
# temporary tables: the server checks the client's socket every CLIENT_CHECK while a statement
# runs, probes an idle connection over TCP (keepalives), and ends a transaction left idle.
CLIENT_CHECK = "2s"
SESSION = {
    "work_mem": WORK_MEM,
    "jit": JIT,
    "client_connection_check_interval": CLIENT_CHECK,
    "tcp_keepalives_idle": "30",
    "tcp_keepalives_interval": "5",
    "tcp_keepalives_count": "3",
    "idle_in_transaction_session_timeout": "1min",
}
SESSION_SETTINGS = [f"SET {name} = '{value}'" for name, value in SESSION.items()]
# Typing the fields is the longest step before the writes (7 s for a million rows on one core).
# A file of at least this many rows is typed in two halves at once: the second half goes to a
# second session of this database (binary COPY), which types it while this session types the
# first, and comes back the same way (`make bench`: 5.1 s instead of 7.1 s for a million rows).
# Only outside a transaction, since the second session sees committed data only.
TWO_SESSIONS_MIN_ROWS = 100_000
TEMP_TABLES = (
    parsing.STAGING,
    "import_countries",
    "import_rows",
    "import_errors",
    "import_warnings",
    "import_class",
    "import_requests",
    "import_decisions",
    "rule_atu_chain",
    "rule_atu",
    "rule_atu_border",
    apply.LOCKED_TABLE,
)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    historical: int = 0  # new attachments dated before the recorded rules: register facts
    # Rows whose birth date or sex differs from what the IIN encodes (or it encodes none): kept as
    # in the file and imported, reported in `warning_report`.
    warnings: int = 0
    written: bool = False
    report: str = ""
    warning_report: str = ""

    @property
    def summary(self) -> str:
        return (
            f"rows={self.rows} created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} errors={self.errors} historical={self.historical} "
            f"warnings={self.warnings}"
        )


class _Rollback(Exception):
    pass


def _run(cursor, statements: list[str]) -> None:
    for statement in statements:
        cursor.execute(statement)


def _scalar(cursor, statement: str):
    cursor.execute(statement)
    return cursor.fetchone()[0]


def _copy_error_line(error: psycopg.Error) -> int | None:
    context = getattr(error.diag, "context", None) or ""
    found = re.search(r"line (\d+)", context)
    return int(found.group(1)) + validation.HEADER_LINES if found else None


def population_import(
    *,
    stream,
    file_name: str,
    user,
    import_id: int | None = None,
    organization=None,
    dry_run: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Import a register file (a binary stream). Raises parsing.UnreadableFile when the file
    cannot be read as a table; otherwise returns the counts and, when refused, the error report."""
    progress = progress or (lambda stage, percent: None)
    result = ImportResult()
    head = stream.read(parsing.SAMPLE)
    fmt = parsing.detect_format(head, organization_given=organization is not None)
    stream.seek(0, os.SEEK_END)
    size = stream.tell()
    with connection.cursor() as cursor:
        # Temporary tables live as long as the session: the checks need no transaction of their
        # own; the writes happen in one.
        _session_settings(cursor)
        try:
            parsing.create_staging(cursor, fmt)
            progress(_("Reading the file"), 0)
            copy_failure = None
            try:
                with transaction.atomic():
                    parsing.copy_file(
                        cursor,
                        stream,
                        fmt,
                        size=size,
                        progress=lambda p: progress(_("Reading the file"), p * 40 // 100),
                    )
            except psycopg.Error as error:
                copy_failure = (_copy_error_line(error), str(error.diag.message_primary or error))
            progress(_("Checking the rows"), 40)
            _run(cursor, validation.countries_sql())
            _type_rows(cursor, fmt, organization_id=getattr(organization, "pk", None))
            # Statistics of the typed rows (a sample), so the joins with the register hash the
            # narrow side (a million unchanged rows were classified in 3.3 s instead of 4.2 s).
            cursor.execute("ANALYZE import_rows")
            _run(cursor, validation.errors_sql())
            _run(cursor, validation.warnings_sql())
            result.warnings = _scalar(cursor, validation.WARNED_ROWS_SQL)
            if result.warnings:
                result.warning_report = _report_text(cursor, "import_warnings")
            validation.check_names(cursor)
            if copy_failure is not None:
                cursor.execute(
                    "INSERT INTO import_errors VALUES (%s, 'row', 'copy', %s)",
                    [copy_failure[0] or 0, copy_failure[1]],
                )
            result.rows = _scalar(cursor, "SELECT count(*) FROM import_rows")
            progress(_("Checking the rows"), 50)
            _run(cursor, validation.contracts_sql())
            progress(_("Applying the attachment rules"), 60)
            writes = not dry_run and not _scalar(cursor, "SELECT EXISTS (SELECT 1 FROM import_errors)")
            try:
                with transaction.atomic():
                    _classify(cursor, lock=writes)
                    _run(cursor, apply.decide_sql())
                    cursor.execute(apply.refusals_to_errors_sql())
                    result.errors = _scalar(cursor, "SELECT count(*) FROM import_errors")
                    cursor.execute(apply.COUNTS_SQL)
                    _rows, result.created, result.updated, result.unchanged = cursor.fetchone()
                    result.historical = _scalar(cursor, apply.HISTORICAL_SQL)
                    if result.errors:
                        # Refused: nothing is created or updated, whatever the rows would have done.
                        result.created = result.updated = result.unchanged = result.historical = 0
                        result.report = _report_text(cursor)
                    if result.errors or dry_run:
                        raise _Rollback
                    progress(_("Writing"), 70)
                    cursor.execute(f"SET random_page_cost = {RANDOM_PAGE_COST}")
                    pg = cursor.connection
                    reason = _("import %(file)s #%(id)s") % {"file": file_name, "id": import_id or "-"}
                    template = _("Attached to %(organization)s from %(date)s (§4).") % {
                        "organization": "{organization}",
                        "date": "{date}",
                    }
                    statements = apply.apply_sql(
                        reason=reason,
                        end_reason_template=template,
                        user_id=getattr(user, "pk", None),
                        literal=lambda v: sql.Literal(v).as_string(pg),
                    )
                    if not (result.created or result.updated):
                        statements = []  # every row is the register's record already
                    for number, statement in enumerate(statements):
                        cursor.execute(statement)
                        progress(_("Writing"), 70 + (number + 1) * 30 // len(statements))
                    result.written = True
            except _Rollback:
                pass
            except IntegrityError as error:
                # Only a concurrent insert of one of the file's new IINs gets here (every other
                # constraint holds for rows the checks and the rules let through).
                cause = error.__cause__
                if not isinstance(cause, psycopg.errors.UniqueViolation) or (
                    cause.diag.constraint_name != PERSON_IIN_UNIQUE
                ):
                    raise
                _register_changed(cursor, result, error.__cause__)
            except OperationalError as error:
                if not isinstance(error.__cause__, psycopg.errors.DeadlockDetected):
                    raise
                _register_changed(cursor, result, error.__cause__)
        finally:
            for name in (*SESSION, "random_page_cost"):
                cursor.execute(f"RESET {name}")
            # Free the session's temporary space (workers and web processes keep their connections).
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
    progress(_("Finished"), 100)
    return result


def _classify(cursor, *, lock: bool) -> None:
    """Classify the rows against the register; with `lock`, lock every register person the file
    changes and classify again under the locks, until no row changes a person not yet locked."""
    sequence = _person_sequence(cursor)
    _run(cursor, apply.classify_sql(sequence))
    if not lock:
        return
    _run(cursor, apply.lock_table_sql())
    while _scalar(cursor, apply.lock_changed_persons_sql()):
        _run(cursor, apply.classify_sql(sequence))


def _register_changed(cursor, result: ImportResult, error: psycopg.Error) -> None:
    """The register changed under the import (a new IIN inserted meanwhile, or a lock cycle with
    another import): nothing was written; report it on the row of the IIN when it is known."""
    found = re.search(r"\(iin\)=\((\d+)\)", error.diag.message_detail or "")
    cursor.execute(
        """INSERT INTO import_errors SELECT coalesce((SELECT min(line) FROM import_rows WHERE iin = %s), 0),
             'iin', 'register_changed', NULL""",
        [found.group(1) if found else None],
    )
    result.errors = _scalar(cursor, "SELECT count(*) FROM import_errors")
    result.created = result.updated = result.unchanged = result.historical = 0
    result.written = False
    result.report = _report_text(cursor)


def _person_sequence(cursor) -> str:
    cursor.execute("SELECT quote_literal(pg_get_serial_sequence(%s, 'id'))", [Person._meta.db_table])
    return cursor.fetchone()[0]


def _session_settings(cursor) -> None:
    """Room for the staging tables in the server's session memory (only possible before the
    session's first temporary table), for sorts and hash joins; no JIT."""
    try:
        with transaction.atomic():
            cursor.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
    except DatabaseError:
        pass
    _run(cursor, SESSION_SETTINGS)


def _stream(source, query: str, target, statement: str) -> None:
    with source.copy(query) as out, target.copy(statement) as into:
        for data in out:
            into.write(data)


def _type_rows(cursor, fmt: parsing.FileFormat, *, organization_id: int | None) -> None:
    """Fill `import_rows` from the staged file, in two sessions at once for a large file."""
    lines = _scalar(cursor, f"SELECT coalesce(max(line), 0) FROM {parsing.STAGING}")
    if lines < TWO_SESSIONS_MIN_ROWS or connection.in_atomic_block:
        _run(cursor, validation.normalize_sql(fmt.columns, organization_id=organization_id))
        return
    half = lines // 2
    second = connection.get_new_connection(connection.get_connection_params())
    try:
        second.autocommit = True
        with second.cursor() as other:
            other.execute(f"SET temp_buffers = '{TEMP_BUFFERS}'")
            _run(other, SESSION_SETTINGS)
            parsing.create_staging(other, fmt)
            _run(other, validation.countries_sql())
            _stream(
                cursor,
                f"COPY (SELECT * FROM {parsing.STAGING} WHERE line > {half}) TO STDOUT (FORMAT binary)",
                other,
                f"COPY {parsing.STAGING} FROM STDIN (FORMAT binary)",
            )
            failures = []

            def type_second_half():
                try:
                    _run(other, validation.normalize_sql(fmt.columns, organization_id=organization_id))
                except Exception as error:
                    failures.append(error)

            worker = threading.Thread(target=type_second_half, name="import-typing")
            worker.start()
            try:
                _run(
                    cursor,
                    validation.normalize_sql(fmt.columns, organization_id=organization_id, up_to_line=half),
                )
            except BaseException:
                second.cancel()  # no use typing the second half any more
                raise
            finally:
                worker.join()
            if failures:
                raise failures[0]
            _stream(
                other,
                "COPY import_rows TO STDOUT (FORMAT binary)",
                cursor,
                "COPY import_rows FROM STDIN (FORMAT binary)",
            )
    finally:
        second.close()


def _report_text(cursor, table: str = "import_errors") -> str:
    out = io.StringIO()
    report.write_report(cursor, out, table)
    return out.getvalue()
