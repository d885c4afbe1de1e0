"""Russian and Kazakh: the catalogues cover every message of the project, and the registrar
pages show no untranslated text in either language.

The catalogue test extracts the messages afresh (makemessages on a copy of the sources), so a
string added by any app fails here until it is translated in config/locale/{ru,kk} and compiled.
"""

import ast
import datetime
import gettext
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from attachment import reference_data as attachment_reference
from attachment.importing.runs import import_run_create
from attachment.models import (
    AgeGroup,
    Attachment,
    CampaignWindow,
    CapitationNorm,
    ImportRun,
    SexAgeCoefficient,
)
from attachment.reports import reference_data as reports_reference
from attachment.rules import PERSON_DEAD, Refused
from attachment.services import application_receive, coupon_issue, refusal_record
from coverage import reference_data as coverage_reference
from patients import reference_data as patients_reference

from .factories import InsurerFactory, PersonFactory, grounds

BASE_DIR = Path(__file__).resolve().parents[1]
LANGUAGES = ["ru", "kk"]
KAZAKH_LETTERS = set("әғқңөұүі")  # and һ, which is rare (loanwords) and absent from our messages


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgid, msgstr (list of forms), flags; obsolete entries skipped."""
    entries = []
    for block in path.read_text(encoding="utf-8").strip().split("\n\n"):
        lines = [line for line in block.splitlines() if not line.startswith("#~")]
        if not lines:
            continue
        entry, key = {"flags": set(), "msgstr": {}}, None
        for line in lines:
            if line.startswith("#,"):
                entry["flags"] |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                value = ast.literal_eval(line)
                if key.startswith("msgstr"):
                    entry["msgstr"][key] += value
                else:
                    entry[key] += value
            else:
                key, value = line.split(" ", 1)
                if key.startswith("msgstr"):
                    entry["msgstr"][key] = ast.literal_eval(value)
                else:
                    entry[key] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return [e for e in entries if e["msgid"]]  # the header has an empty msgid


@pytest.fixture(scope="module")
def fresh_catalogues(tmp_path_factory):
    """makemessages run on a copy of the sources: every msgid the project uses today."""
    copy = tmp_path_factory.mktemp("sources")
    ignore = shutil.ignore_patterns(".*", "__pycache__", "tests", "*.egg-info", "staticfiles", "node_modules")
    for name in ("manage.py",):
        shutil.copy(BASE_DIR / name, copy / name)
    for name in ("config", "patients", "attachment", "coverage", "templates"):
        if (BASE_DIR / name).exists():
            shutil.copytree(BASE_DIR / name, copy / name, ignore=ignore)
    command = [sys.executable, "manage.py", "makemessages", "--no-location", "--ignore=tests"]
    command += [f"-l{lang}" for lang in LANGUAGES]
    # The copy holds the product only: it runs on the product's settings, not the suite's.
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    result = subprocess.run(command, cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return {
        lang: parse_po(copy / "config" / "locale" / lang / "LC_MESSAGES" / "django.po") for lang in LANGUAGES
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_catalogue_translates_every_message_of_the_project(fresh_catalogues, lang):
    entries = fresh_catalogues[lang]
    assert len(entries) > 250
    untranslated = [e["msgid"] for e in entries if not all(e["msgstr"].values())]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert not untranslated, (
        f"untranslated in {lang} (run `make messages`, translate, commit): {untranslated}"
    )
    assert not fuzzy, f"fuzzy in {lang} (check and unmark them): {fuzzy}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_compiled_catalogue_matches_the_po_file(fresh_catalogues, lang):
    """The committed .mo is what Django reads: it must be compiled from the current .po."""
    with open(BASE_DIR / "config" / "locale" / lang / "LC_MESSAGES" / "django.mo", "rb") as mo:
        compiled = gettext.GNUTranslations(mo)
    stale = []
    for entry in fresh_catalogues[lang]:
        if "msgid_plural" in entry:
            if compiled.ngettext(entry["msgid"], entry["msgid_plural"], 1) != entry["msgstr"]["msgstr[0]"]:
                stale.append(entry["msgid"])
        elif compiled.gettext(entry["msgid"]) != entry["msgstr"]["msgstr"]:
            stale.append(entry["msgid"])
    assert not stale, f"run `make messages` (compilemessages) for {lang}: {stale}"


def test_kazakh_catalogue_is_written_in_kazakh(fresh_catalogues):
    """Not Russian copied over: the Kazakh-specific letters appear throughout."""
    text = " ".join(form for e in fresh_catalogues["kk"] for form in e["msgstr"].values())
    assert KAZAKH_LETTERS <= set(text.lower())
    kazakh = [
        e for e in fresh_catalogues["kk"] if KAZAKH_LETTERS & set(" ".join(e["msgstr"].values()).lower())
    ]
    assert len(kazakh) > len(fresh_catalogues["kk"]) / 2


TRANSLATION_CALLS = {"_", "gettext", "gettext_lazy", "pgettext", "pgettext_lazy", "ngettext"}


def test_no_translation_call_hides_inside_an_f_string():
    """makemessages (xgettext) reads an f-string as one literal: a `_("…")` inside it is never
    extracted, so its text stays English on every page."""
    hidden = []
    for app in ("config", "patients", "attachment", "coverage"):
        for path in (BASE_DIR / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.JoinedStr):
                    for call in ast.walk(node):
                        if isinstance(call, ast.Call) and getattr(call.func, "id", None) in TRANSLATION_CALLS:
                            hidden.append(f"{path.relative_to(BASE_DIR)}:{call.lineno}")
    assert not hidden, f"move these translation calls out of their f-strings: {hidden}"


class VisibleText(HTMLParser):
    """Text a user reads: text nodes and title/placeholder/alt attributes; not scripts, styles or
    the options of data lists (countries beyond the first ten have no Kazakh names upstream)."""

    DATA_LISTS = {"citizenship"}

    def __init__(self):
        super().__init__()
        self.texts, self._skip, self._in_data_list = [], 0, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag in ("script", "style"):
            self._skip += 1
        if tag == "select" and attrs.get("name") in self.DATA_LISTS:
            self._in_data_list = True
        for name in ("title", "placeholder", "alt", "aria-label"):
            if attrs.get(name):
                self.texts.append(attrs[name])

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._skip -= 1
        if tag == "select":
            self._in_data_list = False

    def handle_data(self, data):
        if not self._skip and not self._in_data_list and data.strip():
            self.texts.append(data.strip())


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
# The brand, language buttons, file formats and encodings.
ALLOWED_LATIN = {"Bekitu", "RU", "KK", "EN", "PDF", "QR", "CSV", "XLSX", "UTF", "Windows", "Excel"}
DATA_TEXTS = {"registrar1", "registrar2", "head1", "admin", "auditor", "register.csv"}  # test data


def untranslated_texts(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    untranslated = []
    for text in parser.texts:
        words = set(LATIN_WORD.findall(re.sub("|".join(map(re.escape, DATA_TEXTS)), "", text)))
        if words - ALLOWED_LATIN:
            untranslated.append(text)
    return untranslated


@pytest.fixture
def registrar_pages(registrar_client, clinic1, district1, registrar1):
    """The registrar's pages of the person register, with data on each."""
    person = PersonFactory(
        last_name="Сейітова", first_name="Айгерім", sex="F", born=datetime.date(1988, 4, 2)
    )
    child = PersonFactory(born=datetime.date(2015, 5, 5))
    InsurerFactory(name="Номад Иншуранс")
    registrar_client.post(
        reverse("patients:dependent_create", args=[person.pk, "document"]),
        {"kind": "id_card", "number": "045678912", "reason": "Құжат"},
    )
    registrar_client.post(
        reverse("patients:dependent_create", args=[child.pk, "representative"]),
        {"representative": person.iin, "relationship": "parent", "reason": "Құжат"},
    )
    registrar_client.get(reverse("home"))  # shows (and so clears) the "Saved." messages above
    pages = [
        ("get", reverse("home"), None),
        ("get", reverse("patients:search"), None),
        ("post", reverse("patients:search"), {"iin": person.iin[:11]}),  # a list
        ("post", reverse("patients:search"), {"name": person.last_name, "sex": person.sex}),
        ("post", reverse("patients:search"), {"name": "Ешкім Жоқ"}),
        ("post", reverse("patients:search"), {"iin": "123"}),  # an error message
        ("get", reverse("patients:person_detail", args=[person.pk]), None),
        ("get", reverse("patients:person_detail", args=[child.pk]), None),
        ("get", reverse("patients:person_history", args=[person.pk]), None),
        ("get", reverse("patients:person_create"), None),
        ("post", reverse("patients:person_create"), {"iin": "1", "last_name": "<b>"}),  # errors
        ("get", reverse("patients:person_edit", args=[person.pk]), None),
        ("get", reverse("password_change"), None),
    ]
    for kind in ("document", "representative", "family", "contingent", "insured", "contract"):
        pages.append(("get", reverse("patients:dependent_create", args=[person.pk, kind]), None))
    representation = child.representatives.get()
    pages += [
        ("get", reverse("patients:representative_edit", args=[representation.pk]), None),
        # The representative's documents listed, and the record that exists already named.
        (
            "post",
            reverse("patients:dependent_create", args=[child.pk, "representative"]),
            {"representative": person.iin, "show_documents": "1"},
        ),
        (
            "post",
            reverse("patients:dependent_create", args=[child.pk, "representative"]),
            {"representative": person.iin, "relationship": "parent", "reason": "Құжат"},
        ),
    ]
    pages += attachment_and_entitlement_pages(person, child, clinic1, district1, registrar1)
    return pages


