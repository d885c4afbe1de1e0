"""Issue 18 item 1: every page, tab, form and file that shows a person's data writes exactly one
access-log row, every list of persons one row per person shown, every exported list one row with
its parameters and row count.

The URL list is walked from the resolver: every URL of the site (and every admin URL of persons)
is either walked here or named in NOT_PERSON_PAGES with the reason, so a new person page that
does not go through `patients.access` fails this test."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from django.urls import get_resolver, reverse

from attachment.models import Attachment
from attachment.services import application_receive
from patients.access import PERSON_PAGES
from patients.models import Person, PersonAccessLog
from patients.selectors import likely_duplicates
from patients.views import DEPENDENTS

from ..factories import PersonFactory
from ..world import walk

pytestmark = pytest.mark.django_db

ON = datetime.date(2026, 3, 2)

# A row about the world's person; one row per listed person (the world has one); an export.
PERSON, LISTED, EXPORT = "person", "listed", "export"


@dataclass(frozen=True)
class Visit:
    user: str  # a fixture name of tests/conftest.py
    url: Callable[[dict], str]
    expect: str = PERSON
    method: str = "get"
    data: Callable[[dict], dict] | None = None
    status: int = 200
    person: Callable[[dict], object] = lambda w: w["patients.Person"]  # whom the row is about
    # A list page: the persons it shows (one row each).
    listed: Callable[[dict], set] = lambda w: {w["patients.Person"]}
    before: Callable[[dict], None] | None = None  # what the page needs to open


def _died(w) -> None:
    """The world's person died on ON (the correction page opens for a recorded death)."""
    Person.objects.filter(pk=w["patients.Person"].pk).update(date_of_death=ON)


def _left(w) -> None:
    """The world's person left clinic 1 on ON (the leavers' list and its export show them)."""
    Attachment.objects.filter(pk=w["attachment.Attachment"].pk).update(valid_to=ON)


LEFT_ON = f"?date_from={ON}&date_to={ON}"


def _waiting(w) -> set:
    """The persons of the world's waiting applications: its person and the child."""
    return {w["patients.Person"], w["attachment.Application"].person}


def _merge_candidates(w) -> set:
    """The world's person and their likely duplicates (the merge page lists them)."""
    person = w["patients.Person"]
    duplicates = likely_duplicates(
        iin=person.iin,
        last_name=person.last_name,
        first_name=person.first_name,
        middle_name=person.middle_name,
        birth_date=person.birth_date,
        exclude_pk=person.pk,
    )
    return {person, *(d.person for d in duplicates)}


def _admin(action, *args):
    return lambda w: reverse(f"admin:patients_person_{action}", args=[a(w) for a in args])


def _pk(w):
    return w["patients.Person"].pk


def _person_url(name, *extra):
    return lambda w: reverse(name, args=[w["patients.Person"].pk, *extra])


