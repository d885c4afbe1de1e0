"""The coverage loader: idempotent, never overwrites an administrator's edits, no invented rows."""

from coverage.models import (
    LEAFLET_CODES,
    Disease,
    LeafletSection,
    Package,
    PackageItem,
    PeriodKind,
    ServiceLimit,
)
from coverage.reference_data import load


def test_loader_is_idempotent_and_keeps_administrator_edits(db):
    created = load()
    assert created > 0
    therapist = ServiceLimit.objects.get(leaflet_number=1)
    therapist.max_count = 3
    therapist.save()
    assert load() == 0
    therapist.refresh_from_db()
    assert therapist.max_count == 3


def test_004_volume_table_has_18_rows_numbered_as_in_the_leaflet_without_row_3(db):
    load()
    rows = list(ServiceLimit.objects.order_by("leaflet_number"))
    assert len(rows) == 18
    assert [r.leaflet_number for r in rows] == [1, 2, *range(4, 20)]
    assert {(r.leaflet_number, r.max_count, r.period_kind) for r in rows if r.max_count != 1} == {
        (1, 2, PeriodKind.CALENDAR_YEAR)
    }
    six_months = {r.leaflet_number for r in rows if r.period_kind == PeriodKind.ROLLING_6_MONTHS}
    assert six_months == {9, 10, 11, 18}


def test_004_23_diseases_with_icd10_and_names_in_8_languages(db):
    load()
    diseases = list(Disease.objects.order_by("number"))
    assert [d.number for d in diseases] == list(range(1, 24))
    for disease in diseases:
        assert disease.icd10
        assert all(getattr(disease, f"name_{code}") for code in LEAFLET_CODES), disease.number
    assert Disease.objects.get(number=13).icd10 == "A15–A19"
    assert Disease.objects.get(number=23).name_hy == "Կորոնավիրուսի վարակ"
    for limit in ServiceLimit.objects.all():
        assert all(getattr(limit, f"name_{code}") for code in LEAFLET_CODES), limit.leaflet_number
    assert LeafletSection.objects.count() == 4 * len(LEAFLET_CODES)


def test_imi_minimum_list_package_has_its_reference_and_no_invented_items(db):
    load()
    imi = Package.objects.get(code="imi_minimum")
    assert imi.legal_act.number == "111/2023" and "201-1" in imi.legal_reference
    assert not PackageItem.objects.filter(package=imi).exists()


def test_000_gfmc_citizens_only_items_are_data(db):
    load()
    restricted = PackageItem.objects.filter(package__code="gfmc", citizens_only=True)
    assert sorted(restricted.values_list("number", flat=True)) == ["12", "13.3"]
