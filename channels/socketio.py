"""Rasa's socket.io channel, fixed for python-socketio 5.10 and newer.

In credentials.yml:

    channels.socketio.SessionSocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import inspect
import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.socketio import SocketIOInput
from sanic import Blueprint

logger = logging.getLogger(__name__)


class SessionSocketIOInput(SocketIOInput):
    """Rasa's SocketIOInput with the `session_request` handler awaiting `enter_room`.

    With `session_persistence: true` Rasa 3.6 answers each message in the room named after the
    widget's session id, which the socket joins in `session_request`. Rasa calls
    `sio.enter_room(sid, session_id)` there without `await`; since python-socketio 5.10 that is
    a coroutine on the AsyncServer, so the socket never joins the room and every reply is sent
    to an empty room: the bot answers, the browser never sees it (RasaHQ/rasa issue 13027, fix
    PR 13148 not merged). This class replaces only that handler, identical to Rasa's except for
    the `await` (skipped when an older python-socketio returns no coroutine); everything else
    is Rasa's. The channel keeps Rasa's name, "socketio".
    """

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        socketio_webhook = super().blueprint(on_new_message)
        sio = self.sio

        # Registering the event again replaces Rasa's handler for it in this namespace.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: str, data: dict | None) -> None:
            if data is None:
                data = {}
            if "session_id" not in data or data["session_id"] is None:
                data["session_id"] = uuid.uuid4().hex
            if self.session_persistence:
                joined = sio.enter_room(sid, data["session_id"])
                if inspect.isawaitable(joined):  # python-socketio < 5.10 returns None
                    await joined
            await sio.emit("session_confirm", data["session_id"], room=sid)
            logger.debug(f"User {sid} connected to socketIO endpoint.")

        return socketio_webhook
