"""Registrar pages of attachments: thin views over the services, scoped by patients.access."""

import datetime
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from patients import services as patient_services
from patients import tabular
from patients.access import (
    list_exported,
    may_change_for_person,
    organization_id_of,
    person_for_page,
    person_record_for_page,
    persons_listed,
    require_act_for,
    scope_to_organization,
)
from patients.forms import PersonSearchForm
from patients.models import Person

from . import leavers as leaving
from . import printing, rules, selectors, services
from .access import may_correct_death, may_record_death, may_record_death_on_some_date
from .filters import AttachedFilter
from .forms import (
    ApplicationDecisionForm,
    AttachForm,
    DeathCorrectionForm,
    DeathForm,
    DetachForm,
    DistrictChangeForm,
    FamilyAttachForm,
    LeaversFilterForm,
    RefusalForm,
)
from .models import Application, Attachment, Channel, Coupon, Ground, Organization, Refusal
from .reports import dashboard

PAGE_SIZE = 50


def home(request):
    """The start page after login: a widget per role, each from its own selector."""
    today, now = timezone.localdate(), timezone.now()
    context = {"search_form": PersonSearchForm(), "today": today}
    organization_id = organization_id_of(request.user)
    if organization_id is not None:
        context["applications"] = dashboard.applications_today(
            organization_id=organization_id, today=today, now=now
        )
        context["attached"] = dashboard.attached_change(organization_id=organization_id, today=today)
        context["leavers"] = dashboard.leavers_count(user=request.user, today=today)
        applications = context["applications"]
        persons_listed(
            request, [a.person for a in applications.overdue_list + applications.today_list], params={}
        )
    if request.user.has_perm("attachment.change_groundrule"):
        context["administrator"] = True
        context["imports_running"] = dashboard.imports_running()
        context["rule_changes"] = dashboard.rule_changes_pending(today=today)
        context["calendar_unconfirmed"] = dashboard.calendar_unconfirmed(today=today)
    return render(request, "attachment/dashboard.html", context)


@permission_required("attachment.view_attachment", raise_exception=True)
def person_attachments(request, pk):
    """The person card's tab: every attachment (past ones end, never vanish), refusals, applications."""
    person = person_for_page(request, pk)
    attachments = person.attachments.select_related("organization", "district", "ground", "act", "coupon")
    refusals = scope_to_organization(Refusal.objects.filter(person=person), request.user).select_related(
        "organization", "reason", "ground"
    )
    today = timezone.localdate()
    return render(
        request,
        "attachment/person_attachments.html",
        {
            "person": person,
            "tab": "attachments",
            "attachments": attachments,
            "refusals": refusals,
            "today": today,
            "may_record_death": person.date_of_death is None
            and may_record_death_on_some_date(request.user, person, today),
            "may_correct_death": may_correct_death(request.user, person),
        },
    )


def _grounds_open(person, organization, on):
    """For each ground, whether the rules allow it for this person here today, and if not why."""
    if organization is None:
        return []
    book = selectors.rule_book()
    atus = selectors.AtuIndex()
    rows = []
    for ground in Ground.objects.all():
        decision = services.attachment_decide(
            person=person,
            organization=organization,
            ground=ground,
            on=on,
            channel="clinic",
            book=book,
            atus=atus,
        )
        rows.append((ground, [r for r in decision.refusals if r.code != "channel_not_allowed"]))
    return rows


