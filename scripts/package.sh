#!/usr/bin/env bash
# Builds what a release publishes for C and C++ users into target/dist/:
#
#   libe2b-<version>-<target>.tar.gz, one folder of that name holding
#     include/  e2b.h, e2b.hpp
#     lib/      libe2b.a, libe2b.so.<version> and its links libe2b.so.<abi>
#               and libe2b.so, pkgconfig/e2b.pc and e2b-static.pc,
#               cmake/e2b/ (find_package(e2b): e2b::e2b, e2b::e2b_static)
#     bin/      e2b-local, the offline server, to run programs against
#     README.md, LICENSE
#
#   scripts/package.sh
#
# The library's files are laid out by scripts/install.sh, the same as an
# install. Works from a clean checkout; cargo rebuilds only what changed in
# target/release. tests/package/c.sh tests the archive.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

version=$(sed -n 's/^#define E2B_VERSION "\(.*\)"$/\1/p' include/e2b.h)
target=$(rustc -vV | sed -n 's/^host: //p')
name="libe2b-$version-$target"
dist=target/dist
stage="$dist/$name"

cargo build --release -p e2b-local
rm -rf "$stage" "$dist/$name.tar.gz"
scripts/install.sh "$stage" >/dev/null
install -d "$stage/bin"
install -m 755 target/release/e2b-local "$stage/bin/e2b-local"
strip --strip-debug "$stage/bin/e2b-local"
install -m 644 README.md LICENSE "$stage/"

# The same bytes for the same inputs: sorted names, no owners, the last
# commit's time on every file.
mtime=$(git log -1 --format=%ct 2>/dev/null || echo 0)
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$mtime" \
  -C "$dist" -cf - "$name" | gzip -9n >"$dist/$name.tar.gz"

size() { stat -c %s "$1" | numfmt --to=iec-i --suffix=B --format=%.1f --round=nearest; }
echo "$dist/$name.tar.gz: $(size "$dist/$name.tar.gz")"
for file in lib/libe2b.a "lib/libe2b.so.$version" bin/e2b-local; do
  echo "  $file: $(size "$stage/$file")"
done
rm -rf "$stage"
