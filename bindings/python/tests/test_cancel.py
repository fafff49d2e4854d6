"""Cancellation: a ``CancelToken`` cancelled from another thread ends a call
blocked on a silent server with ``CancelledException``; Ctrl-C (SIGINT) ends
the main thread's blocking call with ``KeyboardInterrupt``, with and without
callbacks; a token cancelled before a call fails it at once."""

from __future__ import annotations

import http.server
import io
import os
import signal
import socket
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

import libe2b
from libe2b import CancelToken, ErrorCode

from conftest import SilentServer

CANCEL_AFTER = 0.3
"""How long a call blocks before it is cancelled."""

LIMIT = 2.0
"""How soon after the cancel a call must have returned (the library's bound
is 100 ms; the silent server would hold it for the request timeout, 60 s)."""


def cancel_later(action: Callable[[], object]) -> Callable[[], float]:
    """Runs `action` on another thread after CANCEL_AFTER; returns a function
    that waits for it and tells when it ran (time.monotonic)."""
    done: list[float] = []

    def fire() -> None:
        time.sleep(CANCEL_AFTER)
        done.append(time.monotonic())
        action()

    thread = threading.Thread(target=fire)
    thread.start()

    def when() -> float:
        thread.join()
        return done[0]

    return when


def expect_cancelled(call: Callable[[CancelToken], object]) -> None:
    """`call`, given a token that another thread cancels, blocks until then
    and raises CancelledException promptly after."""
    token = libe2b.CancelToken()
    when = cancel_later(token.cancel)
    start = time.monotonic()
    with pytest.raises(libe2b.CancelledException) as raised:
        call(token)
    end = time.monotonic()
    cancelled_at = when()
    assert end >= cancelled_at > start, "the call ended before it was cancelled"
    assert end - cancelled_at < LIMIT
    assert raised.value.code == ErrorCode.CANCELLED and isinstance(raised.value, libe2b.SandboxException)
    assert "cancelled" in raised.value.message
    assert token.is_cancelled()


def expect_interrupted(call: Callable[[], object]) -> None:
    """`call`, on the main thread, blocks until SIGINT comes from another
    thread and raises KeyboardInterrupt promptly after; the SIGINT handler
    and the wakeup descriptor are Python's own again."""
    assert threading.current_thread() is threading.main_thread()
    when = cancel_later(lambda: os.kill(os.getpid(), signal.SIGINT))
    start = time.monotonic()
    with pytest.raises(KeyboardInterrupt):
        call()
    end = time.monotonic()
    signalled_at = when()
    assert end >= signalled_at > start, "the call ended before the signal"
    assert end - signalled_at < LIMIT
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    previous = signal.set_wakeup_fd(-1)
    signal.set_wakeup_fd(previous)
    assert previous == -1



def silent_calls(sandbox: libe2b.Sandbox, local: Path) -> dict[str, Callable[[CancelToken | None], object]]:
    """Calls to the envd of `sandbox` of every kind: unary requests, streams
    with and without callbacks, uploads, downloads, the code interpreter."""
    files, commands = sandbox.files, sandbox.commands
    return {
        "read": lambda c: files.read("a.txt", cancel=c),
        "write": lambda c: files.write("a.txt", "x", cancel=c),
        "list": lambda c: files.list("/", cancel=c),
        "exists": lambda c: files.exists("a.txt", cancel=c),
        "upload_file": lambda c: files.upload_file(local, "up.txt", on_progress=lambda d, t: None, cancel=c),
        "download_file": lambda c: files.download_file("a.txt", local.with_suffix(".down"), cancel=c),
        "read_stream": lambda c: files.read_stream("a.txt", io.BytesIO(), cancel=c),
        "watch_dir": lambda c: files.watch_dir("/", cancel=c),
        "commands.run": lambda c: commands.run("sleep 30", on_stdout=lambda d: None, cancel=c),
        "commands.list": lambda c: commands.list(cancel=c),
        "run_code": lambda c: sandbox.run_code("1", cancel=c),
    }


