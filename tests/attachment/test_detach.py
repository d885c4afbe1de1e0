"""Detaching at the desk: staff of the attachment's organization end it on a day between its start
and today with a reason from the administrators' list; "other" needs a note; the history says who
and why; another clinic's registrar and an auditor cannot; a rejected detachment leaves nothing."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from attachment.models import Attachment, Channel, DetachReason
from attachment.selectors import attachment_of
from attachment.services import attachment_create, attachment_detach
from patients.access import AUDITOR, REGISTRAR, RULES_ADMIN

from ..factories import staff_user
from .conftest import ON

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 3, 20)


@pytest.fixture
def attached(ref, clinic, district, citizen):
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


@pytest.fixture
def registrar(clinic):
    return staff_user("reg", REGISTRAR, clinic)


def reason(code):
    return DetachReason.objects.get(code=code)


def test_the_reference_list_has_the_reasons_of_the_desk_and_other_needs_a_note(ref):
    codes = set(DetachReason.objects.values_list("code", flat=True))
    assert {"moved_abroad", "moved_other_region", "person_request", "other"} <= codes
    assert list(DetachReason.objects.filter(needs_note=True).values_list("code", flat=True)) == ["other"]
    assert all(r.name_kk and r.name_ru for r in DetachReason.objects.all())


def test_moved_abroad_ends_the_attachment_on_the_day_with_history_of_user_and_reason(attached, registrar):
    ended = attachment_detach(
        attachment=attached, on=TODAY, reason=reason("moved_abroad"), user=registrar, today=TODAY
    )
    assert ended.valid_to == TODAY and ended.detach_reason.code == "moved_abroad"
    last = attached.history.order_by("-history_id").first()
    assert last.history_user == registrar and last.history_change_reason == "Detached"
    assert last.valid_to == TODAY and last.detach_reason_id == reason("moved_abroad").pk
    assert attachment_of(person=attached.person, on=TODAY) == ended
    assert attachment_of(person=attached.person, on=TODAY + datetime.timedelta(days=1)) is None


def test_other_needs_a_note_and_the_note_goes_into_the_history(attached, registrar):
    with pytest.raises(ValidationError) as refused:
        attachment_detach(attachment=attached, on=TODAY, reason=reason("other"), user=registrar, today=TODAY)
    assert "note" in refused.value.error_dict
    attached.refresh_from_db()
    assert attached.valid_to is None and attached.history.count() == 1  # nothing written
    attachment_detach(
        attachment=attached,
        on=TODAY,
        reason=reason("other"),
        note="serves in the army abroad",
        user=registrar,
        today=TODAY,
    )
    attached.refresh_from_db()
    assert attached.end_reason == "serves in the army abroad"
    assert (
        attached.history.order_by("-history_id").first().history_change_reason == "serves in the army abroad"
    )


@pytest.mark.parametrize(
    "on, field",
    [
        (ON - datetime.timedelta(days=1), "on"),  # before the attachment starts
        (TODAY + datetime.timedelta(days=1), "on"),  # after today
    ],
)
def test_the_day_lies_between_the_attachments_start_and_today(attached, registrar, on, field):
    with pytest.raises(ValidationError) as refused:
        attachment_detach(
            attachment=attached, on=on, reason=reason("moved_abroad"), user=registrar, today=TODAY
        )
    assert field in refused.value.error_dict
    attached.refresh_from_db()
    assert attached.valid_to is None and attached.detach_reason is None


def test_an_attachment_that_already_ended_is_not_detached_again(attached, registrar):
    attachment_detach(
        attachment=attached, on=ON, reason=reason("person_request"), user=registrar, today=TODAY
    )
    with pytest.raises(ValidationError):
        attachment_detach(
            attachment=attached, on=TODAY, reason=reason("moved_abroad"), user=registrar, today=TODAY
        )
    attached.refresh_from_db()
    assert attached.valid_to == ON and attached.detach_reason.code == "person_request"


def test_a_retired_reason_is_refused(attached, registrar):
    retired = DetachReason.objects.create(code="retired", name_kk="к", name_ru="р", active=False)
    with pytest.raises(ValidationError):
        attachment_detach(attachment=attached, on=TODAY, reason=retired, user=registrar, today=TODAY)


def test_another_clinics_staff_and_an_auditor_may_not_detach(attached, other_clinic):
    for user in (staff_user("reg2", REGISTRAR, other_clinic), staff_user("aud", AUDITOR)):
        with pytest.raises(PermissionDenied):
            attachment_detach(
                attachment=attached, on=TODAY, reason=reason("moved_abroad"), user=user, today=TODAY
            )
    attached.refresh_from_db()
    assert attached.valid_to is None


def test_a_rules_administrator_may_detach(attached):
    admin = staff_user("adm", RULES_ADMIN)
    attachment_detach(attachment=attached, on=TODAY, reason=reason("moved_abroad"), user=admin, today=TODAY)
    attached.refresh_from_db()
    assert attached.valid_to == TODAY


def test_the_database_refuses_a_detachment_reason_without_an_end_date(attached):
    with pytest.raises(IntegrityError), transaction.atomic():
        Attachment.objects.filter(pk=attached.pk).update(detach_reason=reason("moved_abroad"))


def test_the_page_detaches_with_a_message_naming_the_last_day_and_the_reason(
    client, attached, registrar, settings
):
    client.force_login(registrar)
    detail = client.get(reverse("attachment:detail", args=[attached.pk]))
    url = reverse("attachment:detach", args=[attached.pk])
    assert url in detail.content.decode()
    assert client.get(url).status_code == 200
    day = datetime.date.today()
    response = client.post(
        url, {"on": day.isoformat(), "reason": reason("moved_other_region").pk}, follow=True
    )
    attached.refresh_from_db()
    assert attached.valid_to == day and attached.detach_reason.code == "moved_other_region"
    message = " ".join(str(m) for m in response.context["messages"])
    assert f"{day:%d.%m.%Y}" in message and "Переезд в другой регион" in message
    assert "Переезд в другой регион" in response.content.decode()  # the attachment page shows it
    assert url not in response.content.decode()  # detached: not offered again


def test_the_page_asks_for_the_note_of_other_and_writes_nothing(client, attached, registrar):
    client.force_login(registrar)
    url = reverse("attachment:detach", args=[attached.pk])
    response = client.post(url, {"on": datetime.date.today().isoformat(), "reason": reason("other").pk})
    assert response.status_code == 400
    attached.refresh_from_db()
    assert attached.valid_to is None


def test_another_clinics_registrar_gets_404(client, attached, other_clinic):
    client.force_login(staff_user("reg2", REGISTRAR, other_clinic))
    url = reverse("attachment:detach", args=[attached.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"on": "2026-03-20", "reason": reason("moved_abroad").pk}).status_code == 404
