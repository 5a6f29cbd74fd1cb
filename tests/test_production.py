"""The production profile for real: two Rasa servers (each with its action server) started with
endpoints.production.yml, sharing a fresh PostgreSQL database and Redis. The second one reaches
PostgreSQL through a TCP proxy the outage test cuts and restores."""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
import requests

from channels.guard import STORE_UNAVAILABLE, UNAVAILABLE
from scripts.load import Conversation, check_store, event_problems, run_load, stored_events
from scripts.servers import Servers
from tests.fuzz import fuzz_rest, fuzz_socketio
from tests.servers import started_servers
from tests.services import TcpProxy, fresh_database, production_settings, redis_database

pytestmark = pytest.mark.servers

ALTERNATING = [
    "hello",
    "can I use the city crest on my linkedin profile?",
    "can i tweet from the main corporate account",
    "what counts as social media?",
    "thanks, bye",
]
LOAD_CONVERSATIONS = 50
LOAD_MESSAGES = 20
RETRIEVE_ERROR = (
    "Error happened when trying to retrieve conversation tracker from 'ThreadedSQLTrackerStore'"
)
QUESTION = "can I use the city crest on my linkedin profile?"


@pytest.fixture(scope="module")
def postgres_url():
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="module")
def proxy(postgres_url):
    proxy = TcpProxy(postgres_url.host, postgres_url.port or 5432)
    proxy.start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="module")
def instances(tmp_path_factory, postgres_url, proxy) -> tuple[Servers, Servers]:
    with redis_database() as redis_client, ExitStack() as stack:
        settings = production_settings(postgres_url, redis_client)
        proxied = {**settings, "SMP_DB_PORT": str(proxy.port)}
        yield tuple(
            stack.enter_context(started_servers(tmp_path_factory.mktemp(name), production=env))
            for name, env in (("first", settings), ("second", proxied))
        )


@pytest.fixture(scope="module")
def db_url(postgres_url) -> str:
    return postgres_url.render_as_string(hide_password=False)


def new_sender() -> str:
    return f"production-{uuid.uuid4().hex}"


def texts(replies: list[dict]) -> list[str | None]:
    return [reply.get("text") for reply in replies]


def user_texts(events: list[dict]) -> list[str]:
    return [event["text"] for event in events if event["event"] == "user"]


def test_a_conversation_alternating_between_two_servers_keeps_its_context(instances, db_url):
    conversation = Conversation(new_sender(), url="both", messages=ALTERNATING)
    for i, message in enumerate(ALTERNATING):
        here, there = instances[i % 2], instances[(i + 1) % 2]
        conversation.replies += texts(here.send(conversation.sender, message))
        assert user_texts(there.tracker_events(conversation.sender)) == ALTERNATING[: i + 1]
    assert any("Paragraph 23" in (text or "") for text in conversation.replies)
    events = stored_events(db_url, [conversation.sender])[conversation.sender]
    assert event_problems(conversation, events) == []
    topics = [e["value"] for e in events if e["event"] == "slot" and e["name"] == "last_topic"]
    assert topics and topics[-1] == "definition_social_media"


def test_fifty_conversations_at_once_lose_and_duplicate_nothing(instances, db_url, capsys):
    result = run_load([server.url for server in instances], LOAD_CONVERSATIONS, LOAD_MESSAGES)
    with capsys.disabled():
        print(f"\nload, two instances on PostgreSQL and Redis: {result.summary()}")
    assert result.errors == []
    assert len(result.latencies) == LOAD_CONVERSATIONS * LOAD_MESSAGES
    assert check_store(result, db_url) == []


def test_a_restart_resumes_the_conversation_from_postgresql(instances, db_url):
    server, sender = instances[0], new_sender()
    server.send(sender, "can i tweet from the main corporate account")
    before = server.tracker_events(sender)
    server.restart_rasa()
    assert server.tracker_events(sender)[: len(before)] == before
    assert "Paragraph 39" in "\n".join(texts(server.send(sender, "what counts as social media?")))
    events = stored_events(db_url, [sender])[sender]
    assert user_texts(events) == [
        "can i tweet from the main corporate account",
        "what counts as social media?",
    ]
    assert sum(e["event"] == "session_started" for e in events) == 1


