"""Reconciliation of a clinic's attached list with an extract of the national register (RPN):
every group, the dry run and the apply (history, reason "reconciliation #N"), a second apply,
bad files."""

import datetime
import io

import pytest
from django.core.management import call_command

from attachment.models import Attachment, Reconciliation, ReconciliationGroup, ReconciliationRow
from attachment.services.reconcile import (
    ReconciliationRefused,
    UnreadableFile,
    reconciliation_apply,
    reconciliation_compare,
)
from patients.models import Person

ON = datetime.date(2026, 3, 2)
G = ReconciliationGroup
HEADER = "iin,last_name,first_name,organization_bin,attached_on,ground,date_of_death\n"


def extract(scene, clinic, other_clinic, *, extra=""):
    p = scene
    lines = [
        f"{p['both'].iin},Обоих,Асан,{clinic.bin},2025-06-01,1,",
        f"{p['elsewhere'].iin},Другая,Асан,{other_clinic.bin},2026-02-01,1,",
        f"{p['dead'].iin},Умер,Асан,{clinic.bin},2025-06-01,1,2026-02-10",
        f"{p['register_only'].iin},Реестр,Асан,{clinic.bin},2025-06-01,1,",
        f"{p['moved_here_later'].iin},Ушёл,Асан,{clinic.bin},2025-06-01,1,",
    ]
    return io.BytesIO((HEADER + "\n".join(lines) + "\n" + extra).encode())


def groups_of(run):
    return dict(ReconciliationRow.objects.filter(reconciliation=run).values_list("iin", "group"))


def test_every_group_of_the_rpn_comparison(scene, clinic, other_clinic, rules_admin):
    run = reconciliation_compare(
        stream=extract(scene, clinic, other_clinic),
        file_name="rpn.csv",
        organization=clinic,
        on=ON,
        user=rules_admin,
    )
    groups = groups_of(run)
    assert groups[scene["both"].iin] == G.BOTH
    assert groups[scene["here_only"].iin] == G.HERE_ONLY
    assert groups[scene["elsewhere"].iin] == G.ELSEWHERE
    assert groups[scene["dead"].iin] == G.DEAD
    assert groups[scene["register_only"].iin] == G.REGISTER_ONLY
    assert (run.rows, run.both, run.here_only, run.register_only, run.elsewhere, run.dead) == (
        5,
        2,
        1,
        1,
        1,
        1,
    )
    assert run.applied_at is None
    # The dry run changes no attachment and no person.
    assert not Attachment.objects.filter(valid_to__isnull=False).exists()
    assert not Person.objects.filter(date_of_death__isnull=False).exists()


def test_apply_ends_elsewhere_and_records_death_with_history(scene, clinic, other_clinic, rules_admin):
    run = reconciliation_compare(
        stream=extract(scene, clinic, other_clinic),
        file_name="rpn.csv",
        organization=clinic,
        on=ON,
        user=rules_admin,
    )
    result = reconciliation_apply(reconciliation=run, user=rules_admin)
    assert (result.ended, result.deaths_recorded) == (2, 1)
    reason = f"reconciliation #{run.pk}"
    elsewhere = Attachment.objects.get(person=scene["elsewhere"])
    # The day before the register's attachment elsewhere began.
    assert elsewhere.valid_to == datetime.date(2026, 1, 31)
    assert other_clinic.name_ru in elsewhere.end_reason and reason in elsewhere.end_reason
    last = elsewhere.history.first()
    assert (last.history_user, last.history_change_reason, last.valid_to) == (
        rules_admin,
        reason,
        elsewhere.valid_to,
    )
    dead = Person.objects.get(pk=scene["dead"].pk)
    assert dead.date_of_death == datetime.date(2026, 2, 10)
    assert dead.history.first().history_change_reason == reason
    closed = Attachment.objects.get(person=dead)
    assert (closed.valid_to, closed.closed_by_death_on) == (datetime.date(2026, 2, 10), dead.date_of_death)
    assert closed.history.first().history_user == rules_admin
    # Nobody else changed.
    for name in ("both", "here_only", "moved_here_later"):
        assert Attachment.objects.get(person=scene[name]).valid_to is None
    run.refresh_from_db()
    assert run.applied_by == rules_admin and run.ended == 2 and run.deaths_recorded == 1
    assert ReconciliationRow.objects.filter(reconciliation=run, ended=True).count() == 2


