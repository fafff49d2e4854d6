"""What the code interpreter returns (``Sandbox.run_code``)."""

from __future__ import annotations

import ctypes
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import _bindings as b
from ._bindings import ExecutionOutput, Stream
from ._charts import ChartTypes, read_chart
from ._core import Call, decode, pairs, u

_size_t = ctypes.c_size_t


@dataclass(frozen=True)
class Result:
    """One result of a run (the last expression's value, or something
    displayed) in every format the interpreter produced.

    ``formats`` maps each format's name ("text", "html", "markdown", "svg",
    "png", "jpeg", "pdf", "latex", "json", "javascript", "data", "chart") to
    its content as the library gives it: images and PDF in base64, the JSON
    formats as JSON text (the properties parse them). ``extra`` maps every
    other MIME type to its content: the text itself when the interpreter sent
    text, else JSON text. ``chart`` is the chart the code drew, typed (a
    ``LineChart``, ``BarChart``, ... as in the official SDK; its
    ``to_dict()`` is the JSON as sent, also in ``formats["chart"]``).
    """

    is_main_result: bool
    formats: dict[str, str]
    extra: dict[str, str]
    chart: ChartTypes | None = None

    @property
    def text(self) -> str | None:
        return self.formats.get("text")

    @property
    def html(self) -> str | None:
        return self.formats.get("html")

    @property
    def markdown(self) -> str | None:
        return self.formats.get("markdown")

    @property
    def svg(self) -> str | None:
        return self.formats.get("svg")

    @property
    def png(self) -> str | None:
        """The PNG image, base64."""
        return self.formats.get("png")

    @property
    def jpeg(self) -> str | None:
        """The JPEG image, base64."""
        return self.formats.get("jpeg")

    @property
    def pdf(self) -> str | None:
        """The PDF document, base64."""
        return self.formats.get("pdf")

    @property
    def latex(self) -> str | None:
        return self.formats.get("latex")

    @property
    def javascript(self) -> str | None:
        return self.formats.get("javascript")

    @property
    def json(self) -> Any:
        """The JSON value, parsed."""
        return self._parsed("json")

    @property
    def data(self) -> Any:
        """The data (e.g. of a DataFrame), parsed."""
        return self._parsed("data")


    def _parsed(self, name: str) -> Any:
        text = self.formats.get(name)
        return None if text is None else json.loads(text)

    @classmethod
    def _read(cls, result: ctypes._Pointer[b.e2b_execution_result]) -> Result:
        formats = {}
        for i in range(u.e2b_execution_result_formats_len(result)):
            name = u.e2b_execution_result_formats_key(result, _size_t(i)) or b""
            formats[name.decode()] = (u.e2b_execution_result_formats_get(result, name) or b"").decode()
        extra = pairs(result, b.e2b_execution_result_extras_len, b.e2b_execution_result_extras_key,
                      b.e2b_execution_result_extras_value) if u.e2b_execution_result_extras_len(result) else {}
        chart = b.e2b_execution_result_chart(result) if "chart" in formats else None
        return cls(u.e2b_execution_result_is_main(result), formats, extra, read_chart(chart.contents) if chart else None)


@dataclass(frozen=True)
class ExecutionError:
    """The error the code raised."""

    name: str
    """e.g. "ZeroDivisionError"."""
    value: str
    """The message."""
    traceback: str

    @classmethod
    def _read(cls, execution: ctypes._Pointer[b.e2b_execution]) -> ExecutionError | None:
        name = u.e2b_execution_error_name(execution)
        if name is None:
            return None
        return cls(name.decode(), decode(b.e2b_execution_error_value(execution)) or "",
                   decode(b.e2b_execution_error_traceback(execution)) or "")