def test_postgresql_unreachable_is_told_and_the_conversation_resumes(instances, proxy, db_url):
    server = instances[1]
    conversation = Conversation(new_sender(), url=server.url, messages=[ALTERNATING[2]])
    conversation.replies += texts(server.send(conversation.sender, ALTERNATING[2]))
    log_size = server.rasa.log.stat().st_size
    proxy.cut()
    try:
        during = requests.post(
            f"{server.url}/webhooks/rest/webhook",
            json={"sender": conversation.sender, "message": "hello"},
            timeout=60,
        )
    finally:
        proxy.restore()
    # Rasa's FailSafeTrackerStore logs the error and answers from a new, empty conversation,
    # which it keeps in memory only; the channel tells the user so.
    assert during.status_code == 200
    assert STORE_UNAVAILABLE in [reply.get("text") for reply in during.json()]
    with server.rasa.log.open(errors="replace") as log:
        log.seek(log_size)
        logged = log.read()
    assert RETRIEVE_ERROR in logged and "OperationalError" in logged
    assert conversation.sender not in logged  # database errors quote their parameters

    conversation.messages.append(ALTERNATING[3])
    after = texts(server.send(conversation.sender, ALTERNATING[3]))
    assert "Paragraph 39" in "\n".join(text or "" for text in after)
    conversation.replies += after
    events = stored_events(db_url, [conversation.sender])[conversation.sender]
    assert event_problems(conversation, events) == []


def test_arbitrary_unicode_never_stops_a_production_server(instances):
    fuzz_rest(instances[0])
    fuzz_socketio(instances[0])


def timed_send(server: Servers, sender: str, message: str) -> tuple[float, str]:
    started = time.monotonic()
    replies = server.send(sender, message)
    return time.monotonic() - started, "\n".join(text or "" for text in texts(replies))


def health(server: Servers) -> tuple[int, dict]:
    reply = requests.get(f"{server.url}/webhooks/health/", timeout=10)
    return reply.status_code, reply.json()


def test_a_stalled_database_harms_one_request_not_the_server(instances, proxy, capsys):
    server, stalled_user = instances[1], new_sender()
    assert "Paragraph 23" in timed_send(server, stalled_user, QUESTION)[1]
    assert health(server) == (
        200,
        {"status": "ok", "model": "ok", "tracker_store": "ok", "lock_store": "ok"},
    )
    proxy.freeze()
    try:
        with ThreadPoolExecutor(2) as pool:
            stalled = pool.submit(timed_send, server, stalled_user, "what counts as social media?")
            time.sleep(0.5)
            other = pool.submit(timed_send, server, new_sender(), QUESTION)
            other_seconds, other_reply = other.result()
            stalled_seconds, stalled_reply = stalled.result()
        during = health(server)
    finally:
        proxy.thaw()
    with capsys.disabled():
        print(
            f"\nPostgreSQL frozen: the stalled user answered in {stalled_seconds:.1f} s, "
            f"another user in {other_seconds:.1f} s"
        )
    assert other_seconds < 5 and "Paragraph 23" in other_reply
    assert stalled_seconds < 10
    assert STORE_UNAVAILABLE in stalled_reply or UNAVAILABLE in stalled_reply
    assert during[0] == 503 and during[1]["tracker_store"] == "unavailable"
    deadline = time.monotonic() + 30
    while health(server)[0] != 200 and time.monotonic() < deadline:
        time.sleep(1)
    assert health(server)[0] == 200


def send_until_killed(server: Servers, sender: str) -> None:
    try:
        server.send(sender, QUESTION)
    except requests.ConnectionError:
        pass  # the server was killed while it handled the message


def test_a_server_killed_mid_turn_does_not_hold_up_the_conversation(instances, capsys):
    server, sender = instances[0], new_sender()
    actions = server.actions.popen
    os.kill(actions.pid, signal.SIGSTOP)  # the turn hangs in the custom action
    mid_turn = threading.Thread(target=send_until_killed, args=(server, sender), daemon=True)
    try:
        with redis_database() as redis_client:
            mid_turn.start()
            deadline = time.monotonic() + 30
            while not redis_client.exists(f"smp:lock:{sender}") and time.monotonic() < deadline:
                time.sleep(0.1)
            assert redis_client.exists(f"smp:lock:{sender}")
            server.rasa.popen.kill()
            server.rasa.popen.wait()
            assert redis_client.exists(f"smp:lock:{sender}"), "the dead server's lock is left"
    finally:
        os.kill(actions.pid, signal.SIGCONT)
    server.start_rasa()
    timed_send(server, new_sender(), "hello")  # the first message after a start is slower
    seconds, reply = timed_send(server, sender, "what counts as social media?")
    with capsys.disabled():
        print(f"\nkilled mid-turn: the next message after the restart answered in {seconds:.1f} s")
    assert seconds < 5 and "Paragraph 39" in reply