@pytest.mark.parametrize("name", ["read", "write", "list", "exists", "upload_file", "download_file", "read_stream",
                                  "watch_dir", "commands.run", "commands.list", "run_code"])
def test_a_token_cancels_a_call_to_a_silent_sandbox(silent_sandbox: libe2b.Sandbox, tmp_path: Path,
                                                    name: str) -> None:
    local = tmp_path / "up.txt"
    local.write_text("up")
    call = silent_calls(silent_sandbox, local)[name]
    expect_cancelled(call)


def test_a_token_cancels_calls_to_a_silent_control_plane(silent_server: SilentServer) -> None:
    with libe2b.Client(api_url=silent_server.url, max_retries=0, request_timeout=60) as client:
        expect_cancelled(lambda c: client.create_sandbox(cancel=c))
        expect_cancelled(lambda c: client.list_sandboxes(cancel=c).next_items())
        expect_cancelled(lambda c: client.list_sandboxes().next_items(cancel=c))
        expect_cancelled(lambda c: client.get_info("abcdefghij0123456789", cancel=c))


def test_one_token_cancels_calls_on_several_threads(silent_sandbox: libe2b.Sandbox) -> None:
    token = libe2b.CancelToken()
    outcomes: list[BaseException | None] = []
    ended: list[float] = []

    def read(n: int) -> None:
        try:
            silent_sandbox.files.read(f"{n}.txt", cancel=token)
            outcomes.append(None)
        except BaseException as error:
            outcomes.append(error)
        ended.append(time.monotonic())

    threads = [threading.Thread(target=read, args=(n,)) for n in range(3)]
    for thread in threads:
        thread.start()
    cancelled_at = cancel_later(token.cancel)()
    for thread in threads:
        thread.join()
    assert all(isinstance(outcome, libe2b.CancelledException) for outcome in outcomes) and len(outcomes) == 3
    assert max(ended) - cancelled_at < LIMIT


def test_a_cancelled_token_fails_a_call_at_once(sandbox: libe2b.Sandbox, client: libe2b.Client) -> None:
    token = libe2b.CancelToken()
    token.cancel()
    token.cancel()
    assert token.is_cancelled() and "cancelled" in repr(token)
    for call in (
        lambda: sandbox.files.write("never.txt", "x", cancel=token),
        lambda: sandbox.files.read("never.txt", cancel=token),
        lambda: sandbox.commands.run("touch never-ran", cancel=token),
        lambda: sandbox.run_code("1", cancel=token),
        lambda: sandbox.get_info(cancel=token),
        lambda: client.create_sandbox(cancel=token),
        lambda: sandbox.files.download_url("never.txt", cancel=token),
    ):
        with pytest.raises(libe2b.CancelledException) as raised:
            call()
        assert raised.value.code == ErrorCode.CANCELLED
    # Nothing was done, and the sandbox is as usable as before.
    assert not sandbox.files.exists("never.txt")
    assert not sandbox.files.exists("never-ran")
    fresh = libe2b.CancelToken()
    assert not fresh.is_cancelled()
    sandbox.files.write("done.txt", "yes", cancel=fresh)
    assert sandbox.files.read("done.txt", cancel=fresh) == b"yes"


def test_a_token_cancels_a_running_command_and_kills_it(sandbox: libe2b.Sandbox) -> None:
    expect_cancelled(lambda c: sandbox.commands.run("sleep 30 # cancelled-run", cancel=c))
    with sandbox.commands.start("sleep 30 # cancelled-wait") as handle:
        expect_cancelled(lambda c: handle.wait(cancel=c))

    def running(marker: str) -> bool:
        return any(marker in " ".join(p.args) for p in sandbox.commands.list())

    for _ in range(40):  # a killed process is listed until the sandbox has reaped it
        if not running("cancelled-run") and not running("cancelled-wait"):
            break
        time.sleep(0.05)
    assert not running("cancelled-run") and not running("cancelled-wait")


