"""A register import locks only the persons it changes (issue 17, item 1): registrars working on
other persons, person cards and a second import go on while it writes; a registrar touching a
person of the file is told so after a short wait; a person inserted meanwhile refuses the file."""

import csv
import datetime
import io
import threading

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import translation

import patients.services
from attachment.importing.pipeline import population_import
from attachment.models import Attachment, Channel
from attachment.services import attachment_create
from patients.access import REGISTRAR
from patients.models import LegalCategory, Person
from patients.services import PersonBusy, person_create

from ..factories import DistrictFactory, PersonFactory, staff_user
from .conftest import ON
from .test_import_population import IIN_A, IIN_B, VALID, csv_file, row

pytestmark = pytest.mark.django_db(transaction=True)

IIN_C = VALID[0]  # a person of the second organization's file
WAIT = 60  # seconds; only a broken lock order (a hang) ever reaches it


class PausedImport:
    """An import in a thread of its own (its own connection), held inside its write transaction
    at the first progress report of `percent` until released."""

    def __init__(self, stream, *, percent: int):
        self.stream, self.percent = stream, percent
        self.holding, self.release = threading.Event(), threading.Event()
        self.result, self.error, self.pid = None, None, None
        self.thread = threading.Thread(target=self._run)

    def _progress(self, stage, percent):
        if percent == self.percent and not self.holding.is_set():
            self.pid = connection.connection.info.backend_pid
            self.holding.set()
            assert self.release.wait(WAIT)

    def _run(self):
        try:
            with translation.override("en"):  # a thread starts in the default language
                self.result = population_import(
                    stream=self.stream, file_name="rpn.csv", user=None, import_id=1, progress=self._progress
                )
        except Exception as error:  # asserted by the test
            self.error = error
        finally:
            self.holding.set()
            connection.close()

    def __enter__(self):
        self.thread.start()
        assert self.holding.wait(WAIT)
        assert self.error is None, self.error
        return self

    def __exit__(self, *exc):
        self.release.set()
        self.thread.join(WAIT)
        assert not self.thread.is_alive()


def table_locks(pid: int) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT l.mode FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
               WHERE l.pid = %s AND c.relname IN ('patients_person', 'attachment_attachment')""",
            [pid],
        )
        return {mode for (mode,) in cursor.fetchall()}


@pytest.fixture
def guarded():
    """A statement of the test's own connection that waits for a lock fails instead of hanging."""
    with connection.cursor() as cursor:
        cursor.execute("SET statement_timeout = '20s'")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET statement_timeout")


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(patients.services, "PERSON_LOCK_TIMEOUT", "300ms")


def second_row(clinic):
    return row(clinic, IIN_B, last_name="Ахметова", first_name="Әсем", sex="Ә")


def attach(person, organization, ref):
    return attachment_create(
        person=Person.objects.get(pk=person.pk),
        organization=organization,
        ground=ref[1],
        on=ON,
        channel=Channel.CLINIC,
        user=None,
        reason="walk-in",
    )


def test_issue17_registrars_and_cards_go_on_while_an_import_writes_and_its_persons_are_busy(
    ref, clinic, district, citizen, almaly, client, guarded, short_wait
):
    in_file = PersonFactory(iin=IIN_A, last_name="Петров", residence_atu=almaly)
    registrar = staff_user("registrar", REGISTRAR, clinic)
    client.force_login(registrar)
    stream = csv_file(
        [row(clinic, IIN_A), row(clinic, IIN_B, last_name="Ахметова", first_name="Әсем", sex="Ә")]
    )
    with PausedImport(stream, percent=100) as running:
        # Every write is made, not committed: the import holds row locks, and no table lock.
        assert table_locks(running.pid) <= {"AccessShareLock", "RowShareLock", "RowExclusiveLock"}
        assert "RowExclusiveLock" in table_locks(running.pid)
        # Another person: attached at once; person cards (with their access-log rows) open.
        assert attach(citizen, clinic, ref).valid_from == ON
        for person in (citizen, in_file):
            assert client.get(reverse("patients:person_detail", args=[person.pk])).status_code == 200
        # A person of the file: a short lock wait, then the clear message; nothing written.
        with pytest.raises(PersonBusy) as busy:
            attach(in_file, clinic, ref)
        assert busy.value.messages == [
            "This person is being updated by a register import; try again in a minute."
        ]
        # A person the import is inserting: the same wait on the IIN, the same message.
        with pytest.raises(PersonBusy):
            person_create(
                user=registrar,
                reason="desk",
                iin=IIN_B,
                last_name="Ахметова",
                first_name="Әсем",
                citizenship="KZ",
                category=LegalCategory.CITIZEN,
                residence_atu=almaly,
            )
        response = client.post(
            reverse("attachment:attach", args=[in_file.pk]),
            {
                "organization": clinic.pk,
                "ground": ref[1].pk,
                "channel": Channel.CLINIC,
                "on": ON,
                "reason": "x",
            },
        )
        assert response.status_code == 200
        assert "being updated by a register import" in response.content.decode()
    assert running.error is None and running.result.written
    assert (running.result.created, running.result.updated) == (1, 1)
    assert Attachment.objects.filter(person=citizen, organization=clinic).count() == 1
    assert list(Attachment.objects.filter(person=in_file).values_list("channel", flat=True)) == [
        Channel.IMPORT
    ]
    assert Person.objects.get(pk=in_file.pk).last_name == "Иванов"


def test_issue17_two_imports_of_different_organizations_run_at_the_same_time(
    ref, clinic, district, other_clinic, guarded
):
    DistrictFactory(organization=other_clinic, code="01")
    first = csv_file([row(clinic, IIN_A)])
    second = csv_file([row(other_clinic, IIN_C, residence_kato="751310000")])
    with PausedImport(first, percent=100) as running:
        other = population_import(stream=second, file_name="other.csv", user=None, import_id=2)
        assert other.written and other.created == 1
        assert not running.result  # the first one is still holding its transaction
    assert running.result.written and running.result.created == 1
    assert set(Person.objects.values_list("iin", flat=True)) == {IIN_A, IIN_C}


def test_issue17_an_iin_inserted_while_the_import_runs_refuses_the_file_with_a_clear_error(
    ref, clinic, district, almaly, guarded
):
    known = PersonFactory(iin=IIN_A, last_name="Петров", residence_atu=almaly)
    stream = csv_file(
        [row(clinic, IIN_A), row(clinic, IIN_B, last_name="Ахметова", first_name="Әсем", sex="Ә")]
    )
    with PausedImport(stream, percent=70) as running:  # classified and decided, nothing written
        PersonFactory(iin=IIN_B, born=datetime.date(2006, 12, 11), sex="F")
    result = running.result
    assert running.error is None and not result.written
    assert (result.created, result.updated, result.unchanged, result.errors) == (0, 0, 0, 1)
    [(line, column, code, message)] = [r[:4] for r in list(csv.reader(io.StringIO(result.report)))[1:]]
    assert (line, column, code) == ("3", "iin", "register_changed")  # the row of IIN_B
    assert "import the file again" in message
    assert not Attachment.objects.exists()
    assert Person.objects.get(pk=known.pk).last_name == "Петров"
