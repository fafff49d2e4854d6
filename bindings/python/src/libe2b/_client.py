"""The client: settings, a pool of connections, and the control plane."""

from __future__ import annotations

import ctypes
from collections.abc import Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any, Literal

from . import _bindings as b
from ._bindings import ListOrder, SandboxState
from ._cancel import CancelToken
from ._core import NO_LIMIT, Call, Handle, encode, milliseconds, owned, u
from ._logging import sync_level as sync_log_level
from ._network import SandboxNetworkOpts, SandboxNetworkUpdate, network_options
from ._metrics import SandboxMetrics, read_list as read_metrics, unix_ms
from ._sandbox import Sandbox, SandboxInfo, lifecycle_arg, on_resume_arg, pause_mode_arg
from ._snapshots import SnapshotInfo, SnapshotMode, SnapshotPaginator
from . import _snapshots
from ._volume import (
    Volume,
    VolumeAndToken,
    VolumeInfo,
    connect_volume,
    create_volume,
    destroy_volume,
    get_volume_info,
    list_volumes,
    set_mounts,
)


class Client(Handle[b.e2b_client]):
    """Settings plus a pool of connections, for creating and finding sandboxes.

    Every setting left ``None`` comes from the environment, as in the
    official SDK (``E2B_API_KEY``, ``E2B_DOMAIN``, ``E2B_API_URL``,
    ``E2B_SANDBOX_URL``, ``E2B_DEBUG``), or else the library's default.
    Thread-safe: any number of threads may use one client at once.
    Sandboxes stay valid after their client is closed. Every blocking method
    takes ``cancel=``, a ``CancelToken`` that cancels it.

    Args:
        api_key: the API key.
        domain: the domain (default "e2b.app").
        api_url: the control plane's URL (default "https://api.<domain>").
        sandbox_url: one URL through which every sandbox is reached.
        headers: extra headers for every control-plane request.
        debug: debug mode.
        request_timeout: the deadline of each request in seconds (default
            60; 0 for none).
        max_retries: how often a failed control-plane request is retried
            when that is safe (default 3; 0 for never).
    """

    _free = b.e2b_client_free

    def __init__(self, api_key: str | None = None, *, domain: str | None = None, api_url: str | None = None,
                 sandbox_url: str | None = None, headers: Mapping[str, str] | None = None,
                 debug: bool | None = None, request_timeout: float | None = None,
                 max_retries: int | None = None) -> None:
        sync_log_level()
        call = Call()
        out = ctypes.POINTER(b.e2b_client)()
        with owned(b.e2b_client_options_new(), b.e2b_client_options_free) as options:
            for setter, value in (
                (b.e2b_client_options_set_api_key, api_key),
                (b.e2b_client_options_set_domain, domain),
                (b.e2b_client_options_set_api_url, api_url),
                (b.e2b_client_options_set_sandbox_url, sandbox_url),
            ):
                if value is not None:
                    call.check(setter(options, encode(value), call.err))
            for name, value in (headers or {}).items():
                call.check(b.e2b_client_options_add_header(options, encode(name), encode(value), call.err))
            if debug is not None:
                call.check(b.e2b_client_options_set_debug(options, debug, call.err))
            if request_timeout is not None:
                call.check(b.e2b_client_options_set_request_timeout_ms(
                    options, milliseconds(request_timeout, zero=NO_LIMIT), call.err))
            if max_retries is not None:
                call.check(b.e2b_client_options_set_max_retries(options, max_retries, call.err))
            call.check(b.e2b_client_new(options, ctypes.byref(out), call.err))
        super().__init__(out)

    def with_deadline(self, seconds: float) -> Client:
        """A view of this client whose every call ends within `seconds` of
        its start, retries, transfers and streams included, and with them the
        sandboxes, commands, watches and readers the call hands out: a call
        still running then raises ``TimeoutException`` ("the call's deadline
        passed"). Sandboxes made through the view carry the deadline. 0 means
        no call deadline (the default), even if this client has one; a
        negative value raises ``ValueError``. The view shares the settings
        and connections and is closed on its own."""
        call = Call()
        out = ctypes.POINTER(b.e2b_client)()
        call.check(b.e2b_client_with_deadline(self._ptr, milliseconds(seconds), ctypes.byref(out), call.err))
        view = Client.__new__(Client)
        Handle.__init__(view, out)
        return view

    def create_sandbox(self, template: str | None = None, *, timeout: float | None = None,
                       metadata: Mapping[str, str] | None = None, envs: Mapping[str, str] | None = None,
                       secure: bool | None = None, allow_internet_access: bool | None = None,
                       auto_pause: bool | None = None, auto_resume: bool | None = None,
                       idempotency_key: str | None = None,
                       volume_mounts: Mapping[str, Volume | str] | None = None,
                       network: SandboxNetworkOpts | None = None,
                       lifecycle: Mapping[str, Any] | None = None,
                       cancel: CancelToken | None = None) -> Sandbox:
        """Creates a sandbox.

        Args:
            template: the template's name or id, or a snapshot's id or name
                (``SnapshotInfo.snapshot_id``) to start from it (default "base").
            timeout: how long the sandbox lives, in seconds (``None`` or 0:
                the default, 300), rounded up to whole seconds; then it is
                killed, or paused with `auto_pause`.
            metadata: metadata to find the sandbox by.
            envs: environment variables for everything run in the sandbox.
            secure: whether envd requires the sandbox's access token (default true).
            allow_internet_access: whether the sandbox may reach the internet.
            auto_pause: pause instead of kill when the timeout passes.
            auto_resume: let traffic to the paused sandbox resume it.
            idempotency_key: makes the create safe to retry: the server
                answers a repeated key with the sandbox it made the first time.
            volume_mounts: volumes to mount: path in the sandbox to a
                ``Volume`` or a volume's name.
            network: what the sandbox may reach and how its ports are
                reached, as the SDK's ``SandboxNetworkOpts`` dict
                (``{"deny_out": [ALL_TRAFFIC], "allow_out": ["10.0.0.1"]}``).
            lifecycle: the SDK's ``lifecycle``: ``{"on_timeout": "kill" |
                "pause" | {"action": "pause", "mode": "full" | "filesystem"},
                "auto_resume": bool}``, checked as the SDK checks it
                (``InvalidArgumentException``); it replaces `auto_pause` and
                `auto_resume`, its shorthands.
            cancel: cancels the call (a create cancelled after its request
                reached the server may have made the sandbox).
        """
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_sandbox)()
        with owned(u.e2b_sandbox_options_new(), u.e2b_sandbox_options_free) as options:
            if template is not None:
                call.check(u.e2b_sandbox_options_set_template(options, encode(template), call.err))
            if timeout is not None:
                call.check(b.e2b_sandbox_options_set_timeout_ms(options, milliseconds(timeout), call.err))
            for key, value in (metadata or {}).items():
                call.check(b.e2b_sandbox_options_set_metadata(options, encode(key), encode(value), call.err))
            for name, value in (envs or {}).items():
                call.check(b.e2b_sandbox_options_set_env(options, encode(name), encode(value), call.err))
            for setter, flag in (
                (b.e2b_sandbox_options_set_secure, secure),
                (b.e2b_sandbox_options_set_allow_internet_access, allow_internet_access),
                (b.e2b_sandbox_options_set_auto_pause, auto_pause),
                (b.e2b_sandbox_options_set_auto_resume, auto_resume),
            ):
                if flag is not None:
                    call.check(setter(options, flag, call.err))
            if idempotency_key is not None:
                call.check(b.e2b_sandbox_options_set_idempotency_key(options, encode(idempotency_key), call.err))
            set_mounts(call, options, volume_mounts or {})
            if network is not None:
                with owned(network_options(call, network, update=False), b.e2b_network_options_free) as net:
                    call.check(b.e2b_sandbox_options_set_network(options, net, call.err))
            if lifecycle is not None:
                on_timeout, mode, resume = lifecycle_arg(lifecycle)
                call.check(b.e2b_sandbox_options_set_on_timeout(options, on_timeout, mode, call.err))
                if resume is not None:
                    call.check(b.e2b_sandbox_options_set_auto_resume(options, resume, call.err))
            call.run(u.e2b_client_create_sandbox, self._ptr, options, ctypes.byref(out))
        return Sandbox(out)

    def connect(self, sandbox_id: str, timeout: float | None = None, *, on_resume: str = "restore",
                cancel: CancelToken | None = None) -> Sandbox:
        """Connects to the sandbox `sandbox_id`, resuming it if it is paused
        (see ``Sandbox.resumed``), and keeps it alive at least `timeout`
        seconds from now (``None`` or 0: the default, 300; rounded up to
        whole seconds; a running sandbox's timeout is only ever extended).
        ``on_resume="reboot"`` boots a paused sandbox afresh from its files
        (its memory ignored), as the SDK's ``Sandbox.connect(..., on_resume=)``."""
        code = on_resume_arg(on_resume)
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_sandbox)()
        resumed = ctypes.c_bool()
        call.run(b.e2b_client_connect_sandbox_with, self._ptr, encode(sandbox_id), milliseconds(timeout), code,
                 ctypes.byref(out), ctypes.byref(resumed))
        return Sandbox(out, resumed.value)

    def pause(self, sandbox_id: str, keep_memory: bool | None = None, *, mode: str | None = None,
              strict: bool = False, cancel: CancelToken | None = None) -> bool:
        """Pauses the sandbox `sandbox_id` without a handle (the SDK's class
        form ``Sandbox.pause(id, ...)``); see ``Sandbox.pause``."""
        code = pause_mode_arg(keep_memory, mode)
        call = Call(cancel=cancel)
        paused = ctypes.c_bool()
        call.run(b.e2b_client_pause_sandbox, self._ptr, encode(sandbox_id), code, strict, ctypes.byref(paused))
        return paused.value

    def resume(self, sandbox_id: str, timeout: float | None = None, *,
               cancel: CancelToken | None = None) -> Sandbox:
        """Resumes the paused sandbox `sandbox_id` for `timeout` seconds
        (default 300): ``connect`` under the name E2B's documentation uses,
        so ``Sandbox.resumed`` tells whether it was paused."""
        return self.connect(sandbox_id, timeout, cancel=cancel)

    def update_network(self, sandbox_id: str, network: SandboxNetworkUpdate, *,
                       cancel: CancelToken | None = None) -> None:
        """Replaces the egress configuration of the running sandbox
        `sandbox_id` (see ``Sandbox.update_network``)."""
        call = Call(cancel=cancel)
        with owned(network_options(call, network, update=True), b.e2b_network_options_free) as net:
            call.run(b.e2b_client_update_network, self._ptr, encode(sandbox_id), net)

    def kill(self, sandbox_id: str, *, cancel: CancelToken | None = None) -> bool:
        """Kills the sandbox `sandbox_id` without connecting to it (which
        would resume it); ``False`` if it no longer existed."""
        call = Call(cancel=cancel)
        killed = ctypes.c_bool()
        call.run(b.e2b_client_kill_sandbox, self._ptr, encode(sandbox_id), ctypes.byref(killed))
        return killed.value

    def get_info(self, sandbox_id: str, *, cancel: CancelToken | None = None) -> SandboxInfo:
        """What the control plane knows of the sandbox `sandbox_id`, without connecting to it."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_sandbox_info)()
        call.run(b.e2b_client_get_sandbox_info, self._ptr, encode(sandbox_id), ctypes.byref(out))
        return SandboxInfo._take(out)

    def get_metrics(self, sandbox_id: str, start: datetime | None = None, end: datetime | None = None, *,
                    cancel: CancelToken | None = None) -> list[SandboxMetrics]:
        """The metrics samples of the sandbox `sandbox_id` (see
        ``Sandbox.get_metrics``), without connecting to it."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_metrics_list)()
        call.run(b.e2b_client_get_sandbox_metrics, self._ptr, encode(sandbox_id), unix_ms(start), unix_ms(end),
                 ctypes.byref(out))
        return read_metrics(out)

    def list_sandboxes(self, *, state: Iterable[SandboxState] | None = None,
                       metadata: Mapping[str, str] | None = None, template: str | None = None,
                       started_after: datetime | str | None = None,
                       order: ListOrder | Literal["asc", "desc"] | None = None, limit: int | None = None,
                       next_token: str | None = None, cancel: CancelToken | None = None) -> SandboxPaginator:
        """The sandboxes in `state` (default: running and paused) whose
        metadata holds every pair of `metadata`, of the template `template`
        (an id or name), started at or after `started_after` (a datetime, or
        RFC 3339 text), newest first unless `order` is ``"asc"``, `limit` (1
        to 100) to a page, from `next_token` on. Fetches nothing until used;
        `cancel` cancels each page's fetch (unless ``next_items`` is given a
        token of its own)."""
        if isinstance(started_after, datetime):
            started_after = started_after.astimezone().isoformat()
        if isinstance(order, str):
            if order not in ("asc", "desc"):
                raise ValueError(f"order must be 'asc' or 'desc', not {order!r}")
            order = ListOrder.ASC if order == "asc" else ListOrder.DESC
        query = _Query(list(state or ()), dict(metadata or {}), template, started_after, order, limit)
        return SandboxPaginator(self, query, next_token, cancel)

    def create_volume(self, name: str, *, cancel: CancelToken | None = None) -> Volume:
        """Creates an empty volume named `name` (letters, digits, ``_`` and
        ``-``; unique in the team): the SDK's ``Volume.create``."""
        return create_volume(self, name, cancel)

    def connect_volume(self, volume_id: str, *, cancel: CancelToken | None = None) -> Volume:
        """The volume `volume_id` (``VolumeNotFoundException`` when there is
        none): the SDK's ``Volume.connect``."""
        return connect_volume(self, volume_id, cancel)

    def get_volume_info(self, volume_id: str, *, cancel: CancelToken | None = None) -> VolumeAndToken:
        """The volume `volume_id` with a fresh content token: the SDK's ``Volume.get_info``."""
        return get_volume_info(self, volume_id, cancel)

    def list_volumes(self, *, cancel: CancelToken | None = None) -> list[VolumeInfo]:
        """Every volume of the team: the SDK's ``Volume.list``."""
        return list_volumes(self, cancel)

    def destroy_volume(self, volume_id: str, *, cancel: CancelToken | None = None) -> bool:
        """Destroys the volume `volume_id` and its files; ``False`` when there
        was none: the SDK's ``Volume.destroy``."""
        return destroy_volume(self, volume_id, cancel)

    def create_snapshot(self, sandbox_id: str, name: str | None = None, *, mode: SnapshotMode | None = None,
                        cancel: CancelToken | None = None) -> SnapshotInfo:
        """Takes a snapshot of the running sandbox `sandbox_id`, which keeps
        running (``Sandbox.create_snapshot``)."""
        return _snapshots.create_snapshot(Call(cancel=cancel), b.e2b_client_create_snapshot,
                                          (self._ptr, encode(sandbox_id)), name, mode)

    def list_snapshots(self, sandbox_id: str | None = None, limit: int | None = None,
                       next_token: str | None = None, name: str | None = None, *,
                       cancel: CancelToken | None = None) -> SnapshotPaginator:
        """The team's snapshots, newest first: those of the sandbox
        `sandbox_id`, of `name` (a bare name: every tag; ``name:tag``: that
        one), `limit` (1 to 100) a page, from `next_token` on. Fetches
        nothing until used."""
        return SnapshotPaginator(self, b.e2b_client_list_snapshots, sandbox_id, name, limit, next_token, cancel)

    def delete_snapshot(self, snapshot_id: str, *, cancel: CancelToken | None = None) -> bool:
        """Deletes the snapshot `snapshot_id` (every build of its template);
        ``False`` if there was none. Sandboxes started from it run on."""
        return _snapshots.delete_snapshot(self, snapshot_id, cancel)

    def fork(self, sandbox_id: str, timeout: float | None = None, count: int | None = None, *,
             cancel: CancelToken | None = None) -> list[Sandbox | Exception]:
        """Forks the running sandbox `sandbox_id` (``Sandbox.fork``)."""
        return _snapshots.fork(Call(cancel=cancel), b.e2b_client_fork_sandbox, (self._ptr, encode(sandbox_id)),
                               timeout, count)


