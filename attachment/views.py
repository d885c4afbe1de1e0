"""Registrar pages of attachments."""

from django.shortcuts import render
from django.utils import timezone

from patients.forms import PersonSearchForm

from .access import organization_id_of
from .reports import dashboard


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
    if request.user.has_perm("attachment.change_groundrule"):
        context["administrator"] = True
        context["imports_running"] = dashboard.imports_running()
        context["rule_changes"] = dashboard.rule_changes_pending(today=today)
    return render(request, "attachment/dashboard.html", context)
