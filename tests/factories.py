"""factory-boy factories shared by all tests."""

import datetime
import itertools

import factory
from django.contrib.auth.models import Group, User

from attachment.models import District, Ground, IntegrationPeriod, Organization, PurchaseContract
from patients.iin import make_iin
from patients.models import (
    Atu,
    IdentityDocument,
    InsuranceContract,
    Insurer,
    LegalCategory,
    Person,
    StaffProfile,
)

_serials = itertools.count(1)
_LETTERS = "абвгдежзиклмнопрстуфхцчшэюя"


def letters(n: int) -> str:
    """A distinct letters-only suffix for sequence number n (names may not contain digits)."""
    text = ""
    while True:
        n, digit = divmod(n, len(_LETTERS))
        text = _LETTERS[digit] + text
        if n == 0:
            return text


def fresh_iin(birth_date=datetime.date(1990, 11, 23), sex="M") -> str:
    while True:
        iin = make_iin(birth_date, sex, next(_serials) % 10000)
        if iin and not Person.objects.filter(iin=iin).exists():
            return iin


class AtuFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Atu
        django_get_or_create = ["kato"]

    kato = factory.Sequence(lambda n: f"75{n % 999 + 1:03d}0000")
    name_kk = factory.Sequence(lambda n: f"Аудан {n}")
    name_ru = factory.Sequence(lambda n: f"Район {n}")
    level = Atu.Level.CITY_DISTRICT


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        skip_postgeneration_save = True

    bin = factory.Sequence(lambda n: f"{990000000000 + n:012d}")
    name_kk = factory.Sequence(lambda n: f"Емхана {n}")
    name_ru = factory.Sequence(lambda n: f"Поликлиника {n}")
    atu = factory.SubFactory(AtuFactory)

    @factory.post_generation
    def may_attach(self, create, extracted, **kwargs):
        """By default an organization holds a Fund purchase contract and an integrated system."""
        if create and extracted is not False:
            PurchaseContract.objects.create(organization=self, valid_from=datetime.date(2020, 1, 1))
            IntegrationPeriod.objects.create(organization=self, valid_from=datetime.date(2020, 1, 1))


class DistrictFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = District

    organization = factory.SubFactory(OrganizationFactory)
    code = factory.Sequence(lambda n: f"{n:02d}")
    kind = District.Kind.GENERAL_PRACTICE
    atu = factory.SelfAttribute("organization.atu")
    capacity = 100


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    class Params:
        born = datetime.date(1990, 11, 23)

    sex = "M"
    birth_date = factory.SelfAttribute("born")
    iin = factory.LazyAttribute(lambda o: fresh_iin(o.born, o.sex))
    last_name = "Ахметов"
    first_name = factory.Sequence(lambda n: f"Ерлан{letters(n)}")
    category = LegalCategory.CITIZEN
    citizenship = "KZ"
    residence_atu = factory.SubFactory(AtuFactory)


class DocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IdentityDocument

    person = factory.SubFactory(PersonFactory)
    kind = IdentityDocument.Kind.ID_CARD
    number = factory.Sequence(lambda n: f"N{n:09d}")


class InsurerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Insurer

    name = factory.Sequence(lambda n: f"Insurer {n}")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = InsuranceContract

    kind = InsuranceContract.Kind.IMI
    insurer = factory.SubFactory(InsurerFactory)
    number = factory.Sequence(lambda n: f"C-{n:06d}")
    insured = factory.SubFactory(PersonFactory, category=LegalCategory.TEMPORARY_FOREIGNER, citizenship="UZ")
    holder_person = factory.SelfAttribute("insured")
    valid_from = datetime.date(2026, 1, 1)
    valid_to = datetime.date(2026, 12, 31)
    organization = factory.SubFactory(OrganizationFactory)


def grounds() -> dict[int, Ground]:
    from attachment.reference_data import load

    load()
    return {g.code: g for g in Ground.objects.all()}


def staff_user(username: str, role: str, organization=None, **extra) -> User:
    from patients.access import roles_ensure

    roles_ensure()
    user = User.objects.create_user(username=username, password="x-test-password-1", **extra)
    user.groups.add(Group.objects.get(name=role))
    StaffProfile.objects.create(user=user, organization=organization)
    return User.objects.get(pk=user.pk)  # fresh permission cache
