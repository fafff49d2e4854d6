"""Tests for kernel.py, the kernel process itself, driven through its pipes.

The kernel runs as e2b-local runs it: with the Python and IPython of the
code-interpreter image, inside a `code-interpreter-v1` sandbox of a local
e2b-local server (E2B_LOCAL_BIN, default target/debug/e2b-local; images from
E2B_LOCAL_IMAGES as the server finds them). The source under test is copied
into the sandbox and started through envd's process API with its stdin open,
so what /execute hides is visible here: the handshake, output of an idle
kernel, SIGINT while idle, the exit at the end of input.
"""

import importlib.util
import json
import os
import queue
import re
import tempfile
import threading
import time
import uuid
from collections import namedtuple
from pathlib import Path

import pytest
from e2b import CommandExitException, Sandbox

KERNEL = Path(__file__).with_name("kernel.py")
REPO_ROOT = Path(__file__).resolve().parents[2]
FIXTURES = REPO_ROOT / "tests" / "fixtures" / "code-interpreter"
TIMESTAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00\Z")
RESULT_KEYS = ["type", "text", "html", "markdown", "svg", "png", "jpeg", "pdf", "latex",
               "json", "javascript", "data", "chart", "extra", "is_main_result"]

Line = namedtuple("Line", "arrived raw obj")


