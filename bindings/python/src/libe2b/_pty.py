"""Terminals in the sandbox (``sandbox.pty``) and input streams."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from . import _bindings as b
from ._cancel import CancelToken
from ._commands import CommandHandle, OutputCallback, StdinData
from ._core import NO_LIMIT, Call, Handle, content, encode, milliseconds, owned

if TYPE_CHECKING:
    from ._sandbox import Sandbox


@dataclass(frozen=True)
class PtySize:
    """A terminal's size in character cells."""

    rows: int
    cols: int


def connect_options(call: Call, timeout: float | None, retain_output: bool) -> owned[Any]:
    """Attach options, freed when the ``with`` block ends."""
    options = b.e2b_connect_options_new()
    try:
        if timeout is not None:
            call.check(b.e2b_connect_options_set_timeout_ms(options, milliseconds(timeout, zero=NO_LIMIT), call.err))
        if not retain_output:
            call.check(b.e2b_connect_options_set_retain_output(options, False, call.err))
    except BaseException:
        b.e2b_connect_options_free(options)
        raise
    return owned(options, b.e2b_connect_options_free)


class InputStream(Handle[b.e2b_input_stream]):
    """Input to a process's stdin or terminal, sent as it is written
    (``Commands.open_input``, ``Pty.open_input``). ``close()`` ends the
    stream and waits for the sandbox's answer; leaving a ``with`` block
    closes it (raising what the sandbox answered), or, when the block
    raised, abandons it. Closing the stream does not close the process's stdin.

    Over StreamInput the sandbox's errors (its stdin closed, the process
    gone) come from ``close()``, or from a later ``write`` once the stream
    has failed."""

    _free = b.e2b_input_stream_free

    @property
    def streaming(self) -> bool:
        """``True`` if the input goes through one StreamInput call, ``False``
        if through one SendInput call per write."""
        return b.e2b_input_stream_is_streaming(self._ptr)

    def write(self, data: StdinData, *, cancel: CancelToken | None = None) -> None:
        """Sends `data` (text as UTF-8)."""
        call = Call(cancel=cancel)
        data = content(data)
        call.run(b.e2b_input_stream_write, self._ptr, data, len(data))

    def close(self, *, cancel: CancelToken | None = None) -> None:
        """Ends the stream and waits for the sandbox to have written
        everything; the handle is then released (closing twice is harmless)."""
        if self.closed:
            return
        call = Call(cancel=cancel)
        try:
            call.run(b.e2b_input_stream_close, self._ptr)
        finally:
            self.abandon()

    def abandon(self) -> None:
        """Ends the stream without waiting for the answer, and releases it."""
        Handle.close(self)

    def __exit__(self, *exc_info: object) -> None:
        if exc_info[0] is None:
            self.close()
        else:
            self.abandon()

    def __del__(self) -> None:
        self.abandon()


def open_input(function: Callable[..., int], sandbox: Sandbox, pid: int, timeout: float | None,
               keepalive_interval: float | None, cancel: CancelToken | None) -> InputStream:
    """Opens an input stream with `function` (``e2b_commands_open_input`` or
    ``e2b_pty_open_input``)."""
    call = Call(cancel=cancel)
    out = ctypes.POINTER(b.e2b_input_stream)()
    options = b.e2b_input_options_new()
    with owned(options, b.e2b_input_options_free):
        call.check(b.e2b_input_options_set_timeout_ms(options, milliseconds(timeout, zero=NO_LIMIT)
                                                      if timeout is not None else NO_LIMIT, call.err))
        if keepalive_interval is not None:
            call.check(b.e2b_input_options_set_keepalive_interval_ms(options, milliseconds(keepalive_interval),
                                                                     call.err))
        call.run(function, sandbox._ptr, pid, options, ctypes.byref(out))
    return InputStream(out)


def stream_all(open_stream: Callable[[], InputStream], data: Iterable[StdinData],
               cancel: CancelToken | None) -> None:
    """Opens a stream, writes every chunk of `data` to it, then closes it."""
    if isinstance(data, (str, bytes, bytearray, memoryview)):
        raise TypeError("`data` must be an iterable of chunks, not a single chunk: wrap it in a list")
    with open_stream() as stream:
        for chunk in data:
            stream.write(chunk, cancel=cancel)
        stream.close(cancel=cancel)