def attached_message(attachment: Attachment, *, received_on: datetime.date) -> str:
    """What the registrar reads after an attachment: where (the organization and the district),
    from when it takes effect and what becomes of the previous attachment: it stays until the
    day before when the attachment takes effect later than the day of receipt (a campaign
    application), or it ended the day before."""
    values = {
        "organization": attachment.organization.name,
        "district": attachment.district.code if attachment.district else "",
        "date": f"{attachment.valid_from:%d.%m.%Y}",
    }
    previous = selectors.attachment_of(
        person=attachment.person, on=attachment.valid_from - datetime.timedelta(days=1)
    )
    if previous is not None and previous.valid_to is None:
        previous = None  # not ended by this attachment (nothing to say of it)
    later = attachment.valid_from > received_on
    if later and previous is not None:
        if attachment.district:
            return _(
                "Attached to %(organization)s, district %(district)s, from %(date)s under the campaign; "
                "the attachment to %(previous)s stays until %(until)s."
            ) % {**values, "previous": previous.organization.name, "until": f"{previous.valid_to:%d.%m.%Y}"}
        return _(
            "Attached to %(organization)s from %(date)s under the campaign; the attachment to "
            "%(previous)s stays until %(until)s."
        ) % {**values, "previous": previous.organization.name, "until": f"{previous.valid_to:%d.%m.%Y}"}
    if later:
        if attachment.district:
            message = _(
                "Attached to %(organization)s, district %(district)s, from %(date)s under the campaign."
            )
        else:
            message = _("Attached to %(organization)s from %(date)s under the campaign.")
    elif attachment.district:
        message = _("Attached to %(organization)s, district %(district)s, from %(date)s.")
    else:
        message = _("Attached to %(organization)s from %(date)s.")
    message %= values
    if previous is not None:
        message += " " + _("The attachment to %(previous)s ended on %(until)s.") % {
            "previous": previous.organization.name,
            "until": f"{previous.valid_to:%d.%m.%Y}",
        }
    return message


def _representatives_without_document(person: Person):
    """The person's legal representatives whose identity document is not recorded."""
    return person.representatives.filter(
        document__isnull=True, representative__documents__isnull=True
    ).select_related("representative")


def refusal_reasons(
    person: Person, refusals, *, on: datetime.date, member: Person | None = None, user=None
) -> list[dict]:
    """The reasons of a refused decision as the attach pages show them: each with where it is
    fixed (a link and what it leads to), when the product has such a page (and `user` may open
    it, for the pages that ask)."""
    reasons = []
    for refused in refusals:
        links: list[tuple[str, str]] = []
        if refused.code in (rules.DOCUMENTS_INCOMPLETE, rules.NO_CONTRACT):
            links.append((reverse("patients:person_detail", args=[person.pk]), _("The person's card")))
        elif refused.code == rules.PERSON_DEAD:
            links.append((reverse("attachment:person", args=[person.pk]), _("The death record")))
        elif refused.code == rules.ALREADY_ATTACHED:
            current = selectors.attachment_of(person=person, on=on)
            url = (
                reverse("attachment:detail", args=[current.pk])
                if current
                else reverse("attachment:person", args=[person.pk])
            )
            links.append((url, _("The current attachment")))
        elif refused.code == rules.REPRESENTATIVE_WITHOUT_DOCUMENT:
            may_edit = user is not None and may_change_for_person(
                user, person, on=timezone.localdate(), perms=patient_services.CHANGE_REPRESENTATIVE
            )
            for link in _representatives_without_document(person):
                if may_edit:
                    links.append(
                        (
                            reverse("patients:representative_edit", args=[link.pk]),
                            _("Choose or record the document of %(name)s")
                            % {"name": link.representative.full_name},
                        )
                    )
                links.append(
                    (
                        reverse("patients:person_detail", args=[link.representative_id]),
                        _("The card of %(name)s") % {"name": link.representative.full_name},
                    )
                )
        elif refused.code == rules.MINOR_WITHOUT_REPRESENTATIVE:
            links.append(
                (
                    reverse("patients:dependent_create", args=[person.pk, "representative"]),
                    _("Add a legal representative"),
                )
            )
        elif refused.code == rules.NOT_INSURED:
            links.append(
                (
                    reverse("patients:dependent_create", args=[person.pk, "insured"]),
                    _("Add an insured period"),
                )
            )
        reasons.append(
            {
                "code": refused.code,
                "message": refused.message,
                "links": links,
                "person": member.full_name if member else "",
            }
        )
    return reasons