def attachment_and_entitlement_pages(person, child, clinic, district, registrar):
    """The attachments tab and its pages, the coupon, a refusal, the entitlements tab."""
    ground = grounds()[1]
    coverage_reference.load()
    on = datetime.date(2026, 3, 2)
    attachment = Attachment.objects.create(
        person=person,
        organization=clinic,
        district=district,
        ground=ground,
        channel="clinic",
        valid_from=datetime.date(2026, 1, 1),
    )
    coupon = coupon_issue(attachment=attachment, on=on, user=registrar)
    refusal = refusal_record(
        person=child,
        organization=clinic,
        ground=ground,
        on=on,
        refusals=[Refused(PERSON_DEAD, "x")],
        user=registrar,
    )
    return [
        ("get", reverse("attachment:list"), None),
        ("get", reverse("attachment:list"), {"on": "2026-03-02", "district": district.pk}),
        ("get", reverse("attachment:queue"), None),
        ("get", reverse("attachment:person", args=[person.pk]), None),
        ("get", reverse("attachment:person", args=[child.pk]), None),
        ("get", reverse("attachment:attach", args=[child.pk]), None),
        ("post", reverse("attachment:attach", args=[child.pk]), {"on": "2026-02-30"}),  # errors
        ("get", reverse("attachment:family", args=[person.pk]), None),
        ("get", reverse("attachment:record_death", args=[person.pk]), None),
        ("get", reverse("attachment:detail", args=[attachment.pk]), None),
        ("get", reverse("attachment:detach", args=[attachment.pk]), None),
        ("get", reverse("attachment:coupon", args=[coupon.pk]), None),
        ("get", reverse("attachment:refusal", args=[refusal.pk]), None),
        ("get", reverse("coverage:person_entitlements", args=[person.pk]), None),
        ("get", reverse("coverage:person_entitlements", args=[person.pk]), {"on": "2026-03-02"}),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_registrar_pages_show_no_untranslated_text(registrar_client, registrar_pages, lang):
    problems = []
    for method, url, data in registrar_pages:
        response = getattr(registrar_client, method)(url, data or {}, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        problems += [f"{method.upper()} {url}: {text!r}" for text in untranslated_texts(html)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_login_and_lockout_pages_are_translated(client, lang):
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE=lang)
    assert not untranslated_texts(response.content.decode())


@pytest.mark.django_db
def test_kazakh_card_reads_in_kazakh(registrar_client):
    person = PersonFactory(citizenship="KZ")
    html = registrar_client.get(
        reverse("patients:person_detail", args=[person.pk]), HTTP_ACCEPT_LANGUAGE="kk"
    ).content.decode()
    for text in ("Адамның карточкасы", "Дербес деректер", "Азаматтығы", "Қазақстан", "ЖСН", "Тарих"):
        assert text in html


@pytest.fixture
def report_and_import_world(clinic1, district1, registrar1, rules_admin):
    """Data on every report, the start page widgets and the import pages: an attachment of
    clinic 1 (the pyramid), an application received today, a campaign window, planning norms with
    a change ahead, an import run with an error report."""
    patients_reference.load()
    attachment_reference.load()
    reports_reference.load()
    ground = grounds()[2]
    today = timezone.localdate()
    person = PersonFactory(born=datetime.date(1988, 4, 2), sex="F")
    Attachment.objects.create(
        person=person,
        organization=clinic1,
        district=district1,
        ground=ground,
        channel="clinic",
        valid_from=datetime.date(2026, 1, 1),
    )
    application_receive(
        person=PersonFactory(),
        organization=clinic1,
        ground=ground,
        channel="clinic",
        requested_on=today,
        received_at=timezone.now(),
        user=registrar1,
    )
    CampaignWindow.objects.get_or_create(
        year=2025,
        defaults={
            "starts_on": datetime.date(2025, 9, 15),
            "ends_on": datetime.date(2025, 11, 15),
            "takes_effect_on": datetime.date(2026, 1, 1),
        },
    )
    CapitationNorm.objects.create(amount="1000.00", valid_from=datetime.date(2026, 1, 1))
    CapitationNorm.objects.create(amount="1100.00", valid_from=today + datetime.timedelta(days=30))
    for sex in ("M", "F"):
        for group in AgeGroup.objects.all():
            SexAgeCoefficient.objects.create(
                sex=sex, age_group=group, value="1.000", valid_from=datetime.date(2026, 1, 1)
            )
    run = import_run_create(file_name="register.csv", user=rules_admin, organization=clinic1, dry_run=True)
    run.status, run.rows, run.errors, run.progress = ImportRun.Status.REJECTED, 2, 1, 100
    run.error_report = "row,iin,column,error\n2,,iin,A value is required.\n"
    run.save()
    import_run_create(file_name="register.csv", user=rules_admin)  # queued: listed on the start page
    return run


def report_pages(district) -> list:
    # The wrong grouping is echoed in the error message: Cyrillic, so that only our text is checked.
    bad_filters = {"on": "2026-02-30", "by": ["ничто"], "organization": "x", "district": "x"}
    pages = [("get", reverse(f"reports:{name}"), None) for name in REPORT_NAMES]
    pages += [
        ("get", reverse("reports:population"), {"on": "2026-03-02", "district": district.pk}),
        (
            "get",
            reverse("reports:population"),
            {"on": "2026-03-02", "by": ["region", "atu", "category", "ground"]},
        ),
        ("get", reverse("reports:population"), bad_filters),  # error messages
        ("get", reverse("reports:applications"), {"date_from": "2026-03-31", "date_to": "2026-03-01"}),
        ("get", reverse("reports:planning"), {"year": "1900"}),
    ]
    return pages


REPORT_NAMES = ["population", "campaign", "applications", "district_load", "planning"]


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_start_page_of_every_role_shows_no_untranslated_text(client, request, report_and_import_world, lang):
    problems = []
    for role in ("registrar1", "registrar2", "head1", "rules_admin", "auditor"):
        client.force_login(request.getfixturevalue(role))
        response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        problems += [f"{role}: {text!r}" for text in untranslated_texts(html)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("role", ["head1", "rules_admin"])
def test_report_pages_show_no_untranslated_text(
    client, request, report_and_import_world, district1, role, lang
):
    client.force_login(request.getfixturevalue(role))
    problems = []
    for method, url, data in report_pages(district1):
        response = getattr(client, method)(url, data or {}, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, (url, data)
        html = response.content.decode()
        assert f'<html lang="{lang}">' in html
        problems += [f"{url} {data}: {text!r}" for text in untranslated_texts(html)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_import_pages_show_no_untranslated_text(client, rules_admin, report_and_import_world, lang):
    client.force_login(rules_admin)
    run = report_and_import_world
    problems = []
    for method, url, data in [
        ("get", reverse("importing:start"), None),
        ("post", reverse("importing:start"), {"organization": "000000000000"}),  # errors
        ("get", reverse("importing:run", args=[run.pk]), None),
    ]:
        response = getattr(client, method)(url, data or {}, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, url
        html = response.content.decode()
        problems += [f"{method.upper()} {url}: {text!r}" for text in untranslated_texts(html)]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_death_pages_show_no_untranslated_text(client, head1, clinic1, lang):
    """The clinic head's tab of a dead person, the correction page with its errors, a cancelled
    attachment, and the entitlements tab after the death."""
    from attachment.services import person_record_death

    coverage_reference.load()
    ground = grounds()[1]
    person = PersonFactory(citizenship="KZ")
    for valid_from, valid_to in (
        (datetime.date(2025, 1, 1), datetime.date(2026, 6, 30)),
        (datetime.date(2026, 7, 1), None),
    ):
        Attachment.objects.create(
            person=person,
            organization=clinic1,
            ground=ground,
            channel="clinic",
            valid_from=valid_from,
            valid_to=valid_to,
        )
    with translation.override(lang):  # the end reasons are written in the language of the page
        person_record_death(
            person=person, date_of_death=datetime.date(2026, 3, 2), user=head1, reason="Куәлік"
        )
    client.force_login(head1)
    correct = reverse("attachment:correct_death", args=[person.pk])
    pages = [
        ("get", reverse("attachment:person", args=[person.pk]), None),
        ("get", correct, None),
        ("post", correct, {"date_of_death": "2026-03-02", "reason": "x"}),  # the same date: an error
        ("get", reverse("coverage:person_entitlements", args=[person.pk]), {"on": "2026-03-10"}),
    ]
    problems = []
    for method, url, data in pages:
        response = getattr(client, method)(url, data or {}, HTTP_ACCEPT_LANGUAGE=lang)
        assert response.status_code == 200, url
        problems += [
            f"{method.upper()} {url}: {text!r}" for text in untranslated_texts(response.content.decode())
        ]
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", LANGUAGES)
def test_admin_sections_of_the_libraries_are_named_in_the_staff_language(client, rules_admin, lang):
    """The admin index names the login-attempt, two-factor and task sections in Russian and Kazakh,
    not by the libraries' labels ("AXES", "OTP_TOTP", "Tasks Database Backend")."""
    client.force_login(rules_admin)
    body = client.get(reverse("admin:index"), HTTP_ACCEPT_LANGUAGE=lang).content.decode()
    with translation.override(lang):
        names = [
            str(translation.gettext(n))
            for n in ("Login attempts", "Two-factor devices (TOTP)", "Background tasks")
        ]
    for name in names:
        assert re.search("[а-яА-Я]", name) and name in body
    for label in ("Axes", "AXES", "Otp_Totp", "OTP_TOTP", "Tasks Database Backend"):
        assert f">{label}<" not in body
