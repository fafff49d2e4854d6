"""An interactive program through a terminal: start a shell in a
pseudo-terminal, run the python3 REPL in it, wait for its ``>>>`` prompt,
type a line of Python and read the answer back, resize the terminal, and
leave with Ctrl-D.

    pty.py

Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for e2b-local, from the
environment. Against a local server:

    scripts/with-e2b-local.sh python examples/python/pty.py

Prints what the terminal showed, escape sequences stripped, and exits with 0
once the REPL answered.
"""

import re
import sys
import time

import libe2b

# Colours, cursor moves, bracketed-paste switches and window titles.
ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07")


class Screen:
    """What the terminal showed, read from the shell's handle until a pattern appears."""

    def __init__(self, shell: libe2b.CommandHandle) -> None:
        self.shell = shell
        self.text = b""
        self.cursor = 0  # where the next search starts: just past the last match

    def wait_for(self, pattern: bytes, seconds: float = 30) -> bytes:
        """Reads output until `pattern` comes after the last match; returns
        what the screen showed from there to the end of `pattern`."""
        start = self.cursor
        deadline = time.monotonic() + seconds
        while (found := self.text.find(pattern, start)) < 0:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no {pattern!r} on the screen: {self.text[start:]!r}")
            chunk = self.shell.next_output(min(left, 1.0))
            if isinstance(chunk, libe2b.CommandResult):
                raise RuntimeError(f"the shell ended early ({chunk.exit_code}): {self.text[start:]!r}")
            if chunk is not None:
                self.text += chunk.data
        self.cursor = found + len(pattern)
        return self.text[start:self.cursor]


def line_with(screen: bytes, word: str) -> str:
    """The last line of `screen` holding `word`, escape sequences stripped (a REPL's answer)."""
    lines = ESCAPES.sub(b"", screen).decode(errors="replace").replace("\r", "").splitlines()
    return next((line for line in reversed(lines) if word in line and ">>>" not in line), "")


def main() -> int:
    client = libe2b.Client()
    with client.create_sandbox(timeout=120) as sandbox:
        shell = sandbox.pty.create(libe2b.PtySize(rows=24, cols=80), timeout=60)
        screen = Screen(shell)
        # `-q` skips the banner; -i forces the REPL even where stdin is not a terminal (it is one here).
        shell.send_stdin("python3 -q\n")
        screen.wait_for(b">>> ")
        print("the REPL is ready: its prompt is on the screen")

        shell.send_stdin("print(6 * 7, 'from', __import__('sys').platform)\n")
        answer = screen.wait_for(b"42 from ")
        answer += screen.wait_for(b">>> ")
        print("it answered:", line_with(answer, "from"))

        sandbox.pty.resize(shell.pid, libe2b.PtySize(rows=40, cols=120))
        # The REPL may redraw its prompt on the resize (SIGWINCH): wait for the answer itself.
        shell.send_stdin("import shutil; shutil.get_terminal_size()\n")
        size = screen.wait_for(b"lines=")
        size += screen.wait_for(b">>> ")
        print("after the resize:", line_with(size, "columns="))

        shell.send_stdin("\x04")  # Ctrl-D leaves the REPL, back to bash's prompt
        screen.wait_for(b"$ ")
        shell.send_stdin("exit\n")
        result = shell.wait()
        print("the shell exited with", result.exit_code)
        ok = b"42 from linux" in screen.text and b"columns=120, lines=40" in screen.text and result.exit_code == 0
        return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
