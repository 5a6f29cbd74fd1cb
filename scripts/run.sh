#!/usr/bin/env bash
# The assistant on this machine, set up and trained first if needed.
#   run.sh        (make run)   the action server, Rasa with the web chat, the web page, rasa shell
#   run.sh shell  (make shell) the action server and rasa shell only: HR's terminal chat
# Further arguments go to rasa shell. Every server's log is in build/logs/.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

mode=all
if [[ "${1:-}" == shell ]]; then
    mode=shell
    shift
fi
# SMP_PROFILE=production: no REST webhook (credentials.production.yml); conversations in
# PostgreSQL and locks in Redis (endpoints.production.yml: its variables in docs/production.md);
# and no rasa shell, whose own REST webhook would write into the production database.
credentials=credentials.yml
endpoints=endpoints.yml
if [[ "${SMP_PROFILE:-}" == production ]]; then
    if [[ $mode == shell ]]; then
        echo "The production profile has no terminal chat: use make run." >&2
        exit 1
    fi
    credentials=credentials.production.yml
    endpoints=endpoints.production.yml
    export SMP_ACTION_URL="${SMP_ACTION_URL:-http://127.0.0.1:5055/webhook}"
fi

bash scripts/setup.sh
bash scripts/train.sh
mkdir -p build/logs
pids=()
trap 'kill "${pids[@]}" 2>/dev/null' EXIT

# The action server listens on loopback only (rasa-sdk reads SANIC_HOST; its default is 0.0.0.0).
start_actions() {
    SANIC_HOST=127.0.0.1 rasa run actions --actions actions --port 5055 \
        > build/logs/actions.log 2>&1 &
    pids+=($!)
}

# Rasa with the socket.io channel on port 5005, answering the page's origin (--cors), and the
# page on port 8080 (scripts/serve_web.py). Rasa gets the request size limit and timeouts of
# config/server.env. Its HTTP API is on only with SMP_API_TOKEN as its token.
start_web_chat() {
    local api=()
    if [[ -n "${SMP_API_TOKEN:-}" ]]; then
        api=(--enable-api --auth-token "$SMP_API_TOKEN")
    fi
    (
        set -a
        source config/server.env
        exec rasa run --model models/smp.tar.gz --endpoints "$endpoints" \
            --credentials "$credentials" "${api[@]}" \
            --interface 127.0.0.1 --port 5005 --cors http://localhost:8080 http://127.0.0.1:8080
    ) > build/logs/rasa.log 2>&1 &
    pids+=($!)
    python -m scripts.serve_web --port 8080 > build/logs/web.log 2>&1 &
    pids+=($!)
    echo "Web chat on http://localhost:8080 once Rasa is up (logs in build/logs)."
}

start_actions
if [[ $mode == all ]]; then
    start_web_chat
fi
if [[ "${SMP_PROFILE:-}" == production ]]; then
    echo "Production profile: no terminal chat. Ctrl-C stops the servers."
    wait
    exit
fi
echo "Terminal chat below; type /stop to end it and stop the servers."
bash scripts/shell.sh --model models/smp.tar.gz --endpoints "$endpoints" \
    --interface 127.0.0.1 --port 5006 "$@"
