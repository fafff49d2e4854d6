"""A sandbox: its lifecycle and the code interpreter."""

from __future__ import annotations

import ctypes
import json
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
    from ._network import SandboxNetworkUpdate
    from ._snapshots import SnapshotInfo, SnapshotMode, SnapshotPaginator
from ._metrics import SandboxMetrics, read_list as read_metrics, unix_ms
from ._errors import InvalidArgumentException

_PAUSE_MODES = {None: b.PauseMode.DEFAULT, "full": b.PauseMode.FULL, "filesystem": b.PauseMode.FILESYSTEM}
_ON_RESUME = {"restore": b.OnResume.RESTORE, "reboot": b.OnResume.REBOOT}
_ON_TIMEOUT_NAMES = {b.OnTimeout.KILL: "kill", b.OnTimeout.PAUSE: "pause"}
_PAUSE_MODE_NAMES = {b.PauseMode.FULL: "full", b.PauseMode.FILESYSTEM: "filesystem"}


def pause_mode_arg(keep_memory: bool | None, mode: str | None) -> int:
    """The ``e2b_pause_mode`` of the SDK's ``pause(keep_memory, mode=...)``."""
    if keep_memory is not None and mode is not None:
        raise InvalidArgumentException("give mode or keep_memory (deprecated), not both")
    if keep_memory is not None:
        mode = "full" if keep_memory else "filesystem"
    if mode not in _PAUSE_MODES:
        raise InvalidArgumentException(f"mode must be one of: full, filesystem (got {mode!r})")
    return int(_PAUSE_MODES[mode])


def on_resume_arg(on_resume: str) -> int:
    """The ``e2b_on_resume`` of the SDK's ``on_resume``."""
    if on_resume not in _ON_RESUME:
        raise InvalidArgumentException(f"on_resume must be one of: restore, reboot (got {on_resume!r})")
    return int(_ON_RESUME[on_resume])


def lifecycle_arg(lifecycle: Mapping[str, Any]) -> tuple[int, int, bool | None]:
    """``(e2b_on_timeout, e2b_pause_mode, auto_resume)`` of the SDK's ``lifecycle``
    dict, checked as the SDK's ``build_lifecycle_config`` checks it."""
    on_timeout = lifecycle.get("on_timeout")
    auto_resume = lifecycle.get("auto_resume")
    action: str | None
    mode: str | None = None
    if on_timeout is None:
        action = None
    elif isinstance(on_timeout, str):
        action = on_timeout
    elif isinstance(on_timeout, Mapping):
        action = on_timeout.get("action")
        if "mode" in on_timeout and "keep_memory" in on_timeout:
            raise InvalidArgumentException("give mode or keep_memory (deprecated), not both")
        if on_timeout.get("mode") is not None or on_timeout.get("keep_memory") is not None:
            if action != "pause":
                raise InvalidArgumentException("mode applies only to on_timeout action 'pause'")
            keep = on_timeout.get("keep_memory")
            mode = on_timeout.get("mode") if keep is None else ("full" if keep else "filesystem")
            if mode not in ("full", "filesystem"):
                raise InvalidArgumentException(f"mode must be one of: full, filesystem (got {mode!r})")
    else:
        raise InvalidArgumentException(f"on_timeout must be 'pause', 'kill' or a dict (got {on_timeout!r})")
    if action not in (None, "pause", "kill"):
        raise InvalidArgumentException(f"on_timeout action must be one of: pause, kill (got {action!r})")
    if auto_resume and action != "pause":
        raise InvalidArgumentException("auto_resume needs on_timeout 'pause'")
    if auto_resume and mode == "filesystem":
        raise InvalidArgumentException("auto_resume cannot be combined with the filesystem pause mode")
    code = {None: b.OnTimeout.DEFAULT, "kill": b.OnTimeout.KILL, "pause": b.OnTimeout.PAUSE}[action]
    return int(code), int(_PAUSE_MODES[mode]), None if auto_resume is None else bool(auto_resume)


def _strings(items: Any, count: int) -> list[str]:
    return [(items[i] or b"").decode() for i in range(count)] if count else []


