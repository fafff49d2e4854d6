#!/usr/bin/env bash
# Builds what a release publishes into target/dist/. For C and C++ users:
#
#   libe2b-<version>-<target>.tar.gz, one folder of that name holding
#     include/  e2b.h, e2b.hpp
#     lib/      libe2b.a, libe2b.so.<version> and its links libe2b.so.<abi>
#               and libe2b.so, pkgconfig/e2b.pc and e2b-static.pc,
#               cmake/e2b/ (find_package(e2b): e2b::e2b, e2b::e2b_static)
#     bin/      e2b-local, the offline server, to run programs against
#     README.md, LICENSE
#
# For Python users, target/dist/python/: the wheel and the sdist (see
# package_python below).
#
#   scripts/package.sh [PART...]     PART: c, python; every part by default
#
# The library's files are laid out by scripts/install.sh, the same as an
# install. Works from a clean checkout; cargo rebuilds only what changed in
# target/release. tests/package/c.sh tests the archive.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

for part in "$@"; do
  case "$part" in c | python) ;; *) echo "unknown part $part (c, python)" >&2; exit 2 ;; esac
done
parts=" $* "
wants() { [ "$parts" = "  " ] || [[ "$parts" == *" $1 "* ]]; }

if wants c; then

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
fi

# --- Python ------------------------------------------------------------------
# package_python makes, into target/dist/python/:
#
#   libe2b-<version>.tar.gz, the sdist: the package, and the Rust sources of
#     the e2b and e2b-protocol crates from which installing it builds the
#     library with cargo (bindings/python/setup.py);
#   libe2b-<version>-py3-none-manylinux_<glibc>_<arch>.whl, the wheel: the
#     package and the release libe2b.so, stripped of debugging information.
#     ctypes needs no CPython ABI: one wheel serves every Python >= 3.9. The
#     manylinux tag is the one auditwheel finds for the library (the newest
#     glibc symbol version it uses, from the glibc it was built against).
#
# The wheel is built from the sdist with the library given (LIBE2B_PATH), by
# `python -m build` and the tools pinned in target/python-package-venv (made
# once, from PyPI). tests/package/python.sh installs both outside the checkout.
package_python() {
  local out=target/dist/python venv=target/python-package-venv tmp wheel tag file
  cargo build --release -p e2b
  [ -x "$venv/bin/python" ] || "${PYTHON:-python3}" -m venv "$venv"
  "$venv/bin/python" -m pip install --quiet --disable-pip-version-check \
    setuptools==84.2.1 build==1.6.1 wheel==0.48.0 auditwheel==6.8.2
  tmp=$(mktemp -d)
  strip --strip-debug -o "$tmp/libe2b.so" "${CARGO_TARGET_DIR:-target}/release/libe2b.so"
  rm -rf "$out"
  LIBE2B_PATH="$tmp/libe2b.so" "$venv/bin/python" -m build --no-isolation --outdir "$out" bindings/python >"$tmp/build.log" 2>&1 ||
    { cat "$tmp/build.log" >&2; rm -rf "$tmp"; return 1; }
  rm -rf "$tmp"

  wheel=$(ls "$out"/libe2b-*-py3-none-linux_*.whl)
  tag=$("$venv/bin/auditwheel" show "$wheel" 2>/dev/null | tr '\n' ' ' |
    sed -n 's/.*consistent with the following platform tag: "\(manylinux_[^"]*\)".*/\1/p')
  [ -n "$tag" ] || { "$venv/bin/auditwheel" show "$wheel" >&2; echo "the wheel is not manylinux" >&2; return 1; }
  "$venv/bin/python" -m wheel tags --remove --platform-tag "$tag" "$wheel" >/dev/null

  for file in "$out"/*; do
    echo "$file: $(stat -c %s "$file" | numfmt --to=iec-i --suffix=B --format=%.1f --round=nearest)"
  done
}

if wants python; then
  package_python
fi
