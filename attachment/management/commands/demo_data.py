"""A deterministic demo: two clinics with districts, persons of every category, contracts,
attachments, and the demo staff. Running it again changes nothing."""

import datetime
import random

from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from attachment import selectors
from attachment.models import (
    Channel,
    District,
    Ground,
    IntegrationPeriod,
    Organization,
    PurchaseContract,
)
from attachment.reports.demo import load_demo_planning_values
from attachment.services import AttachmentRefused, application_receive, attachment_create, coupon_issue
from patients.access import AUDITOR, CLINIC_HEAD, REGISTRAR, RULES_ADMIN, roles_ensure
from patients.iin import make_iin
from patients.models import (
    Atu,
    IdentityDocument,
    InsuranceContract,
    InsuredStatusPeriod,
    Insurer,
    LegalCategory,
    LegalRepresentative,
    MigrantPurpose,
    Person,
    StaffProfile,
)

PASSWORD = "bekitu-demo"
REASON = "Demo data"

ORGANIZATIONS = [
    # bin, kk, ru, kato, purchase contract, integrated IS
    (
        "990140000011",
        "№1 қалалық емхана (демо)",
        "Городская поликлиника №1 (демо)",
        "751210000",
        True,
        True,
    ),
    (
        "990140000022",
        "№2 қалалық емхана (демо)",
        "Городская поликлиника №2 (демо)",
        "751310000",
        False,
        True,
    ),
    (
        "990140000033",
        "«Денсаулық» жеке клиникасы (демо)",
        "Частная клиника «Денсаулык» (демо)",
        "751410000",
        False,
        False,
    ),
]
SURNAMES = [
    ("Ахметов", "Ахметова"),
    ("Сапаров", "Сапарова"),
    ("Иванов", "Иванова"),
    ("Нұрланов", "Нұрланова"),
    ("Ким", "Ким"),
    ("Әбенов", "Әбенова"),
    ("Үсенов", "Үсенова"),
    ("Петров", "Петрова"),
]
# The PHC specialist of each district: a person's name reads the same in Kazakh and Russian.
SPECIALISTS = [
    "Ахметова Гүлнар Серікқызы",
    "Иванова Ольга Петровна",
    "Сейітов Ерлан Маратұлы",
    "Ким Мария Владимировна",
    "Жұмабаева Дана Ержанқызы",
    "Нұрланов Тимур Асқарұлы",
    "Смагулова Айгүл Бекқызы",
]
MALE_NAMES = ["Ерлан", "Асхат", "Дмитрий", "Нұрсұлтан", "Тимур", "Әлихан", "Бауыржан", "Санжар"]
FEMALE_NAMES = ["Айгүл", "Мария", "Әсел", "Гүлнар", "Жанар", "Ольга", "Дана", "Айым"]
CITIZENSHIP = {1: "KZ", 2: "UZ", 3: "AF", 4: "RU", 5: "", 6: "KG", 7: "", 8: "SY"}


