"""Every URL of the project, every role, the expected status code.

The URL list is walked from the resolver, so a page added by any app is checked here: a URL
pattern that this table does not know fails the test (add its row, or its model to ADMIN_MODELS
in tests/world.py).
Every HTML page that answers 200 is also checked for what the Content-Security-Policy forbids
(inline scripts, event-handler attributes; inline styles on our own pages) and for IINs in
its title.

Roles (columns): anonymous, registrar of clinic 1, registrar of clinic 2, clinic head of
clinic 1, rules administrator, auditor. The fixture objects (a person, an attachment…) belong to
clinic 1.
"""

import io
import re

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from attachment.models import (
    Attachment,
    ImportRun,
)
from patients.access import CLINIC_HEAD
from patients.models import (
    Insurer,
    Person,
)

from .factories import staff_user
from .world import ADMIN_MODELS, Route, project_routes, url_of

ROLES = ["anonymous", "registrar1", "registrar2", "head1", "rules_admin", "auditor"]


def row(statuses: str) -> dict[str, int]:
    codes = [int(code) for code in statuses.split()]
    assert len(codes) == len(ROLES), statuses
    return dict(zip(ROLES, codes, strict=True))


# Pages outside the model admin pages: name -> status of a GET for each role
#                                       anon reg1 reg2 head admin audit
EXPECTED = {
    "home": row("                       302  200  200  200  200   200"),
    "login": row("                      200  200  200  200  200   200"),
    "logout": row("                     302  405  405  405  405   405"),  # POST only
    "password_change": row("            302  200  200  200  200   200"),
    "password_change_done": row("       302  200  200  200  200   200"),
    "set_language": row("               302  302  302  302  302   302"),  # redirects back
    # Anyone on staff may look a person up (attaching needs it); only writers open forms.
    "patients:search": row("            302  200  200  200  200   200"),
    "patients:person_create": row("     302  200  200  200  200   403"),
    "patients:person_detail": row("     302  200  200  200  200   200"),
    "patients:person_edit": row("       302  200  200  200  200   403"),
    "patients:person_history": row("    302  200  200  200  200   200"),
    "patients:dependent_create": row("  302  200  200  200  200   403"),
    # The world's representative is of a child attached nowhere: any writer corrects it (a child
    # attached to a clinic, only its staff: tests/test_write_matrix.py).
    "patients:representative_edit": row("302  200  200  200  200   403"),
    # Merging records and replacing an IIN: the clinic head of the organization the person is
    # attached to (the world's person is clinic 1's; the retired child is attached nowhere) and
    # rules administrators.
    "patients:person_merge_start": row("302  403  403  200  200   403"),
    "patients:person_merge": row("      302  403  403  200  200   403"),
    "patients:person_replace_iin": row("302  403  403  200  200   403"),
    # The admin is for administrators and auditors only (is_staff).
    "admin:index": row("                302  302  302  302  200   200"),
    "admin:login": row("                200  200  200  200  302   302"),
    "admin:logout": row("               302  302  302  302  405   405"),  # POST only
    "admin:password_change": row("      302  302  302  302  200   200"),
    "admin:password_change_done": row(" 302  302  302  302  200   200"),
    "admin:jsi18n": row("               302  302  302  302  200   200"),
    "admin:autocomplete": row("         302  302  302  302  403   403"),  # needs its parameters
    "admin:view_on_site": row("         302  302  302  302  404   404"),  # persons have no public page
    "admin:catch_all": row("            302  302  302  302  404   404"),
    "admin:app_list": row("             302  302  302  302  200   200"),
    # Attachments. Any registrar may attach anyone to their own clinic (free choice, §4), so the
    # forms open for every writer; one clinic's attachments, coupons and refusals are 404 to the
    # other clinic's registrar (scoped like a missing row), lists show only the own clinic.
    "attachment:list": row("            302  200  200  200  200   200"),
    "attachment:queue": row("           302  200  200  200  200   200"),
    # Who left: the own clinic's leavers (any organization's for those who see all); another
    # clinic's export is a 404 like the attached list's.
    "attachment:leavers": row("         302  200  200  200  200   200"),
    "attachment:leavers_export": row("  302  200  404  200  200   200"),
    "attachment:person": row("          302  200  200  200  200   200"),
    "attachment:attach": row("          302  200  200  200  200   403"),
    "attachment:family": row("          302  200  200  200  200   403"),
    "attachment:refuse": row("          302  405  405  405  405   403"),  # POST only
    # Recording a death is for the organizations the person is attached to on that date or
    # later (the fixture person is clinic 1's); correcting one is for its clinic head and the
    # rules administrator, and there is none to correct for the fixture person.
    "attachment:record_death": row("    302  200  403  200  200   403"),
    "attachment:correct_death": row("   302  403  403  404  404   403"),
    "attachment:detail": row("          302  200  404  200  200   200"),
    "attachment:coupon_issue": row("    302  405  405  405  405   403"),  # POST only
    "attachment:district_change": row(" 302  200  404  200  200   403"),
    "attachment:detach": row("          302  200  404  200  200   403"),
    "attachment:coupon": row("          302  200  404  200  200   200"),
    "attachment:coupon_pdf": row("      302  200  404  200  200   200"),
    "attachment:refusal": row("         302  200  404  200  200   200"),
    "attachment:refusal_print": row("   302  200  404  200  200   200"),
    # The public check of a printed coupon's QR code: validity and a masked name only.
    "coupon_verify": row("              200  200  200  200  200   200"),
    # Entitlements (the person card's tab): everyone on staff reads them.
    "coverage:person_entitlements": row(" 302  200  200  200  200   200"),
    "coverage:usage_record": row("      302  405  405  405  405   405"),  # POST only
    "coverage:person_leaflet": row("    302  200  200  200  200   200"),
    # Reports (aggregates): clinic heads for their own organization, administrators and auditors
    # for every organization; registrars have none.
    "reports:index": row("              302  403  403  302  302   302"),  # to the first report
    "reports:population": row("         302  403  403  200  200   200"),
    "reports:campaign": row("           302  403  403  200  200   200"),
    "reports:applications": row("       302  403  403  200  200   200"),
    "reports:district_load": row("      302  403  403  200  200   200"),
    "reports:planning": row("           302  403  403  200  200   200"),
    # The register import: rules administrators only (it writes the register of every clinic).
    "importing:start": row("            302  403  403  403  200   403"),
    "importing:run": row("              302  403  403  403  200   403"),
    "importing:status": row("           302  403  403  403  200   403"),  # JSON
    "importing:report": row("           302  403  403  403  200   403"),  # error report CSV
    "importing:warnings": row("         302  403  403  403  200   403"),  # warning report CSV
    # An organization's attached list (CSV/XLSX): scoped like the list; clinic 1's is a 404 to the
    # other clinic's registrar.
    "importing:export": row("           302  200  404  200  200   200"),
    # Reconciliation with the register: rules administrators; clinic heads read their own.
    "importing:reconciliations": row("  302  403  403  200  200   403"),
    "importing:reconciliation": row("   302  403  403  200  200   403"),
    "importing:reconciliation_apply": row("302  405  405  405  405   405"),  # POST only
    "importing:reconciliation_group": row("302  403  403  200  200   403"),  # a group's file
}

