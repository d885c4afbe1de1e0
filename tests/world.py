"""One object of every kind, all of clinic 1: the world that the URL matrix, the access-log walk
and the bad-input tests open every page on (the `world` fixture of tests/conftest.py)."""

import datetime
import re
from dataclasses import dataclass

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth.models import Group
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from attachment.importing.runs import import_run_create
from attachment.models import (
    AgeGroup,
    Attachment,
    AttachmentAct,
    AtuComparisonLevel,
    CalendarDay,
    CalendarYear,
    CampaignWindow,
    CapitationNorm,
    DetachReason,
    FreeChoiceLimit,
    Ground,
    GroundRule,
    ImportRun,
    IntegrationPeriod,
    PublicHoliday,
    PurchaseContract,
    Reconciliation,
    ReconciliationGroup,
    ReconciliationRow,
    RefusalReason,
    SexAgeCoefficient,
)
from attachment.models import LegalAct as RulesLegalAct
from attachment.reports import reference_data as reports_reference
from attachment.rules import PERSON_DEAD, Refused
from attachment.services import application_receive, coupon_issue, refusal_record
from coverage import reference_data as coverage_reference
from coverage.models import (
    Disease,
    EligibilityRule,
    LeafletSection,
    LegalAct,
    Package,
    PackageItem,
    ServiceLimit,
    ServiceUsage,
)
from patients.models import (
    ContingentFlag,
    FamilyLink,
    InsuredStatusPeriod,
    LegalRepresentative,
    PersonAccessLog,
)

from .factories import ContractFactory, DocumentFactory, PersonFactory, grounds

ON = datetime.date(2026, 3, 2)


@task()
def noop_task():
    """A task whose result row the task admin can show."""


