#!/usr/bin/env bash
# Builds what a release publishes into target/dist/. For C, C++ and Go users (part c):
#
#   libe2b-<version>-<target>.tar.gz, one folder of that name holding
#     include/  e2b.h, e2b.hpp
#     lib/      libe2b.a, libe2b.so.<version> and its links libe2b.so.<abi>
#               and libe2b.so, pkgconfig/e2b.pc and e2b-static.pc,
#               cmake/e2b/ (find_package(e2b): e2b::e2b, e2b::e2b_static)
#     bin/      e2b-local, the offline server, to run programs against
#     README.md, LICENSE
#
#   goproxy/, the Go module github.com/libe2b/libe2b/bindings/go (the module
#     path of bindings/go/go.mod) at v<version>, laid out as a module proxy
#     serves it, so that GOPROXY=file://<dist>/goproxy lets `go get` fetch it:
#     <module>/@v/list, v<version>.info, .mod and .zip. The zip holds the
#     package's files (bindings/go), LICENSE, and what its static build needs
#     in its own tree, as wasmtime-go ships its library:
#       include/e2b.h
#       lib/<GOOS>_<GOARCH>/libe2b.a   the same stripped library as the
#                                      archive's, for each platform built
#     (the host's from target/release; linux_arm64 or linux_amd64 also from
#     target/<triple>/release when cross-built there). The link files
#     (bindings/go/link_*.go) find these in the module, and the checkout's
#     include/ and target/release/ in a checkout. Publishing the module from
#     the repository means tagging bindings/go/v<version> with these files.
#
# For Python users (part python), target/dist/python/: the wheel and the sdist
# (see package_python below).
#
#   scripts/package.sh [PART...]     PART: c, python; every part by default
#
# The library's files are laid out by scripts/install.sh, the same as an
# install. Works from a clean checkout; cargo rebuilds only what changed in
# target/release. tests/package/c.sh tests the archive, tests/package/go.sh the
# Go module.
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

# The Go module. Its version is the library's: a module proxy serves
# v<version>, and from v2 on Go wants the major version at the end of the
# module path.
module=$(sed -n 's/^module[[:space:]]*//p' bindings/go/go.mod)
goversion="v$version"
major=${version%%.*}
if [ "$major" -ge 2 ] && [ "${module##*/}" != "v$major" ]; then
  echo "bindings/go/go.mod: module $module must end in /v$major for version $version" >&2
  exit 1
fi
# Go's platform names for the Rust targets whose libe2b.a the module carries.
goplatform() {
  case "$1" in
    x86_64-unknown-linux-gnu) echo linux_amd64 ;;
    aarch64-unknown-linux-gnu) echo linux_arm64 ;;
  esac
}
[ -n "$(goplatform "$target")" ] || { echo "no Go platform for $target" >&2; exit 1; }

gostage="$dist/gomodule"
rm -rf "$gostage"
install -d "$gostage"
# The package's files as git knows them (tracked, or new and not ignored;
# outside git, every file).
gofiles() {
  if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    git ls-files --cached --others --exclude-standard -- bindings/go
  else
    find bindings/go \( -type f -o -type l \) -print
  fi
}
gofiles | while read -r file; do
  [ -e "$file" ] || continue # deleted, not yet committed
  [ -L "$file" ] && { echo "$file is a symbolic link, which a Go module cannot hold" >&2; exit 1; }
  install -D -m 644 "$file" "$gostage/${file#bindings/go/}"
done
[ -e "$gostage/LICENSE" ] || install -m 644 LICENSE "$gostage/LICENSE"
install -D -m 644 include/e2b.h "$gostage/include/e2b.h"
libsizes=()
for triple in x86_64-unknown-linux-gnu aarch64-unknown-linux-gnu; do
  platform=$(goplatform "$triple")
  if [ "$triple" = "$target" ]; then
    # The archive's library, stripped by scripts/install.sh.
    install -D -m 644 "$stage/lib/libe2b.a" "$gostage/lib/$platform/libe2b.a"
  elif [ -f "target/$triple/release/libe2b.a" ]; then
    install -D -m 644 "target/$triple/release/libe2b.a" "$gostage/lib/$platform/libe2b.a"
    strip_tool=strip
    command -v "${triple%%-*}-linux-gnu-strip" >/dev/null && strip_tool="${triple%%-*}-linux-gnu-strip"
    "$strip_tool" --strip-debug --remove-section=.llvmbc --remove-section=.llvmcmd "$gostage/lib/$platform/libe2b.a"
  else
    continue
  fi
  libsizes+=("lib/$platform/libe2b.a: $(size "$gostage/lib/$platform/libe2b.a")")
