"""Register import: import_population (first import, unchanged re-import) vs row by row and bare COPY.

1,000,000 generated rows; django-import-export's default row-by-row import on a sample.

Environment: BENCH_ROWS (default 1,000,000), BENCH_SAMPLE (row-by-row sample, default 10,000).
The import runs as `manage.py import_population` in a child process, whose own peak RSS is read.
"""

import datetime
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROWS = int(os.environ.get("BENCH_ROWS", 1_000_000))
SAMPLE = int(os.environ.get("BENCH_SAMPLE", 10_000))
ORGANIZATIONS = 200
BENCH_USER = "bench-admin"
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


def _command(path: Path) -> tuple[float, str, float]:
    """Run the import as a child process: its time, summary line and peak RSS.

    The peak is read from the child's own address space while it runs. `getrusage(RUSAGE_CHILDREN)`
    would report the bench process instead: the child starts as a copy of it (vfork), and Linux
    keeps that copy's size as the child's maximum."""
    started = time.perf_counter()
    peak = 0.0
    with subprocess.Popen(
        [sys.executable, "manage.py", "import_population", str(path), "--user", BENCH_USER],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as child:
        output: list[str] = []
        reader = threading.Thread(target=lambda: output.extend(child.communicate()))
        reader.start()
        while reader.is_alive():
            peak = max(peak, _peak_rss_mb(child.pid) or 0.0)
            reader.join(0.2)
    elapsed = time.perf_counter() - started
    stdout, stderr = output
    if child.returncode != 0:
        print(stderr[-3000:])
        raise SystemExit(f"import_population exited {child.returncode}")
    return elapsed, stdout.strip().splitlines()[-1], peak


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
    from django.contrib.auth import get_user_model
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
    workdir.rmdir()
