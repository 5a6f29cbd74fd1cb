"""Lists every answer whose cited paragraphs changed since HR last reviewed it.

    python -m scripts.check_reviews              # exit 1 and list stale answers, if any
    python -m scripts.check_reviews --approve ID  # record a review of topic ID (or "all")

data/policy/reviews.yml keeps, for each topic of the knowledge base, the date of its last
review and a fingerprint of the text of the paragraphs it relies on (those its answer, its
rules and its "why" cite). After a new version of the
policy is imported (scripts/import_policy.py), the topics whose cited text changed are
stale until someone has checked the answer and approved it again.
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import sys
from pathlib import Path

import yaml

from actions.knowledge import POLICY_DIR, Topic, knowledge_base, paragraphs

REVIEWS_FILE = POLICY_DIR / "reviews.yml"


def relied_on(topic: Topic) -> list[int]:
    """The paragraphs the topic's answer, its rules and its "why" cite."""
    rule_paras = {n for rule in topic.rules for n in rule.paras}
    return sorted({*topic.paras, *topic.why_paras, *rule_paras})


def cited_text_fingerprint(topic: Topic, texts: dict[int, str]) -> str:
    digest = hashlib.sha256()
    for number in relied_on(topic):
        digest.update(f"{number}\n{texts.get(number, '')}\n".encode())
    return digest.hexdigest()[:16]


def load_reviews(path: Path = REVIEWS_FILE) -> dict[str, dict]:
    if not path.exists():
        return {}
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def stale_topics(topics, texts: dict[int, str], reviews: dict[str, dict]) -> list[Topic]:
    """Topics never reviewed, or whose cited text differs from the text reviewed."""
    return [
        topic
        for topic in topics
        if reviews.get(topic.id, {}).get("fingerprint") != cited_text_fingerprint(topic, texts)
    ]


def approve(topic_ids: set[str], today: str, path: Path = REVIEWS_FILE) -> None:
    reviews = load_reviews(path)
    texts = paragraphs()
    for topic in knowledge_base().topics:
        if topic.id in topic_ids or "all" in topic_ids:
            reviews[topic.id] = {
                "reviewed": today,
                "fingerprint": cited_text_fingerprint(topic, texts),
            }
    path.write_text(
        "# Written by scripts/check_reviews.py --approve: when each answer was last reviewed\n"
        "# and a fingerprint of the policy text it cites.\n"
        + yaml.safe_dump(dict(sorted(reviews.items())), sort_keys=False),
        encoding="utf-8",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--approve", nargs="+", metavar="TOPIC", help='topic ids, or "all"')
    args = parser.parse_args()
    if args.approve:
        approve(set(args.approve), datetime.date.today().isoformat())
    stale = stale_topics(knowledge_base().topics, paragraphs(), load_reviews())
    for topic in stale:
        print(f"stale: {topic.id} (relies on paragraphs {', '.join(map(str, relied_on(topic)))})")
    if stale:
        print(f"{len(stale)} answers to review, then: python -m scripts.check_reviews --approve ID")
        return 1
    print("every answer was reviewed against the current policy text")
    return 0


if __name__ == "__main__":
    sys.exit(main())
