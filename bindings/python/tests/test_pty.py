"""sandbox.pty: terminals (create, send_stdin, resize, connect, kill, the
callback and pull forms), input streams, retained output, attach limits,
and the PTY example."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

import libe2b
from libe2b import PtySize, Stream

EXAMPLE = Path(__file__).resolve().parents[3] / "examples" / "python" / "pty.py"


def read_until(shell: libe2b.CommandHandle, needle: bytes, seconds: float = 20) -> bytes:
    seen = b""
    deadline = time.monotonic() + seconds
    while needle not in seen:
        assert time.monotonic() < deadline, f"no {needle!r} in {seen!r}"
        chunk = shell.next_output(0.2)
        assert not isinstance(chunk, libe2b.CommandResult), f"the shell ended: {seen!r}"
        if chunk is not None:
            assert chunk.stream == Stream.PTY
            seen += chunk.data
    return seen


def test_a_shell_in_a_terminal_resizes_and_exits(sandbox: libe2b.Sandbox) -> None:
    with sandbox.pty.create(PtySize(rows=24, cols=80)) as shell:
        assert shell.is_pty
        shell.send_stdin("stty size; echo ready-$((6 * 7))\n")
        seen = read_until(shell, b"ready-42")
        assert b"24 80\r\n" in seen
        sandbox.pty.resize(shell.pid, PtySize(rows=30, cols=100))
        sandbox.pty.send_stdin(shell.pid, b"stty size\n")
        read_until(shell, b"30 100\r\n")
        shell.send_stdin("exit 3\n")
        result = shell.wait()
        assert result.exit_code == 3 and result.stdout == b"" and result.stderr == b""


def test_envs_cwd_user_and_on_data(sandbox: libe2b.Sandbox) -> None:
    chunks: list[bytes] = []
    shell = sandbox.pty.create(PtySize(24, 80), on_data=chunks.append, cwd="/tmp", user="root",
                               envs={"GREETING": "hi", "LANG": "C"}, timeout=30)
    shell.send_stdin('echo "<$GREETING $(pwd) $(whoami) $LANG $TERM>"; exit\n')
    assert shell.wait().exit_code == 0
    assert b"<hi /tmp root C xterm-256color>" in b"".join(chunks)

    # wait(on_pty=...) wins over on_data; a callback that raises stops the wait and kills the shell.
    shell = sandbox.pty.create(PtySize(24, 80), on_data=chunks.append)

    def stop(data: bytes) -> None:
        raise RuntimeError("enough")

    shell.send_stdin("echo hello\n")
    with pytest.raises(RuntimeError, match="enough"):
        shell.wait(on_pty=stop)


def test_connect_stream_input_and_kill(sandbox: libe2b.Sandbox) -> None:
    shell = sandbox.pty.create(PtySize(24, 80), timeout=0)
    pid = shell.pid
    shell.close()
    with sandbox.pty.connect(pid, timeout=30) as attached:
        with sandbox.pty.open_input(pid, keepalive_interval=0.1) as stream:
            assert stream.streaming
            stream.write("echo str")
            time.sleep(0.35)
            stream.write(b"eamed-$((5 * 5))\n")
        read_until(attached, b"streamed-25")
        sandbox.pty.stream_input(pid, ["echo iter", "ated-$((4 * 4))\n"])
        read_until(attached, b"iterated-16")
        assert sandbox.pty.kill(pid)
        assert attached.wait().exit_code == -1
    assert not sandbox.pty.kill(pid)


def test_errors_are_typed(sandbox: libe2b.Sandbox) -> None:
    with pytest.raises(libe2b.InvalidArgumentException):
        sandbox.pty.create(PtySize(0, 80))
    with pytest.raises(ValueError):
        sandbox.pty.resize(1, PtySize(70000, 80))
    with pytest.raises(libe2b.NotFoundException):
        sandbox.pty.send_stdin(999999, "x")
    with pytest.raises(libe2b.NotFoundException):
        sandbox.pty.resize(999999, PtySize(10, 10))
    with pytest.raises(libe2b.NotFoundException):
        sandbox.pty.connect(999999)
    with pytest.raises(libe2b.NotFoundException):
        sandbox.commands.stream_input(999999, [b"x"])
    with pytest.raises(TypeError):
        sandbox.commands.stream_input(1, b"not chunks")  # type: ignore[arg-type]


def test_stdin_streams_and_retain_output(sandbox: libe2b.Sandbox) -> None:
    cat = sandbox.commands.start("cat", stdin=True)
    sandbox.commands.stream_input(cat.pid, ["one ", b"two\n"], timeout=10)
    stream = sandbox.commands.open_input(cat.pid, timeout=None)
    stream.write("three\n")
    stream.close()
    stream.close()  # twice is harmless
    with pytest.raises(ValueError):
        stream.write("closed")
    cat.close_stdin()
    assert cat.wait().stdout == b"one two\nthree\n"

    # The sandbox's error comes when the stream is closed (the process lives on without its stdin).
    cat = sandbox.commands.start("cat; sleep 30", stdin=True)
    stream = sandbox.commands.open_input(cat.pid)
    cat.close_stdin()
    with pytest.raises(libe2b.SandboxException, match="stdin"):
        stream.write("late\n")
        stream.close()
    assert cat.kill()

    seen: list[bytes] = []
    result = sandbox.commands.run("echo kept-out", retain_output=False, on_stdout=seen.append)
    assert result.stdout == b"" and seen == [b"kept-out\n"]

    sleeper = sandbox.commands.start("sleep 30")
    started = time.monotonic()
    with sandbox.commands.connect(sleeper.pid, timeout=0.5, retain_output=False) as attached:
        with pytest.raises(libe2b.TimeoutException):
            attached.wait()
    assert time.monotonic() - started < 5
    assert sleeper.kill()


def test_the_pty_example_reads_the_repl_prompt() -> None:
    done = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True, timeout=120,
                          env=dict(os.environ))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "the REPL is ready" in done.stdout and "42 from linux" in done.stdout
