"""Purging old conversations (scripts/purge.py) from tracker stores built in code with Rasa's
own SQLTrackerStore, on SQLite and on the machine's PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import time
from pathlib import Path

import pytest
import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from scripts import purge
from scripts.servers import ROOT
from scripts.tracker_db import EVENTS
from tests.services import fresh_database, production_settings, redis_database

DAY = 86400
RETENTION_DAYS = 30


def session(days_ago: float, *texts: str) -> list:
    """One conversation session that started `days_ago` days ago, a minute per message."""
    start = time.time() - days_ago * DAY
    events = [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start + 0.1),
        ActionExecuted("action_listen", timestamp=start + 0.2),
    ]
    for minute, text in enumerate(texts, start=1):
        moment = start + 60 * minute
        events += [
            UserUttered(text, intent={"name": "greet", "confidence": 1.0}, timestamp=moment),
            ActionExecuted("utter_greet", timestamp=moment + 1),
            BotUttered(f"reply to {text}", timestamp=moment + 2),
            ActionExecuted("action_listen", timestamp=moment + 3),
        ]
    return events


def conversations() -> dict[str, list]:
    return {
        "inactive": session(40, "old question", "another old one"),
        "recent": session(2, "a recent question"),
        "returning": [
            *session(45, "first visit"),
            *session(31, "second visit"),
            *session(1, "third visit"),
        ],
        # Started just before the cutoff and still going on after it: kept whole.
        "straddling": session(RETENTION_DAYS + 0.01, "before the cutoff", *["later"] * 30),
    }


# All of "inactive" and the first two sessions of "returning".
DELETED_EVENTS = len(session(0, "1", "2")) + 2 * len(session(0, "1"))


@pytest.fixture(scope="module")
def postgres_url():
    with fresh_database() as url:
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def store(request, tmp_path) -> SQLTrackerStore:
    """A tracker store holding CONVERSATIONS."""
    if request.param == "sqlite":
        tracker_store = SQLTrackerStore(dialect="sqlite", db=str(tmp_path / "tracker.db"))
    else:
        url = request.getfixturevalue("postgres_url")
        tracker_store = SQLTrackerStore(host=url.render_as_string(hide_password=False))
    for sender, events in conversations().items():
        asyncio.run(tracker_store.save(DialogueStateTracker.from_events(sender, events)))
    yield tracker_store
    with tracker_store.engine.begin() as connection:
        connection.execute(EVENTS.delete())
    tracker_store.engine.dispose()


def user_texts(store: SQLTrackerStore) -> dict[str, list[str]]:
    query = sa.select(EVENTS.c.sender_id, EVENTS.c.data).where(EVENTS.c.type_name == "user")
    texts: dict[str, list[str]] = {}
    with store.engine.connect() as connection:
        for sender, data in connection.execute(query.order_by(EVENTS.c.id)):
            texts.setdefault(sender, []).append(json.loads(data)["text"])
    return texts


def test_deletes_sessions_older_than_the_retention_period(store):
    purged = purge.purge_store(store.engine.url, RETENTION_DAYS)
    assert user_texts(store) == {
        "recent": ["a recent question"],
        "returning": ["third visit"],
        "straddling": ["before the cutoff", *["later"] * 30],
    }
    assert purged == purge.Purged(events=DELETED_EVENTS, senders=1, trimmed=1)


def test_rasa_still_finds_the_conversations_it_keeps(store):
    purge.purge_store(store.engine.url, RETENTION_DAYS)
    store.domain = Domain.empty()
    returning = asyncio.run(store.retrieve_full_tracker("returning"))
    assert [e.text for e in returning.events if isinstance(e, UserUttered)] == ["third visit"]
    assert isinstance(returning.events[0], ActionExecuted)
    assert returning.events[0].action_name == "action_session_start"
    assert asyncio.run(store.retrieve("inactive")) is None


def test_a_second_purge_deletes_nothing(store):
    purge.purge_store(store.engine.url, RETENTION_DAYS)
    assert purge.purge_store(store.engine.url, RETENTION_DAYS) == purge.Purged()


def endpoints_file(url: sa.engine.URL, tmp_path, monkeypatch) -> Path:
    """An SQLite endpoints file like endpoints.yml, or endpoints.production.yml with its
    variables set for the PostgreSQL database."""
    if url.get_backend_name() == "sqlite":
        endpoints = tmp_path / "endpoints.yml"
        endpoints.write_text(
            f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {url.database}\n"
        )
        return endpoints
    with redis_database() as client:
        settings = {**production_settings(url, client), "SMP_ACTION_URL": "unused"}
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    return ROOT / "endpoints.production.yml"


def test_the_command_purges_the_store_of_the_endpoints_file(store, tmp_path, monkeypatch, capsys):
    endpoints = endpoints_file(store.engine.url, tmp_path, monkeypatch)
    monkeypatch.setenv("SMP_RETENTION_DAYS", str(RETENTION_DAYS))
    purge.main(["--endpoints", str(endpoints)])
    assert f"Deleted {DELETED_EVENTS} events older than {RETENTION_DAYS} days" in (
        capsys.readouterr().out
    )
    assert set(user_texts(store)) == {"recent", "returning", "straddling"}


def test_the_retention_period_defaults_to_90_days(monkeypatch):
    monkeypatch.delenv("SMP_RETENTION_DAYS", raising=False)
    assert purge.parse_args([]).days == 90


def lock_with_ticket(conversation_id: str, lifetime: float) -> str:
    lock = TicketLock(conversation_id)
    lock.issue_ticket(lifetime)
    return lock.dumps()


def test_stale_lock_keys_are_deleted_and_live_ones_kept():
    with redis_database() as client:
        client.set("smp:lock:crashed", lock_with_ticket("crashed", -5))
        client.set("smp:lock:busy", lock_with_ticket("busy", 60))
        client.set("other:lock:crashed", lock_with_ticket("crashed", -5))
        assert purge.purge_stale_locks(client, "smp:lock:") == 1
        assert client.exists("smp:lock:crashed") == 0
        assert client.exists("smp:lock:busy") == 1
        assert client.exists("other:lock:crashed") == 1
        client.delete("other:lock:crashed")


def test_the_command_finds_the_lock_store_of_the_production_endpoints(tmp_path, monkeypatch):
    url = sa.engine.make_url(f"sqlite:///{tmp_path / 'unused.db'}").set(
        drivername="postgresql", host="127.0.0.1", database="unused"
    )
    endpoints = endpoints_file(url, tmp_path, monkeypatch)
    client, prefix = purge.redis_lock_store(str(endpoints))
    assert prefix == "smp:lock:"
    assert client.connection_pool.connection_kwargs["db"] == int(os.environ["SMP_REDIS_DB"])
    assert client.ping()
    assert purge.redis_lock_store(str(ROOT / "endpoints.yml")) is None


def test_hr_reports_older_than_the_retention_period_are_deleted(tmp_path):
    old, recent, other = (
        tmp_path / "hr-report-2026-06.md",
        tmp_path / "hr-report.md",
        tmp_path / "notes.md",
    )
    for path in (old, old.with_suffix(".png"), recent, other):
        path.write_text("x")
    long_ago = time.time() - (RETENTION_DAYS + 1) * DAY
    for path in (old, old.with_suffix(".png"), other):
        os.utime(path, (long_ago, long_ago))
    assert purge.purge_reports(tmp_path, RETENTION_DAYS) == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hr-report.md", "notes.md"]
