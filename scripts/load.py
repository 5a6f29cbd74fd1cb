"""Load test: many conversations at once against one or more Rasa servers, over the REST webhook.

    python -m scripts.load --urls http://127.0.0.1:5005 http://127.0.0.1:5015 \\
        --conversations 50 --messages 20 [--db postgresql://user@host/db]

Conversation i goes to server i mod N, as a load balancer with sticky routing would send it,
and sends its messages one after another, each after the reply to the one before (questions
from the development set). Prints p50 and p95 round-trip latency and throughput. With --db
(the SQLAlchemy URL of the servers' tracker store) it then reads every conversation back and
checks that the store holds each message and each reply exactly once, in order, in one
conversation session. Exits non-zero on any error.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
import uuid
from dataclasses import dataclass, field

import aiohttp
import sqlalchemy as sa
import yaml

from scripts.evaluate import DEFAULT_DEV_SET
from scripts.tracker_db import EVENTS

TIMEOUT = aiohttp.ClientTimeout(total=300)


@dataclass
class Conversation:
    sender: str
    url: str
    messages: list[str]
    replies: list[str | None] = field(default_factory=list)  # every reply text, in order
    latencies: list[float] = field(default_factory=list)
    error: str | None = None


@dataclass
class LoadResult:
    conversations: list[Conversation]
    seconds: float

    @property
    def latencies(self) -> list[float]:
        return [latency for c in self.conversations for latency in c.latencies]

    @property
    def errors(self) -> list[str]:
        return [f"{c.sender}: {c.error}" for c in self.conversations if c.error]

    def percentile(self, q: int) -> float:
        return statistics.quantiles(self.latencies, n=100)[q - 1]

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def summary(self) -> str:
        return (
            f"{len(self.conversations)} conversations, {len(self.latencies)} messages "
            f"in {self.seconds:.1f} s: p50 {self.percentile(50) * 1000:.0f} ms, "
            f"p95 {self.percentile(95) * 1000:.0f} ms, {self.throughput:.1f} messages/s, "
            f"{len(self.errors)} errors"
        )


def questions() -> list[str]:
    return [item["q"] for item in yaml.safe_load(DEFAULT_DEV_SET.read_text(encoding="utf-8"))]


def plan(urls: list[str], conversations: int, messages: int) -> list[Conversation]:
    pool = questions()
    run = uuid.uuid4().hex[:8]
    return [
        Conversation(
            sender=f"load-{run}-{i}",
            url=urls[i % len(urls)],
            messages=[pool[(i * messages + j) % len(pool)] for j in range(messages)],
        )
        for i in range(conversations)
    ]


async def converse(session: aiohttp.ClientSession, conversation: Conversation) -> None:
    webhook = f"{conversation.url}/webhooks/rest/webhook"
    for message in conversation.messages:
        started = time.perf_counter()
        try:
            async with session.post(
                webhook, json={"sender": conversation.sender, "message": message}
            ) as response:
                response.raise_for_status()
                replies = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            conversation.error = f"{message!r}: {error!r}"
            return
        conversation.latencies.append(time.perf_counter() - started)
        if not replies:
            conversation.error = f"{message!r}: no reply"
            return
        conversation.replies += [reply.get("text") for reply in replies]


async def run_conversations(conversations: list[Conversation]) -> LoadResult:
    started = time.perf_counter()
    async with aiohttp.ClientSession(timeout=TIMEOUT) as session:
        await asyncio.gather(*(converse(session, c) for c in conversations))
    return LoadResult(conversations, time.perf_counter() - started)


def run_load(urls: list[str], conversations: int, messages: int) -> LoadResult:
    return asyncio.run(run_conversations(plan(urls, conversations, messages)))


def stored_events(db_url: str, senders: list[str]) -> dict[str, list[dict]]:
    """The stored events of each sender, in stored order."""
    query = (
        sa.select(EVENTS.c.sender_id, EVENTS.c.data)
        .where(EVENTS.c.sender_id.in_(senders))
        .order_by(EVENTS.c.id)
    )
    events: dict[str, list[dict]] = {sender: [] for sender in senders}
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            for sender, data in connection.execute(query):
                events[sender].append(json.loads(data))
    finally:
        engine.dispose()
    return events


def joined(texts: list[str | None]) -> str:
    """Texts as one string with whitespace normalised: the REST channel sends a reply's
    paragraphs as separate messages."""
    return " ".join(" ".join(text or "" for text in texts).split())


def event_problems(conversation: Conversation, events: list[dict]) -> list[str]:
    """What is lost, duplicated, out of order or split across sessions in one conversation's
    stored events."""
    problems = []
    user = [e.get("text") for e in events if e["event"] == "user"]
    bot = [e.get("text") for e in events if e["event"] == "bot"]
    sessions = sum(e["event"] == "session_started" for e in events)
    if user != conversation.messages:
        problems.append(f"messages stored {user}, sent {conversation.messages}")
    if joined(bot) != joined(conversation.replies):
        problems.append(f"replies stored {bot}, received {conversation.replies}")
    if sessions != 1:
        problems.append(f"{sessions} conversation sessions instead of one")
    return [f"{conversation.sender}: {problem}" for problem in problems]


def check_store(result: LoadResult, db_url: str) -> list[str]:
    events = stored_events(db_url, [c.sender for c in result.conversations])
    return [
        problem
        for conversation in result.conversations
        for problem in event_problems(conversation, events[conversation.sender])
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--urls", nargs="+", default=["http://127.0.0.1:5005"])
    parser.add_argument("--conversations", type=int, default=50)
    parser.add_argument("--messages", type=int, default=20)
    parser.add_argument("--db", help="SQLAlchemy URL of the tracker store, to check the events")
    args = parser.parse_args(argv)
    result = run_load(args.urls, args.conversations, args.messages)
    print(result.summary())
    problems = result.errors + (check_store(result, args.db) if args.db else [])
    for problem in problems:
        print(f"  {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
