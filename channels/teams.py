"""Microsoft Teams, through Rasa's Bot Framework channel, with its shortcomings fixed.

In credentials.yml (the app id, password and tenant come from the environment variables
TEAMS_APP_ID, TEAMS_APP_PASSWORD and TEAMS_TENANT_ID; values given here win):

    channels.teams.TeamsInput:

Teams posts to /webhooks/teams/webhook. Compared with Rasa's `botframework` channel:

- Microsoft's OpenID configuration and key set are fetched at the first request, cached and
  refreshed daily (or sooner for an unknown key id, at most every few minutes), never at start-up,
  so the server starts without network access.
- Incoming tokens: RS256 only, signed with a key from the published set, audience = app id,
  issuer = https://api.botframework.com, not expired (5 minutes clock leeway, as Microsoft's
  SDKs), the key endorsed for the activity's channel and a `serviceurl` claim present and
  equal to the activity's serviceUrl. Any failure is a 401 and the message never reaches the
  assistant.
- Only the City's tenant: an activity whose `channelData.tenant.id` is not TEAMS_TENANT_ID gets
  403 (and every request does while TEAMS_TENANT_ID is unset). Replies, which carry the bot's
  token, go only to a serviceUrl starting with one of TEAMS_SERVICE_URLS (Microsoft's Bot
  Connector for Teams by default); an activity naming another gets 403.
- `<at>...</at>` mentions of the bot are removed from the text (other people's mentions keep
  their name); answers go out whole in one message (no splitting, no cutting), buttons as a hero
  card with `imBack` actions; replies use aiohttp and answer the user's activity (replyToId).
- With a policy URL configured (config/links.yml), "Paragraph 23" in a text reply links to
  that URL's #para-23 (channels/citations.py).
- A sender id over 255 characters or a text that is not a string gets 400; control characters
  become spaces; when Rasa fails or sends nothing back, the user gets the apology
  (channels/guard.py).
"""

from __future__ import annotations

import asyncio
import html
import json
import logging
import os
import re
import time
from collections.abc import Awaitable, Callable, Iterable
from typing import Any
from urllib.parse import quote

import aiohttp
import jwt
from jwt.algorithms import RSAAlgorithm
from rasa.core.channels.botframework import BotFramework, BotFrameworkInput
from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.citations import with_policy_links
from channels.guard import (
    RecordsReplies,
    answer_or_apologise,
    sender_id_problem,
    text_problem,
    without_control_characters,
)

logger = logging.getLogger(__name__)

MICROSOFT_OPEN_ID_URI = "https://login.botframework.com/v1/.well-known/openidconfiguration"
MICROSOFT_OAUTH2_URL = "https://login.microsoftonline.com"
# Token authority for multi-tenant bots; single-tenant bots use their tenant id instead.
BOT_FRAMEWORK_TENANT = "botframework.com"
BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"
BOT_FRAMEWORK_SCOPE = "https://api.botframework.com/.default"
ALGORITHM = "RS256"
CLOCK_LEEWAY_SECONDS = 300
KEY_REFRESH_SECONDS = 24 * 3600
UNKNOWN_KEY_REFRESH_SECONDS = 300
FETCH_RETRY_SECONDS = 30
TOKEN_EARLY_RENEWAL_SECONDS = 300
HTTP_TIMEOUT_SECONDS = 15

BEARER = re.compile(r"Bearer\s+(\S+)\s*", re.IGNORECASE)
MENTION = re.compile(r"<at(?:\s[^>]*)?>(.*?)</at>", re.IGNORECASE | re.DOTALL)
HERO_CARD = "application/vnd.microsoft.card.hero"
# Where Teams' Bot Connector lives in Microsoft's public cloud; government clouds add theirs
# through TEAMS_SERVICE_URLS.
DEFAULT_SERVICE_URLS = ("https://smba.trafficmanager.net/",)


class Unauthorized(Exception):
    """The request is not a genuine Bot Connector request for this bot."""


def tenant_of(activity: dict[str, Any]) -> Any:
    channel_data = activity.get("channelData")
    tenant = channel_data.get("tenant") if isinstance(channel_data, dict) else None
    return tenant.get("id") if isinstance(tenant, dict) else None


def configured_service_urls(value: Any) -> tuple[str, ...]:
    """The allowed Bot Connector URL prefixes: credentials, TEAMS_SERVICE_URLS or the default."""
    value = value or os.environ.get("TEAMS_SERVICE_URLS")
    if not value:
        return DEFAULT_SERVICE_URLS
    prefixes = re.split(r"[\s,]+", value.strip()) if isinstance(value, str) else value
    return tuple(prefix if prefix.endswith("/") else f"{prefix}/" for prefix in prefixes)


