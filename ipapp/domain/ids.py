"""Ids as they arrive from a browser: text that must be a plain positive number."""

import re

_ID = re.compile(r"[0-9]{1,11}")  # ASCII only: "²".isdigit() is true, yet int("²") fails


def parse_id(raw: object) -> int | None:
    """The id in `raw`, or None for anything that is not a plain number."""
    return int(raw) if isinstance(raw, str) and _ID.fullmatch(raw) else None


def at_place(raw: object, items: list):
    """The item at the place the browser chose in a list this server made, or None."""
    place = parse_id(raw)
    return items[place] if place is not None and place < len(items) else None
