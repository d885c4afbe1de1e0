"""Person search: p50/p95 of name and partial-IIN searches; the import with and without the name index.

Generates, set-wise in SQL, BENCH_SEARCH_PERSONS persons (default 2,000,000) with Kazakh and
Russian names (about 2,000 surnames, 100 given names per sex, patronymics) and IINs that begin
with their birth dates; half of them attached to one organization. Then a registrar of that
organization searches through the page (Django's test client in this process: the view, the
query, the attachments column, the access-log rows and the template, without the network) by
surname and given name as stored, in Latin letters, with one wrong letter, by surname alone, and
by the first 6 and 8 digits of an IIN: p50/p95 per kind, goal p95 under 50 ms.

Each search is also timed apart through the selector alone (`person_search`: its queries and
their rows, without the page's middleware, access log and template).

Last, BENCH_SEARCH_IMPORT_ROWS (default 100,000) new persons are imported with
`import_population`, alternately without and with the trigram index on the name
(`person_name_key_trgm`), BENCH_SEARCH_ROUNDS times each (default 2): rows/s of each import.
The generated persons and their attachments are deleted afterwards; the imported ones stay, as
bench_import's do. Run with `make bench BENCH=search`.
"""

import datetime
import os
import random
import statistics
import tempfile
import time
from pathlib import Path

from django.db import connection, transaction
from django.test.utils import override_settings

PERSONS = int(os.environ.get("BENCH_SEARCH_PERSONS", 2_000_000))
IMPORT_ROWS = int(os.environ.get("BENCH_SEARCH_IMPORT_ROWS", 100_000))
ROUNDS = int(os.environ.get("BENCH_SEARCH_ROUNDS", 2))
SAMPLES = int(os.environ.get("BENCH_SEARCH_SAMPLES", 200))
BIN = "770000000002"
MARK = "bench-search"
USER = "bench-search-registrar"
INDEX = "person_name_key_trgm"
INDEX_SQL = f"CREATE INDEX {INDEX} ON patients_person USING gin (name_key gin_trgm_ops)"

# Stems take the endings -ов/-ова, -ев/-ева or none; with the syllables between, about 2,000 surnames.
STEMS = (
    "Ахмет Жұмабай Нұрлан Сейіт Серік Қасым Әли Бекмұхамбет Тоқтар Ерлан Сапар Иван Петр Смирн Кузнец "
    "Поп Сокол Лебед Козл Новик Мороз Волк Алексе Макар Андре Захар Жаксыбек Омар Мұхамед Исмаил "
    "Төлеген Бақыт Дәурен Қайрат Мұрат Асқар Ғали Оспан Ермек Нұрсейіт Әбіл Құрман Есен Сұлтан Шәкен "
    "Бейсен Темір Ыбырай Жан Айтбай"
).split()
SYLLABLES = ["", "ба", "бек", "жан", "хан", "қали", "тай", "бай", "ғали", "мұрат", "ұлан", "кен", "ен", "ай"]
MALE = (
    "Айдар Ерлан Тимур Нұрсұлтан Қайрат Асқар Дәурен Мұрат Бақыт Ержан Серік Арман Ғалым Дамир Азамат "
    "Руслан Алексей Иван Сергей Дмитрий Андрей Максим Әлихан Санжар Ілияс Нұрлан Бауыржан Жандос Еркін "
    "Талғат Марат Әділ Болат Ринат Олжас Медет Рустем Қуаныш Жасұлан Ақжол"
).split()
FEMALE = (
    "Асель Әсел Әсем Дина Мария Айгүл Гүлнар Жанна Ләззат Ақмарал Динара Салтанат Айжан Мадина Аружан "
    "Әйгерім Жансая Томирис Елена Ольга Наталья Татьяна Юлия Анна Гүлмира Роза Сәуле Айнұр Меруерт "
    "Балжан Ұлжан Гаухар Камила Амина Інжу Шолпан Назым Зарина Жұлдыз Раушан"
).split()