WALK = {
    "home": Visit("registrar1", lambda w: reverse("home"), LISTED, listed=_waiting),
    "patients:search": Visit(
        "registrar1",
        lambda w: reverse("patients:search"),
        LISTED,
        "post",
        lambda w: {"iin": w["patients.Person"].iin[:11]},  # a list (a whole IIN opens the card)
    ),
    "patients:person_detail": Visit("registrar1", _person_url("patients:person_detail")),
    "patients:person_edit": Visit("registrar1", _person_url("patients:person_edit")),
    "patients:person_history": Visit("registrar1", _person_url("patients:person_history")),
    # The child's data and the representative's documents: one row for each of the two.
    "patients:representative_edit": Visit(
        "registrar1",
        lambda w: reverse("patients:representative_edit", args=[w["patients.LegalRepresentative"].pk]),
        LISTED,
        listed=lambda w: {w["patients.LegalRepresentative"].child, w["patients.Person"]},
    ),
    # The merge page lists the person's likely duplicates: one row each, the person's own.
    "patients:person_merge_start": Visit(
        "head1", _person_url("patients:person_merge_start"), LISTED, listed=lambda w: _merge_candidates(w)
    ),
    # The confirmation shows both records: one row each.
    "patients:person_merge": Visit(
        "head1",
        lambda w: reverse("patients:person_merge", args=[_pk(w), w["patients.LegalRepresentative"].child_id]),
        LISTED,
        listed=lambda w: {w["patients.Person"], w["patients.LegalRepresentative"].child},
    ),
    "patients:person_replace_iin": Visit("head1", _person_url("patients:person_replace_iin")),
    "attachment:list": Visit("registrar1", lambda w: reverse("attachment:list"), LISTED),
    "attachment:queue": Visit("registrar1", lambda w: reverse("attachment:queue"), LISTED, listed=_waiting),
    "attachment:leavers": Visit(
        "registrar1", lambda w: reverse("attachment:leavers") + LEFT_ON, LISTED, before=_left
    ),
    "attachment:leavers_export": Visit(
        "registrar1",
        lambda w: (
            reverse("attachment:leavers_export", args=[w["attachment.Organization"].pk, "xlsx"]) + LEFT_ON
        ),
        EXPORT,
        before=_left,
    ),
    "attachment:person": Visit("registrar1", _person_url("attachment:person")),
    "attachment:attach": Visit("registrar1", _person_url("attachment:attach")),
    "attachment:family": Visit("registrar1", _person_url("attachment:family")),
    # A refusal not issued (here: the form incomplete) shows the attach page again.
    "attachment:refuse": Visit(
        "registrar1", _person_url("attachment:refuse"), PERSON, "post", lambda w: {"reason": ""}, 200
    ),
    "attachment:record_death": Visit("registrar1", _person_url("attachment:record_death")),
    "attachment:correct_death": Visit("rules_admin", _person_url("attachment:correct_death"), before=_died),
    "attachment:detail": Visit(
        "registrar1", lambda w: reverse("attachment:detail", args=[w["attachment.Attachment"].pk])
    ),
    "attachment:district_change": Visit(
        "registrar1",
        lambda w: reverse("attachment:district_change", args=[w["attachment.Attachment"].pk]),
    ),
    "attachment:detach": Visit(
        "registrar1", lambda w: reverse("attachment:detach", args=[w["attachment.Attachment"].pk])
    ),
    "attachment:coupon": Visit(
        "registrar1", lambda w: reverse("attachment:coupon", args=[w["attachment.Coupon"].pk])
    ),
    "attachment:coupon_pdf": Visit(
        "registrar1", lambda w: reverse("attachment:coupon_pdf", args=[w["attachment.Coupon"].pk])
    ),
    "attachment:refusal": Visit(
        "registrar1",
        lambda w: reverse("attachment:refusal", args=[w["attachment.Refusal"].pk]),
        person=lambda w: w["attachment.Refusal"].person,
    ),
    "attachment:refusal_print": Visit(
        "registrar1",
        lambda w: reverse("attachment:refusal_print", args=[w["attachment.Refusal"].pk]) + "?format=pdf",
        person=lambda w: w["attachment.Refusal"].person,
    ),
    "coverage:person_entitlements": Visit("registrar1", _person_url("coverage:person_entitlements")),
    # A refused usage form shows the tab again (400) with the person's data.
    "coverage:usage_record": Visit(
        "registrar1", _person_url("coverage:usage_record"), PERSON, "post", lambda w: {"limit": ""}, 400
    ),
    "coverage:person_leaflet": Visit("registrar1", _person_url("coverage:person_leaflet")),
    "importing:export": Visit(
        "registrar1",
        lambda w: reverse("importing:export", args=[w["attachment.Organization"].pk, "csv"]) + f"?on={ON}",
        EXPORT,
    ),
    "importing:report": Visit(
        "rules_admin", lambda w: reverse("importing:report", args=[w["attachment.ImportRun"].pk]), EXPORT
    ),
    "importing:warnings": Visit(
        "rules_admin", lambda w: reverse("importing:warnings", args=[w["attachment.ImportRun"].pk]), EXPORT
    ),
    "importing:reconciliation_group": Visit(
        "head1",
        lambda w: reverse(
            "importing:reconciliation_group", args=[w["attachment.Reconciliation"].pk, "both", "csv"]
        ),
        EXPORT,
    ),
    "reports:population": Visit("head1", lambda w: reverse("reports:population") + "?export=csv", EXPORT),
    "reports:campaign": Visit("head1", lambda w: reverse("reports:campaign") + "?export=csv", EXPORT),
    "reports:applications": Visit("head1", lambda w: reverse("reports:applications") + "?export=csv", EXPORT),
    "reports:district_load": Visit(
        "head1", lambda w: reverse("reports:district_load") + "?export=csv", EXPORT
    ),
    "reports:planning": Visit("head1", lambda w: reverse("reports:planning") + "?export=xlsx", EXPORT),
    "admin:patients_person_changelist": Visit(
        "auditor",
        lambda w: reverse("admin:patients_person_changelist") + f"?q={w['patients.Person'].iin}",
        LISTED,
    ),
    "admin:patients_person_change": Visit("auditor", _admin("change", _pk)),
    "admin:patients_person_delete": Visit("rules_admin", _admin("delete", _pk)),
    "admin:patients_person_history": Visit("auditor", _admin("history", _pk)),
    "admin:patients_person_simple_history": Visit(
        "auditor", _admin("simple_history", _pk, lambda w: w["patients.Person"].history.first().history_id)
    ),
    "admin:patients_person_export": Visit(
        "auditor",
        lambda w: reverse("admin:patients_person_export"),
        EXPORT,
        "post",
        lambda w: {"format": "0", "resource": "0", "personresource_iin": "on"},
    ),
}
# Every kind of record the card adds has its own form page.
DEPENDENT_VISITS = {
    kind: Visit("registrar1", _person_url("patients:dependent_create", kind)) for kind in DEPENDENTS
}

