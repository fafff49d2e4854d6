"""Cancellation: ``CancelToken``."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from . import _bindings as b


class CancelToken:
    """Cancels blocking calls, from any thread: give it to one or more calls
    (the ``cancel=`` keyword of every blocking method), then ``cancel()``.

    Each call given the token ends within 100 ms with
    ``CancelledException``, closing its connection; a call given a token
    already cancelled fails at once. A token stays cancelled: make a fresh
    one for the next operation. What a cancelled call leaves behind: a
    cancelled ``commands.run`` or ``CommandHandle.wait`` kills the process; a
    cancelled ``commands.start`` may have started it (``commands.list``
    finds it); an upload leaves the old file in place; a control-plane call
    that reached the server may have been done (a sandbox created or killed).
    A token given to a call that makes a handle (``commands.start``,
    ``commands.connect``, ``files.open``, ``files.watch_dir``) applies to
    that call only, not to later calls on the handle.

    The library object is released when the token is garbage-collected.
    """

    def __init__(self) -> None:
        self._raw: Any = b.e2b_cancel_new()

    def cancel(self) -> None:
        """Cancels every call given this token, under way or to come.
        Returns at once; cancelling again does nothing."""
        b.e2b_cancel_cancel(self._raw)

    def is_cancelled(self) -> bool:
        """Whether ``cancel()`` was called."""
        return bool(b.e2b_cancel_is_cancelled(self._raw))

    def __repr__(self) -> str:
        return f"<CancelToken{' (cancelled)' if self.is_cancelled() else ''}>"

    def __del__(self) -> None:
        raw, self._raw = getattr(self, "_raw", None), None
        if raw:
            b.e2b_cancel_free(raw)


@contextmanager
def cancellable(cancel: CancelToken | None) -> Iterator[Any]:
    """The token to give one blocking C call (NULL for none)."""
    yield None if cancel is None else cancel._raw
