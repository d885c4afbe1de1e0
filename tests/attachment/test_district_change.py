"""Changing an attachment's district (§8): to another district of its organization, with the
reason in the history; a full district takes the person only with the clinic head's confirmation;
another clinic's registrar cannot reach it; an ended attachment keeps its district."""

import datetime

import pytest
from django.urls import reverse

from attachment.models import Attachment, Channel
from attachment.services import AttachmentRefused, attachment_create, attachment_district_change
from patients.access import CLINIC_HEAD, REGISTRAR

from ..factories import DistrictFactory, PersonFactory, staff_user
from .conftest import ON

pytestmark = pytest.mark.django_db


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


def _fill(district, ref, count):
    for _ in range(count):
        Attachment.objects.create(
            person=PersonFactory(),
            organization=district.organization,
            district=district,
            ground=ref[1],
            channel=Channel.CLINIC,
            valid_from=datetime.date(2020, 1, 1),
        )


def test_par8_a_registrar_moves_the_attachment_to_another_district_with_history(client, clinic, attached):
    other = DistrictFactory(organization=clinic, code="02", capacity=10)
    client.force_login(staff_user("reg", REGISTRAR, clinic))
    url = reverse("attachment:district_change", args=[attached.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"district": other.pk, "reason": "moved within the town"}, follow=True)
    attached.refresh_from_db()
    assert attached.district == other
    last = attached.history.order_by("-history_id").first()
    assert last.history_change_reason == "moved within the town" and last.history_user.username == "reg"
    assert "02" in " ".join(str(m) for m in response.context["messages"])


def test_par8_a_full_district_needs_the_clinic_heads_confirmation(client, ref, clinic, attached):
    full = DistrictFactory(organization=clinic, code="03", capacity=2)
    _fill(full, ref, 2)
    client.force_login(staff_user("reg", REGISTRAR, clinic))
    url = reverse("attachment:district_change", args=[attached.pk])
    response = client.post(url, {"district": full.pk, "reason": "asked", "confirm_over_capacity": "on"})
    assert response.status_code == 400  # a registrar may not confirm beyond capacity
    refused = client.post(url, {"district": full.pk, "reason": "asked"})
    assert refused.status_code == 400 and "2" in refused.content.decode()
    attached.refresh_from_db()
    assert attached.district.code == "01"
    head = staff_user("head", CLINIC_HEAD, clinic)
    client.force_login(head)
    assert (
        client.post(url, {"district": full.pk, "reason": "asked", "confirm_over_capacity": "on"}).status_code
        == 302
    )
    attached.refresh_from_db()
    assert attached.district == full and attached.over_capacity_confirmed_by == head


def test_the_service_refuses_a_district_of_another_organization_and_an_ended_attachment(
    ref, clinic, other_clinic, attached
):
    from django.core.exceptions import ValidationError

    foreign = DistrictFactory(organization=other_clinic, code="09", capacity=10)
    with pytest.raises(ValidationError):
        attachment_district_change(attachment=attached, district=foreign, user=None, reason="x")
    Attachment.objects.filter(pk=attached.pk).update(
        valid_to=datetime.date(2020, 12, 31), valid_from=datetime.date(2020, 1, 1)
    )
    mine = DistrictFactory(organization=clinic, code="04", capacity=10)
    with pytest.raises(ValidationError):
        attachment_district_change(attachment=attached, district=mine, user=None, reason="x")


def test_the_service_refuses_a_full_district_without_confirmation(ref, clinic, attached):
    full = DistrictFactory(organization=clinic, code="05", capacity=1)
    _fill(full, ref, 1)
    with pytest.raises(AttachmentRefused) as refused:
        attachment_district_change(attachment=attached, district=full, user=None, reason="x")
    assert [r.code for r in refused.value.refusals] == ["district_full"]


def test_another_clinics_registrar_cannot_change_the_district(client, other_clinic, clinic, attached):
    other = DistrictFactory(organization=clinic, code="06", capacity=10)
    client.force_login(staff_user("reg2", REGISTRAR, other_clinic))
    url = reverse("attachment:district_change", args=[attached.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"district": other.pk, "reason": "x"}).status_code == 404
    attached.refresh_from_db()
    assert attached.district.code == "01"
