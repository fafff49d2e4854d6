"""The ctypes declarations against include/e2b.h: the generated module is
up to date, and every function, callback, struct, enum and constant the
loaded module declares has the header's types."""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

import libe2b
from libe2b import _bindings as b
from libe2b import _library

HERE = Path(__file__).resolve().parent
HEADER = HERE.parents[2] / "include" / "e2b.h"

# The C types of the header as ctypes must see them, written independently
# of the generator: 64-bit pointers are never plain ints (restype int
# truncates them), bytes are void pointers, enums are int32_t.
SCALARS: dict[str, Any] = {
    "void": None,
    "bool": ctypes.c_bool,
    "char": ctypes.c_char,
    "int32_t": ctypes.c_int32,
    "int64_t": ctypes.c_int64,
    "uint16_t": ctypes.c_uint16,
    "uint32_t": ctypes.c_uint32,
    "uint64_t": ctypes.c_uint64,
    "size_t": ctypes.c_size_t,
    "double": ctypes.c_double,
    "char*": ctypes.c_char_p,
    "char**": ctypes.POINTER(ctypes.c_char_p),
    "uint8_t*": ctypes.c_void_p,
    "void*": ctypes.c_void_p,
}


def load_generator() -> ModuleType:
    spec = importlib.util.spec_from_file_location("generate", HERE.parent / "generate.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules["generate"] = module
    spec.loader.exec_module(module)
    return module


generate = load_generator()
header = generate.parse(HEADER.read_text())


def expected(ctype: str) -> Any:
    """The ctypes type for the (normalized) C type `ctype`."""
    if ctype in SCALARS:
        return SCALARS[ctype]
    base = ctype.rstrip("*")
    if base in header.typedefs:  # an enum
        return expected(header.typedefs[base] + ctype[len(base):])
    if base in header.callbacks:
        return getattr(b, base)
    result: Any = SCALARS[base] if base in SCALARS else getattr(b, base)
    for _ in range(len(ctype) - len(base)):
        result = ctypes.POINTER(result)
    return result


def test_the_generated_module_is_up_to_date() -> None:
    module = HERE.parent / "src" / "libe2b" / "_bindings.py"
    assert generate.generate(HEADER.read_text()) == module.read_text(), \
        "the header changed: run python bindings/python/generate.py"


def test_the_parser_finds_every_prototype() -> None:
    prototypes = set(re.findall(r"^\S[^(/#]*?\b(e2b_\w+)\(", HEADER.read_text(), re.M))
    assert {f.name for f in header.functions} == prototypes
    assert len(prototypes) > 150


def test_every_function_has_the_header_types() -> None:
    declared = {name for name in dir(b) if name.startswith("e2b_") and not isinstance(getattr(b, name), type)}
    assert declared == {f.name for f in header.functions}
    for function in header.functions:
        loaded = getattr(b, function.name)
        assert loaded.restype is expected(function.result), function.name
        assert tuple(loaded.argtypes) == tuple(expected(t) for t, _ in function.params), function.name


def test_callbacks_structs_enums_and_constants_match() -> None:
    for name, (result, params) in header.callbacks.items():
        callback = getattr(b, name)
        assert callback._restype_ is expected(result), name
        assert callback._argtypes_ == tuple(expected(t) for t, _ in params), name
    for name, fields in header.structs.items():
        assert getattr(b, name)._fields_ == [(field, expected(t)) for t, field in fields], name
    for name in header.opaque:
        assert issubclass(getattr(b, name), ctypes.Structure), name
    for enum in header.enums:
        python_name, _ = generate.ENUMS[enum.name]
        assert [m.value for m in getattr(b, python_name)] == [value for _, value, _ in enum.members]
    assert b.ABI_VERSION == int(header.defines["E2B_ABI_VERSION"])
    assert b.VERSION == header.defines["E2B_VERSION"].strip('"')
    assert header.defines["E2B_TIMEOUT_NONE"] == "UINT64_MAX" and b.TIMEOUT_NONE == 2**64 - 1


def test_the_loaded_library_implements_this_abi() -> None:
    assert b.e2b_abi_version() == libe2b.ABI_VERSION
    assert libe2b.library_version == (b.e2b_version() or b"").decode()
    assert b.e2b_version_number() == b.VERSION_NUMBER
    assert Path(libe2b.library_path).is_file()


def test_another_abi_is_refused_with_a_clear_error() -> None:
    with pytest.raises(ImportError, match=f"implements ABI version {b.ABI_VERSION}.*made for ABI version 999"):
        _library.load(999)


def test_libe2b_path_overrides_the_search(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LIBE2B_PATH", "/nowhere/libe2b.so")
    assert _library.candidates() == [Path("/nowhere/libe2b.so")]
    with pytest.raises(ImportError, match="/nowhere/libe2b.so.*LIBE2B_PATH"):
        _library.load(b.ABI_VERSION)
    monkeypatch.delenv("LIBE2B_PATH")
    package = Path(_library.__file__).resolve().parent
    assert _library.candidates()[0] == package / _library.FILE_NAME


def test_a_missing_library_fails_the_import() -> None:
    env = dict(os.environ, LIBE2B_PATH="/nowhere/libe2b.so")
    run = subprocess.run([sys.executable, "-c", "import libe2b"], env=env, capture_output=True, text=True)
    assert run.returncode != 0
    assert "ImportError: libe2b: the shared library was not found" in run.stderr
