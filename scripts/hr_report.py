"""HR report: what staff asked the assistant over a period, read from Rasa's SQL tracker store.

    python -m scripts.hr_report --db sqlite:///tracker.db \\
        --since 2026-11-01 --until 2026-11-30 --out reports/hr-report.md

Writes the Markdown report and, next to it, a PNG chart of questions per topic. Dates are
whole days in UTC, both included. The report quotes what staff typed when the assistant could
not answer; messages that got the safeguarding escalation are only counted, never quoted.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

import sqlalchemy as sa
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from actions.answers import mentions_safeguarding
from actions.feedback import SKIP_WORDS, reads_as_question
from actions.knowledge import (
    KnowledgeBase,
    canonical_entities,
    contains_phrase,
    entity_vocabulary,
    knowledge_base,
)
from contracts import INPUT_PROBLEM_ENTITY
from scripts.tracker_db import EVENTS, check_sqlite_file

LAST_TOPIC = "last_topic"
NOT_UNDERSTOOD = "nlu_fallback"
OUT_OF_SCOPE = "out_of_scope"
FEEDBACK_PREFIX = "feedback_"
FEEDBACK_NEGATIVE = "feedback_negative"


@dataclass
class Turn:
    """One user message and the topics the assistant answered it with (`last_topic` slot)."""

    intent: str | None
    text: str
    entities: list[dict]
    topics: list[str] = field(default_factory=list)


@dataclass
class Report:
    since: date
    until: date
    conversations: int = 0
    questions: int = 0
    per_topic: list[tuple[str, int]] = field(default_factory=list)
    not_understood: Counter[str] = field(default_factory=Counter)
    out_of_scope: Counter[str] = field(default_factory=Counter)
    not_understood_count: int = 0
    out_of_scope_count: int = 0
    unreadable: int = 0
    withheld: int = 0
    feedback: Counter[str] = field(default_factory=Counter)
    negative_comments: list[str] = field(default_factory=list)
    safeguarding_escalations: int = 0


# Reading the tracker store


def period_bounds(since: date, until: date) -> tuple[float, float]:
    """Unix timestamps from the start of `since` to the end of `until`, in UTC."""
    start = datetime.combine(since, time.min, tzinfo=timezone.utc)
    end = datetime.combine(until + timedelta(days=1), time.min, tzinfo=timezone.utc)
    return start.timestamp(), end.timestamp()


def load_events(db_url: str, start: float, end: float) -> list[sa.engine.Row]:
    """User messages, slot changes and session starts in [start, end), in stored order."""
    check_sqlite_file(db_url)
    query = (
        sa.select(EVENTS.c.sender_id, EVENTS.c.type_name, EVENTS.c.intent_name, EVENTS.c.data)
        .where(EVENTS.c.timestamp >= start, EVENTS.c.timestamp < end)
        .where(EVENTS.c.type_name.in_(["user", "slot", "session_started"]))
        .order_by(EVENTS.c.id)
    )
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as connection:
            return connection.execute(query).all()
    finally:
        engine.dispose()


def conversations(rows: list[sa.engine.Row]) -> list[list[Turn]]:
    """The user turns of each conversation (a sender's session). A `last_topic` slot set
    before the session's first message was carried over from the previous session: it
    answered nothing, so it is left out."""
    sessions: dict[tuple[str, int], list[Turn]] = {}
    session_number: Counter[str] = Counter()
    for row in rows:
        data = json.loads(row.data or "{}")
        key = (row.sender_id, session_number[row.sender_id])
        if row.type_name == "session_started":
            session_number[row.sender_id] += 1
        elif row.type_name == "user":
            parse_data = data.get("parse_data") or {}
            turn = Turn(row.intent_name, data.get("text") or "", parse_data.get("entities") or [])
            sessions.setdefault(key, []).append(turn)
        elif data.get("name") == LAST_TOPIC and sessions.get(key):
            sessions[key][-1].topics.append(data.get("value"))
    return list(sessions.values())


# Building the report


def is_feedback(turn: Turn) -> bool:
    return (turn.intent or "").startswith(FEEDBACK_PREFIX)


def is_button_press(turn: Turn) -> bool:
    """A topic or "None of these" button sends its payload ("/intent") as the text."""
    return turn.text.startswith("/")


def is_unreadable(turn: Turn) -> bool:
    return any(e.get("entity") == INPUT_PROBLEM_ENTITY for e in turn.entities)


def safeguarding_topic_ids(kb: KnowledgeBase) -> set[str]:
    return {topic.id for topic in kb.topics if topic.safeguarding}


def named_entities(turn: Turn) -> dict[str, set[str]]:
    """The entities stored with the message plus those today's vocabulary finds in its text,
    so that messages stored by an older model are judged like new ones."""
    found = canonical_entities(turn.entities)
    for kind, words in entity_vocabulary().items():
        for word, canonical in words.items():
            if contains_phrase(turn.text, word):
                found.setdefault(kind, set()).add(canonical)
    return found


def is_private(turn: Turn, kb: KnowledgeBase) -> bool:
    """Whether a message is about the safety of a pupil or vulnerable person: it got a
    safeguarding answer, or it reads like one to the assistant's safety net (a message the
    model missed must not be quoted either)."""
    if not safeguarding_topic_ids(kb).isdisjoint(turn.topics):
        return True
    return mentions_safeguarding(kb, turn.text, named_entities(turn))


EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
PHONE = re.compile(r"\+?\d[\d\s().-]{5,}\d")
MIN_PHONE_DIGITS = 7


def without_contact_details(text: str) -> str:
    """The text with e-mail addresses and phone numbers (7 or more digits) replaced: a report
    passed around HR must not carry a colleague's contact details typed into the chat."""

    def phone(match: re.Match) -> str:
        digits = sum(char.isdigit() for char in match.group(0))
        return "[number removed]" if digits >= MIN_PHONE_DIGITS else match.group(0)

    return PHONE.sub(phone, EMAIL.sub("[e-mail removed]", text))


