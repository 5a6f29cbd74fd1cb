"""Cross-validation of the follow-up recogniser (addons/follow_up.py) on its labelled messages
(data/policy/follow_ups.yml, and the training examples that ask a question of their own).

    python -m scripts.follow_ups [--folds 5]

Prints accuracy over all kinds, whether a follow-up is told from a question of its own
(precision and recall of "follows on"), F1 per kind and the follow-ups it got wrong, each
fold trained on the other folds only.
"""

from __future__ import annotations

import argparse
import sys

from sklearn.metrics import classification_report

from addons.follow_up import FollowUpModel, labelled_messages
from contracts import STANDS_ALONE
from scripts.question_forms import accuracy, predicted_out_of_fold


def cross_validated(folds: int = 5) -> tuple[list[str], list[str], list[str]]:
    """(texts, true kinds, kinds predicted by a model that never saw the text)."""
    texts, kinds = labelled_messages()
    return texts, kinds, predicted_out_of_fold(texts, kinds, FollowUpModel, folds)


def follows_on(kinds: list[str], predicted: list[str]) -> tuple[float, float]:
    """Precision and recall of telling a follow-up, of any kind, from a question of its own."""
    pairs = [(k != STANDS_ALONE, p != STANDS_ALONE) for k, p in zip(kinds, predicted, strict=True)]
    found = sum(p for _, p in pairs)
    true = sum(k for k, _ in pairs)
    hits = sum(k and p for k, p in pairs)
    return hits / found if found else 1.0, hits / true if true else 1.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    texts, kinds, predicted = cross_validated(args.folds)
    precision, recall = follows_on(kinds, predicted)
    print(f"{len(texts)} messages, {args.folds} folds: accuracy {accuracy(kinds, predicted):.1%}")
    print(f"follows on: precision {precision:.1%}, recall {recall:.1%}")
    print(classification_report(kinds, predicted, digits=3, zero_division=0))
    for text, kind, given in zip(texts, kinds, predicted, strict=True):
        if kind != given:
            print(f"  {text!r}: {kind}, taken for {given}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
