"""Snapshots and fork: persistent copies of a sandbox that new sandboxes
start from, and running copies made in one call (the official SDK's
``create_snapshot``, ``list_snapshots``, ``delete_snapshot`` and ``fork``)."""

from __future__ import annotations

import ctypes
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from . import _bindings as b
from ._cancel import CancelToken
from ._core import Call, encode, milliseconds, owned
from ._errors import InvalidArgumentException, NotFoundException, SandboxException, error_from

if TYPE_CHECKING:
    from ._client import Client
    from ._sandbox import Sandbox

SnapshotMode = Literal["full", "filesystem"]
"""What a snapshot keeps: ``"full"`` (memory and filesystem) or
``"filesystem"`` (the files only: sandboxes from it boot afresh)."""

MAX_FORK_COUNT = 20
"""The most forks one call may ask for, as in the official SDK."""

_MODES = {"full": b.SnapshotMode.FULL, "filesystem": b.SnapshotMode.FILESYSTEM}


@dataclass(frozen=True)
class SnapshotInfo:
    """A snapshot: the id to create sandboxes from (``create_sandbox(snapshot_id)``)
    and the full names of its template (empty for an unnamed one)."""

    snapshot_id: str
    names: list[str]

    @classmethod
    def _from(cls, fields: b.e2b_snapshot_fields) -> SnapshotInfo:
        count = fields.names_len
        names = [(fields.names[i] or b"").decode() for i in range(count)] if count else []
        return cls(snapshot_id=fields.snapshot_id.decode(), names=names)

    @classmethod
    def _take(cls, info: ctypes._Pointer[b.e2b_snapshot_info]) -> SnapshotInfo:
        with owned(info, b.e2b_snapshot_info_free):
            return cls._from(b.e2b_snapshot_info_fields(info).contents)


def create_snapshot(call: Call, function: Any, target: Any, name: str | None,
                    mode: SnapshotMode | None) -> SnapshotInfo:
    """Runs ``e2b_sandbox_create_snapshot`` or ``e2b_client_create_snapshot``
    (`function`) with `target` (the sandbox, or the client and a sandbox id)."""
    if mode is not None and mode not in _MODES:
        raise InvalidArgumentException(f"mode must be one of: full, filesystem (got {mode!r})")
    out = ctypes.POINTER(b.e2b_snapshot_info)()
    with owned(b.e2b_snapshot_options_new(), b.e2b_snapshot_options_free) as options:
        if name:
            call.check(b.e2b_snapshot_options_set_name(options, encode(name), call.err))
        if mode is not None:
            call.check(b.e2b_snapshot_options_set_mode(options, _MODES[mode], call.err))
        call.run(function, *target, options, ctypes.byref(out))
    return SnapshotInfo._take(out)


def delete_snapshot(client: Client, snapshot_id: str, cancel: CancelToken | None) -> bool:
    call = Call(cancel=cancel)
    deleted = ctypes.c_bool()
    call.run(b.e2b_client_delete_snapshot, client._ptr, encode(snapshot_id), ctypes.byref(deleted))
    return deleted.value


def fork(call: Call, function: Any, target: Any, timeout: float | None,
         count: int | None) -> list[Sandbox | Exception]:
    """Runs ``e2b_sandbox_fork`` or ``e2b_client_fork_sandbox`` (`function`)
    with `target`: one entry per fork, a sandbox or the exception it met."""
    from ._sandbox import Sandbox

    if count is not None and (isinstance(count, bool) or not isinstance(count, int)
                              or not 1 <= count <= MAX_FORK_COUNT):
        raise InvalidArgumentException(f"count must be an integer between 1 and {MAX_FORK_COUNT}")
    if timeout is not None and timeout <= 0:
        raise InvalidArgumentException("timeout must be greater than 0")
    out = ctypes.POINTER(b.e2b_fork_list)()
    with owned(b.e2b_fork_options_new(), b.e2b_fork_options_free) as options:
        if count is not None:
            call.check(b.e2b_fork_options_set_count(options, count, call.err))
        if timeout is not None:
            call.check(b.e2b_fork_options_set_timeout_ms(options, milliseconds(timeout), call.err))
        call.run(function, *target, options, ctypes.byref(out))
    results: list[Sandbox | Exception] = []
    with owned(out, b.e2b_fork_list_free):
        for i in range(b.e2b_fork_list_len(out)):
            sandbox = b.e2b_fork_list_take(out, i)
            if sandbox:
                results.append(Sandbox(sandbox))
                continue
            error = b.e2b_fork_list_error(out, i)
            results.append(error_from(error, NotFoundException) if error else SandboxException(f"fork {i} is missing"))
    return results


class SnapshotPaginator:
    """Snapshots a page at a time (``Client.list_snapshots``,
    ``Sandbox.list_snapshots``), as the official SDK's: call ``next_items()``
    while ``has_next``, or iterate over every snapshot."""

    def __init__(self, owner: Client | Sandbox, function: Any, sandbox_id: str | None, name: str | None,
                 limit: int | None, next_token: str | None, cancel: CancelToken | None = None) -> None:
        self._owner = owner
        self._function = function
        self._cancel = cancel
        self._sandbox_id = sandbox_id
        self._name = name
        self._limit = limit
        self.next_token = next_token
        """The token of the next page; ``None`` after the last."""
        self.has_next = True
        """Whether ``next_items`` has another page to fetch."""

    def next_items(self, *, cancel: CancelToken | None = None) -> list[SnapshotInfo]:
        """The next page, newest first (empty once there are no more)."""
        if not self.has_next:
            return []
        if self._limit is not None and self._limit < 0:
            raise InvalidArgumentException(f"limit must be between 1 and 100 (got {self._limit})")
        call = Call(cancel=cancel if cancel is not None else self._cancel)
        out = ctypes.POINTER(b.e2b_snapshot_page)()
        with owned(b.e2b_snapshot_query_new(), b.e2b_snapshot_query_free) as query:
            for setter, value in (
                (b.e2b_snapshot_query_set_sandbox_id, self._sandbox_id),
                (b.e2b_snapshot_query_set_name, self._name),
                (b.e2b_snapshot_query_set_next_token, self.next_token),
            ):
                if value:
                    call.check(setter(query, encode(value), call.err))
            if self._limit:
                call.check(b.e2b_snapshot_query_set_limit(query, self._limit, call.err))
            call.run(self._function, self._owner._ptr, query, ctypes.byref(out))
        with owned(out, b.e2b_snapshot_page_free):
            token = b.e2b_snapshot_page_next_token(out)
            self.next_token = None if token is None else token.decode()
            self.has_next = self.next_token is not None
            count = ctypes.c_size_t()
            fields = b.e2b_snapshot_page_fields(out, ctypes.byref(count))
            return [SnapshotInfo._from(fields[i].contents) for i in range(count.value)]

    def __iter__(self) -> Iterator[SnapshotInfo]:
        while self.has_next:
            yield from self.next_items()
