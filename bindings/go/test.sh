#!/usr/bin/env bash
# Tests the Go binding: go vet on the package and the example, then the tests
# under the race detector, normally and with GOGC=1 (so finalizer bugs show),
# each against a fresh e2b-local, then the quickstart. Expects libe2b at
# target/release (cargo build --release -p libe2b) and e2b-local at target/debug;
# uses no module outside the standard library.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
[ -f "$root/target/release/libe2b.a" ] || { echo "libe2b not built: run cargo build --release -p libe2b" >&2; exit 2; }
local_server="$root/scripts/with-e2b-local.sh"

cd "$root/bindings/go"
go vet ./...
(cd "$root/examples/go" && go vet ./...)
"$local_server" go test -race -count=1 ./...
GOGC=1 "$local_server" go test -race -count=1 ./...
(cd "$root/examples/go" && "$local_server" go run ./quickstart)
