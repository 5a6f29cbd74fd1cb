"""How python -m scripts.answerability chooses its thresholds from held-out scores: the
partly covered messages count as caught when answered in part and as lost when declined."""

import numpy as np

from scripts.answerability import choose


def test_thresholds_answer_partly_covered_messages_in_part_and_never_decline_them():
    labels = np.array(["ask_crisis", "out_of_scope"])
    intents = ["ask_crisis"] * 10 + ["out_of_scope"] * 3
    # in-scope questions sure of their topic; out-of-scope ones slipping onto it, narrowly
    probabilities = np.array([[0.9, 0.1]] * 10 + [[0.6, 0.4]] * 3)
    off_topic = np.array([0.1] * 10 + [0.95] * 3)
    partly = np.array([0.9, 0.92])
    chosen = choose(probabilities, labels, intents, off_topic, partly)
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
