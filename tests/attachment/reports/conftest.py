"""Fixtures of the report tests: age groups loaded, and a helper that writes dated attachment rows
directly (the history a report reads; the services that write it are tested elsewhere)."""

import datetime

import pytest

from attachment.models import Attachment, Channel
from attachment.reports import reference_data as reports_reference

from ...factories import PersonFactory

D = datetime.date
BORN = D(1990, 11, 23)


@pytest.fixture
def age_groups(ref):
    reports_reference.load()


@pytest.fixture
def attach(ref):
    def make(person, organization, start, end=None, *, ground=2, district=None):
        return Attachment.objects.create(
            person=person,
            organization=organization,
            district=district,
            ground=ref[ground],
            channel=Channel.CLINIC,
            valid_from=start,
            valid_to=end,
        )

    return make


@pytest.fixture
def person():
    def make(born=BORN, sex="M", **extra):
        return PersonFactory(born=born, sex=sex, **extra)

    return make
