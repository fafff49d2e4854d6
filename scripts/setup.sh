#!/usr/bin/env bash
# Installs what the tests and examples need beyond Rust, a C compiler and
# Python: the official SDKs (pinned, in a virtual environment under target/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

venv=target/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/conformance/requirements.txt
