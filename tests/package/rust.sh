#!/usr/bin/env bash
# Tests the Rust crates as a user meets them: packs e2b-protocol and e2b with
# `cargo package` (what crates.io would get), unpacks them into a temporary
# folder outside the checkout, makes a fresh cargo project there that depends
# on e2b, and builds and runs a small program against e2b-local. The crates
# are not on a registry here, so the project names the unpacked folders, and
# patches e2b's registry dependency on e2b-protocol to its unpacked folder.
# Offline: dependencies come from CARGO_HOME's cache, at the versions of the
# checkout's Cargo.lock; the checkout's target/ is the build folder, so the
# dependencies the checkout already built are not built again.
#
#   tests/package/rust.sh
#
# E2B_LOCAL_BIN names the e2b-local to run (default target/debug/e2b-local).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$root/Cargo.toml" | head -1)
server=${E2B_LOCAL_BIN:-$root/target/debug/e2b-local}

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf -- '--- %s\n' "$*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$work/" in "$root"/*) fail "the temporary folder $work is inside the checkout" ;; esac

step "cargo package -p e2b-protocol -p e2b"
(cd "$root" && cargo package --quiet --allow-dirty --no-verify -p e2b-protocol -p e2b)
for crate in e2b-protocol e2b; do
  tar -xzf "$root/target/package/$crate-$version.crate" -C "$work"
done
# The package holds what a Rust user needs, and nothing of the bindings, tests or scripts.
for unwanted in bindings tests scripts e2b-local; do
  [ ! -e "$work/e2b-$version/$unwanted" ] || fail "the e2b package holds $unwanted/"
done

step "a fresh cargo project that depends on e2b"
mkdir -p "$work/app/src"
cat >"$work/app/Cargo.toml" <<EOF
[package]
name = "e2b-package-check"
version = "0.1.0"
edition = "2021"

[dependencies]
e2b = { path = "../e2b-$version" }

[patch.crates-io]
e2b-protocol = { path = "../e2b-protocol-$version" }
EOF
cat >"$work/app/src/main.rs" <<'EOF'
use std::process::ExitCode;

fn main() -> ExitCode {
    let client = e2b::Client::from_env();
    let run = || -> e2b::Result<()> {
        let sandbox = client.create_sandbox(&e2b::SandboxOptions::default())?;
        sandbox.files().write("/home/user/from-cargo.txt", "made by a fresh cargo project")?;
        let result = sandbox.commands().run("cat from-cargo.txt", &Default::default(), None)?;
        println!("read back: {}", String::from_utf8_lossy(&result.stdout));
        sandbox.kill()?;
        match client.get_info(sandbox.id()) {
            Err(err) if err.kind() == e2b::ErrorKind::SandboxNotFound => Ok(()),
            other => panic!("a killed sandbox's info: {other:?}"),
        }
    };
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("{err}");
            ExitCode::FAILURE
        }
    }
}
EOF
# The checkout's versions of every dependency, which CARGO_HOME holds.
cp "$root/Cargo.lock" "$work/app/Cargo.lock"

step "it builds no C library and no header"
if (cd "$work/app" && cargo tree --quiet --offline --edges all --prefix none) | grep -E '^(cbindgen|libe2b) '; then
  fail "a program that depends on e2b builds the C library or cbindgen"
fi
! grep -q crate-type "$work/e2b-$version/Cargo.toml" || fail "the e2b package builds more than an rlib"

step "build it offline, and run it against e2b-local"
(cd "$work/app" && CARGO_TARGET_DIR="$root/target" cargo build --quiet --offline)
out=$("$root/scripts/with-e2b-local.sh" --bin "$server" "$root/target/debug/e2b-package-check")
echo "$out"
[ "$out" = "read back: made by a fresh cargo project" ] || fail "the program printed: $out"
echo "ok   the e2b crate builds and runs from its package in a fresh cargo project"
