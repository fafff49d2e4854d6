"""The official Python SDK (e2b==2.63.0) against e2b-local's envd process service: commands run
as real processes in the sandbox's jail (foreground, background, stdin, signals, timeouts,
PTY), pause and resume with live processes, and the Connect wire details the SDK hides (checked
with raw HTTP)."""

import base64
import json
import struct
import time
from pathlib import Path

import httpx
import pytest

from e2b import (
    AuthenticationException,
    CommandExitException,
    InvalidArgumentException,
    Sandbox,
    SandboxException,
    TimeoutException,
)
from e2b.sandbox.commands.command_handle import PtySize

from conftest import envd_headers, wait_until


# ---- Helpers ----


def envelope(message, flags=0):
    data = json.dumps(message).encode()
    return struct.pack(">BI", flags, len(data)) + data


def read_envelopes(data):
    """(flags, message) pairs of a Connect stream body."""
    messages = []
    while data:
        flags, length = struct.unpack(">BI", data[:5])
        messages.append((flags, json.loads(data[5 : 5 + length])))
        data = data[5 + length :]
    return messages


def start_raw(server, sandbox, cmd, headers=None, timeout=30):
    """Process.Start over raw HTTP; returns the response and its (flags, message) list."""
    body = {"process": {"cmd": "/bin/bash", "args": ["-c", cmd]}, "stdin": False}
    response = httpx.post(
        f"{server.sandbox_url}/process.Process/Start",
        content=envelope(body),
        headers=envd_headers(sandbox, **{"Content-Type": "application/connect+json", **(headers or {})}),
        timeout=timeout,
    )
    return response, read_envelopes(response.content)


def rpc(server, sandbox, method, body):
    return httpx.post(
        f"{server.sandbox_url}/process.Process/{method}",
        json=body,
        headers=envd_headers(sandbox, **{"Content-Type": "application/json"}),
    )


def pids(sandbox):
    return [p.pid for p in sandbox.commands.list()]


# ---- Foreground ----


def test_run_gives_stdout_stderr_and_exit_code(sandbox):
    result = sandbox.commands.run("echo out; echo err >&2")
    assert (result.stdout, result.stderr, result.exit_code, result.error) == ("out\n", "err\n", 0, None)


def test_a_non_zero_exit_raises_command_exit_exception(sandbox):
    with pytest.raises(CommandExitException) as raised:
        sandbox.commands.run("echo partial; echo bad >&2; exit 3")
    error = raised.value
    assert (error.exit_code, error.stdout, error.stderr, error.error) == (3, "partial\n", "bad\n", "exit status 3")
    assert str(error) == "Command exited with code 3 and error:\nbad\n"


def test_output_streams_to_callbacks_before_the_command_ends(sandbox):
    arrivals = []
    started = time.monotonic()
    result = sandbox.commands.run(
        "for i in 1 2 3; do echo line$i; sleep 0.5; done",
        on_stdout=lambda text: arrivals.append((time.monotonic() - started, text)),
    )
    ended = time.monotonic() - started
    assert "".join(text for _, text in arrivals) == result.stdout == "line1\nline2\nline3\n"
    assert len(arrivals) == 3, "one chunk per write"
    assert arrivals[0][0] < ended - 0.8, f"the first line came at {arrivals[0][0]:.2f}s of {ended:.2f}s"


def test_output_that_is_not_utf8_passes_through(server, sandbox):
    result = sandbox.commands.run(r"printf 'ok\xff\xfe!'")
    assert result.stdout == "ok\ufffd\ufffd!"
    _, messages = start_raw(server, sandbox, r"printf 'ok\xff\xfe!'")
    data = b"".join(base64.b64decode(m["event"]["data"]["stdout"]) for _, m in messages if "data" in m.get("event", {}))
    assert data == b"ok\xff\xfe!"


def test_envs_cwd_and_the_default_environment(server):
    sandbox = Sandbox.create(envs={"FROM_SANDBOX": "sbx", "OVERRIDDEN": "sbx"})
    try:
        result = sandbox.commands.run(
            'echo "$FROM_SANDBOX $OVERRIDDEN $ONLY_HERE"; pwd; echo "$HOME $USER $LOGNAME"',
            envs={"OVERRIDDEN": "cmd", "ONLY_HERE": "yes"},
            cwd="/tmp",
        )
        assert result.stdout == "sbx cmd yes\n/tmp\n/home/user user user\n"
        assert sandbox.commands.run("pwd").stdout == "/home/user\n"
    finally:
        sandbox.kill()


def test_a_missing_cwd_is_invalid(sandbox):
    with pytest.raises(InvalidArgumentException, match="cwd '/nowhere' does not exist"):
        sandbox.commands.run("true", cwd="/nowhere")


def test_users(sandbox):
    assert sandbox.commands.run("whoami; id -u; echo $HOME").stdout == "user\n1000\n/home/user\n"
    assert sandbox.commands.run("whoami; id -u; echo $HOME; pwd", user="root").stdout == "root\n0\n/root\n/home/user\n"
    with pytest.raises(AuthenticationException, match="invalid username: 'bob'"):
        sandbox.commands.run("true", user="bob")


