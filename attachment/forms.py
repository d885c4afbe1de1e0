"""Input shape of the registrar pages."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.access import scope_to_organization
from patients.forms import BoundedDateField
from patients.models import InsuranceContract

from . import rules
from .models import Application, Channel, DetachReason, District, Ground, LeavingReason, Organization
from .reports.forms import ScopedFilterForm, report_date_field
from .selectors import leavers_period
from .services.applications import receipt_date_error
from .services.death import death_date_error
from .services.detach import detach_date_error

CLINIC_CHANNELS = [(c.value, c.label) for c in (Channel.CLINIC, Channel.EGOV, Channel.INSURER)]


def receipt_date_field():
    return BoundedDateField(
        label=_("Application received on"),
        help_text=_(
            "The campaign window is checked on this day; the attachment takes effect on the date "
            "the rules give."
        ),
    )


def clean_receipt_date(form, persons) -> None:
    """The receipt date of `form.cleaned_data["on"]` for every person applied for."""
    day = form.cleaned_data.get("on")
    if day is None:
        return
    today = timezone.localdate()
    for person in persons:
        error = receipt_date_error(user=form.user, received_on=day, birth_date=person.birth_date, today=today)
        if error:
            form.add_error("on", error)
            return


class AttachForm(forms.Form):
    organization = forms.ModelChoiceField(Organization.objects.none(), label=_("PHC organization"))
    ground = forms.ModelChoiceField(Ground.objects.all(), label=_("Ground"))
    district = forms.ModelChoiceField(District.objects.none(), label=_("District"), required=False)
    on = receipt_date_field()
    channel = forms.ChoiceField(label=_("Channel"), choices=CLINIC_CHANNELS)
    contract = forms.ModelChoiceField(
        InsuranceContract.objects.none(), label=_("VMI/IMI contract"), required=False
    )
    documents = forms.MultipleChoiceField(
        label=_("Documents presented"),
        choices=list(rules.DOCUMENTS.items()),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    confirm_over_capacity = forms.BooleanField(
        label=_("As clinic head I confirm attaching beyond the district's capacity"), required=False
    )
    reason = forms.CharField(label=_("Reason (for the history)"), max_length=300)

    def __init__(self, *args, user, person, application: Application | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user, self.person, self.application = user, person, application
        organizations = scope_to_organization(Organization.objects.all(), user, "pk")
        self.fields["organization"].queryset = organizations
        self.fields["district"].queryset = District.objects.filter(
            organization__in=organizations
        ).select_related("organization")
        self.fields["contract"].queryset = InsuranceContract.objects.filter(insured=person) | (
            InsuranceContract.objects.filter(family_members=person)
        )
        if not user.has_perm("attachment.confirm_over_capacity"):
            del self.fields["confirm_over_capacity"]
        if application is not None:
            # A received application: where, how and when it was received are its own (the
            # receipt date was checked when it was received); the registrar corrects the rest.
            for name in ("organization", "on", "channel"):
                self.fields[name].disabled = True
            self.fields["channel"].choices = Channel.choices

    def clean(self):
        cleaned = super().clean()
        if self.application is None:
            clean_receipt_date(self, [self.person])
        return cleaned

    @staticmethod
    def initial_of(application: Application) -> dict:
        """The form prefilled from a received application (the queue's "decide")."""
        return {
            "organization": application.organization_id,
            "ground": application.ground_id,
            "district": application.district_id,
            "on": application.requested_on,
            "channel": application.channel,
            "contract": application.contract_id,
            "documents": list(application.documents),
        }


class RefusalForm(AttachForm):
    """The attach form posted to issue a motivated refusal, with its own confirmation."""

    confirm_refusal = forms.BooleanField(
        label=_("I confirm issuing a motivated refusal with the reasons listed"),
        error_messages={"required": _("Tick the confirmation to issue the motivated refusal.")},
    )


class FamilyAttachForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        queryset=None,
        label=_("Family members (with their written consent)"),
        widget=forms.CheckboxSelectMultiple,
    )
    organization = forms.ModelChoiceField(Organization.objects.none(), label=_("PHC organization"))
    ground = forms.ModelChoiceField(Ground.objects.all(), label=_("Ground"))
    district = forms.ModelChoiceField(District.objects.none(), label=_("District"), required=False)
    on = receipt_date_field()
    consent = forms.BooleanField(
        label=_("The written consent of the family members and each member's identity document are presented")
    )
    reason = forms.CharField(label=_("Reason (for the history)"), max_length=300)

    def __init__(self, *args, user, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        organizations = scope_to_organization(Organization.objects.all(), user, "pk")
        self.fields["members"].queryset = family
        self.fields["organization"].queryset = organizations
        self.fields["district"].queryset = District.objects.filter(organization__in=organizations)

    def clean(self):
        cleaned = super().clean()
        clean_receipt_date(self, cleaned.get("members") or [])
        return cleaned


class TransferForm(forms.Form):
    """The admin action's intermediate page (the grounds that move people in bulk, §10.6–9)."""

    target = forms.ModelChoiceField(Organization.objects.all(), label=_("Move to organization"))
    ground = forms.ModelChoiceField(Ground.objects.filter(moves_in_bulk=True), label=_("Ground"))
    on = BoundedDateField(
        label=_("First day at the new organization"),
    )
    act_number = forms.CharField(label=_("Act number"), max_length=50, required=False)
    reason = forms.CharField(label=_("Reason"), max_length=300)
    skip_refused = forms.BooleanField(label=_("Move the others when some are refused"), required=False)
    dry_run = forms.BooleanField(label=_("Only show what would happen"), required=False, initial=True)


class DeathForm(forms.Form):
    """A date of death between the person's birth date and today, with the reason (the certificate)."""

    date_of_death = BoundedDateField(label=_("Date of death"))
    reason = forms.CharField(
        label=_("Reason for the change"), max_length=300, help_text=_("E.g. the death certificate number.")
    )

    def __init__(self, *args, person, **kwargs):
        super().__init__(*args, **kwargs)
        self.person = person

    def clean_date_of_death(self):
        day = self.cleaned_data["date_of_death"]
        if day is not None:
            error = death_date_error(
                birth_date=self.person.birth_date, date_of_death=day, today=timezone.localdate()
            )
            if error:
                raise forms.ValidationError(error)
        return day


class DeathCorrectionForm(DeathForm):
    """The corrected date of death, or none when the person did not die."""

    date_of_death = BoundedDateField(
        label=_("Corrected date of death"),
        required=False,
        help_text=_("Leave empty when the person did not die."),
    )
    reason = forms.CharField(
        label=_("Reason for the correction"),
        max_length=300,
        help_text=_("E.g. the document showing that the recorded death was wrong."),
    )


class ApplicationDecisionForm(forms.Form):
    """The application decided from the queue: one of the user's organizations' (a wrong or
    foreign id is a form error, never a query with it)."""

    application = forms.ModelChoiceField(
        Application.objects.none(),
        error_messages={"invalid_choice": _("This application is not in your queue.")},
    )

    def __init__(self, *args, organizations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["application"].queryset = Application.objects.filter(organization__in=organizations)


class DistrictChangeForm(forms.Form):
    """Another district of the attachment's organization, with the reason for the history."""

    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none())
    confirm_over_capacity = forms.BooleanField(
        label=_("As clinic head I confirm attaching beyond the district's capacity"), required=False
    )
    reason = forms.CharField(label=_("Reason (for the history)"), max_length=300)

    def __init__(self, *args, attachment, user, **kwargs):
        super().__init__(*args, **kwargs)
        if not user.has_perm("attachment.confirm_over_capacity"):
            del self.fields["confirm_over_capacity"]
        self.fields["district"].queryset = District.objects.filter(
            organization_id=attachment.organization_id
        ).exclude(pk=attachment.district_id)


class DetachForm(forms.Form):
    """End the attachment: the last day attached, a reason from the administrators' list, and a
    note (required for a reason that needs one, "other")."""

    on = BoundedDateField(
        label=_("Last day attached"),
        help_text=_("From the next day the person is attached nowhere (until a new attachment)."),
    )
    reason = forms.ModelChoiceField(
        DetachReason.objects.filter(active=True), label=_("Reason for detaching"), empty_label=None
    )
    note = forms.CharField(
        label=_("Note"),
        max_length=300,
        required=False,
        help_text=_('Required for the reason "other"; e.g. the document presented.'),
    )

    def __init__(self, *args, attachment, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.attachment, self.today = attachment, today

    def clean(self):
        cleaned = super().clean()
        on, reason = cleaned.get("on"), cleaned.get("reason")
        if on is not None:
            error = detach_date_error(attachment=self.attachment, on=on, today=self.today)
            if error:
                self.add_error("on", error)
        if reason is not None and reason.needs_note and not (cleaned.get("note") or "").strip():
            self.add_error("note", _("Describe the reason in the note."))
        return cleaned


class LeaversFilterForm(ScopedFilterForm):
    """The leavers' list and its export: the period of the last day attached (the last 30 days
    unless given), the organization (the user's own, or any for those who see all), the district
    left and the reason. A wrong value is an error, never replaced by a default."""

    date_from = report_date_field(_("left from"))
    date_to = report_date_field(_("left to"))
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.none(), required=False
    )
    district = forms.ModelChoiceField(label=_("District"), queryset=District.objects.none(), required=False)
    reason = forms.ChoiceField(
        label=_("Why the attachment ended"),
        choices=[("", "---------"), *LeavingReason.choices],
        required=False,
    )

    def clean(self):
        cleaned = super().clean()
        default_from, default_to = leavers_period(today=timezone.localdate())
        cleaned["date_from"] = cleaned.get("date_from") or default_from
        cleaned["date_to"] = cleaned.get("date_to") or default_to
        if "date_from" not in self.errors and "date_to" not in self.errors:
            if cleaned["date_to"] < cleaned["date_from"]:
                self.add_error("date_to", _("The end of the period cannot be before its start."))
        return cleaned
