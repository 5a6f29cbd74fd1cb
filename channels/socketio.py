"""Rasa's socket.io channel, fixed for python-socketio 5.10 and newer, with its input checked.

In credentials.yml:

    channels.socketio.SessionSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import json
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput, SocketIOOutput
from sanic import Blueprint

from channels.guard import (
    MAX_REQUEST_BYTES,
    UNREADABLE,
    RecordsReplies,
    answer_or_apologise,
    sender_id_problem,
    text_problem,
    without_control_characters,
)

logger = logging.getLogger(__name__)


class SessionSocketIOInput(SocketIOInput):
    """Rasa's SocketIOInput with the `session_request` handler awaiting `enter_room`.

    With `session_persistence: true` Rasa 3.6 answers each message in the room named after the
    widget's session id, which the socket joins in `session_request`. Rasa calls
    `sio.enter_room(sid, session_id)` there without `await`; since python-socketio 5.10 that is
    a coroutine on the AsyncServer, so the socket never joins the room and every reply is sent
    to an empty room: the bot answers, the browser never sees it (RasaHQ/rasa issue 13027, fix
    PR 13148 not merged). This class's handler is Rasa's with the `await` (skipped when an older
    python-socketio returns no coroutine), and it gives a new session id in place of one that
    is not a string of at most 255 characters. The channel keeps Rasa's name, "socketio".

    It also replaces the user message handler, to check the input (channels/guard.py) before
    Rasa sees it: event data that is not an object, a message that is not a string, metadata
    that is not an object, or a session id that is missing (with session persistence), not a
    string or over 255 characters gets the UNREADABLE reply, where Rasa's handler raises or
    ignores the message; and to send the apology when Rasa fails or sends nothing back.
    socket.io packets over 64 KiB close the connection (engine.io's `max_http_buffer_size`).
    """

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio
        sio.eio.max_http_buffer_size = MAX_REQUEST_BYTES
        server: dict[str, Any] = {}

        @socketio_webhook.listener("before_server_start")
        async def keep_app(app: Any, _loop: Any) -> None:
            server["app"] = app

        # Registering an event again replaces Rasa's handler for it in this namespace.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: Any) -> None:
            if not isinstance(data, dict):
                data = {}
            if sender_id_problem(data.get("session_id")):
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, data["session_id"])
                if inspect.isawaitable(joined):  # python-socketio < 5.10 returns None
                    await joined
            await sio.emit("session_confirm", data["session_id"], room=sid)
            logger.debug(f"User {sid} connected to socketIO endpoint.")

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: str, data: Any) -> None:
            problem = self.message_problem(data)
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

    def message_problem(self, data: Any) -> str | None:
        """Why a user message event cannot be passed on, or None when it can."""
        if not isinstance(data, dict):
            return "the event data must be an object"
        problems = [
            sender_id_problem(data.get("session_id")) if self.session_persistence else None,
            text_problem(data.get("message", "")),
            None if socket_metadata(data.get(self.metadata_key)) is not None else "bad metadata",
        ]
        return next((problem for problem in problems if problem), None)


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
