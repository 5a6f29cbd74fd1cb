"""`make help` lists every target with what it does, and the targets run what they say."""

import re
import subprocess

import pytest

from scripts.servers import ROOT

TARGET = re.compile(r"^([a-z][a-z-]*):", re.M)


def make(*args: str) -> str:
    return subprocess.run(
        ["make", "--no-print-directory", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def targets() -> list[str]:
    return TARGET.findall((ROOT / "Makefile").read_text())


def test_help_lists_every_target_with_its_description():
    listed = dict(
        re.match(r"\s*make (\S+)\s+(.+)", line).groups() for line in make("help").splitlines()
    )
    assert sorted(listed) == sorted(targets())
    assert all(description.strip() for description in listed.values())


def test_the_default_target_runs_the_assistant():
    assert targets()[0] == "run"


def test_shell_is_the_terminal_chat_alone_and_run_the_whole_assistant():
    assert make("-n", "shell").strip() == "bash scripts/run.sh shell"
    assert make("-n", "run").strip() == "bash scripts/run.sh"


@pytest.mark.parametrize(
    ("target", "module"),
    [
        ("hr-report", "scripts.hr_report"),
        ("reviews", "scripts.check_reviews"),
        ("approve", "scripts.check_reviews --approve"),
        ("import-policy", "scripts.import_policy"),
        ("load", "scripts.load"),
        ("purge", "scripts.purge"),
    ],
)
def test_hr_and_maintainer_commands_have_targets(target, module):
    assert f"-m {module}" in make("-n", target)


def test_the_hr_report_covers_last_month_unless_told():
    command = make("-n", "hr-report")
    since, until = re.search(r"--since (\S+) --until (\S+)", command).groups()
    assert since.endswith("-01") and since < until
    told = make("-n", "hr-report", "SINCE=2026-11-01", "UNTIL=2026-11-30")
    assert "--since 2026-11-01 --until 2026-11-30" in told
