"""sandbox.commands: run, background commands, processes."""

from __future__ import annotations

import time

import pytest

import libe2b
from libe2b import ErrorCode, Stream


def test_run_returns_exit_code_and_output_as_bytes(sandbox: libe2b.Sandbox) -> None:
    result = sandbox.commands.run("echo out; echo err >&2")
    assert result.exit_code == 0 and result.error is None
    assert (result.stdout, result.stderr) == (b"out\n", b"err\n")
    assert (result.stdout_text, result.stderr_text) == ("out\n", "err\n")
    assert result.check() is result

    binary = sandbox.commands.run(r"printf '\xff\x00\xfe'")
    assert binary.stdout == b"\xff\x00\xfe" and binary.stdout_text == "\ufffd\x00\ufffd"


def test_a_non_zero_exit_is_data_until_checked(sandbox: libe2b.Sandbox) -> None:
    result = sandbox.commands.run("echo partial; echo broken >&2; exit 3")
    assert result.exit_code == 3 and result.stdout == b"partial\n" and result.error
    with pytest.raises(libe2b.CommandExitException) as raised:
        result.check()
    error = raised.value
    assert (error.exit_code, error.stdout, error.stderr) == (3, b"partial\n", b"broken\n")
    assert error.code == ErrorCode.COMMAND_EXIT and "3" in error.message and error.http_status is None


def test_envs_cwd_user_apply(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.make_dir("/tmp/work")
    result = sandbox.commands.run('echo "$GREETING"; pwd; whoami', envs={"GREETING": "hello"}, cwd="/tmp/work",
                                  user="root")
    assert result.stdout_text.splitlines() == ["hello", "/tmp/work", "root"]
    assert sandbox.commands.run("pwd").stdout_text.strip() == "/home/user"
    with pytest.raises(libe2b.InvalidArgumentException):
        sandbox.commands.run("true", cwd="/no/such/dir")
    with pytest.raises(libe2b.AuthenticationException):
        sandbox.commands.run("true", user="nobody-here")


def test_output_streams_to_the_callbacks_as_bytes(sandbox: libe2b.Sandbox) -> None:
    out: list[bytes] = []
    err: list[bytes] = []
    result = sandbox.commands.run("for i in 1 2 3; do echo $i; echo e$i >&2; sleep 0.1; done",
                                  on_stdout=out.append, on_stderr=err.append)
    assert all(isinstance(chunk, bytes) for chunk in out + err)
    assert b"".join(out) == result.stdout == b"1\n2\n3\n"
    assert b"".join(err) == result.stderr == b"e1\ne2\ne3\n"
    only_out: list[bytes] = []
    sandbox.commands.run("echo a; echo b >&2", on_stdout=only_out.append)
    assert only_out == [b"a\n"]


def test_the_timeout_kills_the_command(sandbox: libe2b.Sandbox) -> None:
    started = time.monotonic()
    with pytest.raises(libe2b.TimeoutException) as raised:
        sandbox.commands.run("sleep 30", timeout=1)
    assert raised.value.code == ErrorCode.TIMEOUT and time.monotonic() - started < 10
    assert sandbox.commands.run("sleep 0.1", timeout=0).exit_code == 0  # 0: no limit


def test_a_background_command_is_followed_then_waited_for(sandbox: libe2b.Sandbox) -> None:
    with sandbox.commands.start("echo one; sleep 0.3; echo two >&2; exit 4") as handle:
        assert handle.pid > 0
        first = None
        while first is None:
            first = handle.next_output(5)
        assert first == libe2b.OutputChunk(Stream.STDOUT, b"one\n")
        err: list[bytes] = []
        result = handle.wait(on_stderr=err.append)
        assert result.exit_code == 4 and err == [b"two\n"]
        assert handle.next_output(0) == result  # the exit again


def test_a_background_command_is_iterated(sandbox: libe2b.Sandbox) -> None:
    with sandbox.commands.start("for i in 1 2 3; do echo $i; done") as handle:
        chunks = list(handle)
        assert b"".join(c.data for c in chunks if c.stream == Stream.STDOUT) == b"1\n2\n3\n"
        assert handle.wait().exit_code == 0


def test_stdin_kill_list_and_connect(sandbox: libe2b.Sandbox) -> None:
    with sandbox.commands.start("cat", stdin=True, timeout=0) as cat:
        cat.send_stdin(b"bytes\n")
        cat.send_stdin("text\n")
        cat.close_stdin()
        assert cat.wait().stdout == b"bytes\ntext\n"

    sleeper = sandbox.commands.start("sleep 60", envs={"TAG": "x"}, cwd="/tmp", timeout=0)
    process = next(p for p in sandbox.commands.list() if p.pid == sleeper.pid)
    assert process.cmd and process.args and process.cwd == "/tmp" and process.envs["TAG"] == "x"
    follower = sandbox.commands.connect(sleeper.pid)
    assert follower.pid == sleeper.pid
    assert follower.kill() is True
    assert sleeper.wait().exit_code != 0
    assert sleeper.pid not in {p.pid for p in sandbox.commands.list()}
    sleeper.close()
    follower.close()
    with pytest.raises(ValueError, match="CommandHandle is closed"):
        sleeper.pid
    sleeper.close()  # twice is harmless

    # `cat`, not `head -c 5`: it must still be running when its stdin is closed.
    reader = sandbox.commands.start("cat", stdin=True)
    sandbox.commands.send_stdin(reader.pid, "12345")
    sandbox.commands.close_stdin(reader.pid)
    assert reader.wait().stdout == b"12345"
    reader.close()

    lingering = sandbox.commands.start("sleep 60")
    pid = lingering.pid
    lingering.close()  # stops following; the process goes on
    assert pid in {p.pid for p in sandbox.commands.list()}
    assert sandbox.commands.kill(pid) is True


def test_missing_processes(sandbox: libe2b.Sandbox) -> None:
    assert sandbox.commands.kill(999_999) is False
    with pytest.raises(libe2b.NotFoundException) as raised:
        sandbox.commands.connect(999_999)
    assert not isinstance(raised.value, libe2b.FileNotFoundException)
    with pytest.raises(libe2b.NotFoundException):
        sandbox.commands.send_stdin(999_999, b"x")


def test_an_exception_in_an_output_callback_stops_the_command(sandbox: libe2b.Sandbox) -> None:
    class Enough(Exception):
        pass

    def on_stdout(chunk: bytes) -> None:
        raise Enough(chunk)

    started = time.monotonic()
    with pytest.raises(Enough):
        sandbox.commands.run("echo first; sleep 30; echo never", on_stdout=on_stdout)
    assert time.monotonic() - started < 10
    with sandbox.commands.start("echo x; sleep 30") as handle:
        with pytest.raises(Enough):
            handle.wait(on_stdout=on_stdout)
