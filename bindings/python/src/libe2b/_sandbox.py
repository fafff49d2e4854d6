"""A sandbox: its lifecycle and the code interpreter."""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from . import _bindings as b
from ._bindings import SandboxState
from ._code import Context, Execution, ExecutionError, OutputMessage, Result, execution_callback
from ._commands import Commands
from ._git import Git
from ._pty import Pty
from ._cancel import CancelToken
from ._core import (DEFAULTS, NO_LIMIT, Call, Handle, decode, encode, items, milliseconds, owned, parse_time,
                    take_bytes, u)
from ._files import Filesystem
from ._volume import mounts_of

if TYPE_CHECKING:
    from ._snapshots import SnapshotInfo, SnapshotMode, SnapshotPaginator
from ._metrics import SandboxMetrics, read_list as read_metrics, unix_ms


@dataclass(frozen=True)
class SandboxInfo:
    """What the control plane knows of a sandbox."""

    sandbox_id: str
    template_id: str
    name: str | None
    """The template's alias, if it has one."""
    metadata: dict[str, str]
    started_at: datetime
    end_at: datetime
    """When the sandbox will end unless its timeout is extended."""
    state: SandboxState
    cpu_count: int
    memory_mb: int
    disk_size_mb: int
    """0 when the server did not say."""
    envd_version: str
    volume_mounts: list[dict[str, str]] = field(default_factory=list)
    """The volumes mounted in the sandbox, as the SDK gives them: ``{"name", "path"}`` each."""

    @classmethod
    def _from(cls, fields: b.e2b_sandbox_fields,
              info: ctypes._Pointer[b.e2b_sandbox_info] | None = None) -> SandboxInfo:
        """The sandbox the library's `fields` describe (read in one call:
        ``e2b_sandbox_info_fields``, ``e2b_sandbox_page_fields``)."""
        alias, count = fields.alias, fields.metadata_len
        return cls(
            sandbox_id=fields.sandbox_id.decode(),
            template_id=fields.template_id.decode(),
            name=alias.decode() if alias else None,
            metadata={p.key.decode(): p.value.decode() for p in fields.metadata[:count]} if count else {},
            started_at=parse_time(fields.started_at.decode()),
            end_at=parse_time(fields.end_at.decode()),
            state=SandboxState(fields.state),
            cpu_count=fields.cpu_count,
            memory_mb=fields.memory_mb,
            disk_size_mb=fields.disk_size_mb,
            envd_version=fields.envd_version.decode(),
            volume_mounts=[{"name": n, "path": p} for p, n in mounts_of(info).items()] if info else [],
        )

    @classmethod
    def _take(cls, info: ctypes._Pointer[b.e2b_sandbox_info]) -> SandboxInfo:
        with owned(info, b.e2b_sandbox_info_free):
            return cls._from(b.e2b_sandbox_info_fields(info).contents, info)


