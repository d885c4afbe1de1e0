"""Eight concurrent clients attaching and re-attaching an overlapping set of people for 60 s.

`make bench BENCH=load`; BENCH_SECONDS, BENCH_CLIENTS, BENCH_PERSONS change the load. Every client
is a thread with its own database connection calling `attachment_create` on random people of a
shared set, at random organizations, on dates that move forward (so re-attaching ends the
previous attachment, §4, or is refused by the rules). Prints attachments per second and checks
the invariants afterwards (tests/attachment/test_load.py runs the same for a few seconds).
The data is left in the throwaway benchmark database.
"""

import datetime
import os
import random
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import connection, connections

from attachment.models import Attachment, Channel, Ground, Organization, PurchaseContract, RefusalReason
from attachment.services import AttachmentRefused, attachment_create
from patients.iin import make_iin
from patients.models import Atu, IdentityDocument, LegalCategory, Person

START = datetime.date(2026, 3, 2)  # a Monday outside the campaign
ATU_KATO = "751210000"  # Almaly district of Almaty: every organization and person live there
NAMES = ["Асан", "Ерлан", "Данияр", "Нұрлан", "Бауыржан", "Тимур", "Айдос", "Руслан"]


@dataclass
class LoadResult:
    seconds: float = 0.0
    attached: int = 0
    refused: Counter = field(default_factory=Counter)  # reason code -> count
    refused_without_code: int = 0
    errors: list[str] = field(default_factory=list)  # anything but an attachment or a refusal

    @property
    def requests(self) -> int:
        return self.attached + sum(self.refused.values()) + self.refused_without_code + len(self.errors)


def world(*, persons: int, organizations: int, tag: str) -> tuple[list[Person], list[Organization]]:
    """People and organizations of one ATU, new for this run (`tag` keeps IINs and BINs apart)."""
    atu = Atu.objects.get(kato=ATU_KATO)
    orgs = []
    for index in range(organizations):
        org = Organization.objects.create(
            bin=f"98{tag}{index:06d}", name_kk=f"Жүктеме {index}", name_ru=f"Нагрузка {index}", atu=atu
        )
        PurchaseContract.objects.create(organization=org, valid_from=datetime.date(2020, 1, 1))
        orgs.append(org)
    people = []
    for index in range(persons):
        born = datetime.date(1980, 1, 1) + datetime.timedelta(days=index)
        serial = int(tag)
        while (iin := make_iin(born, "M", serial % 10000)) is None:
            serial += 1
        person = Person.objects.create(
            iin=iin,
            last_name="Нагрузкин",
            first_name=NAMES[index % len(NAMES)],
            birth_date=born,
            sex="M",
            category=LegalCategory.CITIZEN,
            residence_atu=atu,
        )
        IdentityDocument.objects.create(person=person, kind=IdentityDocument.Kind.ID_CARD, number=f"ID{iin}")
        people.append(person)
    return people, orgs


def hammer(*, people, organizations, clients: int, seconds: float, seed: int = 7) -> LoadResult:
    """`clients` threads attach random people to random organizations until `seconds` pass."""
    ground = Ground.objects.get(code=1)  # free choice of organization
    result, lock = LoadResult(), threading.Lock()
    barrier = threading.Barrier(clients)
    step = [0]  # a shared clock of attachment dates: each request asks a day at or after the last

    def client(number: int):
        rng = random.Random(seed * 100 + number)
        try:
            barrier.wait(timeout=30)
            deadline = time.monotonic() + seconds
            while time.monotonic() < deadline:
                with lock:
                    step[0] += 1
                    on = START + datetime.timedelta(days=step[0] // 4)
                try:
                    attachment_create(
                        person=rng.choice(people),
                        organization=rng.choice(organizations),
                        ground=ground,
                        on=on,
                        channel=Channel.CLINIC,
                        user=None,
                        reason="load",
                    )
                except AttachmentRefused as refused:
                    with lock:
                        if refused.code:
                            result.refused[refused.code] += 1
                        else:
                            result.refused_without_code += 1
                except Exception as error:  # every other outcome is a failure to report
                    with lock:
                        result.errors.append(f"{type(error).__name__}: {error}")
                else:
                    with lock:
                        result.attached += 1
        finally:
            connections.close_all()

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=seconds + 120)
    result.seconds = time.perf_counter() - started
    return result


def invariant_violations(people) -> list[str]:
    """Overlapping attachments of one person, attachments without their + history row, ends
    without their ~ history row. Empty when all is well."""
    ids = [p.pk for p in people]
    found = []
    with connection.cursor() as cursor:
        cursor.execute(
            """
            SELECT a.person_id, a.id, b.id FROM attachment_attachment a
            JOIN attachment_attachment b ON a.person_id = b.person_id AND a.id < b.id
             AND daterange(a.valid_from, a.valid_to, '[]') && daterange(b.valid_from, b.valid_to, '[]')
            WHERE a.person_id = ANY(%s)
            """,
            [ids],
        )
        found += [f"person {p}: attachments {a} and {b} overlap" for p, a, b in cursor.fetchall()]
    history = Attachment.history.model.objects.filter(person_id__in=ids)
    created = Counter(history.filter(history_type="+").values_list("id", flat=True))
    ended = set(history.filter(history_type="~", valid_to__isnull=False).values_list("id", "valid_to"))
    for attachment in Attachment.objects.filter(person_id__in=ids):
        if created[attachment.pk] != 1:
            found.append(f"attachment {attachment.pk}: {created[attachment.pk]} creation history rows")
        if attachment.valid_to is not None and (attachment.pk, attachment.valid_to) not in ended:
            found.append(f"attachment {attachment.pk}: its end on {attachment.valid_to} has no history row")
    return found


def unknown_reason_codes(result: LoadResult) -> set[str]:
    return set(result.refused) - set(RefusalReason.objects.values_list("code", flat=True))


def run():
    seconds = float(os.environ.get("BENCH_SECONDS", 60))
    clients = int(os.environ.get("BENCH_CLIENTS", 8))
    persons = int(os.environ.get("BENCH_PERSONS", 200))
    people, organizations = world(persons=persons, organizations=6, tag=f"{int(time.time()) % 10000:04d}")
    result = hammer(people=people, organizations=organizations, clients=clients, seconds=seconds)
    print(
        f"{clients} clients, {persons} people, {result.seconds:.1f} s: {result.requests} requests, "
        f"{result.attached} attachments ({result.attached / result.seconds:.1f} per second), "
        f"refused {dict(result.refused)}, errors {len(result.errors)}"
    )
    problems = invariant_violations(people)
    unknown = unknown_reason_codes(result)
    print(f"invariants: {len(problems)} violations, {len(unknown)} unknown reason codes")
    for line in (problems + result.errors)[:10]:
        print("  ", line)
