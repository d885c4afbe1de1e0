"""A history page of the admin is a revert form: posting it saves the old version over the record.
simple-history checks only the view permission before it saves, so a record the admin refuses to
change (an attachment, a refusal, a coupon, the access log: written only by their services, or
never) could be rewritten through its history page. The revert is for those who may change the
record; ids in a history URL that are not ids are a 404, for every history admin."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from simple_history.admin import SimpleHistoryAdmin

from patients.models import PersonAccessLog


def history_admins():
    return [
        (model, model_admin)
        for model, model_admin in admin.site._registry.items()
        if isinstance(model_admin, SimpleHistoryAdmin)
    ]


def history_url(model, obj, version):
    opts = model._meta
    return f"/admin/{opts.app_label}/{opts.model_name}/{obj.pk}/history/{version.history_id}/"


def test_issue18_a_record_the_admin_may_not_change_cannot_be_reverted_from_its_history_page(
    client, world, rules_admin
):
    client.force_login(rules_admin)
    request = RequestFactory().get("/admin/")
    request.user = rules_admin
    refused = []
    for model, model_admin in history_admins():
        obj = world.get(model._meta.label)
        if obj is None or model_admin.has_change_permission(request, obj):
            continue
        version = obj.history.first()
        before = model.history.filter(**{model._meta.pk.attname: obj.pk}).count()
        page = client.get(history_url(model, obj, version))
        assert page.status_code == 200, model._meta.label
        assert "Revert" not in page.content.decode(), model._meta.label
        response = client.post(history_url(model, obj, version), {"_continue": "1"})
        assert response.status_code == 403, model._meta.label
        assert model.history.filter(**{model._meta.pk.attname: obj.pk}).count() == before
        refused.append(model._meta.label)
    assert {"attachment.Attachment", "attachment.Refusal", "attachment.Coupon"} <= set(refused)


@pytest.mark.parametrize("bad", ["%ff%fe", "abc%27%20OR%201%3D1", "-1x"])
def test_issue18_a_history_url_whose_ids_are_not_ids_is_a_404_for_every_history_admin(
    client, world, rules_admin, bad
):
    client.force_login(rules_admin)
    checked = []
    for model, _model_admin in history_admins():
        obj = world.get(model._meta.label)
        if obj is None:
            continue
        opts = model._meta
        version = obj.history.first()
        base = f"/admin/{opts.app_label}/{opts.model_name}"
        assert client.get(f"{base}/{bad}/history/").status_code == 404, opts.label
        assert client.get(f"{base}/{bad}/history/{version.history_id}/").status_code == 404, opts.label
        assert client.get(f"{base}/{obj.pk}/history/{bad}/").status_code == 404, opts.label
        checked.append(opts.label)
    assert PersonAccessLog._meta.label in checked
