"""Write ipapp/components/icons.svg: one <symbol> per icon the app uses, drawn from lucide-react.

Every icon was a lucide-react component: per icon two React components (a forwardRef and its
inner one) and a path element per stroke, rendered on each page and hydrated. From the sprite an
icon is two plain elements (<svg><use href="...#name"/></svg>) and the drawing is parsed once.

Run after adding an icon, and commit the sprite (ipapp.components.icon_sprite refuses a name
that is not in it, so a missing one fails the compile):
    .venv/bin/python scripts/make_icon_sprite.py [--web-dir test-artifacts/web]

The names are found in ipapp's source: every icon("name") call and the bottom menu's NAV_ITEMS.
The drawings come from the lucide-react package a build installed (its node_modules; the version
Reflex pins), so they are the same strokes as before.
"""

from __future__ import annotations

import argparse
import re
import sys
from xml.etree import ElementTree
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SPRITE = ROOT / "ipapp" / "components" / "icons.svg"
ICON_CALL = re.compile(r'\bicon\(\s*"([a-z0-9-]+)"')
NODE = re.compile(r'\[\s*"([a-z]+)",\s*\{([^}]*)\}\s*\]')
ATTRIBUTE = re.compile(r'([A-Za-z][A-Za-z0-9]*):\s*"([^"]*)"')
# lucide's own defaults (defaultAttributes.mjs): on each symbol, so the sprite draws alike wherever used
STROKE = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'


def used_names() -> list[str]:
    from ipapp.components.shell import NAV_ITEMS

    names = {name for *_, name in NAV_ITEMS}
    for source in (ROOT / "ipapp").rglob("*.py"):
        names.update(ICON_CALL.findall(source.read_text()))
    return sorted(names)


def _kebab(name: str) -> str:
    return re.sub(r"[A-Z]", lambda match: "-" + match.group(0).lower(), name)


def symbol(name: str, icons_dir: Path) -> str:
    source = (icons_dir / f"{name}.mjs").read_text()
    nodes = source.split("const __iconNode = [", 1)[1].split("];", 1)[0]
    shapes = []
    for tag, attributes in NODE.findall(nodes):
        pairs = [(_kebab(key), value) for key, value in ATTRIBUTE.findall(attributes) if key != "key"]
        shapes.append(f"<{tag} " + " ".join(f'{key}="{value}"' for key, value in pairs) + "/>")
    if not shapes:
        raise SystemExit(f"make_icon_sprite: no drawing found in {icons_dir / f'{name}.mjs'}")
    return f'<symbol id="{name}" viewBox="0 0 24 24" {STROKE}>' + "".join(shapes) + "</symbol>"


def _license(path: Path, names: list[str]) -> str:
    """The package's notices (ISC, and MIT for the icons drawn from Feather), which must travel with
    every copy; its list of Feather icons cut down to the ones in this sprite."""
    text = path.read_text()
    head, listed = text.split("derived from the Feather project:", 1)
    feather_list, rest = listed.strip().split("\n", 1)
    feather = set(feather_list.replace(" ", "").split(","))
    ours = ", ".join(name for name in names if name in feather) or "none"
    return f"{head}derived from the Feather project: {ours}\n{rest}".strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web-dir", default=str(ROOT / "test-artifacts" / "web"),
                        help="a built Reflex web directory (its node_modules has lucide-react)")
    args = parser.parse_args()
    package = Path(args.web_dir) / "node_modules" / "lucide-react"
    version = re.search(r'"version":\s*"([^"]+)"', (package / "package.json").read_text()).group(1)
    icons_dir = package / "dist" / "esm" / "icons"
    names = used_names()
    lines = [
        '<svg xmlns="http://www.w3.org/2000/svg">',
        f"<!-- Lucide icons from lucide-react {version}, written by scripts/make_icon_sprite.py.",
        re.sub("-{2,}", "-", _license(package / "LICENSE", names)),  # no "--" in a comment
        "-->",
        *(symbol(name, icons_dir) for name in names),
        "</svg>",
    ]
    text = "\n".join(lines) + "\n"
    ElementTree.fromstring(text)  # well-formed, or a browser draws none of it
    SPRITE.write_text(text)
    print(f"{SPRITE.relative_to(ROOT)}: {len(names)} icons, {SPRITE.stat().st_size} bytes")


if __name__ == "__main__":
    main()
