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

import ctypes
import importlib
import os
import signal
import socket
import threading
from collections.abc import Callable
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
_default_int_handler = signal.default_int_handler


def _c_set_wakeup_fd() -> Callable[[int], int] | None:
    """``PySignal_SetWakeupFd``, the C API behind ``signal.set_wakeup_fd``
    (``None`` where there is none: not CPython). The Python function checks
    the descriptor on every call (two system calls: ``fstat``, ``fcntl``),
    and a guarded call sets it twice: the guard checks its own descriptor
    once, through the Python function, and then swaps it in and out through
    this one, which does nothing but the swap (and leaves the "warn on a full
    buffer" flag set, which it is for Python's own default)."""
    try:
        function = ctypes.pythonapi.PySignal_SetWakeupFd
    except (AttributeError, OSError):
        return None
    function.restype = ctypes.c_int  # no argtypes: an int passes as a C int, without a check's cost
    return function


_swap_wakeup_fd = _c_set_wakeup_fd()


class _Interrupts:
    """The interrupt guard shared by the main thread's calls in flight.

    What a guarded call costs is the binding's largest fixed cost on a small
    call, so the common path (the outermost call) is kept to the least: no
    lock (only the main thread adds tokens, and it resets ``interrupted``
    before it adds one); the wakeup descriptor swapped in and out through
    the C API once ours has been checked (no system call); the SIGINT
    handler swapped through the C function (two ``rt_sigaction``: what
    Python's API allows); the watcher thread and its socket made once; one
    cancel token kept for the calls given none; no step at all on other
    threads."""

    def __init__(self) -> None:
        # Reentrant: the Python-level handler runs on the main thread, which
        # may hold the lock at that moment.
        self.lock = threading.RLock()
        self.main = threading.main_thread().ident
        """The thread that Python's signal handlers run on."""
        self.tokens: list[CancelToken] = []
        self.interrupted = False
        """Whether SIGINT came since the outermost guarded call began."""
        self.previous_fd: int | None = None
        """The wakeup descriptor to put back (-1: none), while ours is in place."""
        self.previous_handler: Handler = None
        """The SIGINT handler to put back, while ours is in place."""
        self.writer: socket.socket | None = None
        self.writer_fd = -1
        self.checked = False
        """Whether ``signal.set_wakeup_fd`` took our descriptor (it checks it,
        and that this is the main interpreter): then the C API swaps it."""
        self.callbacks = 0
        """How many callbacks run on the main thread (nested calls nest them)."""
        self.spare: CancelToken | None = None
        """The token of the main thread's calls given none: kept from call to
        call (a new one per call would cost more than a small call's other
        work in the binding) until Ctrl-C cancels it."""
        self.handler = self._on_sigint

    def _start_watcher(self) -> None:
        reader, writer = socket.socketpair()
        writer.setblocking(False)
        threading.Thread(target=self._watch, args=(reader,), name="libe2b-sigint", daemon=True).start()
        self.writer, self.writer_fd = writer, writer.fileno()

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
                if _SIGINT in data:
                    self.interrupt()
                previous = self.previous_fd
            if previous is not None and previous != -1:
                try:
                    os.write(previous, data)
                except OSError:
                    pass

    def interrupt(self) -> None:
        """Records SIGINT and cancels the calls in flight, if any (a signal
        read after the last call left is Python's own handler's business).
        The kept token, if cancelled, is not given to a call again."""
        with self.lock:
            if self.tokens:
                self.interrupted = True
                if self.spare in self.tokens:
                    self.spare = None
            for token in self.tokens:
                token.cancel()

    def _on_sigint(self, signum: int, frame: FrameType | None) -> None:
        self.interrupt()
        if self.callbacks and (frame is None or frame.f_code is not trampoline.__code__):
            raise KeyboardInterrupt

    def call(self, function: Callable[..., int], args: tuple[Any, ...], cancel: CancelToken | None,
             err: Any) -> tuple[int, bool]:
        """Calls the blocking C `function` with `args`, a cancel token and
        `err`; returns its code and whether Ctrl-C interrupted it (then the
        token it was given, the caller's or the kept one, is cancelled).
        Guarded on the main thread while Python's default SIGINT handler is
        in place; elsewhere the call gets the caller's token or none."""
        if threading.get_ident() != self.main:
            return function(*args, None if cancel is None else cancel._raw, err), False
        tokens = self.tokens
        if tokens:  # a call from a callback, under the guard already
            return self._nested(function, args, cancel, err)
        if _signal.getsignal(_SIGINT) is not _default_int_handler:
            return function(*args, None if cancel is None else cancel._raw, err), False
        token = cancel or self.spare or self._new_spare()
        # No lock: the watcher only sets `interrupted` while `tokens` holds a
        # token, and only this thread adds one, after this reset.
        self.interrupted = False
        tokens.append(token)
        try:
            if self.checked and _swap_wakeup_fd is not None:
                self.previous_fd = _swap_wakeup_fd(self.writer_fd)
            else:
                self._install_wakeup_fd()
            self.previous_handler = _signal.signal(_SIGINT, self.handler)
            code = function(*args, token._raw, err)
        finally:
            # Without the lock: a watcher that still sees `token` in the list
            # cancels a call that has ended, which does no harm (nor does a
            # kept token it cancels: it drops it first).
            tokens.remove(token)
            if not tokens:
                self._remove()
        return code, self.interrupted

    def _nested(self, function: Callable[..., int], args: tuple[Any, ...], cancel: CancelToken | None,
                err: Any) -> tuple[int, bool]:
        """A guarded call made while another one is in flight (from one of
        its callbacks): the guard is in place; an interrupt that came
        already cancels this call too."""
        token = cancel or self.spare or self._new_spare()
        with self.lock:
            self.tokens.append(token)
            if self.interrupted:
                self.interrupt()  # cancels `token` too
        try:
            code = function(*args, token._raw, err)
        finally:
            self.tokens.remove(token)
        return code, self.interrupted

    def _new_spare(self) -> CancelToken:
        self.spare = CancelToken()
        return self.spare

    def _install_wakeup_fd(self) -> None:
        """Puts our wakeup descriptor in place through
        ``signal.set_wakeup_fd``, which checks it (the first time)."""
        if self.writer is None:
            self._start_watcher()
        try:
            self.previous_fd = signal.set_wakeup_fd(self.writer_fd, warn_on_full_buffer=False)
        except ValueError:  # not the main interpreter: the handler alone
            return
        self.checked = True

    def _remove(self) -> None:
        """Puts back what the outermost call replaced (what it had replaced
        so far, if it was interrupted)."""
        handler, self.previous_handler = self.previous_handler, None
        previous_fd, self.previous_fd = self.previous_fd, None
        if handler is not None:
            _signal.signal(_SIGINT, handler)
        if previous_fd is None:
            return
        if previous_fd == -1:
            ours = signal.set_wakeup_fd(-1)  # no system call for -1, and cheaper than a ctypes call
        else:  # someone else's: put back with the flag it is given here (below too)
            ours = signal.set_wakeup_fd(previous_fd, warn_on_full_buffer=False)
        if ours != self.writer_fd:
            signal.set_wakeup_fd(ours, warn_on_full_buffer=False)  # someone else's since: keep it

    def reset_after_fork(self) -> None:
        """In a forked child: no watcher thread runs there, nor any call; the
        thread that forked is the main one."""
        self.lock = threading.RLock()
        self.main = threading.main_thread().ident
        self.tokens = []
        self.callbacks = 0
        self.spare = None
        self.previous_fd = None
        self.previous_handler = None
        self.checked = False
        if self.writer is not None:
            self.writer.close()
            self.writer, self.writer_fd = None, -1


_interrupts = _Interrupts()
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_interrupts.reset_after_fork)

call_blocking = _interrupts.call


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
    if not _interrupts.tokens or threading.get_ident() != _interrupts.main:
        return fn(*args)
    _interrupts.callbacks += 1
    try:
        if _interrupts.interrupted:
            raise KeyboardInterrupt
        return fn(*args)
    finally:
        _interrupts.callbacks -= 1
