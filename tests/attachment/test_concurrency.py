"""Eight registrars attaching one IIN at the same moment (§4: one organization per IIN)."""

import threading

import pytest
from django.db import connection

from attachment.models import Attachment, Channel
from attachment.services import AttachmentRefused, attachment_create
from patients.models import Person

from ..factories import OrganizationFactory
from .conftest import ON

THREADS = 8


@pytest.mark.django_db(transaction=True)
def test_par4_eight_threads_attaching_one_iin_leave_one_active_attachment_and_full_history(
    ref, citizen, almaly
):
    clinics = [OrganizationFactory(atu=almaly) for _ in range(THREADS)]
    ground = ref[1]
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def attach(organization):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            person = Person.objects.get(pk=citizen.pk)
            attachment_create(
                person=person,
                organization=organization,
                ground=ground,
                on=ON,
                channel=Channel.CLINIC,
                user=None,
                reason="walk-in",
            )
            result = "attached"
        except AttachmentRefused as refused:
            result = refused.code
        finally:
            thread_connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=attach, args=(org,)) for org in clinics]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert len(outcomes) == THREADS
    assert outcomes.count("attached") == 1
    assert set(outcomes) - {"attached"} == {"later_attachment"}
    active = Attachment.objects.filter(person=citizen, valid_to__isnull=True)
    assert active.count() == 1
    assert Attachment.objects.filter(person=citizen).count() == 1
    winner = active.get()
    assert list(winner.history.values_list("history_type", "history_change_reason")) == [("+", "walk-in")]
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_par4_threads_attaching_on_successive_dates_chain_the_history(ref, citizen, almaly):
    """Different dates: every attachment is kept, each ends the day before the next starts."""
    import datetime

    clinics = [OrganizationFactory(atu=almaly) for _ in range(THREADS)]
    barrier = threading.Barrier(THREADS)
    errors: list[Exception] = []

    def attach(index, organization):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            attachment_create(
                person=Person.objects.get(pk=citizen.pk),
                organization=organization,
                ground=ref[1],
                on=ON + datetime.timedelta(days=index),
                channel=Channel.CLINIC,
                user=None,
                reason=f"move {index}",
            )
        except AttachmentRefused:
            pass  # an earlier date arriving after a later one is refused: nothing written
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=attach, args=(i, org)) for i, org in enumerate(clinics)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    rows = list(Attachment.objects.filter(person=citizen).order_by("valid_from"))
    assert sum(1 for a in rows if a.valid_to is None) == 1
    for before, after in zip(rows, rows[1:], strict=False):
        assert before.valid_to == after.valid_from - datetime.timedelta(days=1)
        assert before.history.filter(history_type="~").exists()
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_coupons_issued_at_once_get_distinct_numbers(ref, almaly):
    import datetime

    from attachment.services import coupon_issue

    from ..factories import PersonFactory

    clinic = OrganizationFactory(atu=almaly)
    attachments = [
        attachment_create(
            person=PersonFactory(residence_atu=almaly),
            organization=clinic,
            ground=ref[1],
            on=ON,
            channel=Channel.CLINIC,
            user=None,
            reason="x",
        )
        for _ in range(THREADS)
    ]
    barrier = threading.Barrier(THREADS)
    errors: list[Exception] = []

    def issue(attachment):
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            coupon_issue(attachment=attachment, on=datetime.date(2026, 3, 2), user=None)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            thread_connection.close()

    threads = [threading.Thread(target=issue, args=(a,)) for a in attachments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    from attachment.models import Coupon

    assert errors == []
    assert sorted(Coupon.objects.filter(organization=clinic).values_list("serial", flat=True)) == list(
        range(1, THREADS + 1)
    )
    connection.close()
