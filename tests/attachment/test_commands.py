"""The attach, expire_attachments and transfer_attachments commands."""

import datetime
import io

import pytest
from django.core.management import call_command

from attachment.models import Attachment, Channel, District
from attachment.services import attachment_create
from patients.models import LegalRepresentative

from ..factories import ContractFactory, DistrictFactory, OrganizationFactory, PersonFactory
from .conftest import ON

pytestmark = pytest.mark.django_db


def run(*args) -> tuple[int, str]:
    out = io.StringIO()
    try:
        call_command(*args, stdout=out)
        code = 0
    except SystemExit as exit_:
        code = exit_.code
    return code, out.getvalue()


def test_attach_command_prints_attachment_and_exits_0(ref, citizen, clinic, district, rules_admin):
    code, out = run(
        "attach",
        citizen.iin,
        clinic.bin,
        "--ground",
        "1",
        "--on",
        "2026-03-02",
        "--district",
        "01",
        "--user",
        "admin",
        "--reason",
        "script",
    )
    assert code == 0
    assert out.startswith("attached:")
    attachment = Attachment.objects.get(person=citizen)
    assert (attachment.district, attachment.created_by, attachment.reason) == (
        district,
        rules_admin,
        "script",
    )
    assert citizen.iin not in out


def test_attach_command_prints_refusal_and_exits_2(ref, citizen, clinic, rules_admin):
    code, out = run(
        "attach",
        citizen.iin,
        clinic.bin,
        "--ground",
        "3",
        "--on",
        "2026-03-02",
        "--user",
        "admin",
        "--reason",
        "script",
    )
    assert code == 2
    assert "campaign_closed" in out
    assert not Attachment.objects.exists()


def test_par9_1_expire_attachments_follows_contract_end_and_is_idempotent(ref, clinic, rules_admin):
    contract = ContractFactory(organization=clinic, valid_to=datetime.date(2026, 12, 31))
    attachment = attachment_create(
        person=contract.insured,
        organization=clinic,
        ground=ref[4],
        on=ON,
        channel=Channel.INSURER,
        user=None,
        reason="contract",
    )
    contract.valid_to = datetime.date(2026, 6, 30)  # terminated early
    contract.save()
    code, out = run("expire_attachments", "--on", "2026-07-01")
    assert "contract_ended=1" in out
    attachment.refresh_from_db()
    assert attachment.valid_to == datetime.date(2026, 6, 30)
    contract.valid_to = datetime.date(2027, 6, 30)  # extended
    contract.save()
    run("expire_attachments", "--on", "2026-07-01")
    attachment.refresh_from_db()
    assert attachment.valid_to == datetime.date(2027, 6, 30)
    code, out = run("expire_attachments", "--on", "2026-07-01")
    assert out.strip() == "contract_ended=0 contract_extended=0 died=0"
    assert attachment.history.count() == 3


def test_rule6_expire_attachments_ends_attachments_of_the_dead(ref, citizen, clinic):
    attachment = attachment_create(
        person=citizen,
        organization=clinic,
        ground=ref[1],
        on=ON,
        channel=Channel.CLINIC,
        user=None,
        reason="x",
    )
    citizen.date_of_death = datetime.date(2026, 5, 5)
    citizen.save()
    assert "died=0" in run("expire_attachments", "--on", "2026-05-04")[1]
    assert "died=1" in run("expire_attachments", "--on", "2026-05-06")[1]
    assert "died=0" in run("expire_attachments", "--on", "2026-05-06")[1]
    attachment.refresh_from_db()
    assert attachment.valid_to == datetime.date(2026, 5, 5)


@pytest.fixture
def liquidated(ref, clinic, almaly):
    """Three people attached to `clinic`, one of them a minor without a representative."""
    people = [PersonFactory(residence_atu=almaly) for _ in range(2)]
    child = PersonFactory(residence_atu=almaly, born=datetime.date(2016, 1, 1))
    parent = PersonFactory(residence_atu=almaly)
    link = LegalRepresentative.objects.create(child=child, representative=parent, relationship="parent")
    from ..factories import DocumentFactory

    link.document = DocumentFactory(person=parent)
    link.save()
    for person in [*people, child]:
        attachment_create(
            person=person,
            organization=clinic,
            ground=ref[1],
            on=datetime.date(2025, 1, 10),
            channel=Channel.CLINIC,
            user=None,
            reason="x",
            district=District.objects.get_or_create(
                organization=clinic, code="01", defaults={"kind": "general", "atu": almaly, "capacity": 100}
            )[0],
        )
    link.delete()  # the representative's record is withdrawn: the child can no longer be moved
    return [*people, child]


