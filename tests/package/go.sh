#!/usr/bin/env bash
# Tests the Go module as a user meets it: in a fresh module in a temporary
# folder outside the checkout, `go get`s the binding at v<version> from the
# module proxy folder target/dist/goproxy (made by scripts/package.sh) into an
# empty module cache, with no network (GOPROXY=file://, no checksum database),
# checks what it got, builds program.go with the race detector and the
# module's static library, and runs it against e2b-local.
#
#   tests/package/go.sh [PROXY_DIR]
#
# E2B_LOCAL_BIN names the e2b-local to run (default target/release/e2b-local,
# which scripts/package.sh builds, else target/debug/e2b-local).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/package"
version=$(sed -n 's/^#define E2B_VERSION "\(.*\)"$/\1/p' "$root/include/e2b.h")
module=$(sed -n 's/^module[[:space:]]*//p' "$root/bindings/go/go.mod")
proxy=$(realpath "${1:-$root/target/dist/goproxy}")
[ -f "$proxy/$module/@v/v$version.zip" ] || { echo "no module v$version in $proxy (run scripts/package.sh)" >&2; exit 2; }
server=${E2B_LOCAL_BIN:-$root/target/release/e2b-local}
[ -x "$server" ] || server=$root/target/debug/e2b-local

fail() { echo "FAIL: $*" >&2; exit 1; }
# `... | contains REGEX`: reads all its input first (a `grep -q` that stops
# early would fail the pipeline under pipefail).
contains() { local text; text=$(cat); grep -Eq -- "$1" <<<"$text"; }
step() { printf -- '--- %s\n' "$*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$work/" in "$root"/*) fail "the temporary folder $work is inside the checkout" ;; esac

# Only the proxy folder serves modules, into an empty module cache; no
# checksum database (go.sum gets the module's hash from the download), no
# toolchain download, no go env file, nothing that points at the checkout.
unset GOPATH GOWORK GOPRIVATE GONOPROXY GONOSUMDB GOINSECURE GOEXPERIMENT \
  LD_LIBRARY_PATH LIBRARY_PATH CPATH C_INCLUDE_PATH PKG_CONFIG_PATH CGO_CFLAGS CGO_LDFLAGS
export GOENV=off GOTOOLCHAIN=local GOPROXY="file://$proxy" GOSUMDB=off GOFLAGS="-mod=mod -modcacherw" \
  GOMODCACHE="$work/gomodcache" CGO_ENABLED=1
# The build cache stays: it is keyed by the contents of what is built.
export GOCACHE=${GOCACHE:-$(go env GOCACHE)}

step "go get $module@v$version from $proxy"
mkdir "$work/app"
cd "$work/app"
go mod init example.com/e2bapp >/dev/null 2>&1
cp "$here/program.go" main.go
go get "$module@v$version"
go mod tidy
go mod verify | contains '^all modules verified$' || fail "go mod verify"
grep -q "^$module v$version h1:" go.sum || fail "go.sum lacks the module's hash"
go list -m all | contains "^$module v$version\$" || fail "the build does not use $module v$version: $(go list -m all)"
dir=$(go list -m -f '{{.Dir}}' "$module")
case "$dir" in "$GOMODCACHE"/*) ;; *) fail "the module is at $dir, not in the module cache" ;; esac

step "the module's own header and static library"
goos=$(go env GOOS) goarch=$(go env GOARCH)
lib="$dir/lib/${goos}_$goarch/libe2b.a"
[ -f "$dir/include/e2b.h" ] || fail "the module lacks include/e2b.h"
cmp -s "$dir/include/e2b.h" "$root/include/e2b.h" || fail "the module's include/e2b.h differs from the checkout's"
[ -f "$lib" ] || fail "the module lacks lib/${goos}_$goarch/libe2b.a"
[ -f "$dir/LICENSE" ] || fail "the module lacks LICENSE"
if readelf -S "$lib" | contains '\.(debug_|llvmbc)'; then fail "the module's libe2b.a keeps debugging information or bitcode"; fi
# The link files also name the checkout's include/ and target/release/ two
# folders above the package: in the module cache they must not exist.
for other in include target; do
  [ ! -e "$dir/../../$other" ] || fail "$dir/../../$other exists: the build could take the library from there"
done
if find "$dir" -type l | contains .; then fail "the module holds symbolic links"; fi

step "build program.go with -race"
go vet .
go build -race -o program .
if readelf -d program | contains 'NEEDED.*libe2b'; then fail "the program needs a shared libe2b"; fi
nm program | contains ' T e2b_client_create_sandbox$' || fail "the program does not hold libe2b"
# The program was linked with the module's library: the linker's trace names it.
go build -race -o /dev/null -ldflags=-extldflags=-Wl,--trace . 2>&1 | contains "^$lib\$|\($lib\)" ||
  fail "the program was not linked with $lib"

step "run it against $(basename "$server")"
"$root/scripts/with-e2b-local.sh" --bin "$server" ./program
echo "the Go module works: fetched, built with -race and run in ${SECONDS}s"
