"""Historical tables keep the indexes their reads use, and only those (bulk imports write them)."""

import pytest
from django.apps import apps
from django.db import connection

from attachment.models import Attachment
from patients.history import person_record_sources
from patients.models import Person

pytestmark = pytest.mark.django_db


RECORD = ("id", "history_date")  # one record's history, in order


def _indexes(model) -> set[tuple[str, ...]]:
    """The column lists of the table's indexes (primary key included)."""
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
    return {tuple(c["columns"]) for c in constraints.values() if c["index"] or c["primary_key"]}


def _historical_models():
    return [m for m in apps.get_models() if hasattr(m, "history_object") and m._meta.app_label != "auth"]


def test_a_records_history_is_read_by_one_index_on_id_then_date():
    historical = _historical_models()
    assert len(historical) > 30
    for model in historical:
        indexes = _indexes(model)
        assert RECORD in indexes, model
        assert not indexes & {("id",), ("history_date",)}, model


def test_person_history_tab_reads_use_indexes():
    """The History tab: the person's own history by id, each record's history by its person (or,
    for a coupon, by its attachment, whose person is looked up by index)."""
    assert {("history_id",), RECORD} <= _indexes(Person.history.model)
    assert len(person_record_sources()) >= 11
    for label, lookup in person_record_sources().items():
        historical = apps.get_model(label).history.model
        column = lookup.split("__")[0]
        column = column if column.endswith("_id") else f"{column}_id"
        if label == "patients.person":
            continue
        assert {RECORD, (column,)} <= _indexes(historical), historical


def test_attachment_history_indexes_only_its_lookups():
    indexes = _indexes(Attachment.history.model)
    assert indexes == {("history_id",), RECORD, ("person_id",), ("history_user_id",)}


def test_attachment_mostly_empty_foreign_keys_have_partial_indexes():
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, Attachment._meta.db_table)
    assert {"attachment_contract_idx", "attachment_act_idx", "attachment_application_idx"} <= set(constraints)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = 'attachment_act_idx'",
        )
        assert "WHERE (act_id IS NOT NULL)" in cursor.fetchone()[0]
