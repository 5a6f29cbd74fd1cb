#!/usr/bin/env bash
# rasa shell for a person at a terminal (make run, make shell): the conversation on the screen,
# and everything else Rasa, TensorFlow and Python's warnings write (to stderr) in the log,
# $SMP_LOG_DIR/shell.log (build/logs by default). Arguments go to rasa shell.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

log_dir="${SMP_LOG_DIR:-build/logs}"
mkdir -p "$log_dir"
log="$log_dir/shell.log"
if ! rasa shell "$@" 2>>"$log"; then
    echo "rasa shell stopped with an error. The end of $log:" >&2
    tail -n 20 "$log" >&2
    exit 1
fi
