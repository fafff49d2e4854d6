#!/usr/bin/env bash
# Runs every test: Rust unit and integration tests, the C tests under
# sanitizers, and the official Python SDK against e2b-local.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

step() { printf '\n=== %s\n' "$*"; }

step "setup"
scripts/setup.sh

step "Rust: build, format, clippy, unit and integration tests"
cargo build --workspace --all-targets
cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
cargo test --workspace

step "C: header checks and tests under AddressSanitizer and UBSan"
tests/c/run.sh

step "the official Python SDK against e2b-local"
E2B_LOCAL_BIN="$root/target/debug/e2b-local" target/venv/bin/python -m pytest -q tests/conformance

printf '\nall tests passed\n'
