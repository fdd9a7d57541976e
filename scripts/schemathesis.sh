#!/usr/bin/env bash
# Installs Schemathesis (the API fuzzer, PyPI) into the project's tool virtualenv
# (.kinga/tools/venv, the one scripts/temporal-cli.sh uses) at a pinned version, and prints the path
# of its CLI. Nothing is installed when that version is already there.
#   SCHEMATHESIS_PATH=/path/to/schemathesis   use that CLI instead
set -euo pipefail

SCHEMATHESIS_VERSION=4.32.5

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${KINGA_TOOLS_DIR:-$ROOT/.kinga/tools}"
case "$TOOLS" in /*) ;; *) TOOLS="$ROOT/$TOOLS" ;; esac
VENV="$TOOLS/venv"
say() { echo "schemathesis: $*" >&2; }

if [ -n "${SCHEMATHESIS_PATH:-}" ]; then
  "$SCHEMATHESIS_PATH" --version >/dev/null 2>&1 || { say "SCHEMATHESIS_PATH=$SCHEMATHESIS_PATH does not run"; exit 1; }
  echo "$SCHEMATHESIS_PATH"
  exit 0
fi

CLI="$VENV/bin/schemathesis"
if [ -x "$CLI" ] && "$CLI" --version 2>/dev/null | grep -q "version $SCHEMATHESIS_VERSION\$"; then
  echo "$CLI"
  exit 0
fi

command -v python3 >/dev/null 2>&1 || { say "python3 not found (Schemathesis is a Python tool)"; exit 1; }
mkdir -p "$TOOLS"
# The Temporal CLI script may be creating the same virtualenv: one installer at a time.
if command -v flock >/dev/null 2>&1; then
  exec 9>"$TOOLS/.install.lock"
  flock 9
fi
if [ ! -x "$VENV/bin/python" ]; then
  say "creating virtualenv $VENV"
  python3 -m venv "$VENV" >&2 || { rm -rf "$VENV"; say "python3 -m venv failed (on Debian: apt-get install python3-venv)"; exit 1; }
fi
say "pip install schemathesis==$SCHEMATHESIS_VERSION (once)"
"$VENV/bin/python" -m pip install --disable-pip-version-check --no-input --progress-bar off "schemathesis==$SCHEMATHESIS_VERSION" >&2 \
  || { say "pip could not install schemathesis==$SCHEMATHESIS_VERSION (no access to PyPI?)"; exit 1; }
"$CLI" --version >&2
echo "$CLI"