def clean_text(activity: dict[str, Any]) -> str:
    """The activity's text without mentions of the bot; other mentions become plain names."""
    text = activity.get("text") or ""
    recipient = activity.get("recipient") or {}
    bot_mentions = {
        entity.get("text")
        for entity in activity.get("entities") or []
        if isinstance(entity, dict)
        and entity.get("type") == "mention"
        and (entity.get("mentioned") or {}).get("id") == recipient.get("id")
    }

    def replace(match: re.Match) -> str:
        inner = match.group(1).strip()
        if match.group(0) in bot_mentions or inner == recipient.get("name"):
            return " "
        return inner

    text = MENTION.sub(replace, text)
    text = text.replace("&nbsp;", " ").replace("\xa0", " ")
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def teams_text(text: str) -> str:
    """Plain text as Teams XML text: markup characters escaped, line breaks kept."""
    return html.escape(text.strip(), quote=False).replace("\n", "<br>")


def card_action(button: dict[str, Any]) -> dict[str, str]:
    """A Rasa button as a Bot Framework card action."""
    title = str(button.get("title", ""))
    if button.get("url"):
        return {"type": "openUrl", "title": title, "value": str(button["url"])}
    return {"type": "imBack", "title": title, "value": str(button.get("payload") or title)}


class TeamsOutput(RecordsReplies, BotFramework):
    """Replies to one Teams activity, over the input channel's HTTP session."""

    @classmethod
    def name(cls) -> str:
        return "teams"

    def __init__(
        self,
        channel: TeamsInput,
        session: aiohttp.ClientSession,
        conversation: dict[str, Any],
        bot: dict[str, Any],
        service_url: str,
        reply_to_id: str | None = None,
    ) -> None:
        super().__init__(channel.app_id, channel.app_password, conversation, bot, service_url)
        self.channel = channel
        self.session = session
        self.reply_to_id = reply_to_id

    def prepare_message(self, recipient_id: str, message_data: dict[str, Any]) -> dict[str, Any]:
        data: dict[str, Any] = {
            "type": "message",
            "from": self.bot,
            "recipient": {"id": recipient_id},
            "conversation": self.conversation,
        }
        if self.reply_to_id:
            data["replyToId"] = self.reply_to_id
        data.update(message_data)
        return data

    async def send(self, message_data: dict[str, Any]) -> None:
        url = f"{self.global_uri}conversations/{quote(str(self.conversation['id']), safe='')}"
        url += "/activities"
        if self.reply_to_id:
            url += f"/{quote(str(self.reply_to_id), safe='')}"
        token = await self.channel.bot_token(self.session)
        if token is None:
            logger.error("Teams: no Bot Framework token, reply not sent")
            return
        try:
            async with self.session.post(
                url, json=message_data, headers={"Authorization": f"Bearer {token}"}
            ) as reply:
                if reply.status >= 400:
                    if reply.status == 401:
                        self.channel.forget_bot_token()
                    logger.error(
                        "Teams: the Bot Connector refused a reply (%s): %s",
                        reply.status,
                        (await reply.text())[:500],
                    )
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            logger.error("Teams: could not send a reply to %s: %r", url, error)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        message = {"text": with_policy_links(teams_text(text)), "textFormat": "xml"}
        await self.send(self.prepare_message(recipient_id, message))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        card = {
            "contentType": HERO_CARD,
            "content": {"text": teams_text(text), "buttons": [card_action(b) for b in buttons]},
        }
        await self.send(self.prepare_message(recipient_id, {"attachments": [card]}))

    async def send_elements(
        self, recipient_id: str, elements: Iterable[dict[str, Any]], **kwargs: Any
    ) -> None:
        for element in elements:
            await self.send(self.prepare_message(recipient_id, element))

    async def send_custom_json(
        self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any
    ) -> None:
        await self.send(self.prepare_message(recipient_id, json_message))


