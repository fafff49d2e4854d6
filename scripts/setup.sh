#!/usr/bin/env bash
# Installs what the tests and examples need beyond Rust, Go, a C/C++ toolchain
# with CMake and GoogleTest, and Python: bubblewrap and the system python3
# (e2b-local runs sandbox commands and code in namespaces with them),
# slirp4netns (the user-mode network of sandboxes with internet access),
# nftables and iproute2 (the filtered network of sandboxes with network rules), the
# official SDKs, pinned, in a virtual environment under target/, and
# e2b-local's images: the base template's Debian root filesystem built once
# from Debian's packages (see e2b-local/images/base.sh), and the layer of the
# code-interpreter-v1 template over it, IPython and the code interpreter's
# Python stack from PyPI (see e2b-local/images/code-interpreter.sh).
#
# The images are cached in $E2B_LOCAL_IMAGES (default target/e2b-local/images)
# as base-<hash of its recipe> and code-interpreter-<hash of its recipe and
# of the base image's>, with `base` and `code-interpreter` linking to the
# current ones; each is rebuilt only when its recipe (or the base image)
# changes. E2B_LOCAL_IMAGES=none skips both.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)

apt_install() {
  $sudo apt-get install -y --no-install-recommends "$@" ||
    { $sudo apt-get update && $sudo apt-get install -y --no-install-recommends "$@"; }
}

missing=()
command -v bwrap >/dev/null || missing+=(bubblewrap)
command -v slirp4netns >/dev/null || missing+=(slirp4netns)
[ -x /usr/sbin/nft ] || missing+=(nftables)
[ -x /usr/sbin/ip ] || [ -x /usr/bin/ip ] || [ -x /sbin/ip ] || missing+=(iproute2)
[ -x /usr/bin/python3 ] || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  apt_install "${missing[@]}"
fi

venv=target/venv
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r tests/conformance/requirements.txt

# The base template's image.
images=${E2B_LOCAL_IMAGES:-$root/target/e2b-local/images}
if [ "$images" = none ]; then
  exit 0
fi
suite=bookworm
if [ -r /etc/os-release ]; then
  # shellcheck disable=SC1091
  os_id=$(. /etc/os-release && echo "${ID:-}")
  os_codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  if [ "$os_id" = debian ] && [ -n "$os_codename" ]; then
    suite=$os_codename
  fi
fi
arch=$(dpkg --print-architecture 2>/dev/null || uname -m)
recipe=e2b-local/images/base.sh
hash=$( { cat "$recipe"; echo "$suite $arch"; } | sha256sum | cut -c1-16)
image=$images/base-$hash
warn() { printf 'e2b-local setup: WARNING: %s\n' "$*" >&2; }
if [ -d "$image" ]; then
  echo "e2b-local base image: $image (cached)"
else
  if ! command -v mmdebstrap >/dev/null && ! command -v debootstrap >/dev/null; then
    apt_install mmdebstrap || apt_install debootstrap || true
  fi
  mkdir -p "$images"
  building=$images/.building-base-$hash
  $sudo rm -rf "$building"
  echo "e2b-local base image: building $suite ($arch) into $image (a few minutes, once)"
  start=$(date +%s)
  if $sudo bash "$recipe" "$suite" "$building" >"$images/build-$hash.log" 2>&1; then
    mv -T "$building" "$image"
    echo "e2b-local base image: built in $(($(date +%s) - start)) s, $(du -sh "$image" | cut -f1)"
  else
    warn "building the base image failed (log: $images/build-$hash.log);" \
      "e2b-local will run sandboxes over the host's system folders instead"
    $sudo rm -rf "$building"
    exit 0
  fi
fi
ln -sfn "base-$hash" "$images/.base-new"
mv -T "$images/.base-new" "$images/base"
# Images of older recipes.
for old in "$images"/base-*; do
  [ "$old" = "$image" ] || [ ! -d "$old" ] || $sudo rm -rf "$old"
done

# The code-interpreter template's image: a layer over the base image.
recipe=e2b-local/images/code-interpreter.sh
ci_hash=$( { cat "$recipe"; echo "base-$hash"; } | sha256sum | cut -c1-16)
ci=$images/code-interpreter-$ci_hash
if [ -d "$ci" ]; then
  echo "e2b-local code-interpreter image: $ci (cached)"
else
  building=$images/.building-code-interpreter-$ci_hash
  $sudo rm -rf "$building"
  echo "e2b-local code-interpreter image: building into $ci (a few minutes, once)"
  start=$(date +%s)
  if $sudo bash "$recipe" "$image" "$building" >"$images/build-code-interpreter-$ci_hash.log" 2>&1; then
    mv -T "$building" "$ci"
    echo "e2b-local code-interpreter image: built in $(($(date +%s) - start)) s, $(du -sh "$ci/layer" | cut -f1) over the base image"
  else
    warn "building the code-interpreter image failed (log: $images/build-code-interpreter-$ci_hash.log);" \
      "code-interpreter-v1 sandboxes will have no IPython and run_code will fail"
    $sudo rm -rf "$building" "$images/code-interpreter"
    exit 0
  fi
fi
ln -sfn "code-interpreter-$ci_hash" "$images/.code-interpreter-new"
mv -T "$images/.code-interpreter-new" "$images/code-interpreter"
for old in "$images"/code-interpreter-*; do
  [ "$old" = "$ci" ] || [ ! -d "$old" ] || $sudo rm -rf "$old"
done
