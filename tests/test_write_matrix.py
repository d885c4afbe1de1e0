"""Every POST endpoint, every role, a person of the own clinic, of another clinic or attached
nowhere: the expected outcome, beside the URL matrix of GETs (tests/test_permission_matrix.py).

A route is a POST endpoint when a POST with an empty body, by the rules administrator, does not
answer 405; every model admin page is taken as one (the admin's views all take POST). A POST
endpoint without a row in WRITES (pages) or ADMIN_WRITES (the admin, by model kind) fails the
test, and so does a row whose route is gone. Each row is one route and target with the outcome
for each role:

  W  written: a redirect (3xx), and rows of the app tables were inserted, updated or deleted
  R  refused: 403 or 404, and nothing changed
  L  to the login page (anonymous; in the admin everyone who is not staff), nothing changed
  F  answered (200, 302 or 400) with nothing changed: the form or the admin did not offer what
     was asked (another clinic is no choice; an action the user lacks is ignored)
  N  not a write (login, search, a read page that answers a POST as it answers a GET): answered
     (not 403, 404 or 405), nothing changed
  P  admin only: passes the permission check (200 with form errors, or 302), whatever it changed
  E  a known server error (500), nothing changed: a defect the row's comment names, to be fixed

"Changed" is read from PostgreSQL's own counters of the rows this transaction inserted, updated
and deleted (pg_stat_xact_user_tables), for every model table except the reads' own logs (the
access log, coupon prints, django-axes, sessions); each cell runs in a savepoint rolled back
afterwards, so every cell starts from the same world.

Roles (columns): anonymous, registrar of clinic 1, registrar of clinic 2, clinic head of clinic 1,
rules administrator, auditor. Targets: c1 a person attached to clinic 1 (the own clinic of
registrar1 and head1), c2 a person attached to clinic 2 (registrar2's), none a person attached
nowhere, "-" no person or the world's objects (tests/world.py, all of clinic 1).
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.sessions.models import Session
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from attachment import services as attachment_services
from attachment.models import Attachment, CouponPrint, DetachReason, District, Ground
from coverage.selectors import entitlements_on
from patients.models import (
    ContingentFlag,
    FamilyLink,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    LegalCategory,
    LegalRepresentative,
    PersonAccessLog,
)
from patients.views import DEPENDENTS

from .factories import DistrictFactory, PersonFactory, fresh_iin
from .world import ADMIN_MODELS, Route, project_routes, url_of

ROLES = ["anonymous", "registrar1", "registrar2", "head1", "rules_admin", "auditor"]
NON_STAFF = ["anonymous", "registrar1", "registrar2", "head1"]
PASSWORD = "x-test-password-1"  # tests/factories.py staff_user
ATTACHED_FROM = datetime.date(2026, 1, 1)
DIED_ON = datetime.date(2026, 3, 3)


def cells(outcomes: str) -> dict[str, str]:
    letters = outcomes.split()
    assert len(letters) == len(ROLES) and set(letters) <= set("WRLFNPE"), outcomes
    return dict(zip(ROLES, letters, strict=True))


# (route, variant, target) -> outcome per role.                 anon reg1 reg2 head admin audit
WRITES = {
    # Not writes. Signing in and out (which ends at the login page), the language, the search
    # form (a POST, so that IINs stay out of URLs) and the public coupon check write nothing but
    # sessions and logs.
    ("login", "", "-"): cells("                                  N    N    N    N    N    N"),
    ("logout", "", "-"): cells("                                 L    L    L    L    L    L"),  # to login
    ("set_language", "", "-"): cells("                           N    N    N    N    N    N"),
    ("coupon_verify", "", "-"): cells("                          N    N    N    N    N    N"),
    ("patients:search", "", "-"): cells("                        L    N    N    N    N    N"),
    # Read pages that answer a POST as they answer a GET (no method check): the same scope as in
    # the URL matrix (clinic 1's records are a 404 to clinic 2's registrar, reports and the import
    # runs are refused to whom they are refused), and nothing written but the access log.
    ("home", "", "-"): cells("                                   L    N    N    N    N    N"),
    ("patients:person_detail", "", "-"): cells("                 L    N    N    N    N    N"),
    ("patients:person_history", "", "-"): cells("                L    N    N    N    N    N"),
    ("coverage:person_entitlements", "", "-"): cells("           L    N    N    N    N    N"),
    ("coverage:person_leaflet", "", "-"): cells("                L    N    N    N    N    N"),
    ("attachment:list", "", "-"): cells("                        L    N    N    N    N    N"),
    ("attachment:person", "", "-"): cells("                      L    N    N    N    N    N"),
    ("attachment:detail", "", "-"): cells("                      L    N    R    N    N    N"),
    ("attachment:coupon", "", "-"): cells("                      L    N    R    N    N    N"),
    ("attachment:coupon_pdf", "", "-"): cells("                  L    N    R    N    N    N"),
    ("attachment:refusal", "", "-"): cells("                     L    N    R    N    N    N"),
    ("attachment:refusal_print", "", "-"): cells("               L    N    R    N    N    N"),
    ("reports:index", "", "-"): cells("                          L    R    R    N    N    N"),
    ("reports:population", "", "-"): cells("                     L    R    R    N    N    N"),
    ("reports:campaign", "", "-"): cells("                       L    R    R    N    N    N"),
    ("reports:applications", "", "-"): cells("                   L    R    R    N    N    N"),
    ("reports:district_load", "", "-"): cells("                  L    R    R    N    N    N"),
    ("reports:planning", "", "-"): cells("                       L    R    R    N    N    N"),
    ("importing:run", "", "-"): cells("                          L    R    R    R    N    R"),
    # Comparing an extract and applying it: rules administrators only (an empty form is refused;
    # the world's run, compared and not applied, is applied once); clinic heads read, never write.
    ("importing:reconciliations", "", "-"): cells("              L    R    R    R    F    R"),
    ("importing:reconciliation", "", "-"): cells("               L    R    R    N    N    R"),
    ("importing:reconciliation_apply", "", "-"): cells("         L    R    R    R    W    R"),
    # One's own password: everyone signed in.
    ("password_change", "", "-"): cells("                        L    W    W    W    W    W"),
    # The person register is one for the whole country and not scoped to a clinic: any registrar
    # registers a person and keeps their card and papers up to date, wherever they are attached
    # (the clinic a person applies to registers them, free choice §4). Auditors change nothing.
    ("patients:person_create", "", "-"): cells("                 L    W    W    W    W    R"),
    ("patients:person_edit", "", "c1"): cells("                  L    W    W    W    W    R"),
    ("patients:person_edit", "", "c2"): cells("                  L    W    W    W    W    R"),
    ("patients:person_edit", "", "none"): cells("                L    W    W    W    W    R"),
    **{
        ("patients:dependent_create", kind, target): cells("    L    W    W    W    W    R")
        for kind in ("document", "representative", "family", "contingent", "insured", "contract")
        for target in ("c1", "c2", "none")
    },
    # Correcting a legal representative (relationship, documents): what the person's clinic keeps
    # for their care, so the staff of the clinic the person is attached to, or anyone on staff when
    # they are attached nowhere (patients.access.may_change_for_person); another clinic's
    # registrar is refused. Adding one stays open to every registrar (the rows above).
    ("patients:representative_edit", "", "c1"): cells("          L    W    R    W    W    R"),
    ("patients:representative_edit", "", "c2"): cells("          L    R    W    R    W    R"),
    ("patients:representative_edit", "", "none"): cells("        L    W    W    W    W    R"),
    # Merging two records of one person and replacing an IIN: the clinic head of the organization
    # the person is attached to, rules administrators for anyone; the start page only redirects.
    ("patients:person_merge_start", "", "-"): cells("            L    R    R    N    N    R"),
    ("patients:person_merge", "", "c1"): cells("                 L    R    R    W    W    R"),
    ("patients:person_merge", "", "c2"): cells("                 L    R    R    R    W    R"),
    ("patients:person_merge", "", "none"): cells("               L    R    R    R    W    R"),
    ("patients:person_replace_iin", "", "c1"): cells("           L    R    R    W    W    R"),
    ("patients:person_replace_iin", "", "c2"): cells("           L    R    R    R    W    R"),
    ("patients:person_replace_iin", "", "none"): cells("         L    R    R    R    W    R"),
    # Attaching is free choice (§4): any registrar attaches anyone, wherever they are attached now,
    # to their own clinic, never to another one (the form offers only the own clinic; a rules
    # administrator may choose any). The person lives where the clinic serves; a person attached
    # to that clinic already is a slip to correct (a form error), nothing written.
    ("attachment:attach", "to clinic 1", "c1"): cells("          L    F    F    F    F    R"),
    ("attachment:attach", "to clinic 1", "c2"): cells("          L    W    F    W    W    R"),
    ("attachment:attach", "to clinic 1", "none"): cells("        L    W    F    W    W    R"),
    ("attachment:attach", "to clinic 2", "c1"): cells("          L    F    W    F    W    R"),
    ("attachment:attach", "to clinic 2", "c2"): cells("          L    F    F    F    F    R"),
    ("attachment:attach", "to clinic 2", "none"): cells("        L    F    W    F    W    R"),
    # The queue's "decide": the attach page of an application the clinic received (the target
    # applied there); another clinic's application is not in the queue (back to it, nothing
    # written).
    ("attachment:attach", "application of clinic 1", "c2"): cells("L    W    F    W    W    R"),
    ("attachment:attach", "application of clinic 1", "none"): cells("L  W    F    W    W    R"),
    ("attachment:attach", "application of clinic 2", "c1"): cells("L    F    W    F    W    R"),
    ("attachment:attach", "application of clinic 2", "none"): cells("L  F    W    F    W    R"),
    # A motivated refusal, on purpose and confirmed (documents missing here): by who may attach
    # there; never for a person attached to that clinic already (a slip, nothing written).
    ("attachment:refuse", "to clinic 1", "c1"): cells("          L    F    F    F    F    R"),
    ("attachment:refuse", "to clinic 1", "c2"): cells("          L    W    F    W    W    R"),
    ("attachment:refuse", "to clinic 1", "none"): cells("        L    W    F    W    W    R"),
    ("attachment:refuse", "to clinic 2", "c1"): cells("          L    F    W    F    W    R"),
    ("attachment:refuse", "to clinic 2", "c2"): cells("          L    F    F    F    F    R"),
    ("attachment:refuse", "to clinic 2", "none"): cells("        L    F    W    F    W    R"),
    ("attachment:refuse", "application of clinic 1", "c2"): cells("L    W    F    W    W    R"),
    ("attachment:refuse", "application of clinic 1", "none"): cells("L  W    F    W    W    R"),
    ("attachment:refuse", "application of clinic 2", "c1"): cells("L    F    W    F    W    R"),
    ("attachment:refuse", "application of clinic 2", "none"): cells("L  F    W    F    W    R"),
    ("attachment:family", "to clinic 1", "c1"): cells("          L    W    F    W    W    R"),
    ("attachment:family", "to clinic 1", "c2"): cells("          L    W    F    W    W    R"),
    ("attachment:family", "to clinic 1", "none"): cells("        L    W    F    W    W    R"),
    ("attachment:family", "to clinic 2", "c1"): cells("          L    F    W    F    W    R"),
    ("attachment:family", "to clinic 2", "c2"): cells("          L    F    W    F    W    R"),
    ("attachment:family", "to clinic 2", "none"): cells("        L    F    W    F    W    R"),
    # A coupon is issued by the clinic of the attachment (another clinic's is a 404, scoped like
    # a missing row); there is no attachment, so no coupon, of a person attached nowhere.
    ("attachment:coupon_issue", "", "c1"): cells("               L    W    R    W    W    R"),
    ("attachment:coupon_issue", "", "c2"): cells("               L    R    W    R    W    R"),
    # Another district of the attachment's organization: its staff (auditors only read) or a rules
    # administrator.
    ("attachment:district_change", "", "c1"): cells("            L    W    R    W    W    R"),
    ("attachment:district_change", "", "c2"): cells("            L    R    W    R    W    R"),
    # Detaching (moved abroad, …): the attachment's organization's staff or a rules administrator.
    ("attachment:detach", "", "c1"): cells("                     L    W    R    W    W    R"),
    ("attachment:detach", "", "c2"): cells("                     L    R    W    R    W    R"),
    # A death ends the attachments of every organization the person is attached to on that date or
    # later: their staff or a rules administrator record it; when the person is attached nowhere,
    # any registrar does (the register needs the death whoever learns of it). Clinic 2's
    # registrar recording the death of clinic 1's patient was the hole this matrix was made for.
    ("attachment:record_death", "", "c1"): cells("               L    W    R    W    W    R"),
    ("attachment:record_death", "", "c2"): cells("               L    R    W    R    W    R"),
    ("attachment:record_death", "", "none"): cells("             L    W    W    W    W    R"),
    # Correcting a recorded death: a clinic head of such an organization (any clinic head when the
    # person was attached nowhere) or a rules administrator; never a registrar.
    ("attachment:correct_death", "", "c1"): cells("              L    R    R    W    W    R"),
    ("attachment:correct_death", "", "c2"): cells("              L    R    R    R    W    R"),
    ("attachment:correct_death", "", "none"): cells("            L    R    R    W    W    R"),
    # A rendered service is counted for the registrar's own organization, whoever the person is
    # attached to (the quota is the person's, wherever it is used). A rules administrator belongs
    # to no organization, so there is none to count it for: refused (patients.access.can_act_for
    # acts for no "no organization"; the service answered 500 before).
    ("coverage:usage_record", "", "c1"): cells("                 L    W    W    W    R    R"),
    ("coverage:usage_record", "", "c2"): cells("                 L    W    W    W    R    R"),
    ("coverage:usage_record", "", "none"): cells("               L    W    W    W    R    R"),
    # The register import writes the register of every clinic: rules administrators only.
    ("importing:start", "", "-"): cells("                        L    R    R    R    W    R"),
    # The admin site's own pages (the model pages are in ADMIN_WRITES below): the login form,
    # signing out, one's own password (staff only).
    ("admin:login", "", "-"): cells("                            N    N    N    N    N    N"),
    # Signing out of the admin ends at the login page; who is not staff is sent to the admin's
    # index (which sends them to its login), signed in as before.
    ("admin:logout", "", "-"): cells("                           L    F    F    F    L    L"),
    ("admin:password_change", "", "-"): cells("                  L    L    L    L    W    W"),
    ("admin:index", "", "-"): cells("                            L    L    L    L    N    N"),
    ("admin:app_list", "", "-"): cells("                         L    L    L    L    N    N"),
    ("admin:view_on_site", "", "-"): cells("                     L    L    L    L    R    R"),
    ("admin:catch_all", "", "-"): cells("                        L    L    L    L    R    R"),
}

# Model admin pages by action and model kind (tests/world.py ADMIN_MODELS): nobody but staff is
# let in; auditors change nothing; rules administrators pass the permission check wherever the
# admin offers the change (engine models are written only by their services, logs by nobody).


def kinds(names: str, outcomes: str) -> dict[str, dict[str, str]]:
    return {kind: cells(outcomes) for kind in names.split()}


#                   action -> kinds -> outcome per role       anon reg1 reg2 head admin audit
ADMIN_WRITES = {
    "add": {
        **kinds("ours system", "                                 L    L    L    L    P    R"),
        **kinds("engine received recorded lockouts", "            L    L    L    L    R    R"),
        **kinds("records log runs", "                            L    L    L    L    R    R"),
    },
    "change": {
        **kinds("ours system received recorded", "               L    L    L    L    P    R"),
        # Read-only in the admin: the change page only shows the row, a POST is refused.
        **kinds("engine log records", "                          L    L    L    L    R    R"),
        # Shown read-only: a POST saves nothing but the admin's own log entry.
        **kinds("lockouts runs", "                               L    L    L    L    P    R"),
    },
    "delete": {
        **kinds("ours system received recorded lockouts runs", "L    L    L    L    P    R"),
        **kinds("engine log records", "                          L    L    L    L    R    R"),
    },
    # The changelist's actions: an action the user may not run is not offered, and posting it is
    # ignored (back to the list, nothing changed); accounts and login records are not even listed
    # to auditors.
    "action delete_selected": {
        **kinds("ours received recorded runs", "                 L    L    L    L    P    F"),
        **kinds("system lockouts", "                             L    L    L    L    P    R"),
        **kinds("engine log", "                                  L    L    L    L    F    F"),
        **kinds("records", "                                     L    L    L    L    F    R"),
    },
    # Moving an organization's attached population (grounds 6–9): rules administrators.
    "action transfer_attachments": kinds("ours", "               L    L    L    L    P    F"),
    # django-axes 8.3's own action "clean up expired attempts" fails for the administrator (500:
    # it reads request.axes_attempt_time, which only axes' login handling sets); administrators
    # unlock a login by deleting its attempt (README, Security).
    "action cleanup_expired_attempts": kinds("lockouts", "       L    L    L    L    E    R"),
    # The access log's own CSV export of the selected entries: a read for both who read the log.
    "action export_csv": kinds("log", "                          L    L    L    L    N    N"),
    # The import changes rows: where the admin lets the user add and change them.
    "import": {
        **kinds("ours", "                                        L    L    L    L    P    R"),
        **kinds("engine received recorded", "                    L    L    L    L    R    R"),
    },
    "process_import": {
        **kinds("ours", "                                        L    L    L    L    P    R"),
        **kinds("engine received recorded", "                    L    L    L    L    R    R"),
    },
    # A history entry's page is read-only: reverting is disabled (SIMPLE_HISTORY_REVERT_DISABLED),
    # so the page offers no button and a POST is refused (patients.admin_base.HistoryAdmin).
    "simple_history": kinds("ours system received recorded engine log", "  L    L    L    L    R    R"),
    "password_change": kinds("system", "                         L    L    L    L    P    R"),  # a user's
    # Reads that answer a POST as a GET: the list (no list_editable anywhere), the history, the
    # export form (a file), the redirect to the change page, a TOTP device's set-up page. The URL
    # matrix opens them; they are listed here so that every admin page has its row.
    "changelist": {
        **kinds("ours engine received recorded log runs", "      L    L    L    L    N    N"),
        **kinds("system lockouts records", "                     L    L    L    L    N    R"),
    },
    "history": {
        **kinds("ours engine received recorded log runs", "      L    L    L    L    N    N"),
        **kinds("system lockouts records", "                     L    L    L    L    N    R"),
    },
    "export": kinds("ours engine received recorded", "           L    L    L    L    N    N"),
    "redirect": kinds(" ".join(set(ADMIN_MODELS.values())), "   L    L    L    L    N    N"),
    "config": kinds("system", "                                  L    L    L    L    N    R"),
    "qrcode": kinds("system", "                                  L    L    L    L    N    R"),
}
# Exercised by the admin write test (the reads above are opened by the URL matrix).
ADMIN_WRITE_ACTIONS = set("add change delete import process_import simple_history password_change".split())

# The reads' own logs change on every read: they are not what a write changes.
NOT_DATA = (PersonAccessLog, PersonAccessLog.history.model, CouponPrint, Session)


def data_tables() -> set[str]:
    tables = {m._meta.db_table for m in apps.get_models(include_auto_created=True)}
    tables -= {m._meta.db_table for m in NOT_DATA}
    return {t for t in tables if not t.startswith("axes_")}


def row_writes() -> dict[str, tuple[int, int, int]]:
    """Rows inserted, updated and deleted so far by this transaction, per table."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, n_tup_ins, n_tup_upd, n_tup_del FROM pg_stat_xact_user_tables"
            " WHERE n_tup_ins + n_tup_upd + n_tup_del > 0"
        )
        return {name: (ins, upd, dele) for name, ins, upd, dele in cursor.fetchall()}


