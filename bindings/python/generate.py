"""Generates src/libe2b/_bindings.py, the ctypes declarations of every
function, type and constant of include/e2b.h.

Run it after the header changes: ``python bindings/python/generate.py``. The header
is include/e2b.h, the committed copy of what build.rs generates from src; after
changing src, update it first with ``E2B_BLESS=1 cargo test --test header``.
The tests regenerate the module and fail when the checked-in one differs.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
HEADER = HERE.parents[1] / "include" / "e2b.h"
MODULE = HERE / "src" / "libe2b" / "_bindings.py"

# The Python name of each C enum and the prefix its members lose.
ENUMS = {
    "e2b_error_code": ("ErrorCode", "E2B_ERR_"),
    "e2b_execution_output": ("ExecutionOutput", "E2B_EXECUTION_"),
    "e2b_stream": ("Stream", "E2B_STREAM_"),
    "e2b_file_type": ("FileType", "E2B_FILE_TYPE_"),
    "e2b_event_type": ("FilesystemEventType", "E2B_EVENT_"),
    "e2b_sandbox_state": ("SandboxState", "E2B_SANDBOX_"),
    "e2b_list_order": ("ListOrder", "E2B_LIST_ORDER_"),
    "e2b_snapshot_mode": ("SnapshotMode", "E2B_SNAPSHOT_MODE_"),
    "e2b_on_timeout": ("OnTimeout", "E2B_ON_TIMEOUT_"),
    "e2b_pause_mode": ("PauseMode", "E2B_PAUSE_MODE_"),
    "e2b_on_resume": ("OnResume", "E2B_ON_RESUME_"),
    "e2b_log_level": ("LogLevel", "E2B_LOG_"),
    "e2b_git_file_change": ("GitFileChange", "E2B_GIT_FILE_"),
    "e2b_git_config_scope": ("GitConfigScope", "E2B_GIT_CONFIG_"),
    "e2b_git_reset_mode": ("GitResetMode", "E2B_GIT_RESET_"),
    "e2b_chart_type": ("ChartTypeCode", "E2B_CHART_"),
    "e2b_scale_type": ("ScaleTypeCode", "E2B_SCALE_"),
    "e2b_build_status": ("BuildStatus", "E2B_BUILD_"),
}

# C scalar types, as ctypes types and the Python type a call returns.
SCALARS = {
    "void": ("None", "None"),
    "bool": ("c_bool", "bool"),
    "char": ("c_char", "bytes"),
    "int32_t": ("c_int32", "int"),
    "int64_t": ("c_int64", "int"),
    "uint16_t": ("c_uint16", "int"),
    "uint32_t": ("c_uint32", "int"),
    "uint64_t": ("c_uint64", "int"),
    "size_t": ("c_size_t", "int"),
    "double": ("c_double", "float"),
}


# The <stdint.h> limits the header's constants use, as Python literals.
LIMITS = {"UINT64_MAX": "0xFFFFFFFFFFFFFFFF"}


@dataclass
class Enum:
    name: str
    doc: str
    members: list[tuple[str, int, str]]


@dataclass
class Function:
    name: str
    result: str
    params: list[tuple[str, str]]


@dataclass
class Header:
    defines: dict[str, str]
    enums: list[Enum]
    typedefs: dict[str, str]
    opaque: list[str]
    structs: dict[str, list[tuple[str, str]]]
    callbacks: dict[str, tuple[str, list[tuple[str, str]]]]
    functions: list[Function]


# What the header is read as: a plain C99 compiler (no __cplusplus, no
# __GNUC__, not Windows), so the export and deprecation macros are empty.
PREDEFINED = {"__STDC_VERSION__": "199901L"}


@dataclass
class Macro:
    params: list[str] | None
    """The parameters of a function-like macro; None for an object-like one."""
    body: str


def evaluate(condition: str, macros: dict[str, Macro]) -> bool:
    """The value of an #if condition: `defined`, integers, macros that expand
    to integers (any other identifier is 0, as in C), comparisons, !, && and ||."""
    expr = re.sub(r"defined\s*\(\s*(\w+)\s*\)|defined\s+(\w+)",
                  lambda m: "1" if (m.group(1) or m.group(2)) in macros else "0", condition)

    def value(match: re.Match[str]) -> str:
        word = match.group(0)
        if word[0].isdigit():
            return word.rstrip("uUlL")
        macro = macros.get(word)
        body = macro.body.rstrip("uUlL") if macro and macro.params is None else ""
        return body if body.isdigit() else "0"

    expr = re.sub(r"\b\w+\b", value, expr)
    expr = expr.replace("||", " or ").replace("&&", " and ")
    expr = re.sub(r"!(?!=)", " not ", expr)
    if not re.fullmatch(r"(?:[0-9<>=!() ]|\band\b|\bor\b|\bnot\b)*", expr):
        raise ValueError(f"unsupported condition: {condition}")
    return bool(eval(expr))  # only digits, comparisons, parentheses and and/or/not


def preprocess(text: str) -> tuple[list[str], dict[str, Macro]]:
    """The lines a C99 compiler sees (conditionals resolved, directives
    dropped) and the macros defined on the way."""
    macros = {name: Macro(None, body) for name, body in PREDEFINED.items()}
    lines: list[str] = []
    # Per open conditional: whether its enclosing block is live, whether this
    # branch is, and whether some branch was taken.
    stack: list[list[bool]] = [[True, True, True]]
    for line in text.splitlines():
        match = re.match(r"\s*#\s*(\w+)\s*(.*)", line)
        if match is None:
            if stack[-1][1]:
                lines.append(line)
            continue
        keyword, rest = match.group(1), re.sub(r"/\*.*?\*/|//.*", "", match.group(2)).strip()
        live = stack[-1][1]
        if keyword in ("if", "ifdef", "ifndef"):
            if keyword == "if":
                value = live and evaluate(rest, macros)
            else:
                value = live and ((rest in macros) == (keyword == "ifdef"))
            stack.append([live, value, value])
        elif keyword == "elif":
            parent, _, taken = stack[-1]
            value = parent and not taken and evaluate(rest, macros)
            stack[-1] = [parent, value, taken or value]
        elif keyword == "else":
            parent, _, taken = stack[-1]
            stack[-1] = [parent, parent and not taken, True]
        elif keyword == "endif":
            stack.pop()
        elif keyword == "define" and live:
            define = re.fullmatch(r"(\w+)(\(([^)]*)\))?\s*(.*)", rest)
            if define is None:
                raise ValueError(f"cannot parse: {line!r}")
            params = None if define.group(2) is None else [p.strip() for p in define.group(3).split(",") if p.strip()]
            macros[define.group(1)] = Macro(params, define.group(4))
        elif keyword == "undef" and live:
            macros.pop(rest, None)
        elif keyword not in ("include", "define", "undef", "error", "pragma"):
            raise ValueError(f"unsupported directive: {line!r}")
    if len(stack) != 1:
        raise ValueError("unbalanced #if/#endif")
    return lines, macros


def expand_empty(code: str, macros: dict[str, Macro]) -> str:
    """`code` without its uses of macros that expand to nothing (the export
    and deprecation macros), a function-like one with its arguments."""
    for name, macro in macros.items():
        if macro.body or not name.startswith("E2B_"):
            continue
        if macro.params is None:
            code = re.sub(rf"\b{name}\b", "", code)
            continue
        while match := re.search(rf"\b{name}\s*\(", code):
            depth, i = 1, match.end()
            while depth:
                if i >= len(code):
                    raise ValueError(f"unterminated {name}(")
                char = code[i]
                if char == '"':
                    i = re.compile(r'"(?:[^"\\]|\\.)*"').match(code, i).end() - 1  # type: ignore[union-attr]
                depth += {"(": 1, ")": -1}.get(char, 0)
                i += 1
            code = code[:match.start()] + code[i:]
    return code


def comment_before(lines: list[str], index: int) -> str:
    """The `//` comment lines just above line `index`, joined."""
    doc: list[str] = []
    while index > 0 and lines[index - 1].strip().startswith("//"):
        index -= 1
        doc.insert(0, lines[index].strip()[2:].strip())
    return " ".join(doc)


def parse_params(text: str) -> list[tuple[str, str]]:
    """`type name, type name` as (type, name) pairs; `void` is none."""
    text = " ".join(text.split())
    if text in ("", "void"):
        return []
    params = []
    for param in text.split(","):
        match = re.fullmatch(r"(.*?[\s*])(\w+)", param.strip())
        if match is None:
            raise ValueError(f"cannot parse parameter: {param!r}")
        params.append((normalize(match.group(1)), match.group(2)))
    return params


def normalize(ctype: str) -> str:
    """A C type without `const` and `struct`, with its stars at the end."""
    words = [w for w in ctype.replace("*", " ").split() if w not in ("const", "struct")]
    return " ".join(words) + "*" * ctype.count("*")


def parse(text: str) -> Header:
    lines, macros = preprocess(text)
    defines = {name: m.body for name, m in macros.items() if name.startswith("E2B_") and m.params is None and m.body}
    enums = []
    for i, line in enumerate(lines):
        match = re.match(r"enum (\w+)$", line.strip())
        if match:
            members, j = [], i + 1
            while not lines[j].startswith("};"):
                member = re.match(r"\s*(E2B_\w+) = (-?\d+),", lines[j])
                if member:
                    members.append((member.group(1), int(member.group(2)), comment_before(lines, j)))
                j += 1
            enums.append(Enum(match.group(1), comment_before(lines, i), members))
    code = re.sub(r"//[^\n]*", "", "\n".join(lines))
    code = re.sub(r"/\*.*?\*/", "", code, flags=re.S)
    code = expand_empty(code, macros)
    code = re.sub(r"enum \w+\s*\{.*?\};", "", code, flags=re.S)
    structs = {}
    for name, body in re.findall(r"typedef struct (\w+) \{(.*?)\} \1;", code, re.S):
        structs[name] = [(p[0], p[1]) for p in parse_params(",".join(f.strip() for f in body.split(";") if f.strip()))]
    code = re.sub(r"typedef struct (\w+) \{.*?\} \1;", "", code, flags=re.S)
    header = Header(defines, enums, {}, [], structs, {}, [])
    for statement in " ".join(code.split()).split(";"):
        statement = statement.strip()
        if match := re.fullmatch(r"typedef struct (\w+) \1", statement):
            header.opaque.append(match.group(1))
        elif match := re.fullmatch(r"typedef (\w+) (\w+)", statement):
            header.typedefs[match.group(2)] = match.group(1)
        elif match := re.fullmatch(r"typedef (.+?)\(\*(\w+)\)\((.*)\)", statement):
            header.callbacks[match.group(2)] = (normalize(match.group(1)), parse_params(match.group(3)))
        elif match := re.fullmatch(r"(.+?[\s*])(e2b_\w+)\((.*)\)", statement):
            header.functions.append(Function(match.group(2), normalize(match.group(1)), parse_params(match.group(3))))
        elif statement:
            raise ValueError(f"cannot parse: {statement!r}")
    return header


class Types:
    """Maps the header's C types to ctypes expressions and Python types."""

    def __init__(self, header: Header) -> None:
        self.header = header

    def ctype(self, ctype: str) -> str:
        base, stars = ctype.rstrip("*"), len(ctype) - len(ctype.rstrip("*"))
        base = self.header.typedefs.get(base, base)
        if base == "char" and stars == 1:
            return "c_char_p"
        if base == "char" and stars == 2:
            return "POINTER(c_char_p)"  # an array of strings
        if base == "void" and stars == 1:
            return "c_void_p"
        if base == "uint8_t" and stars == 1:
            return "c_void_p"  # bytes in and out: a bytes object passes without a copy
        if base in self.header.callbacks and stars == 0:
            return base
        inner = SCALARS[base][0] if base in SCALARS else base
        if base not in SCALARS and base not in self.header.opaque and base not in self.header.structs:
            raise ValueError(f"unknown C type: {ctype}")
        for _ in range(stars):
            inner = f"POINTER({inner})"
        return inner

    def pytype(self, ctype: str) -> str:
        mapped = self.ctype(ctype)
        if mapped == "c_char_p":
            return "bytes | None"
        if mapped == "c_void_p":
            return "int | None"
        if mapped.startswith("POINTER("):
            inner = mapped[8:-1]
            while inner.startswith("POINTER("):  # a pointer to pointers
                inner = f"ctypes._Pointer[{inner[8:-1]}]"
            return f"ctypes._Pointer[{inner}]"
        base = self.header.typedefs.get(ctype, ctype)
        return SCALARS[base][1]