def test_commands_and_the_files_api_see_the_same_files(sandbox):
    sandbox.files.write("/home/user/from_api.txt", "api")
    assert "from_api.txt" in sandbox.commands.run("ls /home/user").stdout.split()
    assert sandbox.commands.run("cat /home/user/from_api.txt").stdout == "api"
    sandbox.commands.run("echo cmd > /home/user/from_cmd.txt; echo tmp > /tmp/t.txt; echo more >> from_api.txt")
    assert sandbox.files.read("/home/user/from_cmd.txt") == "cmd\n"
    assert sandbox.files.read("/tmp/t.txt") == "tmp\n"
    assert sandbox.files.read("/home/user/from_api.txt") == "apimore\n"
    assert "from_cmd.txt" in [entry.name for entry in sandbox.files.list("/home/user")]
    # Files root writes are readable. On the base image (`/` an overlay) the system folders are
    # the sandbox's own, writable by root; without it they are the host's, read-only.
    sandbox.commands.run("mkdir -p /data && echo r > /data/r.txt", user="root")
    assert sandbox.files.read("/data/r.txt") == "r\n"
    if sandbox.commands.run("stat -f -c %T /").stdout == "overlayfs\n":
        sandbox.commands.run("echo tool > /usr/bin/mine", user="root")
        assert sandbox.files.read("/usr/bin/mine") == "tool\n"
    else:
        with pytest.raises(CommandExitException):
            sandbox.commands.run("touch /usr/bin/nope", user="root")


# ---- Background ----


def test_background_wait_list_and_kill(sandbox):
    handle = sandbox.commands.run("sleep 30", background=True)
    listed = {p.pid: p for p in sandbox.commands.list()}
    assert handle.pid in listed
    info = listed[handle.pid]
    assert (info.cmd, info.args, info.tag) == ("/bin/bash", ["-l", "-c", "sleep 30"], None)
    assert handle.kill() is True
    with pytest.raises(CommandExitException) as raised:
        handle.wait()
    assert (raised.value.exit_code, raised.value.error) == (-1, "signal: killed")
    assert handle.pid not in pids(sandbox)
    assert sandbox.commands.kill(handle.pid) is False


def test_background_command_finishes_on_its_own(sandbox):
    handle = sandbox.commands.run("sleep 0.3; echo done", background=True)
    result = handle.wait()
    assert (result.stdout, result.exit_code) == ("done\n", 0)


def test_stdin(sandbox):
    handle = sandbox.commands.run("cat", background=True, stdin=True)
    handle.send_stdin("hello ")
    sandbox.commands.send_stdin(handle.pid, b"world\n")
    sandbox.commands.stream_input(handle.pid, ["streamed ", b"input\n"])
    handle.close_stdin()
    assert handle.wait().stdout == "hello world\nstreamed input\n"


def test_stdin_is_closed_unless_asked_for(sandbox):
    handle = sandbox.commands.run("cat; sleep 30", background=True)
    try:
        with pytest.raises(SandboxException, match="stdin not enabled or closed"):
            handle.send_stdin("x")
    finally:
        handle.kill()


def test_connect_to_a_running_command(sandbox):
    handle = sandbox.commands.run("sleep 1; for i in 1 2 3; do echo $i; sleep 0.3; done", background=True)
    handle.disconnect()
    time.sleep(0.2)
    connected = sandbox.commands.connect(handle.pid)
    assert connected.pid == handle.pid
    result = connected.wait()
    assert (result.stdout, result.exit_code) == ("1\n2\n3\n", 0)
    # A command that just ended is still found: its end comes at once.
    assert sandbox.commands.connect(handle.pid).wait().exit_code == 0


def test_sigterm_and_unknown_pids(server, sandbox):
    handle = sandbox.commands.run("sleep 30", background=True)
    response = rpc(server, sandbox, "SendSignal", {"process": {"pid": handle.pid}, "signal": "SIGNAL_SIGTERM"})
    assert (response.status_code, response.json()) == (200, {})
    with pytest.raises(CommandExitException) as raised:
        handle.wait()
    assert raised.value.error == "signal: terminated"
    missing = rpc(server, sandbox, "SendSignal", {"process": {"pid": 999999}, "signal": "SIGNAL_SIGKILL"})
    assert (missing.status_code, missing.json()) == (
        404,
        {"code": "not_found", "message": "process with pid 999999 not found"},
    )


def test_a_timeout_kills_the_command(sandbox):
    started = time.monotonic()
    with pytest.raises(TimeoutException):
        sandbox.commands.run("sleep 2; touch /tmp/survived", timeout=1)
    assert time.monotonic() - started < 2
    assert wait_until(lambda: all(p.args[-1] != "sleep 2; touch /tmp/survived" for p in sandbox.commands.list()))
    time.sleep(max(0, 2.5 - (time.monotonic() - started)))
    assert not sandbox.files.exists("/tmp/survived")


