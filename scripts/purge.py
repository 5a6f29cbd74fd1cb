"""Deletes conversations older than the retention period from Rasa's SQL tracker store.

    python -m scripts.purge [--days N] [--endpoints endpoints.yml | --db URL]

A conversation is one Rasa conversation session: it starts with `action_session_start` and
ends after an hour without messages (`session_config` in domain.yml). Every session whose last
event is more than N days old is deleted with all its events (what the user typed, the intents,
the replies, the slots); a sender with no recent session disappears from the store. The
current session of a sender who is still active is kept whole, so Rasa still finds it.

N comes from --days, else SMP_RETENTION_DAYS, else 90. The tracker store comes from --db (an
SQLAlchemy URL) or from the tracker_store section of --endpoints, by default the file of the
profile in use (endpoints.production.yml when SMP_PROFILE=production, else endpoints.yml).
"""

from __future__ import annotations

import argparse
import os
import time
from dataclasses import dataclass

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, validate_port
from rasa.utils.endpoints import read_endpoint_config

from scripts.tracker_db import EVENTS, check_sqlite_file

DEFAULT_RETENTION_DAYS = 90
SESSION_START = "action_session_start"
URL_SETTINGS = ("dialect", "db", "username", "password", "query")


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
    if config is None or (config.type or "").lower() != "sql":
        raise SystemExit(f"{endpoints} configures no SQL tracker store")
    settings = {key: config.kwargs[key] for key in URL_SETTINGS if key in config.kwargs}
    port = validate_port(config.kwargs.get("port"))
    return SQLTrackerStore.get_db_url(host=config.url, port=port, **settings)


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
            return purge(connection, cutoff)
    finally:
        engine.dispose()


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=retention_days(), help="retention period")
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--endpoints", default=profile_endpoints(), help="Rasa endpoints file")
    where.add_argument("--db", help="SQLAlchemy URL of the tracker store, instead of --endpoints")
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


if __name__ == "__main__":
    main()
