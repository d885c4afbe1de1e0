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

from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.translation import gettext
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


# The person's History tab: every record of the person, whichever app keeps it. Each app registers
# its models with the lookup from the model to the person's id (`AppConfig.ready`), so `patients`
# never imports the apps above it.
_PERSON_RECORDS: dict[str, str] = {}


def person_records_register(model_label: str, person_lookup: str) -> None:
    """`model_label` ("attachment.coupon") keeps records of a person reached by `person_lookup`
    ("attachment__person_id")."""
    _PERSON_RECORDS[model_label] = person_lookup


def person_record_sources() -> dict[str, str]:
    """The registered kinds of a person's records: model label -> lookup of the person's id."""
    return dict(_PERSON_RECORDS)


def person_timeline(person) -> list[dict]:
    """Every historical row of the person and their records, newest first, each with the changes
    against the record's previous version (field names and choice values translated). One query
    per kind of record: the previous versions are among the rows read."""
    from django.apps import apps

    entries = []
    for label, lookup in _PERSON_RECORDS.items():
        model = apps.get_model(label)
        entries += list(model.history.filter(**{lookup: person.pk}).select_related("history_user"))
    entries.sort(key=lambda e: (e.history_date, e.history_id))
    latest: dict[tuple, object] = {}
    rows = []
    for entry in entries:
        key = (type(entry), entry.id)
        previous = latest.get(key)
        latest[key] = entry
        changes = []
        if entry.history_type == "~" and previous is not None:
            changes = [_change(entry.instance_type, c) for c in entry.diff_against(previous).changes]
        rows.append(
            {
                "entry": entry,
                "model": entry.instance_type._meta.verbose_name,
                "changes": changes,
                # A reason the product writes is an English source string: shown in the reader's
                # language (a reason a user typed is not in the catalogue and shows as typed).
                "reason": gettext(entry.history_change_reason) if entry.history_change_reason else "",
            }
        )
    rows.reverse()
    return rows


def _change(model, change) -> dict:
    try:
        field = model._meta.get_field(change.field)
    except FieldDoesNotExist:  # a field the model no longer has
        return {"field": change.field, "old": change.old, "new": change.new}
    choices = dict(field.flatchoices) if field.choices else {}

    def shown(value):
        if isinstance(value, (list, tuple)):
            return ", ".join(str(choices.get(v, v)) for v in value)
        return choices.get(value, value)

    return {"field": field.verbose_name, "old": shown(change.old), "new": shown(change.new)}
