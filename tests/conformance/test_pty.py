"""The official Python SDK (e2b==2.63.0) against e2b-local's terminals (`sandbox.pty`) and
streamed input (`Process.StreamInput`): an interactive `bash` or `python3` on a real
pseudo-terminal of the sandbox's own `/dev/pts`, resized, connected to, killed; input streamed
in one call or over time; and the wire answers the SDK hides (checked with raw HTTP).

What a terminal prints is what the program wrote *and* the echo of what was typed, so the
checks look for text only the program can produce (`$((6*7))` typed, `42` expected)."""

import asyncio
import base64
import json
import re
import struct
import threading
import time

import httpx
import pytest

from e2b import (
    AsyncSandbox,
    CommandExitException,
    InvalidArgumentException,
    NotFoundException,
    SandboxException,
    TimeoutException,
)
from e2b.sandbox.commands.command_handle import PtySize

from conftest import envd_headers, wait_until


# ---- Helpers ----


class Terminal:
    """A PTY handle read in the background: `expect` waits for text in what it printed."""

    def __init__(self, sandbox, handle):
        self.sandbox = sandbox
        self.handle = handle
        self.pid = handle.pid
        self.output = bytearray()
        self.result = None
        self.error = None
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        try:
            self.result = self.handle.wait(on_pty=self._append)
        except Exception as e:  # the end is checked by the tests through `ended`
            self.error = e
        with self._changed:
            self._changed.notify_all()

    def _append(self, chunk):
        with self._changed:
            self.output.extend(chunk)
            self._changed.notify_all()

    def send(self, data):
        self.sandbox.pty.send_stdin(self.pid, data.encode() if isinstance(data, str) else data)

    def expect(self, pattern, timeout=15.0):
        """Waits until the output holds `pattern` (bytes, or a regex of bytes); returns the match."""
        regex = re.compile(pattern if isinstance(pattern, bytes) else pattern.encode(), re.DOTALL)
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = regex.search(self.output)
                if found:
                    return found
                left = deadline - time.monotonic()
                if left <= 0 or not self._reader.is_alive():
                    raise AssertionError(f"no {regex.pattern!r} in {bytes(self.output)!r}")
                self._changed.wait(left)

    def ended(self, timeout=15.0):
        self._reader.join(timeout)
        assert not self._reader.is_alive(), f"the terminal did not end: {bytes(self.output)!r}"
        return self.result, self.error


def envelope(message, flags=0):
    data = message if isinstance(message, bytes) else json.dumps(message).encode()
    return struct.pack(">BI", flags, len(data)) + data


def read_envelopes(data):
    messages = []
    while data:
        flags, length = struct.unpack(">BI", data[:5])
        messages.append((flags, json.loads(data[5 : 5 + length])))
        data = data[5 + length :]
    return messages


def rpc(server, sandbox, method, body):
    return httpx.post(
        f"{server.sandbox_url}/process.Process/{method}",
        json=body,
        headers=envd_headers(sandbox, **{"Content-Type": "application/json"}),
    )


def stream_input_raw(server, sandbox, messages):
    """Process.StreamInput over raw HTTP, the request body streamed envelope by envelope."""

    def body():
        for message in messages:
            yield envelope(message)

    response = httpx.post(
        f"{server.sandbox_url}/process.Process/StreamInput",
        content=body(),
        headers=envd_headers(sandbox, **{"Content-Type": "application/connect+json"}),
        timeout=30,
    )
    return response, read_envelopes(response.content)


def open_terminal(sandbox, rows=24, cols=80, **options):
    terminal = Terminal(sandbox, sandbox.pty.create(PtySize(rows=rows, cols=cols), **options))
    terminal.expect(rb"[$#] ")  # bash's prompt: it reads the terminal now
    return terminal


# ---- Interactive programs ----


def test_an_interactive_bash_on_a_terminal_of_the_sandbox(sandbox):
    terminal = open_terminal(sandbox)
    assert terminal.expect(rb"user@e2b")
    terminal.send('tty; stty size; echo "$TERM $LANG $((6*7))"\n')
    terminal.expect(rb"/dev/pts/\d+\r\n24 80\r\nxterm-256color C\.UTF-8 42\r\n")
    # It is the shell's controlling terminal, and the sandbox's own: `ps` names it.
    terminal.send("ps -o tty= -p $$; : </dev/tty && echo control-$((1+1))\n")
    terminal.expect(rb"pts/\d+\s*\r\ncontrol-2\r\n")
    terminal.send("exit 0\n")
    result, error = terminal.ended()
    assert error is None and result.exit_code == 0
    assert (result.stdout, result.stderr) == ("", ""), "a terminal's output is pty bytes only"


