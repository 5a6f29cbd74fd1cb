"""The real action server and Rasa server for tests (started by scripts/servers.py), and the
helpers the server tests share."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from scripts.servers import MODEL, Servers

# The payload of a help button: answered with Paragraph 23 whatever the NLU model makes of
# free text, so the tests that send it do not depend on the classifier.
QUESTION = "/ask_crest_logo_personal"


def text_of(replies: list[dict]) -> str:
    """The texts of a turn's replies, as one string."""
    return "\n".join(reply.get("text", "") for reply in replies)


def missing(what: str) -> None:
    """A test's prerequisite is missing: a failure under CI, which installs everything, and
    a skip elsewhere."""
    if os.environ.get("CI") == "true":
        pytest.fail(what)
    pytest.skip(what)


@contextmanager
def started_servers(workdir: Path, **options) -> Iterator[Servers]:
    """The action server and the Rasa server, started for a block and stopped after it."""
    if not MODEL.exists():
        missing(f"no trained model at {MODEL}: the test command (make test) trains it first")
    running = Servers(workdir, **options)
    try:
        running.start_actions()
        running.start_rasa()
        yield running
    finally:
        running.stop()
