"""One object of every kind, all of clinic 1: the world that the URL matrix, the access-log walk
and the bad-input tests open every page on (the `world` fixture of tests/conftest.py)."""

import datetime

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth.models import Group
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
    FreeChoiceLimit,
    Ground,
    GroundRule,
    ImportRun,
    IntegrationPeriod,
    PublicHoliday,
    PurchaseContract,
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
    objects["django_tasks_database.DBTaskResult"] = DBTaskResult.objects.create(
        args_kwargs={"args": [], "kwargs": {}},
        task_path=f"{__name__}.noop_task",
        backend_name="default",
        run_after=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC),
    )
    return objects


def import_run_of_clinic1(person, clinic, user) -> ImportRun:
    """A finished check of a file for clinic 1 whose error report names one of its people."""
    run = import_run_create(file_name="register.csv", user=user, organization=clinic, dry_run=True)
    run.status, run.rows, run.errors = ImportRun.Status.REJECTED, 1, 1
    run.error_report = f"row,iin,column,error\n2,{person.iin},district,No district has this code.\n"
    run.save()
    return run