def test_ctrl_c_interrupts_a_call_without_callbacks(silent_sandbox: libe2b.Sandbox) -> None:
    expect_interrupted(lambda: silent_sandbox.files.read("a.txt"))
    expect_interrupted(lambda: silent_sandbox.commands.list())
    # The next call runs as usual (and blocks until interrupted again).
    expect_interrupted(lambda: silent_sandbox.files.write("a.txt", "x"))


def test_ctrl_c_interrupts_a_call_with_callbacks(sandbox: libe2b.Sandbox, silent_sandbox: libe2b.Sandbox) -> None:
    # Callbacks that are never called (nothing comes) ...
    expect_interrupted(lambda: silent_sandbox.commands.run("sleep 30", on_stdout=lambda d: None))
    # ... called all the time ...
    ticks: list[bytes] = []
    expect_interrupted(lambda: sandbox.commands.run("while true; do echo tick; sleep 0.02; done",
                                                    on_stdout=ticks.append))
    assert ticks
    # ... and one that blocks in Python: interrupted where it waits.
    expect_interrupted(lambda: sandbox.commands.run("echo go; sleep 30", on_stdout=lambda d: time.sleep(30)))
    assert sandbox.commands.run("echo still works").stdout == b"still works\n"


def test_ctrl_c_interrupts_a_wait_for_a_command(sandbox: libe2b.Sandbox) -> None:
    with sandbox.commands.start("sleep 30") as handle:
        expect_interrupted(handle.wait)
    with sandbox.commands.start("sleep 30") as handle:
        expect_interrupted(lambda: handle.next_output(float("inf")))
        handle.kill()


def test_ctrl_c_cancels_the_token_given_to_the_call(silent_sandbox: libe2b.Sandbox) -> None:
    token = libe2b.CancelToken()
    expect_interrupted(lambda: silent_sandbox.files.read("a.txt", cancel=token))
    assert token.is_cancelled()


def test_ctrl_c_leaves_calls_on_other_threads_alone(sandbox: libe2b.Sandbox,
                                                    silent_sandbox: libe2b.Sandbox) -> None:
    results: list[object] = []
    worker = threading.Thread(target=lambda: results.append(sandbox.commands.run("sleep 1").exit_code))
    worker.start()
    expect_interrupted(lambda: silent_sandbox.files.read("a.txt"))
    worker.join()
    assert results == [0]


def test_ctrl_c_interrupts_a_call_made_inside_a_callback(sandbox: libe2b.Sandbox,
                                                          silent_sandbox: libe2b.Sandbox) -> None:
    # The outer call's callback blocks in a call of its own: Ctrl-C ends
    # both, and the guard is removed once, after the outer one.
    inner: list[BaseException] = []

    def read_silently(data: bytes) -> None:
        try:
            silent_sandbox.files.read("a.txt")
        except BaseException as error:
            inner.append(error)
            raise

    expect_interrupted(lambda: sandbox.commands.run("echo go; sleep 30", on_stdout=read_silently))
    assert len(inner) == 1 and isinstance(inner[0], KeyboardInterrupt)
    # Later calls given no token run as usual: the token Ctrl-C cancelled is not given again.
    assert sandbox.commands.run("echo still works").stdout == b"still works\n"
    assert sandbox.files.exists("/home/user")


def test_a_call_puts_back_the_wakeup_descriptor_it_found(sandbox: libe2b.Sandbox,
                                                         silent_sandbox: libe2b.Sandbox) -> None:
    # Someone else's wakeup descriptor (asyncio sets one) is put back after
    # each call, and the signals that came meanwhile are passed on to it.
    theirs, reader = socket.socketpair()
    theirs.setblocking(False)
    reader.settimeout(LIMIT)
    try:
        assert signal.set_wakeup_fd(theirs.fileno()) == -1
        try:
            for _ in range(3):
                assert sandbox.files.exists("/home/user")
                assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
                assert signal.set_wakeup_fd(theirs.fileno()) == theirs.fileno()
            when = cancel_later(lambda: os.kill(os.getpid(), signal.SIGINT))
            with pytest.raises(KeyboardInterrupt):
                silent_sandbox.files.read("a.txt")
            when()
            assert signal.set_wakeup_fd(theirs.fileno()) == theirs.fileno()
            assert signal.SIGINT in reader.recv(16)
        finally:
            signal.set_wakeup_fd(-1)
    finally:
        theirs.close()
        reader.close()


