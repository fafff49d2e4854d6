#!/usr/bin/env bash
# Runs a command against a fresh e2b-local: starts the server on a free port
# with a temporary data directory, exports E2B_API_URL, E2B_SANDBOX_URL and
# E2B_API_KEY, runs the command, then stops the server. Exits with the
# command's status.
#
#   scripts/with-e2b-local.sh [--bin PATH] [--templates DIR] COMMAND [ARGS...]
#
# --templates DIR: each folder in DIR becomes a template of that name (its
# tree is what a sandbox made from it starts with).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
bin="$root/target/debug/e2b-local"
templates=
while :; do
  case "${1:-}" in
    --bin) bin=$2; shift 2 ;;
    --templates) templates=$2; shift 2 ;;
    *) break ;;
  esac
done
[ -x "$bin" ] || { echo "e2b-local not built: $bin (run: cargo build -p e2b-local)" >&2; exit 2; }

data=$(mktemp -d)
if [ -n "$templates" ]; then
  mkdir -p "$data/server/templates"
  cp -a "$templates/." "$data/server/templates/"
fi
exports="$data/exports"
"$bin" --port 0 --data-dir "$data/server" >"$exports" 2>"$data/server.log" &
server=$!
cleanup() {
  kill "$server" 2>/dev/null || true
  wait "$server" 2>/dev/null || true
  rm -rf "$data"
}
trap cleanup EXIT

for _ in $(seq 1 200); do
  [ "$(grep -c '^export ' "$exports" 2>/dev/null)" -ge 3 ] && break
  kill -0 "$server" 2>/dev/null || { cat "$data/server.log" >&2; exit 2; }
  sleep 0.05
done
[ "$(grep -c '^export ' "$exports")" -ge 3 ] || { echo "e2b-local did not start" >&2; cat "$data/server.log" >&2; exit 2; }
# shellcheck disable=SC1090
source "$exports"

status=0
"$@" || status=$?
if [ "$status" -ne 0 ] && [ -n "${E2B_LOCAL_SHOW_LOG:-}" ]; then
  cat "$data/server.log" >&2
fi
exit "$status"
