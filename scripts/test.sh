#!/usr/bin/env bash
# Runs every test: the Rust client and e2b-local (unit and integration tests
# over real HTTP), the C tests under sanitizers, the official Python SDKs
# against e2b-local, the code-interpreter kernel, the examples, and the Go,
# Python and C++ bindings.
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
RUSTDOCFLAGS="-D warnings" cargo doc --workspace --no-deps --quiet
cargo test --workspace

step "Rust: the crates as crates.io would get them"
cargo publish --dry-run --quiet --allow-dirty -p e2b-protocol -p e2b
tests/package/rust.sh

step "C: header checks and tests under AddressSanitizer and UBSan"
tests/c/run.sh

step "the official Python SDKs against e2b-local"
E2B_LOCAL_BIN="$root/target/debug/e2b-local" target/venv/bin/python -m pytest -q tests/conformance

step "the code-interpreter kernel"
target/venv/bin/python -m pytest -q e2b-local/kernel

step "the quickstarts in C and Rust, and the Rust examples (snapshots, network rules)"
scripts/install.sh target/prefix
env -u E2B_API_KEY scripts/quickstart.sh
scripts/with-e2b-local.sh target/debug/examples/quickstart
scripts/with-e2b-local.sh target/debug/examples/snapshots
# The network example against an HTTP server of its own on this machine's address (sandboxes never
# reach the host's loopback): reached by a name it allows, blocked by its address.
address=$(hostname -I | awk '{print $1}')
port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("", 0)); print(s.getsockname()[1])')
python3 -m http.server "$port" --bind 0.0.0.0 --directory "$(mktemp -d)" >/dev/null 2>&1 &
http_server=$!
for _ in $(seq 50); do python3 -c "import socket; socket.create_connection(('$address', $port), 1)" 2>/dev/null && break; sleep 0.1; done
network_output=$(scripts/with-e2b-local.sh target/debug/examples/network "http://allowed.test:$port/" \
  "http://$address:$port/" "allowed.test:$address")
kill "$http_server"
echo "$network_output"
first=$(grep -A2 '^sandbox ' <<<"$network_output")  # before the rules are replaced
grep -q "allowed.test:$port/: reached" <<<"$first"
grep -q "$address:$port/: blocked" <<<"$first"

step "the C/C++ release archive, installed outside the checkout"
scripts/package.sh
tests/package/c.sh

step "the Go module, fetched with go get outside the checkout"
tests/package/go.sh

step "the Python wheel and sdist, installed outside the checkout"
tests/package/python.sh

step "the Python binding"
bindings/python/test.sh

step "the Go binding"
bindings/go/test.sh

step "the C++ binding"
bindings/cpp/test.sh

printf '\nall tests passed\n'
