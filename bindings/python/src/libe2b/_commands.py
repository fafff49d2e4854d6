"""Commands in the sandbox: ``sandbox.commands``."""

from __future__ import annotations

import builtins
import ctypes
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, NamedTuple, Union

from . import _bindings as b
from ._bindings import Stream
from ._cancel import CancelToken
from ._core import (
    DEFAULTS,
    NO_LIMIT,
    Call,
    Handle,
    borrowed_bytes,
    content,
    decode,
    encode,
    items,
    milliseconds,
    owned,
    pairs,
    take_bytes,
    u,
)
from ._errors import CommandExitException

if TYPE_CHECKING:
    from ._pty import InputStream
    from ._sandbox import Sandbox

# Union, not `|`: the alias is evaluated at import, and Python 3.9 has no `|` of types.
StdinData = Union[bytes, bytearray, memoryview, str]
"""Input for a stdin or a terminal: bytes as they are, text as UTF-8."""

OutputCallback = Callable[[bytes], object]
"""Receives a chunk of output: bytes, not necessarily whole lines or valid UTF-8."""


@dataclass(frozen=True)
class CommandResult:
    """How a command ended. A non-zero exit code is data, not an error:
    ``check()`` turns it into ``CommandExitException``."""

    exit_code: int
    """The exit code; -1 when a signal ended the process."""
    stdout: bytes
    stderr: bytes
    error: str | None
    """envd's description of an abnormal end (e.g. "exit status 1")."""
    _failure: str | None = field(default=None, repr=False, compare=False)

    @property
    def stdout_text(self) -> str:
        """stdout decoded as UTF-8 (invalid bytes replaced)."""
        return self.stdout.decode(errors="replace")

    @property
    def stderr_text(self) -> str:
        """stderr decoded as UTF-8 (invalid bytes replaced)."""
        return self.stderr.decode(errors="replace")

    def check(self) -> CommandResult:
        """Returns the result if the command exited with 0; raises
        ``CommandExitException`` otherwise."""
        if self._failure is not None:
            raise CommandExitException(self._failure, self)
        return self

    @classmethod
    def _take(cls, result: ctypes._Pointer[b.e2b_command_result]) -> CommandResult:
        """The result, converted; frees it."""
        try:
            stdout_len, stderr_len = ctypes.c_size_t(), ctypes.c_size_t()
            stdout = borrowed_bytes(u.e2b_command_result_stdout(result, ctypes.byref(stdout_len)), stdout_len.value)
            stderr = borrowed_bytes(u.e2b_command_result_stderr(result, ctypes.byref(stderr_len)), stderr_len.value)
            err = ctypes.POINTER(b.e2b_error)()
            failed = u.e2b_command_result_check(result, ctypes.byref(err)) != 0
            try:
                failure = (b.e2b_error_message(err) or b"").decode() if failed else None
            finally:
                if err:
                    b.e2b_error_free(err)
            return cls(u.e2b_command_result_exit_code(result), stdout, stderr,
                       decode(u.e2b_command_result_error(result)), failure)
        finally:
            u.e2b_command_result_free(result)


class OutputChunk(NamedTuple):
    """A chunk of a command's output (``CommandHandle.next_output``)."""

    stream: Stream
    data: bytes


@dataclass(frozen=True)
class ProcessInfo:
    """A process running in the sandbox."""

    pid: int
    cmd: str
    args: list[str]
    cwd: str | None
    tag: str | None
    envs: dict[str, str]
    """The environment variables given at start."""


def _output(call: Call, on_stdout: OutputCallback | None, on_stderr: OutputCallback | None,
            on_pty: OutputCallback | None = None) -> Any:
    """The output callbacks as one C callback (NULL if all are ``None``)."""
    if on_stdout is None and on_stderr is None and on_pty is None:
        return b.e2b_output_cb()

    def forward(stream: int, data: int | None, length: int) -> int:
        receiver = on_stdout if stream == Stream.STDOUT else on_stderr if stream == Stream.STDERR else on_pty
        if receiver is not None:
            receiver(borrowed_bytes(data, length))
        return 0

    return call.callback(b.e2b_output_cb, forward)


