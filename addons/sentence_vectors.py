"""MiniLM sentence vectors for texts that do not go through Rasa's pipeline (the situation
classifier's example messages, when it learns them): the L2-normalised mean of
all-MiniLM-L6-v2's token embeddings, [CLS] and [SEP] included, as the pipeline's featurizer
gives them (addons/minilm_featurizer.py)."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

MINILM_WEIGHTS = Path(__file__).resolve().parent.parent / "build" / "all-MiniLM-L6-v2"
BATCH = 64


@cache
def _model() -> tuple[Any, Any]:
    from transformers import BertTokenizerFast, TFBertModel

    return BertTokenizerFast.from_pretrained(MINILM_WEIGHTS), TFBertModel.from_pretrained(
        MINILM_WEIGHTS
    )


def sentence_vectors(texts: list[str]) -> np.ndarray:
    """One unit-length vector per text (rows as `texts`)."""
    tokenizer, model = _model()
    rows = []
    for start in range(0, len(texts), BATCH):
        batch = tokenizer(texts[start : start + BATCH], padding=True, return_tensors="tf")
        tokens = model(batch["input_ids"], attention_mask=batch["attention_mask"])[0].numpy()
        mask = batch["attention_mask"].numpy()[..., np.newaxis]
        means = (tokens * mask).sum(axis=1) / mask.sum(axis=1)
        rows.append(means / np.maximum(np.linalg.norm(means, axis=1, keepdims=True), 1e-12))
    return np.vstack(rows) if rows else np.zeros((0, 0))
