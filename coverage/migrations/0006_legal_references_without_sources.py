"""Legal references of the coverage reference data that named the project's source files
("seed 003", "seed 004") instead of the documents: shown on the entitlements tab, they now name
the document only. A row an administrator has edited is left as it is."""

from django.db import migrations
from django.utils import timezone

REASON = "Legal reference names the document only"
PACKAGES = {
    "ФСМС: «Кодекстің жаңа редакциясындағы ТМККК және МӘМС пакеттері» (seed 003)": (
        "ФСМС ақпараттық материалы: «Кодекстің жаңа редакциясындағы ТМККК және МӘМС пакеттері»"
    ),
    "ҚР ДСМ 9.10.2020 № 121/2020 бұйрығы; ХҰҰ жадынамасы (seed 004)": (
        "ҚР ДСМ 9.10.2020 № 121/2020 бұйрығы; ХҰҰ жадынамасы"
    ),
}
DISEASES = {"ҚР ДСМ-121/2020; seed 004": "ҚР ДСМ-121/2020; ХҰҰ жадынамасы"}


def _rename(apps, model_name, renames):
    model = apps.get_model("coverage", model_name)
    historical = apps.get_model("coverage", f"Historical{model_name}")
    names = [f.attname for f in model._meta.concrete_fields]
    now = timezone.now()
    for old, new in renames.items():
        rows = list(model.objects.filter(legal_reference=old))
        for row in rows:
            row.legal_reference = new
        model.objects.bulk_update(rows, ["legal_reference"])
        historical.objects.bulk_create(
            historical(
                **{n: getattr(row, n) for n in names},
                history_date=now,
                history_type="~",
                history_change_reason=REASON,
            )
            for row in rows
        )


def forward(apps, schema_editor):
    _rename(apps, "Package", PACKAGES)
    _rename(apps, "Disease", DISEASES)


def backward(apps, schema_editor):
    _rename(apps, "Package", {new: old for old, new in PACKAGES.items()})
    _rename(apps, "Disease", {new: old for old, new in DISEASES.items()})


class Migration(migrations.Migration):
    dependencies = [("coverage", "0005_earlier_wording")]

    operations = [migrations.RunPython(forward, backward)]
