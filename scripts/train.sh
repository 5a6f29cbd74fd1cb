#!/usr/bin/env bash
# Trains models/smp.tar.gz when the data, domain or config changed. Rasa cannot see two
# inputs: the spaCy pipeline (cached by path) and the code of our own components, so a
# change to either forces a full retrain.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

inputs_fingerprint() {
    cat build/spacy-en-smp/fingerprint.txt addons/*.py | sha256sum | cut -c1-16
}

python scripts/build_spacy.py
stamp=models/.inputs-fingerprint
force=()
if [ -f models/smp.tar.gz ] && [ "$(cat "$stamp" 2>/dev/null)" != "$(inputs_fingerprint)" ]; then
    force=(--force)
fi
rasa train --domain domain.yml --data data --config config.yml --out models \
    --fixed-model-name smp "${force[@]}"
inputs_fingerprint > "$stamp"
