"""What each plan page shows (and its empty value), and where a notification's link points into
a page: tables PlanState reads, no state of their own."""

from ipapp.domain.ids import parse_id

# Pages a link (a notification's) can point into: the route and the query key of the item it names,
# as ipapp.push.notifications writes them (/moter?plan=P&mote=M, /meldinger?plan=P&samtale=T).
LINKED_ITEM = {"/moter": "mote", "/meldinger": "samtale"}
RETURN_KEY = "ipapp-return"  # sessionStorage: where sign-in brings her back to (register-sw.js)
# Scrolls to the linked item once it is on the page and moves focus to its heading, so a screen
# reader starts there too. Never throws.
FOCUS_LINKED_JS = """(() => { let tries = 0; const go = () => { try {
  const item = document.getElementById(%s);
  if (!item) { if (++tries < 50) setTimeout(go, 100); return; }
  const heading = item.querySelector("h2, h3") || item;
  heading.setAttribute("tabindex", "-1");
  item.scrollIntoView({ block: "start" });
  heading.focus({ preventScroll: true });
} catch (e) {} }; go(); })()"""


def linked_target(route: str, query) -> str | None:
    """The deep link this page was opened with, rebuilt from our route and the two ids as numbers
    (so nothing of the address she came with but those numbers is ever used again), or None."""
    key = LINKED_ITEM.get(route)
    if key is None:
        return None
    plan, item = parse_id(query.get("plan")), parse_id(query.get(key))
    return f"{route}?plan={plan}&{key}={item}" if plan is not None and item is not None else None


# What each page shows, and its empty value. Loading a page empties what another page left, so a
# tab's server-side state holds its own page only (and a page kept across a reload is only its own).
EMPTY = {"goals": [], "next_meeting": None, "threads_awaiting_reply": 0, "access": [], "ending_soon": [],
         "renewal_needed": False, "changes": [], "missing": [], "participants": [], "consent": "", "goal": None,
         "contacts": [], "upcoming_meetings": [], "past_meetings": [], "cancelled_meetings": [], "threads": [],
         "about": None, "notes": [], "history": None, "contact_choices": [], "goal_choices": [],
         "invite_choices": [], "meeting_goal_choices": []}
PAGE_VARS = {
    "load_overview": {"goals", "next_meeting", "threads_awaiting_reply", "access", "ending_soon", "renewal_needed",
                      "changes", "missing", "participants", "consent"},
    "load_goal": {"goal", "contact_choices", "goal_choices"},
    "load_meetings": {"upcoming_meetings", "past_meetings", "cancelled_meetings", "invite_choices", "goal_choices",
                      "meeting_goal_choices", "contact_choices"},
    "load_access": {"access"},
}
