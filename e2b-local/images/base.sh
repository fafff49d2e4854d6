#!/usr/bin/env bash
# The recipe of e2b-local's `base` template: a Debian root filesystem built
# from Debian's packages, what E2B's base image offers a user.
#
#   e2b-local/images/base.sh SUITE OUT
#
# Builds into the folder OUT (which must not exist) with mmdebstrap, else
# debootstrap. Run as root. scripts/setup.sh runs it once per version of this
# file (the image's folder is named after its hash) and caches the result.
#
# The image's files are owned by the ids that e2b-local maps the sandbox's to
# (sandbox id N is host id 0x7FFF0000 + N), so that `root` and `user` own them
# inside a sandbox; e2b-local checks this before it uses an image.
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SUITE OUT" >&2; exit 2; }
suite=$1
out=$2
[ ! -e "$out" ] || { echo "$out exists" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "building the image needs root" >&2; exit 2; }

mirror=http://deb.debian.org/debian
packages=(
  bash coreutils sudo git curl ca-certificates procps less
  python3 python3-pip python3-venv nodejs
)
# What a sandbox never reads: manuals, translations, most of the docs (the
# copyright files stay).
excludes=(
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
  --dpkgopt='path-include=/usr/share/locale/locale.alias'
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
)

# Run inside the new root: the user `user` (uid 1000) with sudo without a
# password, /home/user, the host name, pip allowed to install packages (as in
# E2B, where `pip install` works without a virtual environment), and an
# /etc/profile that costs no `id` process per login shell (every command
# runs in one).
configure='
set -e
useradd --uid 1000 --user-group --create-home --home-dir /home/user --shell /bin/bash --groups sudo user
echo "user ALL=(ALL:ALL) NOPASSWD: ALL" >/etc/sudoers.d/user
chmod 0440 /etc/sudoers.d/user
echo e2b >/etc/hostname
printf "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\te2b\n" >/etc/hosts
rm -f /usr/lib/python3*/EXTERNALLY-MANAGED
sed -i "s/\"\$(id -u)\"/\"\${EUID:-\$(id -u)}\"/" /etc/profile
'

if command -v mmdebstrap >/dev/null; then
  mmdebstrap --variant=apt --include="$(IFS=,; echo "${packages[*]}")" "${excludes[@]}" \
    --customize-hook="chroot \"\$1\" sh -c '$configure'" \
    "$suite" "$out" \
    "deb $mirror $suite main" "deb $mirror $suite-updates main" \
    "deb http://deb.debian.org/debian-security $suite-security main"
else
  debootstrap --variant=minbase --include="$(IFS=,; echo "${packages[*]}")" "$suite" "$out" "$mirror"
  chroot "$out" sh -c "$configure"
  chroot "$out" apt-get clean
  rm -rf "$out"/var/lib/apt/lists/* "$out"/usr/share/man/* "$out"/usr/share/info/*
fi
# Nothing of the build host's stays in the image.
rm -f "$out/etc/resolv.conf" "$out/etc/machine-id"

# Sandbox ids to host ids: every id below 65536 moves up by 0x7FFF0000 (the
# rest become `nobody`). chown clears set-id bits and file capabilities, so
# both are put back.
python3 - "$out" <<'PY'
import os, stat, sys
BASE, RANGE, NOBODY = 0x7FFF0000, 65536, 65534
def shift(i):
    return BASE + (i if i < RANGE else NOBODY)
def fix(path):
    st = os.lstat(path)
    cap = None
    if stat.S_ISREG(st.st_mode):
        try:
            cap = os.getxattr(path, "security.capability", follow_symlinks=False)
        except OSError:
            pass
    os.lchown(path, shift(st.st_uid), shift(st.st_gid))
    if not stat.S_ISLNK(st.st_mode):
        os.chmod(path, stat.S_IMODE(st.st_mode))
    if cap is not None:
        os.setxattr(path, "security.capability", cap, follow_symlinks=False)
root = sys.argv[1]
fix(root)
for top, dirs, files in os.walk(root):
    for name in dirs + files:
        fix(os.path.join(top, name))
PY
