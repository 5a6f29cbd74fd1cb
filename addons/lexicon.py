"""Word and word-pair TF-IDF features, for the intent classifier to use beside the MiniLM
sentence vector: names such as "mumsnet", "LADO" or "reshare" that a sentence embedding
blurs are exact here. Kept as plain JSON (vocabulary and idf weights) in the model."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np
from scipy.sparse import csr_matrix
from sklearn.feature_extraction.text import TfidfVectorizer

SETTINGS = {"ngram_range": (1, 2), "sublinear_tf": True, "lowercase": True}


@dataclass
class Lexicon:
    vocabulary: dict[str, int]
    idf: list[float]

    @classmethod
    def fit(cls, texts: list[str]) -> Lexicon:
        vectorizer = TfidfVectorizer(**SETTINGS).fit(texts)
        vocabulary = {term: int(index) for term, index in vectorizer.vocabulary_.items()}
        return cls(vocabulary, [float(weight) for weight in vectorizer.idf_])

    @cached_property
    def _vectorizer(self) -> TfidfVectorizer:
        vectorizer = TfidfVectorizer(**SETTINGS, vocabulary=self.vocabulary)
        vectorizer.idf_ = np.array(self.idf)
        return vectorizer

    def transform(self, texts: list[str]) -> csr_matrix:
        return self._vectorizer.transform(texts)

    def as_dict(self) -> dict:
        return {"vocabulary": self.vocabulary, "idf": self.idf}
