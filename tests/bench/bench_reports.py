"""Attached population as of a date over 1,000,000 attachments with history (goal < 2 s).

Generates, set-wise in SQL: 200 organizations with 10 districts each, 800,000 persons and
1,000,000 attachments (200,000 persons moved once: an ended attachment and a current one, the
rest one open attachment), then times the report grouped by organization, sex and age group
(`attachment.reports.selectors.population_on`, one aggregate statement), for today and for a past
date. Run with `make bench BENCH=reports` (BENCH_REPORT_PERSONS changes the 800,000). The covering
indexes of migration attachment/0005_report_indexes let PostgreSQL merge-join two index-only scans
by person id.
"""

import datetime
import os
import statistics
import time

from django.db import connection, transaction
from django.utils import timezone

PERSONS = int(os.environ.get("BENCH_REPORT_PERSONS", 800_000))
MOVED = PERSONS // 4
ORGANIZATIONS = 200
DISTRICTS_PER_ORGANIZATION = 10
RUNS = 5
BY = ["organization", "sex", "age_group"]


def _generate() -> None:
    from attachment.models import Attachment, Ground
    from patients.models import Atu

    atu_ids = list(Atu.objects.filter(level=Atu.Level.CITY_DISTRICT).values_list("pk", flat=True))
    ground_id = Ground.objects.get(code=2).pk
    moved_ground_id = Ground.objects.get(code=1).pk
    # The one-attachment-per-date exclusion constraint is dropped for the bulk load and added
    # back afterwards (one GiST build instead of a million inserts into it); adding it back
    # checks every row, so the generated history obeys the invariant.
    one_per_date = next(
        c for c in Attachment._meta.constraints if c.name == "attachment_one_per_person_per_date"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        with connection.schema_editor(atomic=False) as editor:
            editor.remove_constraint(Attachment, one_per_date)
        cursor.execute(
            """
            INSERT INTO attachment_organization (bin, name_kk, name_ru, atu_id, address, phone, is_state)
            SELECT lpad((880000000000 + i)::text, 12, '0'), 'Емхана ' || i, 'Поликлиника ' || i,
                   (%(atus)s::bigint[])[1 + i %% array_length(%(atus)s::bigint[], 1)], '', '', TRUE
              FROM generate_series(1, %(orgs)s) i
            """,
            {"atus": atu_ids, "orgs": ORGANIZATIONS},
        )
        cursor.execute(
            """
            INSERT INTO attachment_district (organization_id, code, kind, specialist, atu_id, capacity)
            SELECT o.id, lpad(d::text, 2, '0'), 'general', '', o.atu_id, 2000
              FROM attachment_organization o, generate_series(1, %(n)s) d
             WHERE o.bin LIKE '88%%'
            """,
            {"n": DISTRICTS_PER_ORGANIZATION},
        )
        cursor.execute(
            """
            INSERT INTO patients_person (iin, last_name, first_name, middle_name, birth_date, sex,
                citizenship, category, residence_address, residence_kind, created_at, updated_at)
            SELECT '9' || lpad(i::text, 11, '0'), 'Фамилия', 'Имя', '',
                   DATE '1930-01-01' + (random() * 34000)::int,
                   CASE WHEN random() < 0.5 THEN 'M' ELSE 'F' END,
                   'KZ', 1, 'bench', 'permanent', now(), now()
              FROM generate_series(1, %(persons)s) i
            """,
            {"persons": PERSONS},
        )
        # Fresh statistics, or the planner takes the new tables for empty and nests loops.
        cursor.execute("ANALYZE patients_person, attachment_organization, attachment_district")
        # Every person: one current attachment; the first MOVED persons also an earlier one that
        # ended the day before (a re-attachment), so the past date counts differently.
        cursor.execute(
            """
            WITH people AS (
                SELECT p.id, row_number() OVER (ORDER BY p.id) AS n,
                       greatest(p.birth_date, DATE '2015-01-01') AS since
                  FROM patients_person p WHERE p.residence_address = 'bench'
            ), orgs AS (
                SELECT o.id, row_number() OVER (ORDER BY o.id) - 1 AS k
                  FROM attachment_organization o WHERE o.bin LIKE '88%%'
            ), districts AS (
                SELECT d.id, d.organization_id,
                       row_number() OVER (PARTITION BY d.organization_id ORDER BY d.id) - 1 AS k
                  FROM attachment_district d JOIN orgs ON orgs.id = d.organization_id
            )
            INSERT INTO attachment_attachment (person_id, organization_id, district_id, ground_id, channel,
                valid_from, valid_to, end_reason, end_reason_before_death, reason, created_at)
            SELECT people.id, o.id, d.id,
                   CASE WHEN people.n <= %(moved)s THEN %(moved_ground)s ELSE %(ground)s END, 'clinic',
                   CASE WHEN people.n <= %(moved)s THEN DATE '2025-06-01' ELSE people.since END,
                   NULL, '', '', '', now()
              FROM people
              JOIN orgs o ON o.k = people.n %% %(orgs)s
              JOIN districts d ON d.organization_id = o.id AND d.k = people.n %% %(districts)s
            UNION ALL
            SELECT people.id, o.id, d.id, %(ground)s, 'clinic', people.since,
                   DATE '2025-05-31', 'moved', '', '', now()
              FROM people
              JOIN orgs o ON o.k = (people.n + 7) %% %(orgs)s
              JOIN districts d ON d.organization_id = o.id AND d.k = people.n %% %(districts)s
             WHERE people.n <= %(moved)s AND people.since < DATE '2025-05-31'
            """,
            {
                "moved": MOVED,
                "ground": ground_id,
                "moved_ground": moved_ground_id,
                "orgs": ORGANIZATIONS,
                "districts": DISTRICTS_PER_ORGANIZATION,
            },
        )
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # check the deferred foreign keys now
        with connection.schema_editor(atomic=False) as editor:
            editor.add_constraint(Attachment, one_per_date)
    with connection.cursor() as cursor:
        # As autovacuum would: statistics, and the visibility map the index-only scans use.
        for table in ("patients_person", "attachment_attachment", "attachment_agegroup"):
            cursor.execute(f"VACUUM ANALYZE {table}")
        cursor.execute("SELECT count(*) FROM attachment_attachment")
        print(f"attachments: {cursor.fetchone()[0]:,}", flush=True)


def _time(on: datetime.date) -> tuple[float, int, int]:
    from attachment.reports.selectors import population_on

    timings, table = [], None
    for _ in range(RUNS):
        started = time.perf_counter()
        table = population_on(on=on, by=BY, organizations=None)
        timings.append(time.perf_counter() - started)
    return statistics.median(timings), table.total, len(table.rows)


def run() -> None:
    from attachment.reports import reference_data
    from patients.models import Person

    reference_data.load()
    if not Person.objects.filter(residence_address="bench").exists():
        started = time.perf_counter()
        _generate()
        print(f"generated in {time.perf_counter() - started:.1f} s", flush=True)
    for on in (timezone.localdate(), datetime.date(2025, 3, 1)):
        median, total, rows = _time(on)
        print(
            f"attached population on {on} by organization, sex, age group: "
            f"{median:.3f} s (median of {RUNS}); {total:,} attached in {rows:,} rows; goal < 2 s",
            flush=True,
        )
