"""Push settings: VAPID keys generated once by the CLI and kept in the configuration; production
refuses to send without its own keys, refuses the public development key and the tests' loopback
override; the sender process starts with a line saying how many senders the database allows and
stops cleanly on SIGTERM."""

import os
import signal
import subprocess
import sys
import time

import pytest

from ipapp.config import (
    DEVELOPMENT_VAPID_PRIVATE_KEY,
    PROJECT_ROOT,
    ConfigError,
    load_settings,
    push_problem,
)
from ipapp.push.vapid import generate_pair, public_key_of

PRODUCTION = {"IPAPP_ENV": "production", "IPAPP_AUDIT_KEY": "f3Jq8vR2mXwL9cTz4bNe7hKp1sYd6gUa",
              "IPAPP_IDENTITY_KEY": "Q7nV2rM9xB4kH8wC1tZ6pL3sF5jD0yGe", "IPAPP_ORIGIN": "https://ipapp.example.no"}


def _cli(*args, env: dict, timeout: float = 60) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "ipapp.cli", *args], cwd=PROJECT_ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)


def _clean_env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("IPAPP_", "DATABASE_URL"))}
    return {**env, **extra}


def test_vapid_keys_prints_a_pair_that_the_configuration_takes():
    done = _cli("vapid-keys", env=_clean_env())
    assert done.returncode == 0 and done.stderr == ""
    first, private_line, public_line = done.stdout.splitlines()
    assert first.startswith("ipapp: a new VAPID key pair")
    private, public = private_line.removeprefix("IPAPP_VAPID_PRIVATE_KEY="), public_line.removeprefix("IPAPP_VAPID_PUBLIC_KEY=")
    push = load_settings({**PRODUCTION, "IPAPP_VAPID_PRIVATE_KEY": private, "IPAPP_VAPID_PUBLIC_KEY": public,
                          "IPAPP_VAPID_SUBJECT": "mailto:drift@kommune.example"}).push
    assert (push.vapid_private_key, push.vapid_public_key) == (private, public)
    assert _cli("vapid-keys", env=_clean_env()).stdout != done.stdout  # a new pair each time


def test_production_runs_without_push_but_refuses_to_send_without_its_own_keys():
    settings = load_settings(PRODUCTION)
    assert not settings.push.has_keys
    assert "IPAPP_VAPID_PRIVATE_KEY is not set" in push_problem(settings)
    private, _ = generate_pair()
    keyed = load_settings({**PRODUCTION, "IPAPP_VAPID_PRIVATE_KEY": private})
    assert "IPAPP_VAPID_SUBJECT is not set" in push_problem(keyed)
    assert push_problem(load_settings({**PRODUCTION, "IPAPP_VAPID_PRIVATE_KEY": private,
                                       "IPAPP_VAPID_SUBJECT": "https://kommune.example/ipapp"})) is None


@pytest.mark.parametrize("variable, value, says", [
    ("IPAPP_VAPID_PRIVATE_KEY", DEVELOPMENT_VAPID_PRIVATE_KEY, "development key"),
    ("IPAPP_VAPID_PRIVATE_KEY", "not-a-key", "not a P-256 private key"),
    ("IPAPP_PUSH_TEST_LOOPBACK", "1", "IPAPP_PUSH_TEST_LOOPBACK"),
    ("IPAPP_VAPID_SUBJECT", "drift@kommune.example", "IPAPP_VAPID_SUBJECT"),
    ("IPAPP_PUSH_TIMEOUT_SECONDS", "0", "IPAPP_PUSH_TIMEOUT_SECONDS"),
    ("IPAPP_PUSH_TIMEOUT_SECONDS", "forever", "IPAPP_PUSH_TIMEOUT_SECONDS"),
    ("IPAPP_REMINDERS_LEASE_SECONDS", "-5", "IPAPP_REMINDERS_LEASE_SECONDS"),
    ("IPAPP_PUSH_HOSTS", "127.0.0.1", "IPAPP_PUSH_HOSTS"),
])
def test_production_refuses_an_unsafe_push_setting_in_one_line(variable, value, says):
    with pytest.raises(ConfigError, match=says) as refused:
        load_settings({**PRODUCTION, variable: value})
    assert "\n" not in str(refused.value)


def test_a_public_key_that_is_not_the_private_keys_is_refused():
    private, _ = generate_pair()
    _, other_public = generate_pair()
    with pytest.raises(ConfigError, match="does not belong"):
        load_settings({"IPAPP_ENV": "development", "IPAPP_VAPID_PRIVATE_KEY": private, "IPAPP_VAPID_PUBLIC_KEY": other_public})


def test_development_has_its_conveniences():
    push = load_settings({"IPAPP_ENV": "development"}).push
    assert push.vapid_public_key == public_key_of(DEVELOPMENT_VAPID_PRIVATE_KEY) and push_problem(
        load_settings({"IPAPP_ENV": "development"})) is None
    assert (push.in_app, push.test_loopback, push.timeout_seconds, push.lease_seconds) == (True, False, 10.0, 300)


def test_the_sender_process_refuses_to_start_in_production_without_keys(migrated_sqlite_engine, sqlite_url):
    done = _cli("reminders", env=_clean_env(**PRODUCTION, DATABASE_URL=sqlite_url))
    assert done.returncode == 2
    assert done.stderr.startswith("ipapp: IPAPP_VAPID_PRIVATE_KEY is not set") and done.stderr.count("\n") == 1


def test_the_sender_process_says_it_is_the_only_one_on_sqlite_and_stops_cleanly_on_sigterm(migrated_sqlite_engine,
                                                                                            sqlite_url):
    env = _clean_env(IPAPP_ENV="development", DATABASE_URL=sqlite_url, IPAPP_REMINDERS_POLL_SECONDS="0.2")
    sender = subprocess.Popen([sys.executable, "-m", "ipapp.cli", "reminders"], cwd=PROJECT_ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        started = sender.stderr.readline()
        assert "reminder sender started: SQLite: this is the only reminder sender" in started
        second = _cli("reminders", env=env, timeout=60)  # a second one on the same SQLite file
        assert second.returncode == 2 and "another reminder sender already runs" in second.stderr
        time.sleep(0.5)
        sender.send_signal(signal.SIGTERM)
        out, err = sender.communicate(timeout=20)
    finally:
        if sender.poll() is None:
            sender.kill()
            sender.communicate()
    assert sender.returncode == 0
    assert out == "ipapp: the reminder sender has stopped.\n"
    assert "reminder sender stopped" in err and "Traceback" not in err
