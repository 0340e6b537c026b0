"""The coordinator's inbox across her plans: filter, answer from the list, mark handled. The
browser names an item by its place in the list this server made (never a plan or thread id);
each answer goes to that plan's service, which asks the policy again."""

import reflex as rx

from ipapp.domain.ids import parse_id
from ipapp.services import inbox, messaging
from ipapp.services.editing import EditConflict
from ipapp.services.forms import FormProblem
from ipapp.services.plan_access import AccessDenied
from ipapp.state.endpoints import endpoint
from ipapp.state.session import SessionState


class InboxState(SessionState):
    items: list[inbox.InboxItem] = []
    show: str = "waiting"
    plan_options: list[list[str]] = []  # [place in _plan_ids, owner's name]: filter by plan
    only_plan: str = ""  # "" for every plan, else a place in _plan_ids
    _plan_ids: list[int] = []
    loaded: bool = False
    notice: str = ""
    problem: str = ""

    def _refresh(self) -> None:
        place = parse_id(self.only_plan)
        only = self._plan_ids[place] if place is not None and place < len(self._plan_ids) else None
        self.items = inbox.inbox(self._person_id, self.show, only, self.lang)
        self.loaded = True

    @rx.event
    @endpoint("signed_in")
    def load_inbox(self):
        if (redirect := self._require_person()) is not None:
            return redirect
        self.notice, self.problem = "", ""
        choices = inbox.plan_choices(self._person_id)
        self._plan_ids = [plan_id for plan_id, _ in choices]
        self.plan_options = [[str(i), name] for i, (_, name) in enumerate(choices)]
        self.only_plan = ""
        self._refresh()
        return self._set_html_lang()

    @rx.event
    @endpoint("signed_in", dict)
    def filter_plan(self, form: dict):
        """One plan (its place in the list made here) or all of them."""
        choice = form.get("only_plan")
        self.only_plan = choice if isinstance(choice, str) and parse_id(choice) is not None else ""
        self._refresh()

    @rx.event
    @endpoint("signed_in", str)
    def filter_by(self, show: str):
        if show in inbox.FILTERS:
            self.show = show
            self._refresh()

    def _item(self, raw: object) -> inbox.InboxItem | None:
        choice = parse_id(raw) if isinstance(raw, str) else None
        return self.items[choice] if choice is not None and choice < len(self.items) else None

    def _do(self, action, *args, done: str):
        self.notice, self.problem = "", ""
        try:
            action(*args)
        except FormProblem as problem:
            self.problem = self._text(f"form.problem.{next(iter(problem.problems.values()))}")
            return rx.set_focus("inbox-result")
        except (AccessDenied, EditConflict):
            self.problem = self._text("edit.refused")
            return rx.set_focus("inbox-result")
        self.notice = self._text(done)
        self._refresh()
        return rx.set_focus("inbox-result")

    @rx.event
    @endpoint("signed_in", dict)
    def answer(self, form: dict):
        item = self._item(form.get("choice"))
        if item is None:
            return None
        result = self._do(messaging.reply, self._person_id, item.plan_id, item.thread_id, form, done="edit.message_sent")
        if self.problem:
            return result
        return [rx.call_script(f"document.getElementById('inbox-answer-{form.get('choice')}')?.reset()"), result]

    @rx.event
    @endpoint("signed_in", str)
    def handled(self, choice: str):
        item = self._item(choice)
        if item is None:
            return None
        return self._do(messaging.mark_handled, self._person_id, item.plan_id, item.thread_id, not item.handled,
                        done="edit.handled" if not item.handled else "edit.reopened")
