"""Finds and loads libe2b's shared library, by full path.

The first of these that exists is loaded:

1. the file named by the environment variable ``LIBE2B_PATH``;
2. the copy bundled into the package (``libe2b/libe2b.so`` next to this
   file): the wheel holds one; installing the sdist builds one, and
   installing from a checkout copies its ``target/release`` one;
3. the checkout's ``target/release/libe2b.so``, when the package runs from
   the checkout itself (``pip install -e``, or ``src`` on ``sys.path``).
"""

from __future__ import annotations

import ctypes
import os
import sys
from pathlib import Path

if sys.platform == "darwin":
    FILE_NAME = "libe2b.dylib"
elif sys.platform == "win32":
    FILE_NAME = "e2b.dll"
else:
    FILE_NAME = "libe2b.so"


def candidates() -> list[Path]:
    """Where the library is looked for, in order."""
    override = os.environ.get("LIBE2B_PATH")
    if override:
        return [Path(override)]
    here = Path(__file__).resolve().parent
    return [here / FILE_NAME, here.parents[3] / "target" / "release" / FILE_NAME]


def load(abi_version: int) -> ctypes.CDLL:
    """Loads the library and checks that it implements ABI `abi_version`."""
    paths = candidates()
    path = next((p for p in paths if p.is_file()), None)
    if path is None:
        looked = ", ".join(str(p) for p in paths)
        raise ImportError(
            f"libe2b: the shared library was not found (looked at {looked}); "
            "build it with `cargo build --release` or set LIBE2B_PATH to its full path"
        )
    try:
        lib = ctypes.CDLL(str(path))
    except OSError as err:
        raise ImportError(f"libe2b: cannot load {path}: {err}") from err
    lib.e2b_abi_version.argtypes = ()
    lib.e2b_abi_version.restype = ctypes.c_uint32
    found = lib.e2b_abi_version()
    if found != abi_version:
        raise ImportError(
            f"libe2b: {path} implements ABI version {found}, but this package was made for "
            f"ABI version {abi_version}; use a matching library (LIBE2B_PATH) or package"
        )
    return lib
