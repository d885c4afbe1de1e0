"""Registrar pages of the person register. Personal data travels in POST bodies, never in URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import forms, services
from .access import may_change_for_person, may_merge, person_for_page, persons_listed, require_may_merge
from .history import person_timeline
from .iin import is_valid_iin
from .models import LegalRepresentative, Person, RetiredIin
from .selectors import SEARCH_LIMIT, DuplicateSignal, likely_duplicates, persons_live, retired_iin_of
from .selectors import person_search as person_search_rows


@permission_required("patients.view_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_search(request):
    """Search is a POST so that IINs and names stay out of URLs and access logs. A whole valid
    IIN of a person opens their card (which logs the read); a list logs each person it shows.
    Each row shows the person's attachment today (attachment's `with_attachment_on` tag)."""
    form = forms.PersonSearchForm(request.POST if request.method == "POST" else None)
    results, truncated = None, False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        rows = person_search_rows(
            iin=data["iin"],
            name=data["name"],
            birth_date=data["birth_date"],
            birth_year=data["birth_year"],
            sex=data["sex"],
            limit=SEARCH_LIMIT + 1,
        )
        if form.exact_iin and len(rows) == 1:
            if rows[0].retired_as:
                messages.info(request, _retired_iin_note(data["iin"], rows[0]))
            return redirect("patients:person_detail", pk=rows[0].pk)
        truncated = len(rows) > SEARCH_LIMIT
        results = rows[:SEARCH_LIMIT]
        # One access-log row per person listed; the criteria's names, not what was typed.
        criteria = sorted(k for k, v in data.items() if v)
        persons_listed(request, results, params={"criteria": criteria, "listed": len(results)})
    return render(
        request,
        "patients/search.html",
        {"form": form, "results": results, "truncated": truncated, "today": timezone.localdate()},
    )


def _retired_iin_note(iin: str, survivor) -> str:
    if survivor.retired_as == RetiredIin.Kind.MERGED:
        return _("The IIN %(iin)s was merged into %(survivor)s.") % {"iin": iin, "survivor": survivor.iin}
    return _("The IIN %(iin)s was replaced by %(survivor)s.") % {"iin": iin, "survivor": survivor.iin}


@permission_required("patients.view_person", raise_exception=True)
def person_detail(request, pk):
    person = person_for_page(request, pk)
    today = timezone.localdate()
    context = {
        "person": person,
        "tab": "card",
        "may_edit_representatives": may_change_for_person(
            request.user, person, on=timezone.localdate(), perms=services.CHANGE_REPRESENTATIVE
        ),
        "retirement": retired_iin_of(person),
        "retired_iins": person.retired_iins.all(),
        "may_merge": may_merge(request.user, [person], today=today),
        "documents": person.documents.all(),
        "representatives": person.representatives.select_related("representative", "document"),
        "family": person.family_links.select_related("relative"),
        "contingents": person.contingents.all(),
        "contracts": person.contracts.select_related("insurer", "organization"),
        "insured_periods": person.insured_periods.all(),
    }
    return render(request, "patients/person_detail.html", context)


@permission_required("patients.view_person", raise_exception=True)
def person_history(request, pk):
    """Who changed what, when and why: the person and every record of theirs, in one timeline."""
    person = person_for_page(request, pk)
    rows = person_timeline(person)
    return render(request, "patients/person_history.html", {"person": person, "tab": "history", "rows": rows})


def _save_person(request, form, iin_form, person=None):
    """Save through the person services; return the person, or None with the refusal on the form.
    A birth date or sex differing from the IIN and not yet confirmed comes back in `iin_warnings`
    (the page shows it with the confirmation box)."""
    data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
    reason = form.cleaned_data["reason"]
    confirmation = iin_form.confirmation(form.cleaned_data)
    try:
        if person is None:
            return services.person_create(user=request.user, reason=reason, **confirmation, **data), []
        return services.person_update(
            person=person, user=request.user, reason=reason, **confirmation, **data
        ), []
    except services.IinFactsUnconfirmed as warning:
        return None, warning.warnings
    except ValidationError as error:
        form.add_error(None, error)
        return None, []


def _iin_context(form, iin_form, warnings) -> dict:
    """The IIN warning box of the person form: what differs, for which data, and whether it is
    confirmed for them already (another box of the page is still open)."""
    data = getattr(form, "cleaned_data", {})
    return {
        "iin_form": iin_form,
        "iin_warnings": warnings,
        "iin_shown": iin_form.key(data) if warnings else "",
        "iin_confirmed": bool(warnings) and iin_form.confirmation(data)["iin_mismatch_confirmed"],
    }


@permission_required("patients.add_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_create(request):
    """Register a person. Before anything is written, the records that may be the same person are
    listed (`likely_duplicates`), and a birth date or sex that differs from what the IIN encodes is
    shown (rules of 26.08.2013: a warning, never a refusal): the form comes back as typed, and the
    person is registered once the registrar confirms it is none of those records and, for the IIN,
    that the data are right, with the reason (written into the history)."""
    data = request.POST or None
    form = forms.PersonForm(data, initial={"reason": _("New person registered")})
    document_form = forms.NewPersonDocumentForm(data, prefix="document")
    check_form = forms.DuplicateCheckForm(data, prefix="duplicates")
    iin_form = forms.IinFactsCheckForm(data, prefix="iin_facts")
    duplicates, duplicates_confirmed, iin_warnings = [], False, []
    if request.method == "POST" and form.is_valid() & document_form.is_valid():
        duplicates, duplicates_confirmed = _duplicates_to_confirm(form, document_form, check_form)
        iin_warnings = iin_form.warnings(form.cleaned_data)
        iin_open = iin_warnings and not iin_form.confirmation(form.cleaned_data)["iin_mismatch_confirmed"]
        if duplicates_confirmed and not iin_open:
            person, iin_warnings = _save_person(request, form, iin_form)
            if person:
                messages.success(request, _("The person was registered."))
                _record_new_person_document(request, person, document_form, form.cleaned_data["reason"])
                return redirect("patients:person_detail", pk=person.pk)
    if duplicates:
        _duplicates_listed(request, duplicates)
    context = {
        "form": form,
        "document_form": document_form,
        "check_form": check_form,
        "duplicates": duplicates,
        "duplicates_confirmed": duplicates_confirmed and bool(duplicates),
        "duplicates_seen": ",".join(str(d.person.pk) for d in duplicates),
        "duplicate_signals": DUPLICATE_SIGNALS,
        **_iin_context(form, iin_form, iin_warnings),
    }
    return render(request, "patients/person_form.html", context)


# What each signal of a likely duplicate says to the registrar.
DUPLICATE_SIGNALS = {
    DuplicateSignal.NAME_AND_BIRTH_DATE: _("same birth date, similar name"),
    DuplicateSignal.DOCUMENT: _("same document number"),
    DuplicateSignal.IIN_SWAPPED: _("IIN with two adjacent digits swapped"),
}


def _duplicates_to_confirm(form, document_form, check_form) -> tuple[list, bool]:
    """The likely duplicates of the person typed, and whether the registrar has confirmed each of
    them as another person (all of them are listed again when one is new). The list is shown while
    another box of the page is still open, with the confirmation kept."""
    data = form.cleaned_data
    duplicates = likely_duplicates(
        iin=data.get("iin") or "",
        last_name=data.get("last_name") or "",
        first_name=data.get("first_name") or "",
        middle_name=data.get("middle_name") or "",
        birth_date=data.get("birth_date"),
        document_number=document_form.cleaned_data.get("number") or "",
    )
    if not duplicates:
        return [], True
    return duplicates, {d.person.pk for d in duplicates} <= check_form.confirmed_ids()


def _duplicates_listed(request, duplicates) -> None:
    """Each likely duplicate shown writes an access-log row."""
    persons_listed(
        request,
        [d.person for d in duplicates],
        params={"likely_duplicates": sorted({s for d in duplicates for s in d.signals})},
    )


def _record_new_person_document(request, person, document_form, reason: str) -> None:
    """The identity document typed on the create page, recorded for the new person (its service
    locks the person and writes the history). Checked by the form already; a document recorded
    meanwhile by someone else is reported, the person stays registered."""
    document = document_form.document()
    if document is None:
        return
    try:
        services.document_create(person=person, user=request.user, reason=reason, **document)
    except ValidationError as error:
        messages.warning(
            request,
            _("The identity document was not recorded: %(error)s") % {"error": " ".join(error.messages)},
        )


@permission_required("patients.change_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    """Change a person's data; a new IIN, birth date or sex that differs from what the IIN encodes
    is saved once the registrar confirms it with a reason, as on the create page."""
    person = person_for_page(request, pk)
    form = forms.PersonForm(request.POST or None, instance=person)
    iin_form = forms.IinFactsCheckForm(request.POST or None, prefix="iin_facts")
    iin_warnings = []
    if request.method == "POST" and form.is_valid():
        saved, iin_warnings = _save_person(request, form, iin_form, person)
        if saved:
            messages.success(request, _("The changes were saved."))
            return redirect("patients:person_detail", pk=person.pk)
    context = {"form": form, "person": person, **_iin_context(form, iin_form, iin_warnings)}
    return render(request, "patients/person_form.html", context)


# Records a registrar adds from the person card: form, the field naming the person, the service
# that writes it (locking the person first), permission.
DEPENDENTS = {
    "document": (forms.DocumentForm, "person", services.document_create, "patients.add_identitydocument"),
    "representative": (
        forms.RepresentativeForm,
        "child",
        services.representative_create,
        "patients.add_legalrepresentative",
    ),
    "family": (forms.FamilyLinkForm, "person", services.family_link_create, "patients.add_familylink"),
    "contingent": (forms.ContingentForm, "person", services.contingent_create, "patients.add_contingentflag"),
    "insured": (
        forms.InsuredStatusForm,
        "person",
        services.insured_period_create,
        "patients.add_insuredstatusperiod",
    ),
    "contract": (forms.ContractForm, "insured", services.contract_create, "patients.add_insurancecontract"),
}


@require_http_methods(["GET", "POST"])
def dependent_create(request, pk, kind):
    if kind not in DEPENDENTS:
        raise Http404
    form_class, owner_field, create, perm = DEPENDENTS[kind]
    if not request.user.has_perm(perm):
        raise PermissionDenied
    person = person_for_page(request, pk, params={"kind": kind})
    if kind == "representative":
        return _representative_page(request, person)
    form = form_class(request.POST or None)
    # The form checks the record as it would be stored; the service checks it again under the
    # person's lock and writes it.
    setattr(form.instance, owner_field, person)
    if kind == "contract":
        form.instance.holder_person = person
    if request.method == "POST" and form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        try:
            create(**{owner_field: person}, user=request.user, reason=form.cleaned_data["reason"], **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("patients:person_detail", pk=person.pk)
    return render(request, "patients/dependent_form.html", {"form": form, "person": person, "kind": kind})


@permission_required("patients.change_legalrepresentative", raise_exception=True)
@require_http_methods(["GET", "POST"])
def representative_edit(request, pk):
    """Correct a legal representative of a person (from the card's list): relationship, the document
    proving it, the representative's identity document. The staff of an organization the person is
    attached to today or later, a rules administrator, anyone when the person is attached nowhere;
    asked before the page shows anything (`may_change_for_person`)."""
    link = get_object_or_404(LegalRepresentative.objects.select_related("child"), pk=pk)
    if not may_change_for_person(
        request.user, link.child, on=timezone.localdate(), perms=services.CHANGE_REPRESENTATIVE
    ):
        raise PermissionDenied(_("You may not change the legal representatives of this person."))
    person = person_for_page(request, link.child_id)
    return _representative_page(request, person, link)


def _typed_representative(request, child: Person) -> Person | None:
    """The person whose IIN was typed as the representative's (raw input never reaches a query:
    it may hold anything, a NUL included); their documents are offered, so their read is logged."""
    typed = "".join(request.POST.get("representative", "").split())
    if not is_valid_iin(typed):
        return None
    pk = Person.objects.filter(iin=typed).values_list("pk", flat=True).first()
    if pk is None:
        return None
    return person_for_page(request, pk, params={"representative_of": child.pk})


def _representative_page(request, person: Person, link: LegalRepresentative | None = None):
    """The add and the edit page of a legal representative: one of the representative's documents
    picked, or a new one typed here and recorded by the same service (both persons locked). On the
    add page "Show their documents" offers the documents of the IIN typed, writing nothing."""
    if link is not None:
        representative = person_for_page(
            request, link.representative_id, params={"representative_of": person.pk}
        )
        link.representative = representative
    else:
        representative = _typed_representative(request, person) if request.method == "POST" else None
    data = request.POST or None
    if link is None and request.method == "POST" and "show_documents" in request.POST:
        data = None  # only the documents of the IIN typed: the form comes back as typed, unchecked
        if representative is None:
            messages.error(request, _("No person with this IIN is in the register; register them first."))
    initial = request.POST.dict() if data is None and request.method == "POST" else {}
    form = forms.RepresentativeForm(
        data, child=person, representative=representative, instance=link, initial=initial
    )
    document_form = forms.RepresentativeDocumentForm(data, prefix="new_document", initial=_prefixed(initial))
    if data is not None and form.is_valid() & document_form.is_valid():
        fields = {name: value for name, value in form.cleaned_data.items() if name != "reason"}
        common = {
            "user": request.user,
            "reason": form.cleaned_data["reason"],
            "new_document": document_form.new_document(),
        }
        try:
            if link is None:
                services.representative_create(child=person, **common, **fields)
            else:
                services.representative_update(link=link, on=timezone.localdate(), **common, **fields)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Saved."))
            return redirect("patients:person_detail", pk=person.pk)
    context = {
        "form": form,
        "document_form": document_form,
        "person": person,
        "link": link,
        "representative": representative,
        # Adding a representative recorded already: the page links to their record.
        "existing": (
            LegalRepresentative.objects.filter(child=person, representative=representative).first()
            if link is None and representative is not None
            else None
        ),
    }
    return render(request, "patients/representative_form.html", context)


def _prefixed(initial: dict) -> dict:
    """The new document's fields of a form posted back unchecked, by their names in its form."""
    prefix = "new_document-"
    return {name[len(prefix) :]: value for name, value in initial.items() if name.startswith(prefix)}