def changes(before: dict, after: dict, tables: set[str]) -> list[str]:
    found = []
    for table, counts in sorted(after.items()):
        if table not in tables:
            continue
        ins, upd, dele = (a - b for a, b in zip(counts, before.get(table, (0, 0, 0)), strict=True))
        if ins or upd or dele:
            found.append(f"{table} +{ins} ~{upd} -{dele}")
    return found


def mismatch(expected: str, response, changed: list[str]) -> str | None:
    """Why the response and the rows changed are not the expected outcome (None when they are)."""
    status = response.status_code
    # Anonymous users go to the site's login page, signed-in users who are not staff to the admin's.
    to_login = status == 302 and response.url.startswith((reverse("login"), reverse("admin:login")))
    ok = {
        "W": 300 <= status < 400 and not to_login and bool(changed),
        "R": status in (403, 404) and not changed,
        "L": to_login and not changed,
        "F": status in (200, 302, 400) and not to_login and not changed,
        "N": status < 500 and status not in (403, 404, 405) and not to_login and not changed,
        "P": (200 <= status < 400) and not to_login,
        "E": status == 500 and not changed,
    }[expected]
    if ok:
        return None
    where = f" to {response.url}" if 300 <= status < 400 else ""
    errors = ""
    context = getattr(response, "context", None)
    if context is not None and status == 200 and expected == "W":
        form = context.get("form") or context.get("adminform")
        errors = f" form errors {dict(form.errors)}" if form is not None and hasattr(form, "errors") else ""
    return f"expected {expected}, got {status}{where}, changed {changed or 'nothing'}{errors}"


