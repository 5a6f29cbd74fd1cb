#!/usr/bin/env bash
# Cross-validates the NLU pipeline on the training data (rasa test nlu --cross-validation):
# per-intent report, confusion matrix and confidence histogram under reports/nlu/.
# The held-out development set is scored separately (make evaluate, make test).
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

folds="${FOLDS:-3}"
python scripts/build_spacy.py
rm -rf reports/nlu
rasa test nlu --nlu data/nlu --config config.yml --cross-validation --folds "$folds" \
    --out reports/nlu
for figure in intent_confusion_matrix.png intent_histogram.png intent_report.json; do
    [ -s "reports/nlu/$figure" ] || { echo "missing reports/nlu/$figure"; exit 1; }
done
python - <<'PY'
import json
report = json.load(open("reports/nlu/intent_report.json"))
print(f"cross-validation: accuracy {report['accuracy']:.3f}, "
      f"macro F1 {report['macro avg']['f1-score']:.3f}, "
      f"weighted F1 {report['weighted avg']['f1-score']:.3f}")
PY
echo "report, confusion matrix and histogram in reports/nlu/"
