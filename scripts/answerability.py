"""Chooses the answerability thresholds (actions/answerability.py) by cross-validation on the
training examples, never on the development set, and writes data/policy/answerability.yml.

    python -m scripts.answerability [--folds 5]

The training examples are featurised once by the model's own pipeline (spaCy, MiniLM), then
each fold trains the intent classifier's SVM (with the word features fitted on that fold)
and the off-topic detector (addons/off_topic.py, with the partly covered messages of
data/policy/off_topic.yml outside the fold), and scores the held-out examples. Of the
held-out questions the classifier puts on a topic:
- `partly`: the off_topic probability at which the held-out partly covered messages and
  out-of-scope questions it would answer only in part most outnumber the in-scope questions
  it would do that to; off (1.01) when it never catches more than it costs;
- `decline` (with `decline_margin`, the topic's lead over out_of_scope): the off_topic
  probability at which the held-out out-of-scope questions it would decline most outnumber
  the in-scope and partly covered ones it would decline, each of those weighing
  DECLINE_COST (the partly covered messages are
  ranked by each fold's classifier too, so only those it puts on a topic within the margin
  count);
- `partly_margin`: of the held-out questions ranked out_of_scope first, the widest lead
  over a topic second at which at most PARTLY_COST of the out-of-scope ones would get that
  topic's answer in part.
It prints how many each catches and costs. The held-out scores are kept in
build/answerability.npz, so that `--again` chooses again without retraining.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import yaml
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy.sparse import csr_matrix, hstack
from sklearn.model_selection import StratifiedKFold
from sklearn.svm import SVC

from actions.knowledge import knowledge_base
from addons.lexicon import Lexicon
from addons.off_topic import fit_off_topic, off_topic_probability, partly_covered
from contracts import OUT_OF_SCOPE_INTENT

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "data" / "policy" / "answerability.yml"
RANKINGS = ROOT / "build" / "answerability.npz"
SEED = 20261128
# the share of the held-out out-of-scope questions ranked first out_of_scope that may get a
# topic's answer in part
PARTLY_COST = 0.02
# declining a question the policy answers loses the whole answer, while a near miss not
# declined still says the policy covers only part and sends the rest to Human Resources: a
# declined in-scope or partly covered question weighs as much as this many near misses caught
DECLINE_COST = 3
# a threshold no probability reaches: the answerability check is off
OFF = 1.01
MARGINS = (0.05, 0.1, 0.2, 0.3, 1.0)


def featurised_examples(partly: list[str]) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Texts, intents and MiniLM sentence vectors of the training examples with an intent,
    and the sentence vectors of the partly covered messages."""
    from rasa.shared.nlu.constants import TEXT
    from rasa.shared.nlu.training_data.message import Message

    featurise = sentence_featuriser()
    data = featurise(load_data(str(ROOT / "data" / "nlu")))
    examples = data.intent_examples
    vectors = np.vstack([e.get_dense_features(TEXT)[1].features[0] for e in examples])
    extra = featurise(TrainingData([Message(data={TEXT: text}) for text in partly]))
    partly_vectors = np.vstack(
        [e.get_dense_features(TEXT)[1].features[0] for e in extra.training_examples]
    )
    texts, intents = [e.get(TEXT) for e in examples], [e.get("intent") for e in examples]
    return texts, intents, vectors, partly_vectors


def sentence_featuriser() -> Callable[[TrainingData], TrainingData]:
    """The model's own spaCy, tokenizer and MiniLM steps, applied to training data in place."""
    from rasa.nlu.tokenizers.spacy_tokenizer import SpacyTokenizer
    from rasa.nlu.utils.spacy_utils import SpacyNLP

    from addons.minilm_featurizer import MeanPooledLanguageModelFeaturizer

    spacy_nlp = SpacyNLP.create(
        {**SpacyNLP.get_default_config(), "model": "build/spacy-en-smp"}, None, None, None
    )
    tokenizer = SpacyTokenizer.create(SpacyTokenizer.get_default_config(), None, None, None)
    featurizer = MeanPooledLanguageModelFeaturizer(
        {
            **MeanPooledLanguageModelFeaturizer.get_default_config(),
            "model_name": "bert",
            "model_weights": "build/all-MiniLM-L6-v2",
        },
        SimpleNamespace(node_name="minilm"),
    )

    def featurise(data: TrainingData) -> TrainingData:
        spacy_nlp.process_training_data(data, spacy_nlp.provide())
        tokenizer.process_training_data(data)
        featurizer.process_training_data(data)
        return data

    return featurise


