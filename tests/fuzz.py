"""Property-based checks of a running server (hypothesis): arbitrary Unicode (lone surrogates,
NUL, right-to-left marks, very long strings) as sender ids, session ids, text and metadata on
each channel never gets a 5xx, never ends the process, and leaves other users answered."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from typing import Any

import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scripts.servers import Servers
from tests.servers import QUESTION
from tests.socket_user import SocketUser

# Every code point, surrogates included (hypothesis leaves them out by default).
ANY_CHARACTER = st.characters(exclude_categories=())
AWKWARD = ["a\udfff", "\ud800", "\x00", "a\x00b", "\u202eevil", "\ufeff", "29:a", "", " "]
FUZZ_SETTINGS = settings(
    max_examples=25,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


def awkward_strings(max_size: int = 300) -> st.SearchStrategy[str]:
    return st.one_of(
        st.sampled_from(AWKWARD),
        st.text(ANY_CHARACTER, max_size=max_size),
        st.text(ANY_CHARACTER, min_size=2001, max_size=2200),
    )


def any_metadata() -> st.SearchStrategy[Any]:
    return st.one_of(
        st.none(),
        st.dictionaries(st.text(ANY_CHARACTER, max_size=5), awkward_strings(20), max_size=3),
        awkward_strings(20),
        st.integers(),
    )


def still_answering(server: Servers) -> None:
    assert server.rasa.popen.poll() is None, "the Rasa server has ended"
    replies = server.send(f"bystander-{uuid.uuid4().hex}", QUESTION)
    assert "Paragraph 23" in "\n".join(reply.get("text", "") for reply in replies)


def fuzz_rest(server: Servers) -> None:
    @FUZZ_SETTINGS
    @given(sender=awkward_strings(), message=awkward_strings(), metadata=any_metadata())
    def one_request(sender: str, message: str, metadata: Any) -> None:
        body = {"sender": sender, "message": message, "metadata": metadata}
        reply = requests.post(f"{server.url}/webhooks/rest/webhook", json=body, timeout=60)
        assert reply.status_code < 500, (body, reply.status_code)

    one_request()
    still_answering(server)


def fuzz_socketio(server: Servers) -> None:
    @FUZZ_SETTINGS
    @given(
        requested=awkward_strings(),
        presented=st.one_of(st.just("confirmed"), awkward_strings()),
        message=awkward_strings(),
        metadata=any_metadata(),
    )
    def one_session(requested: str, presented: str, message: str, metadata: Any) -> None:
        async def talk() -> list[dict]:
            async with SocketUser(server.url, session_id=requested) as user:
                session_id = user.session_id if presented == "confirmed" else presented
                data = {"session_id": session_id, "message": message, "metadata": metadata}
                return await user.send(data)

        replies = asyncio.run(talk())
        assert replies and all(isinstance(reply, dict) for reply in replies)

    one_session()
    still_answering(server)


def fuzz_teams(post: Callable[[dict[str, Any]], int], activity: dict[str, Any]) -> None:
    """`post` sends an activity with a genuine token and returns the HTTP status."""

    @FUZZ_SETTINGS
    @given(sender=awkward_strings(), text=awkward_strings(), locale=awkward_strings(20))
    def one_activity(sender: str, text: str, locale: str) -> None:
        sent = {**activity, "from": {**activity["from"], "id": sender}, "text": text}
        sent["locale"] = locale
        assert post(sent) < 500, sent

    one_activity()
