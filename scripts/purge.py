"""Deletes conversations older than the retention period from Rasa's SQL tracker store, and
what else the assistant keeps about them.

    python -m scripts.purge [--days N] [--endpoints endpoints.yml | --db URL] [--reports DIR]

A conversation is one Rasa conversation session: it starts with `action_session_start` and
ends after an hour without messages (`session_config` in domain.yml). Every session whose last
event is more than N days old is deleted with all its events (what the user typed, the intents,
the replies, the slots); a sender with no recent session disappears from the store. The
current session of a sender who is still active is kept whole, so Rasa still finds it.

N comes from --days, else SMP_RETENTION_DAYS, else 90. The tracker store comes from --db (an
SQLAlchemy URL) or from the tracker_store section of --endpoints, by default the file of the
profile in use (endpoints.production.yml when SMP_PROFILE=production, else endpoints.yml).

On PostgreSQL the events table is vacuumed afterwards, so that the space of the deleted rows is
reused (what that does and does not erase: docs/production.md). With --endpoints naming a Redis
lock store, lock keys whose every ticket has expired are deleted (a server that died before
the lock keys expired left them). HR reports (scripts/hr_report.py) in the reports folder
(default reports/) older than N days are deleted too.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

import redis
import sqlalchemy as sa
from rasa.core.lock import TicketLock
from rasa.core.lock_store import DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX, RedisLockStore
from rasa.core.tracker_store import SQLTrackerStore, validate_port
from rasa.shared.utils.common import class_from_module_path
from rasa.utils.endpoints import EndpointConfig, read_endpoint_config

from scripts.tracker_db import EVENTS, check_sqlite_file

DEFAULT_RETENTION_DAYS = 90
SESSION_START = "action_session_start"
URL_SETTINGS = ("dialect", "db", "username", "password", "query")
REPORT_FILES = ("hr-report*.md", "hr-report*.png")


@dataclass
class Purged:
    events: int = 0
    senders: int = 0  # senders with nothing recent, deleted entirely
    trimmed: int = 0  # senders still active whose older sessions were deleted


def retention_days() -> int:
    return int(os.environ.get("SMP_RETENTION_DAYS", DEFAULT_RETENTION_DAYS))


def profile_endpoints() -> str:
    production = os.environ.get("SMP_PROFILE") == "production"
    return "endpoints.production.yml" if production else "endpoints.yml"


def tracker_store_url(endpoints: str) -> sa.engine.URL:
    """The SQLAlchemy URL of the SQL tracker store an endpoints file configures, built the
    way Rasa builds it (environment variables included)."""
    config = read_endpoint_config(endpoints, "tracker_store")
    if config is None or not is_store_type(config.type, "sql", SQLTrackerStore):
        raise SystemExit(f"{endpoints} configures no SQL tracker store")
    settings = {key: config.kwargs[key] for key in URL_SETTINGS if key in config.kwargs}
    port = validate_port(config.kwargs.get("port"))
    return SQLTrackerStore.get_db_url(host=config.url, port=port, **settings)


def is_store_type(configured: str | None, name: str, base: type) -> bool:
    """Whether an endpoints `type` is Rasa's store `name` or a class derived from `base`."""
    if not configured:
        return False
    if configured.lower() == name:
        return True
    try:
        return issubclass(class_from_module_path(configured), base)
    except (ImportError, AttributeError, TypeError):
        return False


def inactive_senders(cutoff: float) -> sa.sql.Select:
    return (
        sa.select(EVENTS.c.sender_id)
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.max(EVENTS.c.timestamp) < cutoff)
    )


def current_session_starts(cutoff: float) -> sa.sql.Select:
    """(sender, id of the start of its oldest session with an event newer than the cutoff),
    for the senders with events on both sides of the cutoff."""
    recent_id = sa.case((EVENTS.c.timestamp >= cutoff, EVENTS.c.id))
    first_recent = (
        sa.select(EVENTS.c.sender_id, sa.func.min(recent_id).label("event_id"))
        .group_by(EVENTS.c.sender_id)
        .having(sa.func.min(EVENTS.c.timestamp) < cutoff)
        .having(sa.func.max(EVENTS.c.timestamp) >= cutoff)
        .subquery()
    )
    return (
        sa.select(EVENTS.c.sender_id, sa.func.max(EVENTS.c.id).label("start_id"))
        .join(first_recent, EVENTS.c.sender_id == first_recent.c.sender_id)
        .where(EVENTS.c.action_name == SESSION_START, EVENTS.c.id <= first_recent.c.event_id)
        .group_by(EVENTS.c.sender_id)
    )


