#!/usr/bin/env bash
# Runs Schemathesis (pinned, from PyPI, installed into .tools/schemathesis like the Temporal
# binaries) with the arguments given. The first run installs it; later runs reuse the venv.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=4.32.5
VENV=.tools/schemathesis
if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$VERSION"; then
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check "schemathesis==$VERSION" >&2
fi
exec "$VENV/bin/st" "$@"
