"""Who receives what (seed 003, DOMAIN.md "Who a person is"): rows, asked for a date."""

import datetime

import pytest
from django.db import IntegrityError, transaction

from coverage.models import EligibilityRule, Package
from coverage.selectors import entitlements_on
from patients.models import InsuranceContract, LegalCategory

from ..factories import PersonFactory
from .conftest import contract, insure

D = datetime.date
ON = D(2026, 3, 1)
LEAFLET_ROWS = [1, 2, *range(4, 20)]


def numbers(answer, code):
    return [item.number for item in answer.package(code).items]


def test_003_citizen_insured_on_date_gets_gfmc_and_cshi(citizen):
    insure(citizen, D(2026, 1, 1), D(2026, 12, 31))
    answer = entitlements_on(person=citizen, on=ON)
    assert answer.package_codes == ["gfmc", "cshi"]
    assert answer.package("cshi").rules[0].insured == EligibilityRule.Insured.INSURED
    assert answer.package("gfmc").rules[0].category == LegalCategory.CITIZEN
    assert "1.1" in numbers(answer, "cshi")


def test_003_same_citizen_uninsured_on_date_gets_gfmc_only(citizen):
    insure(citizen, D(2026, 1, 1), D(2026, 2, 28))  # status ended before the date
    answer = entitlements_on(person=citizen, on=ON)
    assert answer.package_codes == ["gfmc"]
    assert not answer.insured


def test_003_temporary_foreigner_with_imi_gets_imi_package_and_disease_list_with_18_limits(
    temporary_foreigner,
):
    imi = contract(temporary_foreigner, valid_from=D(2026, 1, 1), valid_to=D(2026, 12, 31))
    answer = entitlements_on(person=temporary_foreigner, on=ON)
    assert answer.package_codes == ["gfmc_dangerous", "imi_minimum"]
    assert answer.package("imi_minimum").contracts == [imi]
    assert answer.package("imi_minimum").items == []  # the minimum list is entered by an administrator
    dangerous = answer.package("gfmc_dangerous")
    assert len(dangerous.diseases) == 23
    assert [s.limit.leaflet_number for s in dangerous.limits] == LEAFLET_ROWS
    assert answer.package("gfmc") is None


def test_003_temporary_foreigner_without_contract_gets_only_disease_list_with_limits(temporary_foreigner):
    contract(temporary_foreigner, valid_from=D(2025, 1, 1), valid_to=D(2025, 12, 31))  # expired
    answer = entitlements_on(person=temporary_foreigner, on=ON)
    assert answer.package_codes == ["gfmc_dangerous"]
    assert len(answer.package("gfmc_dangerous").limits) == 18
    assert len(answer.package("gfmc_dangerous").diseases) == 23


def test_003_asylum_seeker_gets_disease_list_with_limits(rule_tables):
    person = PersonFactory(category=LegalCategory.ASYLUM_SEEKER, citizenship="AF")
    answer = entitlements_on(person=person, on=ON)
    assert answer.package_codes == ["gfmc_dangerous"]
    assert [s.limit.leaflet_number for s in answer.package("gfmc_dangerous").limits] == LEAFLET_ROWS


def test_003_cshi_comes_from_status_data_not_from_category(temporary_foreigner):
    insure(temporary_foreigner, D(2026, 1, 1))
    assert entitlements_on(person=temporary_foreigner, on=ON).package_codes == ["cshi", "gfmc_dangerous"]


def test_000_items_12_and_13_3_permanent_foreigner_gets_full_gfmc_without_them(citizen):
    foreigner = PersonFactory(category=LegalCategory.PERMANENT_FOREIGNER, citizenship="RU")
    for_foreigner = numbers(entitlements_on(person=foreigner, on=ON), "gfmc")
    for_citizen = numbers(entitlements_on(person=citizen, on=ON), "gfmc")
    assert set(for_citizen) - set(for_foreigner) == {"12", "13.3"}
    assert {"1", "3.1", "13", "13.1", "13.2", "14"} <= set(for_foreigner)


@pytest.mark.parametrize(
    "category",
    [LegalCategory.KANDAS, LegalCategory.REFUGEE, LegalCategory.PERMANENT_STATELESS],
)
def test_002_par3_1_categories_1_to_5_get_full_gfmc(rule_tables, category):
    person = PersonFactory(category=category, citizenship="")
    assert entitlements_on(person=person, on=ON).package_codes == ["gfmc"]


def test_002_par9_1_vmi_contract_programme_selects_its_package(temporary_foreigner):
    programme = Package.objects.create(
        code="vmi-standard",
        kind=Package.Kind.VMI,
        name_kk="ЕМС",
        name_ru="ДМС Стандарт",
        programme="Standard",
    )
    contract(
        temporary_foreigner,
        kind=InsuranceContract.Kind.VMI,
        programme="Standard",
        valid_from=D(2026, 1, 1),
        valid_to=D(2026, 12, 31),
    )
    codes = entitlements_on(person=temporary_foreigner, on=ON).package_codes
    assert codes == ["gfmc_dangerous", "vmi", "vmi-standard"]
    assert programme.pk


def test_eligibility_rule_without_any_condition_is_rejected_by_the_database(rule_tables):
    package = Package.objects.get(code="gfmc")
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibilityRule.objects.create(package=package, legal_reference="x", valid_from=ON)
    assert not EligibilityRule.objects.filter(legal_reference="x").exists()
