"""What the plan pages show. Data comes only from ipapp.services; access is decided there."""

import json
import logging
from datetime import date, datetime

import reflex as rx

from ipapp import live
from ipapp.domain.ids import parse_id
from ipapp.services import (
    goal_page,
    grant_endings,
    history,
    meeting_reading,
    menu,
    messaging,
    notes,
    overview_page,
    plan_reading,
    workspace,
)
from ipapp.services.history import HistoryView
from ipapp.services.notes import NoteView
from ipapp.services.plan_access import AccessDenied, app_recheck
from ipapp.services.views import (
    AboutView,
    AccessView,
    ChangeView,
    ContactView,
    GoalSummary,
    GoalView,
    MeetingView,
    MissingView,
    PlanHeader,
    ThreadView,
)
from ipapp.state.endpoints import endpoint
from ipapp.state import tab_watch, tabs
from ipapp.state.page_vars import EMPTY, FOCUS_LINKED_JS, LINKED_ITEM, PAGE_VARS, RETURN_KEY, linked_target
from ipapp.state.session import SessionState

log = logging.getLogger(__name__)


def _parse_id(raw: object) -> int | None:
    """A route's id as an int, or None for anything that is not a plain positive number."""
    return parse_id(raw)


class PlanState(SessionState):
    # Which page this tab shows and what the viewer could open when it loaded (server-side only).
    _loader: str = ""
    _fingerprint: tuple = ()
    _next_change_at: datetime | None = None
    _live_reload: bool = False  # the next load is the watcher's (someone else changed the plan)

    loaded: bool = False
    error: str = ""
    header: PlanHeader | None = None
    goals: list[GoalSummary] = []  # the overview's (the goal page has `goal`)
    next_meeting: MeetingView | None = None
    threads_awaiting_reply: int = 0
    access: list[AccessView] = []
    goal: GoalView | None = None
    contacts: list[ContactView] = []
    upcoming_meetings: list[MeetingView] = []
    past_meetings: list[MeetingView] = []
    cancelled_meetings: list[MeetingView] = []
    threads: list[ThreadView] = []
    ending_soon: list[grant_endings.EndingSoon] = []
    renewal_needed: bool = False
    changes: list[ChangeView] = []
    missing: list[MissingView] = []
    participants: list[str] = []
    consent: str = ""
    about: AboutView | None = None
    notes: list[NoteView] = []
    history: HistoryView | None = None
    # The version of each item its edit form started from ("goal:12" -> 3). Set when a page is
    # opened or after one's own save, never by a reload for someone else's change: so a save
    # over another person's change is seen as a conflict, not made silently.
    form_versions: dict[str, int] = {}
    contact_choices: list[list[str]] = []  # the goal page's forms: who can be responsible
    goal_choices: list[list[str]] = []  # and which goal a service can move to
    invite_choices: list[list[str]] = []  # the meetings page's forms: who can be invited
    meeting_goal_choices: list[list[str]] = []  # and which goals a meeting concerns ("goal_5", title)
    # A link to one meeting or thread (/moter?plan=P&mote=M): the one shown first and focused, if
    # it is among those she may see; otherwise `link_missing` (the same for gone and not hers).
    linked_id: int = 0
    link_missing: bool = False

    @rx.var
    def writable_parts(self) -> list[str]:
        return self.header.writable_parts if self.header else []

    @rx.var
    def plan_closed(self) -> bool:
        return bool(self.header and self.header.closed)

    @rx.var
    def owner_name(self) -> str:
        return self.header.owner_name if self.header else ""

    @rx.var
    def overview_title(self) -> str:
        if self.header is None:
            return self._text("overview.title_unknown")
        if self.header.viewer_is_owner:
            return self._text("overview.title_own")
        return self._text("overview.title_other", name=self.header.owner_given_name)

    @rx.var
    def viewer_is_owner(self) -> bool:
        return bool(self.header and self.header.viewer_is_owner)

    @rx.var
    def may_manage_sharing(self) -> bool:
        return bool(self.header and self.header.may_manage_sharing)

    @rx.var
    def readable_sections(self) -> list[str]:
        return self.header.readable_sections if self.header else []

    @rx.event
    @endpoint("signed_in", dict)
    def open_earlier(self, form: dict):
        """The plan as it stood at the end of a chosen day: the print view or the PDF. The route
        checks the reader again (the policy decides there, as on every read)."""
        day, kind = form.get("dato"), form.get("format")
        if not isinstance(day, str) or len(day) != 10 or self._plan_id is None:
            return None
        try:
            chosen = date.fromisoformat(day)
        except ValueError:
            return None
        path = "/utskrift.pdf" if kind == "pdf" else "/utskrift"
        url = f"{path}?plan={self._plan_id}&dato={chosen.isoformat()}&lang={self.lang}"
        return rx.call_script(f"window.location.assign({json.dumps(url)})")

    def _sign_in_redirect(self):
        """Signed out on a page a link points into: after sign-in she comes back to it. The target
        goes to this tab's sessionStorage; register-sw.js follows it from the page sign-in lands on."""
        redirect = super()._sign_in_redirect()
        target = linked_target(self.router.route_id, self.router.url.query_parameters)
        if target is None:
            return redirect
        remember = (f"try {{ sessionStorage.setItem({json.dumps(RETURN_KEY)}, JSON.stringify("
                    f"{{to: {json.dumps(target)}, at: Date.now()}})); }} catch (e) {{}}")
        return [rx.call_script(remember), redirect]

    def _follow_link(self) -> int | None:
        """The item this page's link names. A link into another of her plans makes it the tab's
        plan when she may open it (as "Mine planer" would); what she sees is decided on the read."""
        self.linked_id, self.link_missing = 0, False
        key = LINKED_ITEM.get(self.router.route_id)
        query = self.router.url.query_parameters
        item = parse_id(query.get(key)) if key else None
        if item is None or self._person_id is None:
            return None
        plan_id = parse_id(query.get("plan"))
        if plan_id is not None and plan_id != self._plan_id and workspace.may_open(self._person_id, plan_id):
            self._session_root()._plan_id = plan_id
        return item

    def _show_linked(self, events, wanted: int | None, shown: list[int], prefix: str, again: bool):
        """Focus the linked item when it is one she sees; `again`: a reload for someone else's
        change, which must not pull her screen back to it."""
        if wanted is None or not isinstance(events, list):
            return events
        if wanted not in shown:
            self.link_missing = True
            return events
        self.linked_id = wanted
        return events if again else [*events, rx.call_script(FOCUS_LINKED_JS % json.dumps(f"{prefix}-{wanted}"))]

    def _start(self, loader: str) -> tuple[bool, object]:
        """Common start of every page load: clear what was shown, check sign-in. Returns whether
        the load ends here and what it returns then (the sign-in redirect, or nothing when there
        is no plan to open). `loaded` and `error` are set only when they change (`_show`): the
        load's one delta then carries nothing for a page opened again as it was."""
        mine = PAGE_VARS.get(loader, {loader.removeprefix("load_")})
        self._show(**{name: empty for name, empty in EMPTY.items() if name not in mine})
        redirect = self._require_person()
        if redirect is not None:
            self.header = None
            self._show(error="", loaded=False)
            return True, redirect
        if self._plan_id is None:
            self._show(error=self._text("error.no_plan"), loaded=True)
            return True, None
        self._show(error="")
        return False, None

    def _denied(self, denied: AccessDenied):
        log.info("access denied: %s", denied.reason)
        self._show(error=self._text("error.not_available"), loaded=True)

    @rx.event
    @endpoint("signed_in")
    def load_overview(self):
        done, early = self._start("load_overview")
        if done:
            return early
        try:
            with app_recheck(self._live_reload):  # the watcher's reload is not her attempt
                page = overview_page.open_overview(self._person_id, self._plan_id, self.lang, self._session_id)
        except AccessDenied as denied:
            self.header = None
            self._denied(denied)
            return self._finish("load_overview")
        overview = page.overview
        self._show(header=overview.header, goals=overview.goals, next_meeting=overview.next_meeting,
                   threads_awaiting_reply=overview.threads_awaiting_reply, access=overview.access,
                   ending_soon=page.ending_soon, renewal_needed=page.renewal_needed, changes=page.changes,
                   missing=page.missing, participants=page.participants, consent=page.consent)
        self._remember_versions(overview.header)  # the overview's only edit form is the plan period's
        self._show(loaded=True)
        return self._finish("load_overview", (page.fingerprint, page.next_change_at))

    @rx.event
    @endpoint("signed_in")
    def load_me(self):
        """"Meg" works for everyone signed in, also those who may open no plan (to sign out)."""
        if (redirect := self._require_person()) is not None:
            return redirect
        self._show(error="", **EMPTY)  # Meg shows nothing of the plan's pages
        try:
            header = plan_reading.read_header(self._person_id, self._plan_id, self.lang)
        except AccessDenied:
            header = None  # the page needs no plan; the header just shows no owner
        self._show(header=header, menu=menu.routes_for(header, self._is_unit_admin), loaded=True)
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in")
    def load_goal(self):
        goal_id = _parse_id(self.router._page.params.get("goal_id"))
        return self._load_section("goal", goal_page.goal_page_in, goal_id)

    @rx.event
    @endpoint("signed_in")
    def load_contacts(self):
        return self._load_section("contacts", plan_reading.contacts_in)

    @rx.event
    @endpoint("signed_in")
    def load_about(self):
        return self._load_section("about", history.about_in)

    @rx.event
    @endpoint("signed_in")
    def load_notes(self):
        return self._load_section("notes", notes.notes_in)

    @rx.event
    @endpoint("signed_in")
    def load_history(self):
        self.history = None
        params = self.router._page.params
        return self._load_section("history", history.history_in, params.get("kind"),
                                  _parse_id(params.get("item_id")))

    @rx.event
    @endpoint("signed_in")
    def load_meetings(self):
        again, wanted = self._live_reload, self._follow_link()
        events = self._load_section("meetings", meeting_reading.meetings_page_in)
        shown = [m.id for m in self.upcoming_meetings + self.past_meetings + self.cancelled_meetings]
        return self._show_linked(events, wanted, shown, "mote", again)

    @rx.event
    @endpoint("signed_in")
    def load_threads(self):
        again, wanted = self._live_reload, self._follow_link()
        events = self._load_section("threads", plan_reading.threads_in)
        if self.threads:  # what she now sees is read (shown as unread this once)
            messaging.mark_read(self._person_id, self._plan_id)
        return self._show_linked(events, wanted, [t.id for t in self.threads], "samtale", again)

    @rx.event
    @endpoint("signed_in")
    def load_access(self):
        return self._load_section("access", plan_reading.access_in)

    def _load_section(self, name: str, read_in, *args):
        """One section's page in one transaction (plan_reading.open_section): the header, the
        section through `read_in`, and what the tab watches."""
        done, early = self._start(f"load_{name}")
        if done:
            return early
        try:
            with app_recheck(self._live_reload):  # the watcher's reload is not her attempt
                page = plan_reading.open_section(self._person_id, self._plan_id, self.lang, read_in, *args)
        except AccessDenied as denied:  # the viewer may open nothing of this plan
            self.header = None
            self._show(**EMPTY)  # nothing of the plan stays on a page she may not open
            self._denied(denied)
            return self._finish(f"load_{name}")
        self._show(header=page.header)
        if page.denied is not None:
            self._denied(page.denied)
        content = page.content  # the read's own values: reading them back from the state wraps them in proxies
        if name == "meetings":
            upcoming, past = (content.upcoming, content.past) if content else ([], [])
            goal_choices = content.goal_choices if content else []
            self._show(upcoming_meetings=upcoming, past_meetings=past,
                       cancelled_meetings=content.cancelled if content else [],
                       invite_choices=content.invite_choices if content else [], goal_choices=goal_choices,
                       meeting_goal_choices=[[f"goal_{g}", title] for g, title in goal_choices],
                       contact_choices=content.contact_choices if content else [])
        elif name == "goal":
            self._show(goal=content.goal if content else None,
                       contact_choices=content.contact_choices if content else [],
                       goal_choices=content.goal_choices if content else [])
        elif name in ("about", "history"):
            self._show(**{name: content})
        else:
            self._show(**{name: content or []})
        self._remember_versions(page.header,
                                goals=[content.goal] if name == "goal" and content and content.goal else [],
                                contacts=(content or []) if name == "contacts" else [],
                                notes=(content or []) if name == "notes" else [],
                                meetings=upcoming + past if name == "meetings" else [],
                                about=content if name == "about" else None)
        self._show(loaded=True)
        return self._finish(f"load_{name}", page.watch)

    def _remember_versions(self, header, goals=(), contacts=(), notes=(), about=None, meetings=()) -> None:
        """What each edit form starts from; a reload for someone else's change keeps the old."""
        if self._live_reload:
            self._live_reload = False
            return
        versions = {}
        if header is not None:
            versions["plan"] = header.plan_version
        for goal in goals:
            versions[f"goal:{goal.id}"] = goal.version
            versions.update({f"measure:{m.id}": m.version for m in goal.measures})
        versions.update({f"contact:{c.id}": c.version for c in contacts})
        versions.update({f"note:{n.id}": n.version for n in notes})
        versions.update({f"meeting:{m.id}": m.version for m in meetings})
        if about is not None:
            versions["about"] = about.version
        self._show(form_versions=versions)

    def _finish(self, loader: str, watch: tuple | None = None) -> list:
        """End of a page load: remember the page and the viewer's access (`watch`, when the
        page's read already had it), and watch this tab."""
        self._loader = loader
        self._live_reload = False
        self._show(menu=menu.routes_for(self.header, self._is_unit_admin))
        self._fingerprint, self._next_change_at = watch or plan_reading.access_watch(self._person_id, self._plan_id)
        events = [self._set_html_lang()]
        if not tabs.watching(self.router.session.client_token):
            events.append(PlanState.watch_access)
        return events

    def _wake_at(self) -> datetime | None:
        ends = [t for t in (self._next_change_at, self._session_ends_at) if t is not None]
        return min(ends) if ends else None

    @rx.event(background=True)
    @endpoint("signed_in")
    async def watch_access(self):
        """While the tab is open: when what the viewer may open changes (a grant revoked, a
        consent withdrawn, a grant or the session ended), reload the page at once, so content
        they may no longer see leaves their screen and this server-side state. Waits on the
        bus and on the next scheduled change; one per tab, however often it is called."""
        token = self.router.session.client_token
        if not tabs.claim_watch(token):
            return
        try:
            while True:
                async with self:
                    person_id, plan_id = self._person_id, self._plan_id
                if person_id is None:
                    return
                topics = {live.person_topic(person_id)} | ({live.plan_topic(plan_id)} if plan_id else set())
                with live.subscribe(topics) as news:
                    while (outcome := await tab_watch.next_change(self, news, token, person_id, plan_id)) == "reload":
                        async with self:
                            loader = self._loader
                            self._live_reload = bool(loader)
                        if loader:
                            yield getattr(PlanState, loader)
                if outcome == "signed_out":
                    yield self._sign_in_redirect()
                if outcome != "moved":
                    return
        finally:
            tabs.release_watch(token)

    def _clear_content(self) -> None:
        self.header = None
        self._show(**EMPTY)