def test_a_python_repl_through_the_terminal(sandbox):
    terminal = open_terminal(sandbox)
    terminal.send("python3 -q\n")
    terminal.expect(rb">>> ")
    terminal.send("print(6 * 7)\n")
    terminal.expect(rb"\r\n42\r\n>>> ")
    terminal.send(b"\x04")  # Ctrl-D: end of input, as a keyboard sends it
    terminal.send('echo "back-$((1+2))"\n')
    terminal.expect(rb"back-3\r\n.*[$#] $")  # a Ctrl-D counts once the shell reads again
    terminal.send(b"\x04")  # and bash logs out the same way
    result, error = terminal.ended()
    assert error is None and result.exit_code == 0


def test_ctrl_c_interrupts_the_foreground_program(sandbox):
    terminal = open_terminal(sandbox)
    terminal.send('sleep 30; echo "not-$((0))-interrupted"\n')
    time.sleep(0.5)
    started = time.monotonic()
    terminal.send(b"\x03")
    terminal.send('echo "status $?"\n')
    terminal.expect(rb"status 130")
    assert time.monotonic() - started < 5
    assert b"not-0-interrupted" not in terminal.output
    sandbox.pty.kill(terminal.pid)


def test_resize_reaches_the_program(sandbox):
    terminal = open_terminal(sandbox, rows=24, cols=80)
    terminal.send("tput cols; tput lines\n")
    terminal.expect(rb"[\r\n]80\r\n24\r\n")
    # A full-screen program learns of the new size from SIGWINCH.
    script = (
        "import os, signal, time\n"
        "signal.signal(signal.SIGWINCH, lambda *_: os.write(1, b'resized to %d %d\\n' % os.get_terminal_size()))\n"
        "print('wait' + 'ing', flush=True)\n"
        "time.sleep(20)\n"
    )
    sandbox.files.write("/tmp/winch.py", script)
    terminal.send("python3 /tmp/winch.py\n")
    terminal.expect(rb"waiting")
    sandbox.pty.resize(terminal.pid, PtySize(rows=40, cols=132))
    terminal.expect(rb"resized to 132 40")
    terminal.send(b"\x03")
    terminal.send("stty size; tput cols\n")
    terminal.expect(rb"[\r\n]40 132\r\n132\r\n")
    sandbox.pty.kill(terminal.pid)


def test_options_cwd_envs_and_user(sandbox):
    terminal = open_terminal(sandbox, cwd="/tmp", envs={"GREETING": "hi", "TERM": "vt100"}, user="root")
    terminal.send('echo "cwd=$(pwd) user=$(id -un) $GREETING-$((1+1)) term=$TERM"; stat -c %U "$(tty)"\n')
    terminal.expect(rb"cwd=/tmp user=root hi-2 term=vt100\r\nroot\r\n")
    sandbox.pty.kill(terminal.pid)


# ---- Input streamed ----


def test_stream_input_to_a_terminal(sandbox):
    terminal = open_terminal(sandbox)
    sandbox.pty.stream_input(terminal.pid, ["echo \"$((6", b"*7))-stre", "amed\"\n"])
    terminal.expect(rb"[\r\n]42-streamed\r\n")
    sandbox.pty.kill(terminal.pid)


def test_stream_input_to_stdin(sandbox):
    handle = sandbox.commands.run("cat", background=True, stdin=True)
    sandbox.commands.stream_input(handle.pid, ["one ", b"two\n", ""])
    sandbox.commands.stream_input(handle.pid, iter(["three\n"]))
    handle.close_stdin()
    assert handle.wait().stdout == "one two\nthree\n"


