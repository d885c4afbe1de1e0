"""IIN algorithm of Government decree No. 565 (11.06.2003), and what its digits mean since the
rules of 26.08.2013 (the check digit is the rule; birth date and sex are a default and a warning).

Public vectors: 901123300258 valid (1990-11-23, male); 901123300255 wrong check digit;
061211600012 valid (2006-12-11, female); 821214240092 never issued (both passes give 10)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from patients.iin import check_digit, fact_warnings, is_valid_iin, make_iin, parse_iin


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


def with_check_digit(first_eleven: str) -> str | None:
    check = check_digit(first_eleven)
    return None if check is None else first_eleven + str(check)


@pytest.mark.parametrize("digit", [0, 7, 8, 9])
def test_iin_rules_2013_seventh_digit_outside_1_to_6_is_valid_by_its_check_digit_and_encodes_nothing(digit):
    """Since 26.08.2013 the digits are not bound to personal data: the check digit alone decides;
    such an IIN encodes neither the birth date nor the sex (the registrar enters them)."""
    iin = next(i for i in (with_check_digit(f"901123{digit}002{tail}") for tail in range(10)) if i)
    facts = parse_iin(iin)
    assert (facts.birth_date, facts.sex, facts.century_known) == (None, None, False)
    assert is_valid_iin(iin)
    wrong = iin[:11] + str((int(iin[11]) + 1) % 10)
    with pytest.raises(ValidationError) as error:
        parse_iin(wrong)
    assert error.value.code == "iin_check_digit"


def test_iin_rules_2013_first_six_digits_not_a_date_encode_no_birth_date_but_the_sex():
    iin = next(i for i in (with_check_digit(f"9002304002{tail}") for tail in range(10)) if i)  # 30 February
    facts = parse_iin(iin)
    assert (facts.birth_date, facts.sex) == (None, "F")
    assert is_valid_iin(iin)


def test_iin_rules_2013_birth_date_and_sex_differing_from_the_iin_are_warnings_saying_what_it_encodes():
    assert fact_warnings("901123300258", birth_date=datetime.date(1990, 11, 23), sex="M") == []
    warnings = fact_warnings("901123300258", birth_date=datetime.date(1990, 11, 24), sex="F")
    assert [w.code for w in warnings] == ["iin_birth_date_differs", "iin_sex_differs"]
    assert warnings[0].message == "The birth date differs from the one the IIN encodes (23.11.1990)."
    assert warnings[1].message == "The sex differs from the one the IIN encodes (male)."
    century_0 = next(i for i in (with_check_digit(f"9011230002{tail}") for tail in range(10)) if i)
    [warning] = fact_warnings(century_0, birth_date=datetime.date(1990, 11, 23), sex="M")
    assert warning.code == "iin_century"
    assert fact_warnings("901123300255", birth_date=datetime.date(2000, 1, 1), sex="F") == []  # invalid


def test_make_iin_round_trips():
    iin = make_iin(datetime.date(2006, 12, 11), "F", 1)
    assert iin == "061211600012"
    assert parse_iin(iin).sex == "F"
