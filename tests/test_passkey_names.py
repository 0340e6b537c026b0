"""A passkey is named after the device it was made on, in the person's language; she can rename it
under Meg (the browser names the key by its place in her list, never by its id); and a key made
before keys had names reads as the device and date it was added, or plainly as its date.

Real services, a real software authenticator, the handlers called the way a browser's event would."""

import json

import pytest
import reflex as rx
from living_plan import make_plan
from reflex.istate.data import RouterData
from soft_authenticator import SoftAuthenticator
from sqlmodel import select

import ipapp.ipapp  # noqa: F401  (registers every page and state)
from ipapp import db
from ipapp.auth import sessions
from ipapp.i18n.dates import format_date, oslo_today
from ipapp.models import PasskeyCredential, utcnow
from ipapp.services import accounts, invitations
from ipapp.state.me import MeState
from ipapp.state.session import SessionState
from ipapp.state.sign_in import InvitationState

ORIGIN = "http://localhost:3000"
ANDROID_CHROME = ("Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
                  "Chrome/126.0.0.0 Mobile Safari/537.36")
IPHONE_SAFARI = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "Version/17.5 Mobile/15E148 Safari/604.1")
IPHONE_CHROME = ("Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                 "CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1")
WINDOWS_EDGE = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
                "Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0")


@pytest.fixture
def plan(service_engine):
    return make_plan()


@pytest.mark.parametrize("agent, locale, name", [
    (ANDROID_CHROME, "nb", "Chrome på Android"),
    (IPHONE_SAFARI, "nn", "Safari på iPhone"),
    (IPHONE_CHROME, "en", "Chrome on iPhone"),  # "Safari/" is in its user agent too
    (WINDOWS_EDGE, "nb", "Edge på Windows"),  # and "Chrome/" in Edge's
    ("Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0", "en", "Firefox on Linux"),
    ("curl/8.5.0", "nb", ""),
    ("", "nb", ""),
    ({"forged": "agent"}, "nb", ""),
])
def test_a_new_passkey_is_named_after_the_device_in_her_language(agent, locale, name):
    assert accounts.passkey_name(agent, locale) == name


# --- helpers -----------------------------------------------------------------------------------


def _tab(state_cls: type[rx.State]):
    root = rx.State(_reflex_internal_init=True)
    session = root.get_substate(SessionState.get_full_name().split(".")[1:])
    return session.get_substate(state_cls.get_full_name().split(".")[2:])


def _browser(tab, agent: str, cookie: str = "", code: str = "", locale: str = "nb") -> None:
    root = tab.parent_state.parent_state
    root.router = RouterData.from_router_data({"headers": {"cookie": cookie, "user-agent": agent},
                                                "query": {"code": code} if code else {}})
    tab.parent_state.locale = locale


def _me(person_id: int, agent: str, locale: str = "nb") -> MeState:
    raw = sessions.start_session(accounts.account_id_for(person_id), agent, method="demo")
    me = _tab(MeState)
    _browser(me, agent, cookie=f"{sessions.SESSION_COOKIE}={raw}", locale=locale)
    MeState.load_passkeys.fn(me)
    return me


def _labels(person_id: int) -> list[str]:
    return [p.label for p in accounts.my_passkeys(person_id)]


def _add_on_meg(me: MeState, person_id: int, phone: SoftAuthenticator) -> None:
    """The browser's answer to the registration ceremony, to a challenge issued for her account."""
    MeState.add_result.fn(me, phone.register(accounts.new_passkey_options(person_id)))


def _today(locale: str) -> str:
    return format_date(oslo_today(utcnow()), locale)


# --- naming at registration --------------------------------------------------------------------


def test_the_invitation_page_names_the_passkey_after_the_phone_it_is_made_on(plan):
    code = plan.invitations["owner"].code
    page = _tab(InvitationState)
    _browser(page, IPHONE_SAFARI, code=code, locale="nn")
    InvitationState.load_invitation.fn(page)
    assert page.problem == "" and page.register_script
    # The name travels with the credential to the route that finishes the registration.
    assert f"label: {json.dumps('Safari på iPhone')}" in page.register_script
    invitations.redeem(code, SoftAuthenticator(origin=ORIGIN).register(invitations.registration_options(code)),
                       "Safari på iPhone")
    assert _labels(plan.owner_id) == ["Safari på iPhone"]


def test_a_passkey_added_on_meg_is_named_after_this_device(plan):
    code = plan.invitations["owner"].code
    invitations.redeem(code, SoftAuthenticator(origin=ORIGIN).register(invitations.registration_options(code)),
                       "Telefon")
    me = _me(plan.owner_id, WINDOWS_EDGE, locale="en")
    _add_on_meg(me, plan.owner_id, SoftAuthenticator(origin=ORIGIN))
    assert me.problem == "" and me.notice == "The passkey is added."
    assert _labels(plan.owner_id) == ["Telefon", "Edge on Windows"]
    assert [row.label for row in me.passkeys] == ["Telefon", "Edge on Windows"]


