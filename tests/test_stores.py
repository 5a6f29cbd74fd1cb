"""The tracker store and lock store of channels/stores.py, built in code: a bad sender id or a
stalled database costs one request, never the process or the other users; a lock left by a
dead server does not hold up the conversation."""

from __future__ import annotations

import asyncio
import threading
import time
import uuid

import pytest
import redis
from rasa.core.lock import TicketLock
from rasa.core.tracker_store import FailSafeTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from channels.stores import (
    HEARTBEAT_LIFETIME_SECONDS,
    ExpiringRedisLockStore,
    StoreUnavailable,
    ThreadedSQLTrackerStore,
)
from tests.services import REDIS, redis_database


@pytest.fixture
def store(tmp_path, monkeypatch) -> ThreadedSQLTrackerStore:
    monkeypatch.setenv("SMP_STORE_TIMEOUT", "1")
    tracker_store = ThreadedSQLTrackerStore(
        domain=Domain.empty(), dialect="sqlite", db=str(tmp_path / "tracker.db")
    )
    yield tracker_store
    tracker_store.engine.dispose()


def conversation(sender: str, text: str) -> DialogueStateTracker:
    return DialogueStateTracker.from_events(
        sender, [ActionExecuted("action_listen"), UserUttered(text, intent={"name": "greet"})]
    )


def test_conversations_are_saved_and_found_again(store):
    asyncio.run(store.save(conversation("dana", "hello")))
    found = asyncio.run(store.retrieve("dana"))
    assert [e.text for e in found.events if isinstance(e, UserUttered)] == ["hello"]
    assert asyncio.run(store.keys()) == ["dana"]
    asyncio.run(store.ping())


@pytest.mark.parametrize("sender", ["a\udfff", "\ud800"])
def test_an_id_the_database_cannot_take_is_an_error_not_the_end_of_the_process(store, sender):
    with pytest.raises(StoreUnavailable) as raised:
        asyncio.run(store.save(conversation(sender, "hello")))
    assert sender not in str(raised.value)
    asyncio.run(store.save(conversation("dana", "still here")))
    assert asyncio.run(store.retrieve("dana")) is not None


def stall(store: ThreadedSQLTrackerStore, release: threading.Event) -> None:
    """Every database call of `store` hangs until `release` is set."""
    original = store.sessionmaker

    def hanging_session():
        release.wait(30)
        return original()

    store.sessionmaker = hanging_session


def test_a_stalled_database_costs_one_call_and_leaves_the_event_loop_free(store):
    release = threading.Event()
    stall(store, release)

    async def stalled_and_other_work() -> tuple[float, int]:
        ticks = 0

        async def other_user() -> None:
            nonlocal ticks
            while True:
                await asyncio.sleep(0.05)
                ticks += 1

        ticker = asyncio.create_task(other_user())
        started = time.monotonic()
        with pytest.raises(StoreUnavailable, match="no answer within 1 s"):
            await store.retrieve("dana")
        ticker.cancel()
        return time.monotonic() - started, ticks

    try:
        waited, ticks = asyncio.run(stalled_and_other_work())
    finally:
        release.set()
    assert 0.9 < waited < 2
    assert ticks >= 10  # the loop went on serving others while the call hung


def test_after_a_stall_calls_fail_at_once_for_a_few_seconds(store, monkeypatch):
    release = threading.Event()
    stall(store, release)
    try:
        with pytest.raises(StoreUnavailable, match="no answer"):
            asyncio.run(store.retrieve("dana"))
        started = time.monotonic()
        for call in (store.retrieve("erin"), store.ping()):
            with pytest.raises(StoreUnavailable, match="stopped answering moments ago"):
                asyncio.run(call)
        assert time.monotonic() - started < 0.5
    finally:
        release.set()
    monkeypatch.setattr(store, "unavailable_until", time.monotonic())
    asyncio.run(store.ping())


def test_rasa_answers_from_memory_while_the_database_stalls(store):
    release = threading.Event()
    stall(store, release)
    fail_safe = FailSafeTrackerStore(store)
    try:
        started = time.monotonic()
        assert asyncio.run(fail_safe.retrieve("dana")) is None
        asyncio.run(fail_safe.save(conversation("dana", "hello")))
        assert time.monotonic() - started < 3
        assert "dana" in fail_safe.fallback_tracker_store.store
    finally:
        release.set()


# -- locks ------------------------------------------------------------------------------------


@pytest.fixture
def redis_client():
    with redis_database() as client:
        yield client


def lock_store() -> ExpiringRedisLockStore:
    options = redis.Redis.from_url(REDIS).connection_pool.connection_kwargs
    return ExpiringRedisLockStore(
        EndpointConfig(
            url=options["host"], port=options["port"], db=options["db"], key_prefix="smp"
        )
    )


def test_lock_keys_expire(redis_client):
    store = lock_store()
    conversation_id = uuid.uuid4().hex
    store.issue_ticket(conversation_id, 30)
    assert 30 < redis_client.ttl(f"smp:lock:{conversation_id}") <= 40
    assert 30 < redis_client.ttl(f"smp:lock-owners:{conversation_id}") <= 40
    assert 0 < redis_client.ttl(f"smp:alive:{store.process}") <= HEARTBEAT_LIFETIME_SECONDS


def test_a_ticket_of_a_dead_server_does_not_hold_up_the_conversation(redis_client):
    conversation_id = uuid.uuid4().hex
    lock = TicketLock(conversation_id)
    ticket = lock.issue_ticket(60)
    redis_client.set(f"smp:lock:{conversation_id}", lock.dumps())
    redis_client.hset(f"smp:lock-owners:{conversation_id}", str(ticket), "killed-mid-turn")
    store = lock_store()

    async def next_message() -> float:
        started = time.monotonic()
        async with store.lock(conversation_id, wait_time_in_seconds=0.2):
            return time.monotonic() - started

    assert asyncio.run(next_message()) < 1
    assert redis_client.exists(f"smp:lock:{conversation_id}") == 0


def test_a_ticket_of_a_live_server_is_waited_for(redis_client):
    conversation_id = uuid.uuid4().hex
    holder, waiter = lock_store(), lock_store()

    async def both() -> list[str]:
        order = []

        async def take(store: ExpiringRedisLockStore, name: str, hold: float) -> None:
            async with store.lock(conversation_id, wait_time_in_seconds=0.1):
                order.append(f"{name} in")
                await asyncio.sleep(hold)
                order.append(f"{name} out")

        first = asyncio.create_task(take(holder, "holder", 1.0))
        await asyncio.sleep(0.2)
        await take(waiter, "waiter", 0)
        await first
        return order

    assert asyncio.run(both()) == ["holder in", "holder out", "waiter in", "waiter out"]