done
rm -rf "$stage"

# A module proxy's folder for the module: the path with each capital letter
# as '!' and the letter in lower case.
proxy="$dist/goproxy"
modproxy="$proxy/$(sed 's/[A-Z]/!\L&/g' <<<"$module")/@v"
rm -rf "$proxy"
install -d "$modproxy"
echo "$goversion" >"$modproxy/list"
printf '{"Version":"%s","Time":"%s"}\n' "$goversion" "$(date -u -d "@$mtime" +%Y-%m-%dT%H:%M:%SZ)" >"$modproxy/$goversion.info"
install -m 644 bindings/go/go.mod "$modproxy/$goversion.mod"
# The zip as Go's rules for module zips want it (golang.org/x/mod/zip):
# every file under <module>@<version>/, regular files only, no folder
# entries, no vendor/ and no go.mod but the module's own, paths Go accepts
# that do not clash when case is ignored, at most 500 MiB unpacked and as a
# zip, go.mod and LICENSE at most 16 MiB. Sorted names and one time stamp
# (the last commit's), so the same inputs give the same bytes; Go's own
# hash of the module (h1:) depends only on names and contents.
python3 - "$gostage" "$module@$goversion" "$modproxy/$goversion.zip" "$mtime" <<'PY'
import os, re, sys, time, zipfile

stage, prefix, out, mtime = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
MiB = 1 << 20
files, seen, total = [], {}, 0
for folder, dirs, names in os.walk(stage):
    for name in names:
        path = os.path.join(folder, name)
        rel = os.path.relpath(path, stage).replace(os.sep, "/")
        if os.path.islink(path) or not os.path.isfile(path):
            sys.exit(f"{rel}: not a regular file")
        parts = rel.split("/")
        if "vendor" in parts[:-1] or (name == "go.mod" and rel != "go.mod"):
            sys.exit(f"{rel}: a Go module zip cannot hold it")
        if not all(re.fullmatch(r"[A-Za-z0-9_+][A-Za-z0-9._+-]*", part) for part in parts):
            sys.exit(f"{rel}: not a path Go accepts in a module")
        if rel.lower() in seen:
            sys.exit(f"{rel} and {seen[rel.lower()]} differ only in case")
        seen[rel.lower()] = rel
        size = os.path.getsize(path)
        if rel in ("go.mod", "LICENSE") and size > 16 * MiB:
            sys.exit(f"{rel}: larger than 16 MiB")
        total += size
        files.append(rel)
if total > 500 * MiB:
    sys.exit(f"the module is {total} bytes unpacked, more than 500 MiB")
stamp = time.gmtime(max(mtime, 315532800))[:6]  # zip times start in 1980
with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
    for rel in sorted(files):
        info = zipfile.ZipInfo(f"{prefix}/{rel}", stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        with open(os.path.join(stage, rel), "rb") as f:
            z.writestr(info, f.read(), compresslevel=9)
if os.path.getsize(out) > 500 * MiB:
    sys.exit(f"{out} is larger than 500 MiB")
PY
rm -rf "$gostage"

# Go itself checks the zip as it fetches it: download the module through the
# proxy folder into an empty module cache.
if command -v go >/dev/null; then
  gocache=$(mktemp -d)
  sum=$(env GOENV=off GOTOOLCHAIN=local GOPROXY="file://$root/$proxy" GOSUMDB=off GOPRIVATE= GONOPROXY= \
    GOFLAGS=-modcacherw GOMODCACHE="$gocache" go mod download -json "$module@$goversion" |
    sed -n 's/^[[:space:]]*"Sum": "\(.*\)",$/\1/p')
  rm -rf "$gocache"
  [ -n "$sum" ] || { echo "go could not download $module@$goversion from $proxy" >&2; exit 1; }
else
  sum="not checked: no go command"
fi
echo "$modproxy/$goversion.zip: $(size "$modproxy/$goversion.zip") ($sum)"
printf "  %s\n" "${libsizes[@]}"

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
  cargo build --release -p libe2b
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
