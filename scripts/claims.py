"""Cross-validation of the claim matcher (addons/claims.py) on the claims' example questions
(data/policy/claims.yml) and the NLU training examples that are no claim's, and the choice of
the confidence a claim is used at.

    python -m scripts.claims [--folds 5] [--write]

Prints, per confidence, how many of the claims' examples get a claim used, how many of those
get one with the right verdict and the right claim, the recall, and how many of the topics'
ordinary questions get one, each fold trained on the other folds only. The confidence chosen
is the lowest from which the verdicts stay at TARGET_PRECISION or more (a wrong claim is worse
than the topic's own opening); --write puts it in data/policy/claims.yml.
"""

from __future__ import annotations

import argparse
import re
import sys
from dataclasses import dataclass

import numpy as np
from rasa.shared.nlu.constants import TEXT
from rasa.shared.nlu.training_data.loading import load_data

from addons.claims import (
    CLAIMS_FILE,
    NO_CLAIM,
    ClaimModel,
    claim_examples,
    claim_topics,
    claim_verdicts,
    intent_topics,
    negative_label,
    negative_messages,
)
from addons.sentence_vectors import sentence_vectors
from scripts.question_forms import scored_out_of_fold

NLU_DATA = "data/nlu"
CONFIDENCES = tuple(round(0.3 + 0.05 * i, 2) for i in range(14))
# of the verdicts given by the claims used (the topic's own openings give about 75% on
# unseen questions: tests/probe_set_2.yml)
TARGET_PRECISION = 0.86
# of the verdicts given by claims that replace an answer opening with the policy's condition
# ("Only if ..."): that answer covers every case, a claim's flat verdict only the case its
# examples state, so a wrong one costs more (at 0.45, most of the verdicts the development sets
# lost were conditions replaced)
TARGET_OVER_CONDITION = 0.9
CONFIDENCE_LINE = re.compile(r"^confidence: .*$", re.MULTILINE)
OVER_CONDITION_LINE = re.compile(r"^confidence_over_condition: .*$", re.MULTILINE)


def labelled() -> tuple[list[str], list[str]]:
    """(every claim example and NLU example that is none, the claim of each or NO_CLAIM)."""
    texts, labels = claim_examples()
    negatives = negative_messages(load_data(NLU_DATA), texts)
    topics = intent_topics()
    texts += [message.get(TEXT) for message in negatives]
    return texts, labels + [negative_label(message, topics) for message in negatives]


@dataclass(frozen=True)
class KnownVectors:
    """A fitted model predicting texts whose sentence vectors were computed beforehand."""

    model: ClaimModel
    vectors: np.ndarray
    row: dict[str, int]

    def predict(self, texts: list[str]) -> list[tuple[str, float]]:
        return self.model.predict(texts, self.vectors[[self.row[text] for text in texts]])


def cross_validated(folds: int = 5) -> tuple[list[str], list[str], list[tuple[str, float]]]:
    """(texts, their claims, the best claim of each and its probability by a model that
    never saw the text). The sentence vectors are computed once for all folds."""
    texts, labels = labelled()
    vectors = sentence_vectors(texts)
    row = {text: i for i, text in enumerate(texts)}

    def fit(train_texts: list[str], train_labels: list[str]) -> KnownVectors:
        rows = [row[text] for text in train_texts]
        model = ClaimModel.fit(train_texts, train_labels, claim_topics(), vectors[rows])
        return KnownVectors(model, vectors, row)

    return texts, labels, scored_out_of_fold(texts, labels, fit, folds)


@dataclass(frozen=True)
class Score:
    """At one confidence: of the claims' examples, how many get a claim used, the right one,
    one with the right verdict, out of how many; and how many messages written as no
    claim's (the topic's ordinary questions, which often restate a claim) get one."""

    confidence: float
    found: int
    right: int
    verdict_right: int
    asked: int
    unasked_found: int

    @property
    def precision(self) -> float:
        return self.right / self.found if self.found else 1.0

    @property
    def verdict_precision(self) -> float:
        return self.verdict_right / self.found if self.found else 1.0

    @property
    def recall(self) -> float:
        return self.right / self.asked if self.asked else 1.0


