"""The printable plan as a semantic HTML document and as an accessible PDF (PDF/UA-1).

WeasyPrint turns the HTML into a tagged PDF: headings, lists and tables become the PDF's
structure tree, <html lang> becomes its /Lang and <title> its document title. So the markup
here is the accessibility: real headings in order (h1 > h2 > h3 > h4), lists, a table with
header cells, and no layout-only markup.

A section that is None in the PrintablePlan is left out whole; the caller has already asked the
policy. Every value is user text and is escaped; every fixed text comes from the catalog.
"""

from collections.abc import Callable, Iterable
from functools import partial
from html import escape

from ipapp.i18n import normalize_locale, translate
from ipapp.services.printable import (
    AboutPrint,
    ContactPrint,
    GoalPrint,
    MeasurePrint,
    MeetingPrint,
    NotePrint,
    PrintablePlan,
)

Texts = Callable[..., str]  # translate with the reader's locale already filled in

# A4, print-friendly. DejaVu Sans is on every machine the project sets up and has æøå.
_STYLE = """
@page {
  size: A4;
  margin: 18mm 16mm;
  @bottom-right {
    content: counter(page) " / " counter(pages);
    font: 9pt "DejaVu Sans", sans-serif;
    color: #333;
  }
}
html { font-family: "DejaVu Sans", sans-serif; font-size: 11pt; line-height: 1.4;
       color: #111; background: #fff; }
h1, h2, h3, h4 { color: #0b2e4f; line-height: 1.2; break-after: avoid; }
h1 { font-size: 19pt; margin: 0 0 6pt; }
h2 { font-size: 15pt; margin: 18pt 0 6pt; padding-bottom: 2pt; border-bottom: 1pt solid #444; }
h3 { font-size: 12.5pt; margin: 12pt 0 4pt; }
h4 { font-size: 11pt; margin: 8pt 0 3pt; }
p { margin: 0 0 6pt; }
.version, .printed { margin: 0; color: #333; }
.text, dd { white-space: pre-wrap; }  /* keep the writer's line breaks */
.status { font-weight: bold; }
dl { margin: 0 0 6pt; display: flow-root; }  /* contains the floating labels */
dt { font-weight: bold; float: left; clear: left; width: 45mm; }
dd { margin: 0 0 3pt 48mm; }
.goal-head { break-inside: avoid; break-after: avoid; }  /* a goal starts with its first measure */
.measure { break-inside: avoid; border-left: 3pt solid #5a6f8a; padding: 1pt 0 1pt 8pt;
           margin: 6pt 0 10pt; }
ul { margin: 0 0 6pt; padding-left: 16pt; }
table { width: 100%; border-collapse: collapse; font-size: 9.5pt; }
th, td { text-align: left; vertical-align: top; border: 0.75pt solid #666; padding: 3pt 4pt;
         overflow-wrap: break-word; }
thead th { background: #e6ebf1; }
tr, .meeting { break-inside: avoid; }
.phone { white-space: nowrap; }
.email { overflow-wrap: anywhere; }  /* a long address may break, the table must fit */
"""


def render_html(plan: PrintablePlan) -> str:
    """The whole plan as one HTML5 document in the reader's language."""
    locale = normalize_locale(plan.locale)
    t: Texts = partial(translate, locale=locale)
    title = t("print.title", name=plan.owner_name)
    version = (
        t("print.as_of_current", date=plan.as_of) if plan.is_current else t("print.as_of_past", date=plan.as_of)
    )
    body = [
        f"<h1>{_e(title)}</h1>",
        f'<p class="version">{_e(version)}</p>',
        f'<p class="printed">{_e(t("print.printed", date=plan.printed))}</p>',
    ]
    # The order of the sections is the order of the plan on screen.
    if plan.about is not None:
        body.append(_about(plan.about, t))
    if plan.goals is not None:
        body.append(_goals(plan.goals, t))
    body.append(_people(plan, t))
    if plan.contacts is not None:
        body.append(_contacts(plan.contacts, t))
    if plan.meetings is not None:
        body.append(_meetings(plan.meetings, t))
    if plan.notes is not None:
        body.append(_notes(plan.notes, t))
    body.append(_period_and_consent(plan, t))
    return (
        "<!DOCTYPE html>\n"
        f'<html lang="{locale}">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{_e(title)}</title>\n<style>{_STYLE}</style>\n</head>\n"
        "<body>\n<main>\n" + "\n".join(body) + "\n</main>\n</body>\n</html>\n"
    )


def render_pdf(plan: PrintablePlan) -> bytes:
    """The plan as a tagged PDF/UA-1 file: structure tree, /Lang, title shown, fonts embedded."""
    # Imported here so that the app starts (and render_html works) without loading Pango.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # The document names no file or URL (all text is escaped); refuse any fetch all the same.
    no_fetching = URLFetcher(allowed_protocols=())
    # "pdf/ua-1" turns on tagging (pdf_tags) and PDF 1.7, writes pdfuaid:part=1 and dc:title to
    # the XMP metadata, /Lang from <html lang> and DisplayDocTitle so viewers show the title.
    return HTML(string=render_html(plan), url_fetcher=no_fetching).write_pdf(pdf_variant="pdf/ua-1")


# Building blocks. Each takes user text and escapes it exactly once, here.


def _e(value: str) -> str:
    return escape(value, quote=True)


def _text(value: str, css_class: str = "text") -> str:
    return f'<p class="{css_class}">{_e(value.strip())}</p>'


