#!/usr/bin/env bash
# Checks that the header compiles as C99 and C++17 with every warning an
# error, then builds the C tests against the real library and runs each
# twice against a fresh e2b-local: with AddressSanitizer and
# UndefinedBehaviorSanitizer (leak checking on), and under valgrind.
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
