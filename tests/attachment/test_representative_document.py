"""Seed 002 §9-1 and the product's rule for minors: a child is attached with a recorded legal
representative and the representative's identity document. The document picked or typed on the
representative's form (issue 19, item 3) is the one the attach rule then sees."""

import pytest
from django.urls import reverse

from attachment import rules
from attachment.models import Attachment
from patients.models import LegalRepresentative

from ..factories import DocumentFactory
from .test_refuse_on_purpose import child_of_representative, form_data, post_attach, reason_codes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("ref")]
DOCUMENTS = ["identity", "representative_identity"]


def edit_url(child):
    return reverse("patients:representative_edit", args=[LegalRepresentative.objects.get(child=child).pk])


def test_par9_1_a_document_typed_on_the_representatives_form_lets_the_child_be_attached(
    registrar_client, clinic1, district1, ref
):
    child, parent = child_of_representative(clinic1, representative_document=False)
    refused = post_attach(registrar_client, child, form_data(clinic1, ref[1], documents=DOCUMENTS))
    assert reason_codes(refused) == [rules.REPRESENTATIVE_WITHOUT_DOCUMENT]
    assert edit_url(child) in refused.content.decode()  # where it is fixed
    data = {
        "relationship": LegalRepresentative.Relationship.PARENT,
        "new_document-kind": "id_card",
        "new_document-number": "041234567",
        "reason": "Identity card shown",
    }
    assert registrar_client.post(edit_url(child), data).status_code == 302
    attached = post_attach(
        registrar_client, child, form_data(clinic1, ref[1], documents=DOCUMENTS, district=district1.pk)
    )
    assert attached.status_code == 302, attached.context and attached.context.get("reasons")
    assert Attachment.objects.filter(person=child, organization=clinic1).exists()


def test_par9_1_a_document_picked_on_the_representatives_form_is_named_by_the_representation(
    registrar_client, clinic1, ref
):
    child, parent = child_of_representative(clinic1, representative_document=False)
    passport = DocumentFactory(person=parent)
    data = {"relationship": "parent", "document": passport.pk, "reason": "Passport shown"}
    assert registrar_client.post(edit_url(child), data).status_code == 302
    assert LegalRepresentative.objects.get(child=child).document == passport