def generate(text: str) -> str:
    header = parse(text)
    types = Types(header)
    out = [
        '"""ctypes declarations of include/e2b.h. Generated by bindings/python/generate.py: do not edit."""',
        "",
        "from __future__ import annotations",
        "",
        "import ctypes",
        "import enum",
        "from ctypes import CFUNCTYPE, POINTER, c_bool, c_char, c_char_p, c_double, c_int32, c_int64, c_size_t, c_uint16, c_uint32, c_uint64, c_void_p",
        "from typing import Any, Callable",
        "",
        "from ._library import load",
        "",
        f"VERSION = {header.defines['E2B_VERSION']}",
        f"VERSION_NUMBER = {header.defines['E2B_VERSION_NUMBER']}",
        f"ABI_VERSION = {header.defines['E2B_ABI_VERSION']}",
        f"TIMEOUT_NONE = {LIMITS[header.defines['E2B_TIMEOUT_NONE']]}",
        '"""A duration meaning no limit, where a limit can be lifted."""',
    ]
    out += [
        "",
        "",
        "class _IntEnum(enum.IntEnum):",
        '    """An ``IntEnum`` that prints as its name (``FileType.FILE``), on every',
        "    Python: since 3.11, ``IntEnum`` prints as its number. Formatted with a",
        '    spec (``f\"{code:d}\"``) it is the number."""',
        "",
        "    def __str__(self) -> str:",
        '        return f"{type(self).__name__}.{self.name}"',
        "",
        "    def __format__(self, format_spec: str) -> str:",
        "        return int.__format__(self, format_spec) if format_spec else str(self)",
    ]
    for enum in header.enums:
        if enum.name not in ENUMS:
            raise ValueError(f"new enum {enum.name}: give it a Python name in ENUMS")
        name, prefix = ENUMS[enum.name]
        out += ["", "", f"class {name}(_IntEnum):", f'    """{enum.doc}"""', ""]
        for member, value, doc in enum.members:
            out.append(f"    {member.removeprefix(prefix).removeprefix('E2B_')} = {value}")
            if doc:
                out.append(f'    """{doc}"""')
    for name in header.opaque:
        out += ["", "", f"class {name}(ctypes.Structure):", "    pass"]
    for name, fields in header.structs.items():
        declared = [f'("{field}", {types.ctype(ctype)}),' for ctype, field in fields]
        if any(re.search(rf"\b{name}\b", line) for line in declared):
            # A struct that points to its own type: its fields can name it only once it exists.
            out += ["", "", f"class {name}(ctypes.Structure):", "    pass", "", "", f"{name}._fields_ = ["]
            out += [f"    {line}" for line in declared] + ["]"]
        else:
            out += ["", "", f"class {name}(ctypes.Structure):", "    _fields_ = ["]
            out += [f"        {line}" for line in declared] + ["    ]"]
    out.append("")
    for name, (result, params) in header.callbacks.items():
        args = ", ".join([types.ctype(result)] + [types.ctype(p) for p, _ in params])
        out += ["", f"{name} = CFUNCTYPE({args})"]
    out += [
        "",
        "_lib = load(ABI_VERSION)",
        "library_path: str = _lib._name",
        "",
        "",
        "def _declare(name: str, restype: Any, *argtypes: Any) -> Any:",
        "    try:",
        "        function = getattr(_lib, name)",
        "    except AttributeError:",
        '        raise ImportError(f"libe2b: {library_path} lacks {name}: it is older than include/e2b.h") from None',
        "    function.restype = restype",
        "    function.argtypes = argtypes",
        "    return function",
        "",
        "",
    ]
    for f in header.functions:
        signature = f"Callable[[{', '.join('Any' for _ in f.params)}], {types.pytype(f.result)}]"
        args = ", ".join([f'"{f.name}"', types.ctype(f.result)] + [types.ctype(p) for p, _ in f.params])
        out.append(f"{f.name}: {signature} = _declare({args})")
    return "\n".join(out) + "\n"


def main() -> None:
    MODULE.write_text(generate(HEADER.read_text()))
    print(f"wrote {MODULE}", file=sys.stderr)


if __name__ == "__main__":
    main()