def one_line(text: str) -> str:
    """A message as the report quotes it: on one line, without contact details."""
    return without_contact_details(" ".join(text.split()))


def is_comment(feedback: Turn, following: Turn) -> bool:
    """Whether the message after a thumbs-down is its comment: the assistant answers one
    that asks something (actions/feedback.py) and keeps no comment."""
    return (
        feedback.intent == FEEDBACK_NEGATIVE
        and not is_feedback(following)
        and not reads_as_question(following.text)
    )


def add_feedback(report: Report, turns: list[Turn], kb: KnowledgeBase) -> set[int]:
    """Counts feedback and collects the comment after each thumbs-down, unless it or the
    message answered is private. Returns the positions of feedback and comment turns (a
    question asked instead of a comment stays a question)."""
    used: set[int] = set()
    for i, turn in enumerate(turns):
        if not is_feedback(turn):
            continue
        report.feedback[turn.intent or ""] += 1
        used.add(i)
        comment = turns[i + 1] if i + 1 < len(turns) else None
        if comment is None or not is_comment(turn, comment):
            continue
        used.add(i + 1)
        rated = turns[i - 1] if i > 0 else comment
        said = comment.text.strip()
        if (
            said
            and said.lower() not in SKIP_WORDS
            and not (is_private(rated, kb) or is_private(comment, kb))
        ):
            report.negative_comments.append(one_line(said))
    return used


def add_question(report: Report, turn: Turn, kb: KnowledgeBase) -> None:
    """Files one message under unanswered, unreadable or withheld, as it applies."""
    if turn.intent not in (NOT_UNDERSTOOD, OUT_OF_SCOPE) or is_button_press(turn):
        return
    if is_unreadable(turn):
        report.unreadable += 1
        return
    if turn.intent == NOT_UNDERSTOOD:
        report.not_understood_count += 1
        listing = report.not_understood
    else:
        report.out_of_scope_count += 1
        listing = report.out_of_scope
    if is_private(turn, kb):
        report.withheld += 1
    else:
        listing[one_line(turn.text)] += 1


def build_report(sessions: list[list[Turn]], kb: KnowledgeBase, since: date, until: date) -> Report:
    report = Report(since, until)
    safeguarding = safeguarding_topic_ids(kb)
    intents: Counter[str] = Counter()
    for turns in sessions:
        report.conversations += 1
        used = add_feedback(report, turns, kb)
        for i, turn in enumerate(turns):
            report.safeguarding_escalations += sum(t in safeguarding for t in turn.topics)
            if i in used:
                continue
            intents[turn.intent or ""] += 1
            if not is_button_press(turn):
                report.questions += 1
            add_question(report, turn, kb)
    topics = [(topic.title, intents[topic.intent]) for topic in kb.topics]
    report.per_topic = sorted(topics, key=lambda item: -item[1])
    return report


# Writing the report


