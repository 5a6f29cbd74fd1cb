"""What every input channel of the project checks before Rasa sees a message, and its promise
that the user always gets a reply.

- Sender ids must be 1 to 255 characters from SENDER_ID_CHARACTERS (ASCII letters, digits and
  `. _ : @ + = / -`, which cover Teams ids, the web chat's signed ids and the tests' ids). Rasa's
  SQL tracker store keeps them in a String(255) column; a lone surrogate or NUL in an id makes
  its `session_scope` call `sys.exit(1)` (it takes the driver's ValueError for a missing
  schema), so nothing else may reach it.
- No exception from Rasa, SystemExit included, ends the process: the user gets the apology.
- Control characters (NUL, escape sequences ...) become spaces: PostgreSQL cannot store NUL in
  text, and nothing a person types contains them. Tabs and line breaks stay.
- When Rasa fails on a message (tracker store down) or sends nothing back (Rasa logs a failed
  custom action, for instance the action server being down, and carries on without a reply),
  the user gets UNAVAILABLE instead of silence. Every turn of this assistant answers something,
  so no reply at all always means something went wrong.
- When the tracker store fails, Rasa's FailSafeTrackerStore answers from a new, empty
  conversation kept in memory and only logs an error; the user is then told that earlier
  messages may be forgotten and this exchange not kept (STORE_UNAVAILABLE).
- Nothing here logs what the user typed.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import UserMessage

from contracts import MAX_MESSAGE_CHARS, TOO_LONG_REPLY

logger = logging.getLogger(__name__)

MAX_SENDER_ID_CHARS = 255
# Largest request body or socket.io packet accepted; Rasa's HTTP server gets the same limit
# from SANIC_REQUEST_MAX_SIZE (scripts/run.sh).
MAX_REQUEST_BYTES = 64 * 1024

UNAVAILABLE = (
    "Sorry, I can't answer right now. Please try again in a few minutes, "
    "or contact Human Resources if your question can't wait."
)
STORE_UNAVAILABLE = (
    "I can't reach my record of our conversation right now, so I may have lost what you said "
    "before, and this exchange won't be kept. If my answer doesn't fit, please try again in a "
    "few minutes."
)

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
SENDER_ID_CHARACTERS = re.compile(r"[A-Za-z0-9._:@+=/-]+")
# Lone surrogates cannot be encoded, stored or sent on; they become U+FFFD.
SURROGATES = re.compile(r"[\ud800-\udfff]")


def sender_id_problem(sender_id: Any) -> str | None:
    """Why this sender id cannot be used, or None when it can."""
    if not isinstance(sender_id, str) or not sender_id:
        return "the sender id must be a non-empty string"
    if len(sender_id) > MAX_SENDER_ID_CHARS:
        return f"the sender id is longer than {MAX_SENDER_ID_CHARS} characters"
    if not SENDER_ID_CHARACTERS.fullmatch(sender_id):
        return "the sender id may hold only ASCII letters, digits and . _ : @ + = / -"
    return None


def text_problem(text: Any) -> str | None:
    """Why this message text cannot be used, or None when it can (an empty text can)."""
    if not isinstance(text, str):
        return "the message must be a string"
    return None


def too_long(text: str) -> bool:
    """Whether the text is over the limit and is answered by the channel, before understanding:
    understanding a 60,000-character message costs 25 times a question's CPU."""
    return len(text.strip()) > MAX_MESSAGE_CHARS


def without_control_characters(text: str) -> str:
    """The text as it may be stored: control characters become spaces, lone surrogates U+FFFD."""
    return SURROGATES.sub("\ufffd", CONTROL_CHARACTERS.sub(" ", text))


class RecordsReplies:
    """Output channel mixin remembering whether anything was sent to the user."""

    replied = False

    async def send_response(self, recipient_id: str, message: dict[str, Any]) -> None:
        self.replied = True
        await super().send_response(recipient_id, message)  # type: ignore[misc]


def kept_in_memory_only(agent: Any, sender_id: str) -> bool:
    """Whether Rasa's fail-safe tracker store had to keep this conversation in memory because
    the real store failed; the memory copy is dropped (the real store is used again next time).
    """
    fallback = getattr(getattr(agent, "tracker_store", None), "_fallback_tracker_store", None)
    if fallback is None or sender_id not in fallback.store:
        return False
    del fallback.store[sender_id]
    return True


async def answer_or_apologise(
    on_new_message: Callable[[UserMessage], Awaitable[Any]],
    message: UserMessage,
    agent: Any = None,
) -> bool:
    """Passes the message to Rasa and makes sure the user gets a reply, and is told when the
    conversation could not be stored (`agent`: Rasa's, whose tracker store is checked).

    `message.output_channel` must be a RecordsReplies. Returns False when Rasa raised an
    exception (the message may not have been stored).
    """
    output = message.output_channel
    if too_long(message.text):
        await output.send_text_message(message.sender_id, TOO_LONG_REPLY)
        return True
    succeeded = True
    try:
        await on_new_message(message)
    except (Exception, SystemExit) as error:
        succeeded = False
        # The exception's text can quote the message (database errors list their parameters).
        logger.error(
            "%s: could not handle a message: %s", message.input_channel, type(error).__name__
        )
        logger.debug("Traceback of the failed message", exc_info=True)
    # Checked whatever happened, so that the memory copy is always dropped.
    store_failed = kept_in_memory_only(agent, message.sender_id)
    if not output.replied:
        if succeeded:
            logger.warning("%s: no reply to a message, sent the apology", message.input_channel)
        await output.send_text_message(message.sender_id, UNAVAILABLE)
    elif store_failed:
        logger.warning("%s: the tracker store failed, told the user", message.input_channel)
        await output.send_text_message(message.sender_id, STORE_UNAVAILABLE)
    return succeeded