def test_transfer_that_would_refuse_one_person_moves_nobody(liquidated, clinic, almaly, rules_admin):
    target = OrganizationFactory(atu=almaly)
    code, out = run(
        "transfer_attachments",
        clinic.bin,
        target.bin,
        "--ground",
        "6",
        "--on",
        "2026-04-01",
        "--user",
        "admin",
        "--reason",
        "liquidation",
    )
    assert code == 1
    assert "minor_without_representative" in out
    assert "moved=0 refused=1" in out
    assert not Attachment.objects.filter(organization=target).exists()
    assert Attachment.objects.filter(organization=clinic, valid_to__isnull=True).count() == 3


def test_transfer_with_skip_refused_moves_the_others_with_history(liquidated, clinic, almaly, rules_admin):
    target = OrganizationFactory(atu=almaly)
    DistrictFactory(organization=target, code="07")
    code, out = run(
        "transfer_attachments",
        clinic.bin,
        target.bin,
        "--ground",
        "6",
        "--on",
        "2026-04-01",
        "--to-district",
        "07",
        "--user",
        "admin",
        "--reason",
        "liquidation",
        "--skip-refused",
    )
    assert code == 0
    assert out.strip().endswith("moved=2 refused=1")
    moved = Attachment.objects.filter(organization=target)
    assert moved.count() == 2
    for attachment in moved:
        assert (attachment.valid_from, attachment.ground.code, attachment.district.code) == (
            datetime.date(2026, 4, 1),
            6,
            "07",
        )
        assert attachment.act.kind == "administrator"
        assert attachment.history.get().history_user == rules_admin
        previous = Attachment.objects.get(person=attachment.person, organization=clinic)
        assert previous.valid_to == datetime.date(2026, 3, 31)
        assert previous.history.order_by("-history_id").first().history_change_reason.startswith("Moved to")
    assert Attachment.objects.filter(organization=clinic, valid_to__isnull=True).count() == 1


def test_transfer_dry_run_writes_nothing(liquidated, clinic, almaly, rules_admin):
    target = OrganizationFactory(atu=almaly)
    code, out = run(
        "transfer_attachments",
        clinic.bin,
        target.bin,
        "--ground",
        "7",
        "--on",
        "2026-04-01",
        "--user",
        "admin",
        "--reason",
        "no volume",
        "--dry-run",
        "--skip-refused",
    )
    assert code == 0
    assert "moved=2 refused=1 (dry run" in out
    assert not Attachment.objects.filter(organization=target).exists()


def test_transfer_of_some_districts_only(ref, clinic, almaly, rules_admin):
    d1 = DistrictFactory(organization=clinic, code="01")
    d2 = DistrictFactory(organization=clinic, code="02")
    for district in (d1, d2):
        attachment_create(
            person=PersonFactory(residence_atu=almaly),
            organization=clinic,
            ground=ref[1],
            on=datetime.date(2025, 1, 10),
            channel=Channel.CLINIC,
            user=None,
            reason="x",
            district=district,
        )
    target = OrganizationFactory(atu=almaly)
    code, out = run(
        "transfer_attachments",
        clinic.bin,
        target.bin,
        "--ground",
        "8",
        "--on",
        "2026-04-01",
        "--districts",
        "02",
        "--user",
        "admin",
        "--reason",
        "new facility",
    )
    assert (code, out.strip()) == (0, "moved=1 refused=0")
    assert (
        Attachment.objects.get(organization=target).person.attachments.get(organization=clinic).district == d2
    )


def test_transfer_rejects_a_non_institutional_ground(ref, clinic, almaly, rules_admin):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command(
            "transfer_attachments",
            clinic.bin,
            OrganizationFactory(atu=almaly).bin,
            "--ground",
            "2",
            "--on",
            "2026-04-01",
            "--user",
            "admin",
            "--reason",
            "x",
            stdout=io.StringIO(),
        )


def test_transfer_applies_the_attach_rules_to_every_person(liquidated, clinic, almaly, rules_admin):
    """§4: the organization people move to must be allowed to attach, as for a single attachment."""
    target = OrganizationFactory(atu=almaly, may_attach=False)
    code, out = run(
        "transfer_attachments",
        clinic.bin,
        target.bin,
        "--ground",
        "9",
        "--on",
        "2026-04-01",
        "--user",
        "admin",
        "--reason",
        "privatization",
        "--skip-refused",
    )
    assert out.count("organization_may_not_attach") == 3
    assert out.strip().endswith("moved=0 refused=3")
    assert not Attachment.objects.filter(organization=target).exists()
