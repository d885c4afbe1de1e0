"""Entitlement pages of the person card. People are addressed by pk; IINs never enter URLs."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from patients.access import can_act_for, organization_id_of, person_for_page

from . import services
from .forms import LeafletForm, OnDateForm, ServiceUsageForm
from .models import LEAFLET_CODES, ServiceUsage
from .selectors import entitlements_on, leaflet_for

RECENT_USAGES = 20


def _on_date(request):
    """The date asked for (default today), read once and passed down; a wrong date (`?on=2026-02-30`)
    is a form error and gives no date, never a silent today."""
    if "on" not in request.GET:
        on = timezone.localdate()
        return OnDateForm(initial={"on": on}), on
    form = OnDateForm(request.GET)
    return form, form.cleaned_data["on"] if form.is_valid() else None


def _usage_context(request, person, answer, usage_form=None):
    organization_id = organization_id_of(request.user)
    limits = [s.limit for g in answer.packages for s in g.limits]
    may_record = bool(limits) and can_act_for(request.user, organization_id, services.ADD_USAGE)
    if may_record and usage_form is None:
        usage_form = ServiceUsageForm(limits=limits, initial={"rendered_on": answer.on})
    usages = (
        ServiceUsage.objects.filter(person=person)
        .select_related("limit", "organization")
        .order_by("-rendered_on", "-id")[:RECENT_USAGES]
    )
    return {"usage_form": usage_form if may_record else None, "usages": usages}


@permission_required("coverage.view_package", raise_exception=True)
def person_entitlements(request, pk):
    person = person_for_page(request, pk)
    form, on = _on_date(request)
    if on is None:
        context = {"person": person, "tab": "entitlements", "form": form, "answer": None}
        return render(request, "coverage/entitlements.html", context, status=400)
    answer = entitlements_on(person=person, on=on)
    context = {
        "person": person,
        "tab": "entitlements",
        "form": form,
        "answer": answer,
        "leaflet_form": LeafletForm(initial={"on": on, "lang": _default_language(request)}),
        **_usage_context(request, person, answer),
    }
    return render(request, "coverage/entitlements.html", context)


@require_POST
@permission_required("coverage.add_serviceusage", raise_exception=True)
def usage_record(request, pk):
    person = person_for_page(request, pk)
    form, on = _on_date(request)
    if on is None:
        context = {"person": person, "tab": "entitlements", "form": form, "answer": None}
        return render(request, "coverage/entitlements.html", context, status=400)
    answer = entitlements_on(person=person, on=on)
    limits = [s.limit for g in answer.packages for s in g.limits]
    usage_form = ServiceUsageForm(request.POST, limits=limits)
    if usage_form.is_valid():
        try:
            services.service_usage_record(
                person=person,
                limit=usage_form.cleaned_data["limit"],
                on=usage_form.cleaned_data["rendered_on"],
                organization_id=organization_id_of(request.user),
                user=request.user,
                reason=usage_form.cleaned_data["reason"],
            )
        except ValidationError as error:
            usage_form.add_error(None, error)
        else:
            messages.success(request, _("The service was recorded."))
            url = reverse("coverage:person_entitlements", args=[person.pk])
            return redirect(f"{url}?on={on.isoformat()}")
    context = {
        "person": person,
        "tab": "entitlements",
        "form": form,
        "answer": answer,
        "leaflet_form": LeafletForm(initial={"on": on, "lang": _default_language(request)}),
        **_usage_context(request, person, answer, usage_form),
    }
    return render(request, "coverage/entitlements.html", context, status=400)


def _default_language(request) -> str:
    language = (getattr(request, "LANGUAGE_CODE", "") or "ru")[:2]
    return language if language in LEAFLET_CODES else "ru"


@permission_required("coverage.view_package", raise_exception=True)
def person_leaflet(request, pk):
    as_pdf = request.GET.get("format") == "pdf"
    person = person_for_page(request, pk, params={"format": "pdf" if as_pdf else "html"})
    form = LeafletForm(request.GET)
    if request.GET.get("on") and "on" in form.errors:  # a wrong date, never a silent today's leaflet
        context = {"person": person, "date_errors": form.errors["on"]}
        return render(request, "coverage/leaflet.html", context, status=400)
    if form.is_valid():
        on, language = form.cleaned_data["on"], form.cleaned_data["lang"]
    else:
        on, language = timezone.localdate(), _default_language(request)
    leaflet = leaflet_for(person=person, on=on, language=language)
    context = {"person": person, "leaflet": leaflet, "on": on, "language": language}
    if as_pdf and leaflet.applies:
        from weasyprint import HTML

        html = render_to_string("coverage/leaflet_pdf.html", context, request=request)
        response = HttpResponse(HTML(string=html).write_pdf(), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="leaflet-{language}.pdf"'
        return response
    return render(request, "coverage/leaflet.html", context)
