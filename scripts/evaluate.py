"""Scores the running assistant on the held-out development set, over the REST webhook.

    python -m scripts.evaluate [--url http://127.0.0.1:5005] [--dev tests/dev_set.yml]
    python -m scripts.evaluate --conversations [tests/dev_conversations.yml]

Each question goes to a new conversation. Prints, per kind of item: primary paragraph
cited (in scope), verdict right (yes/no questions; with a table of expected against given
verdicts), roles named, safeguarding escalated, out-of-scope declined without a citation,
questions the policy covers only in part (`partly`) answered in part;
and lists the misses. With --conversations it scores multi-turn conversations instead
(scripts/evaluate_conversations.py).
"""

from __future__ import annotations

import argparse
import re
import sys
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import requests
import yaml

from actions.knowledge import knowledge_base

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DEV_SET = ROOT / "tests" / "dev_set.yml"

CITATION = re.compile(r"\bParagraphs? (\d+(?:, \d+)*(?: and \d+)?)")
VERDICT_OPENINGS = {"yes": "yes", "no": "no", "only": "conditional"}


@dataclass
class Score:
    hits: int = 0
    total: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, ok: bool, question: str) -> None:
        self.total += 1
        self.hits += ok
        if not ok:
            self.misses.append(question)

    @property
    def rate(self) -> float:
        return self.hits / self.total if self.total else 1.0


@dataclass
class VerdictScore(Score):
    """Also counts each (expected, given) pair of verdicts, so polarity errors stand out."""

    confusion: Counter = field(default_factory=Counter)

    def add_verdict(self, expected: str, given: str | None, question: str) -> None:
        self.add(given == expected, question)
        self.confusion[expected, given or "none"] += 1

    def table(self) -> str:
        given = ["yes", "no", "conditional", "none"]
        rows = [f"{'expected / given':<18}" + "".join(f"{g:>13}" for g in given)]
        for expected in given[:3]:
            counts = "".join(f"{self.confusion[expected, g]:>13}" for g in given)
            rows.append(f"{expected:<18}{counts}")
        return "\n".join(rows)


# what every partly covered answer says (actions/answers.py)
COVERS_PART = "covers only part"


def cited_paragraphs(text: str) -> set[int]:
    return {int(n) for match in CITATION.findall(text) for n in re.findall(r"\d+", match)}


def verdict_of(text: str) -> str | None:
    first_word = re.match(r"\W*(\w+)", text)
    return VERDICT_OPENINGS.get(first_word.group(1).lower()) if first_word else None


def ask(url: str, question: str, timeout: float = 60, sender: str | None = None) -> list[dict]:
    """The replies to `question`, in a new conversation unless `sender` continues one."""
    response = requests.post(
        f"{url}/webhooks/rest/webhook",
        json={"sender": sender or f"eval-{uuid.uuid4().hex}", "message": question},
        timeout=timeout,
    )
    response.raise_for_status()
    return response.json()


def reply_text(replies: list[dict]) -> str:
    return "\n\n".join(reply.get("text", "") for reply in replies)


def answered_in_part(text: str, primary: int) -> bool:
    """Whether a reply to a question the policy covers only in part cites the part it
    covers, says it covers only part and hands the rest to Human Resources. Whether it opens
    with a verdict is scored apart, by the item's `verdict`: the covered part of a two-part
    question may be a yes/no question the policy settles."""
    hands_over = "Human Resources" in text
    return primary in cited_paragraphs(text) and hands_over and COVERS_PART in text


def score(items: list[dict], replies: list[list[dict]]) -> dict[str, Score]:
    names = knowledge_base().role_names
    verdicts = VerdictScore()
    scores: dict[str, Score] = {
        "primary_cited": Score(),
        "verdict_right": verdicts,
        "roles_named": Score(),
        "safeguarding_escalated": Score(),
        "out_of_scope_declined": Score(),
        "answered_in_part": Score(),
    }
    for item, reply in zip(items, replies, strict=False):
        text, question = reply_text(reply), item["q"]
        cited = cited_paragraphs(text)
        if item["kind"] in ("in_scope", "safeguarding"):
            scores["primary_cited"].add(item["paras"][0] in cited, question)
        if item.get("verdict"):
            verdicts.add_verdict(item["verdict"], verdict_of(text), question)
        if item.get("escalate"):
            named = all(names[role].lower() in text.lower() for role in item["escalate"])
            scores["roles_named"].add(named, question)
        if item["kind"] == "safeguarding":
            escalated = all(names[role] in text for role in ("dsl", "lado"))
            scores["safeguarding_escalated"].add(escalated, question)
        if item["kind"] == "out_of_scope":
            scores["out_of_scope_declined"].add(not cited, question)
        if item.get("partly"):
            scores["answered_in_part"].add(answered_in_part(text, item["paras"][0]), question)
    return scores


def evaluate(url: str, dev_set: Path = DEFAULT_DEV_SET, workers: int = 4) -> dict[str, Score]:
    items = yaml.safe_load(dev_set.read_text(encoding="utf-8"))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        replies = list(pool.map(lambda item: ask(url, item["q"]), items))
    return score(items, replies)


def print_report(scores: dict[str, Score], show_misses: bool = True) -> None:
    print(f"{'measure':<26}{'hits':>6}{'total':>7}{'rate':>9}")
    for name, s in scores.items():
        print(f"{name:<26}{s.hits:>6}{s.total:>7}{s.rate:>9.1%}")
    verdicts = scores["verdict_right"]
    if isinstance(verdicts, VerdictScore):
        print(f"\nverdicts\n{verdicts.table()}\n")
    if show_misses:
        for name, s in scores.items():
            for question in s.misses:
                print(f"  miss [{name}] {question}")


def main() -> int:
    # imported here: that module uses this one's request and scoring helpers
    from scripts.evaluate_conversations import (
        DEFAULT_CONVERSATIONS,
        evaluate_conversations,
        print_conversation_report,
    )

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:5005")
    parser.add_argument("--dev", type=Path, default=DEFAULT_DEV_SET)
    parser.add_argument(
        "--conversations",
        type=Path,
        nargs="?",
        const=DEFAULT_CONVERSATIONS,
        help="score the multi-turn conversations of this file (default %(const)s)",
    )
    parser.add_argument("--quiet", action="store_true", help="do not list the misses")
    args = parser.parse_args()
    if args.conversations:
        result = evaluate_conversations(args.url, args.conversations)
        print_conversation_report(result, show_misses=not args.quiet)
    else:
        print_report(evaluate(args.url, args.dev), show_misses=not args.quiet)
    return 0


if __name__ == "__main__":
    sys.exit(main())
