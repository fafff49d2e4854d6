"""Puts libe2b's shared library into the package.

The library bundled is the first of:

1. the file ``LIBE2B_PATH`` names (a prebuilt library: scripts/package.sh
   gives its stripped release build, to make the wheel);
2. in a checkout, ``target/release/libe2b.so`` if it is built;
3. a library built here with ``cargo build --release -p libe2b``: from the
   Rust sources the sdist carries in ``rust/``, or in a checkout without a
   built library. Without cargo this fails and says what to do.

Editable installs bundle nothing: they use the checkout's library directly
(see src/libe2b/_library.py).

The sdist carries, besides the package, what cargo needs to build the
library: the libe2b, e2b and e2b-protocol crates (Cargo.toml, Cargo.lock,
build.rs, cbindgen.toml, src/, include/, e2b/, e2b-protocol/), in ``rust/``.
Their manifests are the checkout's without e2b-local and the example
(MANIFEST_EDITS), and Cargo.lock drops what only e2b-local used.

The wheel is ``py3-none-<platform>``: ctypes needs no CPython ABI, so one
wheel serves every Python the package supports.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.bdist_wheel import bdist_wheel
from setuptools.command.build_py import build_py
from setuptools.command.sdist import sdist
from setuptools.errors import SetupError

FILE_NAME = {"darwin": "libe2b.dylib", "win32": "e2b.dll"}.get(sys.platform, "libe2b.so")
HERE = Path(__file__).resolve().parent
# The Rust workspace: the sdist's copy of it, or the checkout's root.
IN_CHECKOUT = not (HERE / "rust").is_dir() and (HERE.parents[1] / "Cargo.toml").is_file()
CHECKOUT = HERE.parents[1] if IN_CHECKOUT else None
RUST = CHECKOUT or HERE / "rust"
# What the sdist carries of the workspace: files, and folders taken whole.
RUST_FILES = ["Cargo.toml", "Cargo.lock", "build.rs", "cbindgen.toml", "LICENSE", "include"]
RUST_FILES += ["src", "e2b/Cargo.toml", "e2b/README.md", "e2b/src"]
RUST_FILES += ["e2b-protocol/Cargo.toml", "e2b-protocol/README.md", "e2b-protocol/src"]


def cargo_build() -> Path:
    """Builds the library with cargo and returns its path."""
    cargo = os.environ.get("CARGO") or shutil.which("cargo")
    if not cargo:
        raise SetupError(
            "libe2b: building the library from source needs Rust's cargo (https://rustup.rs), "
            "which is not on PATH. Install Rust, or set LIBE2B_PATH to a built libe2b.so, "
            "or install the prebuilt wheel."
        )
    manifest = RUST / "Cargo.toml"
    if not manifest.is_file():
        raise SetupError(f"libe2b: no library to bundle and no Rust sources to build it from ({manifest})")
    target = Path(os.environ.get("CARGO_TARGET_DIR") or RUST / "target")
    # --locked: the versions the release was tested with. Offline builds
    # (a vendored or cached registry) work with CARGO_NET_OFFLINE=true.
    command = [cargo, "build", "--release", "--locked", "-p", "libe2b", "--manifest-path", str(manifest)]
    print("libe2b: building the library:", " ".join(command), file=sys.stderr, flush=True)
    subprocess.run(command, check=True, env={**os.environ, "CARGO_TARGET_DIR": str(target)})
    return target / "release" / FILE_NAME


def library() -> Path:
    """The library to bundle, built if need be."""
    given = os.environ.get("LIBE2B_PATH")
    if given:
        if not Path(given).is_file():
            raise SetupError(f"libe2b: LIBE2B_PATH names {given}, which is not a file")
        return Path(given)
    if CHECKOUT:
        built = Path(os.environ.get("CARGO_TARGET_DIR") or CHECKOUT / "target") / "release" / FILE_NAME
        if built.is_file():
            return built
    return cargo_build()


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if not self.editable_mode:
            shutil.copyfile(library(), Path(self.build_lib) / "libe2b" / FILE_NAME)


class Sdist(sdist):
    def make_release_tree(self, base_dir: str, files: list[str]) -> None:
        super().make_release_tree(base_dir, files)
        rust = Path(base_dir) / "rust"
        for name in RUST_FILES:
            source = RUST / name
            if source.is_dir():
                shutil.copytree(source, rust / name)
            else:
                (rust / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(source, rust / name)
        if CHECKOUT:
            for manifest in MANIFEST_EDITS:
                (rust / manifest).write_text(manifest_for_sdist(manifest, (RUST / manifest).read_text()))
            # Cargo.lock without what only e2b-local used, so that the sdist
            # builds --locked. Cargo reads every package of the lock file for
            # that, those of other platforms too: on a fresh machine it
            # downloads them from the crate registry.
            cargo = os.environ.get("CARGO") or shutil.which("cargo") or "cargo"
            subprocess.run([cargo, "metadata", "--format-version", "1", "--manifest-path",
                            str(rust / "Cargo.toml")], check=True, stdout=subprocess.DEVNULL)


# What the sdist leaves out of the manifests: the member e2b-local (the
# client's dev-dependency) and the example.
MANIFEST_EDITS = {
    "Cargo.toml": [(r'\nmembers = \[([^]]*)"e2b-local", ', r'\nmembers = [\1')],
    "e2b/Cargo.toml": [
        (r'\ne2b-local = \{ path = "../e2b-local" \}\n', "\n"),
        (r'\n\[\[example\]\]\nname = "quickstart"\npath = "[^"]*"\n', "\n"),
    ],
}


def manifest_for_sdist(manifest: str, text: str) -> str:
    """The manifest `manifest` as the sdist carries it (MANIFEST_EDITS)."""
    for pattern, replacement in MANIFEST_EDITS[manifest]:
        text, count = re.subn(pattern, replacement, text)
        if count != 1:
            raise SetupError(f"libe2b: {manifest} changed: update setup.py's MANIFEST_EDITS ({pattern!r})")
    return text


class BdistWheel(bdist_wheel):
    def get_tag(self) -> tuple[str, str, str]:
        return ("py3", "none", super().get_tag()[2])


class BinaryDistribution(Distribution):
    """A wheel with a native library in it is specific to its platform."""

    def has_ext_modules(self) -> bool:
        return True


setup(
    cmdclass={"build_py": BuildPy, "sdist": Sdist, "bdist_wheel": BdistWheel},
    distclass=BinaryDistribution,
)
