"""Staff roles and access scoping: the one place every view, admin page and export asks.

Every page that shows a person's data loads the person here (`person_for_page`,
`person_record_for_page`), and list pages and exports report what they showed (`persons_listed`,
`list_exported`): that is what writes the access log, one row per page and person.

Roles are Django groups with permissions. Registrars and clinic heads belong to one PHC
organization (their StaffProfile); they may look anyone up by IIN (attaching needs it) but see
attached lists and change attachments only of their own organization. Rules administrators and
auditors see every organization; auditors change nothing.
"""

import datetime
import ipaddress
from collections.abc import Callable, Iterable

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Person

REGISTRAR = "registrar"
CLINIC_HEAD = "clinic_head"
RULES_ADMIN = "rules_administrator"
AUDITOR = "auditor"

OUR_APPS = ("patients", "attachment", "coverage")
SEE_ALL = "attachment.view_all_organizations"

# What a registrar does all day: persons and their papers, attachments, service usage.
REGISTRAR_PAPERS = (
    "person",
    "identitydocument",
    "legalrepresentative",
    "familylink",
    "contingentflag",
    "insurancecontract",
    "insuredstatusperiod",
)
REGISTRAR_PERMISSIONS = {
    "patients": {"view": "*", "add": REGISTRAR_PAPERS, "change": REGISTRAR_PAPERS},
    "attachment": {"view": "*", "add": ["attachment"], "change": ["attachment"]},
    "coverage": {"view": "*", "add": ["serviceusage"]},
}


def _codenames(spec: dict) -> Q:
    query = Q(pk__in=[])
    for app, actions in spec.items():
        for action, models in actions.items():
            app_q = Q(content_type__app_label=app, codename__startswith=f"{action}_")
            if models != "*":
                app_q &= Q(codename__in=[f"{action}_{m}" for m in models])
            query |= app_q
    return query


def role_permissions(role: str) -> QuerySet:
    ours = Permission.objects.filter(content_type__app_label__in=OUR_APPS)
    see_all = Q(content_type__app_label="attachment", codename="view_all_organizations")
    # Who opened whose card is for auditors and administrators, not for the desk.
    access_log = Q(content_type__app_label="patients", codename="view_personaccesslog")
    if role == RULES_ADMIN:
        return ours
    if role == AUDITOR:
        return ours.filter(Q(codename__startswith="view_") | Q(codename__startswith="report_"))
    registrar = ours.filter(_codenames(REGISTRAR_PERMISSIONS)).exclude(see_all).exclude(access_log)
    if role == REGISTRAR:
        return registrar
    if role == CLINIC_HEAD:
        return ours.filter(
            Q(pk__in=registrar.values("pk"))
            | Q(codename__startswith="confirm_")
            | Q(codename__startswith="report_")
            | Q(content_type__app_label="attachment", codename="correct_death")
            # Their own organization's reconciliations with the national register, read-only.
            | Q(content_type__app_label="attachment", codename="review_reconciliation")
            # Merging two records of one person, replacing an IIN: for their organization's persons.
            | Q(content_type__app_label="patients", codename="merge_person")
        )
    raise ValueError(role)


ROLES = {
    REGISTRAR: _("registrar"),
    CLINIC_HEAD: _("clinic head"),
    RULES_ADMIN: _("rules administrator"),
    AUDITOR: _("auditor"),
}


def roles_ensure() -> None:
    """Create the role groups and give them their permissions (idempotent)."""
    for role in ROLES:
        group, _created = Group.objects.get_or_create(name=role)
        group.permissions.set(role_permissions(role))


def organization_id_of(user) -> int | None:
    profile = getattr(user, "staff_profile", None)
    return profile.organization_id if profile else None


def sees_all_organizations(user) -> bool:
    return user.is_active and user.has_perm(SEE_ALL)


def scope_to_organization(queryset: QuerySet, user, field: str = "organization") -> QuerySet:
    """Rows of the user's organization only (all rows for administrators and auditors)."""
    if sees_all_organizations(user):
        return queryset
    org_id = organization_id_of(user)
    if org_id is None:
        return queryset.none()
    return queryset.filter(**{field: org_id})


def can_act_for(user, organization_id: int | None, perm: str = "attachment.change_attachment") -> bool:
    """May this user change data of that organization? Nobody acts for no organization, a rules
    administrator neither: a service is counted for the organization that rendered it, and an
    administrator belongs to none."""
    if organization_id is None or not user.is_active or not user.has_perm(perm):
        return False
    if sees_all_organizations(user):
        return True
    return organization_id == organization_id_of(user)


