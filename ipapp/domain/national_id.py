"""Norwegian national identity numbers: fødselsnummer (fnr) and D-nummer (dnr). Pure, no I/O.

An 11-digit number DDMMYY III K1 K2: the birth date, a three-digit individual number (which also
gives the century), and two mod-11 check digits. A D-number adds 4 to the first digit (day 41-71).

Deliberately refused (as "birth_date", since their month is not a calendar month):
- H-numbers (month + 40), which are local help numbers, not identities from the population register;
- synthetic test numbers (Tenor / NAV test data, month + 80), so test people can never pass as real.

From 2032 Norway issues numbers whose individual number no longer carries the gender digit, and
the check-digit rule changes: K1 may then be any of up to four values (remainder 0-3), K2 still one
(https://skatteetaten.github.io/folkeregisteret-api-dokumentasjon/nytt-fodselsnummer-fra-2032/).
This module applies today's one-value rule, so such numbers are refused as "check_digits"; this is
the one place that change will go. Gender is not derived here at all, so nothing else depends on it.

Messages never contain the number: they may end up in logs.
"""

import re
from dataclasses import dataclass, field
from datetime import date

PROBLEM_CODES = frozenset({"format", "check_digits", "birth_date"})
K1_WEIGHTS = (3, 7, 6, 1, 8, 9, 4, 5, 2)
K2_WEIGHTS = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)
# ASCII digits only ("²" and "١" are str.isdigit()); single spaces between groups, as people type them.
_SHAPE = re.compile(r"[0-9]+(?: [0-9]+)*")


class NationalIdProblem(ValueError):
    """Why a text is not a usable national identity number; .code is one of PROBLEM_CODES."""

    def __init__(self, code: str, message: str):
        if code not in PROBLEM_CODES:
            raise ValueError(f"unknown national id problem code {code!r}")
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class NationalId:
    digits: str = field(repr=False)  # the 11 digits, spaces removed; kept out of repr (and so of logs)
    kind: str  # "fnr" or "dnr"
    birth_date: date


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    remainder = sum(int(d) * w for d, w in zip(digits, weights)) % 11
    digit = (11 - remainder) % 11  # remainder 0 gives 0
    return None if digit == 10 else digit  # 10 does not fit in one digit: no number has these nine


def check_digits_for(first_nine: str) -> str | None:
    """The two check digits for DDMMYYIII, or None when no valid number starts with these nine."""
    if not isinstance(first_nine, str) or not re.fullmatch(r"[0-9]{9}", first_nine):
        raise NationalIdProblem("format", "check_digits_for needs exactly nine digits.")
    k1 = _check_digit(first_nine, K1_WEIGHTS)
    if k1 is None:
        return None
    k2 = _check_digit(first_nine + str(k1), K2_WEIGHTS)
    if k2 is None:
        return None
    return f"{k1}{k2}"


def _century(individual: int, year: int) -> int | None:
    """Skatteetaten's century rule: the individual number series tells which century YY is in."""
    if individual <= 499:
        return 1900
    if individual <= 749 and year >= 54:
        return 1800
    if year <= 39:  # 500-999
        return 2000
    if individual >= 900:  # year 40-99
        return 1900
    return None  # 500-749 with year 40-53, 750-899 with year 40-99: never issued


def parse_national_id(text: str, *, today: date | None = None) -> NationalId:
    """The fnr or D-number in `text`; raises NationalIdProblem (format, then check digits, then date)."""
    if not isinstance(text, str) or not _SHAPE.fullmatch(text.strip()):
        raise NationalIdProblem("format", "A national identity number is 11 digits.")
    digits = text.strip().replace(" ", "")
    if len(digits) != 11:
        raise NationalIdProblem("format", "A national identity number is 11 digits.")
    if check_digits_for(digits[:9]) != digits[9:]:
        raise NationalIdProblem("check_digits", "The check digits do not match: a digit is probably mistyped.")

    day, month, year = int(digits[0:2]), int(digits[2:4]), int(digits[4:6])
    kind = "fnr"
    if day > 40:
        kind, day = "dnr", day - 40
    if 41 <= month <= 52 or 81 <= month <= 92:
        raise NationalIdProblem("birth_date", "H-numbers and synthetic test numbers are not accepted.")
    century = _century(int(digits[6:9]), year)
    if century is None:
        raise NationalIdProblem("birth_date", "The individual number does not fit the birth year.")
    try:
        born = date(century + year, month, day)
    except ValueError:
        raise NationalIdProblem("birth_date", "The birth date in the number does not exist.") from None
    if born > (today or date.today()):
        raise NationalIdProblem("birth_date", "The birth date in the number is in the future.")
    return NationalId(digits=digits, kind=kind, birth_date=born)
