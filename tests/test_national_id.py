"""Norwegian national identity numbers: every input is classified as fnr, dnr or one named problem.

Numbers marked NAV are published test vectors from navikt/fnrvalidator's tests, so the check-digit
arithmetic is checked against someone else's; the rest are built here with check_digits_for, which
is itself checked against the other textbook formulation of mod 11 (weighted sum divisible by 11).
"""

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings, strategies as st

from ipapp.domain.national_id import NationalId, NationalIdProblem, check_digits_for, parse_national_id

TODAY = date(2025, 6, 1)  # fixed, so "in the future" does not move under the tests


def with_check_digits(first_nine: str) -> str:
    digits = check_digits_for(first_nine)
    assert digits is not None, f"{first_nine} has no check digits: pick another individual number"
    return first_nine + digits


def problem(text, **kwargs) -> str:
    with pytest.raises(NationalIdProblem) as caught:
        parse_national_id(text, **kwargs)
    assert "\n" not in str(caught.value)
    return caught.value.code


VALID = [
    ("13097248022", "fnr", date(1972, 9, 13)),  # NAV
    ("29029648784", "fnr", date(1996, 2, 29)),  # NAV: leap day
    ("29020075838", "fnr", date(2000, 2, 29)),  # NAV: 2000 is a leap year
    ("15021951940", "fnr", date(2019, 2, 15)),  # NAV: a check digit computed as 11 becomes 0
    ("53097248016", "dnr", date(1972, 9, 13)),  # NAV: D-number
    ("30108299920", "fnr", date(1982, 10, 30)),  # NAV
    (with_check_digits("010170000"), "fnr", date(1970, 1, 1)),
    (with_check_digits("311299499"), "fnr", date(1999, 12, 31)),
    (with_check_digits("410170000"), "dnr", date(1970, 1, 1)),  # D-number, lowest day (41)
    (with_check_digits("710170000"), "dnr", date(1970, 1, 31)),  # D-number, highest day (71)
    (with_check_digits("690280480"), "dnr", date(1980, 2, 29)),  # D-number on a leap day
    # Spaces: around, and single ones between groups as people type them.
    ("130972 48022", "fnr", date(1972, 9, 13)),
    ("  13097248022\n", "fnr", date(1972, 9, 13)),
    ("130 972 480 22", "fnr", date(1972, 9, 13)),
]

# The century bands (Skatteetaten): the individual number (digits 7-9) says which century YY is in.
CENTURIES = [
    (with_check_digits("010170001"), date(1970, 1, 1)),  # 000-499 -> 1900s
    (with_check_digits("311299499"), date(1999, 12, 31)),
    (with_check_digits("010154500"), date(1854, 1, 1)),  # 500-749 with 54-99 -> 1854-1899
    (with_check_digits("311299748"), date(1899, 12, 31)),
    (with_check_digits("010100500"), date(2000, 1, 1)),  # 500-999 with 00-39 -> 2000-2039
    (with_check_digits("010124999"), date(2024, 1, 1)),
    (with_check_digits("010140900"), date(1940, 1, 1)),  # 900-999 with 40-99 -> 1940-1999
    (with_check_digits("311299998"), date(1999, 12, 31)),
]

PROBLEMS = [
    ("13097248032", "check_digits"),  # NAV: K1 wrong
    ("13097248023", "check_digits"),  # NAV: K2 wrong
    ("13097248020", "check_digits"),  # K2 wrong the other way
    ("31097248022", "check_digits"),  # two digits swapped
    ("30108299939", "check_digits"),  # NAV: valid only under the 2032 rule (K1 remainder 1)
    ("29020112345", "check_digits"),  # NAV: wrong check digits and 29.02.2001: check digits come first
    ("1309724802", "format"),  # 10 digits
    ("130972480222", "format"),  # 12 digits
    ("1309724802A", "format"),
    ("fødselsnummer", "format"),
    ("", "format"),
    ("   ", "format"),
    ("130972  48022", "format"),  # two spaces in a row
    ("130972\t48022", "format"),
    ("130972-48022", "format"),
    ("１３０９７２４８０２２", "format"),  # full-width digits are str.isdigit() but not ASCII
    (None, "format"),
    (13097248022, "format"),
    (b"13097248022", "format"),
    (with_check_digits("310299480"), "birth_date"),  # 31 February, valid check digits
    (with_check_digits("290201481"), "birth_date"),  # 29.02.2001: not a leap year
    (with_check_digits("011370481"), "birth_date"),  # month 13
    (with_check_digits("000170480"), "birth_date"),  # day 0
    (with_check_digits("320170480"), "birth_date"),  # day 32
    (with_check_digits("720170480"), "birth_date"),  # D-number day 72 - 40 = 32
    (with_check_digits("010140600"), "birth_date"),  # 500-749 with year 40-53: never issued
    (with_check_digits("311253749"), "birth_date"),
    (with_check_digits("010170800"), "birth_date"),  # 750-899 with year 40-99: never issued
    (with_check_digits("311299899"), "birth_date"),
    (with_check_digits("311299750"), "birth_date"),  # just past the 1854-1899 series
    ("13527248013", "birth_date"),  # NAV: H-number (month + 40), refused on purpose
    ("10915596784", "birth_date"),  # NAV: synthetic Tenor number (month + 80), refused on purpose
    ("50846202355", "birth_date"),  # NAV: synthetic D-number
]


