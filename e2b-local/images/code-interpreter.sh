#!/usr/bin/env bash
# The recipe of e2b-local's `code-interpreter-v1` template: the base image
# (images/base.sh) with the code interpreter's Python stack from PyPI on top:
# IPython, which runs the code of every code-interpreter context, and what
# E2B's code-interpreter template offers for rich output (matplotlib, pandas,
# numpy, pillow, seaborn, e2b-charts for the `chart` data of figures).
#
#   e2b-local/images/code-interpreter.sh BASE OUT
#
# OUT (which must not exist) becomes a folder with
#   layer/  the files this recipe adds or changes, an overlayfs upper layer
#           over the image BASE, used as the top lower layer of a sandbox's /;
#   lower   a symlink to BASE (relative when BASE is OUT's sibling).
# The layer is built by mounting an overlay over BASE and running the image's
# own pip in it (chroot), in a mount namespace of its own: nothing stays
# mounted when the script ends, however it ends. Run as root.
# scripts/setup.sh runs it once per version of this file and of the base
# image, and caches the result.
#
# As in images/base.sh, the files belong to the ids e2b-local maps the
# sandbox's to (sandbox id N is host id 0x7FFF0000 + N).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 BASE OUT" >&2; exit 2; }
base=$(cd "$1" && pwd -P)
out=$2
[ ! -e "$out" ] || { echo "$out exists" >&2; exit 2; }
[ "$(id -u)" -eq 0 ] || { echo "building the image needs root" >&2; exit 2; }
[ -x "$base/usr/bin/python3" ] || { echo "$base is no base image with python3" >&2; exit 2; }

# Pinned, the whole closure: the kernel-side versions E2B's code-interpreter
# template was recorded with (ipython, matplotlib, matplotlib-inline, numpy,
# pandas, pillow, e2b-charts), plus seaborn and requests, and what they need.
requirements='
ipython==9.15.0
matplotlib==3.10.9
matplotlib-inline==0.2.2
numpy==2.4.6
pandas==2.2.3
pillow==12.3.0
e2b-charts==1.0.0
seaborn==0.13.2
requests==2.34.2
annotated-types==0.8.0
asttokens==3.0.2
certifi==2026.10.19.post1
charset-normalizer==3.5.3
contourpy==1.3.3
cycler==0.12.1
decorator==5.3.1
executing==2.3.0
fonttools==4.68.0
idna==3.20
ipython-pygments-lexers==1.1.1
jedi==0.20.1
kiwisolver==1.5.1
packaging==26.4
parso==0.8.7
pexpect==4.9.0
prompt-toolkit==3.0.53
psutil==7.2.2
ptyprocess==0.7.0
pure-eval==0.2.4
pydantic==2.14.4
pydantic-core==2.50.5
pygments==2.21.0
pyparsing==3.3.3
python-dateutil==4.0.0
pytz==2026.6
stack-data==0.6.3
traitlets==5.16.1
typing-extensions==4.16.0
typing-inspection==0.4.5
tzdata==2026.6
urllib3==2.8.0
wcwidth==0.9.4
'

mkdir -p "$out"/layer
chown 2147418112:2147418112 "$out"/layer
chmod 0755 "$out"/layer
case $base in
  "$(cd "$(dirname "$out")" && pwd -P)"/*) ln -s "../$(basename "$base")" "$out/lower" ;;
  *) ln -s "$base" "$out/lower" ;;
esac

# pip reaches PyPI with the build host's name servers and certificates (a
# host behind a TLS-inspecting proxy has its authority only there) and
# proxy settings; none of them stays in the image.
ca=${PIP_CERT:-${SSL_CERT_FILE:-/etc/ssl/certs/ca-certificates.crt}}
export E2B_REQUIREMENTS=$requirements E2B_CA=$ca E2B_BASE=$base E2B_OUT=$out
unshare --mount --propagation private bash -euo pipefail -s <<'SH'
out=$E2B_OUT
mkdir -p "$out/work" "$out/root"
mount -t overlay overlay -o "lowerdir=$E2B_BASE,upperdir=$out/layer,workdir=$out/work" "$out/root"
root=$out/root
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mkdir -p "$root/tmp/build"
cp -L /etc/resolv.conf "$root/etc/resolv.conf"
if [ -r "$E2B_CA" ]; then cp -L "$E2B_CA" "$root/tmp/build/ca.crt"; else cp "$root/etc/ssl/certs/ca-certificates.crt" "$root/tmp/build/ca.crt"; fi
printf "%s" "$E2B_REQUIREMENTS" >"$root/tmp/build/requirements.txt"
env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
  PIP_CERT=/tmp/build/ca.crt PIP_DEFAULT_TIMEOUT=180 \
  ${http_proxy:+http_proxy=$http_proxy} ${https_proxy:+https_proxy=$https_proxy} \
  ${HTTP_PROXY:+HTTP_PROXY=$HTTP_PROXY} ${HTTPS_PROXY:+HTTPS_PROXY=$HTTPS_PROXY} \
  ${no_proxy:+no_proxy=$no_proxy} ${NO_PROXY:+NO_PROXY=$NO_PROXY} \
  ${PIP_INDEX_URL:+PIP_INDEX_URL=$PIP_INDEX_URL} \
  chroot "$root" python3 -m pip install --no-cache-dir --disable-pip-version-check \
    --root-user-action=ignore --no-warn-script-location --only-binary=:all: \
    -r /tmp/build/requirements.txt
# As `user` (the host id it maps to): `user`'s own site-packages exists from
# the start, so that what `!pip install` puts there (pip run by `user`
# installs there) imports in the running kernel; matplotlib's font cache and
# IPython's profile are made once here rather than in every new sandbox.
chroot --userspec=2147419112:2147419112 "$root" env -i HOME=/home/user PATH=/usr/local/bin:/usr/bin:/bin LANG=C.UTF-8 \
  sh -c "mkdir -p \"\$(python3 -m site --user-site)\" &&
         MPLBACKEND=agg python3 -c \"import matplotlib.pyplot, IPython; IPython.core.interactiveshell.InteractiveShell.instance()\""
rm -rf "$root/tmp/build" "$root/etc/resolv.conf" "$root/root/.cache"
SH
rm -rf "$out/work" "$out/root"

# Sandbox ids to host ids, for what the build made (ids below 0x7FFF0000;
# what was copied up from the base image is shifted already). chown clears
# set-id bits and file capabilities, so both are put back. overlayfs's own
# bookkeeping of the build (origin, impure) is dropped; opaque folders and
# redirects stay, they are part of the layer.
python3 - "$out/layer" <<'PY'
import os, stat, sys
BASE, RANGE, NOBODY = 0x7FFF0000, 65536, 65534
def shift(i):
    if i >= BASE:
        return i
    return BASE + (i if i < RANGE else NOBODY)
def fix(path):
    st = os.lstat(path)
    for name in ("trusted.overlay.origin", "trusted.overlay.impure", "trusted.overlay.nlink"):
        try:
            os.removexattr(path, name, follow_symlinks=False)
        except OSError:
            pass
    if st.st_uid >= BASE and st.st_gid >= BASE:
        return
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
