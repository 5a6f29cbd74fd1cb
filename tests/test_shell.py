"""`rasa shell` driven in a terminal as HR would, with the action server running."""

import pexpect
import pytest

from scripts.servers import MODEL, RASA, ROOT, free_port

pytestmark = pytest.mark.servers


PROMPT = "Your input ->"


@pytest.fixture
def shell(servers):
    child = pexpect.spawn(
        str(RASA),
        [
            "shell",
            "--model",
            str(MODEL),
            "--endpoints",
            str(servers.endpoints),
            "--port",
            str(free_port()),
        ],
        cwd=str(ROOT),
        encoding="utf-8",
        dimensions=(50, 200),
        timeout=180,
    )
    child.expect(PROMPT)
    yield child
    child.close(force=True)


def ask(child: pexpect.spawn, question: str, expected: str) -> None:
    child.sendline(question)
    child.expect(expected, timeout=60)
    child.expect(PROMPT, timeout=60)


def test_hr_asks_two_questions_and_quits(shell):
    ask(shell, "can i put the city crest on my instagram bio", "Paragraph 23")
    ask(shell, "a pupil wants to follow me on tiktok", "Designated Safeguarding Lead")
    shell.sendline("/stop")
    shell.expect(pexpect.EOF, timeout=60)
    shell.close()
    assert shell.exitstatus == 0
