"""Every page in nynorsk and in English, signed in and signed out: no bokmål left over in the visible
text, nor in aria-label, title, placeholder or alt attributes, nor in the tab's title.

The bokmål words to look for come from the catalog itself: words of the nb texts that no nn or en
text of any key has ("ikke", "hvordan", "tjeneren", ...), four letters or more. The people's own
content (the demo plan, what other tests type) is in bokmål on purpose and is left out: a text
that is part of a string in ipapp/demo or tests/browser is theirs, not ours. A failure lists each
page, where on it, the text, and the catalog key whose bokmål it is (if any)."""

import ast
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import col, select

from ipapp import db
from ipapp.i18n.catalog import MESSAGES
from ipapp.models import PlanCoordinator
from ipapp.services import invitations
from test_pages import _sign_in_as

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
WORD = re.compile(r"[^\W\d_]+")
LANGUAGES = [("nn", "Nynorsk"), ("en", "English")]

# The owner's pages (the goal and history pages are found through their links), the coordinator's
# and the unit's own pages, and what anyone may open signed out.
OWNER_PAGES = ["/", "/kontakter", "/om-meg", "/notater", "/moter", "/meldinger", "/deling", "/samtykke",
               "/innsyn", "/meg", "/tilgjengelighet", "/finnes-ikke"]
COORDINATOR_PAGES = ["/planer", "/innboks", "/inviter"]
UNIT_PAGES = ["/enhet", "/enhet/planer", "/vikar"]
SIGNED_OUT_PAGES = ["/logg-inn", "/demo", "/tilgjengelighet", "/finnes-ikke"]

# Every text node (also inside closed <details>) and every label-like attribute, with where it is.
COLLECT_JS = """() => {
  const found = [];
  const skip = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE']);
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT, {acceptNode: (n) =>
    n.parentElement && skip.has(n.parentElement.tagName) ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT});
  while (walker.nextNode()) {
    const text = walker.currentNode.textContent.trim();
    if (text) found.push(['text in <' + walker.currentNode.parentElement.tagName.toLowerCase() + '>', text]);
  }
  for (const name of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description', 'aria-roledescription'])
    for (const el of document.querySelectorAll('[' + name + ']'))
      found.push([name + ' of <' + el.tagName.toLowerCase() + '>', el.getAttribute(name)]);
  found.push(['document title', document.title]);
  return found;
}"""


def _words(text: str) -> set[str]:
    return set(WORD.findall(re.sub(r"\{[^}]*\}", " ", text).lower()))


def _bokmal_only_words() -> frozenset[str]:
    bokmal = set().union(*(_words(texts["nb"]) for texts in MESSAGES.values()))
    elsewhere = set().union(*(_words(texts["nn"]) | _words(texts["en"]) for texts in MESSAGES.values()))
    return frozenset(word for word in bokmal - elsewhere if len(word) >= 4)


def _catalog_pieces() -> list[tuple[str, str, list[str]]]:
    """(key, bokmål text, its fixed pieces between placeholders, ten characters or more)."""
    return [(key, texts["nb"], [p.strip(" .,:") for p in re.split(r"\{[^}]*\}", texts["nb"])
                                if len(p.strip(" .,:")) >= 10])
            for key, texts in MESSAGES.items()]


BOKMAL_ONLY = _bokmal_only_words()
CATALOG = _catalog_pieces()


def _catalog_key(text: str) -> str | None:
    """The key whose bokmål this text is, is part of, or has a piece of: where a leftover comes from."""
    for fits in (lambda bokmal, pieces: text == bokmal,
                 lambda bokmal, pieces: len(text) >= 4 and text in bokmal,
                 lambda bokmal, pieces: any(piece in text for piece in pieces)):
        for key, bokmal, pieces in CATALOG:
            if fits(bokmal, pieces):
                return key
    return None


def _peoples_content() -> list[str]:
    """String literals of the demo plan and of the browser tests that are no catalog text: content
    people typed, in bokmål on purpose."""
    found = set()
    for path in [*(ROOT / "ipapp" / "demo").glob("*.py"), *(ROOT / "tests" / "browser").glob("*.py")]:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and len(node.value.strip()) >= 3:
                found.add(" ".join(node.value.split()))
    # A test that quotes a catalog text (or a part of one) quotes ours, not people's.
    return [literal for literal in found if not any(literal in bokmal for _, bokmal, _ in CATALOG)]


PEOPLES_CONTENT = _peoples_content()


def _is_peoples(text: str) -> bool:
    return any(text == literal or (len(text) >= 6 and text in literal) or (len(literal) >= 8 and literal in text)
               for literal in PEOPLES_CONTENT)


def _leftovers(page, where: str) -> list[str]:
    found = []
    for place, raw in page.evaluate(COLLECT_JS):
        text = " ".join(raw.split())
        bokmal = sorted(_words(text) & BOKMAL_ONLY)
        if bokmal and not _is_peoples(text):
            key = _catalog_key(text)
            source = f"catalog key {key} in bokmål" if key else "not in the catalog (in the code or a library)"
            found.append(f"{where}: {place}: {text[:160]!r} (bokmål: {', '.join(bokmal)}; {source})")
    return found


def _loaded(page, locale: str) -> None:
    """The page's loads have run: its language is set on <html> and nothing says "Henter …"."""
    page.wait_for_function(f"document.documentElement.lang === {locale!r}")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_role("status").filter(has_text=MESSAGES["status.loading"][locale])).to_have_count(0)


