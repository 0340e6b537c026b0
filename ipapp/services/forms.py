"""Reading a form as it arrives from a browser: every field is untrusted text (or missing).

Each reader returns the clean value or records a problem code for the field; the service
raises FormProblem with all of them at once, before it writes anything, so the page can show
every message next to its field and keep what was typed.
"""

import re
from datetime import date

from ipapp.domain.ids import parse_id

LONG_TEXT = 5000  # "about me", descriptions, notes: a page of text
SHORT_TEXT = 200
_PHONE = re.compile(r"\+?[0-9 ()\-]{3,40}")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class FormProblem(Exception):
    """Nothing was written. `problems` maps a field's name to a problem code (catalog:
    form.problem.<code>)."""

    def __init__(self, problems: dict[str, str]):
        super().__init__(", ".join(f"{k}={v}" for k, v in problems.items()))
        self.problems = problems


class Form:
    """One form's fields; collects problems as they are read."""

    def __init__(self, raw: object):
        self.raw = raw if isinstance(raw, dict) else {}
        self.problems: dict[str, str] = {}

    def _raw_text(self, name: str) -> str:
        value = self.raw.get(name, "")
        return value if isinstance(value, str) else ""

    def text(self, name: str, *, max_length: int = SHORT_TEXT, required: bool = False) -> str:
        value = self._raw_text(name).strip()
        if required and not value:
            self.problems[name] = "required"
        elif len(value) > max_length:
            self.problems[name] = f"too_long_{max_length}"
        return value

    def choice(self, name: str, allowed: set[str] | frozenset[str]) -> str:
        value = self._raw_text(name)
        if value not in allowed:
            self.problems[name] = "choose_one"
        return value

    def day(self, name: str, *, required: bool = False) -> date | None:
        """An <input type="date"> value (YYYY-MM-DD)."""
        value = self._raw_text(name).strip()
        if not value:
            if required:
                self.problems[name] = "required"
            return None
        try:
            if len(value) != 10:  # fromisoformat also takes "20270301", which no date input sends
                raise ValueError(value)
            return date.fromisoformat(value)
        except ValueError:
            self.problems[name] = "not_a_date"
            return None

    def optional_id(self, name: str) -> int | None:
        """A chosen item (a select's value): empty is none; anything else must be an id."""
        value = self._raw_text(name).strip()
        if not value:
            return None
        parsed = parse_id(value)
        if parsed is None:
            self.problems[name] = "choose_one"
        return parsed

    def phone(self, name: str) -> str:
        value = self.text(name, max_length=40)
        if value and not _PHONE.fullmatch(value):
            self.problems[name] = "not_a_phone"
        return value

    def email(self, name: str) -> str:
        value = self.text(name, max_length=320)
        if value and not _EMAIL.fullmatch(value):
            self.problems[name] = "not_an_email"
        return value

    def version(self) -> int | None:
        """The version the person started from (a hidden field): None when the form has none."""
        return parse_id(self._raw_text("version"))

    def problem(self, name: str, code: str) -> None:
        self.problems.setdefault(name, code)

    def done(self) -> None:
        if self.problems:
            raise FormProblem(self.problems)

