#!/usr/bin/env bash
# Creates .venv and installs aiinfra with every extra the tests need. Idempotent.
# Called by `make install` / `make test`; nothing is installed outside .venv.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e ".[dev]"
