"""IIN algorithm of Government decree No. 565 (11.06.2003)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from patients.iin import check_digit, is_valid_iin, make_iin, parse_iin


@pytest.mark.parametrize("iin", ["901123300258", "061211600012"])
def test_decree_565_valid_examples(iin):
    assert is_valid_iin(iin)


def test_decree_565_wrong_check_digit_is_rejected():
    with pytest.raises(ValidationError) as error:
        parse_iin("901123300255")
    assert error.value.code == "iin_check_digit"


def test_decree_565_check_digit_10_twice_is_never_issued():
    assert check_digit("82121424009") is None
    with pytest.raises(ValidationError) as error:
        parse_iin("821214240092")
    assert error.value.code == "iin_unissuable"


def test_decree_565_second_pass_is_used_when_first_gives_10():
    # Find a number whose first pass gives 10 but the second does not, and check it.
    for serial in range(10000):
        first = f"9011233{serial:04d}"
        first_pass = sum(int(d) * w for d, w in zip(first, range(1, 12), strict=True)) % 11
        if first_pass == 10:
            second = check_digit(first)
            assert second is not None and second != 10
            assert is_valid_iin(first + str(second))
            return
    pytest.fail("no first-pass-10 number found")


@pytest.mark.parametrize(
    ("digit", "year", "sex"),
    [
        (1, 1890, "M"),
        (2, 1890, "F"),
        (3, 1990, "M"),
        (4, 1990, "F"),
        (5, 2090, "M"),
        (6, 2090, "F"),
    ],
)
def test_decree_565_century_and_sex_digit(digit, year, sex):
    first = f"901123{digit}0025"
    iin = first + str(check_digit(first))
    if check_digit(first) is None:
        pytest.fail("example must be issuable")
    facts = parse_iin(iin)
    assert facts.birth_date == datetime.date(year, 11, 23)
    assert facts.sex == sex


@pytest.mark.parametrize(
    "value", ["90112330025", "9011233002588", "90112330025a", "９０１１２３３００２５８", ""]
)
def test_iin_format_is_12_ascii_digits(value):
    with pytest.raises(ValidationError) as error:
        parse_iin(value)
    assert error.value.code == "iin_format"


def test_iin_seventh_digit_outside_1_to_6_is_rejected():
    first = "9011237002"
    for tail in range(10):
        candidate = f"{first}{tail}"
        check = check_digit(candidate)
        if check is not None:
            with pytest.raises(ValidationError) as error:
                parse_iin(candidate + str(check))
            assert error.value.code == "iin_century"
            return


def test_iin_impossible_birth_date_is_rejected():
    first = "9002303002"  # 30 February
    for tail in range(10):
        check = check_digit(first + str(tail))
        if check is not None:
            with pytest.raises(ValidationError) as error:
                parse_iin(f"{first}{tail}{check}")
            assert error.value.code == "iin_birth_date"
            return


def test_make_iin_round_trips():
    iin = make_iin(datetime.date(2006, 12, 11), "F", 1)
    assert iin == "061211600012"
    assert parse_iin(iin).sex == "F"
