"""Cross-validation of the question-form classifier (addons/question_form.py) on its labelled
questions (data/policy/question_forms.yml).

    python -m scripts.question_forms [--folds 5]

Prints accuracy over all folds, F1 per form and the confusions, each fold trained on the
other folds only.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from collections.abc import Callable
from typing import Protocol

from sklearn.metrics import classification_report
from sklearn.model_selection import StratifiedKFold

from addons.question_form import FormModel, labelled_questions

SEED = 20261130


class Predictor(Protocol):
    def predict(self, texts: list[str]) -> list[tuple[str, float]]: ...


def scored_out_of_fold(
    texts: list[str],
    labels: list[str],
    fit: Callable[[list[str], list[str]], Predictor],
    folds: int = 5,
) -> list[tuple[str, float]]:
    """The label of each text and its probability, as predicted by a model `fit` on the
    other folds only."""
    scored = [("", 0.0)] * len(texts)
    splitter = StratifiedKFold(n_splits=folds, shuffle=True, random_state=SEED)
    for train, test in splitter.split(texts, labels):
        fitted = fit([texts[i] for i in train], [labels[i] for i in train])
        for i, prediction in zip(test, fitted.predict([texts[i] for i in test]), strict=True):
            scored[i] = prediction
    return scored


def predicted_out_of_fold(
    texts: list[str], labels: list[str], model: type[FormModel] = FormModel, folds: int = 5
) -> list[str]:
    """The label of each text as predicted by a `model` fitted on the other folds only."""
    return [label for label, _ in scored_out_of_fold(texts, labels, model.fit, folds)]


def cross_validated(folds: int = 5) -> tuple[list[str], list[str], list[str]]:
    """(texts, true forms, forms predicted by a model that never saw the text)."""
    texts, forms = labelled_questions()
    return texts, forms, predicted_out_of_fold(texts, forms, FormModel, folds)


def accuracy(forms: list[str], predicted: list[str]) -> float:
    return sum(a == b for a, b in zip(forms, predicted, strict=True)) / len(forms)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    texts, forms, predicted = cross_validated(args.folds)
    print(f"{len(texts)} questions, {args.folds} folds: accuracy {accuracy(forms, predicted):.1%}")
    print(classification_report(forms, predicted, digits=3, zero_division=0))
    confusions = Counter((a, b) for a, b in zip(forms, predicted, strict=True) if a != b)
    for (expected, given), count in confusions.most_common():
        print(f"  {expected:<12} taken for {given:<12} {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
