"""The HR report, from a tracker store built in code with Rasa's own SQLTrackerStore."""

from __future__ import annotations

import asyncio
from datetime import date, datetime, timezone

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import (
    ActionExecuted,
    BotUttered,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.slots import TextSlot
from rasa.shared.core.trackers import DialogueStateTracker

from actions.knowledge import knowledge_base
from scripts import hr_report

SINCE, UNTIL = date(2026, 11, 2), date(2026, 11, 3)

CREST = "can i use the crest on linkedin?"
CREST_AGAIN = "May I put the City crest on my Twitter banner"
LEAVE = "How many days of annual leave do I get | and when?"
TIKTOK = "what about tiktok dances filmed in the office"
EMOJI = "😀😀😀"
PUPIL_CONCERN = "a pupil keeps messaging me on snapchat late at night"
PUPIL_FRIEND = "Can I accept a friend request from a student of mine"
PUPIL_MISSED = "a year 8 girl keeps sending me messages at night"
OLD_QUESTION = "how do I reset my password"
OLD_CONCERN = "a student sent me a worrying message in october"
COMMENT = "It did not say anything about Instagram"


class Clock:
    """Timestamps a few seconds apart, starting at a given UTC moment."""

    def __init__(self, *moment: int) -> None:
        self.now = datetime(*moment, tzinfo=timezone.utc).timestamp()

    def __call__(self) -> float:
        self.now += 2
        return self.now


def user(clock: Clock, text: str, intent: str, entities: list[dict] | None = None) -> list:
    parse_data = {"intent_ranking": [{"name": intent, "confidence": 0.9}]}
    return [
        UserUttered(
            text,
            intent={"name": intent, "confidence": 0.9},
            entities=entities or [],
            parse_data=parse_data,
            timestamp=clock(),
        )
    ]


def answered(clock: Clock, topic: str | None, reply: str = "An answer.") -> list:
    events = [
        ActionExecuted("action_answer_policy", timestamp=clock()),
        BotUttered(reply, timestamp=clock()),
    ]
    if topic:
        events.append(SlotSet("last_topic", topic, timestamp=clock()))
    return [*events, ActionExecuted("action_listen", timestamp=clock())]


def session_start(clock: Clock, carried_topic: str | None = None) -> list:
    events = [ActionExecuted("action_session_start", timestamp=clock())]
    events.append(SessionStarted(timestamp=clock()))
    if carried_topic:
        events.append(SlotSet("last_topic", carried_topic, timestamp=clock()))
    return [*events, ActionExecuted("action_listen", timestamp=clock())]


def conversations() -> dict[str, list]:
    alice = Clock(2026, 11, 2, 9)
    bob = Clock(2026, 11, 3, 23, 50)
    carol = Clock(2026, 10, 15, 10)
    unreadable = [{"entity": "input_problem", "value": "no_words", "start": 0, "end": 3}]
    return {
        "alice": [
            *session_start(alice),
            *user(alice, CREST, "ask_crest_logo_personal"),
            *answered(alice, "crest_logo_personal"),
            *user(alice, CREST_AGAIN, "ask_crest_logo_personal"),
            *answered(alice, "crest_logo_personal"),
            *user(alice, LEAVE, "out_of_scope"),
            *answered(alice, None, "The policy does not cover that."),
            *user(alice, EMOJI, "nlu_fallback", unreadable),
            *answered(alice, None, "I can only read questions written in words."),
            *user(alice, TIKTOK, "nlu_fallback"),
            *answered(alice, None, "Is it one of these?"),
            *user(alice, "/ask_personal_use_at_work", "ask_personal_use_at_work"),
            *answered(alice, "personal_use_at_work"),
        ],
        "bob": [
            *session_start(bob),
            *user(bob, PUPIL_CONCERN, "out_of_scope"),
            *answered(bob, "safeguarding_concern"),
            *user(bob, PUPIL_FRIEND, "ask_contact_with_pupils"),
            *answered(bob, "contact_with_pupils"),
            # Declined by a model that missed the concern and its entities: still not quoted.
            *user(bob, PUPIL_MISSED, "nlu_fallback"),
            *answered(bob, None, "Is it one of these?"),
            # A new session carries the slot over: no new escalation.
            *session_start(bob, carried_topic="contact_with_pupils"),
            *user(bob, "thanks", "thank"),
            *answered(bob, None, "You're welcome."),
        ],
        "carol": [
            *session_start(carol),
            *user(carol, OLD_QUESTION, "out_of_scope"),
            *answered(carol, None),
            *user(carol, OLD_CONCERN, "nlu_fallback"),
            *answered(carol, "safeguarding_concern"),
            *user(carol, "may i use the crest", "ask_crest_logo_personal"),
            *answered(carol, "crest_logo_personal"),
        ],
    }


def save(path, events_by_sender: dict[str, list]) -> str:
    store = SQLTrackerStore(dialect="sqlite", db=str(path))
    slots = [TextSlot("last_topic", mappings=[{"type": "custom"}])]
    for sender, events in events_by_sender.items():
        tracker = DialogueStateTracker.from_events(sender, events, slots=slots)
        asyncio.run(store.save(tracker))
    store.engine.dispose()
    return f"sqlite:///{path}"


@pytest.fixture
def written(tmp_path):
    db_url = save(tmp_path / "tracker.db", conversations())
    out = tmp_path / "reports" / "hr-report.md"
    hr_report.main(
        ["--db", db_url, "--since", str(SINCE), "--until", str(UNTIL), "--out", str(out)]
    )
    return out, out.read_text(encoding="utf-8")


def title(topic_id: str) -> str:
    return next(t.title for t in knowledge_base().topics if t.id == topic_id)


def summary_row(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"| {label}"))


