#!/usr/bin/env bash
# Builds libe2b and the C quickstart, then runs it: against E2B when
# E2B_API_KEY is set, else against a local e2b-local started (and stopped)
# for the occasion.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

cargo build --release -p e2b -p e2b-local
mkdir -p target/examples
cc -std=c99 -Wall -Wextra -O2 -Iinclude examples/c/quickstart.c target/release/libe2b.a \
  -lpthread -ldl -lm -lrt -lgcc_s -o target/examples/quickstart

if [ -n "${E2B_API_KEY:-}" ]; then
  echo "== running the quickstart against ${E2B_DOMAIN:-e2b.app}"
  target/examples/quickstart
else
  echo "== E2B_API_KEY is not set: running the quickstart against e2b-local"
  scripts/with-e2b-local.sh --bin target/release/e2b-local target/examples/quickstart
fi
