"""What every wrapper shares: owned handles, calls with callbacks and error
checking, and conversions between Python and C values."""

from __future__ import annotations

import ctypes
import functools
import math
import os
import re
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, NoReturn, TypeVar, Union

from . import _bindings as b
from ._cancel import CancelToken, call_blocking, trampoline
from ._errors import NotFoundException, error_from

if TYPE_CHECKING:
    from typing import Self

T = TypeVar("T", bound=ctypes.Structure)
P = TypeVar("P")

# Aliases are evaluated at run time: no `X | Y` in them before Python 3.10.
PathLike = Union[str, os.PathLike[str]]


class Handle(Generic[T]):
    """Owns a library object: ``close()`` (or leaving a ``with`` block)
    releases it, and the garbage collector does if nothing else did. Using a
    closed handle raises ``ValueError``; closing twice is harmless."""

    _free: ClassVar[Callable[[Any], None]]
    _raw: ctypes._Pointer[T] | None = None

    def __init__(self, ptr: ctypes._Pointer[T]) -> None:
        self._raw = ptr

    @property
    def _ptr(self) -> ctypes._Pointer[T]:
        if self._raw is None:
            raise ValueError(f"this {type(self).__name__} is closed")
        return self._raw

    @property
    def closed(self) -> bool:
        """Whether ``close()`` was called."""
        return self._raw is None

    def close(self) -> None:
        """Releases the library object."""
        ptr, self._raw = self._raw, None
        if ptr:
            type(self)._free(ptr)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def __del__(self) -> None:
        self.close()


_ErrorPointer = ctypes.POINTER(b.e2b_error)


def unchecked(function: Any) -> Any:
    """A second entry point to the library function `function` (one of
    ``_bindings``' declarations) that skips ctypes' check of each argument
    against the declared types.

    That check costs more than anything else ctypes does in a call: each
    pointer argument that is not an instance of the pointed-to type (a
    handle, a ``byref``, a cancel token) goes through two to three
    ``isinstance`` checks, one of them a failing one that looks the object's
    ``__class__`` up, about 1,300 instructions per argument. Without the
    declared types ctypes passes each argument by what it is: a ctypes
    pointer or ``byref`` as its address, ``bytes`` as a pointer to its
    contents, ``None`` as NULL, a ctypes number (``c_size_t``, ``c_uint64``,
    ``c_bool``) as that number, and a Python ``int`` as a C ``int``. So the
    caller passes exactly those, as the declaration says: a handle's ``_ptr``
    (closed handles still raise), ``encode``'s bytes (NUL and type still
    checked), and a ctypes number for every integer wider than ``int32_t``.
    The result's type is the declared one."""
    raw = b._lib[function.__name__]
    raw.restype = function.restype
    return raw


class _Unchecked:
    """``unchecked`` twins of ``_bindings``' functions, by the same names,
    each made on first use (then an attribute like any other)."""

    def __getattr__(self, name: str) -> Any:
        function = unchecked(getattr(b, name))
        setattr(self, name, function)
        return function


u: Any = _Unchecked()
"""``u.e2b_x(...)``: ``b.e2b_x(...)`` without ctypes' argument checks, for
the calls made most often (see ``unchecked`` for what the caller passes)."""


class Call:
    """One call into the library (or a few in a row): it receives the error
    object, passes the cancel token to blocking functions, keeps the C
    callbacks made for it alive, and holds the first exception a callback
    raised, which aborts the operation and is re-raised by ``check``."""

    __slots__ = ("_err", "err", "_not_found", "_cancel", "_callbacks", "_raised")

    def __init__(self, not_found: type[NotFoundException] = NotFoundException,
                 cancel: CancelToken | None = None) -> None:
        self._err = _ErrorPointer()
        self.err = ctypes.byref(self._err)
        self._not_found = not_found
        self._cancel = cancel
        self._callbacks: list[Any] = []
        self._raised: BaseException | None = None

    def callback(self, cb_type: Any, fn: Callable[..., int], aborted: int = 1) -> Any:
        """`fn` as a C callback of `cb_type` (user data dropped). When it
        raises, or Ctrl-C interrupted the call, the callback returns
        `aborted`, which stops the operation."""
        callback = cb_type(functools.partial(trampoline, self, fn, aborted))
        self._callbacks.append(callback)
        return callback

    def blocking(self, function: Callable[..., int], *args: Any) -> int:
        """Calls the blocking C `function` with `args`, then the cancel token
        and the error out-pointer, and returns its code. Raises
        ``KeyboardInterrupt`` when Ctrl-C interrupted it."""
        code, interrupted = call_blocking(function, args, self._cancel, self.err)
        if interrupted:
            self._interrupted()
        return code

    def run(self, function: Callable[..., int], *args: Any) -> None:
        """``blocking``, then ``check`` (written out: this is the path of
        nearly every call, where each Python step counts)."""
        code, interrupted = call_blocking(function, args, self._cancel, self.err)
        if interrupted:
            self._interrupted()
        if code or self._raised is not None:
            self.check(code)

    def _interrupted(self) -> NoReturn:
        """Raises ``KeyboardInterrupt`` (the one a callback raised, if it did)
        for a call Ctrl-C interrupted."""
        raised, self._raised = self._raised, None
        self._drop_error()
        raise raised if isinstance(raised, KeyboardInterrupt) else KeyboardInterrupt

    def check(self, code: int, ok: int = b.ErrorCode.OK) -> None:
        """Raises what a callback raised, or the error the call failed with
        unless its code is `ok` (a callback's deliberate stop)."""
        raised, self._raised = self._raised, None
        try:
            if raised is not None:
                raise raised
            if code not in (b.ErrorCode.OK, ok):
                raise error_from(self._err, self._not_found)
        finally:
            self._drop_error()

    def _drop_error(self) -> None:
        """Frees the error object, if there is one. (Every way out of a
        failed call comes through here: ``run`` and ``check`` right after
        the call; no ``__del__``, which would run on every call.)"""
        if self._err:
            b.e2b_error_free(self._err)
            ctypes.memset(ctypes.addressof(self._err), 0, ctypes.sizeof(self._err))


