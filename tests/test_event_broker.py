"""The optional event broker of docs/production.md: Rasa's RabbitMQ (pika) broker, configured
by the documented block, publishes what the tracker store saves. Uses the machine's RabbitMQ
(SMP_TEST_RABBITMQ, default amqp://guest:guest@127.0.0.1:5672/) and a queue of its own."""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
import uuid
from urllib.parse import urlsplit

import aio_pika
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import read_endpoint_config

from scripts.servers import ROOT
from tests.servers import missing

RABBITMQ = os.environ.get("SMP_TEST_RABBITMQ", "amqp://guest:guest@127.0.0.1:5672/")
DOCUMENTED_QUEUE = "smp_events"
WAIT_SECONDS = 10


def documented_block() -> str:
    text = (ROOT / "docs" / "production.md").read_text(encoding="utf-8")
    return re.search(r"```yaml\n(event_broker:.*?)```", text, re.DOTALL).group(1)


def set_rabbitmq_settings(monkeypatch) -> None:
    url = urlsplit(RABBITMQ)
    settings = {
        "SMP_RABBITMQ_HOST": url.hostname,
        "SMP_RABBITMQ_PORT": str(url.port or 5672),
        "SMP_RABBITMQ_USER": url.username,
        "SMP_RABBITMQ_PASSWORD": url.password,
    }
    for name, value in settings.items():
        monkeypatch.setenv(name, value)


async def connect() -> aio_pika.abc.AbstractConnection:
    try:
        return await aio_pika.connect(RABBITMQ, timeout=5)
    except (OSError, aio_pika.exceptions.AMQPError, asyncio.TimeoutError) as error:
        missing(f"RabbitMQ is not reachable at {RABBITMQ}: {error!r}")


async def received(queue: aio_pika.abc.AbstractQueue, count: int) -> list[dict]:
    events: list[dict] = []
    deadline = time.monotonic() + WAIT_SECONDS
    while len(events) < count and time.monotonic() < deadline:
        message = await queue.get(fail=False)
        if message is None:
            await asyncio.sleep(0.1)
            continue
        await message.ack()
        events.append(json.loads(message.body))
    return events


async def publish_and_receive(endpoints, tracker: DialogueStateTracker, queue_name: str) -> list:
    connection = await connect()
    broker = await EventBroker.create(read_endpoint_config(str(endpoints), "event_broker"))
    store = SQLTrackerStore(db=str(endpoints.parent / "tracker.db"), event_broker=broker)
    channel = await connection.channel()
    try:
        await store.save(tracker)
        return await received(await channel.get_queue(queue_name), len(tracker.events))
    finally:
        await broker.close()
        store.engine.dispose()
        await channel.queue_delete(queue_name)
        await connection.close()


def test_the_documented_event_broker_publishes_every_saved_event(tmp_path, monkeypatch):
    queue_name = f"smp_test_{uuid.uuid4().hex[:12]}"
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(documented_block().replace(DOCUMENTED_QUEUE, queue_name))
    set_rabbitmq_settings(monkeypatch)
    sender = f"broker-{uuid.uuid4().hex}"
    tracker = DialogueStateTracker.from_events(
        sender,
        [
            ActionExecuted("action_listen"),
            UserUttered("can I use the crest on linkedin?", intent={"name": "ask_crest"}),
            ActionExecuted("action_answer_policy"),
            BotUttered("No. Source: Paragraph 23 of the Social Media Policy."),
        ],
    )
    events = asyncio.run(publish_and_receive(endpoints, tracker, queue_name))
    assert [(e["sender_id"], e["event"]) for e in events] == [
        (sender, "action"),
        (sender, "user"),
        (sender, "action"),
        (sender, "bot"),
    ]
    assert events[1]["text"] == "can I use the crest on linkedin?"
