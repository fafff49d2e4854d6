#!/usr/bin/env bash
# Installs what the tests and examples need beyond Rust, Go, a C/C++ toolchain
# with CMake and GoogleTest, and Python: bubblewrap and the system python3
# (e2b-local runs sandbox commands and code in namespaces with them),
# slirp4netns (the user-mode network of sandboxes with internet access), the
# official SDKs, pinned, in a virtual environment under target/, and
# e2b-local's base template: a Debian root filesystem built once from
# Debian's packages (see e2b-local/images/base.sh).
#
# The image is cached in $E2B_LOCAL_IMAGES (default target/e2b-local/images)
# as base-<hash of its recipe>, with `base` linking to the current one; it is
# rebuilt only when the recipe changes. E2B_LOCAL_IMAGES=none skips it.
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
