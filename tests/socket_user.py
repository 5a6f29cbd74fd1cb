"""A web chat user for tests, speaking to Rasa's socket.io channel as the widget does
(session_request, user_uttered, bot_uttered) over a websocket.

The few packets of the Engine.IO 4 / Socket.IO 5 protocol it needs are written out here:
python-socketio's client needs a newer aiohttp than Rasa 3.6 allows for websockets, and over
HTTP long-polling it takes half a minute to disconnect.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import websockets

FIRST_REPLY_TIMEOUT = 60
# A turn's replies arrive one after another; this long without another one ends the turn.
QUIET_SECONDS = 1.5
ENGINE_PING, ENGINE_PONG = "2", "3"
SOCKET_CONNECT, SOCKET_EVENT, SOCKET_CONNECT_ERROR = "40", "42", "44"


class SocketUser:
    def __init__(self, url: str, session_id: Any = None, origin: str | None = None) -> None:
        """`session_id`: the id to ask to go on with (none: a new conversation); `origin`: the
        page the browser would name in its Origin header (none, as a non-browser client)."""
        self.url = url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket"
        self.requested_session_id = session_id
        self.origin = origin
        self.session_id: str | None = None

    async def __aenter__(self) -> SocketUser:
        self.socket = await websockets.connect(self.url, max_size=None, origin=self.origin)
        await self.packet(timeout=10)  # Engine.IO's open packet
        await self.socket.send(SOCKET_CONNECT)
        if (await self.packet(timeout=10)).startswith(SOCKET_CONNECT_ERROR):
            await self.socket.close()
            raise ConnectionRefusedError("the socket.io server refused the connection")
        await self.emit("session_request", {"session_id": self.requested_session_id})
        self.session_id = await self.event("session_confirm", timeout=10)
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.socket.close()

    async def packet(self, timeout: float) -> str:
        """The next packet from the server, answering its pings on the way."""
        while True:
            packet = await asyncio.wait_for(self.socket.recv(), timeout=timeout)
            if packet != ENGINE_PING:
                return packet
            await self.socket.send(ENGINE_PONG)

    async def emit(self, name: str, data: Any) -> None:
        await self.socket.send(SOCKET_EVENT + json.dumps([name, data]))

    async def event(self, name: str, timeout: float) -> Any:
        """The data of the next event called `name`."""
        while True:
            packet = await self.packet(timeout)
            if packet.startswith(SOCKET_EVENT):
                received, data = json.loads(packet[len(SOCKET_EVENT) :])
                if received == name:
                    return data

    async def send(self, data: Any) -> list[dict[str, Any]]:
        """Emits one user_uttered event; the bot_uttered replies to it."""
        await self.emit("user_uttered", data)
        replies = [await self.event("bot_uttered", timeout=FIRST_REPLY_TIMEOUT)]
        while True:
            try:
                replies.append(await self.event("bot_uttered", timeout=QUIET_SECONDS))
            except asyncio.TimeoutError:
                return replies

    async def replies_within(self, seconds: float) -> list[dict[str, Any]]:
        """The bot_uttered events that arrive within `seconds`, with no message sent."""
        replies = []
        deadline = asyncio.get_running_loop().time() + seconds
        while (left := deadline - asyncio.get_running_loop().time()) > 0:
            try:
                replies.append(await self.event("bot_uttered", timeout=left))
            except asyncio.TimeoutError:
                break
        return replies

    async def ask(self, text: str) -> str:
        """The text of the replies to a message, as the widget shows them."""
        replies = await self.send({"message": text, "session_id": self.session_id})
        return "\n".join(reply.get("text", "") for reply in replies)
