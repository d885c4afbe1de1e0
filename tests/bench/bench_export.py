"""Attached-list export of 500,000 rows (CSV and XLSX): rows/s and peak RSS of the exporting process.

Generates, set-wise in SQL, one organization with 500,000 attached persons (one district, one open
attachment each), then exports its list on a date in a child process — `attached_for_export` and
`attached_file` as the page does, then the response's stream read to the end — and prints the
rows, the time, rows/s and the child's own peak RSS (VmHWM) next to its size before the export.
The generated rows are deleted afterwards, so the benchmarks that follow start as before.
Run with `make bench BENCH=export` (BENCH_EXPORT_ROWS changes the 500,000).
"""

import json
import os
import subprocess
import sys
import time

from django.db import connection, transaction

ROWS = int(os.environ.get("BENCH_EXPORT_ROWS", 500_000))
BIN = "770000000001"
ON = "2026-03-02"

CHILD = """
import datetime, json, sys, time, django
django.setup()
from django.contrib.auth import get_user_model
from attachment.attached_list import attached_file, attached_for_export
from attachment.models import Organization
from patients import tabular

def vm(key):
    with open("/proc/self/status") as status:
        return next(int(l.split()[1]) for l in status if l.startswith(key + ":")) / 1024

organization = Organization.objects.get(bin=sys.argv[1])
user = get_user_model().objects.get(username="bench-export")
before = vm("VmRSS")
started = time.perf_counter()
on = datetime.date.fromisoformat(sys.argv[3])
queryset = attached_for_export(user=user, organization=organization, on=on)
written = attached_file(queryset, file_format=sys.argv[2])
size = 0
for chunk in tabular.file_response(written, file_format=sys.argv[2], filename="x").streaming_content:
    size += len(chunk)
elapsed = time.perf_counter() - started
figures = {"rows": written.rows, "seconds": elapsed, "bytes": size}
print(json.dumps(figures | {"rss_before": before, "peak": vm("VmHWM")}))
"""


def _generate() -> None:
    from attachment.models import Ground
    from patients.models import Atu

    atu_id = Atu.objects.filter(level=Atu.Level.CITY_DISTRICT).values_list("pk", flat=True).first()
    ground_id = Ground.objects.get(code=2).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO attachment_organization (bin, name_kk, name_ru, atu_id, address, phone, is_state)
            VALUES (%(bin)s, 'Емхана', 'Поликлиника (выгрузка)', %(atu)s, '', '', TRUE)
            """,
            {"bin": BIN, "atu": atu_id},
        )
        cursor.execute(
            """
            INSERT INTO attachment_district (organization_id, code, kind, specialist, atu_id, capacity)
            SELECT id, '01', 'general', '', atu_id, 1000000 FROM attachment_organization WHERE bin = %s
            """,
            [BIN],
        )
        cursor.execute(
            """
            INSERT INTO patients_person (iin, last_name, first_name, middle_name, birth_date, sex,
                citizenship, category, residence_address, residence_kind, created_at, updated_at)
            SELECT '77' || lpad(i::text, 10, '0'), 'Фамилия' || (i %% 1000), 'Имя' || (i %% 300),
                   'Отчество', DATE '1930-01-01' + (i %% 34000), CASE WHEN i %% 2 = 0 THEN 'M' ELSE 'F' END,
                   'KZ', 1, 'bench', 'permanent', now(), now()
              FROM generate_series(1, %(rows)s) i
            """,
            {"rows": ROWS},
        )
        cursor.execute(
            """
            INSERT INTO attachment_attachment (person_id, organization_id, district_id, ground_id, channel,
                valid_from, valid_to, end_reason, end_reason_before_death, reason, created_at)
            SELECT p.id, d.organization_id, d.id, %(ground)s, 'clinic', DATE '2026-01-01', NULL,
                   '', '', '', now()
              FROM patients_person p, attachment_district d
              JOIN attachment_organization o ON o.id = d.organization_id AND o.bin = %(bin)s
             WHERE p.iin LIKE '77%%' AND p.residence_address = 'bench'
            """,
            {"ground": ground_id, "bin": BIN},
        )
        cursor.execute("ANALYZE patients_person, attachment_attachment")


def _remove() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM attachment_attachment WHERE organization_id = "
            "(SELECT id FROM attachment_organization WHERE bin = %s)",
            [BIN],
        )
        cursor.execute("DELETE FROM patients_person WHERE iin LIKE '77%%' AND residence_address = 'bench'")
        cursor.execute(
            "DELETE FROM attachment_district WHERE organization_id = "
            "(SELECT id FROM attachment_organization WHERE bin = %s)",
            [BIN],
        )
        cursor.execute("DELETE FROM attachment_organization WHERE bin = %s", [BIN])


def _export(file_format: str) -> dict:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(
        [sys.executable, "-c", CHILD, BIN, file_format, ON],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def run():
    from django.contrib.auth import get_user_model

    user, _ = get_user_model().objects.get_or_create(username="bench-export", defaults={"is_superuser": True})
    user.is_superuser = True
    user.save()
    _remove()
    started = time.perf_counter()
    _generate()
    print(f"generated {ROWS:,} attachments in {time.perf_counter() - started:.1f} s", flush=True)
    try:
        for file_format in ("csv", "xlsx"):
            figures = _export(file_format)
            assert figures["rows"] == ROWS, figures
            print(
                f"{file_format}: {figures['rows']:,} rows in {figures['seconds']:.1f} s = "
                f"{figures['rows'] / figures['seconds']:,.0f} rows/s, {figures['bytes'] / 2**20:.1f} MiB; "
                f"RSS {figures['rss_before']:.0f} MB before, peak {figures['peak']:.0f} MB",
                flush=True,
            )
    finally:
        _remove()
