"""Training data, domain, rules and the development set fit together."""

import re

import pytest
import yaml
from rasa_sdk.executor import ActionExecutor

from actions.knowledge import knowledge_base, paragraphs
from tests.data_files import CONVERSATION_SETS, ROOT, development_messages, load, normalised

CONVERSATION_INTENTS = {"greet", "goodbye", "thank", "help", "bot_challenge", "out_of_scope"}
FOLLOW_UP_INTENTS = {"follow_up_other", "ask_facet", "ask_why", "ask_quote", "ask_which_paragraph"}
MENU_AND_FEEDBACK_INTENTS = {"help_area", "none_of_these", "feedback_positive", "feedback_negative"}
HELD_OUT_WORDS = 5
OTHER_INTENTS = CONVERSATION_INTENTS | FOLLOW_UP_INTENTS | MENU_AND_FEEDBACK_INTENTS


def training_examples() -> dict[str, list[str]]:
    examples: dict[str, list[str]] = {}
    for path in sorted((ROOT / "data" / "nlu").glob("*.yml")):
        for block in yaml.safe_load(path.read_text(encoding="utf-8"))["nlu"]:
            if "intent" in block:
                lines = block["examples"].splitlines()
                examples.setdefault(block["intent"], []).extend(
                    line.strip()[2:] for line in lines if line.strip().startswith("- ")
                )
    return examples


def test_every_topic_has_at_least_15_examples():
    examples = training_examples()
    for topic in knowledge_base().topics:
        assert len(examples.get(topic.intent, [])) >= 15, topic.intent


def test_domain_intents_are_the_topics_and_conversation_intents():
    topic_intents = {topic.intent for topic in knowledge_base().topics}
    assert set(load("domain.yml")["intents"]) == topic_intents | OTHER_INTENTS
    assert set(training_examples()) == topic_intents | OTHER_INTENTS


def test_one_rule_answers_every_topic():
    rules = load("data/rules.yml")["rules"]
    answered = {
        step["intent"]
        for rule in rules
        if rule["steps"][-1] == {"action": "action_answer_policy"}
        for alternative in rule["steps"][0]["or"]
        for step in [alternative]
    }
    assert answered == {topic.intent for topic in knowledge_base().topics}


# the words that name the roles of paragraph 33
SAFEGUARDING_ROLE_WORDS = re.compile(r"\b(dsl|lado|designated (safeguarding lead|officer))\b")


def test_questions_about_the_dsl_and_lado_themselves_are_the_safeguarding_topics():
    """Who, what and where the DSL and the LADO are is answered from paragraph 33: the
    safeguarding topic is taught many such questions, and no out-of-scope example names
    either role (those examples once took "which department is the LADO in?" away)."""
    examples = training_examples()
    topic = knowledge_base().safeguarding_topic.intent
    naming = [e for e in examples[topic] if SAFEGUARDING_ROLE_WORDS.search(e.lower())]
    assert len(naming) >= 25
    assert not [e for e in examples["out_of_scope"] if SAFEGUARDING_ROLE_WORDS.search(e.lower())]


def test_no_example_is_given_to_two_intents():
    seen: dict[str, str] = {}
    for intent, examples in training_examples().items():
        for example in examples:
            key = normalised(example)
            assert (
                seen.setdefault(key, intent) == intent
            ), f"{example!r} in {intent} and {seen[key]}"


def test_development_set_is_large_valid_and_held_out():
    items = load("tests/dev_set.yml")
    trained = {normalised(e) for examples in training_examples().values() for e in examples}
    cited = {n for topic in knowledge_base().topics for n in topic.paras}
    assert len(items) >= 300
    for item in items:
        assert normalised(item["q"]) not in trained, item["q"]
        assert item["kind"] in {"in_scope", "safeguarding", "out_of_scope", "chitchat"}
        assert set(item["paras"]) <= set(paragraphs())
        if item["kind"] in {"in_scope", "safeguarding"}:
            assert item["paras"][0] in cited, item["q"]
        else:
            assert item["paras"] == [], item["q"]
    kinds = {item["kind"] for item in items}
    assert kinds == {"in_scope", "safeguarding", "out_of_scope", "chitchat"}


def test_the_action_server_serves_exactly_the_domains_custom_actions():
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(load("domain.yml")["actions"])


@pytest.mark.parametrize(
    "path",
    [
        "tests/probe_set.yml",
        "tests/verdict_set.yml",
        "tests/near_miss_set.yml",
        "tests/probe_set_2.yml",
        "tests/safeguarding_set.yml",
        "tests/probe_set_3.yml",
        "tests/probe_set_4.yml",
    ],
)
def test_other_question_sets_are_held_out(path):
    """No question of five words or more is a training example ("hello", "cheers" may be)."""
    trained = {normalised(e) for examples in training_examples().values() for e in examples}
    for item in load(path):
        if len(item["q"].split()) >= HELD_OUT_WORDS:
            assert normalised(item["q"]) not in trained, item["q"]


@pytest.mark.parametrize("path", CONVERSATION_SETS)
def test_development_conversations_are_held_out(path):
    """No message of five words or more is a training example ("why?", "quote it" may be)."""
    trained = {normalised(e) for examples in training_examples().values() for e in examples}
    for conversation in load(path):
        for turn in conversation["turns"]:
            if len(turn["say"].split()) >= HELD_OUT_WORDS:
                assert normalised(turn["say"]) not in trained, turn["say"]


def test_claim_examples_are_held_out_from_the_development_sets_and_training_data():
    """The claim matcher learns the claims' examples against the training examples, and
    never from a development set's message."""
    asked = development_messages()
    trained = {normalised(e) for examples in training_examples().values() for e in examples}
    for claim in load("data/policy/claims.yml")["claims"]:
        for example in claim["examples"]:
            assert normalised(example) not in asked, example
            assert normalised(example) not in trained, example
