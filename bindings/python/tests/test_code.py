"""Sandbox.run_code and code contexts (template code-interpreter-v1)."""

from __future__ import annotations

import base64
import json

import pytest

import libe2b


def test_results_logs_and_errors(code_sandbox: libe2b.Sandbox) -> None:
    printed = code_sandbox.run_code("print('hello')")
    assert printed.logs == libe2b.Logs(stdout=["hello\n"], stderr=[])
    assert printed.results == [] and printed.error is None and printed.text is None
    assert printed.execution_count is not None

    value = code_sandbox.run_code("1 + 1")
    assert value.text == "2"
    assert value.results[0].is_main_result and value.results[0].text == "2" and "text" in value.results[0].formats

    data = code_sandbox.run_code("{'a': 1, 'b': [1, 2]}")
    assert data.results[0].json == {"a": 1, "b": [1, 2]}

    failed = code_sandbox.run_code("1 / 0")
    assert failed.error is not None
    assert (failed.error.name, failed.error.value) == ("ZeroDivisionError", "division by zero")
    assert "1 / 0" in failed.error.traceback

    assert code_sandbox.run_code("import sys; sys.stderr.write('warn\\n')").logs.stderr == ["warn\n"]


def test_every_format_of_a_displayed_result(code_sandbox: libe2b.Sandbox) -> None:
    png = base64.b64encode(b"\x89PNG\r\n\x1a\nfake").decode()
    code = (
        "class Rich:\n"
        "    def _repr_html_(self): return '<b>hi</b>'\n"
        "    def _repr_markdown_(self): return '**hi**'\n"
        "    def _repr_svg_(self): return '<svg></svg>'\n"
        f"    def _repr_png_(self): return __import__('base64').b64decode('{png}')\n"
        "    def _repr_latex_(self): return '$x$'\n"
        "    def _repr_json_(self): return {'k': 'v'}\n"
        "    def __repr__(self): return 'Rich()'\n"
        "display(Rich())\n"
    )
    execution = code_sandbox.run_code(code)
    result = execution.results[0]
    assert not result.is_main_result
    assert (result.text, result.html, result.markdown, result.svg, result.latex) == (
        "Rich()", "<b>hi</b>", "**hi**", "<svg></svg>", "$x$")
    assert result.png == png and base64.b64decode(result.png or "").startswith(b"\x89PNG")
    assert result.json == {"k": "v"}
    assert result.jpeg is None and result.pdf is None and result.javascript is None
    assert result.data is None and result.chart is None and result.extra == {}


def test_callbacks_receive_output_as_it_comes(code_sandbox: libe2b.Sandbox) -> None:
    seen: list[str] = []
    code = "import sys, time\nfor i in range(3):\n    print(i, flush=True)\n    time.sleep(0.2)\nsys.stderr.write('e\\n')\n6 * 7"
    code_sandbox.run_code(code, on_stdout=lambda m: seen.append(f"out {m.line.strip()}"),
                          on_stderr=lambda m: seen.append(f"err {m.line.strip()} {m.error}"),
                          on_result=lambda r: seen.append(f"result {r.text}"))
    assert seen == ["out 0", "out 1", "out 2", "err e True", "result 42"]
    errors: list[libe2b.ExecutionError] = []
    failed = code_sandbox.run_code("raise ValueError('bad')", on_error=errors.append)
    assert [(e.name, e.value) for e in errors] == [("ValueError", "bad")]
    assert "ValueError" in errors[0].traceback and errors == [failed.error]


def test_output_keeps_its_chunks_timestamps_nuls_and_extra_formats(code_sandbox: libe2b.Sandbox) -> None:
    messages: list[libe2b.OutputMessage] = []
    code = (
        "import sys, time\nprint('a\\0b', flush=True)\ntime.sleep(0.3)\nsys.stdout.write('c')\nsys.stdout.flush()\n"
        "class Custom:\n"
        "    def _repr_mimebundle_(self, include=None, exclude=None):\n"
        "        return {'text/plain': 'custom', 'text/x-note': 'note', 'application/vnd.x+json': {'a': 1}}\n"
        "display(Custom())\n"
    )
    execution = code_sandbox.run_code(code, on_stdout=messages.append)
    assert execution.logs.stdout == ["a\0b\n", "c"]
    assert [m.line for m in messages] == execution.logs.stdout
    assert all(m.timestamp is not None and m.timestamp[10] == "T" and not m.error for m in messages)
    result = execution.results[0]
    assert result.text == "custom" and "extra" not in result.formats
    assert result.extra == {"application/vnd.x+json": '{"a":1}', "text/x-note": "note"}


def test_an_exception_in_a_callback_interrupts_the_run(code_sandbox: libe2b.Sandbox) -> None:
    def on_stdout(message: libe2b.OutputMessage) -> None:
        raise RuntimeError(f"stop at {message.line.strip()}")

    with pytest.raises(RuntimeError, match="stop at 0"):
        code_sandbox.run_code("import time\nfor i in range(50):\n    print(i, flush=True)\n    time.sleep(0.2)",
                              on_stdout=on_stdout)


