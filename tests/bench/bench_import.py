"""Register import: import_population vs row by row and bare COPY; registrars while it writes.

1,000,000 generated rows; django-import-export's default row-by-row import on a sample.
Then, while a second file of as many new persons is imported, a registrar process
(tests/bench/registrar.py) opens cards, searches by IIN and attaches persons who are not in the
file, and a third process imports another organization's file: p50/p95 of each registrar action
idle and during the import, errors, and both imports' rates. Last, two organizations' files are
imported one after the other and then side by side.

Environment: BENCH_ROWS (default 1,000,000), BENCH_SAMPLE (row-by-row sample, default 10,000),
BENCH_IDLE_SECONDS (registrar alone, default 30). Each import runs as `manage.py
import_population` in a child process, whose own peak RSS is read.
"""

import datetime
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

ROWS = int(os.environ.get("BENCH_ROWS", 1_000_000))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", 10_000))
ORGANIZATIONS = 200
BENCH_USER = "bench-admin"
REGISTRAR_USER = "bench-registrar"
DISTRICTS = 6
HEADER = (
    "iin,last_name,first_name,middle_name,birth_date,sex,citizenship,category,"
    "organization_bin,district_code,attached_on,ground,residence_kato,contract_number"
)
REGIONS = [
    "10",
    "11",
    "15",
    "19",
    "23",
    "27",
    "31",
    "33",
    "35",
    "39",
    "43",
    "47",
    "55",
    "59",
    "61",
    "62",
    "63",
]
SURNAMES = ["Ахметов", "Иванов", "Сейтқали", "Нұрланов", "Ким", "Жұмабаев", "Петров", "Әлиев"]
NAMES = ["Айдар", "Ерлан", "Асель", "Әсем", "Дина", "Тимур", "Мария", "Нұрсұлтан"]


def _organizations():
    """About 200 organizations in 200 district-level ATUs, several districts each (bench DB only)."""
    from attachment.models import District, IntegrationPeriod, Organization, PurchaseContract
    from patients.models import Atu

    regions = {a.kato[:2]: a for a in Atu.objects.filter(kato__in=[f"{r}0000000" for r in REGIONS])}
    result = []
    for n in range(ORGANIZATIONS):
        region = REGIONS[n % len(REGIONS)]
        kato = f"{region}{n // len(REGIONS) + 1:02d}00000"
        atu, _ = Atu.objects.get_or_create(
            kato=kato,
            defaults={
                "name_kk": f"Аудан {kato}",
                "name_ru": f"Район {kato}",
                "level": Atu.Level.DISTRICT,
                "parent": regions.get(region),
            },
        )
        org, created = Organization.objects.get_or_create(
            bin=f"{980000000000 + n:012d}",
            defaults={"name_kk": f"Емхана {n}", "name_ru": f"Поликлиника {n}", "atu": atu},
        )
        if created:
            PurchaseContract.objects.create(organization=org, valid_from=datetime.date(2020, 1, 1))
            IntegrationPeriod.objects.create(organization=org, valid_from=datetime.date(2020, 1, 1))
            for d in range(DISTRICTS):
                District.objects.create(
                    organization=org, code=f"{d + 1:02d}", kind="general", atu=atu, capacity=10_000
                )
        result.append((org.bin, kato))
    return result


