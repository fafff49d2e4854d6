#!/usr/bin/env bash
# Checks that the header compiles as C99 and C++17 with every warning an
# error, and that a program linked with -le2b against target/debug runs (the
# shared library's soname is libe2b.so.<ABI version>). Then builds the C
# tests against the real library and runs each twice against a fresh
# e2b-local: with AddressSanitizer and UndefinedBehaviorSanitizer (leak
# checking on), and under valgrind.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
out="$root/target/c-tests"
mkdir -p "$out"
cd "$root"

flags=(-Wall -Wextra -Werror -pedantic -Iinclude)
printf '#include "e2b.h"\n#include "e2b.h"\nint main(void) { return e2b_abi_version() == E2B_ABI_VERSION ? 0 : 1; }\n' >"$out/header.c"
gcc -std=c99 "${flags[@]}" -c "$out/header.c" -o "$out/header-c99.o"
cp "$out/header.c" "$out/header.cpp"
g++ -std=c++17 "${flags[@]}" -c "$out/header.cpp" -o "$out/header-cpp17.o"
echo "ok   include/e2b.h compiles as C99 and C++17 with -Wall -Wextra -Werror -pedantic"

# The same program linked with -le2b against target/debug, as the README says, must run: the
# soname follows the ABI version and target/debug holds the soname link.
abi=$(sed -n 's/^#define E2B_ABI_VERSION \([0-9]*\)$/\1/p' include/e2b.h)
soname=$(readelf -d target/debug/libe2b.so | sed -n 's/.*(SONAME).*\[\(.*\)\]$/\1/p')
[ "$soname" = "libe2b.so.$abi" ] || { echo "FAIL target/debug/libe2b.so has soname '$soname', not libe2b.so.$abi" >&2; exit 1; }
gcc -std=c99 "${flags[@]}" "$out/header.c" -Ltarget/debug -le2b -Wl,-rpath,"$root/target/debug" -o "$out/header-shared"
"$out/header-shared" || { echo "FAIL a program linked with -le2b against target/debug does not run" >&2; exit 1; }
echo "ok   a program linked with -le2b against target/debug runs (soname $soname)"

# The system libraries a Rust static library needs on Linux.
libs="-lpthread -ldl -lm -lrt -lgcc_s"
sanitize=(-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined)
status=0
for test in tests/c/test_*.c; do
  name=$(basename "$test" .c)
  gcc -std=c99 -g -pthread "${flags[@]}" "${sanitize[@]}" "$test" target/debug/libe2b.a $libs -o "$out/$name"
  echo "== $name (AddressSanitizer, UBSan)"
  ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    scripts/with-e2b-local.sh "$out/$name" || status=1
  # Valgrind sees what the sanitizers' own allocator hides: a plain build, any
  # error or definite leak fails the test.
  gcc -std=c99 -g -pthread "${flags[@]}" "$test" target/debug/libe2b.a $libs -o "$out/$name-plain"
  echo "== $name (valgrind)"
  scripts/with-e2b-local.sh valgrind --quiet --leak-check=full --show-possibly-lost=no --errors-for-leak-kinds=definite \
    --error-exitcode=9 "$out/$name-plain" || status=1
done
exit "$status"
