"""What the NLU pipeline and the action server agree on is defined once (contracts.py), and the
action server does not load the NLU code to know it."""

import subprocess
import sys

import yaml

from addons.svm_classifier import SvmIntentClassifier
from contracts import (
    CLAUSE_REPORTED_CONFIDENCE,
    CLAUSE_TOPIC_ENTITY,
    INPUT_PROBLEM_ENTITY,
    QUESTION_FORM_ENTITY,
)
from scripts.servers import ROOT

ACTION_MODULES = [path.stem for path in (ROOT / "actions").glob("*.py") if path.stem != "__init__"]


def test_the_action_server_loads_no_nlu_code():
    imports = "; ".join(f"import actions.{name}" for name in ACTION_MODULES)
    loaded = subprocess.run(
        [sys.executable, "-c", f"{imports}; import sys; print(' '.join(sys.modules))"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert not [name for name in loaded if name.split(".")[0] in {"addons", "rasa"}]


def test_the_domain_declares_the_entities_the_pipeline_adds():
    domain = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
    entities = {CLAUSE_TOPIC_ENTITY, QUESTION_FORM_ENTITY, INPUT_PROBLEM_ENTITY}
    assert entities <= set(domain["entities"])


def test_the_classifier_reports_parts_at_the_agreed_confidence():
    config = yaml.safe_load((ROOT / "config.yml").read_text(encoding="utf-8"))
    svm = next(c for c in config["pipeline"] if c["name"].endswith("SvmIntentClassifier"))
    assert "clause_confidence" not in svm
    default = SvmIntentClassifier.get_default_config()["clause_confidence"]
    assert default == CLAUSE_REPORTED_CONFIDENCE
