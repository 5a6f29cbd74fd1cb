"""The off-topic detector (addons/off_topic.py), trained in-process on the training examples
and data/policy/off_topic.yml: how likely a question asks, in whole or in part, about
something the policy does not cover, on questions it has not seen."""

from functools import cache

import pytest
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message

from actions.knowledge import knowledge_base
from addons.off_topic import (
    OffTopicDetector,
    fit_off_topic,
    off_topic_part,
    off_topic_probability,
    partly_covered,
)
from addons.situations import SituationModel
from tests.data_files import ROOT, development_messages, normalised


@cache
def model() -> SituationModel:
    examples = load_data(str(ROOT / "data" / "nlu")).intent_examples
    return fit_off_topic(
        [example.get("text") for example in examples],
        [example.get("intent") for example in examples],
        [item["text"] for item in partly_covered()],
    )


@pytest.mark.parametrize(
    "question",
    [
        "is an ai assistant alright for writing the first draft of our official posts",
        "who reimburses the data costs of running the museum's tiktok on my phone",
        "can i book a course on photography, and do i need consent from people in my photos",
        "is there a form for a filming licence in finsbury circus",
    ],
)
def test_an_unseen_question_asking_something_else_is_likely_off_topic(question):
    assert off_topic_probability(model(), question) >= 0.5


@pytest.mark.parametrize(
    "question",
    [
        "can i put the corporation crest on my linkedin banner",
        "a pupil sent me a follow request on instagram",
        "who decides whether our team can open a facebook page",
        "can i retweet tfl during a major incident",
    ],
)
def test_an_unseen_policy_question_is_unlikely_off_topic(question):
    assert off_topic_probability(model(), question) < 0.5


def test_an_off_topic_part_of_a_question_counts_however_long_the_rest():
    policy = "can the school share photos of pupils from the concert on its instagram"
    both = f"{policy} and which camera should we buy for it"
    assert off_topic_probability(model(), both) > off_topic_probability(model(), policy) + 0.2


def test_the_component_adds_one_off_topic_entity_with_its_probability():
    detector = OffTopicDetector(None, None, SituationModel(**model().as_dict()))
    [message] = detector.process([Message(data={"text": "can I expense a ring light"})])
    [found] = [e for e in message.get("entities") if e["entity"] == "off_topic"]
    assert found["extractor"] == "OffTopicDetector" and 0.5 <= found["confidence"] <= 1
    assert (found["value"], found["start"], found["end"]) == ("whole", 0, 26)


def test_an_off_topic_clause_of_a_policy_question_is_marked_as_that_clause():
    course = "how do i book a place on the photography course"
    question = f"can the school share photos of pupils from the concert on instagram, and {course}"
    part = off_topic_part(model(), question)
    assert part.kind == "clause" and question[part.start : part.end] == course
    assert part.probability == off_topic_probability(model(), question) >= 0.5


def test_a_question_off_topic_as_a_whole_is_marked_whole():
    question = "can I use ChatGPT to draft the posts for the library's official account"
    part = off_topic_part(model(), question)
    assert (part.kind, part.start, part.end) == ("whole", 0, len(question))


def test_partly_covered_examples_name_topics_and_are_held_out():
    topics = {topic.intent for topic in knowledge_base().topics}
    assert {item["topic"] for item in partly_covered()} <= topics
    examples = {normalised(item["text"]) for item in partly_covered()}
    assert not examples & development_messages()
