"""The wait of a plan tab's watcher (PlanState.watch_access): news on the bus for her or her
plan, the next scheduled change of her access, and now and then whether the tab is still there.
No polling of the database: it is read only when something was heard or a moment has come."""

from ipapp import live
from ipapp.models import utcnow
from ipapp.services import plan_reading

# A watcher wakes for news on the bus, at the next scheduled change, and this often only to see
# whether its tab is still connected (an in-memory look, no database).
CONNECTED_CHECK_SECONDS = 30.0


def _still_connected(client_token: str) -> bool:
    from ipapp.ipapp import (
        app,  # the running app; imported late to avoid an import cycle
    )

    namespace = app.event_namespace
    return namespace is not None and client_token in namespace.token_to_sid


async def next_change(state, news: live.Subscription, token: str, person_id: int, plan_id: int | None) -> str:
    """Wait for what the watcher must act on: "reload", "moved" (the tab now shows another
    person or plan), "signed_out" or "gone" (the tab closed)."""
    while True:
        async with state:
            wake_at = state._wake_at()
        wait = CONNECTED_CHECK_SECONDS
        if wake_at is not None:
            wait = max(0.0, min(wait, (wake_at - utcnow()).total_seconds() + 0.05))
        heard = await news.next(wait)
        if not _still_connected(token):
            return "gone"
        async with state:
            wake_at = state._wake_at()
            if heard is None and (wake_at is None or wake_at > utcnow()):
                continue
            await state._refresh_session()  # an ended session wipes this tab's state here
            if state._person_id is None:
                return "signed_out"
            if (state._person_id, state._plan_id) != (person_id, plan_id):
                return "moved"
            current, state._next_change_at = plan_reading.access_watch(person_id, plan_id)
            if current != state._fingerprint:
                state._clear_content()
                state._fingerprint = current
                return "reload"
            if heard is not None and heard.get("kind") == "content":
                return "reload"  # what the page shows changed (the content issues publish it)
            if heard is not None and heard.get("kind") == "security":
                state.security_notice = state._text("security.recovered_key")  # her other devices are told
