"""The IIN checks as SQL (for the set-wise import) agree with `parse_iin` on every kind of value,
what the IIN encodes (or that it encodes nothing) included."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from patients.iin import check_digit, iin_birth_date_sql, iin_error_sql, iin_sex_sql, make_iin, parse_iin

pytestmark = pytest.mark.django_db

SAMPLES = (
    [
        "901123300258",
        "901123300255",
        "061211600012",
        "821214240092",
        "90112330025",
        "9011233002AB",
        "901323300258",
        "901123700258",
        "",
    ]
    + [  # valid check digits, the 7th digit outside 1-6 or the date digits not a date
        f"{first}{check_digit(first)}"
        for first in (
            "90112300025",
            "90112370025",
            "90112380026",
            "90112390026",
            "90023030025",
            "90133040027",
        )
        if check_digit(first) is not None
    ]
    + [make_iin(datetime.date(1960, 2, 29), sex, n) or "000000000000" for n in range(40) for sex in "MF"]
)


def python_answer(value):
    try:
        facts = parse_iin(value)
    except ValidationError as error:
        return error.error_list[0].code, None, None
    return None, facts.birth_date, facts.sex


def test_samples_hold_valid_iins_that_encode_no_birth_date_or_sex():
    answers = [python_answer(v) for v in SAMPLES]
    assert any(code is None and sex is None for code, _birth, sex in answers)
    assert any(code is None and birth is None and sex for code, birth, sex in answers)


def test_decree_565_iin_sql_checks_agree_with_parse_iin():
    with connection.cursor() as cursor:
        for value in SAMPLES:
            source = f"(SELECT '{value}'::text AS v) x"  # digits and letters only: no quoting needed
            cursor.execute(f"SELECT {iin_error_sql('v')} FROM {source}")
            code = cursor.fetchone()[0]
            expected = python_answer(value)
            assert code == expected[0], value
            if code is None:
                cursor.execute(f"SELECT {iin_birth_date_sql('v')}, {iin_sex_sql('v')} FROM {source}")
                assert cursor.fetchone() == expected[1:], value
