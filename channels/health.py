"""GET /webhooks/health/: whether this server can answer, for a load balancer.

In credentials.yml:

    channels.health.HealthInput:

200 `{"status": "ok", "model": "ok", "tracker_store": "ok", "lock_store": "ok"}` when the model
is loaded and one round trip to the tracker store (SELECT 1) and to the lock store (PING) each
succeeds within PROBE_TIMEOUT_SECONDS; otherwise 503 with the failing part marked
"unavailable". Rasa's own `/` answers as soon as the port is open, before the model is loaded
and whatever state the stores are in.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

PROBE_TIMEOUT_SECONDS = 3.0
OK, UNAVAILABLE = "ok", "unavailable"


async def probe(check: Callable[[], Awaitable[Any]]) -> str:
    try:
        await asyncio.wait_for(check(), PROBE_TIMEOUT_SECONDS)
    except Exception:
        return UNAVAILABLE
    return OK


async def tracker_store_state(agent: Any) -> str:
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
    return await probe(store.ping) if hasattr(store, "ping") else OK


async def lock_store_state(agent: Any) -> str:
    store = agent.lock_store
    if not hasattr(store, "ping"):
        return OK
    loop = asyncio.get_running_loop()
    return await probe(lambda: loop.run_in_executor(None, store.ping))


async def server_state(agent: Any) -> dict[str, str]:
    if agent is None or not agent.is_ready():
        return {"model": UNAVAILABLE}
    return {
        "model": OK,
        "tracker_store": await tracker_store_state(agent),
        "lock_store": await lock_store_state(agent),
    }


class HealthInput(InputChannel):
    """Not a chat channel: only the health route."""

    @classmethod
    def name(cls) -> str:
        return "health"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        health_webhook = Blueprint("health_webhook", __name__)

        @health_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            state = await server_state(getattr(request.app.ctx, "agent", None))
            healthy = all(value == OK for value in state.values())
            body = {"status": OK if healthy else UNAVAILABLE, **state}
            return response.json(body, status=200 if healthy else 503)

        return health_webhook