def write_chart(per_topic: list[tuple[str, int]], path: Path, caption: str) -> None:
    asked = sorted((item for item in per_topic if item[1]), key=lambda item: item[1])
    figure = Figure(figsize=(9, max(2.5, 0.32 * len(asked) + 1.2)))
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    if asked:
        axes.barh([title for title, _ in asked], [count for _, count in asked], color="#2b6cb0")
        axes.set_xlabel("Questions")
        axes.xaxis.get_major_locator().set_params(integer=True)
    else:
        axes.text(0.5, 0.5, "No questions on policy topics", ha="center", va="center")
        axes.set_axis_off()
    axes.set_title(caption)
    figure.savefig(path, dpi=100, bbox_inches="tight")


def cell(text: str) -> str:
    """Text shown as typed in a Markdown table cell."""
    return re.sub(r"([\\`*_\[\]<>|~&])", r"\\\1", text)


def question_table(listing: Counter[str]) -> list[str]:
    if not listing:
        return ["None."]
    rows = [f"| {cell(text)} | {count} |" for text, count in listing.most_common()]
    return ["| Question, as typed | Times |", "| --- | ---: |", *rows]


def feedback_section(report: Report) -> list[str]:
    if not report.feedback:
        return ["None recorded."]
    counts = ", ".join(f"{name}: {n}" for name, n in sorted(report.feedback.items()))
    lines = [f"Feedback given: {counts}.", ""]
    if report.negative_comments:
        lines.append("Comments after a thumbs-down:")
        lines += [f"- {cell(text)}" for text in report.negative_comments]
    else:
        lines.append("No comments after a thumbs-down.")
    return lines


def render_markdown(report: Report, chart_name: str) -> str:
    withheld = (
        f" {report.withheld} more were about the safety of a pupil or vulnerable person "
        "and are not quoted."
        if report.withheld
        else ""
    )
    lines = [
        "# Social Media Policy assistant: HR report",
        "",
        f"Period: {report.since} to {report.until} (UTC, both days included).",
        "",
        "This report quotes what staff typed. Handle it under the Employee Data Protection "
        "Policy.",
        "",
        "## Summary",
        "",
        "| | Number |",
        "| --- | ---: |",
        f"| Conversations | {report.conversations} |",
        f"| Questions and other messages typed | {report.questions} |",
        f"| Not understood (`nlu_fallback`) | {report.not_understood_count} |",
        f"| Outside the policy (`out_of_scope`) | {report.out_of_scope_count} |",
        f"| Unreadable input (empty, emoji only, code, not English), not quoted "
        f"| {report.unreadable} |",
        f"| Safeguarding escalations | {report.safeguarding_escalations} |",
        f"| Feedback | {sum(report.feedback.values()) or 'none recorded'} |",
        "",
        "## Questions per topic",
        "",
        f"![Questions per topic]({chart_name})",
        "",
        "Topics chosen from the assistant's buttons count too.",
        "",
        "| Topic | Questions |",
        "| --- | ---: |",
        *[f"| {title} | {count} |" for title, count in report.per_topic],
        "",
        "## Unanswered questions",
        "",
        "Add these as training examples to the right topic, or as `out_of_scope` examples."
        + withheld,
        "",
        f"### Not understood: {report.not_understood_count}",
        "",
        *question_table(report.not_understood),
        "",
        f"### Outside the policy: {report.out_of_scope_count}",
        "",
        *question_table(report.out_of_scope),
        "",
        "## Feedback",
        "",
        *feedback_section(report),
        "",
        "## Safeguarding escalations",
        "",
        f"{report.safeguarding_escalations} answers carried the safeguarding escalation to the "
        "DSL and the LADO. What was asked is not shown in this report.",
        "",
    ]
    return "\n".join(lines)


def write_report(db_url: str, since: date, until: date, out: Path) -> Report:
    rows = load_events(db_url, *period_bounds(since, until))
    report = build_report(conversations(rows), knowledge_base(), since, until)
    out.parent.mkdir(parents=True, exist_ok=True)
    chart = out.with_suffix(".png")
    write_chart(report.per_topic, chart, f"Questions per topic, {since} to {until}")
    out.write_text(render_markdown(report, chart.name), encoding="utf-8")
    return report


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite:///tracker.db", help="SQLAlchemy URL")
    parser.add_argument("--since", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument("--until", type=date.fromisoformat, required=True, help="YYYY-MM-DD")
    parser.add_argument("--out", type=Path, default=Path("reports/hr-report.md"))
    args = parser.parse_args(argv)
    if args.since > args.until:
        parser.error("--since is after --until")
    return args


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    write_report(args.db, args.since, args.until, args.out)
    print(f"Wrote {args.out} and {args.out.with_suffix('.png')}")


if __name__ == "__main__":
    main()
