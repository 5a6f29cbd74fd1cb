"""Cross-validation of the situation classifier (addons/situations.py) on its example
messages (data/policy/situations.yml).

    python -m scripts.situations [--folds 5]

Prints precision and recall per situation and over all (micro-averaged), at the confidence
the rules require, each fold trained on the other folds only, and the messages it got wrong.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import astuple, dataclass

from sklearn.model_selection import KFold

from addons.sentence_vectors import sentence_vectors
from addons.situations import Example, SituationModel, labelled_messages, situation_names
from contracts import SITUATION_CONFIDENCE

SEED = 20261130


def cross_validated(folds: int = 5) -> tuple[list[Example], list[set[str]]]:
    """(the examples, the situations found in each by a model that never saw it)."""
    examples, names = labelled_messages(), situation_names()
    vectors = sentence_vectors([example.text for example in examples])
    found: list[set[str]] = [set() for _ in examples]
    for train, test in KFold(n_splits=folds, shuffle=True, random_state=SEED).split(examples):
        model = SituationModel.fit([examples[i] for i in train], names, vectors[train])
        for i in test:
            found[i] = {name for name, _ in model.stated(examples[i].text, vectors[i])}
    return examples, found


@dataclass(frozen=True)
class Score:
    true_positives: int
    false_positives: int
    false_negatives: int

    @property
    def precision(self) -> float:
        found = self.true_positives + self.false_positives
        return self.true_positives / found if found else 1.0

    @property
    def recall(self) -> float:
        stated = self.true_positives + self.false_negatives
        return self.true_positives / stated if stated else 1.0


def score(examples: list[Example], found: list[set[str]], situation: str) -> Score:
    """Precision and recall for one situation, over the examples that teach it."""
    pairs = [
        (situation in example.states, situation in given)
        for example, given in zip(examples, found, strict=True)
        if example.teaches(situation)
    ]
    return Score(
        true_positives=sum(stated and given for stated, given in pairs),
        false_positives=sum(given and not stated for stated, given in pairs),
        false_negatives=sum(stated and not given for stated, given in pairs),
    )


def overall(examples: list[Example], found: list[set[str]]) -> Score:
    """Precision and recall over every situation (micro-averaged)."""
    scores = [score(examples, found, name) for name in situation_names()]
    return Score(*(sum(values) for values in zip(*map(astuple, scores), strict=True)))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    examples, found = cross_validated(args.folds)
    total = overall(examples, found)
    print(
        f"{len(examples)} messages, {args.folds} folds, confidence {SITUATION_CONFIDENCE}: "
        f"precision {total.precision:.1%}, recall {total.recall:.1%}"
    )
    for name in situation_names():
        result = score(examples, found, name)
        print(f"  {name:<46} precision {result.precision:6.1%}  recall {result.recall:6.1%}")
    for example, given in zip(examples, found, strict=True):
        wrong = {name for name in example.states ^ given if example.teaches(name)}
        if wrong:
            print(f"  {example.text!r}: states {sorted(example.states)}, found {sorted(given)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
