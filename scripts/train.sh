#!/usr/bin/env bash
# Trains models/smp.tar.gz when the data, domain or config changed. Rasa cannot see three
# inputs: the spaCy pipeline (cached by path), the code of our own components (with the
# settings they share with the actions, contracts.py) and the question forms, situations,
# follow-ups and partly covered messages they learn from, so a change to any forces a full
# retrain.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

inputs_fingerprint() {
    cat build/spacy-en-smp/fingerprint.txt addons/*.py contracts.py \
        data/policy/question_forms.yml data/policy/situations.yml data/policy/follow_ups.yml \
        data/policy/off_topic.yml data/policy/claims.yml \
        | sha256sum | cut -c1-16
}

python scripts/build_spacy.py
stamp=models/.inputs-fingerprint
force=()
# Rasa's cache in .rasa/ outlives a deleted model, so a missing stamp forces a retrain too.
if [ "$(cat "$stamp" 2>/dev/null)" != "$(inputs_fingerprint)" ]; then
    force=(--force)
fi
rasa train --domain domain.yml --data data --config config.yml --out models \
    --fixed-model-name smp "${force[@]}"
inputs_fingerprint > "$stamp"