def test_ctrl_c_goes_to_a_handler_of_the_program_s_own(sandbox: libe2b.Sandbox) -> None:
    # With a SIGINT handler other than Python's default, calls are not
    # guarded: the call goes on to its end, then the handler runs, and it
    # stays in place.
    received: list[int] = []

    def handler(signum: int, frame: object) -> None:
        received.append(signum)

    previous = signal.signal(signal.SIGINT, handler)
    try:
        when = cancel_later(lambda: os.kill(os.getpid(), signal.SIGINT))
        assert sandbox.commands.run("sleep 1").exit_code == 0
        when()
        assert received == [signal.SIGINT]
        assert signal.getsignal(signal.SIGINT) is handler
        assert signal.set_wakeup_fd(-1) == -1
    finally:
        signal.signal(signal.SIGINT, previous)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="no fork")
def test_after_a_fork_from_another_thread_the_child_s_calls_are_guarded(sandbox: libe2b.Sandbox) -> None:
    # In the child the thread that forked is the main one: its calls get the
    # guard (here: the handler is ours during a callback), and put back
    # Python's own handler after.
    assert sandbox.files.exists("/home/user")  # the guard is set up in the parent
    status: list[int] = []

    def fork() -> None:
        pid = os.fork()
        if pid == 0:
            ok = False
            try:
                from libe2b import _cancel

                seen: list[object] = []

                def function(token: object, err: object) -> int:
                    seen.append(signal.getsignal(signal.SIGINT))
                    return 0

                ok = (_cancel._interrupts.main == threading.get_ident()
                      and _cancel._interrupts.call(function, (), None, None) == (0, False)
                      and seen[0] is not signal.default_int_handler
                      and signal.getsignal(signal.SIGINT) is signal.default_int_handler)
            finally:
                os._exit(0 if ok else 1)
        status.append(os.waitpid(pid, 0)[1])

    thread = threading.Thread(target=fork)
    thread.start()
    thread.join()
    assert status == [0]


class RateLimited(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = b'{"code": 429, "message": "slow down"}'
        self.send_response(429)
        self.send_header("Retry-After", "7")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def rate_limited() -> Iterator[str]:
    """A control plane that answers every request with 429 and Retry-After: 7."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), RateLimited)
    thread = threading.Thread(target=server.serve_forever)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()
    thread.join()


def test_a_rate_limit_error_says_when_to_retry(rate_limited: str) -> None:
    with libe2b.Client(api_url=rate_limited, max_retries=0) as client:
        with pytest.raises(libe2b.RateLimitException) as raised:
            client.get_info("abcdefghij0123456789")
    error = raised.value
    assert (error.code, error.http_status, error.retry_after) == (ErrorCode.RATE_LIMITED, 429, 7.0)
    assert error.callback_value is None


def test_the_guard_s_wakeup_descriptor_is_in_place_during_a_call_only(sandbox: libe2b.Sandbox) -> None:
    # The guard checks its descriptor once through signal.set_wakeup_fd,
    # then swaps it in and out through the C API: it is ours while a call
    # runs (seen from a callback) and Python's own (none) before and after,
    # call after call.
    from libe2b import _cancel

    seen: list[int] = []

    def look(data: bytes) -> None:
        ours = signal.set_wakeup_fd(-1)
        signal.set_wakeup_fd(ours, warn_on_full_buffer=False)
        seen.append(ours)

    for _ in range(3):
        assert sandbox.commands.run("echo hi", on_stdout=look).exit_code == 0
        assert signal.set_wakeup_fd(-1) == -1
        assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
    assert _cancel._interrupts.checked
    assert len(seen) == 3 and all(fd == _cancel._interrupts.writer_fd != -1 for fd in seen)
