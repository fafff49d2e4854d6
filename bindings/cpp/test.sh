#!/usr/bin/env bash
# Tests the C++ binding: installs libe2b into target/prefix, builds the tests
# (twice: as C++17 against libe2b.so, and as C++20 under AddressSanitizer and
# UBSan against libe2b.a) and the quickstart in target/cpp, and runs them all,
# with the check that e2b.hpp's generated block is current, with ctest against
# a fresh e2b-local.
#
# Needs Rust, cmake, g++ and GoogleTest (Debian: googletest or libgtest-dev).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

scripts/install.sh target/prefix
cargo build -p e2b-local
cmake -S bindings/cpp -B target/cpp -DCMAKE_BUILD_TYPE=Debug -DCMAKE_PREFIX_PATH="$root/target/prefix"
cmake --build target/cpp --parallel "$(nproc)"
scripts/with-e2b-local.sh ctest --test-dir target/cpp --output-on-failure --parallel "$(nproc)"
