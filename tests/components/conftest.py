import os
from pathlib import Path

import pytest

from tests.components.helpers import MINILM_WEIGHTS, create, training_data


def pytest_collection_modifyitems(items):
    """Every test here trains or runs a component in-process: `make test` runs them (the
    `components` marker) before training the model."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.components)


EXAMPLES = {
    "ask_crest_logo_personal": [
        "can i use the city crest on my linkedin",
        "may i put the corporation logo on my facebook profile",
        "is it ok to have the crest in my twitter banner",
        "can the city logo go on my personal instagram",
        "am i allowed to use the coat of arms on my own page",
    ],
    "ask_contact_with_pupils": [
        "a pupil sent me a friend request",
        "can i follow a student on tiktok",
        "should i accept a follow from a pupil at my school",
        "can i message a pupil on whatsapp",
        "a student wants to connect with me on snapchat",
    ],
    "ask_monitoring": [
        "does the city monitor my social media",
        "will my employer check my personal accounts",
        "are my posts watched by the corporation",
        "can they look at my internet use at work",
        "is my facebook monitored by my employer",
    ],
}


@pytest.fixture(scope="session")
def featurizer(tmp_path_factory):
    """The MiniLM featurizer on the weights the set-up links into build/ (loaded once)."""
    if not MINILM_WEIGHTS.exists():
        pytest.fail(f"no MiniLM weights at {MINILM_WEIGHTS}: run make setup")
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    from addons.minilm_featurizer import MeanPooledLanguageModelFeaturizer  # loads TensorFlow

    return create(
        MeanPooledLanguageModelFeaturizer,
        tmp_path_factory.mktemp("featurizer"),
        "featurizer",
        model_name="bert",
        model_weights=str(MINILM_WEIGHTS),
    )


@pytest.fixture(scope="session")
def featurized_examples(featurizer, tmp_path_factory):
    data = training_data(EXAMPLES, tmp_path_factory.mktemp("tokenizer"))
    featurizer.process_training_data(data)
    return data
