"""Report pages on the attached population, their CSV/XLSX exports, and nothing else.

Every page: the report permission, the user's organization scope from `patients.access`,
filters in the GET query (aggregates only, no personal data), reads from the reports database."""

import datetime

from django.contrib.auth.decorators import permission_required
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from patients.access import list_exported, organization_id_of, scope_to_organization, sees_all_organizations
from patients.tabular import file_response

from ..models import REPORT_PERMISSION, Organization
from . import charts, selectors
from .export import table_file
from .forms import (
    DEFAULT_BY,
    EXPORT_FORMATS,
    ApplicationsFilterForm,
    CampaignFilterForm,
    DistrictLoadFilterForm,
    PlanningFilterForm,
    PopulationFilterForm,
)
from .routing import reads_from_replica

REPORTS = [
    ("reports:population", _("Attached population")),
    ("reports:campaign", _("Campaign")),
    ("reports:applications", _("Applications")),
    ("reports:district_load", _("District load")),
    ("reports:planning", _("Planning estimate")),
]


def report_scope(user) -> list[int] | None:
    """Organization ids the user may report on; None means every organization."""
    if sees_all_organizations(user):
        return None
    org_id = organization_id_of(user)
    return [org_id] if org_id is not None else []


def _organizations(user):
    return scope_to_organization(Organization.objects.all(), user, "pk")


def _export_format(request) -> str | None:
    value = request.GET.get("export")
    return value if value in EXPORT_FORMATS else None


def _query_without_export(request) -> str:
    query = request.GET.copy()
    query.pop("export", None)
    return query.urlencode()


def _page(request, template, form, title, **context):
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "reports": REPORTS,
            "query": _query_without_export(request),
            **context,
        },
    )


def _scoped_filters(form, user) -> dict:
    """Organization/district filters of the form, inside the user's scope."""
    organization = form.cleaned_data.get("organization")
    district = form.cleaned_data.get("district")
    return {
        "organizations": report_scope(user),
        "organization": organization.pk if organization else None,
        "district": district.pk if district else None,
    }


def _export(request, table, filename, title):
    fmt = _export_format(request)
    if not fmt:
        return None
    written = table_file(table, file_format=fmt, title=str(title))
    params = {key: values[0] if len(values) == 1 else values for key, values in request.GET.lists()}
    list_exported(request, row_count=written.rows, params=params)
    return file_response(written, file_format=fmt, filename=filename)


@permission_required(REPORT_PERMISSION, raise_exception=True)
def index(request):
    """`/reports/`: the first report, whose tabs lead to the others."""
    return redirect(REPORTS[0][0])


@permission_required(REPORT_PERMISSION, raise_exception=True)
@reads_from_replica
def population(request):
    """Attached population as of a date, grouped by any dimensions, with the pyramid."""
    data = request.GET.copy()
    if "by" not in data:
        data.setlist("by", DEFAULT_BY)  # shown checked on the first visit
    form = PopulationFilterForm(data, organizations=_organizations(request.user))
    title = _("Attached population")
    template = "attachment/reports/population.html"
    if not form.is_valid():
        return _page(request, template, form, title)
    on, filters = form.cleaned_data["on"], _scoped_filters(form, request.user)
    region = form.cleaned_data.get("region")
    table = selectors.population_on(
        on=on, by=form.cleaned_data["by"], region=region.kato if region else "", **filters
    )
    if response := _export(request, table, f"attached-population-{on:%Y-%m-%d}", title):
        return response
    chart = None
    scope = filters["organizations"]
    chart_org = filters["organization"] or (scope[0] if scope and len(scope) == 1 else None)
    if chart_org is not None or filters["district"] is not None:
        bars = selectors.pyramid_on(
            on=on, organizations=scope, organization=chart_org, district=filters["district"]
        )
        chart = charts.pyramid(bars)
    return _page(request, template, form, title, table=table, on=on, chart=chart)


@permission_required(REPORT_PERMISSION, raise_exception=True)
@reads_from_replica
def campaign(request):
    """Gains and losses per organization during a campaign window."""
    form = CampaignFilterForm(request.GET, organizations=_organizations(request.user))
    title = _("Campaign report")
    template = "attachment/reports/campaign.html"
    if not form.is_valid():
        return _page(request, template, form, title)
    window = form.cleaned_data["window"]
    if window is None:
        return _page(request, template, form, title, window=None)
    table = selectors.campaign_moves(window=window, organizations=report_scope(request.user))
    if response := _export(request, table, f"campaign-{window.year}", title):
        return response
    return _page(request, template, form, title, table=table, window=window)


@permission_required(REPORT_PERMISSION, raise_exception=True)
@reads_from_replica
def applications(request):
    """Applications received in a period: on time, late, overdue, refusals by reason."""
    form = ApplicationsFilterForm(request.GET, organizations=_organizations(request.user))
    title = _("Applications report")
    template = "attachment/reports/applications.html"
    if not form.is_valid():
        return _page(request, template, form, title)
    date_from, date_to = form.cleaned_data["date_from"], form.cleaned_data["date_to"]
    zone = timezone.get_current_timezone()
    start = datetime.datetime.combine(date_from, datetime.time.min, tzinfo=zone)
    end = datetime.datetime.combine(date_to + datetime.timedelta(days=1), datetime.time.min, tzinfo=zone)
    table = selectors.applications_summary(
        start=start, end=end, now=timezone.now(), organizations=report_scope(request.user)
    )
    if response := _export(request, table, f"applications-{date_from:%Y-%m-%d}-{date_to:%Y-%m-%d}", title):
        return response
    return _page(request, template, form, title, table=table)


@permission_required(REPORT_PERMISSION, raise_exception=True)
@reads_from_replica
def district_load(request):
    """Attached count against planned capacity for every district in scope."""
    form = DistrictLoadFilterForm(request.GET, organizations=_organizations(request.user))
    title = _("District load")
    template = "attachment/reports/district_load.html"
    if not form.is_valid():
        return _page(request, template, form, title)
    on = form.cleaned_data["on"]
    table = selectors.district_load_on(on=on, organizations=report_scope(request.user))
    if response := _export(request, table, f"district-load-{on:%Y-%m-%d}", title):
        return response
    rows = [(row, selectors.is_over_capacity(row)) for row in table.rows]
    return _page(request, template, form, title, table=table, rows=rows, on=on)


@permission_required(REPORT_PERMISSION, raise_exception=True)
@reads_from_replica
def planning(request):
    """Planning estimate: attached population × per-capita norm × sex-age coefficient."""
    form = PlanningFilterForm(request.GET, organizations=_organizations(request.user))
    title = _("Planning estimate")
    template = "attachment/reports/planning.html"
    if not form.is_valid():
        return _page(request, template, form, title)
    year = form.cleaned_data["year"]
    table = selectors.planning_estimate(year=year, organizations=report_scope(request.user))
    if response := _export(request, table, f"planning-estimate-{year}", title):
        return response
    return _page(request, template, form, title, table=table, year=year)
