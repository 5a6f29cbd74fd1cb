"""Faults: when Rasa cannot answer (the action server stopped, an exception while handling a
message), the user is told so instead of getting silence, and the conversation goes on once
the fault is gone."""

from __future__ import annotations

import asyncio
import json
import uuid

import pytest
from rasa.core.channels.channel import UserMessage

from channels.guard import UNAVAILABLE, answer_or_apologise
from channels.rest import RestOutput
from tests.servers import started_servers
from tests.socket_user import SocketUser
from tests.teams_fake import FakeMicrosoft
from tests.teams_requests import activity, bearer, channel_for, reply_text

# The payload of a help button: answered with Paragraph 23 whatever the NLU model makes of
# free text, so these tests do not depend on the classifier.
QUESTION = "/ask_crest_logo_personal"
# In a message sent while the action server is down, to check the failure leaves no user text
# in the logs.
MARKER = "zebracrossing"


def text_of(replies: list[dict]) -> str:
    return "\n".join(reply.get("text", "") for reply in replies)


def test_the_apology_says_what_to_do():
    assert "can't answer right now" in UNAVAILABLE
    assert "try again" in UNAVAILABLE and "Human Resources" in UNAVAILABLE


async def failing(message: UserMessage) -> None:
    raise RuntimeError("the tracker store is down")


async def silent(message: UserMessage) -> None:
    """Rasa when a custom action fails: it logs the error and sends nothing."""


@pytest.mark.parametrize(("handler", "handled"), [(failing, False), (silent, True)])
def test_rest_replies_with_the_apology(handler, handled):
    output = RestOutput()
    message = UserMessage(QUESTION, output, "someone", input_channel="rest")
    assert asyncio.run(answer_or_apologise(handler, message)) is handled
    assert output.messages == [{"recipient_id": "someone", "text": UNAVAILABLE}]


@pytest.mark.parametrize("handler", [failing, silent])
def test_teams_users_get_the_apology(handler):
    with FakeMicrosoft() as fake:
        sent = activity(fake, QUESTION)
        status, _ = asyncio.run(
            channel_for(fake).receive(bearer(fake.token()), json.dumps(sent).encode(), handler)
        )
        replies = fake.replies(sent["conversation"]["id"])
    assert status == 200
    assert [reply_text(r["activity"]) for r in replies] == [UNAVAILABLE]


@pytest.mark.servers
def test_the_action_server_stopped_mid_conversation(tmp_path):
    with started_servers(tmp_path) as servers:
        sender = f"faults-{uuid.uuid4().hex}"
        assert "Paragraph 23" in text_of(servers.send(sender, QUESTION))

        servers.actions.stop()
        down = servers.send(sender, QUESTION + json.dumps({"platform": MARKER}))
        assert text_of(down) == UNAVAILABLE
        assert "Hello" in text_of(servers.send(sender, "/greet")), "responses need no actions"

        async def over_socketio() -> str:
            async with SocketUser(servers.url) as user:
                return await user.ask(QUESTION)

        assert asyncio.run(over_socketio()) == UNAVAILABLE

        servers.start_actions()
        after = text_of(servers.send(sender, QUESTION))
        assert after.startswith("No.") and "Source: Paragraph 23" in after
        user_texts = [e["text"] for e in servers.tracker_events(sender) if e["event"] == "user"]
        assert len(user_texts) == 4

        for log in (servers.rasa.log, servers.actions.log):
            assert MARKER not in log.read_text(errors="replace")
