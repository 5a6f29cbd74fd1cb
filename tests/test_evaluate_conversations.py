"""The conversation scorer's checks, on replies written here, and the dev conversations file."""

from pathlib import Path

import pytest
import yaml

from actions.knowledge import knowledge_base, paragraphs
from scripts.evaluate_conversations import (
    EXPECTATIONS,
    Turn,
    check_turn,
    cited_paragraphs,
    score,
)

ROOT = Path(__file__).resolve().parent.parent
THUMBS = [{"title": "👍 Yes", "payload": "/feedback_positive"}]
CREST_ANSWER = [
    {"text": "No. Personal accounts must not ...\nSource: Paragraph 23 of the policy."},
    {"text": "Did that answer your question?", "buttons": THUMBS},
]


def test_citations_are_read_in_every_form_the_assistant_writes():
    assert cited_paragraphs("Source: Paragraphs 22 and 23 of the policy.") == {22, 23}
    assert cited_paragraphs("Paragraphs 26, 27 and 29") == {26, 27, 29}
    text = "That answer comes from paragraphs 11 and 15 (Professional Use) and 23 (Personal Use)."
    assert cited_paragraphs(text) == {11, 15, 23}
    assert cited_paragraphs("The policy doesn't cover that.") == set()


@pytest.mark.parametrize(
    ("expected", "failed"),
    [
        ({"paras": [23], "verdict": "no", "thumbs": True, "buttons": False}, []),
        ({"paras": [22, 23]}, ["paras"]),
        ({"any_paras": [22, 23]}, []),
        ({"verdict": "yes"}, ["verdict"]),
        ({"no_cite": True}, ["no_cite"]),
        ({"thumbs": False}, ["thumbs"]),
        ({"buttons": True}, ["buttons"]),
        ({"escalate": ["dsl"]}, ["escalate"]),
    ],
)
def test_each_expectation_is_checked(expected, failed):
    assert check_turn(expected, CREST_ANSWER, set()) == failed


def test_roles_are_found_by_name():
    reply = [{"text": f"Contact the {knowledge_base().role_names['lado']}."}]
    assert check_turn({"escalate": ["lado"]}, reply, set()) == []


def test_a_quote_must_be_a_sentence_of_the_previously_cited_paragraphs():
    sentence = "Personal accounts must not include City of London Corporation"
    assert sentence in paragraphs()[22]
    quoted = [{"text": f"Paragraph 22 (Personal Use):\n“{paragraphs()[22]}”"}]
    assert check_turn({"quote": True}, quoted, {22}) == []
    assert check_turn({"quote": True}, quoted, {23}) == ["quote"]


def test_a_conversation_passes_whole_only_when_every_checked_turn_passes():
    conversations = [{"theme": "a"}, {"theme": "b"}]
    results = [
        [Turn("hi", "Hello", None), Turn("crest?", "No.", [])],
        [Turn("crest?", "No.", []), Turn("why?", "Because", ["paras"])],
    ]
    result = score(conversations, results)
    assert (result.whole, result.conversations) == (1, 2)
    assert (result.turns_passed, result.turns) == (2, 3)
    assert len(result.misses) == 1 and "'why?' failed paras" in result.misses[0]


def test_the_dev_conversations_are_many_and_well_formed():
    conversations = yaml.safe_load((ROOT / "tests/dev_conversations.yml").read_text())
    roles = set(knowledge_base().role_names)
    assert len(conversations) >= 60
    for conversation in conversations:
        assert conversation["theme"] and len(conversation["turns"]) >= 2, conversation
        for turn in conversation["turns"]:
            assert set(turn) <= {"say", *EXPECTATIONS}, turn
            assert set(turn.get("paras", []) + turn.get("any_paras", [])) <= set(paragraphs())
            assert turn.get("verdict") in {None, "yes", "no", "conditional"}, turn
            assert set(turn.get("escalate", [])) <= roles, turn
