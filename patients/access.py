"""Staff roles and access scoping: the one place every view, admin page and export asks.

Roles are Django groups with permissions. Registrars and clinic heads belong to one PHC
organization (their StaffProfile); they may look anyone up by IIN (attaching needs it) but see
attached lists and change attachments only of their own organization. Rules administrators and
auditors see every organization; auditors change nothing.
"""

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

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
    """May this user change data of that organization?"""
    if not user.is_active or not user.has_perm(perm):
        return False
    if sees_all_organizations(user):
        return True
    return organization_id is not None and organization_id == organization_id_of(user)


def require_act_for(user, organization_id, perm: str = "attachment.change_attachment") -> None:
    if not can_act_for(user, organization_id, perm):
        raise PermissionDenied(_("You may not change data of this organization."))