def _application_of(request, person: Person) -> Application | None | bool:
    """The received application the page decides (`?application=` or the posted one), scoped to
    the user's organizations; False when one is asked for that is not in the user's queue."""
    raw = request.POST.get("application") or request.GET.get("application")
    if not raw:
        return None
    organizations = scope_to_organization(Organization.objects.all(), request.user, "pk")
    form = ApplicationDecisionForm({"application": raw}, organizations=organizations)
    if not form.is_valid():
        return False
    application = form.cleaned_data["application"]
    if application.person_id != person.pk or application.status != Application.Status.RECEIVED:
        return False
    return application


def _attach_page(request, person, form, *, application=None, reasons=(), refusal_issuable=False):
    today = timezone.localdate()
    own = organization_id_of(request.user)
    organization = application.organization if application else None
    if organization is None:
        organization = Organization.objects.filter(pk=own).first() if own else None
    districts = selectors.district_counts_on(organization=organization, on=today) if organization else []
    context = {
        "person": person,
        "tab": "attachments",
        "form": form,
        "application": application,
        "reasons": list(reasons),
        "refusal_issuable": refusal_issuable,
        "districts": districts,
        "grounds": _grounds_open(person, organization, today),
        "current": selectors.attachment_of(person=person, on=today),
        "required": [
            rules.DOCUMENTS[code]
            for code in rules.required_documents(
                contingents=selectors.contingents_on(person=person, on=today),
                minor=rules.is_minor(person.birth_date, today),
                needs_contract=False,
                channel=Channel.CLINIC,
            )
        ],
    }
    return render(request, "attachment/attach.html", context)


def _attach_form(request, person, application, form_class=AttachForm):
    if application is not None:
        initial = {**AttachForm.initial_of(application), "reason": _("Application at the clinic")}
    else:
        initial = {
            "organization": organization_id_of(request.user),
            "on": timezone.localdate(),
            "reason": _("Application at the clinic"),
        }
    return form_class(
        request.POST if request.method == "POST" else None,
        user=request.user,
        person=person,
        application=application,
        initial=initial,
    )


def _application_fields(data) -> dict:
    return {
        "ground": data["ground"],
        "district": data["district"],
        "contract": data["contract"],
        "documents": data["documents"],
    }


def _submit(request, person, application, data, *, refuse: bool):
    """The attach page's decision as the services make it: for a queued application (which keeps
    its organization, date and channel) or a new one received at the desk; `refuse` issues the
    motivated refusal instead of attaching."""
    organization = application.organization if application else data["organization"]
    require_act_for(request.user, organization.pk)
    confirmed_by = request.user if data.get("confirm_over_capacity") else None
    common = {"user": request.user, "reason": data["reason"], "confirmed_by": confirmed_by}
    if application is not None:
        decide = services.application_refuse if refuse else services.application_attach
        return decide(application=application, changes=_application_fields(data), **common)
    submit = services.application_submit_refused if refuse else services.application_submit
    return submit(
        person=person,
        organization=organization,
        ground=data["ground"],
        channel=data["channel"],
        requested_on=data["on"],
        received_at=timezone.now(),
        district=data["district"],
        contract=data["contract"],
        documents=data["documents"],
        **common,
    )


NOT_IN_QUEUE = gettext_lazy("This application is not in your queue.")


