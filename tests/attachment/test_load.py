"""Under load (§4: one organization per IIN at a time): eight clients attach and re-attach an
overlapping set of people at different organizations for a bounded time. Afterwards no person
has two overlapping attachments, no history row is lost, and every refusal has its reason code.
The same workload runs for a minute in `make bench BENCH=load`."""

import pytest
from django.db import connections

from attachment.models import Attachment
from tests.bench.bench_load import hammer, invariant_violations, unknown_reason_codes, world

SECONDS = 10
CLIENTS = 8


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_par4_eight_clients_attaching_overlapping_people_keep_one_attachment_per_date_and_full_history(
    ref,
):
    people, organizations = world(persons=12, organizations=4, tag="7777")
    result = hammer(people=people, organizations=organizations, clients=CLIENTS, seconds=SECONDS)
    connections.close_all()

    assert result.errors == []
    assert result.refused_without_code == 0
    assert unknown_reason_codes(result) == set()
    # The load really overlapped: people were attached, and re-attached elsewhere (an end).
    assert result.attached >= len(people)
    assert Attachment.objects.filter(person__in=people, valid_to__isnull=False).exists()
    assert Attachment.objects.filter(person__in=people).count() == result.attached
    assert invariant_violations(people) == []
