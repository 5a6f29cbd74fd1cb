#!/usr/bin/env bash
# Every test, in Sara's order: lint and types, the NLU components in-process, action tests,
# data validation, train, test stories,
# then the tests that start the real servers (conversation and the accuracy gates).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

bash scripts/setup.sh

echo "== lint"
ruff check actions addons channels contracts.py scripts tests
ruff format --check actions addons channels contracts.py scripts tests
mypy

echo "== NLU components in-process (addons/, before training)"
pytest -m components

echo "== action and data tests (no servers)"
pytest -m "not servers and not components"

echo "== rasa data validate"
bash scripts/validate.sh

echo "== train"
bash scripts/train.sh

echo "== test stories"
rasa test core --model models/smp.tar.gz --stories tests/test_stories.yml \
    --fail-on-prediction-errors --out results/stories

echo "== servers: conversation and evaluation gates"
pytest -m servers