def test_stream_input_errors_through_the_sdk(sandbox):
    for _ in range(10):
        with pytest.raises(NotFoundException, match="process with pid 999999 not found"):
            sandbox.commands.stream_input(999999, ["x"] * 100)
        # The connection the error came on is not reused half-read: the next call works.
        assert sandbox.commands.run("echo ok").stdout == "ok\n"
    terminal = open_terminal(sandbox)
    with pytest.raises(SandboxException, match="tty assigned to process"):
        sandbox.commands.stream_input(terminal.pid, ["x"])
    sandbox.pty.kill(terminal.pid)
    cat = sandbox.commands.run("cat", background=True, stdin=True)
    with pytest.raises(SandboxException, match="tty not assigned to process"):
        sandbox.pty.stream_input(cat.pid, ["x"])
    cat.kill()


def test_an_input_handle_writes_as_it_goes(server):
    """The async SDK's input handle keeps one StreamInput open: each chunk arrives while the
    request is still going on, not when it ends."""

    async def scenario():
        sandbox = await AsyncSandbox.create()
        try:
            lines = []
            handle = await sandbox.commands.run("cat", background=True, stdin=True, on_stdout=lines.append)
            writer = sandbox.commands.stream_input(handle.pid)
            await writer.send("first\n")
            for _ in range(100):
                if "".join(lines) == "first\n":
                    break
                await asyncio.sleep(0.05)
            assert "".join(lines) == "first\n", "the first chunk arrived before the stream ended"
            await writer.send(b"second\n")
            await writer.close()
            await sandbox.commands.close_stdin(handle.pid)
            result = await handle.wait()
            assert result.stdout == "first\nsecond\n"
        finally:
            await sandbox.kill()

    asyncio.run(scenario())


# ---- Connect, list, kill, timeout ----


def test_connect_list_and_kill_a_running_terminal(sandbox):
    first = sandbox.pty.create(PtySize(rows=24, cols=80))
    seen = bytearray()
    for _, _, pty in first:
        seen.extend(pty or b"")
        if re.search(rb"[$#] ", seen):
            break
    first.disconnect()
    info = {p.pid: p for p in sandbox.commands.list()}[first.pid]
    assert (info.cmd, info.args) == ("/bin/bash", ["-i", "-l"])
    assert info.envs["TERM"] == "xterm-256color"

    again = Terminal(sandbox, sandbox.pty.connect(first.pid))
    assert again.pid == first.pid
    again.send('echo "again-$((6*7))"\n')
    again.expect(rb"again-42")
    assert sandbox.pty.kill(first.pid) is True
    result, error = again.ended()
    assert result is None and isinstance(error, CommandExitException)
    assert (error.exit_code, error.error) == (-1, "signal: killed")
    assert first.pid not in [p.pid for p in sandbox.commands.list()]
    assert sandbox.pty.kill(first.pid) is False


def test_a_terminal_that_exits_is_still_found_by_connect(sandbox):
    terminal = open_terminal(sandbox)
    terminal.send("exit 4\n")
    _, error = terminal.ended()
    assert isinstance(error, CommandExitException) and error.exit_code == 4
    with pytest.raises(CommandExitException) as raised:
        sandbox.pty.connect(terminal.pid).wait()
    assert raised.value.exit_code == 4


def test_a_terminal_lives_for_its_timeout(sandbox):
    started = time.monotonic()
    terminal = Terminal(sandbox, sandbox.pty.create(PtySize(rows=24, cols=80), timeout=1))
    _, error = terminal.ended()
    assert isinstance(error, TimeoutException), error
    assert time.monotonic() - started < 5
    assert wait_until(lambda: terminal.pid not in [p.pid for p in sandbox.commands.list()])


def test_a_missing_cwd_is_invalid(sandbox):
    with pytest.raises(InvalidArgumentException, match="cwd '/no/such/dir' does not exist"):
        sandbox.pty.create(PtySize(rows=24, cols=80), cwd="/no/such/dir")


def test_unknown_terminals_are_not_found(sandbox):
    with pytest.raises(NotFoundException):
        sandbox.pty.send_stdin(999999, b"x")
    with pytest.raises(NotFoundException):
        sandbox.pty.resize(999999, PtySize(rows=10, cols=10))
    with pytest.raises(NotFoundException):
        sandbox.pty.connect(999999)
    assert sandbox.pty.kill(999999) is False


# ---- The wire ----