NOT_PERSON_PAGES = {
    "login": "no person data",
    "logout": "no person data",
    "password_change": "no person data",
    "password_change_done": "no person data",
    "set_language": "redirects back",
    # The likely duplicates it lists after a POST write one row each (tests/patients/test_duplicates.py).
    "patients:person_create": "an empty form (the person does not exist yet)",
    "attachment:coupon_issue": "a write (POST) that redirects to the logged coupon page",
    "coupon_verify": "public, anonymous: validity and a masked name only",
    "reports:index": "a redirect to the first report",
    "importing:start": "the import form: no person data",
    "importing:run": "an import's counts and status: no person data",
    "importing:status": "an import's counts (JSON)",
    "importing:reconciliations": "reconciliations' counts and the compare form: no person data",
    "importing:reconciliation": "a reconciliation's counts per group: no person data",
    "importing:reconciliation_apply": "a write (POST) that redirects to the counts",
    "admin:patients_person_add": "an empty form",
    "admin:patients_person_import": "the upload form",
    "admin:patients_person_process_import": "POST only: writes the confirmed file",
}


def site_url_names() -> set[str]:
    """Every named URL outside the admin, and every admin URL of persons."""
    names = set()
    for namespace, _prefix, pattern in walk(get_resolver().url_patterns):
        if not pattern.name:
            continue
        name = namespace + pattern.name
        if namespace == "admin:" and not name.startswith("admin:patients_person_"):
            continue
        names.add(name)
    return names


def test_every_url_is_walked_or_said_to_show_no_person():
    unknown = site_url_names() - set(WALK) - set(NOT_PERSON_PAGES) - {"patients:dependent_create"}
    assert not unknown, f"add these URLs to WALK (their view must log) or NOT_PERSON_PAGES: {unknown}"
    assert set(WALK) | {"patients:dependent_create"} <= site_url_names()


def test_every_logged_page_has_a_translated_name():
    assert set(WALK) | {"patients:dependent_create"} <= set(PERSON_PAGES)


