"""Cancellation: ``CancelToken``, and Ctrl-C ending the main thread's blocking call.

Every blocking call passes a cancel token to the library. On the main thread,
while Python's own SIGINT handler is in place (the one that raises
``KeyboardInterrupt``), a call runs inside an interrupt guard:

- a small daemon thread reads the signal wakeup descriptor
  (``signal.set_wakeup_fd``), which Python's C-level handler writes to the
  moment SIGINT arrives, even while the main thread is inside the library,
  and cancels the tokens of the calls in flight: the library ends them
  within 100 ms;
- a Python-level SIGINT handler does the same when the signal is handled
  while Python code runs: inside a callback it raises ``KeyboardInterrupt``
  there (the callback then stops the call, which raises it); anywhere else
  (the binding's own code around the call, where an exception could leave
  things half-done) it only records the interrupt;
- the call, once it returns, raises ``KeyboardInterrupt``.

The previous handler and wakeup descriptor are put back when the outermost
call returns (a callback may make calls of its own; they share the guard),
and bytes meant for a previous wakeup descriptor are passed on to it. Calls on
other threads are not interrupted: they take a ``CancelToken``.
"""

from __future__ import annotations

import importlib
import os
import signal
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any, Optional, Union

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
        """Whether ``cancel()`` was called (or Ctrl-C interrupted a call given the token)."""
        return bool(b.e2b_cancel_is_cancelled(self._raw))

    def __repr__(self) -> str:
        return f"<CancelToken{' (cancelled)' if self.is_cancelled() else ''}>"

    def __del__(self) -> None:
        raw, self._raw = getattr(self, "_raw", None), None
        if raw:
            b.e2b_cancel_free(raw)


# Evaluated at run time: no `X | Y` before Python 3.10.
Handler = Union[Callable[[int, Optional[FrameType]], Any], int, None]

# The C functions behind signal.signal and signal.getsignal. Their Python
# wrappers convert numbers to enums and back by raising and catching
# exceptions, five per guarded call: a third of the binding's own time on a
# small call. The guard only ever handles SIGINT and handler functions, which
# pass through the wrappers unchanged.
_signal: Any = importlib.import_module("_signal")
_SIGINT = int(signal.SIGINT)


