"""Security: the action server on loopback only, Rasa's HTTP API only with its token, no REST
webhook in production, and no user text in the logs at INFO."""

from __future__ import annotations

import asyncio
import errno
import logging
import math
import select
import socket
import time
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from rasa.core.run import create_http_input_channels
from sanic.exceptions import Forbidden

from channels.guard import answer_or_apologise
from channels.rest import RestOutput, refuse_remote
from channels.socketio import SIGNED_ID
from channels.teams import TeamsInput
from contracts import TOO_LONG_REPLY, UNREADABLE
from scripts.servers import ROOT, server_settings
from tests.fuzz import fuzz_rest, fuzz_socketio
from tests.servers import QUESTION, text_of
from tests.socket_user import QUIET_SECONDS, SocketUser
from tests.teams_fake import FakeMicrosoft
from tests.teams_requests import activity, bearer, channel_for, receive

LOOPBACK_HEX = "0100007F"


# 127.0.0.1 as /proc/net/tcp writes it
LISTEN = "0A"


def listening_addresses(port: int) -> set[str]:
    """The local addresses of the sockets listening on this TCP port, as /proc/net shows them."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            local, state = line.split()[1], line.split()[3]
            address, port_hex = local.split(":")
            if state == LISTEN and int(port_hex, 16) == port:
                found.add(address)
    return found


def non_loopback_address() -> str | None:
    """This machine's address on its default route (no packet is sent), if it has one."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("10.255.255.255", 9))
        except OSError:
            return None
        address = probe.getsockname()[0]
    return None if address.startswith("127.") else address


@pytest.mark.servers
def test_the_action_server_listens_on_loopback_only(servers):
    assert listening_addresses(servers.action_port) == {LOOPBACK_HEX}
    assert requests.get(f"http://127.0.0.1:{servers.action_port}/health", timeout=5).ok
    address = non_loopback_address()
    if address is None:
        pytest.skip("this machine has no non-loopback IPv4 address")
    with pytest.raises(OSError) as refused:
        socket.create_connection((address, servers.action_port), timeout=5).close()
    assert refused.value.errno == errno.ECONNREFUSED


@pytest.mark.servers
@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/status"),
        ("GET", "/conversations/someone/tracker"),
        ("POST", "/model/parse"),
        ("POST", "/conversations/someone/messages"),
    ],
)
def test_the_http_api_refuses_requests_without_the_token(servers, method, path):
    url = f"{servers.url}{path}"
    body = {"text": "hello", "sender": "user"}
    assert requests.request(method, url, json=body, timeout=30).status_code == 401
    wrong = requests.request(method, url, json=body, params={"token": "wrong"}, timeout=30)
    assert wrong.status_code == 401
    right = requests.request(method, url, json=body, params={"token": servers.token}, timeout=30)
    assert right.status_code == 200


def test_production_has_teams_the_web_chat_and_health_but_no_rest_webhook(monkeypatch):
    monkeypatch.setattr(TeamsInput, "openid_configuration_url", "http://127.0.0.1:9/openid")
    channels = create_http_input_channels(None, str(ROOT / "credentials.production.yml"))
    assert sorted(type(channel).__name__ for channel in channels) == [
        "HealthInput",
        "SessionSocketIOInput",
        "TeamsInput",
    ]
    assert "rest" not in {channel.name() for channel in channels}


# -- no user text in the logs -----------------------------------------------------------------


def marker() -> str:
    return f"secretword{uuid.uuid4().hex[:8]}"


@pytest.mark.servers
def test_logs_at_info_carry_no_message_text_and_no_sender_id(servers):
    word = marker()
    question = f"can I post about {word} on my facebook profile?"
    webhook = f"{servers.url}/webhooks/rest/webhook"
    sender = f"logs-{uuid.uuid4().hex}"
    assert requests.post(webhook, json={"sender": sender, "message": question}, timeout=60).ok
    long_message = f"{word} " * 500
    assert requests.post(webhook, json={"sender": sender, "message": long_message}, timeout=60).ok
    refused = requests.post(
        webhook, json={"sender": sender, "message": question, "metadata": word}, timeout=60
    )
    assert refused.status_code == 400

    async def web_chat() -> None:
        async with SocketUser(servers.url) as user:
            await user.ask(question)
            await user.send({"session_id": user.session_id, "message": question, "metadata": "{"})

    asyncio.run(web_chat())
    for log in (servers.rasa.log, servers.actions.log):
        logged = log.read_text(errors="replace")
        assert word not in logged
        assert sender not in logged


