#!/usr/bin/env bash
# Sets up, trains if needed, starts the action server and opens a chat in the terminal.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

bash scripts/setup.sh
bash scripts/train.sh
mkdir -p build/logs
rasa run actions --actions actions --port 5055 > build/logs/actions.log 2>&1 &
actions_pid=$!
trap 'kill $actions_pid 2>/dev/null' EXIT
echo "Action server started (log: build/logs/actions.log). Type /stop to end the chat."
rasa shell --model models/smp.tar.gz --endpoints endpoints.yml --credentials credentials.yml "$@"
