"""Rasa's SQL tracker store and Redis lock store, made safe for a server many people share.

In endpoints.yml / endpoints.production.yml:

    tracker_store:
      type: channels.stores.ThreadedSQLTrackerStore   # with Rasa's SQL store settings
    lock_store:
      type: channels.stores.ExpiringRedisLockStore    # with Rasa's Redis lock store settings

ThreadedSQLTrackerStore: Rasa's SQLTrackerStore runs SQLAlchemy synchronously on the event loop,
so one database call that hangs (a stalled connection, an unreachable server) stops every
conversation. Here each call runs in a worker thread and is abandoned after SMP_STORE_TIMEOUT
seconds (default 3): the caller gets StoreUnavailable, which Rasa's fail-safe store turns into
an answer from memory and the channels into a notice (channels/guard.py). After a call has
timed out, calls fail at once for BREAKER_SECONDS, so that other users are answered (from
memory, with the notice) instead of each waiting out the timeout. Errors are re-raised
as StoreUnavailable with only their type, because database errors quote their parameters (the
sender id) and Rasa logs them. Rasa's `session_scope` calls `sys.exit(1)` on a ValueError
(which a driver raises for a value it cannot encode); that becomes StoreUnavailable too.

ExpiringRedisLockStore: Rasa's Redis lock store keeps a lock key without expiry, and a server
killed in mid-turn leaves its ticket for the next message of that conversation to wait out
(60 s). Here every lock key expires, every ticket is recorded with the process that holds it,
each process keeps a heartbeat key alive (HEARTBEAT_SECONDS), and the tickets of a process
whose heartbeat has gone are ignored: the next message is answered within seconds.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
import threading
import time
import uuid
from collections.abc import Callable, Coroutine, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, TrackerStore
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

DEFAULT_STORE_TIMEOUT_SECONDS = 3.0
BREAKER_SECONDS = 5.0
# SQLite serialises writers anyway: one thread keeps its "database is locked" waits out.
WORKERS = {"sqlite": 1}
DEFAULT_WORKERS = 8
HEARTBEAT_SECONDS = 1.0
HEARTBEAT_LIFETIME_SECONDS = 3
LOCK_KEY_MARGIN_SECONDS = 10

T = TypeVar("T")


class StoreUnavailable(Exception):
    """The tracker store failed or did not answer in time (no parameters in the message)."""


def finished(coroutine: Coroutine[Any, Any, T]) -> T:
    """Runs to its end a coroutine that never waits: SQLTrackerStore's methods are `async`
    but synchronous inside."""
    try:
        coroutine.send(None)
    except StopIteration as done:
        return done.value
    coroutine.close()
    raise RuntimeError("a tracker store call waited on the event loop")


def store_timeout() -> float:
    return float(os.environ.get("SMP_STORE_TIMEOUT", DEFAULT_STORE_TIMEOUT_SECONDS))


class ThreadedSQLTrackerStore(SQLTrackerStore):
    """Rasa's SQLTrackerStore with every database call in a worker thread, under a timeout."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        workers = WORKERS.get(self.engine.dialect.name, DEFAULT_WORKERS)
        self.workers = ThreadPoolExecutor(workers, thread_name_prefix="tracker-store")
        self.timeout = store_timeout()
        self.unavailable_until = 0.0

    async def _in_worker(self, call: Callable[..., T], *args: Any) -> T:
        if time.monotonic() < self.unavailable_until:
            raise StoreUnavailable("the database stopped answering moments ago")
        loop = asyncio.get_running_loop()
        try:
            return await asyncio.wait_for(
                loop.run_in_executor(self.workers, run_without_exit, call, *args), self.timeout
            )
        except asyncio.TimeoutError:
            self.unavailable_until = time.monotonic() + BREAKER_SECONDS
            raise StoreUnavailable(f"no answer within {self.timeout:g} s") from None
        except StoreUnavailable:
            raise
        except Exception as error:
            raise StoreUnavailable(type(error).__name__) from None

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._in_worker(lambda: finished(SQLTrackerStore.retrieve(self, sender_id)))

    async def retrieve_full_tracker(self, conversation_id: str) -> DialogueStateTracker | None:
        return await self._in_worker(
            lambda: finished(SQLTrackerStore.retrieve_full_tracker(self, conversation_id))
        )

    async def keys(self) -> Iterable[str]:
        return await self._in_worker(lambda: finished(SQLTrackerStore.keys(self)))

    async def save(self, tracker: DialogueStateTracker) -> None:
        # The event broker belongs to the event loop: events are streamed here, and the call
        # SQLTrackerStore.save makes to stream_events in the worker does nothing.
        await TrackerStore.stream_events(self, tracker)
        await self._in_worker(lambda: finished(SQLTrackerStore.save(self, tracker)))

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        """Done by save() on the event loop before the write."""

    async def ping(self) -> None:
        """One round trip to the database; StoreUnavailable if it fails or takes too long."""
        await self._in_worker(self._select_one)

    def _select_one(self) -> None:
        with self.engine.connect() as connection:
            connection.execute(sa.text("SELECT 1"))


