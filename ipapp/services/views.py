"""What the read services hand to the screens: plain, display-ready values, nothing more than allowed."""

from ipapp.services.meeting_reading import DecisionView, InviteeView, MeetingView  # noqa: F401  (re-exported)

from dataclasses import dataclass, field


@dataclass
class MeasureView:
    id: int
    name: str
    provider: str
    frequency: str
    responsible_name: str
    responsible_phone: str
    responsible_phone_href: str
    period: str
    owner_contribution: str
    next_of_kin_contribution: str
    # What an edit form starts from (and the version it must still be when saved).
    goal_id: int = 0
    how: str = ""
    starts_on: str = ""  # YYYY-MM-DD
    ends_on: str = ""
    responsible_contact_id: str = ""  # "" for nobody
    ended: bool = False
    version: int = 1


@dataclass
class GoalView:
    id: int
    title: str
    description: str
    status_label: str
    measures: list[MeasureView] = field(default_factory=list)
    status: str = "active"
    status_note: str = ""
    version: int = 1
    decisions: list[DecisionView] = field(default_factory=list)  # from the meetings' minutes (goal page only)


@dataclass
class MeasureLine:
    """A service as the overview lists it: only what it shows, and the version its move buttons
    need (the goal page has the whole MeasureView)."""
    id: int
    name: str
    responsible_name: str
    frequency: str
    version: int = 1


@dataclass
class GoalSummary:
    """A goal as the overview lists it (a plan of 50 goals and 200 services sends this much)."""
    id: int
    title: str
    status_label: str
    measures: list[MeasureLine] = field(default_factory=list)
    version: int = 1

    @classmethod
    def of(cls, goal: "GoalView") -> "GoalSummary":
        return cls(goal.id, goal.title, goal.status_label,
                   [MeasureLine(m.id, m.name, m.responsible_name, m.frequency, m.version) for m in goal.measures],
                   goal.version)


@dataclass
class ContactView:
    id: int
    name: str
    role_label: str
    title: str
    organisation: str
    phone: str
    phone_href: str
    email: str
    email_href: str
    role: str = ""
    version: int = 1


@dataclass
class TextPart:
    """A piece of a message: text, or a link (href) - the page never renders HTML from a person."""

    text: str
    href: str  # "" for plain text


@dataclass
class MessageView:
    id: int
    sender_name: str
    sent: str
    body: str
    from_me: bool
    parts: list[TextPart] = field(default_factory=list)


@dataclass
class ThreadView:
    id: int
    subject: str
    awaiting_reply: bool
    messages: list[MessageView] = field(default_factory=list)
    unread: int = 0  # messages this reader has not read
    handled: bool = False  # the coordinator marked it handled


@dataclass
class AccessView:
    """One person's access to the plan, as the owner sees it on the sharing page and overview."""

    grant_id: int
    person_name: str
    relation: str
    sections: str
    section_keys: list[str]  # to show the current choice when the owner changes it
    until: str
    status_label: str
    is_effective: bool
    is_revocable: bool  # not already revoked or ended


@dataclass
class PlanHeader:
    plan_id: int
    owner_name: str
    owner_given_name: str
    viewer_is_owner: bool
    acting_as: str
    readable_sections: list[str]
    may_manage_sharing: bool
    writable_parts: list[str] = field(default_factory=list)  # policy.Part values this viewer may change
    closed: bool = False
    coordinator_name: str = ""
    period: str = ""  # in words
    next_review: str = ""
    review_overdue: bool = False
    period_start: str = ""  # YYYY-MM-DD, for the coordinator's form
    period_end: str = ""
    next_review_on: str = ""
    plan_version: int = 1
    substitutes: list[str] = field(default_factory=list)  # "Name, 1. juli – 14. juli 2027": stand-ins now or soon


@dataclass
class OverviewView:
    header: PlanHeader
    goals: list[GoalSummary]
    next_meeting: MeetingView | None
    threads_awaiting_reply: int
    access: list[AccessView]


@dataclass
class AboutView:
    what_matters: str
    resources: str
    needs: str
    version: int  # 0: nothing written yet
    updated: str  # "" when never written


@dataclass
class ChangeView:
    """One line of "Endret siden sist"."""

    text: str  # "Kari Nilsen endret målet «Gå på tur»"
    when: str
    history_href: str  # "" when the item is gone


@dataclass
class MissingView:
    """One line of "Planen mangler"."""

    text: str
    href: str