@dataclass(frozen=True)
class OutputMessage:
    """A chunk of output as the code wrote it, for ``run_code``'s
    ``on_stdout`` and ``on_stderr``."""

    line: str
    """The text, exactly as written (not necessarily a whole line; NULs kept)."""
    timestamp: str | None
    """When the code wrote it: RFC 3339, as the interpreter sent it."""
    error: bool = False
    """Whether it was written to stderr."""

    @classmethod
    def _read(cls, execution: ctypes._Pointer[b.e2b_execution], stream: Stream, index: int) -> OutputMessage:
        length = ctypes.c_size_t()
        data = b.e2b_execution_chunks_get(execution, stream, index, ctypes.byref(length))
        line = ctypes.string_at(data, length.value).decode() if data else ""
        timestamp = decode(b.e2b_execution_chunks_timestamp(execution, stream, index))
        return cls(line, timestamp, stream == Stream.STDERR)


_STDOUT, _STDERR = int(Stream.STDOUT), int(Stream.STDERR)


def _chunks(execution: ctypes._Pointer[b.e2b_execution], stream: int) -> list[str]:
    """The text of each chunk of `stream` (``OutputMessage.line``)."""
    count = u.e2b_execution_chunks_len(execution, stream)
    if not count:
        return []
    length = ctypes.c_size_t()
    chunks = []
    for i in range(count):
        data = u.e2b_execution_chunks_get(execution, stream, _size_t(i), ctypes.byref(length))
        chunks.append(ctypes.string_at(data, length.value).decode() if data else "")
    return chunks


@dataclass(frozen=True)
class Logs:
    """Everything the code wrote, chunk by chunk in arrival order (join them
    for the whole text)."""

    stdout: list[str]
    stderr: list[str]


@dataclass(frozen=True)
class Execution:
    """What a run produced. An exception in the code is ``error``, not an
    exception of ``run_code``."""

    results: list[Result]
    logs: Logs
    error: ExecutionError | None
    execution_count: int | None
    text: str | None
    """The text of the main result (the last expression's value), if any."""

    @classmethod
    def _read(cls, execution: ctypes._Pointer[b.e2b_execution]) -> Execution:
        count, text = u.e2b_execution_count(execution), u.e2b_execution_text(execution)
        return cls(
            results=[Result._read(u.e2b_execution_results_get(execution, _size_t(i)))
                     for i in range(u.e2b_execution_results_len(execution))],
            logs=Logs(_chunks(execution, _STDOUT), _chunks(execution, _STDERR)),
            error=ExecutionError._read(execution),
            execution_count=None if count < 0 else count,
            text=None if text is None else text.decode(),
        )


def execution_callback(call: Call, on_stdout: Callable[[OutputMessage], object] | None,
                       on_stderr: Callable[[OutputMessage], object] | None,
                       on_result: Callable[[Result], object] | None,
                       on_error: Callable[[ExecutionError], object] | None) -> Any:
    """The C callback of ``run_code`` that passes each new output, result
    and error to the Python callbacks; NULL when there are none."""
    if on_stdout is None and on_stderr is None and on_result is None and on_error is None:
        return b.e2b_execution_cb()

    def forward(output: int, execution: ctypes._Pointer[b.e2b_execution], index: int) -> int:
        if output == ExecutionOutput.STDOUT and on_stdout is not None:
            on_stdout(OutputMessage._read(execution, Stream.STDOUT, index))
        elif output == ExecutionOutput.STDERR and on_stderr is not None:
            on_stderr(OutputMessage._read(execution, Stream.STDERR, index))
        elif output == ExecutionOutput.RESULT and on_result is not None:
            on_result(Result._read(b.e2b_execution_results_get(execution, index)))
        elif output == ExecutionOutput.ERROR and on_error is not None:
            error = ExecutionError._read(execution)
            if error is not None:
                on_error(error)
        return 0

    return call.callback(b.e2b_execution_cb, forward)


@dataclass(frozen=True)
class Context:
    """A code context: its own interpreter state, language and directory."""

    id: str
    language: str
    cwd: str

    @classmethod
    def _read(cls, context: ctypes._Pointer[b.e2b_code_context]) -> Context:
        return cls(
            decode(b.e2b_code_context_id(context)) or "",
            decode(b.e2b_code_context_language(context)) or "",
            decode(b.e2b_code_context_cwd(context)) or "",
        )
