#!/usr/bin/env bash
# Tests the Python binding: builds the library (release) and e2b-local if they
# are not up to date, makes a virtual environment in target/python-venv,
# installs the package, pytest and mypy (pinned) into it, checks the types
# with mypy --strict, and runs bindings/python/tests against a fresh
# e2b-local (scripts/with-e2b-local.sh) with the library at target/release
# (under CARGO_TARGET_DIR when that is set), then runs the quickstart example.
#
#   bindings/python/test.sh [PYTEST ARGS...]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

target=${CARGO_TARGET_DIR:-$root/target}
cargo build --quiet --release -p libe2b
cargo build --quiet -p e2b-local
export LIBE2B_PATH="$target/release/libe2b.so"

venv=target/python-venv
[ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
pip() { "$venv/bin/python" -m pip --quiet --disable-pip-version-check "$@"; }
pip install pytest==9.2.0 mypy==2.4.1
pip install --force-reinstall --no-deps ./bindings/python

"$venv/bin/python" -m mypy --strict --no-incremental bindings/python/src/libe2b bindings/python/generate.py \
  bindings/python/tests examples/python
scripts/with-e2b-local.sh --bin "$target/debug/e2b-local" "$venv/bin/python" -m pytest -q bindings/python/tests "$@"
scripts/with-e2b-local.sh --bin "$target/debug/e2b-local" "$venv/bin/python" examples/python/quickstart.py