@permission_required("attachment.add_attachment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def attach(request, pk):
    """Attach from the person card or decide a received application from the queue
    (`?application=`, the form prefilled from it). When the rules refuse, the reasons are form
    errors with where each is fixed, and nothing is written; a motivated refusal is the page's
    separate action (`refuse`)."""
    person = person_for_page(request, pk)
    application = _application_of(request, person)
    if application is False:
        messages.error(request, NOT_IN_QUEUE)
        return redirect("attachment:queue")
    form = _attach_form(request, person, application)
    reasons, issuable = [], False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            result = _submit(request, person, application, data, refuse=False)
        except services.AttachmentRefused as refused:
            form.add_error(None, _("Nothing was written: correct what is listed below, then decide again."))
            reasons = refusal_reasons(person, refused.refusals, on=data["on"], user=request.user)
            issuable = rules.refusal_issuable(refused.refusals)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            received_on = application.requested_on if application else data["on"]
            messages.success(request, attached_message(result, received_on=received_on))
            return redirect("attachment:detail", pk=result.pk)
    return _attach_page(
        request, person, form, application=application, reasons=reasons, refusal_issuable=issuable
    )


@permission_required("attachment.add_attachment", raise_exception=True)
@require_POST
def refuse(request, pk):
    """Issue a motivated refusal on purpose (seed 004 items 7–9): the attach form's data posted
    with its own confirmation; the refusal records the reasons of the rules' decision on it.
    Refused as a form error, nothing written, when the rules allow the attachment or the reasons
    are a slip to correct."""
    person = person_for_page(request, pk)
    application = _application_of(request, person)
    if application is False:
        messages.error(request, NOT_IN_QUEUE)
        return redirect("attachment:queue")
    form = _attach_form(request, person, application, form_class=RefusalForm)
    data = form.cleaned_data if form.is_valid() else None
    if data is not None:
        try:
            refusal = _submit(request, person, application, data, refuse=True)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.warning(
                request,
                _("A motivated refusal was issued: %(reasons)s")
                % {"reasons": " ".join(refusal.explanation_lines())},
            )
            return redirect("attachment:refusal", pk=refusal.pk)
    # Not issued: the page again, with the reasons the rules give on what was posted.
    cleaned = form.cleaned_data
    reasons, issuable = [], False
    if all(cleaned.get(name) for name in ("organization", "ground", "on", "channel")):
        decision = services.attachment_decide(
            person=person,
            organization=cleaned["organization"],
            ground=cleaned["ground"],
            on=cleaned["on"],
            channel=cleaned["channel"],
            contract=cleaned.get("contract"),
            district=cleaned.get("district"),
            over_capacity_confirmed=bool(cleaned.get("confirm_over_capacity")),
            documents=cleaned.get("documents") or [],
        )
        reasons = refusal_reasons(person, decision.refusals, on=cleaned["on"], user=request.user)
        issuable = decision.refusal_issuable
    return _attach_page(
        request, person, form, application=application, reasons=reasons, refusal_issuable=issuable
    )


@permission_required("attachment.add_attachment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def family_attach(request, pk):
    """One family member applies for several with their written consent: all or none (§9-1).
    A member refused is a form error naming the member, what to fix and where; nothing is written."""
    person = person_for_page(request, pk)
    family = Person.objects.filter(Q(pk=person.pk) | Q(pk__in=person.family_links.values("relative")))
    form = FamilyAttachForm(
        request.POST or None,
        user=request.user,
        family=family,
        initial={"organization": organization_id_of(request.user), "on": timezone.localdate()},
    )
    reasons = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        require_act_for(request.user, data["organization"].pk)
        try:
            attachments = services.family_attach(
                applicant=person,
                members=list(data["members"]),
                organization=data["organization"],
                ground=data["ground"],
                on=data["on"],
                channel=Channel.INSURER if data["ground"].needs_contract else Channel.CLINIC,
                user=request.user,
                reason=data["reason"],
                district=data["district"],
            )
        except services.FamilyRefused as refused:
            form.add_error(
                None,
                _("Nobody was attached: correct what is listed below for each member, then attach again."),
            )
            for member, refusals in refused.refused.items():
                reasons += refusal_reasons(member, refusals, on=data["on"], member=member, user=request.user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                " ".join(
                    f"{a.person.full_name}: {attached_message(a, received_on=data['on'])}"
                    for a in attachments
                ),
            )
            return redirect("attachment:person", pk=person.pk)
    return render(
        request,
        "attachment/family_attach.html",
        {"person": person, "tab": "attachments", "form": form, "reasons": reasons},
    )


@permission_required("attachment.view_attachment", raise_exception=True)
def attachment_detail(request, pk):
    attachment = person_record_for_page(
        request,
        Attachment.objects.select_related(
            "person", "organization", "district", "ground", "act", "created_by", "contract", "detach_reason"
        ),
        pk,
        person_of=lambda a: a.person,
    )
    coupon = Coupon.objects.filter(attachment=attachment).first()
    return render(
        request,
        "attachment/attachment_detail.html",
        {
            "a": attachment,
            "person": attachment.person,
            "tab": "attachments",
            "coupon": coupon,
            "district_changeable": attachment.valid_to is None or attachment.valid_to >= timezone.localdate(),
            "detachable": services.detachable(attachment, today=timezone.localdate()),
        },
    )


@permission_required("attachment.change_attachment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def detach(request, pk):
    """End the attachment with a reason from the administrators' list (moved abroad, …), for
    staff of its organization; the person is then attached nowhere from the next day."""
    attachment = person_record_for_page(
        request,
        Attachment.objects.select_related("person", "organization", "district"),
        pk,
        person_of=lambda a: a.person,
    )
    require_act_for(request.user, attachment.organization_id)
    today = timezone.localdate()
    if not services.detachable(attachment, today=today):
        messages.error(request, _("This attachment is not in force today: there is nothing to detach."))
        return redirect("attachment:detail", pk=attachment.pk)
    form = DetachForm(request.POST or None, attachment=attachment, today=today, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ended = services.attachment_detach(
                attachment=attachment,
                on=data["on"],
                reason=data["reason"],
                note=data["note"],
                user=request.user,
                today=today,
            )
        except ValidationError as error:  # keyed by this form's fields (on, reason, note)
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
        else:
            messages.success(
                request,
                _(
                    "Detached from %(organization)s: the last day attached is %(date)s (%(reason)s). "
                    "From %(next)s the person is attached nowhere."
                )
                % {
                    "organization": ended.organization.name,
                    "date": f"{ended.valid_to:%d.%m.%Y}",
                    "reason": ended.detach_reason.name,
                    "next": f"{ended.valid_to + datetime.timedelta(days=1):%d.%m.%Y}",
                },
            )
            return redirect("attachment:detail", pk=attachment.pk)
    context = {"a": attachment, "person": attachment.person, "tab": "attachments", "form": form}
    return render(request, "attachment/detach.html", context, status=400 if form.errors else 200)


@permission_required("attachment.change_attachment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def district_change(request, pk):
    """Move the attachment to another district of its organization (capacity applies)."""
    attachment = person_record_for_page(
        request,
        Attachment.objects.select_related("person", "organization", "district"),
        pk,
        person_of=lambda a: a.person,
    )
    require_act_for(request.user, attachment.organization_id)
    form = DistrictChangeForm(request.POST or None, attachment=attachment, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            changed = services.attachment_district_change(
                attachment=attachment,
                district=data["district"],
                user=request.user,
                reason=data["reason"],
                confirmed_by=request.user if data.get("confirm_over_capacity") else None,
            )
        except services.AttachmentRefused as refused:
            for refusal in refused.refusals:
                form.add_error("district", refusal.message)
        except ValidationError as error:  # keyed by the model's fields, not this form's
            form.add_error(None, error.messages)
        else:
            messages.success(
                request,
                _("The attachment is now in district %(district)s.") % {"district": changed.district},
            )
            return redirect("attachment:detail", pk=attachment.pk)
    context = {"a": attachment, "person": attachment.person, "tab": "attachments", "form": form}
    return render(request, "attachment/district_change.html", context, status=400 if form.errors else 200)


@permission_required("attachment.change_attachment", raise_exception=True)
@require_POST
def coupon_issue(request, pk):
    # A write that shows nothing: the coupon page it leads to is the logged read.
    attachment = get_object_or_404(scope_to_organization(Attachment.objects.all(), request.user), pk=pk)
    require_act_for(request.user, attachment.organization_id)
    try:
        coupon = services.coupon_issue(attachment=attachment, on=timezone.localdate(), user=request.user)
    except services.CouponAlreadyIssued as issued:
        # A double submit: the attachment's page shows the coupon issued, with its print links.
        messages.info(request, issued.message)
        return redirect("attachment:detail", pk=attachment.pk)
    except ValidationError as error:  # the person busy (a register import): nothing written
        messages.error(request, " ".join(error.messages))
        return redirect("attachment:detail", pk=attachment.pk)
    return redirect("attachment:coupon", pk=coupon.pk)


def _scoped_coupon(request, pk) -> Coupon:
    queryset = Coupon.objects.select_related(
        "attachment__person",
        "attachment__organization",
        "attachment__district",
        "attachment__ground",
        "issued_by",
    )
    return person_record_for_page(request, queryset, pk, person_of=lambda c: c.attachment.person)


@permission_required("attachment.view_attachment", raise_exception=True)
def coupon_page(request, pk):
    """Printable coupon; every view of it for printing is recorded as a print."""
    coupon = _scoped_coupon(request, pk)
    lang = printing.language_of(request)
    services.coupon_print_record(coupon=coupon, user=request.user, language=lang, file_format="html")
    context = printing.coupon_context(request, coupon, lang, on_screen=True)
    return HttpResponse(printing.render_form("attachment/coupon_print.html", context, lang, request))


@permission_required("attachment.view_attachment", raise_exception=True)
def coupon_pdf(request, pk):
    coupon = _scoped_coupon(request, pk)
    lang = printing.language_of(request)
    services.coupon_print_record(coupon=coupon, user=request.user, language=lang, file_format="pdf")
    html = printing.render_form(
        "attachment/coupon_print.html", printing.coupon_context(request, coupon, lang), lang, request
    )
    response = HttpResponse(
        printing.to_pdf(html, request.build_absolute_uri("/")), content_type="application/pdf"
    )
    response["Content-Disposition"] = f'inline; filename="coupon-{coupon.number}.pdf"'
    return response


@login_not_required
@never_cache  # a masked name and dates: not for shared caches
def coupon_verify(request, token):
    """Public: only whether the coupon is valid, the organization, the dates and a masked name."""
    coupon = get_object_or_404(
        Coupon.objects.select_related("attachment__person", "attachment__organization"), token=token
    )
    attachment = coupon.attachment
    valid = selectors.attachment_attaches_from(attachment=attachment, on=timezone.localdate())
    return render(
        request, "attachment/coupon_verify.html", {"coupon": coupon, "a": attachment, "valid": valid}
    )


def _scoped_refusal(request, pk, params=None) -> Refusal:
    queryset = Refusal.objects.select_related("person", "organization", "reason", "ground", "created_by")
    return person_record_for_page(request, queryset, pk, person_of=lambda r: r.person, params=params)


@permission_required("attachment.view_attachment", raise_exception=True)
def refusal_detail(request, pk):
    refusal = _scoped_refusal(request, pk)
    return render(
        request,
        "attachment/refusal_detail.html",
        {"refusal": refusal, "person": refusal.person, "tab": "attachments"},
    )


@permission_required("attachment.view_attachment", raise_exception=True)
def refusal_print(request, pk):
    as_pdf = request.GET.get("format") == "pdf"
    refusal = _scoped_refusal(request, pk, params={"format": "pdf" if as_pdf else "html"})
    lang = printing.language_of(request)
    context = {
        "r": refusal,
        "L": printing.LABELS[lang],
        "lang": lang,
        "registrar": printing.staff_name(refusal.created_by),
        "on_screen": not as_pdf,
        "back": reverse("attachment:refusal", args=[refusal.pk]),
    }
    html = printing.render_form("attachment/refusal_print.html", context, lang, request)
    if as_pdf:
        return HttpResponse(
            printing.to_pdf(html, request.build_absolute_uri("/")), content_type="application/pdf"
        )
    return HttpResponse(html)


@permission_required("attachment.view_application", raise_exception=True)
@require_http_methods(["GET"])
def application_queue(request):
    """Received applications with their due time, the earliest due (overdue) first; "decide"
    opens the attach form prefilled from the application (`attach` with `?application=`)."""
    organizations = scope_to_organization(Organization.objects.all(), request.user, "pk")
    now = timezone.now()
    rows = list(selectors.applications_queue(organizations=organizations)[:200])
    persons_listed(request, [row.person for row in rows], params={"listed": len(rows)})
    return render(request, "attachment/queue.html", {"rows": rows, "now": now})


def _filters_of(filterset) -> dict:
    """The filters a list was shown with, as the access log keeps them (ids, codes and dates)."""
    if not filterset.is_bound or not filterset.is_valid():
        return {}
    return {
        name: getattr(value, "pk", value)
        for name, value in filterset.form.cleaned_data.items()
        if value not in (None, "", [])
    }


@permission_required("attachment.view_attachment", raise_exception=True)
def attached_list(request):
    """The attached population of the user's organization (every organization for administrators)."""
    base = scope_to_organization(Attachment.objects.all(), request.user).select_related(
        "person", "district", "ground", "organization"
    )
    attached = AttachedFilter(request.GET or None, queryset=base, user=request.user)
    page = Paginator(
        attached.qs.order_by("person__last_name", "person__first_name", "id"), PAGE_SIZE
    ).get_page(request.GET.get("page"))
    persons_listed(
        request,
        [a.person for a in page.object_list],
        params={"page": page.number, "listed": len(page.object_list), "filters": _filters_of(attached)},
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "attachment/attached_list.html",
        {
            "filter": attached,
            "page": page,
            "query": query.urlencode(),
            "export": _list_export(attached, request.user),
        },
    )


def _list_export(attached: AttachedFilter, user) -> dict | None:
    """The export of what the list shows: the organization chosen (or the user's own), on the
    list's date, with its district, ground and category; none while the filters are wrong."""
    data = {}
    if attached.is_bound:
        if not attached.form.is_valid():
            return None
        data = attached.form.cleaned_data
    organization_id = data["organization"].pk if data.get("organization") else organization_id_of(user)
    if organization_id is None:
        return {"organization": None}
    params = {"on": (data.get("on") or timezone.localdate()).isoformat()}
    if data.get("district"):
        params["district"] = data["district"].pk
    if data.get("ground"):
        params["ground"] = data["ground"].code
    if data.get("category"):
        params["category"] = data["category"]
    return {"organization": organization_id, "query": urlencode(params)}


def _leavers_form(request) -> LeaversFilterForm:
    organizations = scope_to_organization(Organization.objects.all(), request.user, "pk")
    return LeaversFilterForm(request.GET, organizations=organizations)


def _leavers_filters(cleaned: dict) -> dict:
    """The filters as the access log keeps them (ids, codes and dates)."""
    return {name: getattr(value, "pk", value) for name, value in cleaned.items() if value not in (None, "")}


@require_GET
@permission_required("attachment.view_attachment", raise_exception=True)
def leavers(request):
    """Who left the user's organization (the one chosen, or every one, for those who see all) in
    a period, the latest first: the last day attached, where they went from the next day, on
    which ground, and why the attachment ended."""
    form = _leavers_form(request)
    page, export = None, None
    if form.is_valid():
        filters = form.cleaned_data
        queryset = leaving.leavers_for(user=request.user, **filters).select_related(
            "person", "organization", "district", "detach_reason"
        )
        page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
        page.object_list = leaving.leavers_page_rows(page.object_list)
        persons_listed(
            request,
            [a.person for a in page.object_list],
            params={
                "page": page.number,
                "listed": len(page.object_list),
                "filters": _leavers_filters(filters),
            },
        )
        organization_id = (
            filters["organization"].pk if filters["organization"] else organization_id_of(request.user)
        )
        params = {k: v for k, v in _leavers_filters(filters).items() if k != "organization"}
        export = {"organization": organization_id, "query": urlencode(params)}
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "attachment/leavers.html",
        {"form": form, "page": page, "query": query.urlencode(), "export": export},
    )


@require_GET
@permission_required("attachment.view_attachment", raise_exception=True)
def leavers_export(request, pk, file_format):
    """The leavers' list of one organization as a file, filtered like the page (a wrong filter
    is a 400 naming it); another organization's is a 404, like the attached list's export."""
    organization = get_object_or_404(
        scope_to_organization(Organization.objects.all(), request.user, "pk"), pk=pk
    )
    if file_format not in tabular.FORMATS:
        raise Http404
    form = _leavers_form(request)
    if not form.is_valid():
        errors = [f"{form[name].label}: {' '.join(texts)}" for name, texts in form.errors.items()]
        return HttpResponseBadRequest("\n".join(errors), content_type="text/plain; charset=utf-8")
    filters = {**form.cleaned_data, "organization": organization}
    written = leaving.leavers_file(leaving.leavers_for(user=request.user, **filters), file_format=file_format)
    list_exported(
        request, row_count=written.rows, params={"format": file_format, **_leavers_filters(filters)}
    )
    return tabular.file_response(
        written,
        file_format=file_format,
        filename=f"left-{organization.bin}-{filters['date_from']:%Y%m%d}-{filters['date_to']:%Y%m%d}",
    )


@permission_required("patients.change_person", raise_exception=True)
@permission_required("attachment.change_attachment", raise_exception=True)
@require_http_methods(["GET", "POST"])
def record_death(request, pk):
    """Record a death: every attachment in force on that date ends on it, later ones are cancelled.
    Staff of an organization the person is attached to on that date or later, a rules
    administrator, or any registrar when the person is attached nowhere (`may_record_death`)."""
    person = person_for_page(request, pk)
    if person.date_of_death is not None:
        return redirect("attachment:correct_death", pk=person.pk)
    if not may_record_death_on_some_date(request.user, person, timezone.localdate()):
        raise PermissionDenied(
            _("You may not record the death of a person attached to another organization.")
        )
    form = DeathForm(request.POST or None, person=person)
    if request.method == "POST" and form.is_valid():
        died = form.cleaned_data["date_of_death"]
        if not may_record_death(request.user, person, died):
            raise PermissionDenied(
                _("You may not record the death of a person attached to another organization.")
            )
        try:
            services.person_record_death(
                person=person, date_of_death=died, user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The death was recorded."))
            return redirect("attachment:person", pk=person.pk)
    return render(
        request, "attachment/record_death.html", {"person": person, "tab": "attachments", "form": form}
    )


@permission_required("attachment.correct_death", raise_exception=True)
@require_http_methods(["GET", "POST"])
def correct_death(request, pk):
    """Correct a wrongly recorded death (a clinic head of the person's organization or a rules
    administrator): the attachments it closed reopen as they were, closed again on a new date."""
    person = person_for_page(request, pk)
    if person.date_of_death is None:
        raise Http404(_("No death is recorded for this person."))
    if not may_correct_death(request.user, person):
        raise PermissionDenied(
            _("Only a clinic head of the person's organization or a rules administrator may correct a death.")
        )
    form = DeathCorrectionForm(
        request.POST or None, person=person, initial={"date_of_death": person.date_of_death}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.person_correct_death(
                person=person,
                date_of_death=form.cleaned_data["date_of_death"],
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The death record was corrected."))
            return redirect("attachment:person", pk=person.pk)
    closed = person.attachments.filter(closed_by_death_on__isnull=False).select_related("organization")
    return render(
        request,
        "attachment/correct_death.html",
        {"person": person, "tab": "attachments", "form": form, "closed": closed},
    )
