#!/usr/bin/env bash
# The side-by-side benchmark (README.md here): builds libe2b and e2b-local in
# release mode and the contenders (C through the C ABI, the libcurl floor, the
# Go binding; the Python binding runs from the checkout; the official SDK,
# pinned, is installed into target/bench/venv), then runs them all in rotated
# rounds against one fresh e2b-local and prints a Markdown table of medians.
#
#   tests/bench/run.sh [--quick] [--rounds N] [--gib | --no-gib] [--only floor,c,python,go,sdk]
#
# --quick (CI, under 2 minutes): 2 short rounds, no 1 GiB transfers.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"
out=target/bench
mkdir -p "$out"

# libcurl's headers, for the floor.
if ! echo '#include <curl/curl.h>' | cc -E - >/dev/null 2>&1; then
  sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
  $sudo apt-get install -y --no-install-recommends libcurl4-openssl-dev ||
    { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends libcurl4-openssl-dev; }
fi
[ -x "$out/venv/bin/python" ] || python3 -m venv "$out/venv"
"$out/venv/bin/python" -m pip install --quiet --disable-pip-version-check \
  -r <(grep -E '^e2b(-code-interpreter)?==' tests/conformance/requirements.txt)

cargo build --quiet --release -p libe2b -p e2b-local
flags=(-std=c99 -O2 -Wall -Wextra -Werror -Iinclude)
cc "${flags[@]}" -fPIC -shared tests/bench/connects.c -ldl -o "$out/connects.so"
cc "${flags[@]}" tests/bench/harness.c tests/bench/bench_e2b.c target/release/libe2b.a \
  -lpthread -ldl -lm -lrt -lgcc_s -o "$out/bench-e2b"
cc "${flags[@]}" tests/bench/harness.c tests/bench/bench_curl.c -lcurl -lpthread -o "$out/bench-curl"
if command -v go >/dev/null; then
  (cd tests/bench/go && go build -o "$root/$out/bench-go" .)
else
  echo "go not found: the Go binding is left out" >&2
  rm -f "$out/bench-go"
fi

scripts/with-e2b-local.sh --bin target/release/e2b-local python3 tests/bench/bench.py "$@"
