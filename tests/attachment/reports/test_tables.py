"""The report tables are admin-edited with history, and report URLs carry only aggregate filters."""

import pytest
from django.urls import reverse

from attachment.models import AgeGroup, CapitationNorm, SexAgeCoefficient
from attachment.reports import forms


@pytest.mark.django_db
def test_admin_edit_of_the_norm_writes_history_with_reason(age_groups, rules_admin, client):
    client.force_login(rules_admin)
    response = client.post(
        reverse("admin:attachment_capitationnorm_add"),
        {"amount": "1234.50", "valid_from": "2027-01-01", "source": "", "change_reason": "Order of the Fund"},
    )
    assert response.status_code == 302
    norm = CapitationNorm.objects.get()
    record = norm.history.get()
    assert (record.history_user, record.history_change_reason) == (rules_admin, "Order of the Fund")


@pytest.mark.django_db
@pytest.mark.parametrize("model", [AgeGroup, CapitationNorm, SexAgeCoefficient])
def test_report_tables_listed_in_the_admin(model, age_groups, rules_admin, client):
    client.force_login(rules_admin)
    url = reverse(f"admin:attachment_{model._meta.model_name}_changelist")
    assert client.get(url).status_code == 200


@pytest.mark.django_db
def test_rejected_overlapping_age_group_leaves_nothing_behind(age_groups, rules_admin, client):
    client.force_login(rules_admin)
    response = client.post(
        reverse("admin:attachment_agegroup_add"),
        {"code": "16-20", "label": "16–20", "min_age": "16", "max_age": "20", "change_reason": "test"},
    )
    assert response.status_code == 200 and response.context["adminform"].form.errors
    assert AgeGroup.objects.count() == 11
    assert AgeGroup.history.count() == 11


def test_report_filters_carry_no_personal_data():
    allowed = {"on", "by", "region", "organization", "district", "window", "date_from", "date_to", "year"}
    for form in (
        forms.PopulationFilterForm,
        forms.CampaignFilterForm,
        forms.ApplicationsFilterForm,
        forms.DistrictLoadFilterForm,
        forms.PlanningFilterForm,
    ):
        assert set(form.base_fields) <= allowed, form


@pytest.mark.django_db
def test_reports_link_in_the_navigation_only_for_those_who_may_see_them(
    client, registrar1, head1, age_groups
):
    client.force_login(registrar1)
    assert reverse("reports:population") not in client.get(reverse("home")).content.decode()
    client.force_login(head1)
    assert reverse("reports:population") in client.get(reverse("home")).content.decode()


@pytest.mark.django_db
def test_population_page_defaults_to_organization_sex_and_age_group(client, head1, age_groups):
    client.force_login(head1)
    page = client.get(reverse("reports:population"))
    assert page.context["form"].cleaned_data["by"] == ["organization", "sex", "age_group"]
    assert page.context["table"].headers[-1] == "attached"
