"""Reading a register file: encoding, delimiter and header detection, then a streaming COPY.

The file is never held in memory: after the header line, its bytes go to PostgreSQL's own CSV
parser in chunks (`COPY … FROM STDIN (FORMAT csv)`), which converts Windows-1251 to UTF-8 itself.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from psycopg import sql

CHUNK = 1 << 20  # bytes per COPY write
SAMPLE = 1 << 16  # bytes read to detect the encoding
DELIMITERS = (",", ";", "\t")

# Canonical column -> accepted headers (compared case-insensitively, spaces and hyphens as "_").
COLUMNS: dict[str, tuple[str, ...]] = {
    "iin": ("iin", "иин", "жсн"),
    "last_name": ("last_name", "surname", "фамилия", "тегі", "тегi"),
    "first_name": ("first_name", "given_name", "name", "имя", "аты"),
    "middle_name": ("middle_name", "patronymic", "отчество", "әкесінің_аты", "әкесiнiң_аты"),
    "birth_date": ("birth_date", "date_of_birth", "дата_рождения", "туған_күні", "туған_күнi"),
    "sex": ("sex", "gender", "пол", "жынысы"),
    "citizenship": ("citizenship", "гражданство", "азаматтығы"),
    "category": ("category", "категория", "санаты"),
    "organization_bin": ("organization_bin", "organization", "бин", "бин_организации", "ұйымның_бсн", "бсн"),
    "district_code": ("district_code", "district", "участок", "код_участка", "учаске"),
    "attached_on": ("attached_on", "дата_прикрепления", "бекітілген_күні", "бекiтiлген_күнi"),
    "ground": ("ground", "основание", "негіз", "негiз"),
    "residence_kato": ("residence_kato", "kato", "като", "като_места_проживания", "тұрғылықты_жері_като"),
    "contract_number": ("contract_number", "номер_договора", "шарт_нөмірі", "шарт_нөмiрi"),
    # Read by the reconciliation with the register (attachment/reconciliation.py); the import
    # records no deaths from a file.
    "date_of_death": (
        "date_of_death",
        "death_date",
        "дата_смерти",
        "қайтыс_болған_күні",
        "қайтыс_болған_күнi",
    ),
}
REQUIRED = ("iin", "last_name", "first_name", "attached_on", "ground")
ALIASES = {alias: column for column, aliases in COLUMNS.items() for alias in aliases}


class UnreadableFile(Exception):
    """The file cannot be read as a table at all (exit code 2): nothing is written."""


@dataclass
class FileFormat:
    encoding: str  # "utf-8" or "cp1251"
    delimiter: str
    columns: list[str]  # canonical name (or "ignored_N") per file column
    header_bytes: int  # where the data starts (after BOM and header line)


def _normalize_header(value: str) -> str:
    return "_".join(value.strip().strip('"').lower().replace("-", " ").split())


def detect_format(
    head: bytes, *, organization_given: bool = False, required: tuple[str, ...] = REQUIRED
) -> FileFormat:
    """Encoding (UTF-8 with or without BOM, else Windows-1251), delimiter and header mapping;
    `required` names the columns the reader needs (the import's by default)."""
    start = 0
    if head.startswith(codecs.BOM_UTF8):
        encoding, start = "utf-8", len(codecs.BOM_UTF8)
    else:
        try:
            codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
            encoding = "utf-8"
        except UnicodeDecodeError:
            encoding = "cp1251"
    end = head.find(b"\n", start)
    if end < 0:
        raise UnreadableFile(_("The file has no header line followed by data."))
    try:
        line = head[start:end].decode(encoding).rstrip("\r")
    except UnicodeDecodeError:
        raise UnreadableFile(_("The header line is neither UTF-8 nor Windows-1251 text.")) from None
    delimiter = max(DELIMITERS, key=line.count)
    if line.count(delimiter) == 0:
        raise UnreadableFile(_("No comma, semicolon or tab separates the columns of the header."))
    headers = next(csv.reader(io.StringIO(line), delimiter=delimiter))
    columns, seen = [], {}
    for index, header in enumerate(headers):
        column = ALIASES.get(_normalize_header(header))
        if column is None:
            columns.append(f"ignored_{index}")
        else:
            columns.append(column)
            seen.setdefault(column, []).append(header.strip())
    # Two headers naming one field (last_name and Фамилия): which one to read is a guess, refused.
    ambiguous = ["; ".join(names) for names in seen.values() if len(names) > 1]
    if ambiguous:
        raise UnreadableFile(
            _("Several columns of the header name the same field: %(columns)s.")
            % {"columns": " / ".join(ambiguous)}
        )
    missing = [c for c in required if c not in seen]
    if "organization_bin" not in seen and not organization_given:
        missing.append("organization_bin")
    if missing:
        raise UnreadableFile(
            _("Columns missing from the header: %(columns)s.") % {"columns": ", ".join(missing)}
        )
    return FileFormat(encoding=encoding, delimiter=delimiter, columns=columns, header_bytes=end + 1)


STAGING = "import_raw"


def create_staging(cursor, fmt: FileFormat, *, table: str = STAGING) -> None:
    """An unindexed temporary table of text columns, numbered in file order."""
    cursor.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(table)))
    columns = [sql.SQL("{} text").format(sql.Identifier(c)) for c in fmt.columns]
    cursor.execute(
        sql.SQL("CREATE TEMP TABLE {} (line bigint GENERATED ALWAYS AS IDENTITY, {})").format(
            sql.Identifier(table), sql.SQL(", ").join(columns)
        )
    )


def copy_file(
    cursor,
    stream,
    fmt: FileFormat,
    *,
    size: int | None = None,
    progress: Callable[[int], None] | None = None,
    table: str = STAGING,
) -> None:
    """Stream the data part of the file into the staging table with PostgreSQL's CSV parser."""
    stream.seek(fmt.header_bytes)
    statement = sql.SQL(
        "COPY {} ({}) FROM STDIN WITH (FORMAT csv, DELIMITER {}, ENCODING {}, NULL '')"
    ).format(
        sql.Identifier(table),
        sql.SQL(", ").join(sql.Identifier(c) for c in fmt.columns),
        sql.Literal(fmt.delimiter),
        sql.Literal("UTF8" if fmt.encoding == "utf-8" else "WIN1251"),
    )
    done = fmt.header_bytes
    with cursor.copy(statement) as copy:
        while chunk := stream.read(CHUNK):
            copy.write(chunk)
            done += len(chunk)
            if progress and size:
                progress(done * 100 // size)