def _generate() -> None:
    from attachment.models import Ground
    from patients.models import Atu

    atu_id = Atu.objects.filter(level=Atu.Level.CITY_DISTRICT).values_list("pk", flat=True).first()
    ground_id = Ground.objects.get(code=2).pk
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SELECT setseed(0.2026)")
        cursor.execute(
            """
            INSERT INTO attachment_organization (bin, name_kk, name_ru, atu_id, address, phone, is_state)
            VALUES (%(bin)s, 'Емхана (іздеу)', 'Поликлиника (поиск)', %(atu)s, '', '', TRUE)
            """,
            {"bin": BIN, "atu": atu_id},
        )
        cursor.execute(
            """
            INSERT INTO attachment_district (organization_id, code, kind, specialist, atu_id, capacity)
            SELECT id, '01', 'general', '', atu_id, 10000000 FROM attachment_organization WHERE bin = %s
            """,
            [BIN],
        )
        # Persons i = 0 … N-1: born on day i mod 29,000 from 1940-01-01, serial i / 29,000 (from 5000,
        # clear of make_iin's serials), so IINs are unique and begin with the birth date; the check
        # digit is not computed (the table asks for 12 digits only).
        cursor.execute(
            """
            INSERT INTO patients_person (iin, last_name, first_name, middle_name, birth_date, sex,
                citizenship, category, residence_address, residence_kind, created_at, updated_at)
            SELECT to_char(born, 'YYMMDD')
                   || CASE WHEN born < DATE '2000-01-01' THEN (CASE WHEN male THEN '3' ELSE '4' END)
                           ELSE (CASE WHEN male THEN '5' ELSE '6' END) END
                   || lpad((5000 + i / 29000)::text, 4, '0') || '0',
                   stem || syllable || CASE WHEN ending = 0 THEN ''
                                            WHEN male THEN (CASE WHEN ending = 1 THEN 'ов' ELSE 'ев' END)
                                            ELSE (CASE WHEN ending = 1 THEN 'ова' ELSE 'ева' END) END,
                   CASE WHEN male THEN (%(male)s::text[])[1 + (random() * %(males)s)::int]
                        ELSE (%(female)s::text[])[1 + (random() * %(females)s)::int] END,
                   father || CASE WHEN random() < 0.5 THEN (CASE WHEN male THEN 'ұлы' ELSE 'қызы' END)
                                  ELSE (CASE WHEN male THEN 'ович' ELSE 'овна' END) END,
                   born, CASE WHEN male THEN 'M' ELSE 'F' END, 'KZ', 1, %(mark)s, 'permanent', now(), now()
              FROM (
                SELECT i, DATE '1940-01-01' + (i %% 29000) AS born, random() < 0.5 AS male,
                       (%(stems)s::text[])[1 + (random() * %(stem_count)s)::int] AS stem,
                       (%(syllables)s::text[])[1 + (random() * %(syllable_count)s)::int] AS syllable,
                       (random() * 2)::int AS ending,
                       (%(male)s::text[])[1 + (random() * %(males)s)::int] AS father
                  FROM generate_series(0, %(rows)s - 1) i
              ) g
            """,
            {
                "rows": PERSONS,
                "mark": MARK,
                "stems": STEMS,
                "syllables": SYLLABLES,
                "male": MALE,
                "female": FEMALE,
                "males": len(MALE) - 1,
                "stem_count": len(STEMS) - 1,
                "syllable_count": len(SYLLABLES) - 1,
                "females": len(FEMALE) - 1,
            },
        )
        cursor.execute(
            """
            INSERT INTO attachment_attachment (person_id, organization_id, district_id, ground_id, channel,
                valid_from, valid_to, end_reason, end_reason_before_death, reason, created_at)
            SELECT p.id, d.organization_id, d.id, %(ground)s, 'clinic',
                   GREATEST(p.birth_date, DATE '2024-01-01'), NULL, '', '', '', now()
              FROM patients_person p, attachment_district d
              JOIN attachment_organization o ON o.id = d.organization_id AND o.bin = %(bin)s
             WHERE p.residence_address = %(mark)s AND p.id %% 2 = 0
            """,
            {"ground": ground_id, "bin": BIN, "mark": MARK},
        )
        cursor.execute(
            "UPDATE patients_person SET residence_atu_id = %s WHERE residence_address = %s", [atu_id, MARK]
        )
        cursor.execute("ANALYZE patients_person, attachment_attachment")


