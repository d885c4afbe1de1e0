"""Set-wise transfer of 50,000 people between organizations (grounds 6–9, issue goal < 60 s).

`make bench BENCH=transfer`; BENCH_PERSONS sets the size. Builds its own throwaway data
(bulk, with history) in an empty register area, times
`attachments_transfer`, prints the figure, and rolls everything back."""

import datetime
import os
import time

from django.db import transaction
from simple_history.utils import bulk_create_with_history

from attachment.models import Attachment, Channel, District, Ground, Organization, PurchaseContract
from attachment.services import attachments_transfer
from patients.iin import make_iin
from patients.models import Atu, LegalCategory, Person


class Rollback(Exception):
    pass


def run():
    try:
        with transaction.atomic():
            _run(int(os.environ.get("BENCH_PERSONS", 50000)))
            raise Rollback
    except Rollback:
        pass


def _run(count):
    atu = Atu.objects.get(kato="751210000")
    on = datetime.date(2026, 4, 1)
    orgs = []
    for bin_ in ("990199999901", "990199999902"):
        org = Organization.objects.create(bin=bin_, name_kk="Бенчмарк", name_ru="Бенчмарк", atu=atu)
        PurchaseContract.objects.create(organization=org, valid_from=datetime.date(2020, 1, 1))
        orgs.append(org)
    district = District.objects.create(
        organization=orgs[1], code="B1", kind="general", atu=atu, capacity=10**6
    )
    started = time.monotonic()
    # IINs the register does not hold yet: the benchmarks share one database, and the persons
    # that the others created (attached, with history) are theirs, not to be deleted.
    people, serial, day = [], 0, datetime.date(1950, 1, 1)
    while len(people) < count:
        batch = {}
        while len(batch) < count - len(people):
            iin, born = make_iin(day, "M", serial % 10000), day
            serial += 1
            if serial % 10000 == 0:
                day += datetime.timedelta(days=1)
            if iin is not None:
                batch[iin] = (born, serial)
        taken = set(Person.objects.filter(iin__in=list(batch)).values_list("iin", flat=True))
        people.extend(
            Person(
                iin=iin,
                last_name="Бенч",
                first_name=str(number),
                birth_date=born,
                sex="M",
                category=LegalCategory.CITIZEN,
                residence_atu=atu,
            )
            for iin, (born, number) in batch.items()
            if iin not in taken
        )
    people = bulk_create_with_history(people, Person, batch_size=5000, default_change_reason="bench")
    ground = Ground.objects.get(code=1)
    bulk_create_with_history(
        [
            Attachment(
                person=p,
                organization=orgs[0],
                ground=ground,
                channel=Channel.IMPORT,
                valid_from=datetime.date(2025, 1, 1),
            )
            for p in people
        ],
        Attachment,
        batch_size=5000,
        default_change_reason="bench",
    )
    print(f"setup: {count} persons in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    result = attachments_transfer(
        source=orgs[0],
        target=orgs[1],
        ground=Ground.objects.get(code=6),
        on=on,
        user=None,
        reason="benchmark",
        to_district=district,
    )
    elapsed = time.monotonic() - started
    print(f"transfer: {result.summary} in {elapsed:.1f} s")
