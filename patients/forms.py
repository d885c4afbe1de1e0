from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .dates import validate_date_in_bounds
from .iin import MESSAGES as IIN_MESSAGES
from .iin import fact_warnings, parse_iin
from .models import (
    ContingentFlag,
    FamilyLink,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    LegalRepresentative,
    Person,
    Sex,
)
from .selectors import IIN_PREFIX_MIN
from .services import NewDocument
from .validators import normalize_text, validate_no_invisible_characters

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BoundedDateField(forms.DateField):
    """A date within the range the forms accept (patients/dates.py), typed as YYYY-MM-DD."""

    default_validators = [validate_date_in_bounds]
    widget = DATE_INPUT


class CleanTextMixin:
    """Every text field refuses invisible characters and is stored in one Unicode form (NFC);
    every date field, the model form's too, is bounded like a BoundedDateField."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.CharField):
                field.validators.append(validate_no_invisible_characters)
            if isinstance(field, forms.DateField) and validate_date_in_bounds not in field.validators:
                field.validators.append(validate_date_in_bounds)

    def clean(self):
        data = super().clean()
        for name, value in data.items():
            if isinstance(value, str):
                data[name] = normalize_text(value)
        return data


class ReasonField(forms.CharField):
    """Every change says why; the reason goes into the history row."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Reason for the change"))
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("widget", forms.TextInput(attrs={"size": 60}))
        super().__init__(**kwargs)


class IinField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("IIN"))
        kwargs.setdefault("max_length", 12)
        super().__init__(**kwargs)

    def to_python(self, value):
        return "".join((super().to_python(value) or "").split())

    def validate(self, value):
        super().validate(value)
        if value:
            parse_iin(value)


