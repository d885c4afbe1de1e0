"""The admin: rule tables editable with history, attachments read-only, the transfer action."""

import datetime

import pytest
from django.urls import reverse

from attachment.models import Attachment, CampaignWindow
from attachment.services import attachment_create

from ..factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def attached(ref, clinic1):
    people = [PersonFactory(residence_atu=clinic1.atu) for _ in range(3)]
    for person in people:
        attachment_create(
            person=person,
            organization=clinic1,
            ground=ref[1],
            on=datetime.date(2025, 2, 3),
            channel="clinic",
            user=None,
            reason="x",
        )
    return people


def test_transfer_admin_action_dry_run_then_apply(client, rules_admin, clinic1, attached, ref):
    target = OrganizationFactory(atu=clinic1.atu)
    client.force_login(rules_admin)
    url = reverse("admin:attachment_organization_changelist")
    page = client.post(url, {"action": "transfer_attachments", "_selected_action": [clinic1.pk]})
    assert page.status_code == 200 and "form" in page.context
    data = {
        "action": "transfer_attachments",
        "_selected_action": [clinic1.pk],
        "apply": "1",
        "target": target.pk,
        "ground": ref[6].pk,
        "on": "2026-04-01",
        "reason": "liquidation",
        "dry_run": "on",
    }
    dry = client.post(url, data)
    assert dry.context["result"].summary == "moved=3 refused=0"
    assert not Attachment.objects.filter(organization=target).exists()
    del data["dry_run"]
    applied = client.post(url, data, follow=True)
    assert [str(m) for m in applied.context["messages"]] == ["moved=3 refused=0"]
    assert Attachment.objects.filter(organization=target, valid_from=datetime.date(2026, 4, 1)).count() == 3
    assert not Attachment.objects.filter(organization=clinic1, valid_to__isnull=True).exists()


def test_registrar_has_no_transfer_action(client, registrar1, clinic1):
    client.force_login(registrar1)
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from attachment.admin import OrganizationAdmin
    from attachment.models import Organization

    request = RequestFactory().get("/")
    request.user = registrar1
    assert "transfer_attachments" not in OrganizationAdmin(Organization, site).get_actions(request)


def test_attachments_are_read_only_in_the_admin(client, rules_admin, attached):
    client.force_login(rules_admin)
    attachment = Attachment.objects.first()
    assert client.get(reverse("admin:attachment_attachment_add")).status_code == 403
    response = client.post(
        reverse("admin:attachment_attachment_change", args=[attachment.pk]), {"valid_to": "2025-03-01"}
    )
    assert response.status_code == 403
    attachment.refresh_from_db()
    assert attachment.valid_to is None


def test_campaign_window_edit_in_admin_writes_history_with_reason(client, rules_admin, ref):
    client.force_login(rules_admin)
    window = CampaignWindow.objects.get(year=None, atu=None)
    first = window.starts_on.year
    response = client.post(
        reverse("admin:attachment_campaignwindow_change", args=[window.pk]),
        {
            "year": "",
            "starts_on": f"{first}-09-01",
            "ends_on": f"{first}-11-01",
            "takes_effect_on": f"{first + 1}-01-01",
            "change_reason": "Ministry announcement",
        },
    )
    assert response.status_code == 302
    last = window.history.order_by("-history_id").first()
    assert (last.starts_on, last.history_change_reason, last.history_user) == (
        datetime.date(first, 9, 1),
        "Ministry announcement",
        rules_admin,
    )


@pytest.mark.parametrize(
    "model",
    [
        "groundrule",
        "campaignwindow",
        "atucomparisonlevel",
        "freechoicelimit",
        "calendarday",
        "refusalreason",
        "attachmentact",
        "application",
        "refusal",
        "coupon",
        "attachment",
    ],
)
def test_admin_lists_open_for_the_rules_administrator(client, rules_admin, attached, model):
    client.force_login(rules_admin)
    assert client.get(reverse(f"admin:attachment_{model}_changelist")).status_code == 200


def test_admin_attachment_list_is_scoped_for_a_registrar(client, clinic2, attached):
    from patients.access import REGISTRAR

    from ..factories import staff_user

    other = staff_user("registrar_other", REGISTRAR, clinic2, is_staff=True)
    client.force_login(other)
    response = client.get(reverse("admin:attachment_attachment_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 0