# --- renaming: a place in her list, a length limit ---------------------------------------------


@pytest.fixture
def two_keys(plan):
    code = plan.invitations["owner"].code
    invitations.redeem(code, SoftAuthenticator(origin=ORIGIN).register(invitations.registration_options(code)),
                       "Telefon")
    me = _me(plan.owner_id, ANDROID_CHROME)
    _add_on_meg(me, plan.owner_id, SoftAuthenticator(origin=ORIGIN))
    assert _labels(plan.owner_id) == ["Telefon", "Chrome på Android"]
    return plan, me


def test_she_renames_a_key_chosen_by_its_place_in_her_list(two_keys):
    plan, me = two_keys
    MeState.rename_from_form.fn(me, {"choice": "1", "label": "  Jobbtelefonen  "})
    assert me.problem == "" and me.notice == "Navnet er lagret."
    assert _labels(plan.owner_id) == ["Telefon", "Jobbtelefonen"]
    assert [row.label for row in me.passkeys] == ["Telefon", "Jobbtelefonen"]


@pytest.mark.parametrize("form", [
    {"choice": "2", "label": "Utenfor lista"},  # no third key in her list
    {"choice": "-1", "label": "Bakerst"},
    {"choice": "1e0", "label": "Ikke et tall"},
    {"choice": 1, "label": "Et tall, ikke tekst"},
    {"label": "Uten valg"},
    {"choice": "1", "label": "x" * 101},  # longer than the limit
    {"choice": "1", "label": "   "},
    {"choice": "1", "label": "To\nlinjer"},
    {"choice": "1", "label": ["liste"]},
    {"choice": "1"},
])
def test_a_rename_that_does_not_fit_changes_nothing_and_says_so(two_keys, form):
    plan, me = two_keys
    MeState.rename_from_form.fn(me, form)
    assert me.problem == "Navnet må ha 1 til 100 tegn. Ingenting ble endret." and me.notice == ""
    assert _labels(plan.owner_id) == ["Telefon", "Chrome på Android"]


def test_a_key_id_from_the_browser_is_only_ever_a_place_in_her_own_list(two_keys, plan):
    plan, me = two_keys
    # Someone else's key, and its database id sent as if it were a place: never reached.
    kin_code = plan.invitations["next_of_kin"].code
    invitations.redeem(kin_code, SoftAuthenticator(origin=ORIGIN).register(
        invitations.registration_options(kin_code)), "Monas telefon")
    with db.transaction() as session:
        kin_key = session.exec(select(PasskeyCredential.id).where(PasskeyCredential.label == "Monas telefon")).one()
    MeState.rename_from_form.fn(me, {"choice": str(kin_key), "label": "Tatt over"})
    MeState.remove_passkey.fn(me, kin_key)
    assert _labels(plan.next_of_kin_id) == ["Monas telefon"]
    assert _labels(plan.owner_id) == ["Telefon", "Chrome på Android"]


def test_she_removes_a_key_chosen_by_its_place(two_keys):
    plan, me = two_keys
    MeState.remove_passkey.fn(me, 0)
    assert me.notice == "Passnøkkelen er fjernet."
    assert _labels(plan.owner_id) == ["Chrome på Android"] and [r.label for r in me.passkeys] == ["Chrome på Android"]
    MeState.remove_passkey.fn(me, 1)  # the list has one key now
    assert me.problem == "Passnøkkelen kunne ikke fjernes. Ingenting ble endret."
    assert _labels(plan.owner_id) == ["Chrome på Android"]


# --- keys made before they had names -----------------------------------------------------------


def test_an_old_unnamed_key_reads_as_its_device_and_date_or_just_its_date(plan):
    code = plan.invitations["owner"].code
    first = invitations.redeem(code, SoftAuthenticator(origin=ORIGIN).register(
        invitations.registration_options(code)), "")[1]
    account_id = accounts.account_id_for(plan.owner_id)
    sessions.start_session(account_id, IPHONE_SAFARI, first)  # the sign-in the invitation opened
    me = _me(plan.owner_id, ANDROID_CHROME)
    accounts.add_my_passkey(plan.owner_id, SoftAuthenticator(origin=ORIGIN).register(
        accounts.new_passkey_options(plan.owner_id)), "")  # never used to sign in: no device on record
    MeState.load_passkeys.fn(me)
    assert [row.label for row in me.passkeys] == [f"Safari på iPhone, lagt til {_today('nb')}",
                                                  f"Passnøkkel lagt til {_today('nb')}"]
    me.parent_state.locale = "nn"
    MeState.load_passkeys.fn(me)
    assert [row.label for row in me.passkeys] == [f"Safari på iPhone, lagd til {_today('nn')}",
                                                  f"Passnøkkel lagd til {_today('nn')}"]
