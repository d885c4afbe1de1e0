"""A motivated refusal keeps its reasons as codes with parameters (seed 004 items 7–9: the
refusal states its reasons) and words them in the reader's language: the refusal page in the
interface language, the printed refusal (HTML and PDF) in the language of the print, Kazakh or
Russian, whatever language the registrar issued it in. Refusals written as text before keep their
text, read back as codes by the data migration when every line is one the rules wrote."""

import datetime
import importlib

import pytest
from django.urls import reverse
from django.utils import translation

from attachment import rules
from attachment.models import Refusal, RefusalReason
from attachment.services import refusal_record
from patients.access import REGISTRAR

from ..factories import staff_user
from .conftest import ON

pytestmark = pytest.mark.django_db

migration = importlib.import_module("attachment.migrations.0020_refusal_reasons_as_codes")

DIED = datetime.date(2026, 2, 27)


@pytest.fixture
def registrar(clinic):
    return staff_user("reg", REGISTRAR, clinic)


@pytest.fixture
def refusal(ref, clinic, citizen, registrar):
    """Issued from a Russian page: the reasons are codes, whatever the page's language was."""
    with translation.override("ru"):
        reasons = [
            rules.refused(rules.LATER_ATTACHMENT, date=DIED),
            rules.refused(rules.DOCUMENTS_INCOMPLETE, documents=["identity", "representative_identity"]),
            rules.district_full(attached=12, capacity=10),
        ]
    return refusal_record(
        person=citizen, organization=clinic, ground=ref[2], on=ON, refusals=reasons, user=registrar
    )


def test_seed_004_the_refusal_keeps_codes_and_parameters_not_text(refusal):
    assert refusal.reasons == [
        {"code": rules.LATER_ATTACHMENT, "params": {"date": "2026-02-27"}},
        {
            "code": rules.DOCUMENTS_INCOMPLETE,
            "params": {"documents": ["identity", "representative_identity"]},
        },
        {"code": rules.DISTRICT_FULL, "params": {"count": 12, "capacity": 10}},
    ]
    assert refusal.details == ""
    assert refusal.history.get().history_change_reason == "Motivated refusal issued"


def test_the_explanation_is_worded_in_the_active_language(refusal):
    with translation.override("kk"):
        kk = refusal.explanation_lines()
    with translation.override("ru"):
        ru = refusal.explanation_lines()
    assert kk != ru and len(kk) == 3
    assert "27.02.2026" in kk[0] and "27.02.2026" in ru[0]
    assert "12" in kk[2] and "10" in kk[2]
    with translation.override("ru"):
        assert str(rules.DOCUMENTS["identity"]) in ru[1]
        assert ru[0] == rules.explain(rules.LATER_ATTACHMENT, {"date": "2026-02-27"})
    with translation.override("kk"):
        assert str(rules.DOCUMENTS["representative_identity"]) in kk[1]
        assert kk[2] == rules.explain(rules.DISTRICT_FULL, {"count": 12, "capacity": 10})


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_refusal_page_reads_in_the_readers_language(client, refusal, registrar, lang):
    client.force_login(registrar)
    html = client.get(reverse("attachment:refusal", args=[refusal.pk]), HTTP_ACCEPT_LANGUAGE=lang)
    with translation.override(lang):
        expected = refusal.explanation_lines()
        other = translation.override("ru" if lang == "kk" else "kk")
    with other:
        foreign = refusal.explanation_lines()
    body = html.content.decode()
    assert all(line in body for line in expected)
    assert not any(line in body for line in foreign)


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_the_printed_refusal_reads_in_the_language_of_the_print(client, refusal, registrar, lang):
    client.force_login(registrar)
    url = reverse("attachment:refusal_print", args=[refusal.pk])
    # The interface in the other language: the form follows the print's language, not the page's.
    page = "ru" if lang == "kk" else "kk"
    body = client.get(url, {"lang": lang}, HTTP_ACCEPT_LANGUAGE=page).content.decode()
    with translation.override(lang):
        expected = refusal.explanation_lines()
    with translation.override(page):
        foreign = refusal.explanation_lines()
    assert all(line in body for line in expected)
    assert not any(line in body for line in foreign)
    pdf = client.get(url, {"lang": lang, "format": "pdf"})
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_a_refusal_written_as_text_before_shows_its_text(ref, clinic, citizen):
    old = Refusal.objects.create(
        person=citizen,
        organization=clinic,
        ground=ref[2],
        reason=RefusalReason.objects.get(code=rules.CAMPAIGN_CLOSED),
        details="Особая причина, записанная текстом.\nВторая строка.",
        on=ON,
    )
    assert old.explanation_lines() == ["Особая причина, записанная текстом.", "Вторая строка."]


