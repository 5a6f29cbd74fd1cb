"""Bad input over every public entry point: the REST webhook, the web chat's socket.io channel
and the Teams webhook. Every case gets a clear reply or a 4xx, never a 5xx, and the server keeps
answering. (Bad message text that is well formed, such as HTML or 20,000 characters, is the NLU
guard's: tests/test_conversation_e2e.py.)"""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
import requests
import websockets

from channels.guard import MAX_SENDER_ID_CHARS
from channels.socketio import SIGNED_ID
from contracts import UNREADABLE
from tests.servers import QUESTION, text_of
from tests.socket_user import SocketUser
from tests.teams_fake import FakeMicrosoft
from tests.teams_requests import activity, bearer, channel_for, receive

ONE_MB = 1_000_000


def new_sender() -> str:
    return f"bad-{uuid.uuid4().hex}"


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


# -- REST webhook -----------------------------------------------------------------------------

# What each body got from Rasa's own RestInput is in channels/rest.py.
REFUSED_REST_BODIES = {
    "empty body": (b"", 400),
    "whitespace body": (b"  \n ", 400),
    "invalid JSON": (b'{"sender": "a", "message": ', 400),
    "JSON list": (b'["hello"]', 400),
    "JSON string": (b'"hello"', 400),
    "JSON null": (b"null", 400),
    "invalid UTF-8": (b'{"sender": "a", "message": "caf\xff\xfe"}', 400),
    "message missing": (body(sender="a"), 400),
    "message null": (body(sender="a", message=None), 400),
    "message a number": (body(sender="a", message=123), 400),
    "message a list": (body(sender="a", message=["hello"]), 400),
    "message an object": (body(sender="a", message={"text": "hello"}), 400),
    "sender missing": (body(message="hello"), 400),
    "sender empty": (body(sender="", message="hello"), 400),
    "sender a number": (body(sender=42, message="hello"), 400),
    "sender an object": (body(sender={"id": "a"}, message="hello"), 400),
    "sender over 255 characters": (body(sender="s" * 256, message="hello"), 400),
    # A lone surrogate or NUL reaching Rasa's SQL tracker store made it call sys.exit(1).
    "sender with a lone surrogate": (body(sender="a\udfff", message="hello"), 400),
    "sender with NUL": (body(sender="a\x00b", message="hello"), 400),
    "sender with a space": (body(sender="a b", message="hello"), 400),
    "sender with right-to-left override": (body(sender="a\u202eb", message="hello"), 400),
    "sender of 100,000 characters": (body(sender="s" * 100_000, message="hello"), 413),
    "metadata a string": (body(sender="a", message="hello", metadata="x"), 400),
    "input_channel a number": (body(sender="a", message="hello", input_channel=5), 400),
    "1 MB message": (body(sender="a", message="x" * ONE_MB), 413),
}


def post_rest(servers, data: bytes) -> requests.Response:
    return requests.post(
        f"{servers.url}/webhooks/rest/webhook",
        data=data,
        headers={"Content-Type": "application/json"},
        timeout=60,
    )


@pytest.mark.servers
def test_bad_rest_requests_get_4xx_and_the_server_keeps_answering(servers):
    statuses = {
        name: post_rest(servers, data).status_code
        for name, (data, _) in REFUSED_REST_BODIES.items()
    }
    assert statuses == {name: status for name, (_, status) in REFUSED_REST_BODIES.items()}
    assert "Paragraph 23" in text_of(servers.send(new_sender(), QUESTION))


@pytest.mark.servers
def test_a_refused_megabyte_is_not_stored(servers):
    sender = new_sender()
    assert post_rest(servers, body(sender=sender, message="x" * ONE_MB)).status_code == 413
    assert [e for e in servers.tracker_events(sender) if e["event"] == "user"] == []


@pytest.mark.servers
def test_a_sender_id_of_255_characters_is_accepted(servers):
    sender = "s" * (MAX_SENDER_ID_CHARS - 32) + uuid.uuid4().hex
    assert "Paragraph 23" in text_of(servers.send(sender, QUESTION))


@pytest.mark.servers
@pytest.mark.parametrize(
    ("message", "stored", "expected"),
    [
        (f"{QUESTION}\x00\x07\x1b[31m", f"{QUESTION}   [31m", ""),
        ("' OR 1=1; DROP TABLE events; --", "' OR 1=1; DROP TABLE events; --", ""),
        ("<script>alert('hi')</script>", "<script>alert('hi')</script>", "plain text"),
    ],
    ids=["control characters", "SQL", "script"],
)
def test_odd_but_well_formed_text_gets_a_reply_and_is_stored_as_text(
    servers, message, stored, expected
):
    sender = new_sender()
    assert expected in text_of(servers.send(sender, message))
    assert [e["text"] for e in servers.tracker_events(sender) if e["event"] == "user"] == [stored]
    assert "Paragraph 23" in text_of(servers.send(sender, QUESTION))


