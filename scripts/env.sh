# Shared environment for every project command (sourced, not executed).
# No network here except package registries: keep Hugging Face, Rasa telemetry and
# TensorFlow from reaching out or flooding the terminal.
export HF_HUB_OFFLINE=1
export TRANSFORMERS_OFFLINE=1
export RASA_TELEMETRY_ENABLED=false
export TF_CPP_MIN_LOG_LEVEL=2
export SQLALCHEMY_SILENCE_UBER_WARNING=1
export PYTHONHASHSEED=0
export SMP_ROOT="${SMP_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}"
export VENV="$SMP_ROOT/.venv"
export PATH="$VENV/bin:$PATH"