class CommandHandle(Handle[b.e2b_command]):
    """A command running in the background (``Commands.start``,
    ``Commands.connect``). Closing the handle (or leaving its ``with``
    block) stops following the command, which goes on running; ``kill()``
    ends it. Iterating the handle yields its output until it exits."""

    _free = b.e2b_command_free
    _on_pty: OutputCallback | None = None
    """The ``on_data`` given to ``sandbox.pty.create``/``connect``."""

    @property
    def pid(self) -> int:
        """The process id in the sandbox."""
        return b.e2b_command_pid(self._ptr)

    def wait(self, *, on_stdout: OutputCallback | None = None, on_stderr: OutputCallback | None = None,
             on_pty: OutputCallback | None = None, cancel: CancelToken | None = None) -> CommandResult:
        """Waits for the command to end, passing output not yet taken to the
        callbacks (a terminal's to `on_pty`, else to the ``on_data`` given
        at ``pty.create``). A cancelled (or interrupted) wait kills the command."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_command_result)()
        callback = _output(call, on_stdout, on_stderr, on_pty or self._on_pty)
        call.run(b.e2b_command_wait, self._ptr, callback, None, ctypes.byref(out))
        return CommandResult._take(out)

    def next_output(self, timeout: float, *, cancel: CancelToken | None = None) -> OutputChunk | CommandResult | None:
        """The next output chunk, or the result once the command has exited
        (then every later call returns it again), or ``None`` if nothing came
        within `timeout` seconds (0: do not wait; ``math.inf``: until
        something comes). A cancelled pull keeps the output for the next one,
        and the command goes on running."""
        call = Call(cancel=cancel)
        stream = ctypes.c_int32()
        data = b.e2b_bytes()
        result = ctypes.POINTER(b.e2b_command_result)()
        try:
            call.run(b.e2b_command_next_output, self._ptr, milliseconds(timeout), ctypes.byref(stream),
                     ctypes.byref(data), ctypes.byref(result))
        finally:
            chunk = take_bytes(data)
        if result:
            return CommandResult._take(result)
        return OutputChunk(Stream(stream.value), chunk) if stream.value else None

    def __iter__(self) -> Iterator[OutputChunk]:
        while not isinstance(output := self.next_output(60), CommandResult):
            if output is not None:
                yield output

    @property
    def is_pty(self) -> bool:
        """Whether the command runs in a terminal (``sandbox.pty``)."""
        return b.e2b_command_is_pty(self._ptr)

    def send_stdin(self, data: bytes | bytearray | memoryview | str, *, cancel: CancelToken | None = None) -> None:
        """Writes `data` (text as UTF-8) to the command's stdin (started with
        ``stdin=True``), or to its terminal."""
        call = Call(cancel=cancel)
        data = content(data)
        call.run(b.e2b_command_send_stdin, self._ptr, data, len(data))

    def close_stdin(self, *, cancel: CancelToken | None = None) -> None:
        """Closes the command's stdin, so it reads end-of-file."""
        call = Call(cancel=cancel)
        call.run(b.e2b_command_close_stdin, self._ptr)

    def kill(self, *, cancel: CancelToken | None = None) -> bool:
        """Kills the command; ``False`` if it had already ended."""
        call = Call(cancel=cancel)
        killed = ctypes.c_bool()
        call.run(b.e2b_command_kill, self._ptr, ctypes.byref(killed))
        return killed.value


