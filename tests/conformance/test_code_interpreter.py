"""The official code-interpreter SDK (e2b-code-interpreter==2.11.5) against e2b-local's port
49999: running code in Python kernels inside the sandbox, contexts, and the wire details of
`/execute` (framing, keepalives, error statuses) checked with raw HTTP."""

import base64
import io
import json
import socket
import threading
import time
import zipfile
from urllib.parse import urlparse

import httpx
import pytest

from e2b_code_interpreter import (
    InvalidArgumentException,
    NotFoundException,
    Sandbox,
    SandboxException,
)


@pytest.fixture
def ci(server):
    sbx = Sandbox.create()
    yield sbx
    sbx.kill()


def ci_headers(sandbox, token=True):
    headers = {"E2b-Sandbox-Id": sandbox.sandbox_id, "E2b-Sandbox-Port": "49999"}
    if token:
        headers["X-Access-Token"] = sandbox._envd_access_token
    return headers


def raw_execute(server, sandbox, body, host=None, stop_after=None):
    """POST /execute over a plain socket: (status line, headers, [chunk, ...]). Each chunk of
    the chunked body is kept as sent. With `stop_after`, the connection is closed after that
    many chunks."""
    sock, reader, status, head = start_execute(server, sandbox, body, host)
    chunks = []
    while stop_after is None or len(chunks) < stop_after:
        chunk = read_chunk(reader)
        if chunk is None:
            break
        chunks.append(chunk)
    sock.close()
    return status, head, chunks


def read_chunk(reader):
    """The next chunk of a chunked body, or None at its end."""
    size = int(reader.readline().split(b";")[0], 16)
    if size == 0:
        return None
    chunk = reader.read(size).decode()
    reader.readline()
    return chunk