class Sandbox(Handle[b.e2b_sandbox]):
    """A handle to a sandbox (``Client.create_sandbox``, ``Client.connect``).

    Thread-safe: any number of threads may use one handle at once. Leaving
    a ``with`` block kills the sandbox; ``close()`` releases only the local
    handle (the sandbox lives on until ``kill()`` or its timeout). Every
    blocking method takes ``cancel=``, a ``CancelToken`` that cancels it.
    """

    _free = b.e2b_sandbox_free

    def __init__(self, ptr: ctypes._Pointer[b.e2b_sandbox], resumed: bool = False) -> None:
        super().__init__(ptr)
        self._resumed = resumed

    def __exit__(self, *exc_info: object) -> None:
        """Kills the sandbox and releases the handle."""
        if not self.closed:
            try:
                self.kill()
            finally:
                self.close()

    def __repr__(self) -> str:
        return f"<Sandbox {'(closed)' if self.closed else self.sandbox_id}>"

    def with_deadline(self, seconds: float) -> Sandbox:
        """A view of this sandbox whose every call ends within `seconds` of
        its start, transfers and streams included, and with them the
        commands, watches and readers the call hands out: a call still
        running then raises ``TimeoutException`` ("the call's deadline
        passed"). 0 means no call deadline (the default), even if this handle
        has one; a negative value raises ``ValueError``.

        The view is a handle on the same sandbox, sharing the connections,
        closed on its own. Like any handle, leaving a ``with`` block kills
        the sandbox; ``close()`` releases only the view.
        """
        call = Call()
        out = ctypes.POINTER(b.e2b_sandbox)()
        call.check(b.e2b_sandbox_with_deadline(self._ptr, milliseconds(seconds), ctypes.byref(out), call.err))
        return Sandbox(out, self._resumed)

    @property
    def sandbox_id(self) -> str:
        return decode(b.e2b_sandbox_id(self._ptr)) or ""

    @property
    def template_id(self) -> str:
        return decode(b.e2b_sandbox_template_id(self._ptr)) or ""

    @property
    def envd_version(self) -> str:
        """The version of envd, the agent in the sandbox."""
        return decode(b.e2b_sandbox_envd_version(self._ptr)) or ""

    def get_host(self, port: int) -> str:
        """The public host name of `port` in the sandbox
        (``<port>-<id>.<domain>``): ``https://`` plus it reaches a server the
        sandbox runs on that port. Made locally, without I/O."""
        if not 0 <= port <= 0xFFFF:
            raise ValueError(f"port must be between 0 and 65535: {port}")
        out = b.e2b_bytes()
        call = Call()
        call.check(b.e2b_sandbox_get_host(self._ptr, port, ctypes.byref(out), call.err))
        return take_bytes(out).decode()

    @property
    def resumed(self) -> bool:
        """Whether ``Client.connect`` found the sandbox paused and resumed it."""
        return self._resumed

    @property
    def files(self) -> Filesystem:
        """The sandbox's filesystem."""
        return Filesystem(self)

    @property
    def commands(self) -> Commands:
        """Commands in the sandbox."""
        return Commands(self)

    @property
    def git(self) -> Git:
        """git in the sandbox."""
        return Git(self)

    @property
    def pty(self) -> Pty:
        """Terminals in the sandbox."""
        return Pty(self)

    def kill(self, *, cancel: CancelToken | None = None) -> bool:
        """Kills the sandbox; ``False`` if it no longer existed."""
        call = Call(cancel=cancel)
        killed = ctypes.c_bool()
        call.run(u.e2b_sandbox_kill, self._ptr, ctypes.byref(killed))
        return killed.value

    def pause(self, *, cancel: CancelToken | None = None) -> bool:
        """Pauses the sandbox, keeping its filesystem and memory (resume it
        with ``Client.resume``); ``False`` if it was already paused."""
        call = Call(cancel=cancel)
        paused = ctypes.c_bool()
        call.run(b.e2b_sandbox_pause, self._ptr, ctypes.byref(paused))
        return paused.value

    def set_timeout(self, timeout: float, *, cancel: CancelToken | None = None) -> None:
        """Makes the sandbox end `timeout` seconds from now, rounded up to
        whole seconds (this can shorten its life; 0: the default, 300)."""
        call = Call(cancel=cancel)
        call.run(b.e2b_sandbox_set_timeout, self._ptr, milliseconds(timeout))

    def is_running(self, *, cancel: CancelToken | None = None) -> bool:
        """Whether the sandbox answers: ``False`` when it is paused, killed or expired."""
        call = Call(cancel=cancel)
        running = ctypes.c_bool()
        call.run(b.e2b_sandbox_is_running, self._ptr, ctypes.byref(running))
        return running.value

    def get_info(self, *, cancel: CancelToken | None = None) -> SandboxInfo:
        """What the control plane knows of the sandbox."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_sandbox_info)()
        call.run(b.e2b_sandbox_get_info, self._ptr, ctypes.byref(out))
        return SandboxInfo._take(out)

    def create_snapshot(self, name: str | None = None, *, mode: SnapshotMode | None = None,
                        cancel: CancelToken | None = None) -> SnapshotInfo:
        """Takes a snapshot of the sandbox, which keeps running; start
        sandboxes from it with ``Client.create_sandbox(info.snapshot_id)``.
        `name` (optionally ``name:tag``) names its template: a name that
        exists gets a new build. `mode`: ``"full"`` (memory too, the
        default) or ``"filesystem"``. A paused sandbox raises
        ``SandboxNotFoundException``."""
        from . import _snapshots

        return _snapshots.create_snapshot(Call(cancel=cancel), b.e2b_sandbox_create_snapshot, (self._ptr,), name, mode)

    def list_snapshots(self, limit: int | None = None, next_token: str | None = None, name: str | None = None, *,
                       cancel: CancelToken | None = None) -> SnapshotPaginator:
        """The snapshots taken of this sandbox (see ``Client.list_snapshots``)."""
        from ._snapshots import SnapshotPaginator

        return SnapshotPaginator(self, b.e2b_sandbox_list_snapshots, None, name, limit, next_token, cancel)

    def fork(self, timeout: float | None = None, count: int | None = None, *,
             cancel: CancelToken | None = None) -> list[Sandbox | Exception]:
        """Forks the sandbox: `count` (1 to 20; default 1) new sandboxes
        start from its state of now, each living `timeout` seconds (default
        15), and it runs on, its id and end unchanged. One entry per fork: a
        running ``Sandbox`` or the exception that fork met. A paused sandbox
        raises ``ConflictException``."""
        from . import _snapshots

        return _snapshots.fork(Call(cancel=cancel), b.e2b_sandbox_fork, (self._ptr,), timeout, count)

    def get_metrics(self, start: datetime | None = None, end: datetime | None = None, *,
                    cancel: CancelToken | None = None) -> list[SandboxMetrics]:
        """The sandbox's metrics samples taken from `start` to `end` (both
        included, whole seconds; ``None``: unbounded), oldest first; empty
        before the first sample (E2B samples every 5 seconds)."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_metrics_list)()
        call.run(b.e2b_sandbox_get_metrics, self._ptr, unix_ms(start), unix_ms(end), ctypes.byref(out))
        return read_metrics(out)

    def run_code(self, code: str, *, language: str | None = None, context: Context | str | None = None,
                 envs: Mapping[str, str] | None = None, timeout: float | None = None,
                 on_stdout: Callable[[OutputMessage], object] | None = None,
                 on_stderr: Callable[[OutputMessage], object] | None = None,
                 on_result: Callable[[Result], object] | None = None,
                 on_error: Callable[[ExecutionError], object] | None = None,
                 cancel: CancelToken | None = None) -> Execution:
        """Runs `code` in the code interpreter, in `language`'s default
        context ("python" if neither is given) or in `context`, and returns
        what it produced. The callbacks receive output (with its timestamp),
        results and the error (with its traceback) as they arrive. `timeout`
        is in seconds (300 by default, 0 for no limit): it bounds the whole
        call, the wait for a context busy with another run included."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_execution)()
        with _run_code_options(call, language, context, envs, timeout) as options:
            callback = execution_callback(call, on_stdout, on_stderr, on_result, on_error)
            call.run(u.e2b_code_run, self._ptr, encode(code), options, callback, None, ctypes.byref(out))
        try:
            return Execution._read(out)
        finally:
            u.e2b_execution_free(out)

    def create_code_context(self, language: str | None = None, cwd: str | None = None, *,
                            cancel: CancelToken | None = None) -> Context:
        """Creates a code context with its own state for `language` (Python
        if ``None``) working in `cwd` (the user's home if ``None``)."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_code_context)()
        call.run(b.e2b_code_create_context, self._ptr, None if language is None else encode(language),
                 None if cwd is None else encode(cwd), ctypes.byref(out))
        with owned(out, b.e2b_code_context_free):
            return Context._read(out)

    def list_code_contexts(self, *, cancel: CancelToken | None = None) -> list[Context]:
        """Every code context, the default ones included."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_code_context_list)()
        call.run(b.e2b_code_list_contexts, self._ptr, ctypes.byref(out))
        with owned(out, b.e2b_code_context_list_free):
            return [Context._read(c) for c in items(out, b.e2b_code_context_list_len, b.e2b_code_context_list_get)]

    def restart_code_context(self, context: Context | str, *, cancel: CancelToken | None = None) -> None:
        """Restarts a code context: its state is lost."""
        call = Call(cancel=cancel)
        context_id = context.id if isinstance(context, Context) else context
        call.run(b.e2b_code_restart_context, self._ptr, encode(context_id))

    def remove_code_context(self, context: Context | str, *, cancel: CancelToken | None = None) -> None:
        """Removes a code context."""
        call = Call(cancel=cancel)
        context_id = context.id if isinstance(context, Context) else context
        call.run(b.e2b_code_remove_context, self._ptr, encode(context_id))


def _run_code_options(call: Call, language: str | None, context: Context | str | None,
                      envs: Mapping[str, str] | None, timeout: float | None) -> owned[Any]:
    """The options of ``run_code``, freed when the ``with`` block ends
    (``DEFAULTS`` when none is given)."""
    if language is None and context is None and not envs and timeout is None:
        return DEFAULTS
    options = b.e2b_run_code_options_new()
    try:
        if language is not None:
            call.check(b.e2b_run_code_options_set_language(options, encode(language), call.err))
        if context is not None:
            context_id = context.id if isinstance(context, Context) else context
            call.check(b.e2b_run_code_options_set_context_id(options, encode(context_id), call.err))
        for name, value in (envs or {}).items():
            call.check(b.e2b_run_code_options_set_env(options, encode(name), encode(value), call.err))
        if timeout is not None:
            call.check(b.e2b_run_code_options_set_timeout_ms(options, milliseconds(timeout, zero=NO_LIMIT), call.err))
    except BaseException:
        b.e2b_run_code_options_free(options)
        raise
    return owned(options, b.e2b_run_code_options_free)
