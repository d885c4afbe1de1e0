import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.access import scope_to_organization
from patients.dates import validate_date_in_bounds
from patients.models import LegalCategory

from .models import Attachment, District, Ground, Organization
from .population import attached_on


class AttachedFilter(django_filters.FilterSet):
    """The attached population of an organization on a date, by district, category and ground."""

    on = django_filters.DateFilter(label=_("On"), method="by_date", validators=[validate_date_in_bounds])
    organization = django_filters.ModelChoiceFilter(
        queryset=Organization.objects.none(), label=_("Organization")
    )
    district = django_filters.ModelChoiceFilter(queryset=District.objects.none(), label=_("District"))
    category = django_filters.ChoiceFilter(
        field_name="person__category", choices=LegalCategory.choices, label=_("Legal category")
    )
    ground = django_filters.ModelChoiceFilter(queryset=Ground.objects.all(), label=_("Ground"))

    class Meta:
        model = Attachment
        fields = []

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        organizations = scope_to_organization(Organization.objects.all(), user, "pk")
        self.filters["organization"].queryset = organizations
        self.filters["district"].queryset = District.objects.filter(
            organization__in=organizations
        ).select_related("organization")

    def by_date(self, queryset, name, value):
        return queryset.filter(attached_on(value))

    @property
    def qs(self):
        queryset = super().qs
        if not (self.is_bound and self.form.is_valid() and self.form.cleaned_data.get("on")):
            queryset = queryset.filter(attached_on(timezone.localdate()))
        return queryset