class owned(Generic[P]):
    """Frees the library object `ptr` (if not ``None``) when the ``with``
    block ends (a class rather than a generator: it is on the path of
    every call)."""

    __slots__ = ("ptr", "free")

    def __init__(self, ptr: P, free: Callable[[P], None]) -> None:
        self.ptr, self.free = ptr, free

    def __enter__(self) -> P:
        return self.ptr

    def __exit__(self, *exc_info: object) -> None:
        if self.ptr is not None:
            self.free(self.ptr)


DEFAULTS: owned[Any] = owned(None, lambda ptr: None)
"""The options of a call given none: NULL (the library's defaults), nothing
to free. One shared object: the options of most calls."""


def encode(text: str) -> bytes:
    """A string argument as UTF-8 (the library's NUL-terminated strings)."""
    if "\0" in text:
        raise ValueError(f"a NUL character cannot pass to the library: {text!r}")
    return text.encode()


def encode_path(path: PathLike) -> bytes:
    """A local path as the library takes it."""
    return encode(os.fspath(path))


def decode(text: bytes | None) -> str | None:
    """A string from the library (always UTF-8)."""
    return None if text is None else text.decode()


def parse_time(text: str) -> datetime:
    """A time from the library (RFC 3339), as an aware ``datetime``. Before
    Python 3.11, ``fromisoformat`` takes neither ``Z`` nor more than six
    digits of a second's fraction, and the library gives both: they are
    rewritten then (since 3.11 the first try parses every such time)."""
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        text = _FRACTION.sub(lambda m: "." + (m.group(1) + "00000")[:6], text)
        return datetime.fromisoformat(_UTC.sub("+00:00", text))


_FRACTION = re.compile(r"\.(\d+)")
_UTC = re.compile(r"[Zz]$")


def content(data: bytes | bytearray | memoryview | str) -> bytes:
    """File contents or stdin: bytes as they are, text as UTF-8."""
    return data.encode() if isinstance(data, str) else bytes(data)


def milliseconds(seconds: float | None, *, zero: int = 0) -> int:
    """A duration in seconds as the library's milliseconds, rounded up (so
    that a short one never becomes 0): ``None`` gives 0 (the library's
    default), 0 gives `zero` (``b.TIMEOUT_NONE`` where 0 means no limit), and
    ``math.inf`` no limit. A negative duration raises ``ValueError``."""
    if seconds is None:
        return 0
    if seconds < 0 or seconds != seconds:
        raise ValueError(f"a duration cannot be negative or NaN: {seconds}")
    if seconds == 0:
        return zero
    if seconds == math.inf:
        return b.TIMEOUT_NONE
    return min(max(math.ceil(seconds * 1000), 1), b.TIMEOUT_NONE - 1)


NO_LIMIT = b.TIMEOUT_NONE
"""``milliseconds(..., zero=NO_LIMIT)``: 0 means no limit."""


def borrowed_bytes(data: int | None, length: int) -> bytes:
    """A copy of `length` bytes the library lent at address `data`."""
    return ctypes.string_at(data, length) if data and length else b""


def take_bytes(value: b.e2b_bytes) -> bytes:
    """The contents of an ``e2b_bytes``, which it disposes of."""
    try:
        data, length = value.data, value.len
        return _string_at(data, length) if data and length else b""
    finally:
        _bytes_dispose(ctypes.byref(value))


_string_at = ctypes.string_at
_bytes_dispose = unchecked(b.e2b_bytes_dispose)


def items(ptr: Any, length: Callable[[Any], int], get: Callable[[Any, int], P]) -> list[P]:
    """The elements of a library list."""
    return [get(ptr, i) for i in range(length(ptr))]


def pairs(ptr: Any, length: Callable[[Any], int], key: Callable[[Any, int], bytes | None],
          value: Callable[[Any, int], bytes | None]) -> dict[str, str]:
    """A library map (metadata) as a dict."""
    return {(key(ptr, i) or b"").decode(): (value(ptr, i) or b"").decode() for i in range(length(ptr))}