def require_act_for(user, organization_id, perm: str = "attachment.change_attachment") -> None:
    if not can_act_for(user, organization_id, perm):
        raise PermissionDenied(_("You may not change data of this organization."))


# The organizations a person belongs to on a date or later (attached there then, or from a later
# date): the attachment app registers the answer (`AppConfig.ready`), so `patients` never imports
# it. Until it does, a person belongs to none.
_person_organizations: list[Callable[[Person, datetime.date], set[int]]] = []


def person_organizations_register(answer: Callable[[Person, datetime.date], set[int]]) -> None:
    _person_organizations[:] = [answer]


def person_organizations(person: Person, on: datetime.date) -> set[int]:
    """Ids of the organizations the person is attached to on the date or later."""
    return set().union(*(answer(person, on) for answer in _person_organizations))


def may_change_for_person(user, person: Person, *, on: datetime.date, perms: Iterable[str]) -> bool:
    """May this user change what the person's clinic keeps for them (a legal representation)?
    Staff of an organization the person is attached to on the date or later, a rules administrator
    for anyone, and any member of staff when the person is attached nowhere (the clinic the person
    applies to needs it); always with the permissions named."""
    if not user.is_active or not user.has_perms(perms):
        return False
    if sees_all_organizations(user):
        return True
    own = organization_id_of(user)
    if own is None:
        return False
    organizations = person_organizations(person, on)
    return not organizations or own in organizations


MERGE_PERM = "patients.merge_person"


def may_merge(user, persons: Iterable[Person], *, today) -> bool:
    """May this user merge these records (or replace the IIN of this one)? Rules administrators
    any; a clinic head when none of them has an attachment to another organization that is in
    force today or later, and one of them has one to theirs (the organization "scoping" them).
    Registrars and auditors never."""
    if not user.is_active or not user.has_perm(MERGE_PERM):
        return False
    if sees_all_organizations(user):
        return True
    org_id = organization_id_of(user)
    if org_id is None:
        return False
    # The person's attachments, read through the relation from the person (this app imports no
    # other): ended ones aside.
    current = Q(attachments__valid_to__isnull=True) | Q(attachments__valid_to__gte=today)
    organizations = set(
        Person.objects.filter(current, pk__in=[p.pk for p in persons]).values_list(
            "attachments__organization_id", flat=True
        )
    )
    organizations.discard(None)  # a person attached nowhere (the outer join's empty row)
    return organizations == {org_id}


def require_may_merge(user, persons: Iterable[Person], *, today) -> None:
    if not may_merge(user, persons, today=today):
        raise PermissionDenied(_("You may not merge or change the IIN of these records."))


# The access log: every page that shows a person's data, by URL name, with the name auditors read.
# tests/patients/test_access_log_pages.py walks the URLconf: a person page missing here fails.
PERSON_PAGES = {
    "home": _("start page (applications of the day)"),
    "patients:search": _("person search results"),
    "patients:person_detail": _("person card"),
    "patients:person_edit": _("person edit form"),
    "patients:person_history": _("person history tab"),
    "patients:person_create": _("new person form (likely duplicates listed)"),
    "patients:person_merge_start": _("merge: choosing the other record"),
    "patients:person_merge": _("merge confirmation (both records)"),
    "patients:person_replace_iin": _("IIN replacement form"),
    "patients:dependent_create": _("person's document, representative, contract or period form"),
    "patients:representative_edit": _("legal representative edit form"),
    "attachment:person": _("person's attachments tab"),
    "attachment:attach": _("attach form"),
    "attachment:refuse": _("motivated refusal form"),
    "attachment:family": _("family attach form"),
    "attachment:record_death": _("death record form"),
    "attachment:correct_death": _("death correction form"),
    "attachment:detail": _("attachment"),
    "attachment:district_change": _("change of district"),
    "attachment:detach": _("detachment"),
    "attachment:coupon": _("attachment coupon"),
    "attachment:coupon_pdf": _("attachment coupon (PDF)"),
    "attachment:refusal": _("refusal"),
    "attachment:refusal_print": _("refusal (print or PDF)"),
    "attachment:list": _("attached list"),
    "attachment:queue": _("application queue"),
    "attachment:leavers": _("leavers list"),
    "attachment:leavers_export": _("leavers list export"),
    "coverage:person_entitlements": _("person's entitlements tab"),
    "coverage:usage_record": _("service usage form"),
    "coverage:person_leaflet": _("entitlements leaflet"),
    "importing:export": _("attached list export"),
    "importing:report": _("import error report"),
    "importing:warnings": _("import warnings report"),
    "importing:reconciliation_group": _("reconciliation group export"),
    "reports:population": _("report export: attached population"),
    "reports:campaign": _("report export: campaign"),
    "reports:applications": _("report export: applications"),
    "reports:district_load": _("report export: district load"),
    "reports:planning": _("report export: planning estimate"),
    "admin:patients_person_changelist": _("admin: person list"),
    "admin:patients_person_change": _("admin: person"),
    "admin:patients_person_delete": _("admin: person deletion"),
    "admin:patients_person_history": _("admin: person history"),
    "admin:patients_person_simple_history": _("admin: person history entry"),
    "admin:patients_person_export": _("admin: person export"),
    "admin:patients_personaccesslog_changelist": _("admin: access log export"),
}