def test_counts_conversations_and_questions_in_the_period(written):
    _, text = written
    assert "Period: 2026-11-02 to 2026-11-03" in text
    assert summary_row(text, "Conversations").endswith("| 3 |")  # alice, bob's two sessions
    assert summary_row(text, "Questions and other messages").endswith("| 9 |")


def test_counts_questions_per_topic(written):
    _, text = written
    assert f"| {title('crest_logo_personal')} | 2 |" in text
    assert f"| {title('personal_use_at_work')} | 1 |" in text
    assert f"| {title('contact_with_pupils')} | 1 |" in text
    assert f"| {title('copyright')} | 0 |" in text


def test_lists_unanswered_questions_as_typed(written):
    _, text = written
    assert "### Not understood: 2" in text  # one is about a pupil's safety
    assert f"| {TIKTOK} | 1 |" in text
    assert "### Outside the policy: 2" in text  # one got the safeguarding answer
    assert r"| How many days of annual leave do I get \| and when? | 1 |" in text
    assert "/ask_personal_use_at_work" not in text


def test_leaves_out_unreadable_input(written):
    _, text = written
    assert EMOJI not in text
    assert summary_row(text, "Unreadable input").endswith("| 1 |")


def test_counts_safeguarding_escalations_without_their_text(written):
    _, text = written
    assert summary_row(text, "Safeguarding escalations").endswith("| 2 |")
    assert "2 answers carried the safeguarding escalation" in text
    assert "2 more were about the safety of a pupil or vulnerable person" in text
    for private in (PUPIL_CONCERN, PUPIL_FRIEND, PUPIL_MISSED, "snapchat", "year 8"):
        assert private not in text


def test_ignores_conversations_outside_the_period(written):
    _, text = written
    assert OLD_QUESTION not in text
    assert OLD_CONCERN not in text
    assert f"| {title('crest_logo_personal')} | 3 |" not in text


def test_writes_the_chart_next_to_the_report(written):
    out, text = written
    chart = out.with_suffix(".png")
    assert chart.read_bytes().startswith(b"\x89PNG")
    assert f"![Questions per topic]({chart.name})" in text


def test_no_feedback_is_said_plainly(written):
    _, text = written
    assert summary_row(text, "Feedback").endswith("| none recorded |")
    assert text.split("## Feedback\n\n")[1].startswith("None recorded.")