@pytest.fixture
def pages_world(world, registrar1, head1, rules_admin, auditor):
    """The permission matrix's world (every object of clinic 1) and an application of its person
    waiting in the queue (the start page and the queue list it)."""
    person = world["patients.Person"]
    application_receive(
        person=person,
        organization=world["attachment.Organization"],
        ground=world["attachment.Ground"],
        channel="clinic",
        requested_on=ON,
        received_at=datetime.datetime(2026, 3, 2, 9, tzinfo=datetime.UTC),
        user=registrar1,
    )
    return {
        **world,
        "users": {"registrar1": registrar1, "head1": head1, "rules_admin": rules_admin, "auditor": auditor},
    }


def _visit(client, objects, visit: Visit):
    user = objects["users"][visit.user]
    if visit.before:
        visit.before(objects)
    client.force_login(user)
    url = visit.url(objects)
    data = visit.data(objects) if visit.data else None
    before = set(PersonAccessLog.objects.values_list("pk", flat=True))
    response = getattr(client, visit.method)(url, data or {})
    assert response.status_code == visit.status, (url, response.status_code)
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return user, list(PersonAccessLog.objects.exclude(pk__in=before))


@pytest.mark.parametrize(
    "name,visit",
    [*WALK.items(), *(("patients:dependent_create", v) for v in DEPENDENT_VISITS.values())],
    ids=[*WALK, *(f"patients:dependent_create[{kind}]" for kind in DEPENDENT_VISITS)],
)
def test_each_person_page_writes_exactly_one_log_row(client, pages_world, name, visit):
    """One row for a page of one person or an export; one row per person for a list page."""
    user, rows = _visit(client, pages_world, visit)
    shown = [(r.view_name, r.person_id) for r in rows]
    if visit.expect == LISTED:
        assert sorted(r.person_id for r in rows) == sorted(p.pk for p in visit.listed(pages_world)), shown
    else:
        assert len(rows) == 1, (name, shown)
    for entry in rows:
        assert (entry.user, entry.view_name, entry.address) == (user, name, "127.0.0.1")
        if visit.expect == PERSON:
            assert (entry.person, entry.row_count) == (visit.person(pages_world), None)
        elif visit.expect == EXPORT:
            assert entry.person is None and entry.row_count is not None
            assert entry.params
        else:
            assert entry.row_count is None


def test_an_export_logs_its_parameters_and_row_count(client, pages_world):
    _user, (entry,) = _visit(client, pages_world, WALK["importing:export"])
    assert entry.row_count == 1  # the world's one attached person
    organization = pages_world["attachment.Organization"]
    assert entry.params == {"organization": organization.pk, "on": ON.isoformat(), "format": "csv"}


def test_a_search_logs_one_row_per_person_listed_and_never_what_was_typed(registrar_client, registrar1):
    namesakes = [PersonFactory(last_name="Серікбаев") for _ in range(3)]
    PersonFactory(last_name="Жанұзақов")
    registrar_client.post(reverse("patients:search"), {"name": "Серікбаев"})
    entries = PersonAccessLog.objects.filter(view_name="patients:search")
    assert sorted(e.person_id for e in entries) == sorted(p.pk for p in namesakes)
    assert [e.params for e in entries] == [{"criteria": ["name"], "listed": 3}] * 3
    assert "Серікбаев" not in str(list(entries.values_list("params", flat=True)))


def test_a_missing_or_out_of_scope_record_writes_nothing(client, pages_world, registrar2, auditor):
    """404s (no such person; another clinic's coupon, refusal, attachment) leave no row."""
    before = PersonAccessLog.objects.count()
    client.force_login(registrar2)
    missing = Person.objects.order_by("-pk").first().pk + 1000
    assert client.get(reverse("patients:person_detail", args=[missing])).status_code == 404
    for name, label in (
        ("attachment:coupon", "attachment.Coupon"),
        ("attachment:refusal", "attachment.Refusal"),
        ("attachment:detail", "attachment.Attachment"),
    ):
        assert client.get(reverse(name, args=[pages_world[label].pk])).status_code == 404
    client.force_login(auditor)
    assert client.get(reverse("admin:patients_person_change", args=[missing])).status_code == 302
    assert client.get(reverse("admin:patients_person_history", args=[missing])).status_code == 404
    assert PersonAccessLog.objects.count() == before