def world_objects(*, clinic1, district1, registrar1, rules_admin) -> dict:
    """One object of every kind, all of clinic 1, by model label (the `world` fixture)."""
    grounds()
    person = PersonFactory()
    child = PersonFactory(born=datetime.date(2015, 5, 5))
    contract = ContractFactory(organization=clinic1)
    objects = {
        "patients.Person": person,
        "patients.Atu": person.residence_atu,
        "patients.IdentityDocument": DocumentFactory(person=person),
        "patients.LegalRepresentative": LegalRepresentative.objects.create(
            child=child, representative=person, relationship="parent"
        ),
        "patients.FamilyLink": FamilyLink.objects.create(person=child, relative=person, relation="parent"),
        "patients.ContingentFlag": ContingentFlag.objects.create(
            person=person,
            kind=ContingentFlag.Kind.choices[0][0],
            document="Certificate 1",
            valid_from="2026-01-01",
        ),
        "patients.Insurer": contract.insurer,
        "patients.InsuranceContract": contract,
        "patients.InsuredStatusPeriod": InsuredStatusPeriod.objects.create(
            person=person, valid_from="2026-01-01"
        ),
        "patients.StaffProfile": registrar1.staff_profile,
        "patients.PersonAccessLog": PersonAccessLog.objects.create(
            user=registrar1, person=person, view_name="patients:person_detail"
        ),
        "attachment.Organization": clinic1,
        "attachment.PurchaseContract": PurchaseContract.objects.filter(organization=clinic1).first(),
        "attachment.IntegrationPeriod": IntegrationPeriod.objects.filter(organization=clinic1).first(),
        "attachment.District": district1,
        "attachment.Ground": Ground.objects.order_by("code").first(),
        "attachment.Attachment": Attachment.objects.create(
            person=person,
            organization=clinic1,
            district=district1,
            ground=Ground.objects.order_by("code").first(),
            channel="clinic",
            valid_from=datetime.date(2026, 1, 1),
        ),
        "auth.User": registrar1,
        "auth.Group": Group.objects.order_by("name").first(),
        "otp_totp.TOTPDevice": rules_admin.totpdevice_set.create(name="phone", confirmed=False),
    }
    attachment = objects["attachment.Attachment"]
    objects["attachment.Coupon"] = coupon_issue(attachment=attachment, on=ON, user=registrar1)
    ground = objects["attachment.Ground"]
    application = application_receive(
        person=child,
        organization=clinic1,
        ground=ground,
        channel="clinic",
        requested_on=ON,
        received_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC),
        user=registrar1,
    )
    objects["attachment.Application"] = application
    objects["attachment.Refusal"] = refusal_record(
        person=child,
        organization=clinic1,
        ground=ground,
        on=ON,
        refusals=[Refused(PERSON_DEAD, "The person died.")],
        user=registrar1,
        application=application,
    )
    objects["attachment.AttachmentAct"] = AttachmentAct.objects.create(
        kind=AttachmentAct.Kind.choices[0][0], number="1", date=ON, issuer="Akimat"
    )
    objects["attachment.CalendarDay"] = CalendarDay.objects.create(date=ON, is_working=True)
    objects["attachment.CalendarYear"] = CalendarYear.objects.create(year=ON.year)
    objects["attachment.LegalAct"] = RulesLegalAct.objects.order_by("pk").first()
    for model in (
        GroundRule,
        CampaignWindow,
        AtuComparisonLevel,
        FreeChoiceLimit,
        RefusalReason,
        DetachReason,
        PublicHoliday,
    ):
        objects[model._meta.label] = model.objects.order_by("pk").first()
    coverage_reference.load()
    for model in (LegalAct, Package, PackageItem, EligibilityRule, Disease, ServiceLimit, LeafletSection):
        objects[model._meta.label] = model.objects.order_by("pk").first()
    objects["coverage.ServiceUsage"] = ServiceUsage.objects.create(
        person=person,
        limit=objects["coverage.ServiceLimit"],
        rendered_on=ON,
        organization=clinic1,
        recorded_by=registrar1,
    )
    access = {"username": "someone", "ip_address": "10.0.0.1", "user_agent": "x", "http_accept": "*/*"}
    objects["axes.AccessAttempt"] = AccessAttempt.objects.create(
        **access, path_info="/", get_data="", post_data="", failures_since_start=1
    )
    objects["axes.AccessLog"] = AccessLog.objects.create(**access, path_info="/")
    objects["axes.AccessFailureLog"] = AccessFailureLog.objects.create(**access, path_info="/")
    reports_reference.load()
    objects["attachment.AgeGroup"] = AgeGroup.objects.order_by("min_age").first()
    objects["attachment.CapitationNorm"] = CapitationNorm.objects.create(
        amount="1000.00", valid_from=datetime.date(2026, 1, 1), source="test"
    )
    objects["attachment.SexAgeCoefficient"] = SexAgeCoefficient.objects.create(
        sex="F", age_group=objects["attachment.AgeGroup"], value="1.500", valid_from=datetime.date(2026, 1, 1)
    )
    objects["attachment.ImportRun"] = import_run_of_clinic1(person, clinic1, rules_admin)
    objects["attachment.Reconciliation"] = reconciliation_of_clinic1(person, clinic1, rules_admin)
    objects["django_tasks_database.DBTaskResult"] = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path=f"{__name__}.noop_task",
        backend_name="default",
        run_after=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    return objects


def import_run_of_clinic1(person, clinic, user) -> ImportRun:
    """A finished check of a file for clinic 1 whose error and warning reports name one of its
    people."""
    run = import_run_create(file_name="register.csv", user=user, organization=clinic, dry_run=True)
    run.status, run.rows, run.errors, run.warnings = ImportRun.Status.REJECTED, 1, 1, 1
    run.error_report = f"row,iin,column,error\n2,{person.iin},district,No district has this code.\n"
    run.warning_report = f"row,iin,column,warning\n2,{person.iin},sex,The sex differs from the IIN.\n"
    run.save()
    return run


def reconciliation_of_clinic1(person, clinic, user) -> Reconciliation:
    """A compared, not applied, extract for clinic 1 that has one of its people on both lists."""
    run = Reconciliation.objects.create(
        organization=clinic, on=datetime.date(2026, 3, 2), file_name="rpn.csv", user=user, rows=1, both=1
    )
    ReconciliationRow.objects.create(
        reconciliation=run, group=ReconciliationGroup.BOTH, line=2, iin=person.iin, person=person
    )
    return run


