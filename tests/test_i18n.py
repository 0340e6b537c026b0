"""Every text a person sees is in the catalog, in bokmål, nynorsk and English."""

import re
import string
from datetime import date
from pathlib import Path

import pytest

from ipapp.domain.vocabulary import ContactRole, GoalStatus, InviteeResponse, MeetingKind, PlanRole, Section
from ipapp.i18n import SUPPORTED_LOCALES, normalize_locale, translate
from ipapp.i18n.catalog import MESSAGES
from ipapp.i18n.dates import format_when, oslo_datetime

SOURCE = Path(__file__).resolve().parent.parent / "ipapp"
# Calls that take a catalog key as their first argument.
KEY_CALL = re.compile(r"""\b(?:t|translate|text|labelled|_meeting_list)\(\s*(?:[\w.]+,\s*)?"([a-z_]+\.[a-z_.0-9]+)\"""")


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_key_has_all_three_languages_with_the_same_placeholders(key):
    texts = MESSAGES[key]
    assert set(texts) == set(SUPPORTED_LOCALES), f"{key} lacks a language"
    assert all(texts[loc].strip() for loc in SUPPORTED_LOCALES), f"{key} has an empty text"
    assert {loc: _placeholders(texts[loc]) for loc in SUPPORTED_LOCALES} == {
        loc: _placeholders(texts["nb"]) for loc in SUPPORTED_LOCALES
    }


def test_every_key_used_in_the_code_exists():
    used = set()
    for path in SOURCE.rglob("*.py"):
        used |= set(KEY_CALL.findall(path.read_text()))
    assert used, "the scan found no keys: the pattern is broken"
    assert sorted(used - set(MESSAGES)) == []


@pytest.mark.parametrize(
    "prefix, values",
    [
        ("section", Section),
        ("goal.status", GoalStatus),
        ("contact.role", ContactRole),
        ("meeting.kind", MeetingKind),
        ("invitee", InviteeResponse),
        ("role", PlanRole),
    ],
)
def test_every_vocabulary_value_has_a_label(prefix, values):
    assert [v.value for v in values if f"{prefix}.{v.value}" not in MESSAGES] == []


def test_forged_or_unknown_locales_fall_back_to_bokmal():
    for forged in ["xx", "", None, {"nb": 1}, ["en"], "EN"]:
        assert normalize_locale(forged) == "nb"
    assert translate("nav.me", {"a": 1}) == "Meg"  # type: ignore[arg-type]


def test_times_are_said_in_words_in_oslo_time_across_summer_time():
    # 10:00 in Oslo is 08:00 UTC in summer and 09:00 UTC in winter.
    summer_now = oslo_datetime(date(2027, 6, 1), 9)
    winter_now = oslo_datetime(date(2027, 1, 11), 9)
    assert format_when(oslo_datetime(date(2027, 6, 2), 10), summer_now, "nb") == "i morgen kl. 10.00"
    assert format_when(oslo_datetime(date(2027, 1, 11), 10), winter_now, "nn") == "i dag kl. 10.00"
    assert format_when(oslo_datetime(date(2027, 1, 14), 10), winter_now, "nb") == "torsdag kl. 10.00"
    assert format_when(oslo_datetime(date(2027, 3, 3), 13, 30), winter_now, "en") == "3 March 2027 at 13:30"
