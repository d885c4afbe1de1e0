"""The local PostgreSQL cluster of `make run` and `make test` (config/pgcluster.sh, Makefile).

A newcomer's checkout often sits in a home directory of mode 0700 (/root/bekitu): as root the
cluster runs as the `postgres` user, who cannot enter it, so its files go to a directory of
postgres's own under /var/tmp. When the cluster cannot start, `make test` stops there with the
reason and keeps the log.
"""

import os
import shutil
import stat
import subprocess
import tempfile
from pathlib import Path

import psycopg
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PGCLUSTER = BASE_DIR / "config" / "pgcluster.sh"

pytestmark = pytest.mark.slow


@pytest.fixture
def private_dir():
    """A directory of mode 0700, like /root (short, for the server's socket path)."""
    path = Path(tempfile.mkdtemp(prefix="bk-"))
    assert stat.S_IMODE(path.stat().st_mode) == 0o700
    yield path
    subprocess.run([PGCLUSTER, "remove", path / ".pgtest"], capture_output=True, timeout=120)
    shutil.rmtree(path, ignore_errors=True)


def outside_env(**extra):
    """The environment of a shell outside the test run: no DATABASE_URL of ours."""
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    return {**env, **extra}


def pgcluster(action, directory, **env):
    return subprocess.run(
        [PGCLUSTER, action, directory],
        env=outside_env(**env),
        capture_output=True,
        text=True,
        timeout=180,
    )


def make_test(pgtest, pytest_args, **env):
    # -o install: the test run itself needs the installed .venv already.
    return subprocess.run(
        ["make", "-s", "-o", "install", "test", f"PGTEST={pgtest}", f"PYTEST_ARGS={pytest_args}"],
        cwd=BASE_DIR,
        env=outside_env(**env),
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_cluster_starts_from_a_directory_of_mode_0700_and_stops(private_dir):
    cluster = private_dir / ".pgtest"
    started = pgcluster("start", cluster, PG_FSYNC="off")
    assert started.returncode == 0, started.stderr
    url = started.stdout.strip()
    with psycopg.connect(url) as connection:
        assert connection.execute("SELECT current_database()").fetchone() == ("bekitu",)
    home = Path(pgcluster("where", cluster).stdout.strip())
    assert (home / "data" / "PG_VERSION").is_file()

    assert pgcluster("stop", cluster).returncode == 0
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=5)
    assert pgcluster("remove", cluster).returncode == 0
    assert not home.exists() and not cluster.exists()


def test_make_test_runs_from_a_directory_of_mode_0700_and_removes_its_cluster(private_dir):
    cluster = private_dir / ".pgtest"
    home = Path(pgcluster("where", cluster).stdout.strip())
    result = make_test(cluster, "-q -p no:cacheprovider tests/patients/test_iin.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout
    assert not home.exists() and not cluster.exists()


@pytest.fixture
def failing_initdb():
    """Server binaries whose initdb fails (where the postgres user may run it)."""
    fake_bin = Path(tempfile.mkdtemp(prefix="bk-bin-"))
    fake_bin.chmod(0o755)
    initdb = fake_bin / "initdb"
    initdb.write_text("#!/bin/sh\necho 'initdb: error: the disk is full (simulated)' >&2\nexit 1\n")
    initdb.chmod(0o755)
    yield fake_bin
    shutil.rmtree(fake_bin)


def test_make_test_stops_with_the_reason_and_keeps_the_log_when_the_cluster_cannot_start(
    private_dir, failing_initdb
):
    fake_bin = failing_initdb
    cluster = private_dir / ".pgtest"

    result = make_test(cluster, "tests/no-such-test-file.py", PG_BIN=str(fake_bin))

    assert result.returncode != 0
    assert "initdb failed" in result.stderr
    assert "the disk is full (simulated)" in result.stderr
    assert "no PostgreSQL cluster" in result.stderr
    assert "no-such-test-file" not in result.stdout + result.stderr  # pytest never ran
    log = Path(pgcluster("where", cluster, PG_BIN=str(fake_bin)).stdout.strip()) / "initdb.log"
    assert "the disk is full (simulated)" in log.read_text()
