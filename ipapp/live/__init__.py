"""Live updates without polling: a write names the topics it concerns; open tabs wait on them.

Topics carry kinds and ids, never content: a tab that hears of a change reloads through the
services, so the policy decides again what it may show.

  plan:<id>      what someone may see on that plan, or the plan itself, changed
  person:<id>    that person's own access changed elsewhere (e.g. a guardianship)
  session:<id>   that sign-in session ended
"""

from ipapp.live.bus import Subscription, after_commit, bus, listen, publish, subscribe, use_bus

__all__ = ["Subscription", "after_commit", "bus", "listen", "publish", "subscribe", "use_bus"]


def plan_topic(plan_id: int) -> str:
    return f"plan:{plan_id}"


def person_topic(person_id: int) -> str:
    return f"person:{person_id}"


def session_topic(session_id: int) -> str:
    return f"session:{session_id}"


SESSIONS_ENDED = "sessions-ended"  # one topic for the per-worker reaper of ended sessions' tabs
