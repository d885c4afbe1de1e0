"""Merging two records of one person and replacing an IIN (issue 20 item 3): every record moves to
the survivor with its history, one attachment per date is never broken (the merge is refused with
the reason, nothing written), the retired IIN leads to the survivor and never names anyone else."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from attachment.models import Application, Attachment, Coupon, Refusal
from coverage.models import ServiceUsage
from patients.access import CLINIC_HEAD
from patients.iin import make_iin
from patients.models import (
    ContingentFlag,
    FamilyLink,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    LegalRepresentative,
    Person,
    PersonAccessLog,
    RetiredIin,
)
from patients.selectors import likely_duplicates, person_search
from patients.services import (
    MERGE_REFERENCES,
    person_create,
    person_merge,
    person_references,
    person_replace_iin,
)

from ..factories import (
    ContractFactory,
    DistrictFactory,
    DocumentFactory,
    PersonFactory,
    fresh_iin,
    grounds,
    staff_user,
)

pytestmark = pytest.mark.django_db

REASON = "One person registered twice"


def attach(person, organization, valid_from, valid_to=None, district=None):
    return Attachment.objects.create(
        person=person,
        organization=organization,
        district=district or DistrictFactory(organization=organization),
        ground=grounds()[1],
        channel="clinic",
        valid_from=valid_from,
        valid_to=valid_to,
    )


def latest_history(row):
    return type(row).history.filter(id=row.pk).order_by("-history_date", "-history_id").first()


def test_every_reference_to_a_person_is_named_in_the_merge_rules():
    """A new foreign key to a person in any app must say whether a merge moves it."""
    assert set(person_references()) == set(MERGE_REFERENCES)


def test_a_merge_moves_every_kind_of_record_to_the_survivor_with_its_history(world, rules_admin):
    retired = world["patients.Person"]
    survivor = PersonFactory(last_name=retired.last_name, first_name=retired.first_name)
    insured_elsewhere = ContractFactory()
    insured_elsewhere.family_members.add(retired)
    own_representative = PersonFactory()
    LegalRepresentative.objects.create(
        child=retired, representative=own_representative, relationship="guardian"
    )
    earlier = RetiredIin.objects.create(
        iin=fresh_iin(),
        kind=RetiredIin.Kind.REPLACED,
        survivor=retired,
        survivor_iin=retired.iin,
        user=rules_admin,
        reason="adoption",
    )
    contract = ContractFactory(insured=retired, holder_person=retired)
    moved = {
        "document": world["patients.IdentityDocument"],
        "representative of the child": world["patients.LegalRepresentative"],
        "own representative": LegalRepresentative.objects.get(child=retired),
        "family link of the child": world["patients.FamilyLink"],
        "contingent": world["patients.ContingentFlag"],
        "insured period": world["patients.InsuredStatusPeriod"],
        "contract": contract,
        "family member's contract": insured_elsewhere,
        "attachment": world["attachment.Attachment"],
        "service usage": world["coverage.ServiceUsage"],
        "earlier IIN": earlier,
    }
    PersonAccessLog.objects.create(user=rules_admin, person=retired, view_name="patients:person_detail")
    retired_iin = retired.iin

    link = person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)

    assert (
        link.iin,
        link.kind,
        link.survivor,
        link.survivor_iin,
        link.retired_person,
        link.user,
        link.reason,
    ) == (
        retired_iin,
        RetiredIin.Kind.MERGED,
        survivor,
        survivor.iin,
        retired,
        rules_admin,
        REASON,
    )
    assert IdentityDocument.objects.get(pk=moved["document"].pk).person == survivor
    assert (
        LegalRepresentative.objects.get(pk=moved["representative of the child"].pk).representative == survivor
    )
    assert LegalRepresentative.objects.get(pk=moved["own representative"].pk).child == survivor
    assert FamilyLink.objects.get(pk=moved["family link of the child"].pk).relative == survivor
    assert ContingentFlag.objects.get(pk=moved["contingent"].pk).person == survivor
    assert InsuredStatusPeriod.objects.get(pk=moved["insured period"].pk).person == survivor
    contract.refresh_from_db()
    assert (contract.insured, contract.holder_person) == (survivor, survivor)
    assert list(insured_elsewhere.family_members.all()) == [survivor]
    assert Attachment.objects.get(pk=moved["attachment"].pk).person == survivor
    assert Coupon.objects.get(attachment=moved["attachment"]).attachment.person == survivor
    assert ServiceUsage.objects.get(pk=moved["service usage"].pk).person == survivor
    assert RetiredIin.objects.get(pk=earlier.pk).survivor == survivor
    # The child's application and refusal name the child: unchanged; the retired person's would move.
    assert (
        Application.objects.filter(person=retired).count()
        == Refusal.objects.filter(person=retired).count()
        == 0
    )
    expected = f"Merge into {survivor.iin}: {REASON}"
    for what, row in moved.items():
        entry = latest_history(row)
        assert (entry.history_user, entry.history_change_reason) == (rules_admin, expected), what
    # The retired record stays, unchanged, with who saw it; nothing else names it.
    kept = Person.objects.get(pk=retired.pk)
    assert kept.iin == retired_iin and kept.retirement == link
    assert PersonAccessLog.objects.filter(person=retired).exists()
    assert latest_history(kept).history_change_reason == expected
    for label, field in person_references().items():
        if MERGE_REFERENCES[label] == "move":
            assert not field.model._default_manager.filter(**{field.name: retired.pk}).exists(), label


def test_a_link_the_survivor_already_has_is_deleted_with_its_history_instead_of_doubled(world, rules_admin):
    retired = world["patients.Person"]
    child = world["patients.LegalRepresentative"].child
    survivor = PersonFactory()
    already = LegalRepresentative.objects.create(child=child, representative=survivor, relationship="parent")
    doubled = world["patients.LegalRepresentative"]
    person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)
    assert list(LegalRepresentative.objects.filter(child=child)) == [already]
    deletion = LegalRepresentative.history.filter(id=doubled.pk, history_type="-").get()
    assert deletion.history_user == rules_admin


def test_a_merge_into_a_child_of_the_retired_record_drops_the_link_to_themself(world, rules_admin):
    retired = world["patients.Person"]
    child = world["patients.LegalRepresentative"].child
    person_merge(survivor=child, retired=retired, user=rules_admin, reason=REASON)
    assert not LegalRepresentative.objects.filter(child=child, representative=child).exists()
    assert not FamilyLink.objects.filter(person=child, relative=child).exists()


def snapshot():
    """Every row a merge could change, as it is."""
    return [
        list(model.objects.order_by("pk").values())
        for model in (
            Person,
            IdentityDocument,
            LegalRepresentative,
            FamilyLink,
            InsuredStatusPeriod,
            InsuranceContract,
            Attachment,
            RetiredIin,
            Person.history.model,
            Attachment.history.model,
        )
    ]


def test_a_merge_that_would_give_two_attachments_on_one_date_is_refused_and_changes_nothing(
    clinic1, clinic2, rules_admin
):
    """One attachment per IIN on any date (§4): checked under the locks, before anything moves."""
    survivor, retired = PersonFactory(), PersonFactory()
    DocumentFactory(person=retired)
    attach(survivor, clinic1, datetime.date(2026, 1, 1))
    attach(retired, clinic2, datetime.date(2025, 6, 1), datetime.date(2026, 1, 1))  # one day in common
    before = snapshot()
    with pytest.raises(ValidationError) as refused:
        person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)
    assert "The attachments overlap: 01.06.2025–01.01.2026" in refused.value.messages[0]
    assert "A person is attached to one organization on any date" in refused.value.messages[0]
    assert snapshot() == before


def test_periods_that_follow_each_other_merge(clinic1, clinic2, rules_admin):
    survivor, retired = PersonFactory(), PersonFactory()
    attach(survivor, clinic1, datetime.date(2026, 1, 2))
    earlier = attach(retired, clinic2, datetime.date(2025, 6, 1), datetime.date(2026, 1, 1))
    InsuredStatusPeriod.objects.create(person=survivor, valid_from=datetime.date(2025, 1, 1))
    twin = InsuredStatusPeriod.objects.create(person=retired, valid_from=datetime.date(2025, 1, 1))
    person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)
    assert Attachment.objects.get(pk=earlier.pk).person == survivor
    assert InsuredStatusPeriod.objects.filter(person=survivor).count() == 1  # the same period once
    assert not InsuredStatusPeriod.objects.filter(pk=twin.pk).exists()


def test_overlapping_insured_periods_refuse_the_merge(rules_admin):
    survivor, retired = PersonFactory(), PersonFactory()
    InsuredStatusPeriod.objects.create(person=survivor, valid_from=datetime.date(2025, 1, 1))
    InsuredStatusPeriod.objects.create(person=retired, valid_from=datetime.date(2025, 3, 1))
    with pytest.raises(ValidationError, match="The insured periods overlap"):
        person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)
    assert not RetiredIin.objects.exists()


@pytest.mark.parametrize(
    "survivor_died, retired_died",
    [(datetime.date(2026, 1, 1), datetime.date(2026, 2, 1)), (None, datetime.date(2026, 2, 1))],
)
def test_records_that_disagree_on_the_death_are_not_merged(rules_admin, survivor_died, retired_died):
    survivor = PersonFactory(date_of_death=survivor_died)
    retired = PersonFactory(date_of_death=retired_died)
    with pytest.raises(ValidationError, match="do not agree on the death"):
        person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)


def test_a_retired_record_is_merged_only_once_and_its_iin_then_leads_on(rules_admin):
    first, second, third = PersonFactory(), PersonFactory(), PersonFactory()
    person_merge(survivor=second, retired=first, user=rules_admin, reason=REASON)
    with pytest.raises(ValidationError, match="was merged into another one already"):
        person_merge(survivor=third, retired=first, user=rules_admin, reason=REASON)
    person_merge(survivor=third, retired=second, user=rules_admin, reason=REASON)
    assert [p.pk for p in person_search(iin=first.iin)] == [third.pk]
    assert [p.pk for p in person_search(iin=second.iin)] == [third.pk]


def test_search_by_a_merged_iin_opens_the_survivor_and_says_so(client, registrar1, rules_admin):
    survivor = PersonFactory(last_name="Сейтказиева", first_name="Айгерим", sex="F")
    retired = PersonFactory(last_name="Сейтказиева", first_name="Айгерим", sex="F")
    person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)
    client.force_login(registrar1)
    response = client.post(reverse("patients:search"), {"iin": retired.iin}, follow=True)
    assert response.redirect_chain == [(reverse("patients:person_detail", args=[survivor.pk]), 302)]
    assert f"The IIN {retired.iin} was merged into {survivor.iin}." in response.content.decode()
    # Name search and likely duplicates list the survivor only.
    assert person_search(name="Сейтказиева Айгерим") == [survivor]
    assert [
        d.person
        for d in likely_duplicates(
            last_name="Сейтказиева", first_name="Айгерим", birth_date=survivor.birth_date
        )
    ] == [survivor]


def test_the_retired_record_shows_where_it_went(client, registrar1, rules_admin):
    survivor, retired = PersonFactory(), PersonFactory()
    person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)
    client.force_login(registrar1)
    page = client.get(reverse("patients:person_detail", args=[retired.pk])).content.decode()
    assert f"was merged into the record with the IIN {survivor.iin}" in page
    assert reverse("patients:person_edit", args=[retired.pk]) not in page


# Pages and who may use them.


def test_a_clinic_head_merges_their_organizations_records_through_the_confirmation_page(
    client, clinic1, head1
):
    survivor, retired = PersonFactory(), PersonFactory()
    attach(survivor, clinic1, datetime.date(2026, 1, 1))
    DocumentFactory(person=retired)
    client.force_login(head1)
    url = reverse("patients:person_merge", args=[survivor.pk, retired.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert ("identity documents", "person", 1) in [(str(a), str(b), c) for a, b, c in page.context["moves"]]
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 302
    assert RetiredIin.objects.get().retired_person == retired


def test_the_start_page_offers_the_likely_duplicates_and_goes_to_the_confirmation(client, rules_admin):
    survivor = PersonFactory(last_name="Жумабаев", first_name="Ерлан")
    retired = PersonFactory(last_name="Жумабаев", first_name="Ерлан")
    client.force_login(rules_admin)
    page = client.get(reverse("patients:person_merge_start", args=[survivor.pk]))
    assert [d.person for d in page.context["duplicates"]] == [retired]
    response = client.post(
        reverse("patients:person_merge_start", args=[survivor.pk]),
        {"other_iin": retired.iin, "survivor": "other"},
    )
    assert response.url == reverse("patients:person_merge", args=[retired.pk, survivor.pk])


def test_a_refused_merge_shows_the_reason_on_the_page(client, clinic1, clinic2, rules_admin):
    survivor, retired = PersonFactory(), PersonFactory()
    attach(survivor, clinic1, datetime.date(2026, 1, 1))
    attach(retired, clinic2, datetime.date(2026, 2, 1))
    client.force_login(rules_admin)
    url = reverse("patients:person_merge", args=[survivor.pk, retired.pk])
    assert "The attachments overlap" in client.get(url).content.decode()
    response = client.post(url, {"reason": REASON})
    assert response.status_code == 200 and "The attachments overlap" in response.content.decode()
    assert not RetiredIin.objects.exists()


def test_a_registrar_may_not_merge(client, clinic1, registrar1):
    survivor, retired = PersonFactory(), PersonFactory()
    attach(survivor, clinic1, datetime.date(2026, 1, 1))
    client.force_login(registrar1)
    url = reverse("patients:person_merge", args=[survivor.pk, retired.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": REASON}).status_code == 403
    assert client.post(reverse("patients:person_replace_iin", args=[survivor.pk]), {}).status_code == 403
    assert not RetiredIin.objects.exists()


def test_the_head_of_another_clinic_may_not_merge_or_replace_the_iin(client, clinic1, clinic2, head1):
    head2 = staff_user("head2", CLINIC_HEAD, clinic2)
    survivor, retired = PersonFactory(), PersonFactory()
    attach(survivor, clinic1, datetime.date(2026, 1, 1))
    client.force_login(head2)
    url = reverse("patients:person_merge", args=[survivor.pk, retired.pk])
    assert client.post(url, {"reason": REASON}).status_code == 403
    new_iin = fresh_iin(survivor.birth_date)
    replace = reverse("patients:person_replace_iin", args=[survivor.pk])
    assert client.post(replace, {"new_iin": new_iin, "reason": REASON}).status_code == 403
    # Nor may a head merge records that nobody attached to their clinic.
    client.force_login(head1)
    other = PersonFactory()
    assert client.get(reverse("patients:person_merge", args=[other.pk, retired.pk])).status_code == 403
    assert not RetiredIin.objects.exists()


# Replacing an IIN.


def test_a_replaced_iin_is_kept_and_leads_to_the_person(rules_admin):
    person = PersonFactory()
    old = person.iin
    new = fresh_iin(person.birth_date)
    link = person_replace_iin(person=person, new_iin=new, user=rules_admin, reason="Adopted, new IIN issued")
    person.refresh_from_db()
    assert person.iin == new
    assert (link.iin, link.kind, link.survivor, link.survivor_iin, link.retired_person) == (
        old,
        RetiredIin.Kind.REPLACED,
        person,
        new,
        None,
    )
    entry = latest_history(person)
    assert entry.history_user == rules_admin
    assert entry.history_change_reason == f"IIN {old} replaced by {new}: Adopted, new IIN issued"
    assert [(p.pk, p.retired_as) for p in person_search(iin=old)] == [(person.pk, RetiredIin.Kind.REPLACED)]
    with pytest.raises(ValidationError, match=f"The IIN {old} was replaced by {new}"):
        person_create(user=rules_admin, reason="new", **_fields_with_iin(old, person))


def _fields_with_iin(iin, like):
    return {
        "iin": iin,
        "last_name": "Другой",
        "first_name": "Человек",
        "birth_date": like.birth_date,
        "sex": like.sex,
        "category": like.category,
        "citizenship": "KZ",
    }


def test_a_new_iin_with_a_wrong_check_digit_or_of_another_person_is_refused(rules_admin):
    person, other = PersonFactory(), PersonFactory()
    valid = fresh_iin(person.birth_date)
    wrong = valid[:11] + str((int(valid[11]) + 1) % 10)
    for new_iin, message in (
        (wrong, "check digit"),
        (other.iin, "already in the register"),
        (person.iin, "already"),
    ):
        with pytest.raises(ValidationError) as refused:
            person_replace_iin(person=person, new_iin=new_iin, user=rules_admin, reason="x")
        assert message in " ".join(refused.value.message_dict["new_iin"])
    person.refresh_from_db()
    assert not RetiredIin.objects.exists() and person.iin != wrong


def test_the_replace_iin_page_for_a_clinic_head(client, clinic1, head1):
    person = PersonFactory()
    attach(person, clinic1, datetime.date(2026, 1, 1))
    new = fresh_iin(person.birth_date)
    client.force_login(head1)
    url = reverse("patients:person_replace_iin", args=[person.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"new_iin": new, "reason": "Adoption"}).status_code == 302
    assert Person.objects.get(pk=person.pk).iin == new


# The database itself.


def test_the_database_refuses_a_retired_iin_for_another_person(rules_admin):
    person = PersonFactory()
    old = person.iin
    person_replace_iin(person=person, new_iin=fresh_iin(person.birth_date), user=rules_admin, reason="x")
    with pytest.raises(IntegrityError, match="retired"), transaction.atomic():
        PersonFactory(iin=old)
    with pytest.raises(IntegrityError, match="retired"), transaction.atomic():
        Person.objects.filter(pk=PersonFactory().pk).update(iin=old)


def test_the_database_refuses_a_retired_iin_that_a_live_person_holds(rules_admin):
    survivor, live = PersonFactory(), PersonFactory()
    with (
        pytest.raises(IntegrityError, match="retired IIN cannot be the IIN of a live person"),
        transaction.atomic(),
    ):
        RetiredIin.objects.create(
            iin=live.iin,
            kind="replaced",
            survivor=survivor,
            survivor_iin=survivor.iin,
            user=rules_admin,
            reason="x",
        )
    with pytest.raises(IntegrityError, match="retirediin_merged_has_record"), transaction.atomic():
        RetiredIin.objects.create(
            iin=make_iin(datetime.date(1980, 1, 1), "M", 1),
            kind="merged",
            survivor=survivor,
            survivor_iin=survivor.iin,
            user=rules_admin,
            reason="x",
        )


def test_a_retired_record_is_not_attached(clinic1, district1, rules_admin):
    from attachment.services import attachment_create

    survivor, retired = PersonFactory(), PersonFactory()
    person_merge(survivor=survivor, retired=retired, user=rules_admin, reason=REASON)
    with pytest.raises(ValidationError, match="attach the surviving record"):
        attachment_create(
            person=retired,
            organization=clinic1,
            district=district1,
            ground=grounds()[1],
            on=datetime.date(2026, 3, 2),
            channel="clinic",
            user=rules_admin,
            reason="x",
        )
    assert not Attachment.objects.filter(person=retired).exists()
