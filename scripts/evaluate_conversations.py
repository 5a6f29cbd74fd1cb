"""Scores the running assistant on multi-turn conversations, over the REST webhook.

    python -m scripts.evaluate --conversations [FILE] [--url http://127.0.0.1:5005]

Each conversation is one sender; its turns are sent in order and each turn's expectations
(see tests/dev_conversations.yml) are checked against the reply. Prints the conversations
passed whole, the turns passed (of those with expectations) and every missed check.
"""

from __future__ import annotations

import re
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from actions.follow_ups import plain
from actions.knowledge import knowledge_base, paragraphs
from scripts.evaluate import ask, reply_text, verdict_of

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CONVERSATIONS = ROOT / "tests" / "dev_conversations.yml"

# "Paragraph 23", "Paragraphs 22 and 23", "paragraphs 11 and 15 (Professional Use) and 23 (...)"
CITATION = re.compile(r"\bparagraphs?\s+((?:\d+|\([^)]*\)|,|\s|and\b)+)", re.IGNORECASE)
THUMBS_PAYLOADS = {"/feedback_positive", "/feedback_negative"}
EXPECTATIONS = (
    "paras",
    "any_paras",
    "verdict",
    "escalate",
    "no_cite",
    "quote",
    "buttons",
    "thumbs",
)
MIN_QUOTED_SENTENCE = 25


def cited_paragraphs(text: str) -> set[int]:
    return {int(n) for match in CITATION.findall(text) for n in re.findall(r"\d+", match)}


def button_payloads(replies: list[dict]) -> list[str]:
    return [b.get("payload", "") for reply in replies for b in reply.get("buttons") or []]


def sentences(numbers: set[int]) -> list[str]:
    """The sentences of the given paragraphs, as the policy words them, long enough to be
    a quotation rather than a common phrase."""
    text = " ".join(plain(paragraphs()[n]) for n in sorted(numbers) if n in paragraphs())
    parts = re.split(r"(?<=[.;:])\s+|\n+", text)
    return [p.strip(" -") for p in parts if len(p.strip(" -")) >= MIN_QUOTED_SENTENCE]


@dataclass
class Turn:
    """One user message, the reply to it and the checks that failed."""

    say: str
    text: str
    # None when the turn has no expectations
    failed: list[str] | None


def check_turn(expected: dict, replies: list[dict], quotable: set[int]) -> list[str]:
    """The names of the expectations of `expected` the reply does not meet."""
    text = reply_text(replies)
    cited = cited_paragraphs(text)
    roles = knowledge_base().role_names
    payloads = button_payloads(replies)
    checks = {
        "paras": lambda want: set(want) <= cited,
        "any_paras": lambda want: bool(set(want) & cited),
        "verdict": lambda want: verdict_of(text) == want,
        "escalate": lambda want: all(roles[r].lower() in text.lower() for r in want),
        "no_cite": lambda want: (not cited) == want,
        "quote": lambda want: any(s in plain(text) for s in sentences(quotable)) == want,
        "buttons": lambda want: any(p not in THUMBS_PAYLOADS for p in payloads) == want,
        "thumbs": lambda want: bool(THUMBS_PAYLOADS & set(payloads)) == want,
    }
    return [name for name in EXPECTATIONS if name in expected and not checks[name](expected[name])]


def has_expectations(turn: dict) -> bool:
    return any(name in turn for name in EXPECTATIONS)


def run_conversation(url: str, conversation: dict) -> list[Turn]:
    sender = f"conv-{uuid.uuid4().hex}"
    results: list[Turn] = []
    quotable: set[int] = set()
    for expected in conversation["turns"]:
        replies = ask(url, expected["say"], sender=sender)
        failed = check_turn(expected, replies, quotable) if has_expectations(expected) else None
        results.append(Turn(expected["say"], reply_text(replies), failed))
        quotable = set(expected.get("paras", [])) | cited_paragraphs(reply_text(replies))
    return results


@dataclass
class ConversationScore:
    conversations: int = 0
    whole: int = 0
    turns: int = 0
    turns_passed: int = 0
    misses: list[str] = field(default_factory=list)

    @property
    def whole_rate(self) -> float:
        return self.whole / self.conversations if self.conversations else 1.0

    @property
    def turn_rate(self) -> float:
        return self.turns_passed / self.turns if self.turns else 1.0


def score(conversations: list[dict], results: list[list[Turn]]) -> ConversationScore:
    total = ConversationScore()
    for conversation, turns in zip(conversations, results, strict=True):
        checked = [turn for turn in turns if turn.failed is not None]
        total.conversations += 1
        total.whole += all(not turn.failed for turn in checked)
        total.turns += len(checked)
        total.turns_passed += sum(not turn.failed for turn in checked)
        for turn in checked:
            if turn.failed:
                reply = turn.text.replace("\n", " ")[:160]
                total.misses.append(
                    f"[{conversation['theme']}] {turn.say!r} failed {', '.join(turn.failed)}: "
                    f"{reply}"
                )
    return total


def evaluate_conversations(
    url: str, path: Path = DEFAULT_CONVERSATIONS, workers: int = 4
) -> ConversationScore:
    conversations = yaml.safe_load(path.read_text(encoding="utf-8"))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        results = list(pool.map(lambda c: run_conversation(url, c), conversations))
    return score(conversations, results)


def print_conversation_report(result: ConversationScore, show_misses: bool = True) -> None:
    print(
        f"conversations passed whole {result.whole:>4} of {result.conversations:<4}"
        f"{result.whole_rate:>7.1%}"
    )
    print(
        f"turns passed               {result.turns_passed:>4} of {result.turns:<4}"
        f"{result.turn_rate:>7.1%}"
    )
    if show_misses:
        for miss in result.misses:
            print(f"  miss {miss}")
