"""How python -m scripts.answerability chooses its thresholds from held-out scores: the
partly covered messages count as caught when answered in part and as lost when declined,
which only those the classifier puts on a topic within the decline margin would be; declining
a question the policy answers weighs more than catching a near miss."""

import numpy as np

from scripts.answerability import choose

LABELS = np.array(["ask_crisis", "out_of_scope"])
INTENTS = ["ask_crisis"] * 10 + ["out_of_scope"] * 3
# in-scope questions sure of their topic; out-of-scope ones slipping onto it, narrowly
PROBABILITIES = np.array([[0.9, 0.1]] * 10 + [[0.6, 0.4]] * 3)
OFF_TOPIC = np.array([0.1] * 10 + [0.95] * 3)


def test_thresholds_answer_partly_covered_messages_in_part_and_never_decline_them():
    partly = np.array([0.9, 0.92])
    # the partly covered messages sit as narrowly on the topic as the out-of-scope ones
    partly_probabilities = np.array([[0.6, 0.4]] * 2)
    chosen = choose(PROBABILITIES, LABELS, INTENTS, OFF_TOPIC, partly, partly_probabilities)
    report = chosen["cross_validation"]
    assert report["at_partly"] == {
        "out_of_scope_caught": 3,
        "in_scope_lost": 0,
        "partly_covered_caught": 2,
    }
    assert report["at_decline"] == {
        "out_of_scope_caught": 3,
        "in_scope_lost": 0,
        "partly_covered_declined": 0,
    }
    assert 0.92 < chosen["thresholds"]["decline"] <= 0.95


def test_partly_covered_messages_sure_of_their_topic_do_not_hold_the_decline_back():
    partly = np.array([0.97, 0.98])
    # the classifier is sure of their topic: a narrow decline margin leaves them answered
    partly_probabilities = np.array([[0.95, 0.05]] * 2)
    chosen = choose(PROBABILITIES, LABELS, INTENTS, OFF_TOPIC, partly, partly_probabilities)
    assert chosen["thresholds"]["decline"] <= 0.95
    assert chosen["thresholds"]["decline_margin"] <= 0.3
    assert chosen["cross_validation"]["at_decline"]["partly_covered_declined"] == 0


def test_partly_covered_messages_as_narrowly_on_the_topic_keep_the_decline_off():
    partly = np.array([0.97, 0.98, 0.99, 0.99])
    partly_probabilities = np.array([[0.6, 0.4]] * 4)
    chosen = choose(PROBABILITIES, LABELS, INTENTS, OFF_TOPIC, partly, partly_probabilities)
    assert chosen["thresholds"]["decline"] == 1.01


def test_a_declined_in_scope_question_outweighs_more_than_one_near_miss_caught():
    # two near misses caught at the price of one in-scope question declined: not worth it
    probabilities = np.array([[0.9, 0.1]] * 9 + [[0.6, 0.4]] * 3 + [[0.6, 0.4]])
    intents = ["ask_crisis"] * 9 + ["out_of_scope"] * 2 + ["ask_crisis"] * 2
    off_topic = np.array([0.1] * 9 + [0.95] * 2 + [0.2, 0.95])
    chosen = choose(probabilities, LABELS, intents, off_topic, np.array([]), np.zeros((0, 2)))
    assert chosen["thresholds"]["decline"] == 1.01
