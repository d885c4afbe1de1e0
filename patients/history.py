"""Audit history for every model: django-simple-history with 64-bit ids (a national register).

Historical tables are written far more than they are read, and they are read in two ways only:
one record's history (by the original `id`, ordered by `history_date`) and a person's card (the
History tab filters each related model's history by its foreign key to the person). So they keep
the indexes for those reads — `history_id` (the primary key), one on (`id`, `history_date`) in
place of simple-history's two separate ones (`SIMPLE_HISTORY_DATE_INDEX = False`),
`history_user` and every foreign key to a person — and drop the ones simple-history adds on every
other foreign key and unique field, which cost each bulk write (the register import) without
serving any query.

`history_user` is an index but no foreign-key constraint: a historical row records who acted,
and checking that against the user table once per row would be the single largest cost of the
register import (one trigger per written row, at commit). Writers set it from the signed-in
user, and deleting an account still clears it through Django's `on_delete` (simple-history's
SET_NULL), as before.
"""

from django.db import models
from simple_history.models import HistoricalRecords

PERSON_MODEL = "patients.person"


def _points_to_person(field) -> bool:
    target = getattr(field.remote_field, "model", None) if field.remote_field else None
    if target is None:
        return False
    if isinstance(target, str):
        label = target.lower()
        return label in (PERSON_MODEL, "person")
    return target._meta.label_lower == PERSON_MODEL


class AuditHistoricalRecords(HistoricalRecords):
    def __init__(self, *args, indexed: tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.indexed_fields = tuple(indexed)

    def copy_fields(self, model):
        fields = super().copy_fields(model)
        keep = set(self.indexed_fields)
        for name, field in fields.items():
            if name not in keep and not _points_to_person(field):
                field.db_index = False
        return fields

    def get_meta_options(self, model):
        options = super().get_meta_options(model)
        options["indexes"] = [models.Index(fields=[model._meta.pk.attname, "history_date"])]
        return options


def audit_history(*, indexed: tuple[str, ...] = (), **kwargs) -> HistoricalRecords:
    """`indexed` names further fields whose history is looked up by value."""
    return AuditHistoricalRecords(
        history_id_field=models.BigAutoField(primary_key=True),
        user_db_constraint=False,
        indexed=indexed,
        **kwargs,
    )