def used(label: str, claim: str, probability: float, confidence: float) -> bool:
    """Whether the answer would use the claim matched: sure enough, and (for a message
    asking no claim) on the topic of the message's intent, as the actions require."""
    if probability < confidence:
        return False
    return not label.startswith(NO_CLAIM) or label[len(NO_CLAIM) :] == claim_topics()[claim]


def score(labels: list[str], scored: list[tuple[str, float]], confidence: float) -> Score:
    """How the matcher does when a claim is used at `confidence` or more."""
    pairs = [
        (label, claim)
        for label, (claim, p) in zip(labels, scored, strict=True)
        if used(label, claim, p, confidence)
    ]
    found = [(label, claim) for label, claim in pairs if not label.startswith(NO_CLAIM)]
    verdicts = claim_verdicts()
    return Score(
        confidence=confidence,
        found=len(found),
        right=sum(label == claim for label, claim in found),
        verdict_right=sum(verdicts[label] == verdicts[claim] for label, claim in found),
        asked=sum(not label.startswith(NO_CLAIM) for label in labels),
        unasked_found=len(pairs) - len(found),
    )


def chosen(scores: list[Score], target: float = TARGET_PRECISION) -> Score:
    """The lowest confidence from which the verdicts stay at the `target` precision at every
    higher confidence (the most claims used without a dip), or the most precise one where
    none does."""
    steady = []
    for s in reversed(scores):
        if s.verdict_precision < target:
            break
        steady.append(s)
    return steady[-1] if steady else max(scores, key=lambda s: s.verdict_precision)


def figures(best: Score, folds: int, messages: int) -> str:
    return (
        f"{best.confidence}  # {folds} folds, {messages} messages: verdict right "
        f"{best.verdict_precision:.1%}, claim right {best.precision:.1%}, recall {best.recall:.1%}"
    )


def write_confidences(best: Score, over_condition: Score, folds: int, messages: int) -> None:
    """Puts the chosen confidences, with the figures they were chosen by, in
    data/policy/claims.yml."""
    text = CLAIMS_FILE.read_text(encoding="utf-8")
    text = CONFIDENCE_LINE.sub(f"confidence: {figures(best, folds, messages)}", text, count=1)
    text = OVER_CONDITION_LINE.sub(
        f"confidence_over_condition: {figures(over_condition, folds, messages)}", text, count=1
    )
    CLAIMS_FILE.write_text(text, encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--write", action="store_true", help="write the chosen confidence")
    args = parser.parse_args()
    texts, labels, scored = cross_validated(args.folds)
    asked = sum(not label.startswith(NO_CLAIM) for label in labels)
    print(f"{len(texts)} messages ({asked} asking a claim), {args.folds} folds")
    scores = [score(labels, scored, confidence) for confidence in CONFIDENCES]
    for s in scores:
        print(
            f"  confidence {s.confidence:.2f}: {s.found:4} claims used, verdict right "
            f"{s.verdict_precision:6.1%}, claim right {s.precision:6.1%}, recall "
            f"{s.recall:6.1%}; used on {s.unasked_found} ordinary questions of their topic"
        )
    best = chosen(scores)
    over_condition = chosen(scores, TARGET_OVER_CONDITION)
    print(f"chosen: {best.confidence} (target precision {TARGET_PRECISION:.0%})")
    print(
        f"chosen to replace a condition: {over_condition.confidence} "
        f"(target precision {TARGET_OVER_CONDITION:.0%})"
    )
    for text, label, (claim, p) in zip(texts, labels, scored, strict=True):
        if used(label, claim, p, best.confidence) and claim != label:
            print(f"  {text!r}: {label}, matched {claim} ({p:.2f})")
    if args.write:
        write_confidences(best, over_condition, args.folds, len(texts))
    return 0


if __name__ == "__main__":
    sys.exit(main())