# -- socket.io (the web chat) -----------------------------------------------------------------


def run_socket(servers, conversation):
    async def run():
        async with SocketUser(servers.url) as user:
            return await conversation(user)

    return asyncio.run(run())


# Event data, and whether the user's own session id is added to it.
REFUSED_SOCKETIO_EVENTS = {
    "a string": ("a plain string", False),
    "a list": (["a", "list"], False),
    "message a number": ({"message": 123}, True),
    "message null": ({"message": None}, True),
    "session id over 255": ({"message": QUESTION, "session_id": "s" * 256}, False),
    "session id a number": ({"message": QUESTION, "session_id": 42}, False),
    "no session id": ({"message": QUESTION}, False),
    "metadata not JSON": ({"message": QUESTION, "metadata": "{not json"}, True),
}


@pytest.mark.servers
@pytest.mark.parametrize("case", list(REFUSED_SOCKETIO_EVENTS))
def test_bad_socketio_events_get_a_clear_reply(servers, case):
    data, with_session = REFUSED_SOCKETIO_EVENTS[case]

    async def conversation(user: SocketUser):
        sent = {"session_id": user.session_id, **data} if with_session else data
        return await user.send(sent), await user.ask(QUESTION)

    refused, answer = run_socket(servers, conversation)
    assert [reply["text"] for reply in refused] == [UNREADABLE]
    assert "Paragraph 23" in answer


@pytest.mark.servers
@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("", "didn't get a question"),
        ("   ", "didn't get a question"),
        (f"{QUESTION}\x00\x1b", "Paragraph 23"),
        ("<img src=x onerror=alert(1)>", "plain text"),
        ("x" * 20_000, "under 2000 characters"),
    ],
    ids=["empty", "whitespace", "control characters", "HTML", "20,000 characters"],
)
def test_odd_socketio_messages_get_a_clear_reply(servers, message, expected):
    assert expected in run_socket(servers, lambda user: user.ask(message))


@pytest.mark.servers
def test_a_long_or_odd_session_id_is_replaced(servers):
    async def conversation():
        async with SocketUser(servers.url, session_id="s" * 1000) as user:
            return user.session_id, await user.ask(QUESTION)

    session_id, answer = asyncio.run(conversation())
    assert SIGNED_ID.fullmatch(session_id) and "Paragraph 23" in answer


@pytest.mark.servers
def test_a_megabyte_socketio_message_closes_the_connection_and_nothing_else(servers):
    async def conversation():
        async with SocketUser(servers.url) as user:
            await user.emit("user_uttered", {"message": "x" * ONE_MB})
            with pytest.raises(websockets.ConnectionClosed):
                await user.packet(timeout=10)
        async with SocketUser(servers.url) as user:
            return await user.ask(QUESTION)

    assert "Paragraph 23" in asyncio.run(conversation())


# -- Teams ------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fake():
    with FakeMicrosoft() as running:
        yield running


@pytest.mark.parametrize(
    "changes",
    [
        {"from": {"id": "29:" + "x" * MAX_SENDER_ID_CHARS, "name": "Test User"}},
        {"text": 123},
        {"text": ["hello"]},
        {"from": "not an account"},
        {"conversation": None},
    ],
    ids=["sender id over 255", "text a number", "text a list", "from a string", "no conversation"],
)
def test_bad_teams_activities_get_400_and_never_reach_the_assistant(fake, changes):
    status, collector = receive(
        channel_for(fake), bearer(fake.token()), {**activity(fake, QUESTION), **changes}
    )
    assert status == 400 and collector.messages == []


def test_control_characters_are_removed_from_teams_text(fake):
    sent = activity(fake, f"{QUESTION}\x00\x1b[1m")
    status, collector = receive(channel_for(fake), bearer(fake.token()), sent)
    [message] = collector.messages
    assert status == 200 and message.text.startswith(QUESTION)
    assert not any(ord(char) < 32 for char in message.text)


@pytest.mark.servers
@pytest.mark.parametrize(
    ("data", "status"),
    [
        (b"", 401),
        (b"{not json", 401),
        (b"\xff\xfe", 401),
        (body(type="message", text="x" * ONE_MB), 413),
    ],
    ids=["empty", "invalid JSON", "invalid UTF-8", "1 MB"],
)
def test_bad_teams_bodies_get_4xx_from_the_real_server(servers, data, status):
    response = requests.post(
        f"{servers.url}/webhooks/teams/webhook",
        data=data,
        headers={"Content-Type": "application/json", "Authorization": "Bearer x.y.z"},
        timeout=30,
    )
    assert response.status_code == status