class _Interrupts:
    """The interrupt guard shared by the main thread's calls in flight."""

    def __init__(self) -> None:
        # Reentrant: the Python-level handler runs on the main thread, which
        # may hold the lock at that moment.
        self.lock = threading.RLock()
        self.tokens: list[CancelToken] = []
        self.interrupted = False
        """Whether SIGINT came since the outermost guarded call began."""
        self.previous_fd: int | None = None
        """The wakeup descriptor to put back (-1: none), while ours is in place."""
        self.previous_handler: Handler = None
        """The SIGINT handler to put back, while ours is in place."""
        self.writer: socket.socket | None = None
        self.callbacks = 0
        """How many callbacks run on the main thread (nested calls nest them)."""
        self.spare: CancelToken | None = None
        """The token of the main thread's calls given none (``spare_token``)."""

    def spare_token(self) -> CancelToken:
        """A token for a main-thread call given none: one kept from call to
        call until Ctrl-C cancels it (a new token per call would cost more
        than a small call's other work in the binding)."""
        token = self.spare
        if token is None or token.is_cancelled():
            token = self.spare = CancelToken()
        return token

    def _start_watcher(self) -> socket.socket:
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        threading.Thread(target=self._watch, args=(reader,), name="libe2b-sigint", daemon=True).start()
        self.writer = writer
        return writer

    def _watch(self, reader: socket.socket) -> None:
        """Reads signal numbers from the wakeup descriptor until it closes."""
        while True:
            try:
                data = reader.recv(512)
            except OSError:
                return
            if not data:
                return
            with self.lock:
                if signal.SIGINT in data:
                    self.interrupt()
                previous = self.previous_fd
            if previous is not None and previous != -1:
                try:
                    os.write(previous, data)
                except OSError:
                    pass

    def interrupt(self) -> None:
        """Records SIGINT and cancels the calls in flight, if any (a signal
        read after the last call left is Python's own handler's business)."""
        with self.lock:
            if self.tokens:
                self.interrupted = True
            for token in self.tokens:
                token.cancel()

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        self.interrupt()
        if self.callbacks and (frame is None or frame.f_code is not trampoline.__code__):
            raise KeyboardInterrupt

    def enter(self, token: CancelToken) -> bool:
        """Registers a call given `token`; installs the guard for the first.
        False (nothing registered) where no guard applies: not the main
        thread, or not Python's default SIGINT handler."""
        if threading.current_thread() is not threading.main_thread():
            return False
        with self.lock:
            nested = bool(self.tokens)  # a call from a callback
            if not nested:
                if _signal.getsignal(_SIGINT) is not signal.default_int_handler:
                    return False
                self.interrupted = False
            self.tokens.append(token)
            if self.interrupted:
                token.cancel()
        if nested:
            return True
        try:
            writer = self.writer or self._start_watcher()
            try:
                self.previous_fd = signal.set_wakeup_fd(writer.fileno(), warn_on_full_buffer=False)
            except ValueError:  # not the main interpreter: the handler alone
                pass
            self.previous_handler = _signal.signal(_SIGINT, self._on_sigint)
        except BaseException:
            self.leave(token)
            raise
        return True

    def leave(self, token: CancelToken) -> None:
        """Unregisters the call given `token`; removes the guard after the last."""
        with self.lock:
            self.tokens.remove(token)
            if self.tokens:
                return
            handler, self.previous_handler = self.previous_handler, None
            previous_fd, self.previous_fd = self.previous_fd, None
        if handler is not None:
            _signal.signal(_SIGINT, handler)
        if previous_fd is not None:
            ours = signal.set_wakeup_fd(previous_fd, warn_on_full_buffer=False)
            if self.writer is not None and ours != self.writer.fileno():
                signal.set_wakeup_fd(ours, warn_on_full_buffer=False)  # someone else's since: keep it

    def reset_after_fork(self) -> None:
        """In a forked child: no watcher thread runs there, nor any call."""
        self.lock = threading.RLock()
        self.tokens = []
        self.callbacks = 0
        self.spare = None
        self.previous_fd = None
        self.previous_handler = None
        if self.writer is not None:
            self.writer.close()
            self.writer = None


_interrupts = _Interrupts()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_interrupts.reset_after_fork)


def interrupted() -> bool:
    """Whether Ctrl-C interrupted the guarded calls in flight on this thread."""
    return _interrupts.interrupted and threading.current_thread() is threading.main_thread()


@contextmanager
def cancellable(cancel: CancelToken | None) -> Iterator[tuple[Any, bool]]:
    """The token to give one blocking C call (NULL for none), and whether the
    call is guarded: then, once the call has returned, ``interrupted()`` tells
    whether Ctrl-C ended it. A guarded call without a token of its own gets
    the guard's (never a cancelled one); Ctrl-C cancels the caller's token
    otherwise."""
    if cancel is None and threading.current_thread() is not threading.main_thread():
        yield None, False
        return
    token = cancel if cancel is not None else _interrupts.spare_token()
    if not _interrupts.enter(token):
        yield (None if cancel is None else cancel._raw), False
        return
    try:
        yield token._raw, True
    finally:
        _interrupts.leave(token)


def trampoline(call: Any, fn: Callable[..., int], aborted: int, _user_data: Any, *args: Any) -> int:
    """What the library calls back (user data dropped): `fn`, unless an
    earlier callback of `call` raised or Ctrl-C interrupted the call. An
    exception `fn` raises is kept in ``call._raised`` and stops the
    operation (the callback returns `aborted`); the call re-raises it.
    On the main thread during a guarded call, Ctrl-C raises
    ``KeyboardInterrupt`` inside `fn` (not here, before the ``try``: an
    exception escaping a ctypes callback is printed and lost)."""
    if call._raised is not None:
        return aborted
    try:
        return _run_callback(fn, args)
    except BaseException as exc:
        call._raised = exc
        return aborted


def _run_callback(fn: Callable[..., int], args: tuple[Any, ...]) -> int:
    if threading.current_thread() is not threading.main_thread() or not _interrupts.tokens:
        return fn(*args)
    _interrupts.callbacks += 1
    try:
        if _interrupts.interrupted:
            raise KeyboardInterrupt
        return fn(*args)
    finally:
        _interrupts.callbacks -= 1
