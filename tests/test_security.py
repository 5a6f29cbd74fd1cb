"""Security: the action server on loopback only, Rasa's HTTP API only with its token, no REST
webhook in production, and no user text in the logs at INFO."""

from __future__ import annotations

import asyncio
import errno
import logging
import socket
import uuid
from pathlib import Path

import pytest
import requests
from rasa.core.channels.channel import UserMessage
from rasa.core.run import create_http_input_channels

from channels.guard import answer_or_apologise
from channels.rest import RestOutput
from channels.teams import TeamsInput
from tests.servers import ROOT
from tests.socket_user import SocketUser
from tests.teams_fake import FakeMicrosoft
from tests.test_teams import activity, bearer, channel_for, receive

LOOPBACK_HEX = "0100007F"  # 127.0.0.1 as /proc/net/tcp writes it
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


def test_production_has_teams_and_the_web_chat_but_no_rest_webhook(monkeypatch):
    monkeypatch.setattr(TeamsInput, "openid_configuration_url", "http://127.0.0.1:9/openid")
    channels = create_http_input_channels(None, str(ROOT / "credentials.production.yml"))
    assert sorted(type(channel).__name__ for channel in channels) == [
        "SessionSocketIOInput",
        "TeamsInput",
    ]
    assert "rest" not in {channel.name() for channel in channels}


# -- no user text in the logs -----------------------------------------------------------------


def marker() -> str:
    return f"secretword{uuid.uuid4().hex[:8]}"


@pytest.mark.servers
def test_logs_at_info_carry_no_message_text(servers):
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
        assert word not in log.read_text(errors="replace")


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
