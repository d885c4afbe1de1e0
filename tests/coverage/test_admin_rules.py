"""Administrators keep the rule tables current: an admin change changes the next answer, leaves
a history row with user and reason, and a new amendment needs no code change."""

import datetime

from django.forms.models import model_to_dict
from django.urls import reverse

from coverage.models import EligibilityRule, LegalAct, PackageItem, ServiceLimit
from coverage.selectors import entitlements_on

from .conftest import insure

D = datetime.date


def form_data(obj, **changes) -> dict:
    data = {**model_to_dict(obj), **changes}
    data.pop("id", None)
    out = {}
    for key, value in data.items():
        if value is None or value is False:
            continue  # empty field / unchecked box
        out[key] = value.isoformat() if isinstance(value, datetime.date) else value
    return out


def post_change(client, obj, reason, **changes):
    meta = obj._meta
    url = reverse(f"admin:{meta.app_label}_{meta.model_name}_change", args=[obj.pk])
    return client.post(url, {**form_data(obj, **changes), "change_reason": reason})


def test_admin_limit_change_changes_the_next_answer_and_writes_history(
    client, rules_admin, temporary_foreigner, limit
):
    client.force_login(rules_admin)
    therapist = limit(1)
    response = post_change(client, therapist, "Order amended", max_count=3)
    assert response.status_code == 302, response.content.decode()[:2000]
    grant = entitlements_on(person=temporary_foreigner, on=D(2026, 3, 1)).package("gfmc_dangerous")
    assert grant.limits[0].remaining == 3
    latest = ServiceLimit.history.filter(id=therapist.pk).first()
    assert (latest.max_count, latest.history_change_reason, latest.history_user) == (
        3,
        "Order amended",
        rules_admin,
    )


def test_admin_eligibility_rule_change_changes_the_next_answer(client, rules_admin, citizen):
    insure(citizen)
    client.force_login(rules_admin)
    rule = EligibilityRule.objects.get(package__code="cshi")
    assert post_change(client, rule, "Rule ended", valid_to=D(2026, 6, 30)).status_code == 302
    assert "cshi" in entitlements_on(person=citizen, on=D(2026, 6, 30)).package_codes
    assert "cshi" not in entitlements_on(person=citizen, on=D(2026, 7, 1)).package_codes
    assert EligibilityRule.history.filter(id=rule.pk, history_change_reason="Rule ended").exists()


def test_admin_enters_pending_wording_and_a_new_amendment_without_code_change(client, rules_admin, citizen):
    client.force_login(rules_admin)
    pending = PackageItem.objects.get(package__code="gfmc", number="3.1", valid_from=D(2027, 1, 1))
    response = post_change(client, pending, "Official text of decree 1086", text_kk="Жаңа редакция 3.1")
    assert response.status_code == 302
    on_2027 = entitlements_on(person=citizen, on=D(2027, 1, 1)).package("gfmc")
    assert next(i for i in on_2027.items if i.number == "3.1").text_kk == "Жаңа редакция 3.1"

    # A new amending act ends point 8 and gives it a new wording from 01.07.2027.
    response = client.post(
        reverse("admin:coverage_legalact_add"),
        {
            "code": "decree-999-2027",
            "title_kk": "Қаулы № 999",
            "number": "999",
            "signed_on": "2027-05-01",
            "applies_from": "2027-07-01",
            "change_reason": "New amendment",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    act = LegalAct.objects.get(code="decree-999-2027")
    point_8 = PackageItem.objects.get(package__code="gfmc", number="8")
    assert (
        post_change(client, point_8, "Decree 999", valid_to=D(2027, 6, 30), ended_by=act.pk).status_code
        == 302
    )
    new = {**form_data(point_8), "valid_from": "2027-07-01", "amended_by": act.pk, "text_kk": "8-тармақ жаңа"}
    new.pop("valid_to", None)
    response = client.post(reverse("admin:coverage_packageitem_add"), {**new, "change_reason": "Decree 999"})
    assert response.status_code == 302, response.content.decode()[:3000]
    texts = {
        on: next(i for i in entitlements_on(person=citizen, on=on).package("gfmc").items if i.number == "8")
        for on in (D(2027, 6, 30), D(2027, 7, 1))
    }
    assert texts[D(2027, 7, 1)].text_kk == "8-тармақ жаңа"
    assert texts[D(2027, 6, 30)].text_kk.startswith("Уәкілетті орган айқындайтын аурулар тізбесі")


def test_admin_rejects_an_overlapping_wording_and_writes_nothing(client, rules_admin, rule_tables):
    client.force_login(rules_admin)
    point_8 = PackageItem.objects.get(package__code="gfmc", number="8")
    before = PackageItem.objects.count()
    data = {**form_data(point_8), "valid_from": "2030-01-01", "change_reason": "overlap"}
    response = client.post(reverse("admin:coverage_packageitem_add"), data)
    assert response.status_code == 200  # form shown again with the error
    assert PackageItem.objects.count() == before


def test_admin_lists_of_every_table_open(client, rules_admin, rule_tables):
    client.force_login(rules_admin)
    for model in (
        "legalact",
        "package",
        "packageitem",
        "eligibilityrule",
        "disease",
        "servicelimit",
        "serviceusage",
        "leafletsection",
    ):
        assert client.get(reverse(f"admin:coverage_{model}_changelist")).status_code == 200, model
    pending = client.get(reverse("admin:coverage_packageitem_changelist"), {"wording": "pending"})
    assert pending.status_code == 200