# Merging two records of one person, replacing an IIN: clinic heads for their organization's
# persons, rules administrators for anyone (`access.may_merge`).


@permission_required("patients.merge_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_merge_start(request, pk):
    """Choose the other record of the person (its IIN, or one of the likely duplicates listed)
    and which record survives; the confirmation page follows."""
    person = person_for_page(request, pk)
    require_may_merge(request.user, [person], today=timezone.localdate())
    if hasattr(person, "retirement"):
        raise Http404
    form = forms.MergeStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        other = persons_live().filter(iin=form.cleaned_data["other_iin"]).exclude(pk=person.pk).first()
        if other is None:
            form.add_error("other_iin", _("No other record in the register has this IIN."))
        elif form.cleaned_data["survivor"] == form.THIS:
            return redirect("patients:person_merge", pk=person.pk, retired=other.pk)
        else:
            return redirect("patients:person_merge", pk=other.pk, retired=person.pk)
    duplicates = likely_duplicates(
        iin=person.iin,
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        birth_date=person.birth_date,
        exclude_pk=person.pk,
    )
    persons_listed(request, [d.person for d in duplicates], params={"likely_duplicates": len(duplicates)})
    context = {
        "person": person,
        "form": form,
        "duplicates": duplicates,
        "duplicate_signals": DUPLICATE_SIGNALS,
    }
    return render(request, "patients/merge_start.html", context)


# Who is shown side by side on the confirmation page.
MERGE_FACTS = (
    "iin",
    "last_name",
    "first_name",
    "middle_name",
    "birth_date",
    "sex",
    "citizenship",
    "category",
    "residence_atu",
    "residence_address",
    "date_of_death",
)


def _fact(person, name):
    value = getattr(person, name)
    display = getattr(person, f"get_{name}_display", None)
    if display is not None:
        return display()
    if name == "citizenship":
        return value.name if value else ""
    if hasattr(value, "strftime"):
        return value.strftime("%d.%m.%Y")
    return value if value not in (None, "") else ""


@permission_required("patients.merge_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_merge(request, pk, retired):
    """Both records side by side, what will move and why the merge would be refused; the POST
    merges `retired` into the record `pk` (`services.person_merge`)."""
    survivor = person_for_page(request, pk)
    retired_person = person_for_page(request, retired)
    require_may_merge(request.user, [survivor, retired_person], today=timezone.localdate())
    form = forms.MergeConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.person_merge(
                survivor=survivor,
                retired=retired_person,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The record with the IIN %(retired)s was merged into this one.")
                % {"retired": retired_person.iin},
            )
            return redirect("patients:person_detail", pk=survivor.pk)
    plan = services.person_merge_plan(survivor=survivor, retired=retired_person)
    references = services.person_references()
    moves = [
        (references[label].model._meta.verbose_name_plural, references[label].verbose_name, count)
        for label, count in plan.moves.items()
    ]
    facts = [
        (Person._meta.get_field(name).verbose_name, _fact(survivor, name), _fact(retired_person, name))
        for name in MERGE_FACTS
    ]
    context = {
        "survivor": survivor,
        "retired": retired_person,
        "facts": facts,
        "moves": moves,
        "drops": [(row._meta.verbose_name, row) for row in plan.drops],
        "refusals": plan.refusals,
        "form": form,
    }
    return render(request, "patients/merge_confirm.html", context)


@permission_required("patients.merge_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_replace_iin(request, pk):
    """A new IIN for the person (the old one stays findable, leading here)."""
    person = person_for_page(request, pk)
    require_may_merge(request.user, [person], today=timezone.localdate())
    form = forms.ReplaceIinForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.person_replace_iin(
                person=person,
                new_iin=form.cleaned_data["new_iin"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("The IIN %(old)s was replaced by %(new)s.") % {"old": link.iin, "new": link.survivor_iin},
            )
            return redirect("patients:person_detail", pk=person.pk)
    return render(request, "patients/replace_iin.html", {"person": person, "form": form})