def _remove() -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM attachment_attachment WHERE organization_id IN "
            "(SELECT id FROM attachment_organization WHERE bin = %s)",
            [BIN],
        )
        cursor.execute(
            "DELETE FROM patients_personaccesslog WHERE person_id IN "
            "(SELECT id FROM patients_person WHERE residence_address = %s)",
            [MARK],
        )
        cursor.execute(
            "DELETE FROM patients_historicalpersonaccesslog WHERE person_id IN "
            "(SELECT id FROM patients_person WHERE residence_address = %s)",
            [MARK],
        )
        cursor.execute("DELETE FROM patients_person WHERE residence_address = %s", [MARK])
        cursor.execute(
            "DELETE FROM patients_staffprofile WHERE organization_id IN "
            "(SELECT id FROM attachment_organization WHERE bin = %s)",
            [BIN],
        )
        cursor.execute(
            "DELETE FROM attachment_district WHERE organization_id IN "
            "(SELECT id FROM attachment_organization WHERE bin = %s)",
            [BIN],
        )
        cursor.execute("DELETE FROM attachment_organization WHERE bin = %s", [BIN])


def _registrar():
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from attachment.models import Organization
    from patients.access import REGISTRAR, roles_ensure
    from patients.models import StaffProfile

    roles_ensure()
    user, _ = get_user_model().objects.get_or_create(username=USER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=REGISTRAR))
    StaffProfile.objects.update_or_create(
        user=user, defaults={"organization": Organization.objects.get(bin=BIN)}
    )
    return user


def _typo(word: str, rng: random.Random) -> str:
    """One letter of the word's middle replaced by another."""
    at = rng.randrange(2, max(3, len(word) - 2))
    letters = [c for c in "аеоиуыәөұүнрлк" if c != word[at].lower()]
    return word[:at] + rng.choice(letters) + word[at + 1 :]


