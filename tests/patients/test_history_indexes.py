"""Historical tables keep the indexes their reads use, and only those (bulk imports write them)."""

import pytest
from django.db import connection

from attachment.models import Attachment
from patients.models import Person
from patients.views import HISTORY_RELATIONS

pytestmark = pytest.mark.django_db


def _indexed_columns(model) -> set[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {
        c["columns"][0]
        for c in constraints.values()
        if (c["index"] or c["primary_key"]) and len(c["columns"]) == 1
    }


def test_person_history_tab_reads_use_indexes():
    """The History tab: the person's own history by id, each record's history by its person."""
    assert {"history_id", "id", "history_date"} <= _indexed_columns(Person.history.model)
    for relation in HISTORY_RELATIONS:
        field = getattr(Person, relation).field
        historical = field.model.history.model
        assert {"id", field.column} <= _indexed_columns(historical), historical


def test_attachment_history_indexes_only_its_lookups():
    indexed = _indexed_columns(Attachment.history.model)
    assert {"history_id", "id", "person_id", "history_date"} <= indexed
    assert not indexed & {"organization_id", "district_id", "ground_id", "created_by_id", "contract_id"}


def test_attachment_mostly_empty_foreign_keys_have_partial_indexes():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Attachment._meta.db_table)
    assert {"attachment_contract_idx", "attachment_act_idx", "attachment_application_idx"} <= set(constraints)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'attachment_act_idx'",
        )
        assert "WHERE (act_id IS NOT NULL)" in cursor.fetchone()[0]
