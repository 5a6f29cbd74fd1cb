"""Rasa's REST webhook (/webhooks/rest/webhook) with its input checked, for this machine only.

In credentials.yml, in place of `rest:`:

    channels.rest.RestInput:

The request and the reply are Rasa's: POST `{"sender": ..., "message": ..., "metadata": {...}}`,
get back a JSON list of messages. What Rasa's own RestInput does with bad input, and what this
one does instead:

- a body that is not a JSON object (empty, `null`, a list, a string): Rasa answers 500;
  here 400. Invalid JSON and invalid UTF-8 stay Sanic's 400.
- a missing sender: Rasa puts every such request in one conversation named "default"; a
  sender that is not a string, or is longer than 255 characters (the SQL tracker store's
  column): Rasa accepts it. Here all get 400 (channels/guard.py).
- a message that is missing or not a string, metadata that is not an object: Rasa answers
  200 with an empty list and logs the message text with the error; here 400.
- an error while handling the message (tracker store down): Rasa answers 200 with whatever
  was collected, often nothing, and logs the text; here 503 with the apology
  (channels.guard.UNAVAILABLE) as the reply, and no text in the log. No reply at all (the
  action server down): 200 with the apology. When the tracker store failed and Rasa fell
  back to memory, the reply ends with channels.guard.STORE_UNAVAILABLE.
- bodies over 64 KiB: 413 from Sanic (SANIC_REQUEST_MAX_SIZE, set where Rasa is started).

- a request from any address but loopback (127.0.0.1, ::1): Rasa answers it under whatever
  sender id it names, so anyone reaching the port could read and write any conversation; here
  403. The webhook serves the evaluation, the tests and rasa shell on the same machine; the
  production profile has none.

Streaming (`?stream=true`) is not offered.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput as RasaRestInput
from sanic import Blueprint, response
from sanic.exceptions import Forbidden, InvalidUsage
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.guard import (
    RecordsReplies,
    answer_or_apologise,
    sender_id_problem,
    text_problem,
    without_control_characters,
)


class RestOutput(RecordsReplies, CollectingOutputChannel):
    """Collects the replies for the HTTP response."""


LOOPBACK = {"127.0.0.1", "::1", "::ffff:127.0.0.1"}


def refuse_remote(request: Request) -> None:
    """Forbidden unless the request comes from this machine (the peer address, not headers)."""
    if request.ip not in LOOPBACK:
        raise Forbidden("The REST webhook answers only this machine.")


def json_object(request: Request) -> dict[str, Any]:
    body = request.json
    if not isinstance(body, dict):
        raise InvalidUsage("The body must be a JSON object.")
    return body


class RestInput(RasaRestInput):
    """Rasa's RestInput answering 400 for bad requests and never answering with silence."""

    async def _extract_sender(self, req: Request) -> str:
        # any JSON value, checked here
        sender: Any = json_object(req).get("sender")
        problem = sender_id_problem(sender)
        if problem:
            raise InvalidUsage(f"Bad request: {problem}.")
        return sender

    def _extract_message(self, req: Request) -> str:
        text: Any = json_object(req).get("message")
        problem = text_problem(text)
        if problem:
            raise InvalidUsage(f"Bad request: {problem}.")
        return without_control_characters(text)

    def _extract_input_channel(self, req: Request) -> str:
        channel = json_object(req).get("input_channel") or self.name()
        if not isinstance(channel, str):
            raise InvalidUsage("Bad request: input_channel must be a string.")
        return channel

    def get_metadata(self, request: Request) -> dict[str, Any] | None:
        metadata = json_object(request).get("metadata")
        if metadata is not None and not isinstance(metadata, dict):
            raise InvalidUsage("Bad request: metadata must be a JSON object.")
        return metadata

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        rest_webhook = Blueprint("checked_rest_webhook", __name__)

        @rest_webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            refuse_remote(request)
            output = RestOutput()
            message = UserMessage(
                self._extract_message(request),
                output,
                await self._extract_sender(request),
                input_channel=self._extract_input_channel(request),
                metadata=self.get_metadata(request),
            )
            handled = await answer_or_apologise(on_new_message, message, request.app.ctx.agent)
            return response.json(output.messages, status=200 if handled else 503)

        return rest_webhook
