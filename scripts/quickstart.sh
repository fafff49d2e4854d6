#!/usr/bin/env bash
# Builds libe2b and the C quickstart (examples/c/quickstart.c), then runs it:
# against E2B when E2B_API_KEY is set (from the template E2B_TEMPLATE, else
# a template the quickstart builds with the template builder), else against an
# e2b-local started (and stopped) for the occasion, where it builds the same.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

# One package at a time: built together, cargo unifies their features and rebuilds libe2b.
cargo build --release -p libe2b
cargo build --release -p e2b-local
mkdir -p target/examples
cc -std=c99 -Wall -Wextra -Werror -O2 -Iinclude examples/c/quickstart.c target/release/libe2b.a \
  -lpthread -ldl -lm -lrt -lgcc_s -o target/examples/quickstart

if [ -n "${E2B_API_KEY:-}" ]; then
  echo "== running the quickstart against ${E2B_DOMAIN:-e2b.app} (template ${E2B_TEMPLATE:-quickstart, built})"
  target/examples/quickstart
else
  echo "== E2B_API_KEY is not set: running the quickstart against e2b-local"
  scripts/with-e2b-local.sh --bin target/release/e2b-local target/examples/quickstart
fi
