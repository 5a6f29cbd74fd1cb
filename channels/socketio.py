"""Rasa's socket.io channel, fixed for python-socketio 5.10 and newer, with its input checked
and each conversation reachable only by the browser it was issued to.

In credentials.yml:

    channels.socketio.SessionSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

Settings (environment):
- SMP_WEB_ORIGINS: the web chat pages' origins, separated by spaces or commas (default
  http://localhost:8080 and http://127.0.0.1:8080). A browser connecting from any other page is
  refused; Rasa's own channel accepts every origin (CORS does not cover WebSockets).
- SMP_SESSION_SECRET: the key that signs session ids; every instance must have the same one.
  Without it, a key is made once and kept in build/session-secret.
"""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import logging
import os
import re
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.guard import (
    MAX_REQUEST_BYTES,
    RecordsReplies,
    answer_or_apologise,
    text_problem,
    without_control_characters,
)
from contracts import UNREADABLE

logger = logging.getLogger(__name__)

DEFAULT_ORIGINS = "http://localhost:8080 http://127.0.0.1:8080"
SECRET_FILE = Path("build") / "session-secret"
SIGNED_ID = re.compile(r"([0-9a-f]{32})\.([0-9a-f]{32})")


def web_origins() -> list[str]:
    """The origins whose pages may open the web chat (SMP_WEB_ORIGINS)."""
    return re.split(r"[\s,]+", os.environ.get("SMP_WEB_ORIGINS", DEFAULT_ORIGINS).strip())


def session_secret() -> bytes:
    """SMP_SESSION_SECRET, or a key made once and kept in build/session-secret."""
    configured = os.environ.get("SMP_SESSION_SECRET")
    if configured:
        return configured.encode()
    if not SECRET_FILE.exists():
        SECRET_FILE.parent.mkdir(parents=True, exist_ok=True)
        SECRET_FILE.touch(mode=0o600)
        SECRET_FILE.write_text(secrets.token_hex(32))
    return SECRET_FILE.read_text().strip().encode()


class SessionIds:
    """Session ids the server issues: a random part and its HMAC, so that an id cannot be made
    up (a Teams id, a guessed or shortened one); anything else presented gets a new id."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _signature(self, random_part: str) -> str:
        return hmac.new(self.secret, random_part.encode(), hashlib.sha256).hexdigest()[:32]

    def issue(self) -> str:
        random_part = secrets.token_hex(16)
        return f"{random_part}.{self._signature(random_part)}"

    def is_issued(self, session_id: Any) -> bool:
        match = SIGNED_ID.fullmatch(session_id) if isinstance(session_id, str) else None
        return match is not None and hmac.compare_digest(
            match.group(2), self._signature(match.group(1))
        )

    def confirmed(self, requested: Any) -> str:
        """The id the browser asked to go on with, if this server issued it; else a new one."""
        return requested if self.is_issued(requested) else self.issue()


class SessionSocketIOInput(SocketIOInput):
    """Rasa's SocketIOInput with the `session_request` handler awaiting `enter_room`.

    With `session_persistence: true` Rasa 3.6 answers each message in the room named after the
    widget's session id, which the socket joins in `session_request`. Rasa calls
    `sio.enter_room(sid, session_id)` there without `await`; since python-socketio 5.10 that is
    a coroutine on the AsyncServer, so the socket never joins the room and every reply is sent
    to an empty room: the bot answers, the browser never sees it (RasaHQ/rasa issue 13027, fix
    PR 13148 not merged). This class's handler is Rasa's with the `await` (skipped when an older
    python-socketio returns no coroutine), and it confirms only a session id this server issued
    (SessionIds): any other gets a new one. The socket is bound to the confirmed id. The channel
    keeps Rasa's name, "socketio".

    It also replaces the user message handler, to check the input (channels/guard.py) before
    Rasa sees it: event data that is not an object, a message that is not a string, metadata
    that is not an object, or a session id other than the one confirmed to this socket gets
    the UNREADABLE reply, where Rasa's handler raises, ignores the message or writes into
    whichever conversation the id names; and to send the apology when Rasa fails or sends
    nothing back. socket.io packets over 64 KiB close the connection (engine.io's
    `max_http_buffer_size`); connections from pages of other origins are refused.
    """

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.max_http_buffer_size = MAX_REQUEST_BYTES
        origins = web_origins()
        rasa_connect = sio.handlers[self.namespace or "/"]["connect"]
        session_ids = SessionIds(session_secret())
        self.bound_sessions: dict[str, str] = {}
        server: dict[str, Any] = {}

        @socketio_webhook.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            server["app"] = app

        # Registering an event again replaces Rasa's handler for it in this namespace.
        # The origin is checked here rather than by engine.io (cors_allowed_origins), which
        # would add CORS headers of its own to those Rasa's --cors adds: browsers refuse both.
        @sio.on("connect", namespace=self.namespace)
        async def connect(sid: str, environ: dict[str, Any], auth: Any = None) -> bool:
            origin = environ.get("HTTP_ORIGIN")
            if origin is not None and origin not in origins:
                logger.warning("socket.io: refused a connection from another site's page")
                return False
            return await rasa_connect(sid, environ, auth)

        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = session_ids.confirmed(requested)
            previous = self.bound_sessions.get(sid)
            if previous and previous != session_id:
                await completed(sio.leave_room(sid, previous))
            self.bound_sessions[sid] = session_id
            if self.session_persistence:
                await completed(sio.enter_room(sid, session_id))
            await sio.emit("session_confirm", session_id, room=sid)

        @sio.on("disconnect", namespace=self.namespace)
        async def disconnect(sid: str) -> None:
            self.bound_sessions.pop(sid, None)

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            problem = self.message_problem(sid, data)
            if problem:
                logger.warning("socket.io: refused a message: %s", problem)
                await sio.emit(self.bot_message_evt, {"text": UNREADABLE}, room=sid)
                return
            message = UserMessage(
                without_control_characters(data.get("message", "")),
                SessionSocketIOOutput(sio, self.bot_message_evt),
                data["session_id"] if self.session_persistence else sid,
                input_channel=self.name(),
                metadata=socket_metadata(data.get(self.metadata_key)),
            )
            await answer_or_apologise(on_new_message, message, server["app"].ctx.agent)

        return socketio_webhook

    def message_problem(self, sid: str, data: Any) -> str | None:
        """Why a user message event cannot be passed on, or None when it can."""
        if not isinstance(data, dict):
            return "the event data must be an object"
        problems = [
            self.session_problem(sid, data.get("session_id")) if self.session_persistence else None,
            text_problem(data.get("message", "")),
            None if socket_metadata(data.get(self.metadata_key)) is not None else "bad metadata",
        ]
        return next((problem for problem in problems if problem), None)

    def session_problem(self, sid: str, session_id: Any) -> str | None:
        """Why this socket may not write into the conversation named, or None when it may."""
        bound = self.bound_sessions.get(sid)
        if bound is None:
            return "no session was confirmed to this socket"
        if session_id != bound:
            return "the session id is not the one confirmed to this socket"
        return None


async def completed(result: Any) -> None:
    """Awaits a python-socketio room call where it is a coroutine (5.10 and newer)."""
    if inspect.isawaitable(result):
        await result


class SessionSocketIOOutput(RecordsReplies, SocketIOOutput):
    """Rasa's socket.io output, remembering whether it replied."""


def socket_metadata(value: Any) -> dict[str, Any] | None:
    """The metadata of a user message event (an object, or an object as a JSON string, as
    Rasa accepts), {} when there is none, or None when it is unusable."""
    if value is None:
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return None
    return value if isinstance(value, dict) else None