def held_out_rankings(
    examples: tuple[list[str], list[str], np.ndarray],
    partly: tuple[list[str], np.ndarray],
    folds: int,
    c: float,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Out-of-fold probabilities (examples x intents), the intents' order, and the
    probabilities of the partly covered messages (texts and vectors), each scored by the
    fold that holds it out of the off-topic detector (no fold trains on them)."""
    texts, intents, vectors = examples
    partly_texts, partly_vectors = partly
    labels = np.array(sorted(set(intents)))
    y = np.searchsorted(labels, intents)
    probabilities = np.zeros((len(texts), len(labels)))
    partly_probabilities = np.zeros((len(partly_texts), len(labels)))
    partly_fold = np.arange(len(partly_texts)) % folds
    for number, (train, test) in enumerate(fold_splits(intents, folds)):
        lexicon = Lexicon.fit([texts[i] for i in train])

        def features(
            rows: np.ndarray, lexicon: Lexicon = lexicon, of: tuple = (texts, vectors)
        ) -> csr_matrix:
            words = lexicon.transform([of[0][i] for i in rows])
            return hstack([csr_matrix(of[1][rows]), words]).tocsr()

        svm = SVC(
            C=c, kernel="linear", probability=True, class_weight="balanced", random_state=SEED
        )
        svm.fit(features(train), y[train])
        probabilities[np.ix_(test, svm.classes_)] = svm.predict_proba(features(test))
        held = np.flatnonzero(partly_fold == number)
        partly_features = features(held, of=(partly_texts, partly_vectors))
        partly_probabilities[np.ix_(held, svm.classes_)] = svm.predict_proba(partly_features)
        print(f"fold {number + 1} of {folds} done")
    return probabilities, labels, partly_probabilities


def fold_splits(intents: list[str], folds: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """The folds, stratified by intent: the same for the SVM and the off-topic detector."""
    y = np.unique(intents, return_inverse=True)[1]
    splitter = StratifiedKFold(folds, shuffle=True, random_state=SEED)
    return list(splitter.split(np.zeros(len(y)), y))


def held_out_off_topic(
    texts: list[str], intents: list[str], partly: list[str], folds: int
) -> tuple[np.ndarray, np.ndarray]:
    """Out-of-fold off_topic probabilities of the training examples and of the partly
    covered messages (each held out of one fold's detector, in turn)."""
    examples = np.zeros(len(texts))
    partly_scores = np.zeros(len(partly))
    partly_fold = np.arange(len(partly)) % folds
    for number, (train, test) in enumerate(fold_splits(intents, folds)):
        model = fit_off_topic(
            [texts[i] for i in train],
            [intents[i] for i in train],
            [text for text, fold in zip(partly, partly_fold, strict=True) if fold != number],
        )
        examples[test] = [off_topic_probability(model, texts[i]) for i in test]
        held = np.flatnonzero(partly_fold == number)
        partly_scores[held] = [off_topic_probability(model, partly[i]) for i in held]
    return examples, partly_scores


def best_threshold(
    caught: np.ndarray,
    lost: np.ndarray,
    scores: np.ndarray,
    extra: np.ndarray | None = None,
    cost: int = 1,
) -> float:
    """The lowest threshold on `scores` at which the questions it catches outnumber the
    ones it costs (each weighing `cost`) by the most; OFF when none does. `extra` scores more
    questions, caught when positive and lost when negative (+1 / -cost each)."""
    chosen, best = OFF, 0
    more = np.zeros((0, 2)) if extra is None else extra
    for threshold in np.round(np.arange(0.05, 1.0, 0.01), 2):
        reached = scores >= threshold
        net = int(np.sum(caught & reached)) - cost * int(np.sum(lost & reached))
        extra_reached = more[more[:, 0] >= threshold, 1]
        net += int(np.sum(extra_reached[extra_reached > 0]))
        net -= cost * int(np.sum(extra_reached < 0))
        if net > best:
            chosen, best = round(float(threshold), 2), net
    return chosen


def widest_margin(
    probabilities: np.ndarray, labels: np.ndarray, intents: list[str], off: int, topics: list
) -> tuple[float, int]:
    """The widest lead of out_of_scope over a topic second at which at most PARTLY_COST of
    the held-out out-of-scope questions ranked first out_of_scope get an answer in part, and
    how many in-scope questions so ranked it then answers in part."""
    order = np.argsort(-probabilities, axis=1)
    first, second = order[:, 0], order[:, 1]
    rows = np.arange(len(first))
    lead = probabilities[rows, first] - probabilities[rows, second]
    ranked_off = (first == off) & np.isin(second, topics)
    truly_off = np.array([name == OUT_OF_SCOPE_INTENT for name in intents])
    on_a_topic = np.isin(np.searchsorted(labels, intents), topics)
    off_total = max(int(np.sum((first == off) & truly_off)), 1)
    chosen = 0.0
    for margin in np.arange(0.01, 1.0, 0.01):
        if np.sum(ranked_off & truly_off & (lead < margin)) / off_total > PARTLY_COST:
            break
        chosen = round(float(margin), 2)
    recovered = int(np.sum(ranked_off & on_a_topic & (lead < chosen)))
    return chosen, recovered


def choose(
    probabilities: np.ndarray,
    labels: np.ndarray,
    intents: list[str],
    off_score: np.ndarray,
    partly_scores: np.ndarray,
    partly_probabilities: np.ndarray,
) -> dict:
    topic_intents = {topic.intent for topic in knowledge_base().topics}
    topics = [i for i, name in enumerate(labels) if name in topic_intents]
    off = int(np.searchsorted(labels, OUT_OF_SCOPE_INTENT))
    lead, on_topic = topic_lead(probabilities, topics, off)
    in_scope = on_topic & np.array([name in topic_intents for name in intents])
    slipped = on_topic & np.array([name == OUT_OF_SCOPE_INTENT for name in intents])
    partly_lead, partly_on_topic = topic_lead(partly_probabilities, topics, off)

    partly_caught = np.column_stack([partly_scores, np.ones(len(partly_scores))])
    partly = best_threshold(slipped, in_scope, off_score, partly_caught)
    decline, margin, net = OFF, 0.0, 0
    for candidate_margin in MARGINS:
        near = lead < candidate_margin
        partly_near = partly_on_topic & (partly_lead < candidate_margin)
        partly_lost = np.column_stack([partly_scores[partly_near], -np.ones(partly_near.sum())])
        threshold = best_threshold(
            slipped & near, in_scope & near, off_score, partly_lost, DECLINE_COST
        )
        reached = near & (off_score >= threshold)
        lost = int(np.sum(in_scope & reached))
        lost += int(np.sum(partly_near & (partly_scores >= threshold)))
        gain = int(np.sum(slipped & reached)) - DECLINE_COST * lost
        if gain > net:
            decline, margin, net = threshold, candidate_margin, gain
    partly_margin, recovered = widest_margin(probabilities, labels, intents, off, topics)
    declined = (lead < margin) & (off_score >= decline)
    partly_declined = partly_on_topic & (partly_lead < margin) & (partly_scores >= decline)
    report = {
        "in_scope_on_topic": int(in_scope.sum()),
        "out_of_scope_on_topic": int(slipped.sum()),
        "partly_covered_messages": len(partly_scores),
        "at_partly": {
            **counts(slipped, in_scope, off_score >= partly),
            "partly_covered_caught": int(np.sum(partly_scores >= partly)),
        },
        "at_decline": {
            **counts(slipped, in_scope, declined),
            "partly_covered_declined": int(partly_declined.sum()),
        },
        "in_scope_ranked_out_of_scope_answered_in_part": recovered,
    }
    chosen = {"partly": partly, "partly_margin": partly_margin}
    return {
        "thresholds": {**chosen, "decline": decline, "decline_margin": margin},
        "cross_validation": report,
    }


def topic_lead(
    probabilities: np.ndarray, topics: list[int], off: int
) -> tuple[np.ndarray, np.ndarray]:
    """Each message's lead of its first intent over out_of_scope, and whether that intent is
    a policy topic (the only messages actions/answerability.py's coverage() judges)."""
    best = probabilities.argmax(axis=1)
    lead = probabilities[np.arange(len(best)), best] - probabilities[:, off]
    return lead, np.isin(best, topics)


def counts(slipped: np.ndarray, in_scope: np.ndarray, reached: np.ndarray) -> dict[str, int]:
    return {
        "out_of_scope_caught": int(np.sum(slipped & reached)),
        "in_scope_lost": int(np.sum(in_scope & reached)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--c", type=float, default=2.0, help="the SVM's C, as trained")
    parser.add_argument("--again", action="store_true", help="use the kept held-out rankings")
    args = parser.parse_args()
    if args.again:
        kept = np.load(RANKINGS)
        probabilities, labels, intents = (
            kept["probabilities"],
            kept["labels"],
            list(kept["intents"]),
        )
        off_score, partly_scores = kept["off_topic"], kept["partly_off_topic"]
        partly_probabilities = kept["partly_probabilities"]
    else:
        partly = [item["text"] for item in partly_covered()]
        texts, intents, vectors, partly_vectors = featurised_examples(partly)
        off_score, partly_scores = held_out_off_topic(texts, intents, partly, args.folds)
        probabilities, labels, partly_probabilities = held_out_rankings(
            (texts, intents, vectors), (partly, partly_vectors), args.folds, args.c
        )
        RANKINGS.parent.mkdir(exist_ok=True)
        np.savez(
            RANKINGS,
            probabilities=probabilities,
            labels=labels,
            intents=np.array(intents),
            off_topic=off_score,
            partly_off_topic=partly_scores,
            partly_probabilities=partly_probabilities,
        )
    chosen = choose(probabilities, labels, intents, off_score, partly_scores, partly_probabilities)
    print(yaml.safe_dump(chosen, sort_keys=False))
    header = (
        f"# Written by python -m scripts.answerability ({args.folds} folds, C={args.c}) from the\n"
        "# held-out scores of the training examples and data/policy/off_topic.yml. A threshold\n"
        "# of 1.01 is off: at every value it would have cost as many questions as it caught.\n"
    )
    OUTPUT.write_text(header + yaml.safe_dump(chosen, sort_keys=False), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
