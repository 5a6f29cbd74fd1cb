"""Building the project's NLU components in-process, as Rasa's graph does, on a few messages
(in the manner of RasaHQ/rasa-nlu-examples' tests)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.constants import INTENT, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from scripts.servers import ROOT

MINILM_WEIGHTS = ROOT / "build" / "all-MiniLM-L6-v2"
CONTEXT = ExecutionContext(GraphSchema({}), "component-tests")


def create(component: type, storage_dir: Path, name: str, **config: Any) -> Any:
    """A component as Rasa's graph creates it before training, with its default settings."""
    return component.create(
        {**component.get_default_config(), **config},
        LocalModelStorage(storage_dir),
        Resource(name),
        CONTEXT,
    )


def load(component: type, storage_dir: Path, name: str, **config: Any) -> Any:
    """A component as Rasa's graph loads it from a trained model."""
    return component.load(
        {**component.get_default_config(), **config},
        LocalModelStorage(storage_dir),
        Resource(name),
        CONTEXT,
    )


def tokenized(texts: list[str], tmp_path: Path) -> list[Message]:
    messages = [Message(data={TEXT: text}) for text in texts]
    return create(WhitespaceTokenizer, tmp_path, "tokenizer").process(messages)


def training_data(examples: dict[str, list[str]], tmp_path: Path) -> TrainingData:
    messages = [
        Message(data={TEXT: text, INTENT: intent})
        for intent, texts in examples.items()
        for text in texts
    ]
    data = TrainingData(training_examples=messages)
    create(WhitespaceTokenizer, tmp_path, "tokenizer").process_training_data(data)
    return data
