"""`rasa shell` driven in a terminal as HR would (scripts/shell.sh, as `make run` and
`make shell` start it), with the action server running."""

import os
import re

import pexpect
import pytest

from scripts.servers import MODEL, ROOT, free_port

pytestmark = pytest.mark.servers


PROMPT = "Your input ->"
LOADED = "Bot loaded"
TERMINAL_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def shell(servers, tmp_path):
    child = pexpect.spawn(
        "bash",
        [
            "scripts/shell.sh",
            "--model",
            str(MODEL),
            "--endpoints",
            str(servers.endpoints),
            "--port",
            str(free_port()),
        ],
        cwd=str(ROOT),
        env={**os.environ, "SMP_LOG_DIR": str(tmp_path)},
        encoding="utf-8",
        dimensions=(50, 200),
        timeout=180,
    )
    child.expect(LOADED)
    child.shown_before_loaded = child.before
    child.expect(PROMPT)
    yield child
    child.close(force=True)


def ask(child: pexpect.spawn, question: str, expected: str) -> None:
    child.sendline(question)
    child.expect(expected, timeout=60)
    child.expect(PROMPT, timeout=60)


def test_the_terminal_shows_nothing_before_the_bot_is_loaded(shell, tmp_path):
    assert TERMINAL_CODES.sub("", shell.shown_before_loaded).strip() == ""
    log = (tmp_path / "shell.log").read_text()
    assert "DeprecationWarning" in log
    assert "INFO" in log


def test_hr_asks_two_questions_and_quits(shell):
    ask(shell, "can i put the city crest on my instagram bio", "Paragraph 23")
    ask(shell, "a pupil wants to follow me on tiktok", "Designated Safeguarding Lead")
    shell.sendline("/stop")
    shell.expect(pexpect.EOF, timeout=60)
    shell.close()
    assert shell.exitstatus == 0
