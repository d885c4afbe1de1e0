"""Reconciliation of a 1,000,000-row register extract with a clinic's list (goal: under 2 minutes).

Generates one organization with 1,000,000 attached persons (valid IINs, set-wise COPY and SQL) and
a register extract of 1,000,000 rows in the import's format: 10,000 of the clinic's people missing
(here only), 10,000 people the clinic does not have (register only), 10,000 attached elsewhere and
1,000 dead per the register, the rest on both lists. Times `reconciliation_compare` (the dry run,
the file read as the command reads it) and `reconciliation_apply` (20,000 attachments ended with
history, 1,000 deaths recorded through the death service), prints the figures, and deletes what
it generated. `make bench BENCH=reconcile`; BENCH_RECONCILE_ROWS changes the 1,000,000.
"""

import datetime
import itertools
import os
import tempfile
import time

from django.db import connection, transaction

ROWS = int(os.environ.get("BENCH_RECONCILE_ROWS", 1_000_000))
BIN, OTHER_BIN = "880000000001", "880000000002"
ON = datetime.date(2026, 3, 2)
MARK = "bench-reconcile"
SURNAMES = ("Ахметов", "Серикова", "Иванов", "Жумабаев", "Касымова", "Нургалиев", "Петрова", "Омаров")
NAMES = ("Асан", "Айгерим", "Данияр", "Мария", "Ерлан", "Гульнара", "Тимур")
PART = max(ROWS // 100, 1)  # here only, register only, elsewhere: 1 % each
DEAD = max(ROWS // 1000, 1)


def _iins(count: int, *, start: datetime.date):
    """Valid IINs (decree 565 check digit), born from `start` on, never issued ones skipped."""
    from patients.iin import make_iin

    day, serial = start, 0
    while count:
        iin = make_iin(day, "M" if serial % 2 else "F", serial)
        if iin is not None:
            yield iin, day, "M" if serial % 2 else "F"
            count -= 1
        serial += 1
        if serial == 10000:
            day, serial = day + datetime.timedelta(days=1), 0


def _generate() -> str:
    from attachment.models import Ground
    from patients.models import Atu

    atu_id = Atu.objects.filter(level=Atu.Level.CITY_DISTRICT).values_list("pk", flat=True).first()
    ground_id = Ground.objects.get(code=1).pk
    with transaction.atomic(), connection.cursor() as cursor:
        for bin_ in (BIN, OTHER_BIN):
            cursor.execute(
                """INSERT INTO attachment_organization
                     (bin, name_kk, name_ru, atu_id, address, phone, is_state)
                   VALUES (%s, 'Емхана', 'Поликлиника (сверка)', %s, '', '', TRUE)""",
                [bin_, atu_id],
            )
        people = _iins(ROWS + PART, start=datetime.date(1921, 1, 1))
        with cursor.copy(
            "COPY patients_person (iin, last_name, first_name, middle_name, birth_date, sex, citizenship, "
            "category, residence_address, residence_kind, created_at, updated_at) FROM STDIN"
        ) as copy:
            for number, (iin, born, sex) in enumerate(itertools.islice(people, ROWS)):
                copy.write_row(
                    (
                        iin,
                        SURNAMES[number % len(SURNAMES)],
                        NAMES[number % len(NAMES)],
                        "",
                        born,
                        sex,
                        "KZ",
                        1,
                        MARK,
                        "permanent",
                        "2026-01-01 00:00+00",
                        "2026-01-01 00:00+00",
                    )
                )
        # The register's people the clinic does not have: IINs of no person here.
        cursor.execute("CREATE TEMP TABLE bench_register_only (iin text)")
        with cursor.copy("COPY bench_register_only FROM STDIN") as copy:
            for iin, _born, _sex in people:
                copy.write_row((iin,))
        cursor.execute(
            """INSERT INTO attachment_attachment (person_id, organization_id, ground_id, channel, valid_from,
                   end_reason, end_reason_before_death, reason, created_at)
               SELECT p.id, o.id, %s, 'import', DATE '2025-01-01', '', '', '', now()
                 FROM patients_person p, attachment_organization o
                WHERE p.residence_address = %s AND o.bin = %s ORDER BY p.id""",
            [ground_id, MARK, BIN],
        )
        cursor.execute("ANALYZE patients_person, attachment_attachment")
        path = tempfile.mkstemp(suffix=".csv", prefix="bench-reconcile-")[1]
        with open(path, "wb") as out:
            with cursor.copy(
                f"""COPY (
                  SELECT p.iin, p.last_name, p.first_name,
                         CASE WHEN n %% 100 = 1 THEN '{OTHER_BIN}' ELSE '{BIN}' END,
                         CASE WHEN n %% 100 = 1 THEN DATE '2026-02-01' ELSE DATE '2025-01-01' END, 1,
                         CASE WHEN n %% 1000 = 2 THEN DATE '2026-02-10' END
                    FROM (SELECT p.*, row_number() OVER (ORDER BY p.id) AS n FROM patients_person p
                           WHERE p.residence_address = %s) p
                   WHERE n %% 100 <> 0
                  UNION ALL
                  SELECT iin, 'Реестр', 'Новый', '{BIN}', DATE '2025-01-01', 1, NULL FROM bench_register_only
                ) TO STDOUT WITH (FORMAT csv, HEADER false)""",
                [MARK],
            ) as copy:
                out.write(b"iin,last_name,first_name,organization_bin,attached_on,ground,date_of_death\n")
                for data in copy:
                    out.write(data)
        cursor.execute("DROP TABLE bench_register_only")
    return path


def _remove() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            """DELETE FROM attachment_reconciliationrow WHERE reconciliation_id IN (
                 SELECT r.id FROM attachment_reconciliation r JOIN attachment_organization o
                   ON o.id = r.organization_id WHERE o.bin = %s)""",
            [BIN],
        )
        cursor.execute(
            """DELETE FROM attachment_historicalreconciliation WHERE organization_id IN (
                 SELECT id FROM attachment_organization WHERE bin = %s)""",
            [BIN],
        )
        cursor.execute(
            """DELETE FROM attachment_reconciliation WHERE organization_id IN (
                 SELECT id FROM attachment_organization WHERE bin = %s)""",
            [BIN],
        )
        marked = "SELECT id FROM patients_person WHERE residence_address = %s"
        cursor.execute(f"DELETE FROM attachment_historicalattachment WHERE person_id IN ({marked})", [MARK])
        cursor.execute(f"DELETE FROM attachment_attachment WHERE person_id IN ({marked})", [MARK])
        cursor.execute(f"DELETE FROM patients_historicalperson WHERE id IN ({marked})", [MARK])
        cursor.execute("DELETE FROM patients_person WHERE residence_address = %s", [MARK])
        cursor.execute("DELETE FROM attachment_organization WHERE bin IN (%s, %s)", [BIN, OTHER_BIN])


def run():
    from django.contrib.auth import get_user_model

    from attachment.models import Organization
    from attachment.services.reconcile import reconciliation_apply, reconciliation_compare

    user, _ = get_user_model().objects.get_or_create(username="bench-reconcile")
    user.is_superuser = True
    user.save()
    _remove()
    started = time.perf_counter()
    path = _generate()
    print(
        f"generated {ROWS:,} attachments and an extract of {ROWS:,} rows in "
        f"{time.perf_counter() - started:.1f} s",
        flush=True,
    )
    try:
        organization = Organization.objects.get(bin=BIN)
        started = time.perf_counter()
        with open(path, "rb") as stream:
            run_ = reconciliation_compare(
                stream=stream, file_name="bench.csv", organization=organization, on=ON, user=user
            )
        compared = time.perf_counter() - started
        print(
            f"compare (dry run): {run_.rows:,} rows in {compared:.1f} s "
            f"= {run_.rows / compared:,.0f} rows/s; "
            f"both={run_.both:,} here_only={run_.here_only:,} register_only={run_.register_only:,} "
            f"elsewhere={run_.elsewhere:,} dead={run_.dead:,}",
            flush=True,
        )
        started = time.perf_counter()
        result = reconciliation_apply(reconciliation=run_, user=user)
        applied = time.perf_counter() - started
        print(f"apply: {result.summary} in {applied:.1f} s", flush=True)
        print(f"compare + apply: {compared + applied:.1f} s (goal < 120 s)", flush=True)
    finally:
        os.unlink(path)
        _remove()