def start_execute(server, sandbox, body, host=None):
    """Sends POST /execute over a plain socket and reads the response head: (socket, reader,
    status line, headers)."""
    url = urlparse(server.sandbox_url)
    data = json.dumps(body).encode()
    headers = {"Host": host or url.netloc, "Content-Type": "application/json", "Content-Length": str(len(data))}
    if host is None:
        headers.update(ci_headers(sandbox))
    else:
        headers["X-Access-Token"] = sandbox._envd_access_token
    request = "POST /execute HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in headers.items()) + "\r\n"
    sock = socket.create_connection((url.hostname, url.port), timeout=30)
    sock.sendall(request.encode() + data)
    reader = sock.makefile("rb")
    status = reader.readline().decode().strip()
    head = {}
    while (line := reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode().partition(":")
        head[name.strip().lower()] = value.strip()
    return sock, reader, status, head


# ---- Running code ----


def test_stdout_and_result(ci):
    execution = ci.run_code("print('hello')\n1 + 1")
    assert execution.logs.stdout == ["hello\n"]
    assert execution.logs.stderr == []
    assert execution.text == "2"
    assert execution.error is None
    assert execution.execution_count == 1


def test_errors_are_in_the_execution(ci):
    execution = ci.run_code("1 / 0")
    assert execution.error.name == "ZeroDivisionError"
    assert execution.error.value == "division by zero"
    assert "ZeroDivisionError" in execution.error.traceback and "----> 1 1 / 0" in execution.error.traceback


def test_state_is_kept_between_runs(ci):
    ci.run_code("x = 41")
    assert ci.run_code("x + 1").text == "42"


def test_env_vars_for_one_run(server):
    sandbox = Sandbox.create(envs={"SANDBOX_VAR": "sbx"})
    try:
        code = "import os; print(os.environ.get('FOO')); os.environ.get('SANDBOX_VAR')"
        execution = sandbox.run_code(code, envs={"FOO": "bar"})
        assert (execution.logs.stdout, execution.text) == (["bar\n"], "sbx")
        assert sandbox.run_code(code).logs.stdout == ["None\n"]
    finally:
        sandbox.kill()


def test_callbacks(ci):
    stdout, stderr, results, errors = [], [], [], []
    ci.run_code(
        "import sys; print('out'); sys.stderr.write('err\\n'); display(7); 8",
        on_stdout=stdout.append,
        on_stderr=stderr.append,
        on_result=results.append,
        on_error=errors.append,
    )
    assert [m.line for m in stdout] == ["out\n"] and [m.line for m in stderr] == ["err\n"]
    assert all(isinstance(m.timestamp, str) and m.timestamp.endswith("+00:00") for m in stdout)
    assert [(r.text, r.is_main_result) for r in results] == [("7", False), ("8", True)]
    ci.run_code("raise ValueError('boom')", on_error=errors.append)
    assert [(e.name, e.value) for e in errors] == [("ValueError", "boom")]


def test_code_sees_the_sandbox_files(ci):
    ci.files.write("/home/user/data.txt", "from the files API")
    assert ci.run_code("open('data.txt').read()").text == "from the files API"
    ci.run_code("open('/tmp/made.txt', 'w').write('by code')")
    assert ci.files.read("/tmp/made.txt") == "by code"
    assert ci.run_code("import os; os.getcwd()").text == "/home/user"


# ---- IPython: magics, shell escapes, display, rich output ----


def test_shell_escapes_and_magics(ci):
    # IPython runs `!` commands on a terminal, so their lines end with "\r\n" as in E2B.
    assert ci.run_code("!pwd").logs.stdout == ["/home/user\r\n"]
    assert ci.run_code("%pwd").text == "/home/user"
    assert ci.run_code("%cd /tmp").logs.stdout == ["/tmp\n"]
    assert ci.run_code("files = !ls /home/user/..\nfiles").text == "['user']"
    timed = ci.run_code("%time sum(range(10))")
    assert timed.text == "45" and "Wall time" in "".join(timed.logs.stdout)
    failed = ci.run_code("%no_such_magic")
    assert failed.error.name == "UsageError"


def probe_wheel():
    """A tiny wheel made here, so that `pip install` has something to install offline."""
    files = {
        "e2b_local_probe/__init__.py": "VALUE = 'installed by pip'\n",
        "e2b_local_probe-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: e2b-local-probe\nVersion: 1.0\n",
        "e2b_local_probe-1.0.dist-info/WHEEL": "Wheel-Version: 1.0\nGenerator: tests\nRoot-Is-Purelib: true\n"
        "Tag: py3-none-any\n",
    }
    record = "".join(f"{name},,\n" for name in files) + "e2b_local_probe-1.0.dist-info/RECORD,,\n"
    files["e2b_local_probe-1.0.dist-info/RECORD"] = record
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as wheel:
        for name, text in files.items():
            wheel.writestr(name, text)
    return buffer.getvalue()


def test_pip_install_from_a_local_file(ci):
    ci.files.write("/home/user/e2b_local_probe-1.0-py3-none-any.whl", probe_wheel())
    installed = ci.run_code("!pip install --no-index e2b_local_probe-1.0-py3-none-any.whl")
    assert installed.error is None
    assert "Successfully installed e2b-local-probe-1.0" in "".join(installed.logs.stdout)
    # Importable at once, in the kernel that ran pip.
    assert ci.run_code("import e2b_local_probe; e2b_local_probe.VALUE").text == "installed by pip"
    uninstalled = ci.run_code("%pip uninstall -y e2b-local-probe")
    assert "Successfully uninstalled e2b-local-probe-1.0" in "".join(uninstalled.logs.stdout)


def test_display_and_rich_reprs(ci):
    code = """
from IPython.display import display, HTML, Markdown, Latex, JSON, Javascript, SVG
class Rich:
    def _repr_html_(self): return "<b>html</b>"
    def _repr_markdown_(self): return "**md**"
    def _repr_latex_(self): return "$x^2$"
    def _repr_json_(self): return {"k": [1, 2]}
    def _repr_javascript_(self): return "console.log(1)"
    def _repr_svg_(self): return "<svg xmlns='http://www.w3.org/2000/svg'/>"
    def _repr_pdf_(self): return b"%PDF-1.4"
    def _repr_mimebundle_(self, include=None, exclude=None): return {"application/x-custom": "c"}
    def __repr__(self): return "Rich()"
display(Markdown("**b**"))
display(HTML("<i>i</i>"), Latex("$y$"))
Rich()
"""
    execution = ci.run_code(code)
    assert execution.error is None
    first, second, third, main = execution.results
    assert (first.markdown, first.text, first.is_main_result) == ("**b**", "<IPython.core.display.Markdown object>", False)
    assert (second.html, third.latex) == ("<i>i</i>", "$y$")
    assert main.is_main_result and main.text == "Rich()"
    assert (main.html, main.markdown, main.latex) == ("<b>html</b>", "**md**", "$x^2$")
    assert (main.json, main.javascript) == ({"k": [1, 2]}, "console.log(1)")
    assert main.svg == "<svg xmlns='http://www.w3.org/2000/svg'/>"
    assert base64.b64decode(main.pdf) == b"%PDF-1.4"
    assert main.extra == {"application/x-custom": "c"}
    assert ci.run_code("42;").results == []  # a trailing semicolon hides the result


def test_matplotlib_chart(ci):
    code = """
import matplotlib.pyplot as plt
plt.bar(["a", "b", "c"], [3, 1, 2])
plt.title("bars")
plt.show()
"""
    execution = ci.run_code(code)
    assert execution.error is None
    (figure,) = execution.results
    assert not figure.is_main_result and figure.text == "<Figure size 640x480 with 1 Axes>"
    assert base64.b64decode(figure.png).startswith(b"\x89PNG\r\n\x1a\n")
    assert figure.chart.type.value == "bar" and figure.chart.title == "bars"
    assert [(bar.label, bar.value) for bar in figure.chart.elements] == [("a", 3), ("b", 1), ("c", 2)]
    # A figure left open is shown when the cell ends, as the inline backend does.
    assert [r.png is not None for r in ci.run_code("plt.plot([1, 2]);").results] == [True]


def test_pandas_table(ci):
    execution = ci.run_code('import pandas as pd\npd.DataFrame({"a": [1, 2], "b": ["x", "y"]})')
    (table,) = execution.results
    assert table.is_main_result
    assert table.text == "   a  b\n0  1  x\n1  2  y"
    assert '<table border="1" class="dataframe">' in table.html
    assert table.data == {"a": [1, 2], "b": ["x", "y"]}


def test_ipython_tracebacks_and_interrupted_input(ci):
    execution = ci.run_code("def f(x):\n    return 1 / x\nf(0)")
    assert execution.error.name == "ZeroDivisionError"
    assert "Cell In[1], line 3\n" in execution.error.traceback
    assert "Cell In[1], line 2, in f(x)\n" in execution.error.traceback
    assert "\x1b[" not in execution.error.traceback  # no colours
    asked = ci.run_code("input('name? ')")
    assert asked.error.name == "StdinNotImplementedError"


def test_language_python_is_the_default_context(ci):
    ci.run_code("shared = 1")
    assert ci.run_code("shared", language=" Python ").text == "1"


def test_bash_kernel(ci):
    out = []
    first = ci.run_code("x=5; cd /tmp; echo hello; echo oops >&2", language="bash", on_stdout=out.append)
    # bash_kernel runs bash on a terminal: stderr comes as stdout, a line at a time.
    assert first.logs.stdout == ["hello\n", "oops\n"] and first.logs.stderr == []
    assert [m.line for m in out] == ["hello\n", "oops\n"]
    assert first.error is None and first.results == []
    assert ci.run_code("echo $x $(pwd) $FOO", language="bash", envs={"FOO": "bar"}).logs.stdout == ["5 /tmp bar\n"]
    assert ci.run_code("echo ${FOO-unset}", language="bash").logs.stdout == ["unset\n"]
    failed = ci.run_code("echo before; false", language="bash")
    assert (failed.error.name, failed.error.value, failed.error.traceback) == ("", "1", "")
    assert failed.logs.stdout == ["before\n"]

    context = ci.create_code_context(language="bash", cwd="/home/user")
    assert context.language == "bash"
    assert ci.run_code("echo ${x-none} $(pwd)", context=context).logs.stdout == ["none /home/user\n"]
    assert [c.language for c in ci.list_code_contexts()].count("bash") == 2
    assert ci.run_code("exit", language="bash").logs.stdout == ["Restarting Bash"]
    assert ci.run_code("echo ${x-gone}", language="bash").logs.stdout == ["gone\n"]


def test_javascript_kernel(ci):
    first = ci.run_code("let x = 40; console.log('hi'); console.error('warn'); x + 2", language="javascript")
    assert (first.logs.stdout, first.logs.stderr, first.text) == (["hi\n"], ["warn\n"], "42")
    assert ci.run_code("x + Number(process.env.N)", language="js", envs={"N": "1"}).text == "41"
    failed = ci.run_code("y.z", language="javascript")
    assert (failed.error.name, failed.error.value) == ("ReferenceError", "y is not defined")
    context = ci.create_code_context(language="javascript")
    assert context.language == "javascript"
    assert ci.run_code("typeof x", context=context).text == "'undefined'"


def test_a_language_without_a_kernel(ci):
    with pytest.raises(SandboxException, match='500 Internal Server Error: Failed to create context: .*No such kernel named r'):
        ci.run_code("1", language="r")


# ---- Contexts ----


def test_contexts(ci):
    ci.run_code("where = 'default'")
    context = ci.create_code_context(cwd="/tmp")
    assert (context.language, context.cwd) == ("python", "/tmp")
    assert len(context.id) == 36
    listed = ci.list_code_contexts()
    assert listed[0].language == "python" and listed[0].cwd == "/home/user"
    assert context.id in [c.id for c in listed]

    assert ci.run_code("import os; where = os.getcwd(); where", context=context).text == "/tmp"
    assert ci.run_code("where").text == "default"
    assert ci.run_code("where", context=context).execution_count == 2

    ci.restart_code_context(context)
    restarted = ci.run_code("where", context=context)
    assert restarted.error.name == "NameError" and restarted.execution_count == 1

    ci.remove_code_context(context)
    assert context.id not in [c.id for c in ci.list_code_contexts()]
    with pytest.raises(NotFoundException, match=f"Context {context.id} not found"):
        ci.run_code("1", context=context)
    with pytest.raises(NotFoundException):
        ci.restart_code_context(context.id)


def test_context_errors(ci):
    with pytest.raises(InvalidArgumentException):
        ci.run_code("1", language="python", context=ci.create_code_context())
    with pytest.raises(SandboxException, match="Failed to set working directory"):
        ci.create_code_context(cwd="/does/not/exist")


# ---- The wire ----


def test_execute_framing(server, ci):
    status, head, chunks = raw_execute(server, ci, {"code": "print('é')\n1 + 1"})
    assert status == "HTTP/1.1 200 OK"
    assert "content-type" not in head and head["transfer-encoding"] == "chunked"
    assert all(chunk.endswith("\n") and chunk.count("\n") == 1 for chunk in chunks), chunks
    assert chunks[0] == '{"type": "number_of_executions", "execution_count": 1}\n'
    assert chunks[1].startswith('{"type": "stdout", "text": "\\u00e9\\n", "timestamp": "')
    assert chunks[2] == '{"type": "result", "text": "2", "extra": {}, "is_main_result": true}\n'
    assert chunks[3] == '{"type": "end_of_execution"}\n'


def test_both_host_forms_route(server, ci):
    status, _, chunks = raw_execute(server, ci, {"code": "3"}, host=f"49999-{ci.sandbox_id}.e2b.app")
    assert status == "HTTP/1.1 200 OK" and '"text": "3"' in chunks[1]


def test_keepalive_after_five_seconds_of_silence(server, ci):
    """A running run keeps alive after 5 s of silence; one queued behind it on the same context
    gets its headers at once and then nothing, no keepalive, until it starts (as the real
    server, whose keepalives start with the run)."""
    first = {}

    def slow():
        first["chunks"] = raw_execute(server, ci, {"code": "import time; time.sleep(6.5); print('done')"})[2]
        first["ended"] = time.monotonic()

    running = threading.Thread(target=slow)
    running.start()
    time.sleep(0.5)
    queued_at = time.monotonic()
    sock, reader, status, _ = start_execute(server, ci, {"code": "2 + 2"})
    assert status == "HTTP/1.1 200 OK" and time.monotonic() - queued_at < 2
    next_chunk = read_chunk(reader)
    heard_at = time.monotonic()
    rest = []
    while (chunk := read_chunk(reader)) is not None:
        rest.append(chunk)
    sock.close()
    running.join()

    chunks = first["chunks"]
    assert chunks[1] == '{"type": "keepalive"}\n'
    assert '"text": "done\\n"' in chunks[2] and chunks[-1] == '{"type": "end_of_execution"}\n'
    assert next_chunk.startswith('{"type": "number_of_executions"'), next_chunk
    assert heard_at > first["ended"] - 0.5 and heard_at - queued_at > 5.5, (heard_at - queued_at)
    assert '"text": "4"' in rest[0] and rest[-1] == '{"type": "end_of_execution"}\n'


def test_error_statuses(server, ci):
    url = f"{server.sandbox_url}/execute"
    both = httpx.post(url, json={"code": "1", "context_id": "c", "language": "python"}, headers=ci_headers(ci))
    assert (both.status_code, both.headers["content-type"], both.text) == (
        400,
        "text/plain; charset=utf-8",
        "Only one of context_id or language can be provided",
    )
    unknown = httpx.post(url, json={"code": "1", "context_id": "does-not-exist"}, headers=ci_headers(ci))
    assert (unknown.status_code, unknown.text) == (404, "Context does-not-exist not found")
    invalid = httpx.post(url, json={"language": "python"}, headers=ci_headers(ci))
    assert invalid.status_code == 422
    assert invalid.json() == {
        "detail": [{"type": "missing", "loc": ["body", "code"], "msg": "Field required", "input": {"language": "python"}}]
    }
    assert httpx.post(url, json={"code": "1"}, headers=ci_headers(ci, token=False)).status_code == 401
    health = httpx.get(f"{server.sandbox_url}/health", headers=ci_headers(ci, token=False))
    assert (health.status_code, health.json()) == (200, "OK")
    contexts = f"{server.sandbox_url}/contexts"
    for method, path in [("POST", "/does-not-exist/restart"), ("DELETE", "/does-not-exist")]:
        response = httpx.request(method, contexts + path, headers=ci_headers(ci, token=False))
        assert (response.status_code, response.text) == (404, "Context does-not-exist not found")
    created = httpx.post(contexts, json={}, headers=ci_headers(ci, token=False)).json()
    for method, path in [("POST", f"/{created['id']}/restart"), ("DELETE", f"/{created['id']}")]:
        response = httpx.request(method, contexts + path, headers=ci_headers(ci, token=False))
        assert (response.status_code, response.text) == (200, "null")


def test_a_client_that_goes_away_does_not_hang_the_next_run(server, ci):
    ci.run_code("kept = 'state'")
    _, _, chunks = raw_execute(server, ci, {"code": "import time; time.sleep(30)"}, stop_after=1)
    assert chunks == ['{"type": "number_of_executions", "execution_count": 2}\n']
    started = time.monotonic()
    after = ci.run_code("1 + 3", timeout=20)
    assert after.text == "4" and after.error is None
    assert time.monotonic() - started < 10
    assert ci.run_code("kept").text == "state", "the kernel was interrupted, not restarted"


def test_runs_on_one_context_are_serialised(ci):
    results = {}

    def run(name, code):
        results[name] = ci.run_code(code)

    first = threading.Thread(target=run, args=("first", "import time; time.sleep(1); order = ['first']"))
    first.start()
    time.sleep(0.3)
    run("second", "order.append('second'); order")
    first.join()
    assert results["second"].text == "['first', 'second']"


def test_pause_keeps_the_kernel(ci):
    ci.run_code("survivor = 7")
    assert ci.pause()
    ci.connect()
    assert ci.run_code("survivor").text == "7"