# action -> kind -> statuses          anon reg1 reg2 head admin audit
ADMIN_ACTIONS = {
    "changelist": {
        "engine": row("                302  302  302  302  200   200"),
        "received": row("              302  302  302  302  200   200"),
        "recorded": row("              302  302  302  302  200   200"),
        "lockouts": row("             302  302  302  302  200   403"),
        "records": row("              302  302  302  302  200   403"),
        "ours": row("                 302  302  302  302  200   200"),
        "log": row("                  302  302  302  302  200   200"),
        "system": row("               302  302  302  302  200   403"),
        "runs": row("                 302  302  302  302  200   200"),
    },
    "add": {
        "engine": row("                302  302  302  302  403   403"),
        "received": row("              302  302  302  302  403   403"),
        "recorded": row("              302  302  302  302  403   403"),
        "lockouts": row("             302  302  302  302  403   403"),
        "records": row("              302  302  302  302  403   403"),
        "ours": row("                 302  302  302  302  200   403"),
        "log": row("                  302  302  302  302  403   403"),
        "system": row("               302  302  302  302  200   403"),
        "runs": row("                 302  302  302  302  403   403"),
    },
    "change": {
        "engine": row("                302  302  302  302  200   200"),
        "received": row("              302  302  302  302  200   200"),
        "recorded": row("              302  302  302  302  200   200"),
        "lockouts": row("             302  302  302  302  200   403"),
        "records": row("              302  302  302  302  200   403"),
        "ours": row("                 302  302  302  302  200   200"),  # auditors see it read-only
        "log": row("                  302  302  302  302  200   200"),
        "system": row("               302  302  302  302  200   403"),
        "runs": row("                 302  302  302  302  200   200"),  # read-only
    },
    "history": {
        "engine": row("                302  302  302  302  200   200"),
        "received": row("              302  302  302  302  200   200"),
        "recorded": row("              302  302  302  302  200   200"),
        "lockouts": row("             302  302  302  302  200   403"),
        "records": row("              302  302  302  302  200   403"),
        "ours": row("                 302  302  302  302  200   200"),
        "log": row("                  302  302  302  302  200   200"),
        "system": row("               302  302  302  302  200   403"),
        "runs": row("                 302  302  302  302  200   200"),
    },
    "delete": {
        "engine": row("                302  302  302  302  403   403"),
        "received": row("              302  302  302  302  200   403"),
        "recorded": row("              302  302  302  302  200   403"),
        "lockouts": row("             302  302  302  302  200   403"),
        "records": row("              302  302  302  302  403   403"),
        "ours": row("                 302  302  302  302  200   403"),
        "log": row("                  302  302  302  302  403   403"),
        "system": row("               302  302  302  302  200   403"),
        "runs": row("                 302  302  302  302  200   403"),
    },
    "simple_history": {
        "engine": row("                302  302  302  302  200   200"),
        "received": row("              302  302  302  302  200   200"),
        "recorded": row("              302  302  302  302  200   200"),
        "ours": row("                 302  302  302  302  200   200"),
        "log": row("                  302  302  302  302  200   200"),
        "system": row("               302  302  302  302  200   403"),
    },
    "import": {
        "engine": row("                302  302  302  302  403   403"),
        "received": row("              302  302  302  302  403   403"),
        "recorded": row("              302  302  302  302  403   403"),
        "ours": row("                 302  302  302  302  200   403"),
    },
    "process_import": {  # POST only (test_auditors_cannot_import posts to it)
        "engine": row("                302  302  302  302  405   405"),
        "received": row("              302  302  302  302  405   405"),
        "recorded": row("              302  302  302  302  405   405"),
        "ours": row("                 302  302  302  302  405   405"),
    },
    "export": {
        "engine": row("                302  302  302  302  200   200"),
        "received": row("              302  302  302  302  200   200"),
        "recorded": row("              302  302  302  302  200   200"),
        "ours": row("                 302  302  302  302  200   200"),
    },
    "password_change": {"system": row("302  302  302  302  200   403")},  # a user's password
    "config": {"system": row("302  302  302  302  200   403")},  # a TOTP device's set-up page
    "qrcode": {"system": row("302  302  302  302  200   403")},
    "redirect": {  # admin/<app>/<model>/<id>/ redirects to the change page
        "engine": row("                302  302  302  302  302   302"),
        "received": row("              302  302  302  302  302   302"),
        "recorded": row("              302  302  302  302  302   302"),
        "lockouts": row("             302  302  302  302  302   302"),
        "records": row("              302  302  302  302  302   302"),
        "ours": row("                 302  302  302  302  302   302"),
        "log": row("                  302  302  302  302  302   302"),
        "system": row("               302  302  302  302  302   302"),
        "runs": row("                 302  302  302  302  302   302"),
    },
}