class TeamsInput(BotFrameworkInput):
    """Teams webhook at /webhooks/teams/webhook, validating Bot Connector tokens properly.

    BotFrameworkInput.__init__ is not called: it fetches Microsoft's keys synchronously.
    """

    # Microsoft's endpoints; tests point them at a local fake.
    openid_configuration_url: str = MICROSOFT_OPEN_ID_URI
    oauth2_url: str = MICROSOFT_OAUTH2_URL

    @classmethod
    def name(cls) -> str:
        return "teams"

    @classmethod
    def from_credentials(cls, credentials: dict[str, Any] | None) -> InputChannel:
        credentials = credentials or {}
        app_id = credentials.get("app_id") or os.environ.get("TEAMS_APP_ID", "")
        password = credentials.get("app_password") or os.environ.get("TEAMS_APP_PASSWORD", "")
        tenant = credentials.get("tenant_id") or os.environ.get("TEAMS_TENANT_ID") or None
        if not app_id or not password or not tenant:
            logger.warning(
                "Teams: TEAMS_APP_ID, TEAMS_APP_PASSWORD or TEAMS_TENANT_ID is not set; every "
                "request to /webhooks/teams/webhook will be refused"
            )
        return cls(
            str(app_id),
            str(password),
            str(tenant) if tenant else None,
            configured_service_urls(credentials.get("service_urls")),
        )

    def __init__(
        self,
        app_id: str,
        app_password: str,
        tenant_id: str | None = None,
        service_urls: tuple[str, ...] = DEFAULT_SERVICE_URLS,
    ) -> None:
        self.app_id = app_id
        self.app_password = app_password
        self.tenant_id = tenant_id
        self.service_urls = service_urls
        self._keys: dict[str, tuple[dict[str, Any], Any]] = {}
        self._keys_fetched_at: float | None = None
        self._next_fetch_at = 0.0
        self._keys_lock = asyncio.Lock()
        self._token: str | None = None
        self._token_renew_at = 0.0
        self._token_lock = asyncio.Lock()

    # -- Microsoft's signing keys ------------------------------------------------------------

    async def _get_json(self, session: aiohttp.ClientSession, url: str) -> Any:
        async with session.get(url) as reply:
            reply.raise_for_status()
            return await reply.json(content_type=None)

    async def _fetch_keys(self, session: aiohttp.ClientSession) -> None:
        configuration = await self._get_json(session, self.openid_configuration_url)
        key_set = await self._get_json(session, configuration["jwks_uri"])
        keys = {}
        for jwk in key_set.get("keys", []):
            try:
                keys[jwk["kid"]] = (jwk, RSAAlgorithm.from_jwk(jwk))
            except (KeyError, TypeError, jwt.PyJWTError) as error:
                logger.warning("Teams: skipped an unusable key in Microsoft's key set: %r", error)
        self._keys = keys
        self._keys_fetched_at = time.monotonic()
        logger.debug("Teams: %d signing keys from %s", len(keys), configuration["jwks_uri"])

    async def signing_key(
        self, session: aiohttp.ClientSession, key_id: str
    ) -> tuple[dict[str, Any], Any] | None:
        """The published key with this id, fetching or refreshing the key set when due."""

        def due() -> bool:
            now = time.monotonic()
            if now < self._next_fetch_at:
                return False
            if self._keys_fetched_at is None:
                return True
            age = now - self._keys_fetched_at
            return age > KEY_REFRESH_SECONDS or (
                key_id not in self._keys and age > UNKNOWN_KEY_REFRESH_SECONDS
            )

        if due():
            async with self._keys_lock:
                if due():
                    try:
                        await self._fetch_keys(session)
                    except (
                        aiohttp.ClientError,
                        asyncio.TimeoutError,
                        ValueError,
                        KeyError,
                        TypeError,
                        AttributeError,
                    ) as e:
                        self._next_fetch_at = time.monotonic() + FETCH_RETRY_SECONDS
                        logger.error(
                            "Teams: could not fetch Microsoft's signing keys from %s: %r",
                            self.openid_configuration_url,
                            e,
                        )
        return self._keys.get(key_id)

    # -- incoming requests -------------------------------------------------------------------

    async def authenticate(
        self,
        auth_header: str | None,
        activity: dict[str, Any],
        session: aiohttp.ClientSession,
    ) -> dict[str, Any]:
        """The token's claims, or Unauthorized if the request is not from the Bot Connector."""
        if not self.app_id:
            raise Unauthorized("no app id configured")
        match = BEARER.fullmatch(auth_header or "")
        if not match:
            raise Unauthorized("no bearer token")
        token = match.group(1)
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError as error:
            raise Unauthorized(f"malformed token: {error}") from None
        if header.get("alg") != ALGORITHM:
            raise Unauthorized(f"algorithm {header.get('alg')!r} is not {ALGORITHM}")
        key_id = header.get("kid")
        found = await self.signing_key(session, key_id) if isinstance(key_id, str) else None
        if found is None:
            raise Unauthorized(f"key id {key_id!r} is not in Microsoft's key set")
        jwk, key = found
        try:
            claims = jwt.decode(
                token,
                key=key,
                algorithms=[ALGORITHM],
                audience=self.app_id,
                issuer=BOT_FRAMEWORK_ISSUER,
                leeway=CLOCK_LEEWAY_SECONDS,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError as error:
            raise Unauthorized(f"invalid token: {error}") from None
        endorsements = jwk.get("endorsements")
        channel_id = activity.get("channelId")
        if isinstance(endorsements, list) and channel_id and channel_id not in endorsements:
            raise Unauthorized(f"key not endorsed for channel {channel_id!r}")
        if claims.get("serviceurl") != activity.get("serviceUrl"):
            raise Unauthorized("serviceurl claim missing or not the activity's serviceUrl")
        return claims

    def forbidden(self, activity: dict[str, Any]) -> str | None:
        """Why an authenticated activity is not for this assistant, or None when it is."""
        if not self.tenant_id or tenant_of(activity) != self.tenant_id:
            return "the activity is not from the configured tenant"
        service_url = activity.get("serviceUrl")
        if not isinstance(service_url, str) or not service_url.startswith(self.service_urls):
            return "the serviceUrl is not an allowed Bot Connector address"
        return None

    async def receive(
        self,
        auth_header: str | None,
        body: bytes,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        metadata: dict[str, Any] | None = None,
        agent: Any = None,
    ) -> tuple[int, str]:
        """Handles one POST from the Bot Connector; returns the HTTP status and body.
        `agent` is Rasa's, whose tracker store is checked after the message."""
        try:
            activity = json.loads(body or b"null")
        except ValueError:
            activity = None
        if not isinstance(activity, dict):
            activity = None
        timeout = aiohttp.ClientTimeout(total=HTTP_TIMEOUT_SECONDS)
        async with aiohttp.ClientSession(timeout=timeout) as session:
            try:
                await self.authenticate(auth_header, activity or {}, session)
            except Unauthorized as refusal:
                logger.warning("Teams: refused a request: %s", refusal)
                return 401, "Unauthorized"
            if activity is None:
                return 400, "Bad request: the body is not an activity"
            reason = self.forbidden(activity)
            if reason:
                logger.warning("Teams: refused an activity: %s", reason)
                return 403, "Forbidden"
            if activity.get("type") != "message":
                logger.debug("Teams: ignored a %r activity", activity.get("type"))
                return 200, ""
            conversation = activity.get("conversation")
            sender = activity.get("from")
            bot = activity.get("recipient")
            service_url = activity.get("serviceUrl")
            if not (
                isinstance(conversation, dict)
                and conversation.get("id")
                and isinstance(sender, dict)
                and sender.get("id")
                and isinstance(bot, dict)
                and isinstance(service_url, str)
            ):
                return 400, "Bad request: incomplete activity"
            sender_id = str(sender["id"])
            problem = sender_id_problem(sender_id) or text_problem(activity.get("text") or "")
            if problem:
                logger.warning("Teams: refused an activity: %s", problem)
                return 400, f"Bad request: {problem}"

            output = TeamsOutput(self, session, conversation, bot, service_url, activity.get("id"))
            message = UserMessage(
                text=without_control_characters(clean_text(activity)),
                output_channel=output,
                sender_id=sender_id,
                input_channel=self.name(),
                metadata=self.add_attachments_to_metadata(activity, metadata),
            )
            await answer_or_apologise(on_new_message, message, agent)
            return 200, ""

    # -- outgoing token ----------------------------------------------------------------------

    def token_url(self) -> str:
        return f"{self.oauth2_url}/{self.tenant_id or BOT_FRAMEWORK_TENANT}/oauth2/v2.0/token"

    def forget_bot_token(self) -> None:
        self._token = None

    async def bot_token(self, session: aiohttp.ClientSession) -> str | None:
        """The bot's access token for the Bot Connector, cached until shortly before expiry."""
        async with self._token_lock:
            if self._token and time.monotonic() < self._token_renew_at:
                return self._token
            form = {
                "grant_type": "client_credentials",
                "client_id": self.app_id,
                "client_secret": self.app_password,
                "scope": BOT_FRAMEWORK_SCOPE,
            }
            try:
                async with session.post(self.token_url(), data=form) as reply:
                    if reply.status != 200:
                        logger.error(
                            "Teams: token request refused (%s): %s",
                            reply.status,
                            (await reply.text())[:500],
                        )
                        return None
                    granted = await reply.json(content_type=None)
                self._token = str(granted["access_token"])
                lifetime = int(granted.get("expires_in", 3600))
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError, KeyError) as error:
                logger.error("Teams: could not get a Bot Framework token: %r", error)
                return None
            self._token_renew_at = time.monotonic() + max(
                lifetime - TOKEN_EARLY_RENEWAL_SECONDS, lifetime / 2
            )
            return self._token

    # -- Sanic -------------------------------------------------------------------------------

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        teams_webhook = Blueprint("teams_webhook", __name__)

        @teams_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @teams_webhook.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            status, text = await self.receive(
                request.headers.get("Authorization"),
                request.body,
                on_new_message,
                self.get_metadata(request),
                request.app.ctx.agent,
            )
            return response.text(text, status=status)

        return teams_webhook
