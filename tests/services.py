"""The machine's PostgreSQL and Redis for tests: a fresh database per use, a Redis check, and a
TCP proxy that can cut PostgreSQL off from a Rasa server without touching PostgreSQL itself.

SMP_TEST_POSTGRES (default postgresql://postgres@127.0.0.1:5432/test) is the database used to
create and drop the test databases; SMP_TEST_REDIS (default redis://127.0.0.1:6379/15) is the
Redis server and database the lock store uses (a database of its own: the lock keys left in it
are deleted after the tests)."""

from __future__ import annotations

import asyncio
import os
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import redis
import sqlalchemy as sa

from scripts.servers import free_port
from tests.servers import missing

POSTGRES = sa.engine.make_url(
    os.environ.get("SMP_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/test")
)
REDIS = os.environ.get("SMP_TEST_REDIS", "redis://127.0.0.1:6379/15")
CONNECT_TIMEOUT = 3


def admin_engine() -> sa.engine.Engine:
    return sa.create_engine(
        POSTGRES,
        isolation_level="AUTOCOMMIT",
        connect_args={"connect_timeout": CONNECT_TIMEOUT},
    )


@contextmanager
def fresh_database() -> Iterator[sa.engine.URL]:
    """A new, uniquely named PostgreSQL database for one test module, dropped after it."""
    name = f"smp_test_{uuid.uuid4().hex[:12]}"
    engine = admin_engine()
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f"CREATE DATABASE {name}"))
    except sa.exc.OperationalError as error:
        engine.dispose()
        missing(f"PostgreSQL is not reachable at {POSTGRES!r}: {error.orig}")
    try:
        yield POSTGRES.set(database=name)
    finally:
        with engine.connect() as connection:
            connection.execute(sa.text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        engine.dispose()


@contextmanager
def redis_database() -> Iterator[redis.Redis]:
    """The Redis database for the lock store (key prefix `smp` in endpoints.production.yml)."""
    client = redis.Redis.from_url(REDIS, socket_timeout=CONNECT_TIMEOUT)
    try:
        client.ping()
    except redis.RedisError as error:
        missing(f"Redis is not reachable at {REDIS}: {error}")
    try:
        yield client
    finally:
        for key in client.scan_iter("smp:*"):
            client.delete(key)
        client.close()


def production_settings(database: sa.engine.URL, redis_client: redis.Redis) -> dict[str, str]:
    """The SMP_DB_* and SMP_REDIS_* variables endpoints.production.yml reads."""
    redis_options = redis_client.connection_pool.connection_kwargs
    return {
        "SMP_DB_HOST": database.host,
        "SMP_DB_PORT": str(database.port or 5432),
        "SMP_DB_NAME": database.database,
        "SMP_DB_USER": database.username or "",
        "SMP_DB_PASSWORD": database.password or "",
        "SMP_REDIS_HOST": redis_options["host"],
        "SMP_REDIS_PORT": str(redis_options["port"]),
        "SMP_REDIS_PASSWORD": redis_options.get("password") or "",
        "SMP_REDIS_DB": str(redis_options["db"]),
    }


class TcpProxy:
    """Forwards a free loopback port to host:port. `cut()` drops every connection and refuses
    new ones, as when the database server is unreachable; `restore()` listens again.
    `freeze()` keeps every connection, old and new, open and accepts what is sent but passes
    nothing on, as a database that has stopped answering; `thaw()` lets it all through."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.port = free_port()
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.server: asyncio.Server | None = None
        self.writers: set[asyncio.StreamWriter] = set()
        self.flowing: asyncio.Event | None = None

    def start(self) -> None:
        self.thread.start()
        self.restore()

    def restore(self) -> None:
        self._run(self._listen())

    def cut(self) -> None:
        self._run(self._close())

    def freeze(self) -> None:
        self.loop.call_soon_threadsafe(self.flowing.clear)

    def thaw(self) -> None:
        self.loop.call_soon_threadsafe(self.flowing.set)

    def stop(self) -> None:
        self.cut()
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)

    def _run(self, coroutine) -> None:
        asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout=10)

    async def _listen(self) -> None:
        if self.flowing is None:
            self.flowing = asyncio.Event()
            self.flowing.set()
        self.server = await asyncio.start_server(self._forward, "127.0.0.1", self.port)

    async def _close(self) -> None:
        if self.server:
            self.server.close()
        for writer in list(self.writers):
            writer.transport.abort()
        self.writers.clear()
        if self.server:
            await self.server.wait_closed()
            self.server = None

    async def _forward(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.writers |= {writer, upstream_writer}
        await asyncio.gather(
            self._pipe(reader, upstream_writer), self._pipe(upstream_reader, writer)
        )

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while data := await reader.read(65536):
                await self.flowing.wait()
                writer.write(data)
                await writer.drain()
        except OSError:
            pass
        finally:
            writer.transport.abort()
            self.writers.discard(writer)
