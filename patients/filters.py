import django_filters
from django.utils.translation import gettext_lazy as _

from .forms import IinField, PersonSearchForm
from .models import Person
from .selectors import person_search


class IinFilter(django_filters.CharFilter):
    field_class = IinField


class PersonFilter(django_filters.FilterSet):
    """Search by exact IIN or by name (case-insensitive, Cyrillic-aware, word prefixes)."""

    iin = IinFilter(label=_("IIN"), method="by_iin")
    name = django_filters.CharFilter(label=_("Surname, given name"), method="by_name")

    class Meta:
        model = Person
        fields = []
        form = PersonSearchForm

    def by_iin(self, queryset, name, value):
        return queryset.filter(pk__in=person_search(iin=value).values("pk"))

    def by_name(self, queryset, name, value):
        if self.form.cleaned_data.get("iin"):
            return queryset
        return queryset.filter(pk__in=person_search(name=value).values("pk"))
