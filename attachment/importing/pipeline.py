"""The register import, end to end: read, stage, validate, decide, write. All or nothing.

Stages (with their share of the progress bar): COPY of the file into an unindexed temporary table
(0–40 %), set-wise validation of fields and references (40–60 %), then in one transaction, holding
EXCLUSIVE locks on the person and attachment tables (reads go on, registrars' changes wait a
moment): classification against the register, the attachment rules (`rules.decide_sql`, the
set-wise counterpart of `rules.decide`) and the writes with their history rows (60–100 %).
"""

from __future__ import annotations

import io
import os
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass

import psycopg
from django.db import DatabaseError, connection, transaction
from django.utils.translation import gettext as _
from psycopg import sql

from patients.models import Person

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
SESSION_SETTINGS = [f"SET work_mem = '{WORK_MEM}'", f"SET jit = {JIT}"]
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
    "import_class",
    "import_requests",
    "import_decisions",
    "rule_atu_chain",
    "rule_atu",
    "rule_atu_border",
)


@dataclass
class ImportResult:
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: int = 0
    historical: int = 0  # new attachments dated before the recorded rules: register facts
    written: bool = False
    report: str = ""

    @property
    def summary(self) -> str:
        return (
            f"rows={self.rows} created={self.created} updated={self.updated} "
            f"unchanged={self.unchanged} errors={self.errors} historical={self.historical}"
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
            if copy_failure is not None:
                cursor.execute(
                    "INSERT INTO import_errors VALUES (%s, 'row', 'copy', %s)",
                    [copy_failure[0] or 0, copy_failure[1]],
                )
            result.rows = _scalar(cursor, "SELECT count(*) FROM import_rows")
            progress(_("Checking the rows"), 50)
            _run(cursor, validation.contracts_sql())
            progress(_("Applying the attachment rules"), 60)
            try:
                with transaction.atomic():
                    # Readers go on; changes of persons and attachments wait for this transaction, so
                    # the rules see the register as it is written.
                    cursor.execute("LOCK TABLE patients_person, attachment_attachment IN EXCLUSIVE MODE")
                    _run(cursor, apply.classify_sql(_person_sequence(cursor)))
                    _run(cursor, apply.decide_sql())
                    cursor.execute(apply.refusals_to_errors_sql())
                    result.errors = _scalar(cursor, "SELECT count(*) FROM import_errors")
                    cursor.execute(apply.COUNTS_SQL)
                    _rows, result.created, result.updated, result.unchanged = cursor.fetchone()
                    result.historical = _scalar(cursor, apply.HISTORICAL_SQL)
                    if result.errors:
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
        finally:
            cursor.execute("RESET work_mem")
            cursor.execute("RESET jit")
            cursor.execute("RESET random_page_cost")
            # Free the session's temporary space (workers and web processes keep their connections).
            cursor.execute(f"DROP TABLE IF EXISTS {', '.join(TEMP_TABLES)}")
    progress(_("Finished"), 100)
    return result


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


def _report_text(cursor) -> str:
    out = io.StringIO()
    report.write_report(cursor, out)
    return out.getvalue()
