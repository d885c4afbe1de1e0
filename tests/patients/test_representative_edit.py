"""Issue 19, item 3: a legal representative is corrected from the person card (relationship, the
document proving it, the representative's identity document), by the staff of the person's clinic
(`patients.access.may_change_for_person`), through `services.representative_update`, which locks
both persons by id, then the representation, and writes history with the user and the reason. On
the add and edit pages the registrar picks one of the representative's recorded documents or types
a new one, recorded for the representative by the same service."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

import patients.services
from attachment.models import Attachment
from patients import services
from patients.models import IdentityDocument, LegalRepresentative, PersonAccessLog

from ..factories import DistrictFactory, DocumentFactory, PersonFactory, grounds
from ..locks import BUSY, HeldPersonLock

pytestmark = pytest.mark.django_db
PARENT = LegalRepresentative.Relationship.PARENT
GUARDIAN = LegalRepresentative.Relationship.GUARDIAN


def attached(person, organization):
    Attachment.objects.create(
        person=person,
        organization=organization,
        district=DistrictFactory(organization=organization),
        ground=grounds()[1],
        channel="clinic",
        valid_from=datetime.date(2026, 1, 1),
    )


@pytest.fixture
def link(clinic1):
    """A child of clinic 1 and their parent, recorded without an identity document."""
    child = PersonFactory(born=datetime.date(2018, 5, 5))
    attached(child, clinic1)
    parent = PersonFactory(born=datetime.date(1988, 2, 3))
    return LegalRepresentative.objects.create(child=child, representative=parent, relationship=PARENT)


def edit_url(link):
    return reverse("patients:representative_edit", args=[link.pk])


def add_url(child):
    return reverse("patients:dependent_create", args=[child.pk, "representative"])


def edit_data(**extra):
    return {
        "relationship": GUARDIAN,
        "authority_document": "Guardianship decision 12",
        "reason": "Court",
        **extra,
    }


def test_editing_a_representative_saves_the_change_with_history_of_user_and_reason(
    registrar_client, registrar1, link
):
    response = registrar_client.post(edit_url(link), edit_data())
    assert response.status_code == 302
    assert response.url == reverse("patients:person_detail", args=[link.child_id])
    link.refresh_from_db()
    assert (link.relationship, link.authority_document) == (GUARDIAN, "Guardianship decision 12")
    latest = link.history.first()
    assert (latest.history_type, latest.history_user, latest.history_change_reason) == (
        "~",
        registrar1,
        "Court",
    )
    assert latest.relationship == GUARDIAN


def test_the_card_links_each_representative_to_its_edit_page_for_the_own_clinic_only(
    client, registrar1, registrar2, link
):
    client.force_login(registrar1)
    assert (
        edit_url(link) in client.get(reverse("patients:person_detail", args=[link.child_id])).content.decode()
    )
    client.force_login(registrar2)
    assert (
        edit_url(link)
        not in client.get(reverse("patients:person_detail", args=[link.child_id])).content.decode()
    )


def test_another_clinics_registrar_may_not_open_or_post_the_edit_and_nothing_is_written_or_logged(
    client, registrar2, link
):
    client.force_login(registrar2)
    before = PersonAccessLog.objects.count()
    assert client.get(edit_url(link)).status_code == 403
    assert client.post(edit_url(link), edit_data()).status_code == 403
    link.refresh_from_db()
    assert link.relationship == PARENT
    assert link.history.count() == 1
    assert PersonAccessLog.objects.count() == before


def test_the_service_itself_refuses_another_clinics_registrar(registrar2, link):
    with pytest.raises(PermissionDenied):
        services.representative_update(
            link=link, user=registrar2, reason="x", relationship=GUARDIAN, on=timezone.localdate()
        )
    assert LegalRepresentative.history.filter(history_type="~").count() == 0


def test_anyone_on_staff_edits_the_representative_of_a_person_attached_nowhere(client, registrar2, link):
    Attachment.objects.filter(person=link.child).delete()
    client.force_login(registrar2)
    assert client.post(edit_url(link), edit_data()).status_code == 302


def test_the_edit_page_offers_the_representatives_documents_and_logs_both_persons(
    registrar_client, registrar1, link
):
    passport = DocumentFactory(person=link.representative, kind=IdentityDocument.Kind.PASSPORT_KZ)
    DocumentFactory(person=link.child)  # the child's own: not offered
    response = registrar_client.get(edit_url(link))
    assert list(response.context["form"].fields["document"].queryset) == [passport]
    logged = PersonAccessLog.objects.filter(view_name="patients:representative_edit")
    assert sorted(logged.values_list("person_id", flat=True)) == sorted(
        [link.child_id, link.representative_id]
    )


def test_picking_an_existing_document_of_the_representative(registrar_client, link):
    passport = DocumentFactory(person=link.representative)
    assert registrar_client.post(edit_url(link), edit_data(document=passport.pk)).status_code == 302
    link.refresh_from_db()
    assert link.document == passport


def test_a_document_of_someone_else_is_no_choice(registrar_client, link):
    strangers = DocumentFactory()
    response = registrar_client.post(edit_url(link), edit_data(document=strangers.pk))
    assert response.status_code == 200
    assert "document" in response.context["form"].errors
    link.refresh_from_db()
    assert link.document is None


def test_a_new_document_typed_on_the_edit_form_is_recorded_for_the_representative_with_history(
    registrar_client, registrar1, link
):
    data = edit_data(
        **{
            "new_document-kind": "id_card",
            "new_document-number": "041234567",
            "new_document-issued_on": "2020-04-01",
        }
    )
    assert registrar_client.post(edit_url(link), data).status_code == 302
    document = IdentityDocument.objects.get(number="041234567")
    assert (document.person, document.kind, document.issued_on) == (
        link.representative,
        "id_card",
        datetime.date(2020, 4, 1),
    )
    link.refresh_from_db()
    assert link.document == document
    [row] = document.history.values_list("history_type", "history_user", "history_change_reason")
    assert row == ("+", registrar1.pk, "Court")


def test_a_picked_and_a_new_document_at_once_is_a_form_error_and_writes_nothing(registrar_client, link):
    passport = DocumentFactory(person=link.representative)
    data = edit_data(document=passport.pk, **{"new_document-kind": "id_card", "new_document-number": "0499"})
    response = registrar_client.post(edit_url(link), data)
    assert response.status_code == 200
    assert "not both" in str(response.context["form"].errors)
    assert not IdentityDocument.objects.filter(number="0499").exists()
    assert link.history.count() == 1


def test_a_new_document_whose_number_is_recorded_already_is_a_form_error(registrar_client, link):
    DocumentFactory(kind="id_card", number="0477")
    data = edit_data(**{"new_document-kind": "id_card", "new_document-number": "0477"})
    response = registrar_client.post(edit_url(link), data)
    assert response.status_code == 200
    assert "number" in response.context["document_form"].errors
    assert link.history.count() == 1


def test_adding_a_representative_records_their_new_document_in_the_same_form(registrar_client, registrar1):
    child, parent = PersonFactory(born=datetime.date(2017, 1, 2)), PersonFactory()
    data = {
        "representative": parent.iin,
        "relationship": PARENT,
        "reason": "Birth certificate shown",
        "new_document-kind": "passport_kz",
        "new_document-number": "N0101",
    }
    assert registrar_client.post(add_url(child), data).status_code == 302
    link = LegalRepresentative.objects.get(child=child)
    assert (link.representative, link.document.person, link.document.number) == (parent, parent, "N0101")
    assert link.document.history.get().history_user == registrar1


def test_show_their_documents_lists_the_typed_representatives_documents_and_writes_nothing(
    registrar_client, registrar1
):
    child, parent = PersonFactory(born=datetime.date(2017, 1, 2)), PersonFactory()
    passport = DocumentFactory(person=parent)
    response = registrar_client.post(add_url(child), {"representative": parent.iin, "show_documents": "1"})
    assert response.status_code == 200
    assert list(response.context["form"].fields["document"].queryset) == [passport]
    assert passport.number in response.content.decode()
    assert not response.context["form"].is_bound  # the form comes back as typed, not checked
    assert not LegalRepresentative.objects.exists()
    logged = PersonAccessLog.objects.filter(view_name="patients:dependent_create", person=parent)
    assert logged.get().params == {"representative_of": child.pk}
    # Then picked on the same page.
    data = {"representative": parent.iin, "relationship": PARENT, "document": passport.pk, "reason": "Shown"}
    assert registrar_client.post(add_url(child), data).status_code == 302
    assert LegalRepresentative.objects.get(child=child).document == passport


def test_re_adding_a_recorded_representative_says_so_and_links_to_the_record_to_change(
    registrar_client, link
):
    data = {"representative": link.representative.iin, "relationship": GUARDIAN, "reason": "again"}
    response = registrar_client.post(add_url(link.child), data)
    assert response.status_code == 200
    assert "already recorded as a legal representative" in str(response.context["form"].errors)
    assert edit_url(link) in response.content.decode()
    assert LegalRepresentative.objects.count() == 1


@pytest.fixture
def short_wait(monkeypatch):
    monkeypatch.setattr(patients.services, "PERSON_LOCK_TIMEOUT", "300ms")


@pytest.mark.django_db(transaction=True)
def test_a_new_document_waits_for_the_representatives_row_lock_and_writes_nothing_meanwhile(
    client, short_wait
):
    from ..factories import OrganizationFactory, staff_user

    clinic = OrganizationFactory()
    client.force_login(staff_user("registrar1", "registrar", clinic))
    child, parent = PersonFactory(born=datetime.date(2018, 5, 5)), PersonFactory()
    link = LegalRepresentative.objects.create(child=child, representative=parent, relationship=PARENT)
    data = edit_data(**{"new_document-kind": "id_card", "new_document-number": "0455"})
    with HeldPersonLock(parent):
        response = client.post(edit_url(link), data)
        assert response.status_code == 200
        assert BUSY in response.context["form"].non_field_errors()
    assert not IdentityDocument.objects.exists()
    assert client.post(edit_url(link), data).status_code == 302
    assert IdentityDocument.objects.get().person == parent