def test_the_data_migration_reads_old_russian_and_kazakh_lines_back_as_codes():
    with translation.override("ru"):
        ru_dead = str(rules.EXPLANATIONS[rules.PERSON_DEAD]) % {"date": "27.02.2026"}
        ru_docs = str(rules.EXPLANATIONS[rules.DOCUMENTS_INCOMPLETE]) % {
            "list": ", ".join(str(rules.DOCUMENTS[c]) for c in ("identity", "contract"))
        }
        ru_contract = str(rules.EXPLANATION_VARIANTS[(rules.NO_CONTRACT, "ends_before_start")])
    with translation.override("kk"):
        kk_full = str(rules.EXPLANATIONS[rules.DISTRICT_FULL]) % {"count": 5, "capacity": 4}
    assert migration.read_line(ru_dead) == {"code": rules.PERSON_DEAD, "params": {"date": "2026-02-27"}}
    assert migration.read_line(ru_docs) == {
        "code": rules.DOCUMENTS_INCOMPLETE,
        "params": {"documents": ["identity", "contract"]},
    }
    assert migration.read_line(ru_contract) == {
        "code": rules.NO_CONTRACT,
        "params": {"ends_before_start": True},
    }
    assert migration.read_line(kk_full) == {
        "code": rules.DISTRICT_FULL,
        "params": {"count": 5, "capacity": 4},
    }
    assert migration.read_line("Особая причина, записанная текстом.") is None
    assert migration.read_line(str(rules.EXPLANATIONS[rules.CAMPAIGN_CLOSED])) == {
        "code": rules.CAMPAIGN_CLOSED,
        "params": {},
    }


def test_the_data_migration_converts_recognised_rows_and_leaves_the_others_as_text(ref, clinic, citizen):
    from django.apps import apps

    with translation.override("ru"):
        text = "\n".join(
            [
                str(rules.EXPLANATIONS[rules.CAMPAIGN_CLOSED]),
                str(rules.EXPLANATIONS[rules.LATER_ATTACHMENT]) % {"date": "01.01.2027"},
            ]
        )
    fields = {"person": citizen, "organization": clinic, "ground": ref[3], "on": ON}
    reason = RefusalReason.objects.get(code=rules.CAMPAIGN_CLOSED)
    known = Refusal.objects.create(**fields, reason=reason, details=text)
    unknown = Refusal.objects.create(**fields, reason=reason, details=text + "\nОсобая причина.")
    migration.reasons_as_codes(apps, None)
    known.refresh_from_db()
    unknown.refresh_from_db()
    assert known.reasons == [
        {"code": rules.CAMPAIGN_CLOSED, "params": {}},
        {"code": rules.LATER_ATTACHMENT, "params": {"date": "2027-01-01"}},
    ]
    assert known.details == text  # the text as written stays
    assert known.history.order_by("-history_id").first().history_change_reason == migration.REASON
    assert unknown.reasons == [] and unknown.explanation_lines()[-1] == "Особая причина."
    with translation.override("kk"):
        assert known.explanation_lines()[1] == rules.explain(rules.LATER_ATTACHMENT, {"date": "2027-01-01"})


def test_a_reason_made_without_the_parameters_its_explanation_names_keeps_its_message():
    entry = rules.Refused(rules.PERSON_DEAD, "The person died.").stored
    assert entry == {"code": rules.PERSON_DEAD, "params": {}, "text": "The person died."}
    assert rules.Refused(rules.CAMPAIGN_CLOSED, "x").stored == {"code": rules.CAMPAIGN_CLOSED, "params": {}}
