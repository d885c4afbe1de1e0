"""Report filters: plain GET forms, so every report page is a bookmarkable URL (no personal data)."""

import datetime

from django import forms
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.forms import BoundedDateField
from patients.models import Atu

from .. import rules
from ..models import CampaignWindow, District, Organization
from .selectors import DIMENSION_CHOICES

DEFAULT_BY = ["organization", "sex", "age_group"]
EXPORT_FORMATS = ("csv", "xlsx")


def report_date_field(label) -> forms.DateField:
    return BoundedDateField(label=label, required=False)


def today() -> datetime.date:
    return timezone.localdate()


class ScopedFilterForm(forms.Form):
    """Organization and district choices limited to what the user may see."""

    def __init__(self, data=None, *, organizations, **kwargs):
        super().__init__(data, **kwargs)
        self.scope_organizations = organizations
        if "organization" in self.fields:
            self.fields["organization"].queryset = organizations
        if "district" in self.fields:
            self.fields["district"].queryset = District.objects.filter(
                organization__in=organizations
            ).select_related("organization")

    def clean(self):
        cleaned = super().clean()
        district, organization = cleaned.get("district"), cleaned.get("organization")
        if district is not None and organization is not None and district.organization_id != organization.pk:
            self.add_error("district", _("The district belongs to another organization."))
        return cleaned


class PopulationFilterForm(ScopedFilterForm):
    on = report_date_field(_("on"))
    by = forms.MultipleChoiceField(
        label=_("grouped by"), choices=DIMENSION_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    region = forms.ModelChoiceField(
        label=_("region"),
        queryset=Atu.objects.filter(level__in=[Atu.Level.REGION, Atu.Level.CITY]),
        to_field_name="kato",
        required=False,
    )
    organization = forms.ModelChoiceField(
        label=_("organization"), queryset=Organization.objects.none(), required=False
    )
    district = forms.ModelChoiceField(label=_("district"), queryset=District.objects.none(), required=False)

    def clean_on(self):
        return self.cleaned_data.get("on") or today()

    def clean_by(self):
        return self.cleaned_data.get("by") or list(DEFAULT_BY)


class DistrictLoadFilterForm(ScopedFilterForm):
    on = report_date_field(_("on"))

    def clean_on(self):
        return self.cleaned_data.get("on") or today()


class CampaignFilterForm(ScopedFilterForm):
    window = forms.ModelChoiceField(
        label=_("campaign"),
        queryset=CampaignWindow.objects.select_related("atu").annotate(atu_kato=F("atu__kato")),
        required=False,
    )

    def clean_window(self):
        """The chosen window, or every window, in the latest year it has started (a recurring
        window in this year's or last year's dates); the latest of them."""
        window, on = self.cleaned_data.get("window"), today()
        rows = [window] if window is not None else list(self.fields["window"].queryset)
        started = [
            dated
            for row in rows
            for dated in (rules.window_in_year(row, on.year), rules.window_in_year(row, on.year - 1))
            if dated is not None and dated.starts_on <= on
        ]
        latest = max(started, key=lambda w: w.starts_on, default=None)
        return window if latest is None and window is not None and window.year else latest


class ApplicationsFilterForm(ScopedFilterForm):
    date_from = report_date_field(_("received from"))
    date_to = report_date_field(_("received to"))

    def clean_date_from(self):
        return self.cleaned_data.get("date_from") or today().replace(day=1)

    def clean_date_to(self):
        return self.cleaned_data.get("date_to") or today()

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("date_from") and cleaned.get("date_to") and cleaned["date_to"] < cleaned["date_from"]:
            self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned


class PlanningFilterForm(ScopedFilterForm):
    year = forms.IntegerField(label=_("year"), min_value=2000, max_value=2100, required=False)

    def clean_year(self):
        return self.cleaned_data.get("year") or today().year
