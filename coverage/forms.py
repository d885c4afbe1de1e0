from django import forms
from django.utils.translation import gettext_lazy as _

from .models import LEAFLET_LANGUAGES, ServiceLimit


class OnDateForm(forms.Form):
    on = forms.DateField(
        label=_("On date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class LeafletForm(forms.Form):
    on = forms.DateField(
        label=_("On date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    lang = forms.ChoiceField(label=_("Language of the leaflet"), choices=LEAFLET_LANGUAGES)


class ServiceUsageForm(forms.Form):
    limit = forms.ModelChoiceField(label=_("Service"), queryset=ServiceLimit.objects.none())
    rendered_on = forms.DateField(
        label=_("Rendered on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(label=_("Reason / note"), max_length=300, initial=_("Service rendered"))

    def __init__(self, *args, limits=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["limit"].queryset = ServiceLimit.objects.filter(pk__in=[limit.pk for limit in limits])
        self.fields["limit"].label_from_instance = lambda limit: f"{limit.leaflet_number}. {limit.name}"