# Model admin pages are alike for every model: what a role may do follows from the model's kind
# (the URL matrix, tests/test_permission_matrix.py, and the write matrix, tests/test_write_matrix.py).
#   ours   - our data: administrators change it, auditors read it
#   log    - append-only logs: administrators and auditors read them, nobody changes them
#   system - accounts and devices: administrators only
#   records - task results: administrators read them, nobody changes them
#   lockouts - login records: administrators read them and delete them (that unlocks a login)
#   engine  - written only by the attachment services (attachments, refusals, coupons): read-only
#             in the admin, no add, delete or import
#   received - applications: received through the service (no add or import); administrators may
#             correct or delete one
#   recorded - service usage: recorded through the quota-checking service (no add or import);
#             administrators may correct or delete a wrong record
#   runs    - register import runs: started from the import page (no add), read-only in the admin;
#             administrators may delete a run (with its uploaded file)
ADMIN_MODELS = {
    "patients.Atu": "ours",
    "patients.Person": "ours",
    "patients.IdentityDocument": "ours",
    "patients.LegalRepresentative": "ours",
    "patients.FamilyLink": "ours",
    "patients.ContingentFlag": "ours",
    "patients.Insurer": "ours",
    "patients.InsuranceContract": "ours",
    "patients.InsuredStatusPeriod": "ours",
    "patients.StaffProfile": "ours",
    "patients.PersonAccessLog": "log",
    "attachment.Organization": "ours",
    "attachment.PurchaseContract": "ours",
    "attachment.IntegrationPeriod": "ours",
    "attachment.District": "ours",
    "attachment.Ground": "ours",
    "attachment.Attachment": "engine",
    "attachment.GroundRule": "ours",
    "attachment.CampaignWindow": "ours",
    "attachment.AtuComparisonLevel": "ours",
    "attachment.FreeChoiceLimit": "ours",
    "attachment.CalendarDay": "ours",
    "attachment.PublicHoliday": "ours",
    "attachment.CalendarYear": "ours",
    "attachment.LegalAct": "ours",
    "attachment.RefusalReason": "ours",
    "attachment.DetachReason": "ours",
    "attachment.AttachmentAct": "ours",
    "attachment.Application": "received",
    "attachment.Refusal": "engine",
    "attachment.Coupon": "engine",
    "attachment.ImportRun": "runs",
    "attachment.AgeGroup": "ours",
    "attachment.CapitationNorm": "ours",
    "attachment.SexAgeCoefficient": "ours",
    "coverage.LegalAct": "ours",
    "coverage.Package": "ours",
    "coverage.PackageItem": "ours",
    "coverage.EligibilityRule": "ours",
    "coverage.Disease": "ours",
    "coverage.ServiceLimit": "ours",
    "coverage.ServiceUsage": "recorded",
    "coverage.LeafletSection": "ours",
    "auth.User": "system",
    "auth.Group": "system",
    "axes.AccessAttempt": "lockouts",
    "axes.AccessLog": "lockouts",
    "axes.AccessFailureLog": "lockouts",
    "otp_totp.TOTPDevice": "system",
    "django_tasks_database.DBTaskResult": "records",
}

# Pages about one object other than the person: route name -> the world() object their pk names.
OBJECT_OF_ROUTE = {
    "patients:representative_edit": "patients.LegalRepresentative",
    "attachment:detail": "attachment.Attachment",
    "attachment:coupon_issue": "attachment.Attachment",
    "attachment:district_change": "attachment.Attachment",
    "attachment:detach": "attachment.Attachment",
    "attachment:coupon": "attachment.Coupon",
    "attachment:coupon_pdf": "attachment.Coupon",
    "attachment:refusal": "attachment.Refusal",
    "attachment:refusal_print": "attachment.Refusal",
    "importing:run": "attachment.ImportRun",
    "importing:status": "attachment.ImportRun",
    "importing:report": "attachment.ImportRun",
    "importing:warnings": "attachment.ImportRun",
    "importing:export": "attachment.Organization",
    "attachment:leavers_export": "attachment.Organization",
    "importing:reconciliation": "attachment.Reconciliation",
    "importing:reconciliation_apply": "attachment.Reconciliation",
    "importing:reconciliation_group": "attachment.Reconciliation",
}


