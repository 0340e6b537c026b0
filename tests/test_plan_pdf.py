"""The printable plan: semantic, escaped HTML and a tagged PDF/UA-1 file (no browser, no database)."""

import io
import logging
import re
from dataclasses import replace

import pytest
from pypdf import PdfReader

from ipapp.services.plan_pdf import render_html, render_pdf
from ipapp.services.printable import (
    AboutPrint,
    ContactPrint,
    GoalPrint,
    MeasurePrint,
    MeetingPrint,
    NotePrint,
    PrintablePlan,
)

NOTE_BODY = "Husk å spørre om <script>alert('x')</script> & transport."


def _plan(**changes) -> PrintablePlan:
    plan = PrintablePlan(
        locale="nb",
        owner_name="Åse Øvrebø",
        as_of="3. mars 2026",
        is_current=False,
        printed="5. mars 2026",
        coordinator_name="Kari Nordmann",
        period="fra 1. mars 2026 til 1. mars 2027",
        next_review="1. september 2026",
        consent="Signert 1. mars 2026",
        participants=("Per Hansen (fastlege)", "Ola Ærø (pårørende)"),
        about=AboutPrint(
            what_matters="Å gå tur med hunden.\nÅ møte venner.",
            resources="Jeg lager god mat.",
            needs="Ord med æøå og ÆØÅ: søknader & skjemaer.",
        ),
        goals=(
            GoalPrint(
                title="Bo trygt hjemme",
                status_label="Jobber med det",
                status_note="Går bedre nå.",
                measures=(
                    MeasurePrint(
                        name="Hjemmesykepleie",
                        provider="Bergen kommune",
                        responsible_name="Siri Lærum",
                        frequency="To ganger i uka",
                        period="fra 1. mars 2026",
                        how="Kommer morgen og kveld.\nHjelper med medisiner.",
                        owner_contribution="Jeg har dosetten klar.",
                        next_of_kin_contribution="Ola handler på lørdager.",
                    ),
                    MeasurePrint(name="Støttekontakt"),  # every other field empty
                ),
            ),
            GoalPrint(title="Komme i jobb", status_label="På pause"),
        ),
        contacts=(
            ContactPrint(
                name="Torill Telefonsen",
                role_label="Fastlege",
                organisation="Møhlenpris legekontor",
                phone="55 12 34 56",
                email="torill@example.no",
            ),
        ),
        meetings=(
            MeetingPrint(title="Ansvarsgruppemøte i mars", kind_label="Ansvarsgruppemøte", when="10. mars 2026"),
        ),
        notes=(NotePrint(written="2. mars 2026", body=NOTE_BODY),),
    )
    return replace(plan, **changes)


def _pdf(plan: PrintablePlan) -> PdfReader:
    return PdfReader(io.BytesIO(render_pdf(plan)))


def _text(reader: PdfReader) -> str:
    return "\n".join(page.extract_text() for page in reader.pages)