def test_pty_output_events_on_the_wire(server, sandbox):
    body = {
        "process": {"cmd": "/bin/sh", "args": ["-c", "printf 'a\\n'; printf b >&2"]},
        "pty": {"size": {"cols": 20, "rows": 5}},
    }
    response = httpx.post(
        f"{server.sandbox_url}/process.Process/Start",
        content=envelope(body),
        headers=envd_headers(sandbox, **{"Content-Type": "application/connect+json"}),
        timeout=30,
    )
    assert response.headers["content-type"] == "application/connect+json"
    messages = read_envelopes(response.content)
    events = [m["event"] for _, m in messages[:-1]]
    assert list(events[0]) == ["start"] and events[-1] == {"end": {"exited": True, "status": "exit status 0"}}
    data = [e["data"] for e in events[1:-1]]
    assert all(list(d) == ["pty"] for d in data), data
    # The terminal turns `\n` into `\r\n`, and stdout and stderr are one stream.
    assert b"".join(base64.b64decode(d["pty"]) for d in data) == b"a\r\nb"
    assert messages[-1] == (2, {})


def test_pty_and_stdin_errors_on_the_wire(server, sandbox):
    terminal = open_terminal(sandbox)
    cat = sandbox.commands.run("cat", background=True, stdin=True)
    cases = [
        ("SendInput", {"process": {"pid": cat.pid}, "input": {"pty": "eA=="}}, 500, "internal",
         "error writing to tty: tty not assigned to process — input should be written to the stdin, not the tty"),
        ("SendInput", {"process": {"pid": terminal.pid}, "input": {"stdin": "eA=="}}, 500, "internal",
         "error writing to stdin: tty assigned to process — input should be written to the pty, not the stdin"),
        ("SendInput", {"process": {"pid": cat.pid}, "input": {}}, 501, "unimplemented", "invalid input type <nil>"),
        ("Update", {"process": {"pid": cat.pid}, "pty": {"size": {"cols": 10, "rows": 10}}}, 500, "internal",
         "error resizing tty: tty not assigned to process"),
        ("Update", {"process": {"pid": 999999}, "pty": {"size": {"cols": 10, "rows": 10}}}, 404, "not_found",
         "process with pid 999999 not found"),
        ("CloseStdin", {"process": {"pid": terminal.pid}}, 500, "unknown",
         "error closing stdin: cannot close stdin for PTY process — send Ctrl+D (0x04) instead"),
    ]
    for method, body, status, code, message in cases:
        response = rpc(server, sandbox, method, body)
        assert (response.status_code, response.json()) == (status, {"code": code, "message": message}), (method, body)
    # `Update` without a size changes nothing, on any process.
    assert rpc(server, sandbox, "Update", {"process": {"pid": cat.pid}}).json() == {}
    sandbox.pty.kill(terminal.pid)
    cat.kill()


def test_stream_input_on_the_wire(server, sandbox):
    handle = sandbox.commands.run("cat", background=True, stdin=True)
    start = {"start": {"process": {"pid": handle.pid}}}

    def data(text):
        return {"data": {"input": {"stdin": base64.b64encode(text).decode()}}}

    response, messages = stream_input_raw(
        server, sandbox, [start, {"keepalive": {}}, data(b"one\n"), {"keepalive": {}}, data(b"two\n")]
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/connect+json"
    assert messages == [(0, {}), (2, {})], "one empty message, then the end of the stream"
    sandbox.commands.close_stdin(handle.pid)
    assert handle.wait().stdout == "one\ntwo\n"

    def error_of(messages_sent):
        response, messages = stream_input_raw(server, sandbox, messages_sent)
        assert response.status_code == 200
        assert len(messages) == 1 and messages[0][0] == 2, messages
        return messages[0][1]["error"]

    assert error_of([{"start": {"process": {"pid": 999999}}}]) == {
        "code": "not_found",
        "message": "process with pid 999999 not found",
    }
    other = sandbox.commands.run("cat", background=True, stdin=True)
    assert error_of([{"start": {"process": {"pid": other.pid}}}, {}]) == {
        "code": "unimplemented",
        "message": "invalid event type <nil>",
    }
    unreadable = error_of([{"start": {"process": {"pid": other.pid}}}, b"{not json"])
    assert unreadable["code"] == "unknown" and unreadable["message"].startswith("error streaming input: ")
    other.kill()