@dataclass(frozen=True)
class Route:
    name: str  # "namespace:name"; unnamed admin patterns get a descriptive name
    pattern: object
    prefix: str
    model_label: str | None = None
    action: str | None = None


def walk(patterns, prefix="", namespace=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
            yield from walk(pattern.url_patterns, prefix + str(pattern.pattern), ns)
        elif isinstance(pattern, URLPattern):
            yield namespace, prefix, pattern


def project_routes() -> list[Route]:
    admin_models = {
        f"{model._meta.app_label}_{model._meta.model_name}": model._meta.label
        for model in admin.site._registry
    }
    routes = []
    for namespace, prefix, pattern in walk(get_resolver().url_patterns):
        route = str(pattern.pattern)
        name = pattern.name
        if namespace == "admin:" and name is None:
            if route.startswith("(?P<url>"):
                name = "catch_all"
            else:  # admin/<app>/<model>/<path:object_id>/
                app_model = "_".join(prefix.strip("/").split("/")[1:3])
                routes.append(Route("admin:redirect", pattern, prefix, admin_models[app_model], "redirect"))
                continue
        if namespace == "admin:" and name:
            for app_model, label in admin_models.items():
                if name.startswith(app_model + "_"):
                    action = name[len(app_model) + 1 :]
                    routes.append(Route(namespace + name, pattern, prefix, label, action))
                    break
            else:
                routes.append(Route(namespace + name, pattern, prefix))
            continue
        routes.append(Route(namespace + (name or f"<unnamed {prefix}{route}>"), pattern, prefix))
    return routes


def path_parameters(route: Route) -> list[str]:
    """The names of the parameters in a route's path (simple-history's version page names its two
    groups object_id and version_id)."""
    if route.action == "simple_history":
        return ["object_id", "version_id"]
    route_text = str(route.pattern.pattern)
    return re.findall(r"<(?:\w+:)?(\w+)>", route_text) + re.findall(r"\(\?P<(\w+)>", route_text)


def url_of(route: Route, objects, **params) -> str:
    """The route's URL about the world's objects; `params` replace path parameters (already quoted)."""
    person = objects["patients.Person"]
    obj = objects.get(route.model_label)
    if route.model_label and obj is None and route.action not in ("changelist", "add", "import", "export"):
        pytest.fail(f"add a fixture object for {route.model_label} to world_objects() in {__file__}")
    if route.action == "simple_history":
        params = {"object_id": obj.pk, "version_id": obj.history.first().history_id, **params}
        return f"/{route.prefix}{params['object_id']}/history/{params['version_id']}/"
    kwargs = {
        "pk": person.pk,
        "kind": "document",
        "object_id": obj.pk if obj is not None else None,
        "id": obj.pk if obj is not None else None,
        "app_label": "patients",
        "content_type_id": ContentType.objects.get_for_model(person).pk,
        "url": "no-such-page/",
        "file_format": "csv",
        # A merge: the world's person survives, the child they represent is the retired record.
        "retired": objects["patients.LegalRepresentative"].child_id,
        "group": "both",
    }
    if route.model_label:  # admin views of a model name its object pk, id or object_id
        kwargs["pk"] = kwargs["object_id"]
    elif route.name in OBJECT_OF_ROUTE:
        kwargs["pk"] = objects[OBJECT_OF_ROUTE[route.name]].pk
    kwargs["token"] = objects["attachment.Coupon"].token
    kwargs.update(params)
    route_text = str(route.pattern.pattern)
    names = path_parameters(route)
    unknown = [n for n in names if n not in kwargs]
    assert not unknown, f"{route.name}: no fixture value for URL parameter(s) {unknown}"
    assert not any("iin" in n.lower() for n in names), f"{route.name}: IINs never go into URL paths"
    path = "/" + route.prefix + route_text.lstrip("^").rstrip("$")
    for n in names:
        path = re.sub(rf"<(?:\w+:)?{n}>|\(\?P<{n}>[^)]*\)", str(kwargs[n]), path)
    return path