def test_state_envs_timeout_and_languages(code_sandbox: libe2b.Sandbox) -> None:
    code_sandbox.run_code("x = 41")
    assert code_sandbox.run_code("x + 1").text == "42"
    assert code_sandbox.run_code("import os; len(os.environ['FOO'])", envs={"FOO": "bar"}).text == "3"
    assert code_sandbox.run_code("os.environ.get('FOO')").text is None
    with pytest.raises(libe2b.TimeoutException):
        code_sandbox.run_code("import time; time.sleep(30)", timeout=1)
    assert code_sandbox.run_code("x", language="python").text == "41"


def test_code_contexts(code_sandbox: libe2b.Sandbox) -> None:
    context = code_sandbox.create_code_context(cwd="/tmp")
    assert context.id and context.language == "python" and context.cwd == "/tmp"
    code_sandbox.run_code("y = 7", context=context)
    assert code_sandbox.run_code("y * 6", context=context.id).text == "42"
    assert code_sandbox.run_code("'y' in dir()").text == "False"
    assert code_sandbox.run_code("import os; os.getcwd() == '/tmp'", context=context).text == "True"
    assert context.id in {c.id for c in code_sandbox.list_code_contexts()}

    code_sandbox.restart_code_context(context)
    assert code_sandbox.run_code("'y' in dir()", context=context).text == "False"
    code_sandbox.remove_code_context(context.id)
    assert context.id not in {c.id for c in code_sandbox.list_code_contexts()}
    with pytest.raises(libe2b.NotFoundException):
        code_sandbox.run_code("1", context=context)
    with pytest.raises(libe2b.NotFoundException):
        code_sandbox.restart_code_context(context)
    with pytest.raises(libe2b.InvalidArgumentException):
        code_sandbox.run_code("1", language="python", context=code_sandbox.create_code_context())


CHARTS_CODE = """\
import matplotlib.pyplot as plt
plt.plot([1, 2, 3], [1, 4, 9], label='squares'); plt.title('line'); plt.xlabel('x'); plt.ylabel('y'); plt.legend(); plt.show()
plt.scatter([1, 2, 3], [3, 1, 2]); plt.title('scatter'); plt.show()
plt.bar(['a', 'b', 'c'], [3, 5, 1]); plt.title('bar'); plt.xlabel('letter'); plt.ylabel('count'); plt.show()
plt.pie([1, 2, 1], labels=['p', 'q', 'r']); plt.title('pie'); plt.show()
plt.boxplot([[1, 2, 3, 4, 5, 30], [2, 3, 4]], labels=['A', 'B'], patch_artist=True); plt.title('box'); plt.show()
fig, (left, right) = plt.subplots(1, 2); left.plot([1, 2], [2, 1]); left.set_title('left'); right.bar(['u'], [1])
right.set_title('right'); fig.suptitle('both'); plt.show()
"""


def test_charts_are_typed_as_in_the_sdk(code_sandbox: libe2b.Sandbox) -> None:
    run = code_sandbox.run_code(CHARTS_CODE)
    assert run.error is None
    charts = [r.chart for r in run.results]
    assert [type(c) for c in charts] == [libe2b.LineChart, libe2b.ScatterChart, libe2b.BarChart, libe2b.PieChart,
                                         libe2b.BoxAndWhiskerChart, libe2b.SuperChart]
    assert [c.type for c in charts if c] == ["line", "scatter", "bar", "pie", "box_and_whisker", "superchart"]
    assert [c.title for c in charts if c] == ["line", "scatter", "bar", "pie", "box", "both"]

    line = charts[0]
    assert isinstance(line, libe2b.LineChart)
    assert (line.x_label, line.y_label, line.x_unit, line.x_scale) == ("x", "y", None, libe2b.ScaleType.LINEAR)
    assert line.elements == [libe2b.PointData("squares", [(1.0, 1.0), (2.0, 4.0), (3.0, 9.0)])]
    assert len(line.x_ticks) == len(line.x_tick_labels) > 0
    assert line.to_dict()["type"] == "line" and line.to_dict() == json.loads(run.results[0].formats["chart"])

    bar = charts[2]
    assert isinstance(bar, libe2b.BarChart)
    assert [(d.label, d.value) for d in bar.elements] == [("a", 3.0), ("b", 5.0), ("c", 1.0)]
    pie = charts[3]
    assert isinstance(pie, libe2b.PieChart)
    assert [d.label for d in pie.elements] == ["p", "q", "r"] and abs(sum(d.angle for d in pie.elements) - 360) < 1e-6
    box = charts[4]
    assert isinstance(box, libe2b.BoxAndWhiskerChart)
    assert (box.elements[0].label, box.elements[0].median, box.elements[0].outliers) == ("A", 3.5, [30.0])
    both = charts[5]
    assert isinstance(both, libe2b.SuperChart)
    assert [(type(c), c.title) for c in both.elements] == [(libe2b.LineChart, "left"), (libe2b.BarChart, "right")]


def test_dates_are_text_and_results_without_charts_have_none(code_sandbox: libe2b.Sandbox) -> None:
    code = ("import matplotlib.pyplot as plt, datetime\n"
            "plt.plot([datetime.date(2024, 1, d) for d in (1, 2)], [1, 2]); plt.show()\n'value'")
    run = code_sandbox.run_code(code)
    chart = run.results[0].chart
    assert isinstance(chart, libe2b.LineChart) and chart.x_scale == libe2b.ScaleType.DATETIME
    x, y = chart.elements[0].points[0]
    assert isinstance(x, str) and x.startswith("2024-01-01") and y == 1.0
    assert run.results[1].chart is None and run.text == "value"