def expected_status(route: Route, role: str) -> int | None:
    if route.action:
        kind = ADMIN_MODELS.get(route.model_label)
        if kind is None:
            return None
        return ADMIN_ACTIONS.get(route.action, {}).get(kind, {}).get(role)
    return EXPECTED.get(route.name, {}).get(role)


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
EVENT_HANDLER = re.compile(r"<[^>]+\son[a-z]+\s*=", re.I)
INLINE_STYLE = re.compile(r"<[^>]+\sstyle\s*=", re.I)
TITLE = re.compile(r"<title>(.*?)</title>", re.I | re.S)


def csp_violations(html: str, ours: bool) -> list[str]:
    """What the policy blocks; inline styles only on our pages (the admin's few are cosmetic)."""
    found = []
    checks = [("inline script", INLINE_SCRIPT), ("event handler", EVENT_HANDLER)]
    if ours:
        checks.append(("inline style", INLINE_STYLE))
    for label, regex in checks:
        if regex.search(html):
            found.append(f"{label}: {regex.search(html).group(0)[:80]}")
    return found


def test_every_url_pattern_has_a_row_for_every_role():
    missing = [r.name for r in project_routes() if any(expected_status(r, role) is None for role in ROLES)]
    assert not missing, (
        "URL patterns without an expected status per role: add them to EXPECTED or ADMIN_ACTIONS "
        f"in tests/test_permission_matrix.py, or ADMIN_MODELS in tests/world.py: {sorted(set(missing))}"
    )


