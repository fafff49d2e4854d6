#!/usr/bin/env bash
# Builds the library, e2b-local and the benchmark in release mode and runs it
# against a fresh e2b-local. Arguments go to the benchmark: [MiB] [commands] [runs].
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
cargo build --release -p e2b -p e2b-local
mkdir -p target/bench
cc -std=c99 -O2 -Wall -Wextra -Iinclude tests/bench/bench.c target/release/libe2b.a \
  -lpthread -ldl -lm -lrt -lgcc_s -o target/bench/bench
scripts/with-e2b-local.sh --bin target/release/e2b-local target/bench/bench "$@"