def _structure_tags(reader: PdfReader) -> list[str]:
    """The structure types of the tag tree, depth first."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, dict):
            if "/S" in node:
                found.append(str(node["/S"]))
            kids = node.get("/K", [])
            for kid in kids if isinstance(kids, list) else [kids]:
                if not isinstance(kid, int):
                    walk(kid)

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


@pytest.fixture(scope="module")
def nb_pdf() -> PdfReader:
    return _pdf(_plan())


# HTML


def test_html_escapes_user_text():
    html = render_html(_plan(owner_name='Ola "<b>" Nordmann'))
    assert "<script>" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; transport." in html
    assert "<b>" not in html and "Ola &quot;&lt;b&gt;&quot; Nordmann" in html
    assert "søknader &amp; skjemaer" in html


def test_html_is_a_whole_document_in_the_readers_language():
    html = render_html(_plan())
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="nb">' in html
    assert "<title>Individuell plan for Åse Øvrebø</title>" in html
    assert html.count("<h1") == 1
    assert "Planen slik den var 3. mars 2026" in html
    assert "Skrevet ut 5. mars 2026" in html
    assert "Planen per 3. mars 2026" in render_html(_plan(is_current=True))
    assert "white-space: pre-wrap" in html and "size: A4" in html


def test_sections_come_in_the_plans_order():
    headings = re.findall(r"<h2>(.*?)</h2>", render_html(_plan()))
    assert headings == [
        "Om meg",
        "Mål og tiltak",
        "Hvem er med",
        "Kontakter",
        "Møter",
        "Mine notater",
        "Planperiode og evaluering",
        "Samtykke",
    ]


def test_a_section_the_reader_may_not_see_is_left_out_whole():
    html = render_html(_plan(about=None, goals=None, contacts=None, meetings=None, notes=None))
    headings = re.findall(r"<h2>(.*?)</h2>", html)
    assert headings == ["Hvem er med", "Planperiode og evaluering", "Samtykke"]
    for hidden in ["Om meg", "Bo trygt hjemme", "Torill", "Ansvarsgruppemøte", "Husk å spørre"]:
        assert hidden not in html


def test_empty_fields_are_left_out_and_empty_sections_say_so():
    html = render_html(_plan())
    support = html[html.index("Støttekontakt") :]
    support = support[: support.index("</div>")]
    assert "<dl>" not in support and "Hvem gir tjenesten" not in support
    assert "Ingen tiltak er lagt til for dette målet." in html  # the second goal has none
    empty = render_html(_plan(goals=(), contacts=(), meetings=(), notes=()))
    for says in ["Det er ikke skrevet noen mål ennå.", "Ingen kontakter er lagt inn.", "Ingen møter er satt opp."]:
        assert says in empty


def test_nynorsk_and_english_have_their_own_fixed_texts():
    nn = render_html(_plan(locale="nn"))
    assert '<html lang="nn">' in nn
    assert all(text in nn for text in ["Kontaktar", "Notata mine", "Planen slik han var 3. mars 2026"])
    en = render_html(_plan(locale="en"))
    assert '<html lang="en">' in en
    assert all(text in en for text in ["About me", "Goals and services", "Individual plan for Åse Øvrebø"])


# PDF


def test_pdf_carries_the_plans_text_intact(nb_pdf):
    text = _text(nb_pdf)
    for expected in ["Åse Øvrebø", "Bo trygt hjemme", "Komme i jobb", "3. mars 2026", "æøå og ÆØÅ"]:
        assert expected in text
    assert "<script>alert('x')</script>" in text  # shown as text, never run as markup


def test_pdf_declares_pdf_ua_1_is_tagged_and_has_title_and_language(nb_pdf):
    catalog = nb_pdf.trailer["/Root"]
    xmp = catalog["/Metadata"].get_object().get_data().decode()
    assert re.search(r'pdfuaid:part(="1"|>1<)', xmp)
    assert "Individuell plan for Åse Øvrebø" in xmp  # dc:title
    assert catalog["/MarkInfo"]["/Marked"] == True  # noqa: E712 (a pypdf BooleanObject)
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "nb"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"] == True  # noqa: E712
    assert nb_pdf.metadata.title == "Individuell plan for Åse Øvrebø"


def test_pdf_structure_follows_the_headings_lists_and_table(nb_pdf):
    tags = _structure_tags(nb_pdf)
    assert tags.count("/H1") == 1
    assert tags.count("/H2") == 8
    assert {"/H3", "/H4", "/L", "/LI", "/Table", "/TH", "/TD"} <= set(tags)


def test_pdf_leaves_out_sections_the_reader_may_not_see():
    text = _text(_pdf(_plan(notes=None, contacts=None)))
    for hidden in ["Mine notater", "Husk å spørre", "Kontakter", "Torill Telefonsen", "torill@example.no", "E-post"]:
        assert hidden not in text
    assert "Bo trygt hjemme" in text


@pytest.mark.parametrize(
    "locale, headings",
    [
        ("nn", ["Om meg", "Kontaktar", "Møte", "Notata mine", "Kven er med", "Planen slik han var"]),
        ("en", ["About me", "Goals and services", "Contacts", "My notes", "Plan period and review"]),
    ],
)
def test_pdf_in_nynorsk_and_english(locale, headings):
    reader = _pdf(_plan(locale=locale))
    text = _text(reader)
    assert all(heading in text for heading in headings)
    assert reader.trailer["/Root"]["/Lang"] == locale


def test_rendering_logs_no_weasyprint_errors(caplog):
    # WeasyPrint logs (rather than raises) a missing lang, an image without alt, a CSS mistake, a fetch.
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        render_pdf(_plan())
    assert [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")] == []