# The scene: the world (all of clinic 1) and a person per target.


@dataclass
class Scene:
    world: dict
    clinic1: object
    clinic2: object
    rules_admin: object
    persons: dict  # target -> person
    attachments: dict  # target -> attachment

    def person(self, target):
        return type(self.persons[target]).objects.get(pk=self.persons[target].pk)  # as it is now


@pytest.fixture
def scene(world, clinic1, clinic2, district1, rules_admin) -> Scene:
    district2 = DistrictFactory(organization=clinic2, code="01")
    ground = Ground.objects.order_by("code").first()
    # Temporary foreigners: their package (seed 004) has the volume limits that usage counts.
    persons = {
        target: PersonFactory(category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ")
        for target in ("c1", "c2", "none")
    }
    attachments = {
        target: Attachment.objects.create(
            person=persons[target],
            organization=organization,
            district=district,
            ground=ground,
            channel="clinic",
            valid_from=ATTACHED_FROM,
        )
        for target, organization, district in (("c1", clinic1, district1), ("c2", clinic2, district2))
    }
    for person in persons.values():
        InsuredStatusPeriod.objects.create(person=person, valid_from=ATTACHED_FROM)
    return Scene(world, clinic1, clinic2, rules_admin, persons, attachments)


# Payload builders: (scene, target) -> (url, POST data); they may prepare rows first (a pending
# application, a recorded death), which the savepoint of the cell rolls back with the rest.
Builder = Callable[[Scene, str], tuple[str, dict]]


def reason() -> dict:
    return {"reason": "Matrix check", "change_reason": "Matrix check"}


def person_fields(person) -> dict:
    return {
        "iin": person.iin,
        "last_name": person.last_name,
        "first_name": person.first_name,
        "middle_name": person.middle_name,
        "birth_date": person.birth_date.isoformat(),
        "sex": person.sex,
        "citizenship": str(person.citizenship),
        "category": person.category,
        "migrant_purpose": "",
        "residence_atu": person.residence_atu_id or "",
        "residence_address": person.residence_address,
        "residence_kind": person.residence_kind,
        **reason(),
    }


def build_person_create(scene, target):
    # Nobody like them in the register: the likely duplicates would be shown first (nothing written).
    born = datetime.date(1984, 6, 15)
    person = PersonFactory.build(
        born=born,
        iin=fresh_iin(born),
        last_name="Сейтказиев",
        first_name="Бауыржан",
        residence_atu=scene.world["patients.Atu"],
    )
    return reverse("patients:person_create"), person_fields(person)


def build_person_edit(scene, target):
    person = scene.person(target)
    return reverse("patients:person_edit", args=[person.pk]), {
        **person_fields(person),
        "first_name": "Айгерим",
    }


DEPENDENT_DATA = {
    "document": lambda s: {"kind": IdentityDocument.Kind.PASSPORT_KZ, "number": "N77"},
    "representative": lambda s: {
        "representative": s.world["patients.Person"].iin,
        "relationship": LegalRepresentative.Relationship.GUARDIAN,
    },
    "family": lambda s: {"relative": s.world["patients.Person"].iin, "relation": FamilyLink.Relation.SPOUSE},
    "contingent": lambda s: {
        "kind": ContingentFlag.Kind.PENSIONER,
        "document": "Certificate 7",
        "valid_from": "2026-02-01",
    },
    "insured": lambda s: {"valid_from": "2020-01-01", "valid_to": "2020-12-31", "source": "manual"},
    "contract": lambda s: {
        "kind": InsuranceContract.Kind.VMI,
        "insurer": s.world["patients.Insurer"].pk,
        "number": "V-77",
        "valid_from": "2026-01-01",
        "valid_to": "2026-12-31",
        "organization": s.clinic1.pk,
    },
}


def build_dependent(kind) -> Builder:
    def build(scene, target):
        url = reverse("patients:dependent_create", args=[scene.persons[target].pk, kind])
        return url, {**DEPENDENT_DATA[kind](scene), **reason()}

    return build


def build_representative_edit(scene, target):
    """The target's representative (the world's person) recorded without a document, corrected
    with a new document of the representative typed on the form."""
    link = LegalRepresentative.objects.create(
        child=scene.person(target), representative=scene.world["patients.Person"], relationship="parent"
    )
    return reverse("patients:representative_edit", args=[link.pk]), {
        "relationship": LegalRepresentative.Relationship.GUARDIAN,
        "new_document-kind": IdentityDocument.Kind.PASSPORT_KZ,
        "new_document-number": "R77",
        **reason(),
    }


def build_person_merge(scene, target):
    """The target survives; a second record of them, attached nowhere, is retired."""
    retired = PersonFactory()
    return reverse("patients:person_merge", args=[scene.persons[target].pk, retired.pk]), reason()


def build_person_replace_iin(scene, target):
    person = scene.person(target)
    return reverse("patients:person_replace_iin", args=[person.pk]), {
        "new_iin": fresh_iin(person.birth_date, person.sex),
        **reason(),
    }


def clinic_of(scene, variant):
    return scene.clinic1 if variant == "to clinic 1" else scene.clinic2


def build_attach(variant, *, route="attachment:attach", **extra) -> Builder:
    """The target applies at the clinic, living where it serves (a first ground rule, the
    identity document presented unless `extra` says otherwise)."""

    def build(scene, target):
        person = scene.persons[target]
        organization = clinic_of(scene, variant)
        type(person).objects.filter(pk=person.pk).update(residence_atu=organization.atu)
        return reverse(route, args=[person.pk]), {
            "organization": organization.pk,
            "ground": Ground.objects.order_by("code").first().pk,
            "on": timezone.localdate().isoformat(),
            "channel": "clinic",
            "documents": ["identity"],
            **reason(),
            **extra,
        }

    return build


def build_application(variant, *, route="attachment:attach", **extra) -> Builder:
    """An application the clinic received from the target (living where it serves), decided on
    the attach page as the queue opens it."""

    def build(scene, target):
        person = scene.persons[target]
        organization = clinic_of(scene, variant.replace("application of", "to"))
        type(person).objects.filter(pk=person.pk).update(residence_atu=organization.atu)
        ground = Ground.objects.order_by("code").first()
        application = attachment_services.application_receive(
            person=scene.person(target),
            organization=organization,
            ground=ground,
            channel="clinic",
            documents=["identity"],
            requested_on=timezone.localdate(),
            received_at=timezone.now(),
            user=scene.rules_admin,
        )
        url = reverse(route, args=[person.pk])
        data = {"application": application.pk, "ground": ground.pk, "documents": ["identity"], **reason()}
        return url, {**data, **extra}

    return build


REFUSE = {"route": "attachment:refuse", "documents": [], "confirm_refusal": "on"}


def build_family(variant) -> Builder:
    """The target applies for a relative (attached nowhere, living where the clinic serves, so
    that the all-or-nothing family attachment succeeds when it is permitted)."""

    def build(scene, target):
        person = scene.persons[target]
        organization = clinic_of(scene, variant)
        relative = PersonFactory(residence_atu=organization.atu)
        InsuredStatusPeriod.objects.create(person=relative, valid_from=ATTACHED_FROM)
        FamilyLink.objects.create(person=person, relative=relative, relation=FamilyLink.Relation.SPOUSE)
        return reverse("attachment:family", args=[person.pk]), {
            "members": [relative.pk],
            "organization": organization.pk,
            "ground": Ground.objects.order_by("code").first().pk,
            "on": timezone.localdate().isoformat(),
            "consent": "on",
            **reason(),
        }

    return build


def build_coupon_issue(scene, target):
    return reverse("attachment:coupon_issue", args=[scene.attachments[target].pk]), {}


def build_district_change(scene, target):
    attachment = scene.attachments[target]
    other, _ = District.objects.get_or_create(
        organization=attachment.organization,
        code="99",
        defaults={"kind": "general", "atu": attachment.organization.atu, "capacity": 1000},
    )
    url = reverse("attachment:district_change", args=[attachment.pk])
    return url, {"district": other.pk, **reason()}


def build_detach(scene, target):
    url = reverse("attachment:detach", args=[scene.attachments[target].pk])
    moved = DetachReason.objects.get(code="moved_abroad")
    return url, {"on": timezone.localdate().isoformat(), "reason": moved.pk}


def build_record_death(scene, target):
    url = reverse("attachment:record_death", args=[scene.persons[target].pk])
    return url, {"date_of_death": DIED_ON.isoformat(), **reason()}


def build_correct_death(scene, target):
    attachment_services.person_record_death(
        person=scene.person(target), date_of_death=DIED_ON, user=scene.rules_admin, reason="Certificate"
    )
    url = reverse("attachment:correct_death", args=[scene.persons[target].pk])
    return url, {"date_of_death": "", **reason()}  # the person did not die


def build_usage(scene, target):
    person = scene.person(target)
    today = timezone.localdate()
    limits = [s.limit for g in entitlements_on(person=person, on=today).packages for s in g.limits]
    assert limits, f"the {target} person is entitled to no limited service on {today}"
    url = reverse("coverage:usage_record", args=[person.pk])
    return url, {"limit": limits[0].pk, "rendered_on": today.isoformat(), **reason()}


def build_import(scene, target):
    sample = Path(settings.BASE_DIR, "docs", "import-sample.csv").read_bytes()
    return reverse("importing:start"), {
        "file": SimpleUploadedFile("register.csv", sample, "text/csv"),
        "dry_run": "on",
    }


def build_password_change(url_name) -> Builder:
    new = "Matrix-passphrase-2026"
    data = {"old_password": PASSWORD, "new_password1": new, "new_password2": new}
    return lambda scene, target: (reverse(url_name), data)


BUILDERS: dict[tuple[str, str], Builder] = {
    ("patients:person_create", ""): build_person_create,
    ("patients:person_edit", ""): build_person_edit,
    ("patients:person_merge", ""): build_person_merge,
    ("patients:person_replace_iin", ""): build_person_replace_iin,
    **{("patients:dependent_create", kind): build_dependent(kind) for kind in DEPENDENT_DATA},
    **{("attachment:attach", v): build_attach(v) for v in ("to clinic 1", "to clinic 2")},
    **{("attachment:refuse", v): build_attach(v, **REFUSE) for v in ("to clinic 1", "to clinic 2")},
    **{
        ("attachment:attach", f"application of {v}"): build_application(f"application of {v}")
        for v in ("clinic 1", "clinic 2")
    },
    **{
        ("attachment:refuse", f"application of {v}"): build_application(f"application of {v}", **REFUSE)
        for v in ("clinic 1", "clinic 2")
    },
    **{("attachment:family", v): build_family(v) for v in ("to clinic 1", "to clinic 2")},
    ("patients:representative_edit", ""): build_representative_edit,
    ("attachment:coupon_issue", ""): build_coupon_issue,
    ("attachment:district_change", ""): build_district_change,
    ("attachment:detach", ""): build_detach,
    ("attachment:record_death", ""): build_record_death,
    ("attachment:correct_death", ""): build_correct_death,
    ("coverage:usage_record", ""): build_usage,
    ("importing:start", ""): build_import,
    # The world's reconciliation of clinic 1, compared and not applied: applying it writes the run.
    ("importing:reconciliation_apply", ""): lambda scene, target: (
        reverse("importing:reconciliation_apply", args=[scene.world["attachment.Reconciliation"].pk]),
        {},
    ),
    ("password_change", ""): build_password_change("password_change"),
    ("admin:password_change", ""): build_password_change("admin:password_change"),
    # Not writes: the search form with a criterion; the other pages are posted empty.
    ("patients:search", ""): lambda scene, target: (
        reverse("patients:search"),
        {"iin": scene.world["patients.Person"].iin[:11]},  # a list (a whole IIN opens the card)
    ),
    ("login", ""): lambda scene, target: (reverse("login"), {"username": "nobody", "password": "wrong"}),
}


def empty_post(route: Route, objects) -> Callable[[], tuple[str, dict]]:
    """A POST with an empty body to the route about the world's objects."""
    return lambda: (url_of(route, objects), {})


def routes_by_name() -> dict[str, Route]:
    return {route.name: route for route in project_routes() if not route.model_label}


def attempt(client, user, build: Callable[[], tuple[str, dict]], tables) -> tuple[str, object, list[str]]:
    """Build the payload and post it in a savepoint; (url, response, rows changed), rolled back."""
    savepoint = connection.savepoint()
    try:
        url, data = build()
        before = row_writes()
        response = client.post(url, data)
        changed = changes(before, row_writes(), tables)
    finally:
        connection.savepoint_rollback(savepoint)
    if user is not None and not client.session.get("_auth_user_id"):  # signed out (logout)
        client.force_login(user)
    return url, response, changed


def test_every_post_endpoint_has_a_row(client, world, rules_admin):
    """A POST with an empty body by the rules administrator finds every POST endpoint of the pages;
    each has a row (with a payload builder when it writes), and every row names a route."""
    client.force_login(rules_admin)
    tables = data_tables()
    routes = project_routes()
    posted = set()
    for route in routes:
        if route.model_label:
            continue  # model admin pages: ADMIN_WRITES, checked below
        _url, response, _changed = attempt(client, rules_admin, empty_post(route, world), tables)
        if response.status_code != 405:
            posted.add(route.name)
    rowed = {route for route, _variant, _target in WRITES}
    missing = sorted(posted - rowed)
    assert not missing, f"POST endpoints without a row in WRITES of {__file__}: {missing}"
    names = {route.name for route in routes}
    stale = sorted(rowed - names)
    assert not stale, f"rows of WRITES for routes that do not exist: {stale}"
    not_posted = sorted(rowed - posted)
    assert not not_posted, f"rows of WRITES for routes that answer a POST with 405: {not_posted}"
    kinds = {variant for route, variant, _target in WRITES if route == "patients:dependent_create"}
    assert kinds == set(DEPENDENTS), f"dependent kinds without rows: {sorted(set(DEPENDENTS) - kinds)}"
    writes = {(route, variant) for (route, variant, _t), row in WRITES.items() if "W" in row.values()}
    assert writes <= set(BUILDERS), f"writes without a payload builder: {sorted(writes - set(BUILDERS))}"
    missing_admin = sorted(
        f"{r.name} ({r.model_label}: {ADMIN_MODELS.get(r.model_label)})"
        for r in routes
        if r.model_label and ADMIN_MODELS.get(r.model_label) not in ADMIN_WRITES.get(r.action, {})
    )
    assert not missing_admin, f"admin pages without a row in ADMIN_WRITES (action -> kind): {missing_admin}"
    missing_actions = sorted(
        f"{label}: {name}"
        for label, name in admin_actions()
        if ADMIN_MODELS[label] not in ADMIN_WRITES.get(f"action {name}", {})
    )
    assert not missing_actions, f"admin actions without a row in ADMIN_WRITES: {missing_actions}"


def sign_in(client, request, role):
    """The client signed in as the role (signed out for anonymous); the user, or None."""
    client.logout()
    if role == "anonymous":
        return None
    user = request.getfixturevalue(role)
    client.force_login(user)
    return user


def test_write_matrix(client, request, scene):
    """Every row of WRITES, as every role (one world for all, each cell rolled back)."""
    client.raise_request_exception = False  # a 500 is a cell's outcome, reported with the others
    tables = data_tables()
    routes = routes_by_name()
    mismatches = []
    for role in ROLES:
        user = sign_in(client, request, role)
        for (name, variant, target), row in WRITES.items():
            builder = BUILDERS.get((name, variant))
            build = partial(builder, scene, target) if builder else empty_post(routes[name], scene.world)
            url, response, changed = attempt(client, user, build, tables)
            problem = mismatch(row[role], response, changed)
            if problem:
                mismatches.append(f"{role}: {name} {variant} {target} ({url}): {problem}".replace("  ", " "))
    assert not mismatches, "\n".join(mismatches)


# The admin: every model's add, change and delete pages, history reverts, imports, and every
# changelist action, as each role.


def admin_actions() -> list[tuple[str, str]]:
    """(model label, action name) of every action a model admin declares, offered or not."""
    return [
        (model._meta.label, name)
        for model, model_admin in admin.site._registry.items()
        for _function, name, _description in model_admin._get_base_actions()
    ]


def admin_cells(world) -> list[tuple[str, str, str, str, dict]]:
    """(what, action, model kind, url, POST data) of every admin write: the model pages posted
    empty (a delete confirmed), every action on the world's object of the model, confirmed."""
    found = []
    for route in project_routes():
        if route.model_label and route.action in ADMIN_WRITE_ACTIONS:
            data = {"post": "yes"} if route.action == "delete" else {}
            kind = ADMIN_MODELS[route.model_label]
            found.append((route.name, route.action, kind, url_of(route, world), data))
    for label, name in admin_actions():
        model = apps.get_model(label)
        obj = world[label]
        changelist = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        data = {"action": name, ACTION_CHECKBOX_NAME: [obj.pk], "index": 0, "post": "yes"}
        found.append((f"{label} action {name}", f"action {name}", ADMIN_MODELS[label], changelist, data))
    return found


def test_admin_write_matrix(client, request, world):
    """Every admin write of every model, as every role (each cell rolled back)."""
    client.raise_request_exception = False
    tables = data_tables()
    cells_ = admin_cells(world)
    mismatches = []
    for role in ROLES:
        user = sign_in(client, request, role)
        for what, action, kind, url, data in cells_:
            _url, response, changed = attempt(client, user, lambda u=url, d=data: (u, d), tables)
            problem = mismatch(ADMIN_WRITES[action][kind][role], response, changed)
            if problem:
                mismatches.append(f"{role}: {what} ({url}): {problem}")
    assert not mismatches, "\n".join(mismatches)


def test_tables_keep_their_rules():
    """What holds for every row, whatever a new row says (a guard against a misaligned edit):
    anonymous users write nothing, who is not staff never gets past the admin's login, auditors
    write nothing but their own password; P and E are for the admin's model pages only."""
    assert all(set(row.values()) <= set("WRLFN") for row in WRITES.values())
    assert all(row["anonymous"] in "LN" for row in WRITES.values())
    assert all(
        row[role] == "L" for kinds in ADMIN_WRITES.values() for row in kinds.values() for role in NON_STAFF
    )
    assert all(row["auditor"] != "W" or key[0].endswith("password_change") for key, row in WRITES.items())
