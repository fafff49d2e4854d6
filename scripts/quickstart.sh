#!/usr/bin/env bash
# Builds libe2b and the C quickstart (examples/c/quickstart.c), then runs it:
# against E2B when E2B_API_KEY is set (from the template E2B_TEMPLATE, else
# code-interpreter-v1), else against an e2b-local started (and stopped) for
# the occasion, from a template of the quickstart's own.
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
  echo "== running the quickstart against ${E2B_DOMAIN:-e2b.app} (template ${E2B_TEMPLATE:-code-interpreter-v1})"
  target/examples/quickstart
else
  # A custom template for e2b-local: a folder whose tree every sandbox made from it starts with.
  templates=target/examples/templates
  mkdir -p "$templates/quickstart/home/user"
  echo "Welcome to a sandbox made from the quickstart's own template." >"$templates/quickstart/home/user/welcome.txt"
  echo "== E2B_API_KEY is not set: running the quickstart against e2b-local"
  scripts/with-e2b-local.sh --bin target/release/e2b-local --templates "$templates" target/examples/quickstart quickstart
fi