def test_a_second_apply_is_harmless(scene, clinic, other_clinic, rules_admin):
    run = reconciliation_compare(
        stream=extract(scene, clinic, other_clinic),
        file_name="rpn.csv",
        organization=clinic,
        on=ON,
        user=rules_admin,
    )
    reconciliation_apply(reconciliation=run, user=rules_admin)
    before = (Attachment.history.count(), Person.history.count(), list(Attachment.objects.values()))
    again = reconciliation_apply(reconciliation=run, user=rules_admin)
    assert again.already_applied
    assert (Attachment.history.count(), Person.history.count(), list(Attachment.objects.values())) == before
    # The same extract compared and applied again finds nothing left to end.
    second = reconciliation_compare(
        stream=extract(scene, clinic, other_clinic),
        file_name="rpn.csv",
        organization=clinic,
        on=ON,
        user=rules_admin,
    )
    assert (second.elsewhere, second.dead) == (0, 0)
    assert reconciliation_apply(reconciliation=second, user=rules_admin).ended == 0
    assert Attachment.history.count() == before[0]


def test_apply_is_for_rules_administrators_only(scene, clinic, other_clinic, rules_admin, head1):
    from django.core.exceptions import PermissionDenied

    run = reconciliation_compare(
        stream=extract(scene, clinic, other_clinic),
        file_name="rpn.csv",
        organization=clinic,
        on=ON,
        user=rules_admin,
    )
    with pytest.raises(PermissionDenied):
        reconciliation_apply(reconciliation=run, user=head1)
    assert not Attachment.objects.filter(valid_to__isnull=False).exists()


def test_rows_with_errors_refuse_the_extract(scene, clinic, other_clinic, rules_admin):
    bad = (
        "901123300255,Ошибка,Асан,,2025-06-01,1,\n"  # invalid check digit
        f"{scene['both'].iin},Обоих,Асан,{clinic.bin},2025-06-01,1,\n"  # second row of the IIN
        f"{scene['here_only'].iin},Здесь,Асан,999999999999,2025-06-01,1,\n"  # unknown BIN
        f"{scene['register_only'].iin},Реестр,Асан,{clinic.bin},2025-06-01,1,31.02.2026\n"
    )
    with pytest.raises(ReconciliationRefused) as refused:
        reconciliation_compare(
            stream=extract(scene, clinic, other_clinic, extra=bad),
            file_name="rpn.csv",
            organization=clinic,
            on=ON,
            user=rules_admin,
        )
    assert refused.value.count == 5  # the bad date and its row's second IIN
    text = "\n".join(refused.value.errors)
    assert "Row 7, column iin" in text and "No PHC organization has this BIN." in text
    assert "Not a date" in text
    assert not Reconciliation.objects.exists()


@pytest.mark.parametrize(
    "content",
    [b"", b"just one line without a header end", b"last_name,first_name\nA,B\n", b"\x00\x01binary\n"],
)
def test_a_file_that_is_no_extract_is_refused_clearly(clinic, rules_admin, content):
    with pytest.raises(UnreadableFile):
        reconciliation_compare(
            stream=io.BytesIO(content), file_name="x.csv", organization=clinic, on=ON, user=rules_admin
        )
    assert not Reconciliation.objects.exists()


def test_command_compares_and_applies(scene, clinic, other_clinic, rules_admin, tmp_path, capsys):
    path = tmp_path / "rpn.csv"
    path.write_bytes(extract(scene, clinic, other_clinic).getvalue())
    call_command("reconcile_population", str(path), organization=clinic.bin, on=ON.isoformat())
    run = Reconciliation.objects.get()
    out = capsys.readouterr().out
    assert f"reconciliation={run.pk} rows=5 both=2 here_only=1 register_only=1 elsewhere=1 dead=1" in out
    assert run.applied_at is None and run.user is None
    call_command(
        "reconcile_population",
        str(path),
        organization=clinic.bin,
        on=ON.isoformat(),
        apply=True,
        user="admin",
    )
    out = capsys.readouterr().out
    assert "ended=2 deaths=1 skipped=0" in out
    assert Reconciliation.objects.filter(applied_at__isnull=False).count() == 1


def test_command_exit_codes(clinic, rules_admin, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"iin,last_name\n901123300255,A\n")
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile_population", str(path), organization=clinic.bin)
    assert exit_.value.code == 1
    path.write_bytes(b"surname;name\nA;B\n")
    with pytest.raises(SystemExit) as exit_:
        call_command("reconcile_population", str(path), organization=clinic.bin)
    assert exit_.value.code == 2
    assert "Columns missing from the header: iin." in capsys.readouterr().err
