"""The icon sprite: well-formed (a browser draws nothing from a broken one), holding every icon
the app names, and refusing a name it lacks when the pages compile."""

import re
from pathlib import Path
from xml.etree import ElementTree

import pytest

from ipapp.components import icon_sprite
from ipapp.components.shell import NAV_ITEMS

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"


def test_the_sprite_is_well_formed_and_each_symbol_is_a_24_unit_drawing():
    root = ElementTree.fromstring(icon_sprite.SPRITE.read_text())
    symbols = root.findall(f"{SVG}symbol")
    assert {symbol.get("id") for symbol in symbols} == icon_sprite.NAMES
    for symbol in symbols:
        assert symbol.get("viewBox") == "0 0 24 24" and symbol.get("stroke") == "currentColor"
        assert len(symbol) > 0, symbol.get("id")
        # every shape carries its geometry (a line's x1/y2 were once dropped: user-plus lost its plus)
        assert all(shape.attrib for shape in symbol), symbol.get("id")


def test_every_icon_the_app_names_is_in_the_sprite():
    named = {name for *_, name in NAV_ITEMS}
    for source in (ROOT / "ipapp").rglob("*.py"):
        named.update(re.findall(r'\bicon\(\s*"([a-z0-9-]+)"', source.read_text()))
    assert named and named <= icon_sprite.NAMES, sorted(named - icon_sprite.NAMES)


def test_a_name_the_sprite_lacks_fails_the_compile_and_the_file_is_named_by_its_content():
    with pytest.raises(ValueError, match="no icon 'not-an-icon'"):
        icon_sprite.href("not-an-icon")
    assert icon_sprite.href("users") == icon_sprite.URL + "#users"
    assert re.fullmatch(r"/assets/icons-[0-9a-f]{12}\.svg", icon_sprite.URL)
    [(path, content)] = icon_sprite.IconSprite().get_static_assets()
    assert path == Path("public") / icon_sprite.URL.lstrip("/") and content == icon_sprite.SPRITE.read_text()