class _Query:
    """The filters of one listing, set on a C query for each page."""

    __slots__ = ("state", "metadata", "template", "started_after", "order", "limit")

    def __init__(self, state: list[SandboxState], metadata: dict[str, str], template: str | None,
                 started_after: str | None, order: ListOrder | None, limit: int | None) -> None:
        self.state, self.metadata, self.template = state, metadata, template
        self.started_after, self.order, self.limit = started_after, order, limit

    def apply(self, call: Call, query: ctypes._Pointer[b.e2b_sandbox_query]) -> None:
        for state in self.state:
            call.check(b.e2b_sandbox_query_add_state(query, state, call.err))
        for key, value in self.metadata.items():
            call.check(b.e2b_sandbox_query_add_metadata(query, encode(key), encode(value), call.err))
        if self.template is not None:
            call.check(b.e2b_sandbox_query_set_template(query, encode(self.template), call.err))
        if self.started_after is not None:
            call.check(b.e2b_sandbox_query_set_started_after(query, encode(self.started_after), call.err))
        if self.order is not None:
            call.check(b.e2b_sandbox_query_set_order(query, self.order, call.err))
        if self.limit is not None:
            call.check(b.e2b_sandbox_query_set_limit(query, self.limit, call.err))


class SandboxPaginator:
    """Sandboxes a page at a time (``Client.list_sandboxes``): call
    ``next_items()`` while ``has_next``, or iterate over every sandbox."""

    def __init__(self, client: Client, query: _Query, next_token: str | None,
                 cancel: CancelToken | None = None) -> None:
        self._client = client
        self._cancel = cancel
        self._query = query
        self.next_token = next_token
        """The token of the next page; ``None`` before the first and after the last."""
        self.has_next = True
        """Whether ``next_items`` has another page to fetch."""
        self.total_running: int | None = None
        """How many running sandboxes match the filters on all pages together,
        as of the last page fetched; ``None`` before the first page, or when
        running sandboxes were not asked for."""

    def next_items(self, *, cancel: CancelToken | None = None) -> list[SandboxInfo]:
        """The next page (empty once there are no more)."""
        if not self.has_next:
            return []
        call = Call(cancel=cancel if cancel is not None else self._cancel)
        out = ctypes.POINTER(b.e2b_sandbox_page)()
        with owned(b.e2b_sandbox_query_new(), b.e2b_sandbox_query_free) as query:
            self._query.apply(call, query)
            if self.next_token is not None:
                call.check(b.e2b_sandbox_query_set_next_token(query, encode(self.next_token), call.err))
            call.run(b.e2b_client_list_sandboxes, self._client._ptr, query, ctypes.byref(out))
        with owned(out, b.e2b_sandbox_page_free):
            token = b.e2b_sandbox_page_next_token(out)
            self.next_token = None if token is None else token.decode()
            self.has_next = self.next_token is not None
            total = b.e2b_sandbox_page_total_running(out)
            self.total_running = None if total < 0 else total
            count = ctypes.c_size_t()
            fields = b.e2b_sandbox_page_fields(out, ctypes.byref(count))
            return [SandboxInfo._from(fields[i].contents, b.e2b_sandbox_page_get(out, i)) for i in range(count.value)]

    def __iter__(self) -> Iterator[SandboxInfo]:
        while self.has_next:
            yield from self.next_items()
