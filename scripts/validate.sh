#!/usr/bin/env bash
# rasa data validate, failing on any warning: in Rasa 3.6 --fail-on-warnings can still exit 0.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

output=$(rasa data validate --domain domain.yml --data data --fail-on-warnings 2>&1) || {
    echo "$output"; exit 1; }
if grep -E "UserWarning|MissingArgumentsWarning|ERROR" <<<"$output"; then
    echo "rasa data validate reported the problems above"; exit 1
fi
echo "rasa data validate: clean"