def _local_server_class():
    # The conformance tests' server starter, loaded under a name of its own.
    spec = importlib.util.spec_from_file_location(
        "e2b_local_server", REPO_ROOT / "tests" / "conformance" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LocalServer


@pytest.fixture(scope="module")
def sandbox():
    with tempfile.TemporaryDirectory() as data_dir:
        server = _local_server_class()(data_dir)
        try:
            sbx = Sandbox.create(template="code-interpreter-v1", timeout=3600, **server.opts)
            sbx.files.write("/tmp/kernel.py", KERNEL.read_text())
            yield sbx
            sbx.kill()
        finally:
            server.stop()


class KernelProcess:
    """kernel.py in the sandbox, as `python3 -u kernel.py` with pipes, as e2b-local starts it."""

    def __init__(self, sandbox, cwd, python="python3 -u"):
        self.sandbox = sandbox
        self.cwd = cwd
        self._lines = queue.Queue()
        self._partial = ""
        self._stderr = []
        sandbox.commands.run(f"mkdir -p {cwd}")
        self.handle = sandbox.commands.run(
            f"exec {python} /tmp/kernel.py", background=True, stdin=True, cwd=cwd, timeout=0)
        self.pid = self.handle.pid
        self._exit = queue.Queue()
        threading.Thread(target=self._follow, daemon=True).start()
        self.hello = self._lines.get(timeout=60)
        self._exit_code = None
        self._stdin_closed = False

    def _follow(self):
        try:
            code = self.handle.wait(on_stdout=self._out, on_stderr=self._stderr.append).exit_code
        except CommandExitException as exc:
            code = exc.exit_code
        self._exit.put(code)

    def _out(self, chunk):
        arrived = time.monotonic()
        self._partial += chunk
        *lines, self._partial = self._partial.split("\n")
        for text in lines:
            raw = (text + "\n").encode("ascii")
            self._lines.put(Line(arrived, raw, json.loads(text)))

    def send_raw(self, data):
        self.sandbox.commands.send_stdin(self.pid, data)

    def send(self, code, env_vars=None):
        self.send_raw(json.dumps({"code": code, "env_vars": env_vars}) + "\n")

    def interrupt(self):
        self.sandbox.commands.run(f"kill -INT {self.pid}")

    def next_line(self, timeout=10):
        try:
            line = self._lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError("no line from the kernel; its stderr: " + "".join(self._stderr))
        check_wire_style(line)
        return line

    def read_run(self, timeout=30, already=()):
        """Lines up to and including end_of_execution (after those already read)."""
        deadline = time.monotonic() + timeout
        lines = list(already)
        while not lines or lines[-1].obj["type"] != "end_of_execution":
            lines.append(self.next_line(max(0.1, deadline - time.monotonic())))
        check_run_shape([line.obj for line in lines])
        return lines

    def run(self, code, env_vars=None, timeout=30):
        self.send(code, env_vars)
        return [line.obj for line in self.read_run(timeout)]

    def wait(self, timeout=10):
        """Waits for the kernel to end; returns its exit code."""
        if self._exit_code is None:
            self._exit_code = self._exit.get(timeout=timeout)
        return self._exit_code

    def close_stdin(self):
        if not self._stdin_closed:
            self._stdin_closed = True
            self.sandbox.commands.close_stdin(self.pid)

    def close(self):
        """End the kernel with EOF; returns its exit status and own stderr."""
        self.close_stdin()
        return self.wait(), "".join(self._stderr)


@pytest.fixture
def kernel(sandbox):
    process = KernelProcess(sandbox, f"/tmp/cwd-{uuid.uuid4().hex}")
    assert process.hello.obj == {"type": "kernel_ready"}
    yield process
    # Every test ends with EOF: the kernel must exit 0 without a word of its own.
    assert process.close() == (0, "")


def check_wire_style(line):
    # Python json.dumps defaults: ", " and ": ", ASCII only, one line.
    assert line.raw == (json.dumps(line.obj) + "\n").encode("ascii")
    if line.obj["type"] in ("stdout", "stderr"):
        assert list(line.obj) == ["type", "text", "timestamp"]
        assert TIMESTAMP.match(line.obj["timestamp"])
    if line.obj["type"] == "result":
        keys = list(line.obj)
        assert keys == [key for key in RESULT_KEYS if key in keys]
        assert keys[-2:] == ["extra", "is_main_result"]
    if line.obj["type"] == "error":
        assert list(line.obj) == ["type", "name", "value", "traceback"]
        assert all(isinstance(line.obj[key], str) for key in ("name", "value", "traceback"))


def check_run_shape(objs):
    assert list(objs[0]) == ["type", "execution_count"]
    assert objs[0]["type"] == "number_of_executions"
    assert objs[-1] == {"type": "end_of_execution"}
    middle = [obj["type"] for obj in objs[1:-1]]
    assert set(middle) <= {"stdout", "stderr", "result", "error"}
    assert middle.count("error") <= 1


def of_type(objs, kind):
    return [obj for obj in objs if obj["type"] == kind]


def stdout_text(objs):
    return "".join(obj["text"] for obj in of_type(objs, "stdout"))


def the_error(objs):
    (error,) = of_type(objs, "error")
    return error


# --- the recorded fixtures ----------------------------------------------------


def fixture_lines(name):
    response = (FIXTURES / f"{name}.response.txt").read_bytes()
    body = response.split(b"\r\n\r\n", 1)[1]
    return [json.loads(line) for line in body.decode("ascii").splitlines()]


def comparable(obj):
    """obj's items in order, with the values that differ between runs masked."""
    obj = dict(obj)
    for key in ("execution_count", "timestamp"):
        if key in obj:
            obj[key] = "*"
    if "traceback" in obj:
        obj["traceback"] = re.sub(r"Cell In\[\d+\]", "Cell In[*]", obj["traceback"])
    return list(obj.items())


STREAM_CODE = 'import time\nfor i in range(3):\n    print(f"line {i}", flush=True)\n    time.sleep(0.5)\n'
PLOT_CODE = ('import matplotlib.pyplot as plt\nplt.plot([1, 2, 3], [1, 4, 9])\nplt.title("squares")\n'
             'plt.xlabel("x")\nplt.ylabel("y")\nplt.show()')

# (fixture, runs before it, its code, its env_vars); codes as recorded. The
# pandas table and the matplotlib figure (png and chart) match byte for byte.
REPLAYS = [
    ("execute_print", [], 'print("hello")', None),
    ("execute_expr", [], "1 + 1", None),
    ("execute_state_1", [], "x = 41", None),
    ("execute_state_2", ["x = 41"], "x + 1", None),
    ("execute_sdk_shape", ["x = 41"], "x", None),
    ("execute_error", [], "1/0", None),
    ("execute_stream", [], STREAM_CODE, None),
    ("execute_stderr", [], 'import sys; sys.stderr.write("warn\\n")', None),
    ("execute_display", [], 'from IPython.display import display, Markdown; display(Markdown("**b**")); 5',
     None),
    ("execute_rich_html", [], 'import pandas as pd\npd.DataFrame({"a": [1, 2, 3], "b": ["x", "y", "z"]})',
     None),
    ("execute_rich_png", [], PLOT_CODE, None),
    ("execute_env_vars", [], 'import os\nprint(os.environ["FOO"])\nos.environ["FOO"]',
     {"FOO": "bar"}),
    ("execute_rich_json", [], '{"a": 1, "b": [1, 2]}', None),
    ("execute_unicode", [], 'print("h\u00e9llo \u2713")\n"\u00e9"', None),
    ("contexts_execute_1", [], "y = 10\ny * 2", None),
    ("contexts_execute_isolated", [], "y", None),
    ("execute_disconnect_4_after", [], "1 + 4", None),
]


@pytest.mark.parametrize("name, before, code, env_vars", REPLAYS, ids=[r[0] for r in REPLAYS])
def test_replays_fixture(kernel, name, before, code, env_vars):
    for setup in before:
        assert not of_type(kernel.run(setup), "error")
    ours = kernel.run(code, env_vars)
    assert [comparable(obj) for obj in ours] == [comparable(obj) for obj in fixture_lines(name)]


def test_env_vars_are_removed_after_the_run(kernel):
    kernel.run('import os\nprint(os.environ["FOO"])', {"FOO": "bar"})
    after = kernel.run('import os\nprint(os.environ.get("FOO"))')
    assert [comparable(o) for o in after] == [comparable(o) for o in fixture_lines("execute_env_vars_after")]


def test_env_vars_restore_a_previous_value(kernel):
    kernel.run('import os; os.environ["E2B_K"] = "before"')
    during = kernel.run('os.environ["E2B_K"]', {"E2B_K": "during"})
    assert of_type(during, "result")[0]["text"] == "during"
    after = kernel.run('os.environ["E2B_K"]')
    assert of_type(after, "result")[0]["text"] == "before"


def test_fixture_result_lines_follow_the_key_order():
    for name in ("execute_rich_html", "execute_rich_png", "execute_display"):
        for obj in of_type(fixture_lines(name), "result"):
            check_wire_style(Line(0, (json.dumps(obj) + "\n").encode("ascii"), obj))


# --- streaming and output capture ---------------------------------------------


def test_print_streams_while_the_run_goes_on(kernel):
    kernel.send("import time\nfor i in range(3):\n    print(i)\n    time.sleep(0.5)")
    lines = kernel.read_run()
    printed = [line for line in lines if line.obj["type"] == "stdout"]
    assert [line.obj["text"] for line in printed] == ["0\n", "1\n", "2\n"]
    gaps = [b.arrived - a.arrived for a, b in zip(printed, printed[1:])]
    assert all(0.35 < gap < 0.9 for gap in gaps), gaps
    assert lines[-1].arrived - printed[0].arrived > 0.9


def test_stdout_and_stderr_keep_their_order_around_results(kernel):
    objs = kernel.run('import sys\nprint("a")\ndisplay(1)\nprint("b", file=sys.stderr)\n'
                      'display(2)\nprint("c")\n3')
    assert [(o["type"], o.get("text")) for o in objs[1:-1]] == [
        ("stdout", "a\n"), ("result", "1"), ("stderr", "b\n"),
        ("result", "2"), ("stdout", "c\n"), ("result", "3")]


def test_fd_level_output_is_captured(kernel):
    objs = kernel.run('import os, subprocess\nos.system("echo from-shell")\n'
                      'subprocess.run(["sh", "-c", "echo to-err >&2"])\n'
                      'os.write(2, b"raw fd 2\\n")\nNone')
    assert stdout_text(objs) == "from-shell\n"
    assert "".join(o["text"] for o in of_type(objs, "stderr")) == "to-err\nraw fd 2\n"


def test_user_output_cannot_forge_protocol_lines(kernel):
    objs = kernel.run('print(\'{"type": "end_of_execution"}\')\n1')
    assert stdout_text(objs) == '{"type": "end_of_execution"}\n'
    assert of_type(objs, "result")[0]["text"] == "1"


def test_print_without_newline_is_sent_by_the_end_of_the_run(kernel):
    objs = kernel.run('print("partial", end="")')
    assert stdout_text(objs) == "partial"


def test_ten_megabytes_of_output_arrive_intact(kernel):
    objs = kernel.run("for i in range(100000):\n    print('%07d ' % i + 'x' * 91)", timeout=120)
    expected = "".join("%07d " % i + "x" * 91 + "\n" for i in range(100000))
    assert len(expected) == 10_000_000
    assert stdout_text(objs) == expected


def test_binary_junk_is_decoded_with_replacement(kernel):
    objs = kernel.run('import os\nos.write(1, b"ok \\xff\\xfe\\x00 end\\n")\nNone')
    assert stdout_text(objs) == "ok \ufffd\ufffd\x00 end\n"


def test_utf8_split_across_writes_is_reassembled(kernel):
    objs = kernel.run('import os, time\ne = "\u00e9".encode()\nos.write(1, e[:1])\n'
                      'time.sleep(0.2)\nos.write(1, e[1:] + b"\\n")\nNone')
    assert stdout_text(objs) == "\u00e9\n"


def test_truncated_utf8_at_the_end_of_a_run_becomes_a_replacement(kernel):
    objs = kernel.run('import os\nos.write(1, b"cut \\xc3")\nNone')
    assert stdout_text(objs) == "cut \ufffd"
    assert stdout_text(kernel.run('print("next")')) == "next\n"


def test_non_ascii_is_escaped_on_the_wire(kernel):
    kernel.send('print("\u65e5\u672c \U0001f600")')
    raws = [line.raw for line in kernel.read_run()]
    assert b'"text": "\\u65e5\\u672c \\ud83d\\ude00\\n"' in raws[1]


def test_output_from_an_idle_kernel_is_dropped(kernel):
    kernel.run('import threading\nthreading.Timer(0.3, lambda: print("late")).start()')
    time.sleep(0.6)
    objs = kernel.run("1")
    assert [o["type"] for o in objs] == ["number_of_executions", "result", "end_of_execution"]


# --- results --------------------------------------------------------------------

RICH_CLASSES = '''
class Html:
    def _repr_html_(self):
        return "<b>hi</b>"
    def __repr__(self):
        return "Html()"

class Png:
    def _repr_png_(self):
        return b"\\x89PNG fake"

class Bundle:
    def _repr_mimebundle_(self, include=None, exclude=None):
        return {"text/plain": "bundle", "text/markdown": "*m*",
                "application/vnd.custom+json": {"k": 1}}, {}
    def _repr_html_(self):
        return "<i>html</i>"

class Broken:
    def _repr_html_(self):
        raise RuntimeError("no html today")
    def __repr__(self):
        return "Broken()"
'''


def test_last_expression_gives_the_main_result(kernel):
    objs = kernel.run("a = 20\na + 1")
    assert objs[1:-1] == [{"type": "result", "text": "21", "extra": {}, "is_main_result": True}]


def test_one_pair_of_quotes_is_stripped(kernel):
    assert of_type(kernel.run("'bar'"), "result")[0]["text"] == "bar"
    assert of_type(kernel.run("\"it's\""), "result")[0]["text"] == "it's"
    assert of_type(kernel.run("\"'q'\""), "result")[0]["text"] == "'q'"


def test_none_gives_no_result(kernel):
    for code in ("None", "print('x')", "x = 5", "def f(): pass\nf()"):
        assert not of_type(kernel.run(code), "result"), code


def test_a_trailing_semicolon_hides_the_result(kernel):
    assert not of_type(kernel.run("1 + 1;"), "result")
    assert not of_type(kernel.run("1 + 1;  # comment"), "result")


def test_underscore_holds_the_last_result(kernel):
    kernel.run("6 * 7")
    assert of_type(kernel.run("_ + 1"), "result")[0]["text"] == "43"


def test_lists_and_dicts_get_json_unless_json_cannot_hold_them(kernel):
    (listed,) = of_type(kernel.run("[1, 'a', None]"), "result")
    assert listed["json"] == [1, "a", None]
    (odd,) = of_type(kernel.run("{1: object(), 'n': float('nan')}"), "result")
    assert "json" not in odd and odd["text"].startswith("{1: <object at 0x")


def test_display_gives_non_main_results_in_order(kernel):
    objs = kernel.run('display(1, "two")\ndisplay([3])\n4')
    assert [(o["text"], o["is_main_result"]) for o in of_type(objs, "result")] == [
        ("1", False), ("two", False), ("[3]", False), ("4", True)]


def test_repr_html_and_repr_png(kernel):
    kernel.run(RICH_CLASSES)
    assert of_type(kernel.run("Html()"), "result") == [
        {"type": "result", "text": "Html()", "html": "<b>hi</b>", "extra": {},
         "is_main_result": True}]
    (png,) = of_type(kernel.run("Png()"), "result")
    assert png["png"] == "iVBORyBmYWtl"  # base64 of b"\x89PNG fake"


def test_repr_mimebundle_with_extra_types(kernel):
    kernel.run(RICH_CLASSES)
    assert of_type(kernel.run("display(Bundle())"), "result") == [
        {"type": "result", "text": "bundle", "html": "<i>html</i>", "markdown": "*m*",
         "extra": {"application/vnd.custom+json": {"k": 1}}, "is_main_result": False}]


def test_a_class_is_not_rendered_by_its_instance_methods(kernel):
    kernel.run(RICH_CLASSES)
    (result,) = of_type(kernel.run("Html"), "result")
    assert "html" not in result and result["text"] == "__main__.Html"  # IPython's pretty form


def test_a_failing_formatter_costs_only_its_format(kernel):
    # IPython shows the formatter's traceback, which ipykernel sends as an
    # error message: the run's error, while the other formats still show.
    kernel.run(RICH_CLASSES)
    objs = kernel.run("Broken()")
    assert of_type(objs, "result")[0]["text"] == "Broken()"
    assert "html" not in of_type(objs, "result")[0]
    error = the_error(objs)
    assert (error["name"], error["value"]) == ("RuntimeError", "no html today")


# --- errors: IPython's own tracebacks, without colours ----------------------------


def test_syntax_error(kernel):
    error = the_error(kernel.run("1 +"))
    assert error["name"] == "SyntaxError"
    assert error["value"].startswith("invalid syntax (<ipython-input-1-")
    assert error["traceback"] == "  Cell In[1], line 1\n    1 +\n       ^\nSyntaxError: invalid syntax\n"


def test_traceback_through_a_function(kernel):
    error = the_error(kernel.run("def f(a, b=2, *args, **kw):\n    return a/0\n\nprint('hi')\nf(1)"))
    assert error["traceback"] == (
        "-" * 75 + "ZeroDivisionError                         Traceback (most recent call last)"
        "Cell In[1], line 5\n      2     return a/0\n      4 print('hi')\n----> 5 f(1)\n"
        "Cell In[1], line 2, in f(a, b, *args, **kw)\n      1 def f(a, b=2, *args, **kw):\n"
        "----> 2     return a/0\nZeroDivisionError: division by zero")


def test_traceback_of_chained_exceptions(kernel):
    error = the_error(kernel.run("try:\n    1/0\nexcept Exception as e:\n    raise ValueError('bad') from e"))
    assert (error["name"], error["value"]) == ("ValueError", "bad")
    traceback = error["traceback"]
    assert "ZeroDivisionError: division by zero" in traceback
    assert "The above exception was the direct cause of the following exception:" in traceback
    assert traceback.endswith("----> 4     raise ValueError('bad') from e\nValueError: bad")
    assert "\x1b[" not in traceback


def test_traceback_leaves_out_the_kernel(kernel):
    kernel.run("import json\nasync def boom():\n    raise KeyError('k')")
    for code in ("json.loads('{')", "await boom()"):
        error = the_error(kernel.run(code))
        assert "kernel.py" not in error["traceback"], code
        assert "interactiveshell.py" not in error["traceback"], code


def test_magics_and_shell_escapes(kernel):
    assert stdout_text(kernel.run("!echo $HOME")) == "/home/user\r\n"
    assert of_type(kernel.run("%pwd"), "result")[0]["text"] == kernel.cwd
    assert of_type(kernel.run("files = !ls /home\nfiles"), "result")[0]["text"] == "['user']"
    assert of_type(kernel.run("!exit 3\n_exit_code"), "result")[0]["text"] == "3"
    usage = kernel.run("%no_such_magic")
    assert "UsageError: Line magic function `%no_such_magic` not found." in of_type(usage, "stderr")[0]["text"]
    assert the_error(usage) == {"type": "error", "name": "UsageError",
                                "value": "Line magic function `%no_such_magic` not found.",
                                "traceback": ""}


def test_execution_count_counts_errors_but_not_empty_cells(kernel):
    counts = [kernel.run(code)[0]["execution_count"]
              for code in ("1", "1/0", "1 +", "", "  \n", "2", "3")]
    assert counts == [1, 2, 3, 4, 4, 4, 5]


def test_system_exit_is_an_error_and_the_kernel_lives_on(kernel):
    error = the_error(kernel.run("import sys; sys.exit(3)"))
    assert (error["name"], error["value"]) == ("SystemExit", "3")
    assert of_type(kernel.run("1 + 4"), "result")[0]["text"] == "5"


def test_sigint_interrupts_a_run_and_the_kernel_lives_on(kernel):
    kernel.send("import time\ntime.sleep(10)")
    started = kernel.next_line()
    assert started.obj["type"] == "number_of_executions"
    time.sleep(0.3)
    kernel.interrupt()
    lines = kernel.read_run(timeout=5, already=[started])
    assert lines[-1].arrived - started.arrived < 3
    error = the_error([line.obj for line in lines])
    assert (error["name"], error["value"]) == ("KeyboardInterrupt", "")
    assert error["traceback"].endswith("----> 2 time.sleep(10)\nKeyboardInterrupt: ")
    assert of_type(kernel.run("1 + 4"), "result")[0]["text"] == "5"


def test_sigint_interrupts_an_await(kernel):
    kernel.send("import asyncio\nawait asyncio.sleep(10)")
    started = kernel.next_line()
    time.sleep(0.3)
    kernel.interrupt()
    lines = kernel.read_run(timeout=5, already=[started])
    assert the_error([line.obj for line in lines])["name"] == "KeyboardInterrupt"
    assert of_type(kernel.run("await asyncio.sleep(0.01); 7"), "result")[0]["text"] == "7"


def test_sigint_while_idle_is_ignored(kernel):
    kernel.run("1")
    kernel.interrupt()
    time.sleep(0.3)
    objs = kernel.run("import time; time.sleep(0.3); 2")
    assert not of_type(objs, "error") and of_type(objs, "result")[0]["text"] == "2"


def test_input_is_not_supported_as_in_ipykernel(kernel):
    error = the_error(kernel.run("input()"))
    assert (error["name"], error["value"]) == (
        "StdinNotImplementedError", "raw_input was called, but this frontend does not support input requests.")
    assert stdout_text(kernel.run("import subprocess; subprocess.run(['cat']).returncode")) == ""


def test_malformed_request_gets_an_error_run(kernel):
    kernel.send_raw(b"not json\n")
    objs = [line.obj for line in kernel.read_run()]
    assert the_error(objs)["name"] == "ProtocolError"
    assert kernel.run("1")[0]["execution_count"] == 1


# --- the namespace and the process ----------------------------------------------


def test_top_level_await(kernel):
    assert of_type(kernel.run("import asyncio\nawait asyncio.sleep(0.01)\n42"), "result")[0]["text"] == "42"


def test_namespace_is_main_and_pickles_classes(kernel):
    objs = kernel.run("import pickle\nclass P:\n    pass\n"
                      "print(__name__, type(pickle.loads(pickle.dumps(P()))).__name__)")
    assert stdout_text(objs) == "__main__ P\n"


def test_indented_cells_are_dedented_like_ipython(kernel):
    assert of_type(kernel.run("\n\n    a = 2\n    a * 3"), "result")[0]["text"] == "6"


def test_modules_in_the_cwd_are_importable(kernel, sandbox):
    sandbox.files.write(f"{kernel.cwd}/helper_mod.py", "VALUE = 'found'\n")
    assert of_type(kernel.run("import helper_mod\nhelper_mod.VALUE"), "result")[0]["text"] == "found"


def test_end_of_stdin_ends_the_kernel_with_status_0(kernel):
    kernel.run("1")
    kernel.close_stdin()
    assert kernel.wait() == 0


def test_without_ipython_the_kernel_says_why_and_exits(sandbox):
    # `python3 -S` has no site-packages, so no IPython: as on the base image.
    process = KernelProcess(sandbox, "/tmp", python="python3 -S -u")
    assert process.hello.obj["type"] == "kernel_unavailable"
    assert "IPython cannot be imported" in process.hello.obj["message"]
    assert "code-interpreter-v1" in process.hello.obj["message"]
    assert process.wait() == 3
