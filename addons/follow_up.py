"""What a message is relative to the conversation: a question of its own, or a follow-up that
states a new case of the previous question ("what about LinkedIn?", "no, my personal
account"), points back at its object ("can I share it on Twitter?") or asks a facet of its
rule ("who decides?", "how quickly?", "could I get sacked for it?"). A follow-up is known by
what it lacks (a topic of its own) and what it has (a pronoun, a facet word, an opening such
as "and", "what if", "even"), which word n-grams, the words it starts and ends with, its
length and in-word character n-grams (for typos) carry.

A logistic regression (addons/question_form.py's model with these features) learnt from
data/policy/follow_ups.yml and, as questions of their own, every topic, conversation and
out-of-scope example of data/nlu/; kept in the model as plain JSON. It adds a `follow_up`
entity with its confidence to every message; the actions use it with the conversation's
state (actions/policy_answer.py, actions/follow_ups.py).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import ClassVar

import yaml
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.training_data.training_data import TrainingData

from addons.question_form import FormModel
from addons.whole_message import WholeMessageLabeller
from contracts import FOLLOW_UP_ENTITY, STANDS_ALONE

FOLLOW_UPS_FILE = Path("data/policy/follow_ups.yml")
# every example of these files asks a question of its own (or none: greetings, thanks)
STANDS_ALONE_FILES = tuple(
    Path("data/nlu") / name for name in ("policy.yml", "scenarios.yml", "conversation.yml")
)
MODEL_FILE = "follow_up.json"
WORD = re.compile(r"[a-z0-9@']+")
CHARACTER_NGRAMS = (3, 4)
# length buckets: follow-ups are short, questions of their own mostly longer
LENGTHS = (1, 3, 6, 10, 16)


def length_bucket(words: int) -> str:
    return f"<len{next((n for n in LENGTHS if words <= n), 'more')}>"


def follow_up_features(text: str) -> list[str]:
    """Word n-grams up to three, the first one to three words and the last word, the
    length, and character n-grams of each word padded with spaces."""
    words = WORD.findall(text.lower())
    features = [" ".join(words[i : i + n]) for n in (1, 2, 3) for i in range(len(words) - n + 1)]
    features += [f"^{' '.join(words[:n])}" for n in range(1, min(len(words), 3) + 1)]
    features += [f"{words[-1]}$"] if words else []
    features.append(length_bucket(len(words)))
    for word in words:
        padded = f" {word} "
        features += [
            f"#{padded[i : i + n]}" for n in CHARACTER_NGRAMS for i in range(len(padded) - n + 1)
        ]
    return features


class FollowUpModel(FormModel):
    # a few hundred follow-ups against a few thousand questions of their own
    class_weight: ClassVar[str | None] = "balanced"

    @staticmethod
    def features(text: str) -> list[str]:
        return follow_up_features(text)


def training_examples(path: str) -> list[str]:
    blocks = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["nlu"]
    return [
        line.strip()[2:]
        for block in blocks
        if "intent" in block
        for line in block["examples"].splitlines()
        if line.strip().startswith("- ")
    ]


def labelled_messages(
    path: Path = FOLLOW_UPS_FILE, stands_alone_files: tuple[Path, ...] = STANDS_ALONE_FILES
) -> tuple[list[str], list[str]]:
    """(texts, kinds): the file's examples by kind, and the training examples of
    `stands_alone_files` as questions of their own."""
    kinds = yaml.safe_load(path.read_text(encoding="utf-8"))["kinds"]
    pairs = {text: kind for kind, texts in kinds.items() for text in texts}
    for source in stands_alone_files:
        for text in training_examples(str(source)):
            pairs.setdefault(text, STANDS_ALONE)
    return list(pairs), list(pairs.values())


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR, is_trainable=True)
class FollowUpClassifier(WholeMessageLabeller):
    entity = FOLLOW_UP_ENTITY
    model_file = MODEL_FILE

    @staticmethod
    def fit_model(training_data: TrainingData) -> FormModel:
        return FollowUpModel.fit(*labelled_messages())

    @staticmethod
    def model_from(fields: dict) -> FollowUpModel:
        return FollowUpModel(**fields)

    def labels(self, text: str) -> list[tuple[str, float]]:
        return self.model.predict([text])