class IinSearchField(forms.CharField):
    """An IIN, or its first digits (at least IIN_PREFIX_MIN), as typed or pasted: spaces and
    dashes are ignored. Twelve digits are checked as an IIN (check digit and all)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("IIN"))
        kwargs.setdefault("help_text", _("All 12 digits, or at least the first 6."))
        kwargs.setdefault("widget", forms.TextInput(attrs={"maxlength": 30, "inputmode": "numeric"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        value = super().to_python(value) or ""
        return "".join(c for c in value if not c.isspace() and c not in "-‐‑‒–—")

    def validate(self, value):
        super().validate(value)
        if not value:
            return
        if not value.isascii() or not value.isdigit():
            raise ValidationError(_("An IIN has digits only."), code="iin_digits")
        if len(value) < IIN_PREFIX_MIN:
            raise ValidationError(
                _("Enter at least %(count)d digits of the IIN, or all 12."),
                code="iin_prefix_short",
                params={"count": IIN_PREFIX_MIN},
            )
        if len(value) > 12:
            raise ValidationError(_("An IIN has 12 digits."), code="iin_long")
        if len(value) == 12:
            parse_iin(value)


class PersonSearchForm(CleanTextMixin, forms.Form):
    """What a registrar knows of a person: the IIN or part of it, or the name, narrowed by
    birth date or year and sex."""

    iin = IinSearchField(required=False)
    name = forms.CharField(
        label=_("Name"),
        required=False,
        max_length=100,
        help_text=_("Surname, given name or patronymic, in Cyrillic or Latin letters, in any order."),
    )
    birth_date = BoundedDateField(label=_("Birth date"), required=False)
    birth_year = forms.IntegerField(label=_("Birth year"), required=False, min_value=1900, max_value=2100)
    sex = forms.ChoiceField(label=_("Sex"), required=False, choices=[("", _("any"))] + Sex.choices)

    def clean(self):
        data = super().clean()
        if not data.get("iin") and not (data.get("name") or "").strip() and not self.errors:
            raise ValidationError(_("Enter an IIN or a name."))
        return data

    @property
    def exact_iin(self) -> bool:
        """A whole, valid IIN was asked for (the page opens that person's card)."""
        return len(self.cleaned_data.get("iin") or "") == 12


class PersonForm(CleanTextMixin, forms.ModelForm):
    iin = IinField()
    reason = ReasonField()

    class Meta:
        model = Person
        fields = [
            "iin",
            "last_name",
            "first_name",
            "middle_name",
            "birth_date",
            "sex",
            "citizenship",
            "category",
            "migrant_purpose",
            "residence_atu",
            "residence_address",
            "residence_kind",
        ]
        widgets = {"birth_date": DATE_INPUT}
        help_texts = {
            "birth_date": _("Leave empty to take it from the IIN."),
            "sex": _("Leave empty to take it from the IIN."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The admin shows some fields read-only (all of them to auditors): the form lacks them.
        for name in ("birth_date", "sex"):
            if name in self.fields:
                self.fields[name].required = False
        if "residence_atu" in self.fields:
            self.fields["residence_atu"].queryset = self.fields["residence_atu"].queryset.order_by("kato")

    def clean(self):
        data = super().clean()
        iin = data.get("iin")
        if iin and "iin" not in self.errors:
            # Taken from the IIN when left empty; an IIN that encodes none needs them entered.
            facts = parse_iin(iin)
            if not data.get("birth_date") and "birth_date" not in self.errors:
                data["birth_date"] = facts.birth_date
                if facts.birth_date is None:
                    self.add_error("birth_date", IIN_MESSAGES["iin_no_birth_date"])
            if not data.get("sex"):
                data["sex"] = facts.sex or ""
                if not facts.sex:
                    self.add_error("sex", IIN_MESSAGES["iin_no_sex"])
        category = data.get("category")
        if category and category < 6 and data.get("migrant_purpose"):
            self.add_error(
                "migrant_purpose",
                _("A purpose of stay is recorded only for temporarily staying persons."),
            )
        return data


class DocumentForm(CleanTextMixin, forms.ModelForm):
    reason = ReasonField()

    class Meta:
        model = IdentityDocument
        fields = ["kind", "number", "issued_by", "issued_on", "valid_until"]
        widgets = {"issued_on": DATE_INPUT, "valid_until": DATE_INPUT}


class PersonByIinField(IinField):
    """Another person of the register, entered by IIN."""

    def clean(self, value):
        iin = super().clean(value)
        try:
            return Person.objects.get(iin=iin)
        except Person.DoesNotExist:
            raise ValidationError(
                _("No person with this IIN is in the register; register them first.")
            ) from None


class RepresentativeForm(CleanTextMixin, forms.ModelForm):
    """A legal representative of the child: who (by IIN, when added), how related, the document
    proving it, and which of the representative's identity documents the clinic saw (or a new one,
    `RepresentativeDocumentForm`, recorded with it). `representative` is the person whose
    documents are offered: the one of the record edited, or the one whose IIN was typed."""

    representative = PersonByIinField(label=_("Representative's IIN"))
    reason = ReasonField()

    class Meta:
        model = LegalRepresentative
        fields = ["representative", "relationship", "document", "authority_document"]
        widgets = {"document": forms.RadioSelect}

    def __init__(self, *args, child, representative: Person | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.child = child
        if self.instance.pk:
            del self.fields["representative"]  # another representative is another record
            representative = self.instance.representative
        document = self.fields["document"]
        document.empty_label = _("none of them")
        document.queryset = (
            representative.documents.order_by("-issued_on", "pk")
            if representative is not None
            else IdentityDocument.objects.none()
        )
        document.help_text = (
            _("Or record a new document of the representative below.")
            if representative is not None
            else _("Type the IIN and press “Show their documents”, or record a new one below.")
        )

    def clean(self):
        data = super().clean()
        rep, document = data.get("representative"), data.get("document")
        if rep and rep.pk == self.instance.child_id:
            self.add_error("representative", _("A person cannot represent themselves."))
        elif (
            rep
            and not self.instance.pk
            and LegalRepresentative.objects.filter(child=self.instance.child_id, representative=rep).exists()
        ):
            self.add_error(
                "representative",
                _("This person is already recorded as a legal representative: change that record instead."),
            )
        if rep and document and document.person_id != rep.pk:
            self.add_error("document", _("This document belongs to someone else."))
        return data


class FamilyLinkForm(CleanTextMixin, forms.ModelForm):
    relative = PersonByIinField(label=_("Relative's IIN"))
    reason = ReasonField()

    class Meta:
        model = FamilyLink
        fields = ["relative", "relation"]


class ContingentForm(CleanTextMixin, forms.ModelForm):
    reason = ReasonField()

    class Meta:
        model = ContingentFlag
        fields = ["kind", "document", "valid_from", "valid_to"]
        widgets = {"valid_from": DATE_INPUT, "valid_to": DATE_INPUT}


class InsuredStatusForm(CleanTextMixin, forms.ModelForm):
    reason = ReasonField()

    class Meta:
        model = InsuredStatusPeriod
        fields = ["valid_from", "valid_to", "source"]
        widgets = {"valid_from": DATE_INPUT, "valid_to": DATE_INPUT}


class ContractForm(CleanTextMixin, forms.ModelForm):
    reason = ReasonField()

    class Meta:
        model = InsuranceContract
        fields = [
            "kind",
            "insurer",
            "number",
            "holder_employer",
            "valid_from",
            "valid_to",
            "organization",
            "programme",
        ]
        widgets = {"valid_from": DATE_INPUT, "valid_to": DATE_INPUT}


class NewPersonDocumentForm(CleanTextMixin, forms.Form):
    """The identity document presented when a person is registered (optional): recorded with the
    person, and its number checked against the register's documents for a likely duplicate."""

    kind = forms.ChoiceField(
        label=_("Identity document"),
        required=False,
        choices=[("", "—")] + IdentityDocument.Kind.choices,
    )
    number = forms.CharField(label=_("Document number"), required=False, max_length=50)

    def clean(self):
        data = super().clean()
        kind, number = data.get("kind"), (data.get("number") or "").strip()
        data["number"] = number
        if kind and not number:
            self.add_error("number", _("Enter the document's number, or choose no document."))
        if number and not kind:
            self.add_error("kind", _("Choose the kind of the document."))
        if kind and number and IdentityDocument.objects.filter(kind=kind, number=number).exists():
            self.add_error("number", _("A document of this kind with this number is already recorded."))
        return data

    def document(self) -> dict | None:
        """The document's fields for `services.document_create`, or None when none was entered."""
        data = self.cleaned_data
        return {"kind": data["kind"], "number": data["number"]} if data.get("kind") else None


class RepresentativeDocumentForm(NewPersonDocumentForm):
    """A new identity document of the legal representative, typed on the representative's form
    and recorded with it (`services.NewDocument`)."""

    issued_on = BoundedDateField(label=_("Issued on"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].label = _("New document of the representative")

    def new_document(self) -> NewDocument | None:
        document = self.document()
        return NewDocument(**document, issued_on=self.cleaned_data.get("issued_on")) if document else None


class DuplicateCheckForm(forms.Form):
    """The registrar's answer to the likely duplicates shown: not the same person as any of the
    records listed (`seen`, their ids). A record that appears later (other data typed) is shown
    again and needs the answer again."""

    not_the_same_person = forms.BooleanField(
        label=_("I have checked the records listed: this is not the same person as any of them."),
        required=False,
    )
    seen = forms.CharField(required=False, widget=forms.HiddenInput, max_length=1000)

    def confirmed_ids(self) -> set[int]:
        """The ids the registrar confirmed as other persons (none unless the box is ticked)."""
        if not self.is_valid() or not self.cleaned_data["not_the_same_person"]:
            return set()
        return {
            int(part) for part in self.cleaned_data["seen"].split(",") if part.isascii() and part.isdigit()
        }


class IinFactsCheckForm(CleanTextMixin, forms.Form):
    """The registrar's answer to a birth date or sex that differs from what the IIN encodes (or an
    IIN that encodes none): the data are right as entered, and why. `shown` holds the IIN, birth
    date and sex the warning was shown for: a confirmation holds for those data only, so data typed
    differently after it are warned about again."""

    confirmed = forms.BooleanField(
        label=_("I have checked the identity document: the birth date and sex are right as entered."),
        required=False,
    )
    reason = forms.CharField(
        label=_("Why the data differ from the IIN"),
        required=False,
        max_length=300,
        widget=forms.TextInput(attrs={"size": 60}),
        help_text=_("Written into the history with the confirmation."),
    )
    shown = forms.CharField(required=False, widget=forms.HiddenInput, max_length=100)

    @staticmethod
    def key(data: dict) -> str:
        """The data a warning is shown for, as the hidden field carries them."""
        birth_date = data.get("birth_date")
        return "|".join(
            (data.get("iin") or "", birth_date.isoformat() if birth_date else "", data.get("sex") or "")
        )

    def warnings(self, data: dict) -> list:
        """What differs between the IIN and the birth date and sex of `data` (a person form's
        cleaned data)."""
        return fact_warnings(data.get("iin") or "", birth_date=data.get("birth_date"), sex=data.get("sex"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._answers = {}

    def confirmation(self, data: dict) -> dict:
        """The services' `iin_mismatch_confirmed` and `iin_mismatch_reason` for the data of `data`:
        confirmed only when ticked for these very data; ticked without a reason is an error of the
        reason field."""
        key = self.key(data)
        if key not in self._answers:
            self._answers[key] = self._confirmation(key)
        return self._answers[key]

    def _confirmation(self, key: str) -> dict:
        if not self.is_bound or not self.is_valid() or self.cleaned_data["shown"] != key:
            return {"iin_mismatch_confirmed": False, "iin_mismatch_reason": ""}
        confirmed, reason = self.cleaned_data["confirmed"], self.cleaned_data["reason"].strip()
        if confirmed and not reason:
            self.add_error("reason", _("Give the reason why the data differ from the IIN."))
        return {"iin_mismatch_confirmed": confirmed and bool(reason), "iin_mismatch_reason": reason}


class MergeStartForm(CleanTextMixin, forms.Form):
    """The other record of the same person, and which of the two survives."""

    THIS, OTHER = "this", "other"

    other_iin = IinField(label=_("IIN of the other record"))
    survivor = forms.ChoiceField(
        label=_("Which record survives"),
        choices=[(THIS, _("this record (the other one is retired)")), (OTHER, _("the other record"))],
        widget=forms.RadioSelect,
        initial=THIS,
    )


class MergeConfirmForm(CleanTextMixin, forms.Form):
    reason = ReasonField(label=_("Why are these one person"))


class ReplaceIinForm(CleanTextMixin, forms.Form):
    new_iin = IinField(label=_("New IIN"))
    reason = ReasonField(
        label=_("Why the IIN is replaced"), help_text=_("For example: a new IIN issued after an adoption.")
    )