async def failing_with_the_text(message: UserMessage) -> None:
    raise RuntimeError(f"INSERT failed, parameters: ({message.text!r},)")


def test_the_channels_log_no_message_text(caplog):
    word = marker()
    with caplog.at_level(logging.INFO):
        output = RestOutput()
        message = UserMessage(f"about {word}", output, "someone", input_channel="rest")
        asyncio.run(answer_or_apologise(failing_with_the_text, message))
        with FakeMicrosoft() as fake:
            teams = channel_for(fake)
            receive(teams, bearer(fake.token()), activity(fake, f"about {word}"))
            receive(teams, bearer(fake.token()), {**activity(fake, word), "text": [word]})
            receive(teams, None, activity(fake, f"about {word}"))
    assert "could not handle a message" in caplog.text
    assert word not in caplog.text


# -- one request cannot stop the server --------------------------------------------------------


@pytest.mark.servers
@pytest.mark.parametrize("session_id", ["a\udfff", "a\x00b", "\ud800\udc00", "../../x"])
def test_a_web_chat_session_id_the_store_cannot_take_gets_a_new_session(servers, session_id):
    async def conversation() -> tuple[str, list, str]:
        async with SocketUser(servers.url, session_id=session_id) as user:
            refused = await user.send({"session_id": session_id, "message": "hello"})
            return user.session_id, refused, await user.ask(QUESTION)

    issued, refused, answer = asyncio.run(conversation())
    assert SIGNED_ID.fullmatch(issued)
    assert [reply["text"] for reply in refused] == [UNREADABLE]
    assert "Paragraph 23" in answer
    assert "Paragraph 23" in text_of(servers.send(f"after-{uuid.uuid4().hex}", QUESTION))


@pytest.mark.servers
def test_a_message_over_the_limit_is_answered_by_the_channel_and_not_stored(servers):
    sender = f"long-{uuid.uuid4().hex}"
    replies = servers.send(sender, "can I post this? " * 3600)
    assert text_of(replies) == TOO_LONG_REPLY
    assert [e for e in servers.tracker_events(sender) if e["event"] == "user"] == []
    assert "Paragraph 23" in text_of(servers.send(sender, QUESTION))


# -- one person cannot reach another's conversation ----------------------------------------------


@pytest.mark.servers
def test_a_web_chat_conversation_is_reachable_only_from_the_socket_it_was_confirmed_to(servers):
    async def conversation() -> tuple[str, list, list, str]:
        async with SocketUser(servers.url) as victim, SocketUser(servers.url) as intruder:
            await victim.ask(QUESTION)
            written = await intruder.send({"session_id": victim.session_id, "message": "hi"})
            replay = await victim.ask("which paragraph is that?")
            overheard = await intruder.replies_within(QUIET_SECONDS)
            return victim.session_id, written, overheard, replay

    session_id, written, overheard, replay = asyncio.run(conversation())
    assert [reply["text"] for reply in written] == [UNREADABLE]
    assert overheard == []
    assert "paragraph 23" in replay.lower()
    said = [e["text"] for e in servers.tracker_events(session_id) if e["event"] == "user"]
    assert "hi" not in said


@pytest.mark.servers
@pytest.mark.parametrize(
    "presented",
    ["alice", f"rest-{uuid.uuid4().hex}", f"{'0' * 32}.{'0' * 32}", "29:1abcdefTeamsUser"],
    ids=["a name", "a REST sender", "a forged signature", "a Teams id"],
)
def test_an_id_the_server_did_not_issue_opens_a_new_conversation(servers, presented):
    servers.send(presented, QUESTION)

    async def conversation() -> tuple[str, str]:
        async with SocketUser(servers.url, session_id=presented) as user:
            return user.session_id, await user.ask("quote it")

    issued, reply = asyncio.run(conversation())
    assert issued != presented and SIGNED_ID.fullmatch(issued)
    assert "Paragraph 23" not in reply  # nothing of the other conversation to quote