def test_processes_see_each_other(sandbox):
    server = sandbox.commands.run("exec sleep 30", background=True)
    assert sandbox.commands.run(f"kill -0 {server.pid} && ps -o comm= -p {server.pid}").stdout == "sleep\n"
    sandbox.commands.run(f"kill {server.pid}")
    with pytest.raises(CommandExitException) as raised:
        server.wait()
    assert raised.value.error == "signal: terminated"


# ---- PTY ----


def test_pty(sandbox):
    terminal = sandbox.pty.create(PtySize(rows=24, cols=80))
    sandbox.pty.send_stdin(terminal.pid, b"stty size; tty >/dev/null && echo is-a-tty\n")
    time.sleep(0.5)
    sandbox.pty.resize(terminal.pid, PtySize(rows=30, cols=100))
    sandbox.pty.send_stdin(terminal.pid, b"stty size; exit 0\n")
    output = bytearray()
    result = terminal.wait(on_pty=output.extend)
    assert result.exit_code == 0
    assert b"24 80" in output and b"is-a-tty" in output and b"30 100" in output, bytes(output)


# ---- Pause and resume ----


def test_pause_freezes_commands_and_resume_continues_them(server, sandbox):
    counter = sandbox.commands.run(
        "i=0; while true; do i=$((i+1)); echo $i > /tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done",
        background=True,
    )
    on_disk = Path(server.data_dir) / "sandboxes" / sandbox.sandbox_id / "fs" / "tmp" / "n"
    assert wait_until(lambda: on_disk.exists())
    time.sleep(0.3)
    assert sandbox.pause()
    frozen_at = int(on_disk.read_text())
    time.sleep(0.6)
    assert int(on_disk.read_text()) == frozen_at, "no progress while paused"
    sandbox.connect()
    time.sleep(0.6)
    later = int(sandbox.files.read("/tmp/n"))
    assert frozen_at < later < frozen_at + 40, "it carries on from where it was"
    assert counter.pid in pids(sandbox)


def test_killing_the_sandbox_ends_its_commands(server):
    sandbox = Sandbox.create()
    handle = sandbox.commands.run("sleep 60", background=True)
    sandbox.kill()
    with pytest.raises(Exception):
        handle.wait()


# ---- The wire ----


def test_start_stream_framing_and_keepalives(server, sandbox):
    response, messages = start_raw(server, sandbox, "sleep 2.5; echo x", {"Keepalive-Ping-Interval": "1"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/connect+json"
    events = [m.get("event", m) for _, m in messages]
    assert list(events[0]) == ["start"] and events[0]["start"]["pid"] > 0
    assert events.count({"keepalive": {}}) >= 2
    assert {"data": {"stdout": "eAo="}} in events
    assert events[-2] == {"end": {"exited": True, "status": "exit status 0"}}
    assert messages[-1] == (2, {})
    failed = [m["event"] for _, m in start_raw(server, sandbox, "exit 1")[1][:-1]][-1]
    assert failed == {"end": {"exitCode": 1, "exited": True, "status": "exit status 1", "error": "exit status 1"}}


def test_the_lifetime_is_connect_timeout_ms(server, sandbox):
    started = time.monotonic()
    response, messages = start_raw(server, sandbox, "sleep 5", {"Connect-Timeout-Ms": "700"})
    assert time.monotonic() - started < 3
    assert messages[-1] == (2, {"error": {"code": "deadline_exceeded", "message": "context deadline exceeded"}})
    assert all("end" not in m.get("event", {}) for _, m in messages)
    assert wait_until(lambda: all(p.args[-1] != "sleep 5" for p in sandbox.commands.list()))


def test_errors_before_the_stream_start_come_in_the_end_message(server, sandbox):
    body = {"process": {"cmd": "/bin/true", "cwd": "/nope"}}
    response = httpx.post(
        f"{server.sandbox_url}/process.Process/Start",
        content=envelope(body),
        headers=envd_headers(sandbox, **{"Content-Type": "application/connect+json"}),
    )
    assert response.status_code == 200
    assert read_envelopes(response.content) == [
        (2, {"error": {"code": "invalid_argument", "message": "cwd '/nope' does not exist"}})
    ]


def test_list_entries(server, sandbox):
    body = {"process": {"cmd": "sleep", "args": ["30"], "envs": {"A": "1"}, "cwd": "/tmp"}, "tag": "napper"}
    stream = httpx.stream(
        "POST",
        f"{server.sandbox_url}/process.Process/Start",
        content=envelope(body),
        headers=envd_headers(sandbox, **{"Content-Type": "application/connect+json"}),
    )
    with stream as response:
        first = next(response.iter_bytes())
        pid = read_envelopes(first)[0][1]["event"]["start"]["pid"]
    listed = rpc(server, sandbox, "List", {}).json()["processes"]
    assert {"config": {"cmd": "sleep", "args": ["30"], "envs": {"A": "1"}, "cwd": "/tmp"}, "pid": pid, "tag": "napper"} in listed
    killed = rpc(server, sandbox, "SendSignal", {"process": {"tag": "napper"}, "signal": "SIGNAL_SIGKILL"})
    assert killed.status_code == 200