def test_lists_comments_after_a_thumbs_down(tmp_path):
    clock = Clock(2026, 11, 2, 12)
    events = [
        *session_start(clock),
        *user(clock, CREST, "ask_crest_logo_personal"),
        *answered(clock, "crest_logo_personal"),
        *user(clock, "/feedback_negative", "feedback_negative"),
        *user(clock, COMMENT, "nlu_fallback"),
        *user(clock, "/feedback_positive", "feedback_positive"),
    ]
    db_url = save(tmp_path / "tracker.db", {"dana": events})
    out = tmp_path / "hr-report.md"
    hr_report.write_report(db_url, SINCE, UNTIL, out)
    text = out.read_text(encoding="utf-8")
    assert "feedback_negative: 1, feedback_positive: 1" in text
    assert f"- {COMMENT}" in text
    assert "### Not understood: 0" in text  # the comment is feedback, not a question


def test_refuses_a_missing_sqlite_file(tmp_path):
    with pytest.raises(SystemExit, match="No tracker store"):
        hr_report.load_events(f"sqlite:///{tmp_path / 'missing.db'}", 0, 1)


def test_a_question_after_a_thumbs_down_is_not_listed_as_a_comment(tmp_path):
    clock = Clock(2026, 11, 2, 12)
    question = "could I actually be sacked over one post?"
    events = [
        *session_start(clock),
        *user(clock, CREST, "ask_crest_logo_personal"),
        *answered(clock, "crest_logo_personal"),
        *user(clock, "/feedback_negative", "feedback_negative"),
        *user(clock, question, "ask_disciplinary_consequences"),
    ]
    out = tmp_path / "hr-report.md"
    hr_report.write_report(save(tmp_path / "tracker.db", {"dana": events}), SINCE, UNTIL, out)
    text = out.read_text(encoding="utf-8")
    assert question not in text
    assert "No comments after a thumbs-down." in text


def test_a_skipped_thumbs_down_comment_is_not_listed(tmp_path):
    clock = Clock(2026, 11, 2, 12)
    events = [
        *session_start(clock),
        *user(clock, CREST, "ask_crest_logo_personal"),
        *answered(clock, "crest_logo_personal"),
        *user(clock, "/feedback_negative", "feedback_negative"),
        *user(clock, "skip", "out_of_scope"),
    ]
    out = tmp_path / "hr-report.md"
    hr_report.write_report(save(tmp_path / "tracker.db", {"dana": events}), SINCE, UNTIL, out)
    text = out.read_text(encoding="utf-8")
    assert "feedback_negative: 1" in text
    assert "No comments after a thumbs-down." in text


def test_contact_details_typed_into_a_comment_or_question_are_not_quoted(tmp_path):
    clock = Clock(2026, 11, 2, 12)
    events = [
        *session_start(clock),
        *user(clock, "what's the canteen number? call me on 020 7606 3030", "out_of_scope"),
        *user(clock, CREST, "ask_crest_logo_personal"),
        *answered(clock, "crest_logo_personal"),
        *user(clock, "/feedback_negative", "feedback_negative"),
        *user(clock, "wrong, ask jo.bloggs@cityoflondon.gov.uk or +44 7700 900123", "nlu_fallback"),
    ]
    out = tmp_path / "hr-report.md"
    hr_report.write_report(save(tmp_path / "tracker.db", {"dana": events}), SINCE, UNTIL, out)
    text = out.read_text(encoding="utf-8")
    for detail in ("7606", "3030", "jo.bloggs", "cityoflondon.gov.uk", "7700", "900123"):
        assert detail not in text
    assert "call me on \\[number removed\\]" in text
    assert "wrong, ask \\[e-mail removed\\] or \\[number removed\\]" in text


@pytest.mark.parametrize(
    "kept", ["paragraph 23 of the policy", "since 2019 or 2020", "the 3 photos from 12.05"]
)
def test_numbers_that_are_not_phone_numbers_are_kept(kept):
    assert hr_report.without_contact_details(kept) == kept
