"""The admin's ground rule form offers the channels (§11) as checkboxes of their translated names,
not as a text array of internal codes ("клиника, egov" was refused with "Элемент 2 в массиве не
прошёл проверку")."""

import pytest
from django.urls import reverse

from attachment.models import Channel, GroundRule

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["ru", "kk"])
def test_channels_are_checkboxes_with_translated_names(client, rules_admin, ref, language):
    from django.utils import translation

    rule = GroundRule.objects.first()
    client.force_login(rules_admin)
    html = client.get(
        reverse("admin:attachment_groundrule_change", args=[rule.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    for value, _label in Channel.choices:
        assert f'type="checkbox" name="channels" value="{value}"' in html
    with translation.override(language):
        assert str(Channel.EGOV.label) in html
    for value in rule.channels:  # the rule's channels are ticked
        tag = html[html.index(f'value="{value}"') : html.index(">", html.index(f'value="{value}"'))]
        assert "checked" in tag


def test_ticking_channels_saves_them(client, rules_admin, ref):
    rule = GroundRule.objects.filter(campaign_only=False).first()
    client.force_login(rules_admin)
    url = reverse("admin:attachment_groundrule_change", args=[rule.pk])
    response = client.get(url)
    data = {}
    for field in response.context["adminform"].form:
        value = field.value()
        if value is None or field.name == "channels":
            continue
        data[field.html_name] = value
    data["channels"] = [Channel.CLINIC, Channel.EGOV]
    data["_change_reason"] = "channels ticked"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    rule.refresh_from_db()
    assert rule.channels == [Channel.CLINIC, Channel.EGOV]
