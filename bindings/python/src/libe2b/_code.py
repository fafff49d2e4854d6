"""What the code interpreter returns (``Sandbox.run_code``)."""

from __future__ import annotations

import ctypes
import json
from dataclasses import dataclass
from typing import Any

from . import _bindings as b
from ._core import decode, items


@dataclass(frozen=True)
class Result:
    """One result of a run (the last expression's value, or something
    displayed) in every format the interpreter produced.

    ``formats`` maps each format's name ("text", "html", "markdown", "svg",
    "png", "jpeg", "pdf", "latex", "json", "javascript", "data", "chart",
    "extra") to its content as the library gives it: images and PDF in
    base64, the JSON formats as JSON text (the properties parse them).
    """

    is_main_result: bool
    formats: dict[str, str]

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

    @property
    def chart(self) -> Any:
        """The chart's description, parsed."""
        return self._parsed("chart")

    @property
    def extra(self) -> Any:
        """Extra data, parsed."""
        return self._parsed("extra")

    def _parsed(self, name: str) -> Any:
        text = self.formats.get(name)
        return None if text is None else json.loads(text)

    @classmethod
    def _read(cls, result: ctypes._Pointer[b.e2b_execution_result]) -> Result:
        names = [decode(n) or "" for n in items(result, b.e2b_execution_result_formats_len,
                                                 b.e2b_execution_result_format_name)]
        formats = {name: decode(b.e2b_execution_result_get(result, name.encode())) or "" for name in names}
        return cls(b.e2b_execution_result_is_main(result), formats)


@dataclass(frozen=True)
class ExecutionError:
    """The error the code raised."""

    name: str
    """e.g. "ZeroDivisionError"."""
    value: str
    """The message."""
    traceback: str


@dataclass(frozen=True)
class Logs:
    """Everything the code wrote."""

    stdout: str
    stderr: str


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
        name = decode(b.e2b_execution_error_name(execution))
        error = None if name is None else ExecutionError(
            name,
            decode(b.e2b_execution_error_value(execution)) or "",
            decode(b.e2b_execution_error_traceback(execution)) or "",
        )
        count = b.e2b_execution_count(execution)
        return cls(
            results=[Result._read(r) for r in items(execution, b.e2b_execution_results_len, b.e2b_execution_result_at)],
            logs=Logs(decode(b.e2b_execution_stdout(execution)) or "", decode(b.e2b_execution_stderr(execution)) or ""),
            error=error,
            execution_count=None if count < 0 else count,
            text=decode(b.e2b_execution_text(execution)),
        )


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
