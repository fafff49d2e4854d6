#!/usr/bin/env bash
# Tests the Python packages as a user meets them: makes the wheel and the
# sdist with `scripts/package.sh python` into target/dist/python/, then, in a
# temporary folder outside the checkout and with nothing pointing at it
# (LIBE2B_PATH, PYTHONPATH, CARGO_TARGET_DIR unset):
#   - checks the wheel: py3-none-manylinux_*, requires-python >= 3.9, holds
#     libe2b.so without debugging information;
#   - installs the wheel into a fresh venv with `pip install --no-index`, for
#     python3 and for a Python 3.9 if there is one (PYTHON39, python3.9 on
#     PATH, or pyenv's), and runs a program against e2b-local with each;
#   - installs the sdist into a fresh venv, which builds the library with
#     cargo (a full release build: a minute or two; offline, from CARGO_HOME's
#     registry cache, through CARGO_NET_OFFLINE=true; setuptools comes from a
#     local folder, target/python-wheelhouse, filled once from PyPI), and runs
#     the program again.
# The program: create a sandbox, write and read a file, run a command, print
# an EntryInfo's type (FileType.FILE), kill.
#
#   tests/package/python.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

fail() { echo "FAIL: $*" >&2; exit 1; }
step() { printf -- '--- %s\n' "$*"; }
# `... | contains REGEX`: reads all its input first (a `grep -q` that stops
# early would fail the pipeline under pipefail).
contains() { local text; text=$(cat); grep -Eq -- "$1" <<<"$text"; }

step "scripts/package.sh python"
scripts/package.sh python
cargo build --quiet -p e2b-local
local_bin="${CARGO_TARGET_DIR:-$root/target}/debug/e2b-local"
version=$(sed -n 's/^version = "\(.*\)"$/\1/p' bindings/python/pyproject.toml)
dist="$root/target/dist/python"
sdist="$dist/libe2b-$version.tar.gz"
wheel=$(ls "$dist"/libe2b-"$version"-py3-none-manylinux_*.whl 2>/dev/null) || fail "no manylinux wheel in $dist"
[ -f "$sdist" ] || fail "no sdist $sdist"

# setuptools for building the sdist, from a local folder (pip install
# --no-index, as an offline index would serve it); the version
# scripts/package.sh builds with.
wheelhouse="$root/target/python-wheelhouse"
ls "$wheelhouse"/setuptools-*.whl >/dev/null 2>&1 ||
  target/python-package-venv/bin/python -m pip download --quiet --disable-pip-version-check --no-deps \
    --only-binary :all: --dest "$wheelhouse" setuptools==84.2.1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
case "$work/" in "$root"/*) fail "the temporary folder $work is inside the checkout" ;; esac
unset LIBE2B_PATH PYTHONPATH PYTHONHOME VIRTUAL_ENV CARGO_TARGET_DIR PIP_FIND_LINKS PIP_INDEX_URL
export TMPDIR="$work/tmp" PIP_DISABLE_PIP_VERSION_CHECK=1
mkdir "$TMPDIR"

step "the wheel: $(basename "$wheel")"
mkdir "$work/unpacked"
python3 -m zipfile -e "$wheel" "$work/unpacked"
so="$work/unpacked/libe2b/libe2b.so"
[ -f "$so" ] || fail "the wheel lacks libe2b/libe2b.so"
if readelf -S "$so" | contains '\.debug_'; then fail "the wheel's libe2b.so keeps debugging information"; fi
meta=$(cat "$work"/unpacked/libe2b-*.dist-info/{WHEEL,METADATA})
contains '^Tag: py3-none-manylinux_[0-9]+_[0-9]+_x86_64$' <<<"$meta" || fail "the wheel's tag: $(grep ^Tag <<<"$meta")"
contains '^Requires-Python: >=3\.9$' <<<"$meta" || fail "the wheel's $(grep ^Requires-Python <<<"$meta")"
echo "$(basename "$wheel"): $(stat -c %s "$wheel") bytes, libe2b.so $(stat -c %s "$so") bytes"

cat >"$work/program.py" <<'EOF'
"""Uses the installed package: the library it bundles, against e2b-local."""
import os
import sys

import libe2b

here = os.path.dirname(libe2b.__file__)
assert os.path.dirname(libe2b.library_path) == here, f"loaded {libe2b.library_path}, not {here}'s library"
assert here.startswith(sys.prefix), f"libe2b imported from {here}, outside {sys.prefix}"
print(f"Python {sys.version.split()[0]}, libe2b {libe2b.library_version} from {libe2b.library_path}")

client = libe2b.Client()
sandbox = client.create_sandbox("base", timeout=60)
try:
    sandbox.files.write("/home/user/hello.txt", "Hello from the package")
    text = sandbox.files.read_text("/home/user/hello.txt")
    assert text == "Hello from the package", text
    result = sandbox.commands.run("wc -c < /home/user/hello.txt")
    assert result.exit_code == 0 and result.stdout_text.strip() == "22", result
    entry = sandbox.files.get_info("/home/user/hello.txt")
    print(f"read {text!r}; wc -c says {result.stdout_text.strip()}; type {entry.type}")
    assert str(entry.type) == f"{entry.type}" == "FileType.FILE", repr(entry.type)
    assert entry.modified_time is not None and entry.modified_time.tzinfo is not None, entry.modified_time
finally:
    assert sandbox.kill()
assert not client.kill(sandbox.sandbox_id), "the sandbox outlived kill()"
print("ok")
EOF
cd "$work"

# Runs the program with the venv's Python against a fresh e2b-local.
run() { "$root/scripts/with-e2b-local.sh" --bin "$local_bin" "$1/bin/python" "$work/program.py"; }

pythons=("${PYTHON:-python3}")
for candidate in "${PYTHON39:-}" python3.9 "$(pyenv root 2>/dev/null || echo /nonexistent)"/versions/3.9*/bin/python3.9; do
  if [ -n "$candidate" ] && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 9))' 2>/dev/null; then
    pythons+=("$candidate")
    break
  fi
done
[ "${#pythons[@]}" -gt 1 ] || echo "no Python 3.9 here: the wheel runs with ${pythons[0]} only"
for i in "${!pythons[@]}"; do
  step "the wheel in a fresh venv of $("${pythons[$i]}" --version)"
  "${pythons[$i]}" -m venv "$work/wheel-$i"
  "$work/wheel-$i/bin/python" -m pip install --quiet --no-index "$wheel"
  run "$work/wheel-$i"
done

step "the sdist in a fresh venv: pip builds the library with cargo, offline"
"${pythons[0]}" -m venv "$work/sdist"
start=$SECONDS
CARGO_NET_OFFLINE=true "$work/sdist/bin/python" -m pip install --quiet --no-index --find-links "$wheelhouse" "$sdist" ||
  fail "pip could not install the sdist"
echo "built and installed in $((SECONDS - start))s"
run "$work/sdist"
echo "the Python packages work: the wheel with ${#pythons[@]} Python(s), the sdist, in ${SECONDS}s"