def run_without_exit(call: Callable[..., T], *args: Any) -> T:
    try:
        return call(*args)
    except SystemExit:
        raise StoreUnavailable("the SQL store tried to end the process") from None


class ExpiringRedisLockStore(RedisLockStore):
    """Rasa's RedisLockStore whose keys expire and whose dead processes' tickets are dropped."""

    def __init__(self, endpoint_config: EndpointConfig | None = None, **settings: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a lock store given by module path
            settings = {"host": endpoint_config.url, **endpoint_config.kwargs}
        super().__init__(**settings)
        self.process = uuid.uuid4().hex
        root = self.key_prefix.removesuffix("lock:")
        self.owners_prefix = f"{root}lock-owners:"
        self.alive_prefix = f"{root}alive:"
        self._heartbeat = threading.Thread(target=self._beat, name="lock-heartbeat", daemon=True)
        self._heartbeat.start()

    def _beat(self) -> None:
        failing = False
        while True:
            try:
                self.red.set(self.alive_prefix + self.process, 1, ex=HEARTBEAT_LIFETIME_SECONDS)
                failing = False
            except Exception as error:  # Redis down: the lock store's own calls report it
                if not failing:
                    logger.warning("Lock heartbeat failed: %s", type(error).__name__)
                failing = True
            time.sleep(HEARTBEAT_SECONDS)

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        ticket = super().issue_ticket(conversation_id, lock_lifetime)
        owners = self.owners_prefix + conversation_id
        with self.red.pipeline() as pipe:
            pipe.hset(owners, str(ticket), self.process)
            pipe.expire(owners, math.ceil(lock_lifetime) + LOCK_KEY_MARGIN_SECONDS)
            pipe.execute()
        return ticket

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        lock = super().get_lock(conversation_id)
        if lock is not None and lock.tickets:
            self._drop_dead_tickets(lock)
        return lock

    def _drop_dead_tickets(self, lock: TicketLock) -> None:
        owners = {
            int(ticket): process.decode()
            for ticket, process in self.red.hgetall(
                self.owners_prefix + lock.conversation_id
            ).items()
        }
        others = {owners[t.number] for t in lock.tickets if t.number in owners} - {self.process}
        dead = {process for process in others if not self.red.exists(self.alive_prefix + process)}
        for ticket in list(lock.tickets):
            if owners.get(ticket.number) in dead:
                lock.tickets.remove(ticket)

    def save_lock(self, lock: TicketLock) -> None:
        latest = max((ticket.expires for ticket in lock.tickets), default=time.time())
        lifetime = max(math.ceil(latest - time.time()), 1) + LOCK_KEY_MARGIN_SECONDS
        self.red.set(self.key_prefix + lock.conversation_id, lock.dumps(), ex=lifetime)

    def delete_lock(self, conversation_id: str) -> None:
        super().delete_lock(conversation_id)
        self.red.delete(self.owners_prefix + conversation_id)

    def ping(self) -> None:
        self.red.ping()
