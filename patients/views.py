"""Registrar pages of the person register. Personal data travels in POST bodies, never in URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from . import forms, services
from .access import person_for_page, persons_listed
from .history import person_timeline
from .selectors import SEARCH_LIMIT
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


@permission_required("patients.view_person", raise_exception=True)
def person_detail(request, pk):
    person = person_for_page(request, pk)
    context = {
        "person": person,
        "tab": "card",
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


def _save_person(request, form, person=None):
    data = {k: v for k, v in form.cleaned_data.items() if k != "reason"}
    reason = form.cleaned_data["reason"]
    try:
        if person is None:
            return services.person_create(user=request.user, reason=reason, **data)
        return services.person_update(person=person, user=request.user, reason=reason, **data)
    except ValidationError as error:
        form.add_error(None, error)
        return None


@permission_required("patients.add_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_create(request):
    form = forms.PersonForm(request.POST or None, initial={"reason": _("New person registered")})
    if request.method == "POST" and form.is_valid():
        person = _save_person(request, form)
        if person:
            messages.success(request, _("The person was registered."))
            return redirect("patients:person_detail", pk=person.pk)
    return render(request, "patients/person_form.html", {"form": form})


@permission_required("patients.change_person", raise_exception=True)
@require_http_methods(["GET", "POST"])
def person_edit(request, pk):
    person = person_for_page(request, pk)
    form = forms.PersonForm(request.POST or None, instance=person)
    if request.method == "POST" and form.is_valid():
        if _save_person(request, form, person):
            messages.success(request, _("The changes were saved."))
            return redirect("patients:person_detail", pk=person.pk)
    return render(request, "patients/person_form.html", {"form": form, "person": person})


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
    kwargs = {"child": person} if kind == "representative" else {}
    form = form_class(request.POST or None, **kwargs)
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
