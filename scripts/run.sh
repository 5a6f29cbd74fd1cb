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
# The web chat: Rasa with the socket.io channel on port 5005, answering the page's origin
# (--cors), and the page on port 8080 (scripts/serve_web.py).
rasa run --model models/smp.tar.gz --endpoints endpoints.yml --credentials credentials.yml \
    --interface 127.0.0.1 --port 5005 --cors http://localhost:8080 http://127.0.0.1:8080 \
    > build/logs/rasa.log 2>&1 &
rasa_pid=$!
python -m scripts.serve_web --port 8080 > build/logs/web.log 2>&1 &
web_pid=$!
trap 'kill $actions_pid $rasa_pid $web_pid 2>/dev/null' EXIT
echo "Web chat on http://localhost:8080 once Rasa is up (logs in build/logs)."
echo "Terminal chat below; type /stop to end both."
rasa shell --model models/smp.tar.gz --endpoints endpoints.yml --port 5006 "$@"
