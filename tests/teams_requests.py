"""Requests and helpers for the Teams channel tests: activities as the Bot Connector posts
them, genuine and forged tokens, the channel pointed at a FakeMicrosoft (tests/teams_fake.py),
and the real servers with Teams in front of them."""

from __future__ import annotations

import asyncio
import html
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
import requests
from botbuilder.schema import (
    Activity,
    ActivityTypes,
    ChannelAccount,
    ConversationAccount,
    Mention,
)
from botbuilder.schema.teams import ChannelInfo, TeamInfo, TeamsChannelData, TenantInfo

from channels.teams import TeamsInput, TeamsOutput
from scripts.servers import Servers
from tests.teams_fake import (
    APP_ID,
    APP_PASSWORD,
    TENANT_ID,
    FakeMicrosoft,
    LocalTeamsInput,
    new_rsa_key,
)

BOT = ChannelAccount(id=f"28:{APP_ID}", name="Policy Bot")
BOT_MENTION = "<at>Policy Bot</at>"


def channel_for(fake: FakeMicrosoft, **credentials: Any) -> TeamsInput:
    return LocalTeamsInput.from_credentials(
        {
            "app_id": APP_ID,
            "app_password": APP_PASSWORD,
            "tenant_id": TENANT_ID,
            "fake_microsoft": fake.url,
            **credentials,
        }
    )


def activity(
    fake: FakeMicrosoft,
    text: str,
    *,
    conversation_type: str = "personal",
    channel_id: str = "msteams",
    service_url: str | None = None,
) -> dict[str, Any]:
    """A Teams message activity as the Bot Connector posts it."""
    if conversation_type == "channel":
        conversation_id = (
            f"19:{uuid.uuid4().hex}@thread.tacv2;messageid={uuid.uuid4().int % 10**13}"
        )
        channel_data = TeamsChannelData(
            team=TeamInfo(id=f"19:{uuid.uuid4().hex}@thread.tacv2", name="HR"),
            channel=ChannelInfo(id=conversation_id.split(";")[0], name="General"),
            tenant=TenantInfo(id=TENANT_ID),
        )
    else:
        conversation_id = f"a:{uuid.uuid4().hex}"
        channel_data = TeamsChannelData(tenant=TenantInfo(id=TENANT_ID))
    entities = (
        [Mention(mentioned=BOT, text=BOT_MENTION, type="mention")] if BOT_MENTION in text else None
    )
    return Activity(
        type=ActivityTypes.message,
        id=str(uuid.uuid4().int % 10**13),
        channel_id=channel_id,
        service_url=service_url or fake.service_url,
        from_property=ChannelAccount(
            id=f"29:{uuid.uuid4().hex}", name="Test User", aad_object_id=str(uuid.uuid4())
        ),
        recipient=BOT,
        conversation=ConversationAccount(
            id=conversation_id,
            conversation_type=conversation_type,
            is_group=conversation_type != "personal",
            tenant_id=TENANT_ID,
        ),
        text=text,
        text_format="plain",
        locale="en-GB",
        entities=entities,
        channel_data=channel_data,
    ).serialize()


def bearer(token: str) -> str:
    return f"Bearer {token}"


@dataclass
class Forged:
    """A forged or broken request: its Authorization header, activity changes, why refused."""

    auth: Callable[[FakeMicrosoft], str | None]
    reason: str
    changes: dict[str, Any] = field(default_factory=dict)


# Every one of these gets a 401, also from the real server (end-to-end tests).
FORGED = {
    "no Authorization header": Forged(lambda fake: None, "no bearer token"),
    "not a bearer token": Forged(lambda fake: "Basic dXNlcjpwYXNz", "no bearer token"),
    "expired token": Forged(
        lambda fake: bearer(fake.token(expires_in=-3600)), "Signature has expired"
    ),
    "wrong audience": Forged(
        lambda fake: bearer(fake.token(audience=str(uuid.uuid4()))), "Audience doesn't match"
    ),
    "wrong issuer": Forged(
        lambda fake: bearer(fake.token(issuer="https://sts.windows.net/evil/")), "Invalid issuer"
    ),
    "key id not in the set": Forged(
        lambda fake: bearer(fake.token(key=new_rsa_key(), key_id="not-published")),
        "'not-published' is not in Microsoft's key set",
    ),
    "HS256 token": Forged(
        lambda fake: bearer(
            fake.token(key="a-shared-secret-of-at-least-32-bytes!", algorithm="HS256")
        ),
        "algorithm 'HS256' is not RS256",
    ),
    "serviceurl claim mismatch": Forged(
        lambda fake: bearer(fake.token(service_url="https://smba.evil.example/")),
        "serviceurl claim missing or not the activity's serviceUrl",
    ),
    "no serviceurl claim": Forged(
        lambda fake: bearer(fake.token(serviceurl=None)),
        "serviceurl claim missing or not the activity's serviceUrl",
    ),
}
# These only in the unit tests.
FORGED_UNIT_ONLY = {
    "signed with another key under the published key id": Forged(
        lambda fake: bearer(fake.token(key=new_rsa_key())), "Signature verification failed"
    ),
    "unsigned token (alg none)": Forged(
        lambda fake: bearer(fake.token(key=None, algorithm="none")),
        "algorithm 'none' is not RS256",
    ),
    "token without expiry": Forged(
        lambda fake: bearer(fake.token(exp=None)), 'missing the "exp" claim'
    ),
    "garbage token": Forged(lambda fake: "Bearer not.a.jwt", "malformed token"),
    "key not endorsed for the channel": Forged(
        lambda fake: bearer(fake.token()), "not endorsed for channel 'sms'", {"channelId": "sms"}
    ),
}
ALL_FORGED = {**FORGED, **FORGED_UNIT_ONLY}


class Collector:
    """Stands in for Rasa: records the messages that reach the assistant."""

    def __init__(self) -> None:
        self.messages = []

    async def __call__(self, message) -> None:
        self.messages.append(message)


def receive(channel: TeamsInput, auth: str | None, body: dict[str, Any]) -> tuple[int, Collector]:
    collector = Collector()
    status, _ = asyncio.run(channel.receive(auth, json.dumps(body).encode(), collector))
    return status, collector


def reply_text(reply: dict[str, Any]) -> str:
    """The plain text of a reply activity: its text or its hero card's text."""
    parts = [reply.get("text", "")]
    parts += [a["content"].get("text", "") for a in reply.get("attachments", [])]
    return "\n".join(html.unescape(part.replace("<br>", "\n")) for part in parts if part)


def output_for(fake: FakeMicrosoft, sent: dict[str, Any], **credentials: Any):
    channel = channel_for(fake, **credentials)

    async def run(calls):
        async with aiohttp.ClientSession() as session:
            output = TeamsOutput(
                channel,
                session,
                sent["conversation"],
                sent["recipient"],
                sent["serviceUrl"],
                sent["id"],
            )
            for call in calls:
                await call(output)

    return run


@dataclass
class TeamsServers:
    servers: Servers
    fake: FakeMicrosoft

    def post(self, sent: dict[str, Any], auth: str | None) -> requests.Response:
        headers = {"Authorization": auth} if auth else {}
        return requests.post(
            f"{self.servers.url}/webhooks/teams/webhook", json=sent, headers=headers, timeout=120
        )

    def ask(self, sent: dict[str, Any]) -> list[dict[str, Any]]:
        """Posts a genuine activity; the replies that reached the fake Bot Connector."""
        response = self.post(sent, bearer(self.fake.token()))
        assert response.status_code == 200, response.text
        return [r["activity"] for r in self.fake.replies(sent["conversation"]["id"])]
