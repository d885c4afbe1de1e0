from django import forms
from django.utils.translation import gettext_lazy as _

from patients.forms import BoundedDateField

from .models import LEAFLET_LANGUAGES, ServiceLimit


class OnDateForm(forms.Form):
    on = BoundedDateField(label=_("On date"))


class LeafletForm(forms.Form):
    on = BoundedDateField(label=_("On date"))
    lang = forms.ChoiceField(label=_("Language of the leaflet"), choices=LEAFLET_LANGUAGES)


class ServiceUsageForm(forms.Form):
    limit = forms.ModelChoiceField(label=_("Service"), queryset=ServiceLimit.objects.none())
    rendered_on = BoundedDateField(label=_("Rendered on"))
    reason = forms.CharField(label=_("Reason / note"), max_length=300, initial=_("Service rendered"))

    def __init__(self, *args, limits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["limit"].queryset = ServiceLimit.objects.filter(pk__in=[limit.pk for limit in limits])
        self.fields["limit"].label_from_instance = lambda limit: f"{limit.leaflet_number}. {limit.name}"
