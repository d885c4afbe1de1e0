"""Login is required everywhere; roles decide what each view allows."""

import pytest
from django.urls import reverse

from attachment.models import Attachment
from patients.access import scope_to_organization

from ..factories import PersonFactory, grounds

pytestmark = pytest.mark.django_db

READ_VIEWS = ["patients:search", "patients:person_detail", "patients:person_history"]
WRITE_VIEWS = ["patients:person_create", "patients:person_edit"] + [
    f"patients:dependent_create:{kind}"
    for kind in ("document", "representative", "family", "contingent", "insured", "contract")
]


def url_for(name, person):
    if name.startswith("patients:dependent_create:"):
        return reverse("patients:dependent_create", args=[person.pk, name.rsplit(":", 1)[1]])
    if name in ("patients:search", "patients:person_create"):
        return reverse(name)
    return reverse(name, args=[person.pk])


@pytest.mark.parametrize("name", READ_VIEWS + WRITE_VIEWS + ["home"])
def test_anonymous_is_sent_to_login(client, name):
    person = PersonFactory()
    response = client.get(url_for(name, person) if name != "home" else reverse("home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


@pytest.mark.parametrize("role", ["registrar1", "registrar2", "head1", "rules_admin", "auditor"])
@pytest.mark.parametrize("name", READ_VIEWS)
def test_every_role_may_look_a_person_up(client, request, role, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url_for(name, PersonFactory())).status_code == 200


@pytest.mark.parametrize(
    ("role", "status"),
    [("registrar1", 200), ("head1", 200), ("rules_admin", 200), ("auditor", 403)],
)
@pytest.mark.parametrize("name", WRITE_VIEWS)
def test_only_writers_may_open_forms(client, request, role, status, name):
    client.force_login(request.getfixturevalue(role))
    assert client.get(url_for(name, PersonFactory())).status_code == status


def test_auditor_cannot_post_a_change(client, auditor):
    person = PersonFactory()
    client.force_login(auditor)
    response = client.post(reverse("patients:person_edit", args=[person.pk]), {"last_name": "X"})
    assert response.status_code == 403
    person.refresh_from_db()
    assert person.last_name != "X"


def test_unknown_dependent_kind_is_404(registrar_client):
    assert (
        registrar_client.get(
            reverse("patients:dependent_create", args=[PersonFactory().pk, "nope"])
        ).status_code
        == 404
    )


def test_scope_to_organization_limits_registrars_to_their_clinic(
    registrar1, registrar2, auditor, clinic1, clinic2
):
    g = grounds()
    a1 = Attachment.objects.create(
        person=PersonFactory(),
        organization=clinic1,
        ground=g[2],
        channel="clinic",
        valid_from="2026-01-01",
    )
    a2 = Attachment.objects.create(
        person=PersonFactory(),
        organization=clinic2,
        ground=g[2],
        channel="clinic",
        valid_from="2026-01-01",
    )
    qs = Attachment.objects.all()
    assert list(scope_to_organization(qs, registrar1)) == [a1]
    assert list(scope_to_organization(qs, registrar2)) == [a2]
    assert set(scope_to_organization(qs, auditor)) == {a1, a2}


def test_admin_lists_use_the_same_scoping(client, clinic1, clinic2):
    from patients.access import REGISTRAR

    from ..factories import staff_user

    g = grounds()
    Attachment.objects.create(
        person=PersonFactory(),
        organization=clinic1,
        ground=g[2],
        channel="clinic",
        valid_from="2026-01-01",
    )
    other = Attachment.objects.create(
        person=PersonFactory(),
        organization=clinic2,
        ground=g[2],
        channel="clinic",
        valid_from="2026-01-01",
    )
    staff_registrar = staff_user("staffreg", REGISTRAR, clinic1, is_staff=True)
    client.force_login(staff_registrar)
    response = client.get(reverse("admin:attachment_attachment_changelist"))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 1
    assert client.get(reverse("admin:attachment_attachment_change", args=[other.pk])).status_code == 302


def test_access_log_is_for_auditors_not_the_desk(registrar1, head1, auditor, rules_admin):
    perm = "patients.view_personaccesslog"
    assert not registrar1.has_perm(perm) and not head1.has_perm(perm)
    assert auditor.has_perm(perm) and rules_admin.has_perm(perm)