def _visit(page, app_url: str, path: str, locale: str) -> list[str]:
    page.goto(f"{app_url}{path}")
    _loaded(page, locale)
    return _leftovers(page, f"{locale} {path}")


def _follow_first(page, app_url: str, href_prefix: str, locale: str) -> list[str]:
    """A page reached through a link on the current one (a goal, an item's history)."""
    link = page.locator(f"main a[href^='{href_prefix}']").first
    expect(link).to_be_attached()
    href = link.get_attribute("href")
    return _visit(page, app_url, href, locale)


def _choose(page, label: str, locale: str) -> None:
    """The language chooser (its radio follows the server's answer, so click and wait for it)."""
    page.get_by_role("radio", name=label).click()
    page.wait_for_function(f"document.documentElement.lang === {locale!r}")


def _say(leftovers: list[str]) -> str:
    return f"{len(leftovers)} bokmål text(s) left over:\n  " + "\n  ".join(leftovers)


@pytest.mark.parametrize("locale, label", LANGUAGES)
def test_the_owners_pages_have_no_bokmal_left_in_nynorsk_and_english(page, app_url, locale, label):
    _sign_in_as(page, app_url, "Sofie")
    page.goto(f"{app_url}/meg")
    _loaded(page, "nb")
    _choose(page, label, locale)  # the chooser on Meg: kept on her too, so put back below
    leftovers: list[str] = []
    try:
        for path in OWNER_PAGES:
            leftovers += _visit(page, app_url, path, locale)
            if path == "/":
                leftovers += _follow_first(page, app_url, "/mal/", locale)
                leftovers += _follow_first(page, app_url, "/historikk/", locale)
    finally:
        page.goto(f"{app_url}/meg")
        _loaded(page, locale)
        _choose(page, "Bokmål", "nb")
    assert leftovers == [], _say(leftovers)


@pytest.mark.parametrize("locale, label", LANGUAGES)
@pytest.mark.parametrize("who, paths", [("Mari", COORDINATOR_PAGES), ("Kari", UNIT_PAGES)])
def test_the_coordinators_and_the_units_pages_have_no_bokmal_left(page, app_url, locale, label, who, paths):
    _sign_in_as(page, app_url, who)
    page.goto(f"{app_url}/meg")
    _loaded(page, "nb")
    _choose(page, label, locale)
    leftovers: list[str] = []
    try:
        for path in paths:
            leftovers += _visit(page, app_url, path, locale)
    finally:
        page.goto(f"{app_url}/meg")
        _loaded(page, locale)
        _choose(page, "Bokmål", "nb")
    assert leftovers == [], _say(leftovers)


def _new_invitation_link() -> str:
    with db.transaction() as session:
        row = session.exec(select(PlanCoordinator).where(col(PlanCoordinator.assigned_until).is_(None))).first()
    form = {"given_name": "Siri", "family_name": "Språksen", "email": "siri.sprak@example.com", "role": "next_of_kin"}
    return invitations.create_invitation(row.coordinator_person_id, row.plan_id, form, "nb").link


@pytest.mark.parametrize("locale, label", LANGUAGES)
def test_the_signed_out_pages_have_no_bokmal_left(page, app_url, app_database, locale, label):
    page.goto(f"{app_url}/logg-inn")
    _loaded(page, "nb")
    _choose(page, label, locale)  # the chooser on the sign-in page: kept on this device only
    leftovers: list[str] = []
    for path in SIGNED_OUT_PAGES:
        leftovers += _visit(page, app_url, path, locale)
    link = _new_invitation_link()
    leftovers += _visit(page, app_url, "/invitasjon/" + link.split("/invitasjon/")[1], locale)
    assert leftovers == [], _say(leftovers)


def test_the_bokmal_word_list_is_made_from_the_catalog_and_finds_what_it_should():
    """The check itself: it knows typical bokmål-only words, none of nynorsk's or English's."""
    assert {"ikke", "hvordan", "henter", "tjeneren"} <= BOKMAL_ONLY
    assert not {"ikkje", "korleis", "hentar", "loading", "plan", "bokmål"} & BOKMAL_ONLY
    assert _is_peoples("Mari Nilsen") and not _is_peoples(MESSAGES["me.no_passkeys"]["nb"])
    assert _catalog_key(MESSAGES["me.no_passkeys"]["nb"]) == "me.no_passkeys"


# How Reflex's state.js (showNewVersionBanner) builds its banner after a deploy: plain DOM, English.
REFLEX_BANNER_JS = """() => {
  const banner = document.createElement("div");
  banner.id = "reflex-new-version-banner";
  banner.setAttribute("role", "alert");
  banner.append("A new version of this app is available.");
  const button = document.createElement("button");
  button.textContent = "Reload";
  banner.append(button);
  document.body.append(banner);
}"""


@pytest.mark.parametrize("locale, label", LANGUAGES)
def test_reflexs_new_version_banner_speaks_the_tabs_language(page, app_url, locale, label):
    page.goto(f"{app_url}/logg-inn")
    _loaded(page, "nb")
    _choose(page, label, locale)
    page.evaluate(REFLEX_BANNER_JS)
    banner = page.locator("#reflex-new-version-banner")
    expect(banner).to_have_attribute("lang", locale)
    expect(banner).to_contain_text(MESSAGES["a11y.new_version"][locale])
    expect(banner.get_by_role("button")).to_have_text(MESSAGES["a11y.reload"][locale])
    assert "A new version of this app" not in banner.inner_text()