@pytest.mark.parametrize("role", ROLES)
def test_permission_matrix(client, request, world, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    person = world["patients.Person"]
    mismatches, violations = [], []
    for route in project_routes():
        expected = expected_status(route, role)
        if expected is None:
            continue  # reported by test_every_url_pattern_has_a_row_for_every_role
        url = url_of(route, world)
        response = client.get(url)
        if response.status_code != expected:
            mismatches.append(f"{route.name} {url}: expected {expected}, got {response.status_code}")
        if response.status_code == 200 and response.get("Content-Type", "").startswith("text/html"):
            html = response.content.decode()
            violations += [f"{url}: {v}" for v in csp_violations(html, ours=not url.startswith("/admin/"))]
            title = TITLE.search(html)
            if title and person.iin in title.group(1):
                violations.append(f"{url}: IIN in the page title")
    assert not mismatches, "\n".join(mismatches)
    assert not violations, "\n".join(violations)


def test_auditors_cannot_import(client, world, auditor):
    """The admin import changes data: it needs the change permission, which auditors lack."""
    client.force_login(auditor)
    csv = b"id,name,bin,licence\n,Forged insurer,,\n"
    for name in ("admin:patients_insurer_import", "admin:patients_insurer_process_import"):
        response = client.post(
            reverse(name),
            {"format": "0", "import_file": SimpleUploadedFile("insurers.csv", csv, "text/csv")},
        )
        assert response.status_code == 403
    assert not Insurer.objects.filter(name="Forged insurer").exists()


@pytest.mark.parametrize("role", ["anonymous", "auditor"])
def test_who_may_not_open_a_form_may_not_post_it_either(client, request, world, role):
    """A POST is refused like the GET (login for anonymous, 403 for auditors) and writes nothing."""
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    refused = 302 if role == "anonymous" else 403
    routes = [
        r
        for r in project_routes()
        if not r.action
        and not r.name.startswith("admin:")
        and expected_status(r, "registrar1") == 200
        and expected_status(r, role) == refused
    ]
    assert routes, "no registrar page to check"
    person = world["patients.Person"]
    before = (Person.objects.count(), Person.history.count(), list(Person.objects.values()))
    data = {"iin": person.iin, "last_name": "Подделка", "first_name": "Подделка", "reason": "x"}
    for route in routes:
        response = client.post(url_of(route, world), data)
        assert response.status_code == refused, route.name
        if role == "anonymous":
            assert response.url.startswith(reverse("login"))
    assert (Person.objects.count(), Person.history.count(), list(Person.objects.values())) == before


def test_registrar_of_another_clinic_sees_none_of_clinic1s_attachments_in_lists(client, world, registrar2):
    """The attached list asked for clinic 1 (organization, district, a date) shows nobody of it."""
    client.force_login(registrar2)
    person = world["patients.Person"]
    attachment = world["attachment.Attachment"]
    for query in (
        {},
        {"organization": attachment.organization_id},
        {"district": attachment.district_id},
        {"on": "2026-03-02"},
        {"organization": attachment.organization_id, "on": "2026-03-02"},
    ):
        response = client.get(reverse("attachment:list"), query)
        assert response.status_code == 200, query
        assert person.last_name not in response.content.decode(), query
        assert attachment not in response.context["page"].object_list
    response = client.get(reverse("attachment:queue"))
    assert world["attachment.Application"] not in response.context["rows"]
    tab = client.get(reverse("attachment:person", args=[world["patients.LegalRepresentative"].child_id]))
    assert world["attachment.Refusal"] not in tab.context["refusals"]


def test_registrar_of_another_clinic_cannot_change_clinic1s_attachments(client, world, registrar2):
    """Issuing a coupon, a family attachment for clinic 1, recording the death of clinic 1's
    patient: refused, and nothing changes."""
    client.force_login(registrar2)
    attachment = world["attachment.Attachment"]
    person = world["patients.Person"]
    before = (
        list(Attachment.objects.values()),
        Attachment.history.count(),
        list(Person.objects.values()),
    )
    assert client.post(reverse("attachment:coupon_issue", args=[attachment.pk])).status_code == 404
    response = client.post(
        reverse("attachment:family", args=[person.pk]),
        {
            "organization": attachment.organization_id,
            "members": [person.pk],
            "ground": attachment.ground_id,
            "on": "2026-03-02",
            "reason": "x",
            "consent": "on",
        },
    )
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors  # clinic 1 is not offered
    response = client.post(
        reverse("attachment:record_death", args=[person.pk]),
        {"date_of_death": "2026-03-03", "reason": "x"},
    )
    assert response.status_code == 403
    after = (
        list(Attachment.objects.values()),
        Attachment.history.count(),
        list(Person.objects.values()),
    )
    assert after == before


def test_nobody_imports_attachments_refusals_or_coupons_through_the_admin(client, world, rules_admin):
    """Attachments are written only by the attach service (rules, locks, history): the admin
    import, which would write rows directly, is closed even to administrators."""
    client.force_login(rules_admin)
    csv = b"id,person,organization,ground,channel,valid_from\n,1,1,1,clinic,2026-01-01\n"
    before = Attachment.objects.count()
    for model in ("attachment", "refusal", "coupon", "application"):
        for name in (f"admin:attachment_{model}_import", f"admin:attachment_{model}_process_import"):
            response = client.post(
                reverse(name), {"format": "0", "import_file": SimpleUploadedFile("a.csv", csv, "text/csv")}
            )
            assert response.status_code == 403, name
    assert Attachment.objects.count() == before


REPORT_NAMES = ["population", "campaign", "applications", "district_load", "planning"]


def clinic1_queries(world) -> list[dict]:
    """Ways to name clinic 1 (or its district) in a query string."""
    attachment = world["attachment.Attachment"]
    return [
        {},
        {"organization": attachment.organization_id},
        {"district": attachment.district_id},
        {"organization": attachment.organization_id, "district": attachment.district_id, "on": "2026-03-02"},
        {"organization": attachment.organization_id, "export": "csv"},
        {"district": attachment.district_id, "export": "xlsx"},
    ]


def test_registrar_of_another_clinic_cannot_export_clinic1s_list(client, world, registrar2, clinic2):
    """Clinic 1's export is a 404 to clinic 2's registrar whatever the query; clinic 2's own export
    asked for clinic 1's district lists nobody of clinic 1."""
    client.force_login(registrar2)
    attachment = world["attachment.Attachment"]
    person = world["patients.Person"]
    for file_format in ("csv", "xlsx"):
        url = reverse("importing:export", args=[attachment.organization_id, file_format])
        for query in clinic1_queries(world) + [{"ground": attachment.ground.code}]:
            assert client.get(url, query).status_code == 404, (file_format, query)
    own = client.get(
        reverse("importing:export", args=[clinic2.pk, "csv"]),
        {"district": attachment.district_id, "on": "2026-03-02"},
    )
    assert own.status_code == 200
    assert person.iin not in b"".join(own.streaming_content).decode()


@pytest.mark.parametrize("role", ["registrar1", "registrar2", "head1", "auditor"])
def test_only_rules_administrators_see_import_runs_and_error_reports(client, request, world, role):
    """The run page, its progress JSON and its error report (which names people by IIN) are
    refused to every other role; so is starting an import, which writes nothing."""
    client.force_login(request.getfixturevalue(role))
    run = world["attachment.ImportRun"]
    person = world["patients.Person"]
    for name in ("importing:run", "importing:status", "importing:report", "importing:warnings"):
        response = client.get(reverse(name, args=[run.pk]))
        assert response.status_code == 403, name
        assert person.iin not in response.content.decode()
    before = (ImportRun.objects.count(), ImportRun.history.count())
    upload = SimpleUploadedFile("register.csv", b"iin,last_name\n" + person.iin.encode() + b",X\n")
    response = client.post(reverse("importing:start"), {"file": upload, "dry_run": "on"})
    assert response.status_code == 403
    assert (ImportRun.objects.count(), ImportRun.history.count()) == before


def test_registrar_of_another_clinic_sees_no_report(client, world, registrar2):
    client.force_login(registrar2)
    for report in REPORT_NAMES:
        for query in clinic1_queries(world):
            assert client.get(reverse(f"reports:{report}"), query).status_code == 403, (report, query)


def test_clinic_head_of_another_clinic_sees_nothing_of_clinic1_in_reports(client, world, clinic2):
    """Naming clinic 1 or its district in the filters (pages and exports) is a form error, and
    the reports of clinic 2's head hold nothing of clinic 1."""
    head2 = staff_user("head2", CLINIC_HEAD, clinic2)
    client.force_login(head2)
    clinic1 = world["attachment.Organization"]
    for report in REPORT_NAMES:
        for query in clinic1_queries(world):
            response = client.get(reverse(f"reports:{report}"), query)
            assert response.status_code == 200, (report, query)
            if response["Content-Type"].startswith("text/html"):
                content = response.content.decode()
                form = response.context["form"]
                if {"organization", "district"} & set(query) & set(form.fields):
                    assert form.errors, (report, query)
            elif response["Content-Type"].startswith("text/csv"):
                content = response.getvalue().decode("utf-8-sig")
            else:
                sheet = openpyxl.load_workbook(io.BytesIO(response.getvalue())).active
                content = " ".join(str(cell) for row in sheet.iter_rows(values_only=True) for cell in row)
            assert clinic1.bin not in content and clinic1.name_ru not in content, (report, query)