def _section(heading: str, content: str) -> str:
    return f"<section>\n<h2>{_e(heading)}</h2>\n{content}\n</section>"


def _fields(pairs: Iterable[tuple[str, str]]) -> str:
    """A definition list of the fields that have a value; empty fields are left out."""
    items = [f"<dt>{_e(label)}</dt><dd>{_e(value.strip())}</dd>" for label, value in pairs if value.strip()]
    return f"<dl>{''.join(items)}</dl>" if items else ""


def _about(about: AboutPrint, t: Texts) -> str:
    parts = [
        f"<h3>{_e(label)}</h3>{_text(value)}"
        for label, value in (
            (t("print.about.what_matters"), about.what_matters),
            (t("print.about.resources"), about.resources),
            (t("print.about.needs"), about.needs),
        )
        if value.strip()
    ]
    return _section(t("print.about.heading"), "\n".join(parts) or _text(t("print.about.empty")))


def _goals(goals: tuple[GoalPrint, ...], t: Texts) -> str:
    content = "\n".join(_goal(goal, t) for goal in goals) or _text(t("print.goals.none"))
    return _section(t("print.goals.heading"), content)


def _goal(goal: GoalPrint, t: Texts) -> str:
    head = [f"<h3>{_e(goal.title)}</h3>"]
    if goal.description.strip():
        head.append(_text(goal.description))
    head.append(_text(t("print.goal.status", status=goal.status_label), "status"))
    if goal.status_note.strip():
        head.append(_text(goal.status_note))
    parts = [f'<div class="goal-head">{"".join(head)}</div>']
    parts += [_measure(measure, t) for measure in goal.measures] or [_text(t("print.goal.no_measures"))]
    return '<div class="goal">\n' + "\n".join(parts) + "\n</div>"


def _measure(measure: MeasurePrint, t: Texts) -> str:
    fields = _fields(
        [
            (t("print.measure.provider"), measure.provider),
            (t("print.measure.responsible"), measure.responsible_name),
            (t("print.measure.frequency"), measure.frequency),
            (t("print.measure.period"), measure.period),
            (t("print.measure.how"), measure.how),
            (t("print.measure.owner_contribution"), measure.owner_contribution),
            (t("print.measure.next_of_kin_contribution"), measure.next_of_kin_contribution),
        ]
    )
    return f'<div class="measure"><h4>{_e(measure.name)}</h4>{fields}</div>'


def _people(plan: PrintablePlan, t: Texts) -> str:
    coordinator = plan.coordinator_name.strip() or t("print.people.no_coordinator")
    names = [f"<li>{_e(name)}</li>" for name in plan.participants if name.strip()]
    others = f"<ul>{''.join(names)}</ul>" if names else _text(t("print.people.no_participants"))
    coordinator_heading = t("print.people.coordinator")
    others_heading = t("print.people.participants")
    content = (
        f"<h3>{_e(coordinator_heading)}</h3>{_text(coordinator)}\n<h3>{_e(others_heading)}</h3>{others}"
    )
    return _section(t("print.people.heading"), content)


def _contacts(contacts: tuple[ContactPrint, ...], t: Texts) -> str:
    if not contacts:
        return _section(t("print.contacts.heading"), _text(t("print.contacts.none")))
    labels = [
        t("print.contact.role"),
        t("print.contact.name"),
        t("print.contact.title"),
        t("print.contact.organisation"),
        t("print.contact.phone"),
        t("print.contact.email"),
    ]
    head = "".join(f'<th scope="col">{_e(label)}</th>' for label in labels)
    rows = [
        # The name heads its row, so a screen reader says whose phone number it reads.
        f'<tr><td>{_e(c.role_label)}</td><th scope="row">{_e(c.name)}</th><td>{_e(c.title)}</td>'
        f'<td>{_e(c.organisation)}</td><td class="phone">{_e(c.phone)}</td>'
        f'<td class="email">{_e(c.email)}</td></tr>'
        for c in contacts
    ]
    table = f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
    return _section(t("print.contacts.heading"), table)


def _meetings(meetings: tuple[MeetingPrint, ...], t: Texts) -> str:
    content = "\n".join(_meeting(meeting, t) for meeting in meetings) or _text(t("print.meetings.none"))
    return _section(t("print.meetings.heading"), content)


def _meeting(meeting: MeetingPrint, t: Texts) -> str:
    fields = _fields(
        [
            (t("print.meeting.kind"), meeting.kind_label),
            (t("print.meeting.when"), meeting.when),
            (t("print.meeting.place"), meeting.place),
            (t("print.meeting.minutes"), meeting.minutes),
        ]
    )
    return f'<div class="meeting"><h3>{_e(meeting.title)}</h3>{fields}</div>'


def _notes(notes: tuple[NotePrint, ...], t: Texts) -> str:
    content = "\n".join(
        f'<div class="note"><h3>{_e(t("print.note.written", date=note.written))}</h3>{_text(note.body)}</div>'
        for note in notes
    )
    return _section(t("print.notes.heading"), content or _text(t("print.notes.none")))


def _period_and_consent(plan: PrintablePlan, t: Texts) -> str:
    not_set = t("print.not_set")
    period = _fields(
        [
            (t("print.period.period"), plan.period.strip() or not_set),
            (t("print.period.next_review"), plan.next_review.strip() or not_set),
        ]
    )
    consent = _text(plan.consent.strip() or not_set)
    return _section(t("print.period.heading"), period) + "\n" + _section(t("print.consent.heading"), consent)