@pytest.mark.parametrize("text, kind, born", VALID)
def test_valid_numbers_give_kind_and_birth_date(text, kind, born):
    parsed = parse_national_id(text, today=TODAY)
    assert parsed == NationalId(digits=text.replace(" ", "").strip(), kind=kind, birth_date=born)


@pytest.mark.parametrize("text, born", CENTURIES)
def test_the_individual_number_gives_the_century(text, born):
    assert parse_national_id(text, today=TODAY).birth_date == born


@pytest.mark.parametrize("text, code", PROBLEMS)
def test_problems_are_classified(text, code):
    assert problem(text, today=TODAY) == code


def test_a_birth_date_in_the_future_is_refused_and_today_is_not():
    number = with_check_digits("010630500")  # 01.06.2030
    assert problem(number, today=TODAY) == "birth_date"
    assert parse_national_id(number, today=date(2030, 6, 1)).birth_date == date(2030, 6, 1)
    assert problem(number, today=date(2030, 5, 31)) == "birth_date"
    born_2039 = with_check_digits("311239999")  # the last day the rules can express
    assert parse_national_id(born_2039, today=date(2040, 1, 1)).birth_date == date(2039, 12, 31)


def test_today_defaults_to_the_real_date():
    tomorrow = date.today() + timedelta(days=1)
    if tomorrow.year > 2039:
        pytest.skip("past the years this numbering can express")
    first_nine = next(
        n for i in range(500, 1000)
        if check_digits_for(n := tomorrow.strftime("%d%m%y") + f"{i:03d}") is not None
    )
    assert problem(first_nine + check_digits_for(first_nine)) == "birth_date"


@pytest.mark.parametrize("text", ["13527248013", "10915596784", "50846202355"])
def test_h_numbers_and_synthetic_numbers_are_named_as_such(text):
    with pytest.raises(NationalIdProblem, match="H-numbers and synthetic test numbers"):
        parse_national_id(text, today=TODAY)


def test_the_number_stays_out_of_messages_and_repr():
    parsed = parse_national_id("13097248022")
    assert "13097248022" not in repr(parsed) and parsed.digits == "13097248022"
    for text in ("13097248023", with_check_digits("310299480")):
        with pytest.raises(NationalIdProblem) as caught:
            parse_national_id(text)
        assert text not in str(caught.value)
        assert isinstance(caught.value, ValueError)


def test_problem_codes_are_a_closed_set():
    with pytest.raises(ValueError):
        NationalIdProblem("typo", "x")


@pytest.mark.parametrize("bad", ["12345678", "1234567890", "12345678a", None, 123456789])
def test_check_digits_for_needs_nine_digits(bad):
    with pytest.raises(NationalIdProblem) as caught:
        check_digits_for(bad)
    assert caught.value.code == "format"


# --- properties --------------------------------------------------------------------------------

# The textbook check: with the check digit given weight 1, the weighted sum is divisible by 11.
K1_FULL = (3, 7, 6, 1, 8, 9, 4, 5, 2, 1)
K2_FULL = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2, 1)


def divisible_by_11(digits: str, weights) -> bool:
    return sum(int(d) * w for d, w in zip(digits, weights)) % 11 == 0


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_check_digits_for_agrees_with_the_divisibility_rule(first_nine):
    endings = [f"{n:02d}" for n in range(100)
               if divisible_by_11(first_nine + f"{n:02d}"[0], K1_FULL)
               and divisible_by_11(first_nine + f"{n:02d}", K2_FULL)]
    assert len(endings) <= 1
    assert check_digits_for(first_nine) == (endings[0] if endings else None)


def individual_numbers_for(year: int) -> list[range]:
    """The individual number series Skatteetaten uses for a birth year."""
    if 1854 <= year <= 1899:
        return [range(500, 750)]
    if 1900 <= year <= 1939:
        return [range(0, 500)]
    if 1940 <= year <= 1999:
        return [range(0, 500), range(900, 1000)]
    return [range(500, 1000)]  # 2000-2039


@st.composite
def valid_numbers(draw):
    born = draw(st.dates(min_value=date(1854, 1, 1), max_value=TODAY))
    series = draw(st.sampled_from(individual_numbers_for(born.year)))
    individual = draw(st.integers(series.start, series.stop - 1))
    kind = draw(st.sampled_from(["fnr", "dnr"]))
    day = born.day + (40 if kind == "dnr" else 0)
    first_nine = f"{day:02d}{born:%m%y}{individual:03d}"
    digits = check_digits_for(first_nine)
    assume(digits is not None)
    return first_nine + digits, kind, born


@settings(max_examples=300)
@given(valid_numbers())
def test_a_built_number_parses_back_to_its_date_and_kind(case):
    number, kind, born = case
    parsed = parse_national_id(number, today=TODAY)
    assert (parsed.digits, parsed.kind, parsed.birth_date) == (number, kind, born)


@settings(max_examples=200)
@given(valid_numbers())
def test_every_single_digit_error_is_caught_by_the_check_digits(case):
    # Every weight (and the check digits' own weight 1) is non-zero mod the prime 11, so changing
    # any one digit changes a weighted sum by a non-multiple of 11: mod 11 catches it every time.
    number = case[0]
    for position in range(11):
        for digit in "0123456789":
            if digit != number[position]:
                changed = number[:position] + digit + number[position + 1:]
                assert problem(changed, today=TODAY) == "check_digits", (position, digit)