def _network(network: b.e2b_sandbox_network_fields) -> dict[str, Any]:
    """``SandboxInfo.network`` as the SDK gives it (the keys the server sent)."""
    out: dict[str, Any] = {
        "allow_out": _strings(network.allow_out, network.allow_out_len),
        "deny_out": _strings(network.deny_out, network.deny_out_len),
        "rules": json.loads(network.rules_json.decode()) if network.rules_json else {},
        "allow_public_traffic": None if network.allow_public_traffic < 0 else bool(network.allow_public_traffic),
        "mask_request_host": network.mask_request_host.decode() if network.mask_request_host else None,
        "https_ports": [network.https_ports[i] for i in range(network.https_ports_len)],
    }
    if network.dns_servers_set:
        out["dns_servers"] = _strings(network.dns_servers, network.dns_servers_len)
    if network.egress_proxy_address:
        proxy: dict[str, Any] = {"address": network.egress_proxy_address.decode()}
        if network.egress_proxy_username:
            proxy["username"] = network.egress_proxy_username.decode()
        if network.egress_proxy_tls:
            name = network.egress_proxy_tls_server_name
            proxy["tls"] = {"server_name": name.decode()} if name else {}
        out["egress_proxy"] = proxy
    return out


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
    lifecycle: dict[str, Any] | None = None
    """``{"on_timeout": "kill" | "pause", "auto_resume": bool}``; ``None`` when
    the server did not say (lists do not)."""
    pause_mode: str | None = None
    """How a paused sandbox was paused: ``"full"`` or ``"filesystem"``."""
    envd_unresponsive_at_pause: bool | None = None
    """``True`` when it was paused while envd did not answer (connect it with
    ``on_resume="reboot"``), else ``None``, as in the SDK."""
    allow_internet_access: bool | None = None
    """As given at creation; ``None`` when not set explicitly."""
    sandbox_domain: str | None = None
    """The domain the sandbox lives under, when the server says."""
    network: dict[str, Any] | None = None
    """The network settings, as the SDK gives them (``allow_out``, ``deny_out``,
    ``rules``, ``egress_proxy``, ``dns_servers``, ``allow_public_traffic``,
    ``mask_request_host``, ``https_ports``); ``None`` when there are none."""

    @classmethod
    def _from(cls, fields: b.e2b_sandbox_fields,
              info: ctypes._Pointer[b.e2b_sandbox_info] | None = None) -> SandboxInfo:
        """The sandbox the library's `fields` describe (read in one call:
        ``e2b_sandbox_info_fields``, ``e2b_sandbox_page_fields``)."""
        alias, count = fields.alias, fields.metadata_len
        # Fields a library older than this module does not fill.
        newer = fields.struct_size >= ctypes.sizeof(b.e2b_sandbox_fields)
        on_timeout = _ON_TIMEOUT_NAMES.get(fields.on_timeout) if newer else None
        network = fields.network.contents if newer and fields.network else None
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
            lifecycle={"on_timeout": on_timeout, "auto_resume": bool(fields.auto_resume)} if on_timeout else None,
            pause_mode=_PAUSE_MODE_NAMES.get(fields.pause_mode) if newer else None,
            envd_unresponsive_at_pause=True if newer and fields.envd_unresponsive_at_pause else None,
            allow_internet_access=(None if not newer or fields.allow_internet_access < 0
                                   else bool(fields.allow_internet_access)),
            sandbox_domain=fields.domain.decode() if newer and fields.domain else None,
            network=_network(network) if network is not None else None,
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
    def traffic_access_token(self) -> str | None:
        """The token the sandbox's ports (all but envd's) require in the
        header ``e2b-traffic-access-token``: a sandbox created with
        ``network={"allow_public_traffic": False}`` has one; else ``None``."""
        return decode(b.e2b_sandbox_traffic_access_token(self._ptr))

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

    def pause(self, keep_memory: bool | None = None, *, mode: str | None = None, strict: bool = False,
              cancel: CancelToken | None = None) -> bool:
        """Pauses the sandbox (resume it with ``Client.connect`` or
        ``connect``); ``False`` if it was already paused, as the SDK's
        ``pause``. `mode` ``"full"`` (the server's default) keeps files and
        memory, ``"filesystem"`` only the files (`keep_memory` is the
        deprecated spelling). With `strict`, a sandbox whose envd does not
        answer is not paused: ``SandboxException`` with status 503 (the SDK's
        ``ServiceBusyException``), as for a filesystem pause of one; otherwise
        such a pause goes ahead and ``SandboxInfo.envd_unresponsive_at_pause``
        says so."""
        code = pause_mode_arg(keep_memory, mode)
        call = Call(cancel=cancel)
        paused = ctypes.c_bool()
        call.run(b.e2b_sandbox_pause_with, self._ptr, code, strict, ctypes.byref(paused))
        return paused.value

    def connect(self, timeout: float | None = None, *, on_resume: str = "restore",
                cancel: CancelToken | None = None) -> Sandbox:
        """Connects to this sandbox again (the SDK's instance ``connect``):
        resumes it if it is paused, ``on_resume="reboot"`` booting it afresh
        from its files, and keeps it alive at least `timeout` seconds from now
        (``None`` or 0: 300). Returns this handle."""
        code = on_resume_arg(on_resume)
        call = Call(cancel=cancel)
        call.run(b.e2b_sandbox_connect, self._ptr, milliseconds(timeout), code)
        return self

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

    def update_network(self, network: SandboxNetworkUpdate, *, cancel: CancelToken | None = None) -> None:
        """Replaces the sandbox's egress configuration (``PUT
        /sandboxes/{id}/network``), as the SDK's ``update_network``: a
        ``SandboxNetworkUpdate`` dict (``allow_out``, ``deny_out``,
        ``dns_servers``, ``rules``, ``egress_proxy``,
        ``allow_internet_access``). Replace semantics: a key left out is
        cleared. Raises ``SandboxNotFoundException``,
        ``InvalidArgumentException`` (entries the server refuses),
        ``PermissionDeniedException`` (egress proxies not enabled)."""
        from ._network import network_options

        call = Call(cancel=cancel)
        with owned(network_options(call, network, update=True), b.e2b_network_options_free) as net:
            call.run(b.e2b_sandbox_update_network, self._ptr, net)

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
