"""Bundles libe2b's shared library into the package when one is built.

The library copied is ``LIBE2B_PATH`` if set, else the checkout's
``target/release``; with neither, the package installs without a copy and
finds the library at import time (see src/libe2b/_library.py). Editable
installs bundle nothing: they use the checkout's library directly.
"""

import os
import shutil
import sys
from pathlib import Path

from setuptools import Distribution, setup
from setuptools.command.build_py import build_py

FILE_NAME = {"darwin": "libe2b.dylib", "win32": "e2b.dll"}.get(sys.platform, "libe2b.so")
LIBRARY = Path(os.environ.get("LIBE2B_PATH") or Path(__file__).resolve().parents[2] / "target" / "release" / FILE_NAME)


class BuildPy(build_py):
    def run(self) -> None:
        super().run()
        if LIBRARY.is_file() and not self.editable_mode:
            shutil.copyfile(LIBRARY, Path(self.build_lib) / "libe2b" / FILE_NAME)


class BinaryDistribution(Distribution):
    """A wheel with a native library in it is specific to its platform."""

    def has_ext_modules(self) -> bool:
        return True


setup(cmdclass={"build_py": BuildPy}, distclass=BinaryDistribution)
