"""Rasa's SQL tracker store table, for the scripts that read it or delete from it directly
(HR report, purge, load check), without importing what each of them needs besides."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore

EVENTS = SQLTrackerStore.SQLEvent.__table__


def check_sqlite_file(db_url: str | sa.engine.URL) -> None:
    """SQLAlchemy would silently create an empty SQLite file for a mistyped path."""
    url = sa.engine.make_url(db_url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        if not Path(url.database).is_file():
            raise SystemExit(f"No tracker store at {url.database}")
