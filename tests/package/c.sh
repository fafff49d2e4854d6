#!/usr/bin/env bash
# Tests the C/C++ release archive as a user meets it: unpacks
# target/dist/libe2b-<version>-<target>.tar.gz (made by scripts/package.sh)
# into a temporary folder outside the checkout, checks its layout, then builds
# program.c and program.cpp against it with nothing from the checkout:
#   - with pkg-config: e2b (the shared library, found at run time through an
#     rpath, without LD_LIBRARY_PATH) and e2b-static (libe2b.a);
#   - with a fresh CMake project (find_package(e2b) through
#     CMAKE_PREFIX_PATH): e2b::e2b and e2b::e2b_static;
# and runs each program against an e2b-local started from the archive's own
# bin/e2b-local.
#
#   tests/package/c.sh [ARCHIVE]
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
here="$root/tests/package"
version=$(sed -n 's/^#define E2B_VERSION "\(.*\)"$/\1/p' "$root/include/e2b.h")
abi=$(sed -n 's/^#define E2B_ABI_VERSION \([0-9]*\)$/\1/p' "$root/include/e2b.h")
name="libe2b-$version-$(rustc -vV | sed -n 's/^host: //p')"
archive=$(realpath "${1:-$root/target/dist/$name.tar.gz}")
[ -f "$archive" ] || { echo "no archive $archive (run scripts/package.sh)" >&2; exit 2; }

fail() { echo "FAIL: $*" >&2; exit 1; }
# `... | contains REGEX`: reads all its input first (a `grep -q` that stops
# early would fail the pipeline under pipefail).
contains() { local text; text=$(cat); grep -Eq -- "$1" <<<"$text"; }
step() { printf -- '--- %s\n' "$*"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$work/" in "$root"/*) fail "the temporary folder $work is inside the checkout" ;; esac
# Nothing the environment points at may stand in for the archive.
unset LD_LIBRARY_PATH LIBRARY_PATH CPATH C_INCLUDE_PATH CPLUS_INCLUDE_PATH PKG_CONFIG_PATH CMAKE_PREFIX_PATH

step "unpack $(basename "$archive") into $work"
tar -xzf "$archive" -C "$work"
prefix="$work/$name"
[ "$(ls "$work")" = "$name" ] || fail "the archive does not hold one folder $name: $(ls "$work")"
for file in include/e2b.h include/e2b.hpp lib/libe2b.a "lib/libe2b.so.$version" \
  lib/pkgconfig/e2b.pc lib/pkgconfig/e2b-static.pc lib/cmake/e2b/e2bConfig.cmake \
  lib/cmake/e2b/e2bConfigVersion.cmake bin/e2b-local README.md LICENSE; do
  [ -f "$prefix/$file" ] || fail "the archive lacks $file"
done
[ "$(readlink "$prefix/lib/libe2b.so.$abi")" = "libe2b.so.$version" ] || fail "libe2b.so.$abi is not a link to libe2b.so.$version"
[ "$(readlink "$prefix/lib/libe2b.so")" = "libe2b.so.$abi" ] || fail "libe2b.so is not a link to libe2b.so.$abi"
readelf -d "$prefix/lib/libe2b.so.$version" | contains "SONAME.*\[libe2b.so.$abi\]" || fail "the soname is not libe2b.so.$abi"
cmp -s "$prefix/include/e2b.h" "$root/include/e2b.h" || fail "include/e2b.h differs from the checkout's"
if readelf -S "$prefix/lib/libe2b.so.$version" | contains '\.debug_'; then fail "libe2b.so keeps debugging information"; fi
if readelf -S "$prefix/lib/libe2b.a" | contains '\.(debug_|llvmbc)'; then fail "libe2b.a keeps debugging information or bitcode"; fi
# The pkg-config files and the CMake package find the prefix where they are.
if grep -rl "$root" "$prefix/lib/pkgconfig" "$prefix/lib/cmake" "$prefix/include"; then
  fail "these files name the folder the archive was made in"
fi

mkdir "$work/src"
cp "$here/program.c" "$here/program.cpp" "$here/CMakeLists.txt" "$work/src/"
cd "$work"

# A program linked with the shared library: it needs libe2b.so.<abi> and the
# loader finds it in the archive's lib/ through the program's RUNPATH.
check_shared() {
  readelf -d "$1" | contains "NEEDED.*\[libe2b.so.$abi\]" || fail "$1 does not need libe2b.so.$abi"
  readelf -d "$1" | contains '(RUNPATH|RPATH)' || fail "$1 has no rpath"
  local found
  found=$(ldd "$1" | sed -n "s/^[[:space:]]*libe2b.so.$abi => \([^ ]*\) .*/\1/p")
  [ -n "$found" ] && [ "$(realpath "$found")" = "$prefix/lib/libe2b.so.$version" ] ||
    fail "$1 finds libe2b.so.$abi at '${found:-nowhere}', not in $prefix/lib"
}
# A program linked with the static library: the library is inside it.
check_static() {
  if readelf -d "$1" | contains 'NEEDED.*libe2b'; then fail "$1 needs a shared libe2b"; fi
  nm "$1" | contains ' T e2b_client_create_sandbox$' || fail "$1 does not hold libe2b"
}

step "pkg-config"
export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
[ "$(pkg-config --modversion e2b)" = "$version" ] || fail "pkg-config says e2b is $(pkg-config --modversion e2b)"
pkg-config --static --libs e2b | contains '-lgcc_s' || fail "pkg-config --static --libs e2b lacks Libs.private"
libdir=$(pkg-config --variable=libdir e2b)
# shellcheck disable=SC2046  # pkg-config's output is a list of flags
{
  cc -std=c99 -Wall -Wextra -Werror src/program.c $(pkg-config --cflags --libs e2b) -Wl,-rpath,"$libdir" -o c-pkgconfig-shared
  cc -std=c99 -Wall -Wextra -Werror src/program.c $(pkg-config --cflags --libs e2b-static) -o c-pkgconfig-static
  c++ -std=c++17 -Wall -Wextra -Werror src/program.cpp $(pkg-config --cflags --libs e2b) -Wl,-rpath,"$libdir" -o cpp-pkgconfig-shared
  c++ -std=c++17 -Wall -Wextra -Werror src/program.cpp $(pkg-config --cflags --libs e2b-static) -o cpp-pkgconfig-static
}
unset PKG_CONFIG_PATH

step "CMake: find_package(e2b)"
cmake -S src -B cmake -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >cmake.log ||
  { cat cmake.log; fail "cmake could not configure the project"; }
cmake --build cmake --parallel "$(nproc)" >>cmake.log 2>&1 || { cat cmake.log; fail "cmake could not build the project"; }
for kind in shared static; do
  cp "cmake/c_$kind" "c-cmake-$kind"
  cp "cmake/cpp_$kind" "cpp-cmake-$kind"
done

step "run each program against the archive's e2b-local"
for program in {c,cpp}-{pkgconfig,cmake}-{shared,static}; do
  case "$program" in
    *-shared) check_shared "$program" ;;
    *-static) check_static "$program" ;;
  esac
  "$root/scripts/with-e2b-local.sh" --bin "$prefix/bin/e2b-local" "./$program" "$program"
done
echo "the C/C++ archive works: 8 programs built and run in ${SECONDS}s"