def _queries(rng: random.Random) -> dict[str, list[dict]]:
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT iin, last_name, first_name, lower(name_fold(last_name || ' ' || first_name))
              FROM patients_person TABLESAMPLE SYSTEM (1) REPEATABLE (7)
             WHERE residence_address = %s LIMIT %s
            """,
            [MARK, SAMPLES],
        )
        sample = cursor.fetchall()
    return {
        "name: surname and given name": [{"name": f"{last} {first}"} for _iin, last, first, _l in sample],
        "name: Latin letters": [{"name": latin} for *_rest, latin in sample],
        "name: one wrong letter": [
            {"name": f"{_typo(last, rng)} {first}"} for _iin, last, first, _l in sample
        ],
        "name: surname alone": [{"name": last} for _iin, last, _f, _l in sample],
        "name: surname and birth year": [
            {"name": last, "birth_year": 1940 + rng.randrange(80)} for _iin, last, _f, _l in sample
        ],
        "IIN: first 6 digits": [{"iin": iin[:6]} for iin, *_rest in sample],
        "IIN: first 8 digits, spaced": [{"iin": f"{iin[:6]} {iin[6:8]}"} for iin, *_rest in sample],
    }


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def _measure(client, url: str, label: str, batch: list[dict], by_family: dict[str, list[float]]) -> None:
    """The page (request to response) and, apart, the selector alone (its queries)."""
    from patients.forms import PersonSearchForm
    from patients.selectors import SEARCH_LIMIT, person_search

    times, selector_times, listed = [], [], []
    for data in batch:
        started = time.perf_counter()
        response = client.post(url, data, secure=True)
        times.append(time.perf_counter() - started)
        assert response.status_code == 200, (label, response.status_code)
        listed.append(response.content.decode().count("<tr><td><a href="))
        form = PersonSearchForm(data)
        assert form.is_valid(), form.errors
        fields = {k: form.cleaned_data[k] for k in ("iin", "name", "birth_date", "birth_year", "sex")}
        started = time.perf_counter()
        person_search(**fields, limit=SEARCH_LIMIT + 1)
        selector_times.append(time.perf_counter() - started)
    by_family[label.split(":")[0]] += times
    by_family[f"{label.split(':')[0]} (selector)"] += selector_times
    print(
        f"  {label:<30} n={len(times):>4}  page p50 {_percentile(times, 0.5) * 1000:6.1f} ms"
        f"  p95 {_percentile(times, 0.95) * 1000:6.1f} ms; selector p50"
        f" {_percentile(selector_times, 0.5) * 1000:6.1f} ms"
        f"  p95 {_percentile(selector_times, 0.95) * 1000:6.1f} ms"
        f"  listed (median) {statistics.median(listed):.0f}",
        flush=True,
    )


def _searches() -> None:
    from django.test import Client
    from django.urls import reverse

    client = Client(HTTP_ACCEPT_LANGUAGE="ru")  # the test client's host, over HTTPS as in production
    client.force_login(_registrar())
    url = reverse("patients:search")
    rng = random.Random(20)
    queries = _queries(rng)
    by_family: dict[str, list[float]] = {"name": [], "IIN": [], "name (selector)": [], "IIN (selector)": []}
    # The access-log rows the searches write are rolled back with them (the log refuses deletes),
    # so that the generated persons can be removed afterwards.
    with transaction.atomic():
        for data in queries["name: surname and given name"][:20]:  # warm the caches and the connection
            client.post(url, data, secure=True)
        for label, batch in queries.items():
            _measure(client, url, label, batch, by_family)
        transaction.set_rollback(True)
    for family, times in by_family.items():
        p95 = _percentile(times, 0.95) * 1000
        print(
            f"  all {family + ' searches':<27} n={len(times):>4}"
            f"  p50 {_percentile(times, 0.5) * 1000:6.1f} ms"
            f"  p95 {p95:6.1f} ms  (goal p95 < 50 ms: {'met' if p95 < 50 else 'NOT met'})"
        )


def _set_index(present: bool) -> float:
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {INDEX}")
        if present:
            cursor.execute(INDEX_SQL)
    return time.perf_counter() - started


def _imports() -> None:
    from django.contrib.auth import get_user_model

    from . import bench_import

    get_user_model().objects.get_or_create(username=bench_import.BENCH_USER, defaults={"is_staff": True})
    organizations = bench_import._organizations()
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    rates: dict[bool, list[float]] = {False: [], True: []}
    # New persons on every run (a database kept between runs already has the earlier ones): days
    # far from bench_import's files and from the generated persons' serials.
    offset = 232_000 + int(time.time()) % 60 * 40_000
    try:
        for n in range(ROUNDS * 2):
            present = n % 2 == 1
            built = _set_index(present)
            path = workdir / f"import-{n}.csv"
            bench_import.write_file(path, organizations, IMPORT_ROWS, offset=offset + n * 4_000)
            connection.close()
            seconds, summary, _rss = bench_import._command(path)
            path.unlink()
            rates[present].append(IMPORT_ROWS / seconds)
            print(
                f"  import {n + 1}, {'with' if present else 'without'} the name index: "
                f"{IMPORT_ROWS / seconds:>9,.0f} rows/s ({seconds:.1f} s; index built in {built:.1f} s)"
                f"  {summary}",
                flush=True,
            )
    finally:
        _set_index(True)
        workdir.rmdir()
    without, with_ = statistics.mean(rates[False]), statistics.mean(rates[True])
    print(
        f"  import rate: {without:,.0f} rows/s without the index, {with_:,.0f} rows/s with it "
        f"(ratio {with_ / without:.2f}; {IMPORT_ROWS / with_ - IMPORT_ROWS / without:+.1f} s per "
        f"{IMPORT_ROWS:,} rows, {(1e6 / with_ - 1e6 / without):+.1f} s per million)"
    )


def run():
    _remove()
    started = time.perf_counter()
    _generate()
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM patients_person")
        total = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_relation_size(%s))", [INDEX])
        size = cursor.fetchone()[0]
    print(
        f"generated {PERSONS:,} persons ({total:,} in the table, name index {size}) "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    try:
        with override_settings(ALLOWED_HOSTS=["testserver"]):
            print(f"searches through the page at {total:,} persons, {datetime.date.today():%Y-%m-%d}:")
            _searches()
        print(f"register import of {IMPORT_ROWS:,} new persons at {total:,} persons:")
        _imports()
    finally:
        _remove()