class Command(BaseCommand):
    help = "Create the deterministic demo (clinics, districts, persons, contracts, attachments, users)."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=240)
        parser.add_argument("--seed", type=int, default=2026)

    @transaction.atomic
    def handle(self, *args, persons, seed, **options):
        roles_ensure()
        rng = random.Random(seed)
        orgs = self._organizations()
        users = self._users(orgs)
        if Person.objects.filter(residence_address__startswith="Демо").exists():
            self.stdout.write("demo persons exist already: nothing to add")
        else:
            self._persons(rng, persons, orgs, users["registrar1"])
        load_demo_planning_values()
        self.stdout.write(
            self.style.SUCCESS(
                "Demo logins (password bekitu-demo): admin, registrar1, registrar2, head1, auditor"
            )
        )

    def _organizations(self):
        orgs = []
        for bin_, kk, ru, kato, purchase, integrated in ORGANIZATIONS:
            atu = Atu.objects.get(kato=kato)
            org, created = Organization.objects.get_or_create(
                bin=bin_,
                defaults={
                    "name_kk": kk,
                    "name_ru": ru,
                    "atu": atu,
                    "is_state": purchase,
                    "address": f"Алматы қ., Абай даңғылы, {10 + len(orgs) * 12}",
                    "phone": f"+7 727 300 {10 + len(orgs):02d} {40 + len(orgs):02d}",
                },
            )
            if created:
                if purchase:
                    PurchaseContract.objects.create(
                        organization=org,
                        number=f"ФСМС-{bin_[-4:]}",
                        valid_from=datetime.date(2024, 1, 1),
                    )
                if integrated:
                    IntegrationPeriod.objects.create(
                        organization=org,
                        system_name="Damumed",
                        valid_from=datetime.date(2023, 1, 1),
                    )
                for code, kind in (
                    ("01", District.Kind.GENERAL_PRACTICE),
                    ("02", District.Kind.THERAPEUTIC),
                    ("03", District.Kind.PAEDIATRIC),
                ):
                    District.objects.create(
                        organization=org,
                        code=code,
                        kind=kind,
                        atu=atu,
                        capacity=60 if code != "03" else 40,
                        specialist=SPECIALISTS[(org.pk + int(code)) % len(SPECIALISTS)],
                    )
            orgs.append(org)
        return orgs

    def _users(self, orgs):
        spec = {
            "admin": (RULES_ADMIN, None, True, ("Ерлан", "Сейітов")),
            "registrar1": (REGISTRAR, orgs[0], False, ("Айгүл", "Нұрланова")),
            "registrar2": (REGISTRAR, orgs[1], False, ("Мария", "Ким")),
            "head1": (CLINIC_HEAD, orgs[0], False, ("Бауыржан", "Ахметов")),
            "auditor": (AUDITOR, None, False, ("Ольга", "Петрова")),
        }
        users = {}
        for username, (role, org, superuser, (first_name, last_name)) in spec.items():
            user, created = User.objects.get_or_create(username=username)
            if created:
                user.first_name, user.last_name = first_name, last_name
                user.set_password(PASSWORD)
                user.is_superuser = superuser
                user.is_staff = role in (RULES_ADMIN, AUDITOR)
                user.save()
                user.groups.add(Group.objects.get(name=role))
                StaffProfile.objects.create(user=user, organization=org)
            users[username] = user
        return users

    def _persons(self, rng, count, orgs, registrar):
        insurer, _ = Insurer.objects.get_or_create(name="Демо Сақтандыру АҚ")
        today = datetime.date.today()
        used, people = set(), []
        while len(people) < count:
            category = LegalCategory.values[len(people) % 8]
            sex = rng.choice("MF")
            age_days = rng.randint(0, 85 * 365)
            birth = today - datetime.timedelta(days=age_days)
            iin = make_iin(birth, sex, rng.randint(0, 9999))
            if iin is None or iin in used:
                continue
            used.add(iin)
            surname = rng.choice(SURNAMES)[0 if sex == "M" else 1]
            people.append(
                Person(
                    iin=iin,
                    last_name=surname,
                    first_name=rng.choice(MALE_NAMES if sex == "M" else FEMALE_NAMES),
                    birth_date=birth,
                    sex=sex,
                    category=category,
                    citizenship=CITIZENSHIP[category],
                    migrant_purpose=MigrantPurpose.WORK if category >= 6 else None,
                    residence_atu=orgs[len(people) % 2].atu,
                    residence_address=f"Демо, ул. Абая, {len(people) + 1}",
                )
            )
        people = bulk_create_with_history(
            people, Person, default_user=registrar, default_change_reason=REASON
        )
        people = list(Person.objects.filter(iin__in=used).order_by("id"))
        docs, insured, contracts = [], [], []
        for i, person in enumerate(people):
            kind = (
                IdentityDocument.Kind.FOREIGN_PASSPORT
                if person.category >= 4
                else IdentityDocument.Kind.ID_CARD
            )
            docs.append(IdentityDocument(person=person, kind=kind, number=f"D{person.iin}"))
            if person.category <= 5 and i % 3:
                insured.append(InsuredStatusPeriod(person=person, valid_from=datetime.date(2024, 1, 1)))
            if person.category >= 6 and i % 4:
                contracts.append(
                    InsuranceContract(
                        kind=InsuranceContract.Kind.IMI if i % 2 else InsuranceContract.Kind.VMI,
                        insurer=insurer,
                        number=f"DEMO-{i:05d}",
                        holder_employer="ТОО «Демо Құрылыс»",
                        insured=person,
                        valid_from=today - datetime.timedelta(days=90),
                        valid_to=today + datetime.timedelta(days=275),
                        organization=orgs[i % 2],
                    )
                )
        bulk_create_with_history(docs, IdentityDocument, default_user=registrar, default_change_reason=REASON)
        bulk_create_with_history(
            insured, InsuredStatusPeriod, default_user=registrar, default_change_reason=REASON
        )
        bulk_create_with_history(
            contracts, InsuranceContract, default_user=registrar, default_change_reason=REASON
        )
        # Minors get a representative: the previous adult in the list.
        adults = [p for p in people if not p.is_minor_on(today)]
        reps = []
        for person in people:
            if person.is_minor_on(today) and adults:
                reps.append(
                    LegalRepresentative(
                        child=person,
                        representative=adults[person.pk % len(adults)],
                        relationship=LegalRepresentative.Relationship.PARENT,
                    )
                )
        bulk_create_with_history(
            reps, LegalRepresentative, default_user=registrar, default_change_reason=REASON
        )
        self._attachments(people, orgs, registrar, today)

    def _attachments(self, people, orgs, registrar, today):
        """Attachments made through the attach service, so the demo obeys every rule."""
        grounds = {g.code: g for g in Ground.objects.all()}
        contracts = {c.insured_id: c for c in InsuranceContract.objects.filter(insured__in=people)}
        districts = {org.pk: list(org.districts.all()) for org in orgs}
        book, atus = selectors.rule_book(), selectors.AtuIndex()
        attached, refused = 0, {}
        for i, person in enumerate(people):
            org = orgs[i % 2]
            if person.category >= 6:
                contract = contracts.get(person.pk)
                if contract is None:
                    continue
                request = {
                    "organization": contract.organization,
                    "district": districts[contract.organization_id][0],
                    "ground": grounds[4],
                    "channel": Channel.INSURER,
                    "contract": contract,
                    "on": contract.valid_from,
                }
            elif i % 7:
                request = {
                    "organization": org,
                    "district": districts[org.pk][2 if person.is_minor_on(today) else i % 2],
                    "ground": grounds[2 if i % 3 else 1],
                    "channel": Channel.CLINIC if i % 2 else Channel.EGOV,
                    "on": today - datetime.timedelta(days=30 + i),
                }
            else:
                continue
            try:
                attachment = attachment_create(
                    person=person, user=registrar, reason=REASON, book=book, atus=atus, **request
                )
            except AttachmentRefused as error:
                refused[error.code] = refused.get(error.code, 0) + 1
                continue
            attached += 1
            if i % 5 == 0:
                coupon_issue(attachment=attachment, on=today, user=registrar)
        # A few applications waiting in the queue (one overdue) for the registrar's page.
        waiting = [p for i, p in enumerate(people) if i % 7 == 0 and p.category <= 5][:3]
        now = timezone.now()
        for n, person in enumerate(waiting):
            application_receive(
                person=person,
                organization=orgs[0],
                ground=grounds[1],
                channel=Channel.EGOV,
                requested_on=today,
                received_at=now - datetime.timedelta(days=3 if n == 0 else 0, hours=n),
                documents=["egov_request"],
                user=registrar,
            )
        self.stdout.write(f"attachments: attached={attached} refused={refused or 0} waiting={len(waiting)}")
