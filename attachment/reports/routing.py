"""Database routing: reports read from the replica, everything else from the primary.

Registrars read what they have just written, so ordinary reads stay on the primary (a replica
lags). Only report pages, exports and the report command read from `settings.REPORTS_DATABASE`
("replica" when `DATABASE_REPLICA_URL` is set): they run inside `reading_reports()`, and their
raw aggregate queries open their cursor on `reports_database()`. Writes always go to the primary.
"""

import contextlib
import contextvars
import functools

from django.conf import settings

_reporting = contextvars.ContextVar("reporting", default=False)


def reports_database() -> str:
    return getattr(settings, "REPORTS_DATABASE", "default")


@contextlib.contextmanager
def reading_reports():
    token = _reporting.set(True)
    try:
        yield reports_database()
    finally:
        _reporting.reset(token)


def reads_from_replica(view):
    """Decorator: the view's ORM reads (and its template's) go to the reports database."""

    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        with reading_reports():
            return view(*args, **kwargs)

    return wrapped


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        # Sessions, users and permissions are read on the primary: they are written on every login.
        if _reporting.get() and model._meta.app_label not in {"sessions", "auth", "contenttypes"}:
            return reports_database()
        return None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == "default"