@pytest.mark.servers
def test_a_reloaded_page_goes_on_with_its_own_conversation(servers):
    async def conversation() -> tuple[str, str, str]:
        async with SocketUser(servers.url) as first:
            await first.ask(QUESTION)
        async with SocketUser(servers.url, session_id=first.session_id) as again:
            return first.session_id, again.session_id, await again.ask("which paragraph is that?")

    first_id, again_id, reply = asyncio.run(conversation())
    assert again_id == first_id and "paragraph 23" in reply.lower()


@pytest.mark.servers
@pytest.mark.parametrize(
    ("origin", "accepted"),
    [
        ("http://evil.example", False),
        ("http://localhost:8081", False),
        ("http://localhost:8080", True),
        (None, True),  # not a browser: no page of another site behind it
    ],
)
def test_the_web_chat_accepts_only_its_own_pages(servers, origin, accepted):
    async def connect() -> str:
        async with SocketUser(servers.url, origin=origin) as user:
            return await user.ask(QUESTION)

    if accepted:
        assert "Paragraph 23" in asyncio.run(connect())
    else:
        with pytest.raises(ConnectionRefusedError):
            asyncio.run(connect())


def request_from(address: str) -> SimpleNamespace:
    return SimpleNamespace(ip=address)


@pytest.mark.parametrize("address", ["127.0.0.1", "::1"])
def test_the_rest_webhook_answers_this_machine(address):
    refuse_remote(request_from(address))


@pytest.mark.parametrize("address", ["10.1.2.3", "192.168.0.9", "2001:db8::1", ""])
def test_the_rest_webhook_refuses_every_other_address(address):
    with pytest.raises(Forbidden):
        refuse_remote(request_from(address))


# -- slow clients and health ---------------------------------------------------------------------

SLOW_CLIENTS = 50


def seconds_until_closed(connections: list[socket.socket], limit: float) -> list[float]:
    """For each connection, the seconds until the server closed it (inf: still open)."""
    started, closed = time.monotonic(), {}
    for connection in connections:
        connection.setblocking(False)
    while len(closed) < len(connections) and time.monotonic() - started < limit:
        readable, _, _ = select.select([c for c in connections if c not in closed], [], [], 0.5)
        for connection in readable:
            try:
                if connection.recv(65536):
                    continue  # Sanic's 408 response before it closes
            except OSError:
                pass
            closed[connection] = time.monotonic() - started
    return [closed.get(connection, math.inf) for connection in connections]


@pytest.mark.servers
def test_slow_clients_are_dropped_and_others_answered_meanwhile(servers, capsys):
    timeout = float(server_settings()["SANIC_REQUEST_TIMEOUT"])
    port = int(servers.url.rsplit(":", 1)[1])
    slow = [socket.create_connection(("127.0.0.1", port), timeout=5) for _ in range(SLOW_CLIENTS)]
    try:
        for connection in slow:
            connection.sendall(b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\n")
        assert "Paragraph 23" in text_of(servers.send(f"meanwhile-{uuid.uuid4().hex}", QUESTION))
        closed_after = seconds_until_closed(slow, limit=timeout + 20)
    finally:
        for connection in slow:
            connection.close()
    with capsys.disabled():
        print(f"\n{SLOW_CLIENTS} slow clients dropped after {max(closed_after):.1f} s at most")
    assert max(closed_after) < timeout + 10  # Sanic checks its timeouts every few seconds


@pytest.mark.servers
def test_health_reports_the_model_and_the_stores(servers):
    reply = requests.get(f"{servers.url}/webhooks/health/", timeout=10)
    assert reply.status_code == 200
    assert reply.json() == {
        "status": "ok",
        "model": "ok",
        "tracker_store": "ok",
        "lock_store": "ok",
    }


@pytest.mark.servers
def test_arbitrary_unicode_over_rest_never_stops_the_server(servers):
    fuzz_rest(servers)


@pytest.mark.servers
def test_arbitrary_unicode_over_the_web_chat_never_stops_the_server(servers):
    fuzz_socketio(servers)
