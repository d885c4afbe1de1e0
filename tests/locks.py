"""Another connection holding a person's row lock, for tests of what waits for it."""

import threading

from django.db import connection, transaction

from patients.models import Person

WAIT = 60  # seconds; only a broken lock (a hang) ever reaches it
BUSY = "This person is being updated by a register import; try again in a minute."


class HeldPersonLock:
    """Another connection holding the person's row lock, as a register import does, until the
    block ends."""

    def __init__(self, person):
        self.pk = person.pk
        self.holding, self.release = threading.Event(), threading.Event()
        self.thread = threading.Thread(target=self._run)

    def _run(self):
        try:
            with transaction.atomic():
                Person.objects.select_for_update(no_key=True).get(pk=self.pk)
                self.holding.set()
                assert self.release.wait(WAIT)
        finally:
            self.holding.set()
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.holding.wait(WAIT)
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(WAIT)
        assert not self.thread.is_alive()
