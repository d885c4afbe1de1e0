"""Issuing an attachment coupon twice (issue 18, item 2): the service looks for the attachment's
coupon only after locking the person and the attachment, so a double click or two registrars at
once end in one coupon and a clear message, never a database error or a server error page."""

import threading

import pytest
from django.db import connection
from django.urls import reverse

import patients.services
from attachment.models import Attachment, Channel, Coupon
from attachment.services import attachment_create, coupon_issue
from patients.access import REGISTRAR

from ..factories import staff_user
from ..locks import BUSY, HeldPersonLock
from .conftest import ON

THREADS = 8


@pytest.fixture
def attachment(ref, clinic, district, citizen):
    return attachment_create(
        person=citizen,
        organization=clinic,
        ground=ref[1],
        on=ON,
        channel=Channel.CLINIC,
        district=district,
        user=None,
        reason="walk-in",
    )


@pytest.mark.django_db
def test_issue18_a_second_issue_of_a_coupon_is_refused_naming_the_coupon_issued(attachment):
    from attachment.services import CouponAlreadyIssued

    first = coupon_issue(attachment=attachment, on=ON, user=None)
    with pytest.raises(CouponAlreadyIssued) as issued:
        coupon_issue(attachment=attachment, on=ON, user=None)
    assert issued.value.coupon == first
    assert issued.value.messages == [f"The coupon of this attachment was already issued: № {first.number}."]
    assert Coupon.objects.get() == first
    assert Coupon.history.count() == 1


@pytest.mark.django_db
def test_issue18_a_double_submit_shows_the_coupon_issued_with_a_message(client, clinic, attachment):
    client.force_login(staff_user("registrar", REGISTRAR, clinic))
    url = reverse("attachment:coupon_issue", args=[attachment.pk])
    first = client.post(url)
    coupon = Coupon.objects.get()
    assert first.url == reverse("attachment:coupon", args=[coupon.pk])
    second = client.post(url, follow=True)
    assert second.redirect_chain == [(reverse("attachment:detail", args=[attachment.pk]), 302)]
    assert [str(m) for m in second.context["messages"]] == [
        f"The coupon of this attachment was already issued: № {coupon.number}."
    ]
    assert coupon.number in second.content.decode()
    assert Coupon.objects.count() == 1


@pytest.mark.django_db
def test_issue18_the_double_submit_message_is_translated(client, clinic, attachment):
    registrar = staff_user("registrar", REGISTRAR, clinic)
    client.force_login(registrar)
    url = reverse("attachment:coupon_issue", args=[attachment.pk])
    number = coupon_issue(attachment=attachment, on=ON, user=registrar).number
    for language, text in [
        ("ru", f"Талон этого прикрепления уже выдан: № {number}."),
        ("kk", f"Бұл бекітудің талоны бұрын берілген: № {number}."),
    ]:
        response = client.post(url, follow=True, HTTP_ACCEPT_LANGUAGE=language)
        assert [str(m) for m in response.context["messages"]] == [text]


@pytest.mark.django_db(transaction=True)
def test_issue18_coupons_of_one_attachment_issued_at_once_give_one_coupon_and_refuse_the_others(
    attachment,
):
    barrier = threading.Barrier(THREADS)
    outcomes: list[object] = []
    lock = threading.Lock()

    def issue():
        from django.db import connection as thread_connection

        try:
            barrier.wait(timeout=30)
            coupon_issue(attachment=Attachment.objects.get(pk=attachment.pk), on=ON, user=None)
            outcome = "issued"
        except Exception as error:  # a refusal names the coupon issued; anything else is reported
            outcome = getattr(error, "coupon", error)
            outcome = outcome.pk if isinstance(outcome, Coupon) else repr(outcome)
        finally:
            thread_connection.close()
        with lock:
            outcomes.append(outcome)

    threads = [threading.Thread(target=issue) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    coupon = Coupon.objects.get()
    assert sorted(outcomes, key=str) == sorted(["issued"] + [coupon.pk] * (THREADS - 1), key=str)
    assert coupon.serial == 1
    assert Coupon.history.count() == 1
    connection.close()


@pytest.mark.django_db(transaction=True)
def test_issue18_a_coupon_of_a_person_locked_by_an_import_waits_then_says_so(
    client, clinic, attachment, monkeypatch
):
    monkeypatch.setattr(patients.services, "PERSON_LOCK_TIMEOUT", "300ms")
    client.force_login(staff_user("registrar", REGISTRAR, clinic))
    with HeldPersonLock(attachment.person):
        response = client.post(reverse("attachment:coupon_issue", args=[attachment.pk]), follow=True)
    assert response.redirect_chain == [(reverse("attachment:detail", args=[attachment.pk]), 302)]
    assert [str(m) for m in response.context["messages"]] == [BUSY]
    assert not Coupon.objects.exists()
