import pytest
from django.core.management import call_command

from attachment.models import Ground
from patients.models import Atu

pytestmark = pytest.mark.django_db


def test_load_reference_data_is_idempotent_and_keeps_admin_edits():
    call_command("load_reference_data")
    assert Atu.objects.filter(level__in=["region", "city"]).count() == 20
    assert Ground.objects.count() == 9
    Atu.objects.filter(kato="750000000").update(name_ru="Алматы (правка)")
    history_rows = Atu.history.count()
    call_command("load_reference_data")
    assert Atu.objects.get(kato="750000000").name_ru == "Алматы (правка)"
    assert Atu.history.count() == history_rows
    assert Atu.objects.filter(level="city_district", parent__kato="750000000").count() == 8


def test_demo_data_is_deterministic_and_repeatable():
    call_command("load_reference_data")
    call_command("demo_data", persons=40, seed=7)
    from patients.models import Person

    first = list(Person.objects.order_by("iin").values_list("iin", flat=True))
    call_command("demo_data", persons=40, seed=7)
    assert list(Person.objects.order_by("iin").values_list("iin", flat=True)) == first
    assert set(Person.objects.values_list("category", flat=True)) == set(range(1, 9))