class Pty:
    """Terminals in a sandbox (``sandbox.pty``): an interactive ``bash -i -l``
    in a pseudo-terminal. Its output is what the terminal shows, escape
    sequences included, as bytes: to ``on_data`` (or ``wait(on_pty=...)``),
    or pulled from the handle (``next_output``, iteration) as
    ``Stream.PTY`` chunks. A terminal has no stdin to close: send Ctrl-D
    (``"\\x04"``). Every method takes ``cancel=``."""

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    def create(self, size: PtySize, *, on_data: OutputCallback | None = None, user: str | None = None,
               cwd: str | None = None, envs: Mapping[str, str] | None = None, timeout: float | None = 60,
               cancel: CancelToken | None = None) -> CommandHandle:
        """Starts a shell in a new terminal of `size` and returns at once.
        `timeout` is its lifetime in seconds (``None`` or 0: no limit).
        `envs` override the defaults (``TERM=xterm-256color``, ``LANG`` and
        ``LC_ALL`` ``C.UTF-8``). `on_data` receives the output while the
        handle's ``wait`` runs."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_command)()
        options = b.e2b_pty_options_new()
        with owned(options, b.e2b_pty_options_free):
            for name, value in (envs or {}).items():
                call.check(b.e2b_pty_options_set_env(options, encode(name), encode(value), call.err))
            if cwd is not None:
                call.check(b.e2b_pty_options_set_cwd(options, encode(cwd), call.err))
            if user is not None:
                call.check(b.e2b_pty_options_set_user(options, encode(user), call.err))
            call.check(b.e2b_pty_options_set_timeout_ms(options, milliseconds(timeout, zero=NO_LIMIT)
                                                        if timeout is not None else NO_LIMIT, call.err))
            _check_size(size)
            call.run(b.e2b_pty_create, self._sandbox._ptr, size.rows, size.cols, options, ctypes.byref(out))
        handle = CommandHandle(out)
        handle._on_pty = on_data
        return handle

    def connect(self, pid: int, *, on_data: OutputCallback | None = None, timeout: float | None = 60,
                cancel: CancelToken | None = None) -> CommandHandle:
        """Attaches to the terminal of the running process `pid`, following
        it for at most `timeout` seconds (``None`` or 0: no limit)."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_command)()
        with connect_options(call, timeout if timeout is not None else 0, True) as options:
            call.run(b.e2b_pty_connect, self._sandbox._ptr, pid, options, ctypes.byref(out))
        handle = CommandHandle(out)
        handle._on_pty = on_data
        return handle

    def send_stdin(self, pid: int, data: StdinData, *, cancel: CancelToken | None = None) -> None:
        """Writes `data` (keystrokes; text as UTF-8) to the terminal of `pid`."""
        call = Call(cancel=cancel)
        data = content(data)
        call.run(b.e2b_pty_send_stdin, self._sandbox._ptr, pid, data, len(data))

    def stream_input(self, pid: int, data: Iterable[StdinData], *, timeout: float | None = 60,
                     cancel: CancelToken | None = None) -> None:
        """``Commands.stream_input`` for the terminal of `pid`."""
        stream_all(lambda: self.open_input(pid, timeout=timeout, cancel=cancel), data, cancel)

    def open_input(self, pid: int, *, timeout: float | None = 60, keepalive_interval: float | None = None,
                   cancel: CancelToken | None = None) -> InputStream:
        """``Commands.open_input`` for the terminal of `pid`."""
        return open_input(b.e2b_pty_open_input, self._sandbox, pid, timeout, keepalive_interval, cancel)

    def resize(self, pid: int, size: PtySize, *, cancel: CancelToken | None = None) -> None:
        """Resizes the terminal of `pid`; its programs get SIGWINCH."""
        _check_size(size)
        call = Call(cancel=cancel)
        call.run(b.e2b_pty_resize, self._sandbox._ptr, pid, size.rows, size.cols)

    def kill(self, pid: int, *, cancel: CancelToken | None = None) -> bool:
        """Kills the terminal's process `pid`; ``False`` if there was none."""
        call = Call(cancel=cancel)
        killed = ctypes.c_bool()
        call.run(b.e2b_pty_kill, self._sandbox._ptr, pid, ctypes.byref(killed))
        return killed.value


def _check_size(size: PtySize) -> None:
    """Rows and columns fit the C ABI's 16 bits (the library rejects zeros)."""
    for name, value in (("rows", size.rows), ("cols", size.cols)):
        if not 0 <= value <= 0xFFFF:
            raise ValueError(f"a terminal's {name} must be between 1 and 65535, not {value}")