def purge(connection: sa.engine.Connection, cutoff: float) -> Purged:
    """Deletes, in the caller's transaction, every session whose last event is before `cutoff`
    (a Unix timestamp)."""
    inactive = inactive_senders(cutoff)
    purged = Purged(
        senders=connection.execute(
            sa.select(sa.func.count()).select_from(inactive.subquery())
        ).scalar_one()
    )
    purged.events = connection.execute(
        EVENTS.delete().where(EVENTS.c.sender_id.in_(inactive))
    ).rowcount
    for sender, start_id in connection.execute(current_session_starts(cutoff)).all():
        older = EVENTS.delete().where(EVENTS.c.sender_id == sender, EVENTS.c.id < start_id)
        deleted = connection.execute(older).rowcount
        purged.events += deleted
        purged.trimmed += deleted > 0
    return purged


def purge_store(db_url: str | sa.engine.URL, days: int) -> Purged:
    check_sqlite_file(db_url)
    cutoff = time.time() - days * 86400
    engine = sa.create_engine(db_url)
    try:
        with engine.begin() as connection:
            purged = purge(connection, cutoff)
        if engine.dialect.name == "postgresql":
            with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
                connection.execute(sa.text(f"VACUUM {EVENTS.name}"))
        return purged
    finally:
        engine.dispose()


def redis_lock_store(endpoints: str) -> tuple[redis.Redis, str] | None:
    """A client of the endpoints file's Redis lock store and its lock key prefix, if it has
    one (the prefix as Rasa's RedisLockStore builds it)."""
    config = read_endpoint_config(endpoints, "lock_store")
    if config is None or not is_store_type(config.type, "redis", RedisLockStore):
        return None
    client = redis_client(config)
    prefix = str(config.kwargs.get("key_prefix") or "")
    root = f"{prefix}:" if prefix.isalnum() else ""
    return client, root + DEFAULT_REDIS_LOCK_STORE_KEY_PREFIX


def redis_client(config: EndpointConfig) -> redis.Redis:
    settings = config.kwargs
    return redis.Redis(
        host=config.url or "localhost",
        port=int(settings.get("port") or 6379),
        db=int(settings.get("db") or 1),
        password=settings.get("password") or None,
        socket_timeout=10,
    )


def purge_stale_locks(client: redis.Redis, lock_prefix: str) -> int:
    """Deletes the lock keys whose every ticket has expired; returns how many."""
    deleted = 0
    for key in client.scan_iter(f"{lock_prefix}*"):
        stored = client.get(key)
        if stored is None:
            continue
        lock = TicketLock.from_dict(json.loads(stored))
        lock.remove_expired_tickets()
        if not lock.tickets:
            deleted += client.delete(key)
    return deleted


def purge_reports(folder: Path, days: int) -> int:
    """Deletes the HR reports in `folder` last written more than `days` days ago."""
    cutoff = time.time() - days * 86400
    old = [
        path
        for pattern in REPORT_FILES
        for path in folder.glob(pattern)
        if path.stat().st_mtime < cutoff
    ]
    for path in old:
        path.unlink()
    return len(old)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=retention_days(), help="retention period")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoints", default=profile_endpoints(), help="Rasa endpoints file")
    where.add_argument("--db", help="SQLAlchemy URL of the tracker store, instead of --endpoints")
    parser.add_argument(
        "--reports", type=Path, default=Path("reports"), help="folder of the HR reports"
    )
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    db_url = args.db or tracker_store_url(args.endpoints)
    purged = purge_store(db_url, args.days)
    print(
        f"Deleted {purged.events} events older than {args.days} days: "
        f"every conversation of {purged.senders} senders, "
        f"the older conversations of {purged.trimmed} more."
    )
    locks = None if args.db else redis_lock_store(args.endpoints)
    if locks:
        print(f"Deleted {purge_stale_locks(*locks)} stale conversation locks.")
    print(f"Deleted {purge_reports(args.reports, args.days)} HR report files.")


if __name__ == "__main__":
    main()