def _iins(count: int, offset: int = 0):
    from patients.iin import make_iin

    start = datetime.date(1940, 1, 1)
    produced = 0
    day = offset
    while produced < count:
        birth = start + datetime.timedelta(days=day % 29_000)
        serial_base = (day // 29_000) * 50
        for serial in range(serial_base, serial_base + 50):
            iin = make_iin(birth, "M" if serial % 2 else "F", serial)
            if iin:
                yield iin, birth, "M" if serial % 2 else "F"
                produced += 1
                if produced == count:
                    return
        day += 1


def write_file(path: Path, organizations, count: int, offset: int = 0) -> None:
    with path.open("w", encoding="utf-8", newline="") as out:
        out.write(HEADER + "\n")
        for n, (iin, birth, sex) in enumerate(_iins(count, offset)):
            bin_, kato = organizations[n % len(organizations)]
            attached = datetime.date(2021, 1, 1) + datetime.timedelta(days=n % 1500)
            if attached < birth:
                attached = birth
            out.write(
                f"{iin},{SURNAMES[n % 8]},{NAMES[n // 8 % 8]},,{birth:%d.%m.%Y},{sex},KZ,1,"
                f"{bin_},{n % DISTRICTS + 1:02d},{attached.isoformat()},2,{kato},\n"
            )


def _peak_rss_mb(pid: int) -> float | None:
    """The process's own peak RSS (VmHWM of its address space, in MB); None once it has ended."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


class _ImportProcess:
    """`manage.py import_population` in a child process, started at once; `wait()` gives its time,
    summary line and peak RSS.

    The peak is read from the child's own address space while it runs. `getrusage(RUSAGE_CHILDREN)`
    would report the bench process instead: the child starts as a copy of it (vfork), and Linux
    keeps that copy's size as the child's maximum."""

    def __init__(self, path: Path):
        self.started = time.perf_counter()
        self.peak = 0.0
        self.output: list[str] = []
        self.child = subprocess.Popen(
            [sys.executable, "manage.py", "import_population", str(path), "--user", BENCH_USER],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.reader = threading.Thread(target=lambda: self.output.extend(self.child.communicate()))
        self.reader.start()
        self.watcher = threading.Thread(target=self._watch)
        self.watcher.start()
        self.elapsed = None

    def _watch(self):
        while self.reader.is_alive():
            self.peak = max(self.peak, _peak_rss_mb(self.child.pid) or 0.0)
            self.reader.join(0.2)
        self.elapsed = time.perf_counter() - self.started

    def wait(self) -> tuple[float, str, float]:
        self.watcher.join()
        stdout, stderr = self.output
        if self.child.returncode != 0:
            print(stderr[-3000:])
            raise SystemExit(f"import_population exited {self.child.returncode}")
        return self.elapsed, stdout.strip().splitlines()[-1], self.peak


def _command(path: Path) -> tuple[float, str, float]:
    return _ImportProcess(path).wait()


def _registrar_world(organization_bin: str, count: int, offset: int) -> tuple[str, list[int]]:
    """A registrar of the organization and `count` persons living in its ATU, in no file."""
    from attachment.models import Organization
    from patients.access import REGISTRAR, roles_ensure
    from patients.models import IdentityDocument, LegalCategory, Person, StaffProfile

    roles_ensure()
    organization = Organization.objects.get(bin=organization_bin)
    user, _ = get_user_model().objects.get_or_create(username=REGISTRAR_USER, defaults={"is_staff": True})
    user.groups.add(Group.objects.get(name=REGISTRAR))
    StaffProfile.objects.get_or_create(user=user, defaults={"organization": organization})
    people = Person.objects.bulk_create(
        Person(
            iin=iin,
            last_name="Пробин",
            first_name=NAMES[n % 8],
            birth_date=birth,
            sex=sex,
            category=LegalCategory.CITIZEN,
            residence_atu=organization.atu,
        )
        for n, (iin, birth, sex) in enumerate(_iins(count, offset))
    )
    IdentityDocument.objects.bulk_create(
        IdentityDocument(person=p, kind=IdentityDocument.Kind.ID_CARD, number=f"ID{p.iin}") for p in people
    )
    return REGISTRAR_USER, [p.pk for p in people]


class _Registrar:
    """tests/bench/registrar.py in a child process until `stop()`; its requests, read afterwards."""

    def __init__(self, workdir: Path, username: str, person_ids: list[int]):
        ids = workdir / "registrar-ids.txt"
        ids.write_text("\n".join(map(str, person_ids)))
        self.out, self.stop_file = workdir / "registrar.log", workdir / "registrar.stop"
        command = ["-m", "tests.bench.registrar", username, str(ids), str(self.out), str(self.stop_file)]
        self.child = subprocess.Popen([sys.executable, *command])

    def stop(self) -> list[tuple[float, str, float, str]]:
        self.stop_file.touch()
        self.child.wait(timeout=120)
        lines = [line.split() for line in self.out.read_text().splitlines()]
        return [(float(at), action, float(seconds), outcome) for at, action, seconds, outcome in lines]


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else float("nan")


def _print_requests(label: str, requests, since: float, until: float) -> dict[str, float]:
    """p50/p95 (ms) per action of the requests that started in [since, until]; returns the p95s."""
    p95s = {}
    for action in ("card", "search", "attach"):
        mine = [(s, o) for at, a, s, o in requests if a == action and since <= at - s and at <= until]
        times = [s for s, _ in mine]
        errors = sum(1 for _, outcome in mine if outcome != "ok")
        p95s[action] = _percentile(times, 0.95) * 1000
        print(
            f"  {label:<22} {action:<7} n={len(times):>5}  p50 {_percentile(times, 0.5) * 1000:7.1f} ms"
            f"  p95 {p95s[action]:7.1f} ms  errors {errors}"
        )
    return p95s


def _during_import(workdir: Path, organizations, copy_rate: float, rbr_rate: float) -> None:
    """Registrars and a second organization's import while a file of ROWS new persons is imported."""
    idle_seconds = float(os.environ.get("BENCH_IDLE_SECONDS", 30))
    username, ids = _registrar_world(organizations[0][0], 20_000, offset=160_000)
    big, other = workdir / "population-2.csv", workdir / "other-organization.csv"
    write_file(big, organizations[3:], ROWS, offset=80_000)
    write_file(other, organizations[1:2], ROWS // 20, offset=120_000)
    registrar = _Registrar(workdir, username, ids)
    time.sleep(3)  # the child's start-up is not a request
    idle_from = time.time()
    time.sleep(idle_seconds)
    busy_from = time.time()
    first, second = _ImportProcess(big), _ImportProcess(other)
    second_s, second_summary, _ = second.wait()
    first_s, first_summary, first_rss = first.wait()
    busy_until = time.time()
    requests = registrar.stop()
    print(f"registrars while {ROWS:,} new persons are imported (idle: {idle_seconds:.0f} s alone before):")
    idle = _print_requests("idle", requests, idle_from, busy_from)
    busy = _print_requests("during the import", requests, busy_from, busy_until)
    print(
        "  p95 during / idle: "
        + ", ".join(f"{action} {busy[action] / idle[action]:.2f}x" for action in ("card", "search", "attach"))
    )
    rate = ROWS / first_s
    print(
        f"import_population with registrars and a second import: {rate:,.0f} rows/s ({first_s:.1f} s, "
        f"{rate / copy_rate:.3f} of bare COPY, {rate / rbr_rate:.0f}x row by row, "
        f"peak RSS {first_rss:.0f} MB)  {first_summary}"
    )
    print(
        f"second organization's import meanwhile: {ROWS // 20 / second_s:,.0f} rows/s "
        f"({ROWS // 20:,} rows, {second_s:.1f} s)  {second_summary}"
    )
    for path in (big, other):
        path.unlink()


def _side_by_side(workdir: Path, organizations) -> None:
    """Two organizations' files one after the other, then two others side by side."""
    rows = ROWS // 10
    files = [workdir / f"organization-{n}.csv" for n in range(4)]
    for n, path in enumerate(files):
        write_file(path, organizations[1 + n % 2 : 2 + n % 2], rows, offset=200_000 + 40_000 * n)
    started = time.perf_counter()
    _command(files[0])
    _command(files[1])
    sequential = time.perf_counter() - started
    started = time.perf_counter()
    pair = [_ImportProcess(files[2]), _ImportProcess(files[3])]
    for process in pair:
        process.wait()
    parallel = time.perf_counter() - started
    print(
        f"two organizations' imports of {rows:,} rows each: one after the other {sequential:.1f} s, "
        f"side by side {parallel:.1f} s (side by side / one after the other = {parallel / sequential:.2f})"
    )
    for path in files:
        path.unlink()


def _bare_copy(path: Path) -> float:
    from django.db import connection

    from attachment.importing import parsing

    with path.open("rb") as stream:
        fmt = parsing.detect_format(stream.read(parsing.SAMPLE))
        started = time.perf_counter()
        with connection.cursor() as cursor:
            parsing.create_staging(cursor, fmt)
            parsing.copy_file(cursor, stream, fmt)
            cursor.execute(f"DROP TABLE {parsing.STAGING}")
    return time.perf_counter() - started


def _row_by_row(path: Path) -> float:
    """django-import-export's default import (PersonResource: persons only, history per row)."""
    import tablib

    from patients.resources import PersonResource

    with path.open(encoding="utf-8") as source:
        dataset = tablib.Dataset().load(source.read(), format="csv")
    dataset = dataset.subset(cols=["iin", "last_name", "first_name", "middle_name", "sex", "category"])
    birth = [datetime.datetime.strptime(r, "%d.%m.%Y").date().isoformat() for r in _column(path, 4)]
    dataset.append_col(birth, header="birth_date")
    started = time.perf_counter()
    result = PersonResource().import_data(dataset, dry_run=False, raise_errors=True)
    elapsed = time.perf_counter() - started
    assert not result.has_errors()
    return elapsed


def _column(path: Path, index: int):
    with path.open(encoding="utf-8") as source:
        next(source)
        for line in source:
            yield line.split(",")[index]


def run():
    from django.db import connection

    get_user_model().objects.get_or_create(username=BENCH_USER, defaults={"is_staff": True})
    organizations = _organizations()
    workdir = Path(tempfile.mkdtemp(prefix="bench-import-"))
    big, sample = workdir / "population.csv", workdir / "sample.csv"
    started = time.perf_counter()
    write_file(big, organizations, ROWS)
    write_file(sample, organizations, SAMPLE, offset=40_000)
    print(
        f"generated {ROWS:,} rows ({big.stat().st_size / 1e6:.0f} MB) "
        f"in {time.perf_counter() - started:.1f} s"
    )

    copy_s = _bare_copy(big)
    connection.close()
    first_s, first_summary, first_rss = _command(big)
    again_s, again_summary, again_rss = _command(big)
    rbr_s = _row_by_row(sample)

    copy_rate, first_rate = ROWS / copy_s, ROWS / first_s
    again_rate, rbr_rate = ROWS / again_s, SAMPLE / rbr_s
    print(f"bare COPY into unindexed staging:      {copy_rate:>12,.0f} rows/s ({copy_s:.1f} s)")
    print(
        f"import_population, first import:       {first_rate:>12,.0f} rows/s ({first_s:.1f} s)  "
        f"{first_summary}"
    )
    print(
        f"import_population, unchanged re-import: {again_rate:>11,.0f} rows/s ({again_s:.1f} s)  "
        f"{again_summary}"
    )
    print(
        f"django-import-export row by row:       {rbr_rate:>12,.0f} rows/s ({SAMPLE:,} rows, {rbr_s:.1f} s)"
    )
    print(
        f"ratios: first import / row-by-row = {first_rate / rbr_rate:.0f}x; "
        f"re-import / row-by-row = {again_rate / rbr_rate:.0f}x; "
        f"first import / bare COPY = {first_rate / copy_rate:.3f}; "
        f"re-import / bare COPY = {again_rate / copy_rate:.3f}"
    )
    print(f"peak RSS of import_population: {first_rss:.0f} MB (first), {again_rss:.0f} MB (re-import)")
    for path in (big, sample):
        path.unlink()
    _during_import(workdir, organizations, copy_rate, rbr_rate)
    _side_by_side(workdir, organizations)
    for path in workdir.iterdir():
        path.unlink()
    workdir.rmdir()