class Commands:
    """Runs commands in a sandbox (``sandbox.commands``) with ``bash -l -c``.

    ``timeout`` is the process's lifetime in seconds (60 by default, 0 for
    no limit): it is killed when it passes, and ``TimeoutException`` raised.
    Every method takes ``cancel=``, a ``CancelToken`` that cancels the call.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    @staticmethod
    def _options(call: Call, envs: Mapping[str, str] | None, cwd: str | None, user: str | None,
                 timeout: float | None, stdin: bool = False, retain_output: bool = True) -> owned[Any]:
        """The command options, freed when the ``with`` block ends (``DEFAULTS``
        when none is given)."""
        if not envs and cwd is None and user is None and timeout is None and not stdin and retain_output:
            return DEFAULTS
        options = b.e2b_command_options_new()
        try:
            for name, value in (envs or {}).items():
                call.check(b.e2b_command_options_set_env(options, encode(name), encode(value), call.err))
            if cwd is not None:
                call.check(b.e2b_command_options_set_cwd(options, encode(cwd), call.err))
            if user is not None:
                call.check(b.e2b_command_options_set_user(options, encode(user), call.err))
            if timeout is not None:
                call.check(b.e2b_command_options_set_timeout_ms(options, milliseconds(timeout, zero=NO_LIMIT),
                                                               call.err))
            if stdin:
                call.check(b.e2b_command_options_set_stdin(options, True, call.err))
            if not retain_output:
                call.check(b.e2b_command_options_set_retain_output(options, False, call.err))
        except BaseException:
            b.e2b_command_options_free(options)
            raise
        return owned(options, b.e2b_command_options_free)

    def run(self, cmd: str, *, envs: Mapping[str, str] | None = None, cwd: str | None = None,
            user: str | None = None, timeout: float | None = None, on_stdout: OutputCallback | None = None,
            on_stderr: OutputCallback | None = None, retain_output: bool = True,
            cancel: CancelToken | None = None) -> CommandResult:
        """Runs `cmd` and waits for it to end, passing output to the
        callbacks as it arrives. A non-zero exit code is in the result;
        without `retain_output` the result's stdout and stderr stay empty.
        A cancelled (or interrupted) run kills the command."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_command_result)()
        with self._options(call, envs, cwd, user, timeout, retain_output=retain_output) as options:
            callback = _output(call, on_stdout, on_stderr)
            call.run(u.e2b_commands_run, self._sandbox._ptr, encode(cmd), options, callback, None, ctypes.byref(out))
        return CommandResult._take(out)

    def start(self, cmd: str, *, envs: Mapping[str, str] | None = None, cwd: str | None = None,
              user: str | None = None, timeout: float | None = None, stdin: bool = False,
              retain_output: bool = True, cancel: CancelToken | None = None) -> CommandHandle:
        """Starts `cmd` in the background and returns at once; with `stdin`
        its stdin stays open for ``send_stdin``. `cancel` applies to the
        start only; a start cancelled before the sandbox said the process's
        id may have started it (``list`` finds it)."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_command)()
        with self._options(call, envs, cwd, user, timeout, stdin, retain_output) as options:
            call.run(b.e2b_commands_start, self._sandbox._ptr, encode(cmd), options, ctypes.byref(out))
        return CommandHandle(out)

    def connect(self, pid: int, *, timeout: float | None = None, retain_output: bool = True,
                cancel: CancelToken | None = None) -> CommandHandle:
        """Attaches to the running process `pid` to follow its output from
        now on, for at most `timeout` seconds (``None`` or 0: no limit; the
        process goes on running when it passes)."""
        from ._pty import connect_options

        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_command)()
        if timeout is None and retain_output:
            call.run(b.e2b_commands_connect, self._sandbox._ptr, pid, ctypes.byref(out))
        else:
            with connect_options(call, timeout, retain_output) as options:
                call.run(b.e2b_commands_connect_with, self._sandbox._ptr, pid, options, ctypes.byref(out))
        return CommandHandle(out)

    def list(self, *, cancel: CancelToken | None = None) -> builtins.list[ProcessInfo]:
        """The processes running in the sandbox."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_process_list)()
        call.run(b.e2b_commands_list, self._sandbox._ptr, ctypes.byref(out))
        with owned(out, b.e2b_process_list_free):
            return [
                ProcessInfo(
                    pid=b.e2b_process_info_pid(info),
                    cmd=decode(b.e2b_process_info_cmd(info)) or "",
                    args=[decode(a) or "" for a in items(info, b.e2b_process_info_args_len, b.e2b_process_info_args_get)],
                    cwd=decode(b.e2b_process_info_cwd(info)),
                    tag=decode(b.e2b_process_info_tag(info)),
                    envs=pairs(info, b.e2b_process_info_envs_len, b.e2b_process_info_envs_key,
                               b.e2b_process_info_envs_value),
                )
                for info in items(out, b.e2b_process_list_len, b.e2b_process_list_get)
            ]

    def kill(self, pid: int, *, cancel: CancelToken | None = None) -> bool:
        """Kills the process `pid`; ``False`` if there was none."""
        call = Call(cancel=cancel)
        killed = ctypes.c_bool()
        call.run(b.e2b_commands_kill, self._sandbox._ptr, pid, ctypes.byref(killed))
        return killed.value

    def send_stdin(self, pid: int, data: bytes | bytearray | memoryview | str, *,
                   cancel: CancelToken | None = None) -> None:
        """Writes `data` (text as UTF-8) to the stdin of process `pid`."""
        call = Call(cancel=cancel)
        data = content(data)
        call.run(b.e2b_commands_send_stdin, self._sandbox._ptr, pid, data, len(data))

    def close_stdin(self, pid: int, *, cancel: CancelToken | None = None) -> None:
        """Closes the stdin of process `pid`."""
        call = Call(cancel=cancel)
        call.run(b.e2b_commands_close_stdin, self._sandbox._ptr, pid)

    def stream_input(self, pid: int, data: Iterable[StdinData], *, timeout: float | None = 60,
                     cancel: CancelToken | None = None) -> None:
        """Sends the chunks of `data`, as the iterable yields them, to the
        stdin of process `pid` through one input stream (see ``open_input``),
        and returns once the sandbox has written them all. `timeout` bounds
        the stream in seconds (``None`` or 0: no limit)."""
        from ._pty import stream_all

        stream_all(lambda: self.open_input(pid, timeout=timeout, cancel=cancel), data, cancel)

    def open_input(self, pid: int, *, timeout: float | None = 60, keepalive_interval: float | None = None,
                   cancel: CancelToken | None = None) -> InputStream:
        """Opens an input stream to the stdin of process `pid`: ``write``
        to it, then ``close`` it (or use it in a ``with`` block). Over the
        client-streaming StreamInput RPC where the sandbox has it, with a
        keepalive after `keepalive_interval` seconds of quiet (default 50);
        else one SendInput per write (``InputStream.streaming`` tells which).
        `cancel` applies to opening only."""
        from ._pty import open_input

        return open_input(b.e2b_commands_open_input, self._sandbox, pid, timeout, keepalive_interval, cancel)
