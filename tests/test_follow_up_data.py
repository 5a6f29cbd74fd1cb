"""The facet answers (data/policy/details.yml) and the safeguarding follow-up replies say
only what the policy says."""

import re

import pytest

from actions import safeguarding
from actions.follow_ups import details
from actions.knowledge import knowledge_base
from contracts import FACETS
from scripts.import_policy import DEFAULT_SOURCE


@pytest.fixture(scope="module")
def policy_words() -> set[str]:
    return set(re.findall(r"[\w@&']+", DEFAULT_SOURCE.read_text(encoding="utf-8")))


def capitalised_words(text: str) -> list[str]:
    """Every capitalised word inside a sentence: names, titles, places."""
    return [
        word
        for sentence in re.split(r"(?<=[.:;!?])\s+|\n+", text)
        for word in re.findall(r"[\w@&']+", sentence)[1:]
        if word[0].isupper() or word.startswith("@")
    ]


def test_every_detail_is_a_facet_of_a_topic_and_cites_that_topics_paragraphs():
    kb = knowledge_base()
    for topic_id, facets in details().items():
        topic = kb.topic(topic_id)
        assert topic, topic_id
        for facet, detail in facets.items():
            assert facet in FACETS, (topic_id, facet)
            assert set(detail.paras) <= set(topic.paras), (topic_id, facet)


def test_details_name_no_one_the_policy_does_not(policy_words):
    for topic_id, facets in details().items():
        for detail in facets.values():
            for word in capitalised_words(detail.answer):
                assert word in policy_words, f"{topic_id}: {word!r}"


@pytest.mark.parametrize(
    "reply",
    [
        safeguarding.first_contact,
        safeguarding.when_the_dsl_cannot_be_asked,
        safeguarding.where_the_lado_is,
        safeguarding.policy_is_silent,
    ],
)
def test_safeguarding_follow_ups_name_no_one_the_policy_does_not(reply, policy_words):
    text = reply()
    assert "Source: Paragraph 33 " in text
    for word in capitalised_words(text.split("\nSource:")[0]):
        assert word in policy_words, word