def page_label(view_name: str) -> str:
    """The translated name of a logged page (its URL name when it has none)."""
    return PERSON_PAGES.get(view_name, view_name)


def client_address(request) -> str | None:
    """The client's address, the one reading of it that the access log, django-axes (its
    AXES_CLIENT_IP_CALLABLE) and the rate limits share: REMOTE_ADDR; behind AXES_PROXY_COUNT = N
    reverse proxies (config/settings.py), the address the outermost one received the request
    from, which is the N-th entry from the right of X-Forwarded-For (each proxy appends the
    address it was contacted by; entries further left are whatever the client sent, and are not
    trusted). None when that is not an IP address."""
    address = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "AXES_IPWARE_PROXY_COUNT", None) or 0
    if proxies:
        forwarded = [a.strip() for a in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [a for a in forwarded if a]
        if len(forwarded) >= proxies:
            address = forwarded[-proxies]
    try:
        ipaddress.ip_address(address)
    except ValueError:
        return None
    return address


def _page_of(request, page: str | None) -> str:
    return page or request.resolver_match.view_name


def _log_person(request, person: Person, page: str | None, params: dict | None) -> None:
    """One access-log row per request, page and person (a view that loads twice logs once)."""
    view_name = _page_of(request, page)
    logged = request.__dict__.setdefault("_person_pages_logged", set())
    if (view_name, person.pk) in logged:
        return
    logged.add((view_name, person.pk))
    services.person_access_record(
        user=request.user, person=person, view_name=view_name, address=client_address(request), params=params
    )


def person_for_page(
    request,
    pk,
    *,
    page: str | None = None,
    queryset: QuerySet[Person] | None = None,
    params: dict | None = None,
) -> Person:
    """The person a page, tab, form or file shows, or 404; writes its access-log row.

    Persons themselves are not scoped to an organization: any staff member with the page's
    permission may look anyone up (attaching needs it, free choice §4); what belongs to an
    organization (attachments, coupons, refusals) is loaded by `person_record_for_page`."""
    queryset = queryset if queryset is not None else Person.objects.select_related("residence_atu")
    person = get_object_or_404(queryset, pk=pk)
    _log_person(request, person, page, params)
    return person


def person_record_for_page(
    request,
    queryset: QuerySet,
    pk,
    *,
    person_of: Callable[[Model], Person],
    page: str | None = None,
    params: dict | None = None,
    field: str = "organization",
) -> Model:
    """An organization's record of a person (an attachment, coupon, refusal) within the user's
    organization (`scope_to_organization`), or 404; writes the access-log row of its person."""
    record = get_object_or_404(scope_to_organization(queryset, request.user, field), pk=pk)
    _log_person(request, person_of(record), page, params)
    return record


def persons_listed(request, persons: Iterable[Person], *, page: str | None = None, params=None) -> None:
    """A search result or list page showed these persons: one access-log row each."""
    persons = list({p.pk: p for p in persons if p is not None}.values())  # each person once
    if persons:
        services.persons_listed_record(
            user=request.user,
            persons=persons,
            view_name=_page_of(request, page),
            address=client_address(request),
            params=params,
        )


def list_exported(request, *, row_count: int, params: dict, page: str | None = None) -> None:
    """A list of persons left as a file: one access-log row with its parameters and row count."""
    services.list_export_record(
        user=request.user,
        view_name=_page_of(request, page),
        address=client_address(request),
        params=params,
        row_count=row_count,
    )
