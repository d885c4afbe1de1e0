"""`make bench`: run every tests/bench/bench_*.py module's `run()` against one PostgreSQL and
print its figures. Benchmarks print measurements; they are not pass/fail tests.

Usage: python -m tests.bench [name …]   (names without the bench_ prefix; default: all)
"""

import importlib
import os
import pkgutil
import sys
import time

import django


def main(argv: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_reference_data", verbosity=0)
    package = importlib.import_module("tests.bench")
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__) if m.name.startswith("bench_"))
    wanted = [f"bench_{n}" for n in argv] or names
    for name in wanted:
        module = importlib.import_module(f"tests.bench.{name}")
        print(f"== {name}: {(module.__doc__ or '').strip().splitlines()[0]}", flush=True)
        started = time.perf_counter()
        module.run()
        print(f"== {name} done in {time.perf_counter() - started:.1f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
