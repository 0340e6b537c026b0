"""The icon sprite (icons.svg, written by scripts/make_icon_sprite.py) as a hashed build file.

It goes out as /assets/icons-<hash>.svg, beside the bundle's own hashed files: cached for a year
(ipapp.api.edge gives /assets/ `immutable`), kept by the service worker like them, and a new
drawing is a new name. Only the standard library and Reflex's plugin base here: rxconfig imports
this module before any app code.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

from reflex_base.plugins.base import Plugin

SPRITE = Path(__file__).with_name("icons.svg")
_CONTENT = SPRITE.read_text()
URL = f"/assets/icons-{hashlib.sha256(_CONTENT.encode()).hexdigest()[:12]}.svg"
NAMES = frozenset(re.findall(r'<symbol id="([a-z0-9-]+)"', _CONTENT))


def href(name: str) -> str:
    """Where icon `name` is drawn; refuses a name the sprite lacks, so the compile fails rather
    than a page showing an empty square."""
    if name not in NAMES:
        raise ValueError(f"no icon {name!r} in {SPRITE.name}: run scripts/make_icon_sprite.py and commit it")
    return f"{URL}#{name}"


class IconSprite(Plugin):
    """Writes the sprite into the web directory's public/assets/, which the build copies as is."""

    def get_static_assets(self, **context):
        return [(Path("public") / URL.lstrip("/"), _CONTENT)]
