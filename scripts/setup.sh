#!/usr/bin/env bash
# Creates .venv and installs aiinfra with every extra the tests need, at the exact versions of
# constraints.txt (the versions CI tested; `make lock` refreshes them). Idempotent.
# Called by `make install` / `make test`; nothing is installed outside .venv, except Debian's
# chromium for the browser tests when run as root.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
PIP_PIN="$(grep -E '^pip==' constraints.txt || true)"
.venv/bin/python -m pip install --quiet "${PIP_PIN:-pip}"
.venv/bin/python -m pip install --quiet -c constraints.txt -e ".[dev]"

# Debian's chromium for the browser tests (tests marked `browser`; they skip when it is absent).
if ! command -v chromium >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "installing Debian's chromium for the browser tests"
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium >/dev/null
  else
    echo "note: chromium is not installed (needs root and apt-get); browser tests will be skipped"
  fi
fi
