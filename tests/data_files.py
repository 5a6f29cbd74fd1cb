"""Reading the repository's YAML files in tests, and the development sets' messages."""

import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
QUESTION_SETS = (
    "tests/dev_set.yml",
    "tests/probe_set.yml",
    "tests/verdict_set.yml",
    "tests/near_miss_set.yml",
    "tests/probe_set_2.yml",
    "tests/safeguarding_set.yml",
    "tests/probe_set_3.yml",
    "tests/probe_set_4.yml",
)
CONVERSATION_SETS = (
    "tests/dev_conversations.yml",
    "tests/probe_conversations.yml",
    "tests/probe_conversations_2.yml",
    "tests/probe_conversations_3.yml",
    "tests/probe_conversations_4.yml",
)


def load(path: str):
    return yaml.safe_load((ROOT / path).read_text(encoding="utf-8"))


def normalised(text: str) -> str:
    return re.sub(r"\W+", " ", text.lower()).strip()


def development_messages() -> set[str]:
    """Every question and conversation turn of the development sets, normalised."""
    asked = {normalised(item["q"]) for path in QUESTION_SETS for item in load(path)}
    return asked | {
        normalised(turn["say"])
        for path in CONVERSATION_SETS
        for conversation in load(path)
        for turn in conversation["turns"]
    }
