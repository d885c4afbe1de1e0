"""`manage.py entitlements IIN --on D --format json` prints the selector's answer."""

import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command

from coverage.selectors import entitlements_on

from .conftest import contract

D = datetime.date


def run(*args) -> dict:
    out = io.StringIO()
    call_command("entitlements", *args, stdout=out)
    return json.loads(out.getvalue())


def test_command_prints_the_same_answer_as_the_selector(temporary_foreigner, limit, registrar1, clinic1):
    from coverage.services import service_usage_record

    contract(temporary_foreigner, valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    service_usage_record(
        person=temporary_foreigner,
        limit=limit(1),
        on=D(2026, 2, 1),
        organization_id=clinic1.pk,
        user=registrar1,
        reason="visit",
    )
    printed = run(temporary_foreigner.iin, "--on", "2026-03-01", "--format", "json")
    expected = entitlements_on(person=temporary_foreigner, on=D(2026, 3, 1)).as_dict("ru")
    assert printed == expected
    codes = [p["code"] for p in printed["packages"]]
    assert codes == ["gfmc_dangerous", "imi_minimum"]
    therapist = printed["packages"][0]["limits"][0]
    assert (therapist["leaflet_number"], therapist["used"], therapist["remaining"]) == (1, 1, 1)
    assert len(printed["packages"][0]["diseases"]) == 23


def test_command_items_carry_their_references(citizen):
    printed = run(citizen.iin, "--on", "2025-06-01")
    gfmc = printed["packages"][0]
    point = next(i for i in gfmc["items"] if i["number"] == "4.1")
    assert (point["act"], point["point"], point["sub_point"]) == ("672", "4", "1")
    assert point["amended_by"]["applies_from"] == "2025-05-07"
    assert point["text_language"] == "kk"


def test_command_rejects_unknown_iin_and_bad_date(citizen):
    with pytest.raises(CommandError):
        run("000000000000")
    with pytest.raises(CommandError):
        run(citizen.iin, "--on", "01.03.2026")
