"""Python kernel for e2b-local: one process per code-interpreter context.

e2b-local starts it as `python3 -u kernel.py` and writes one request per stdin
line: {"code": "<python source>", "env_vars": {"K": "V"} or null}. For each
request the kernel writes NDJSON lines to its original stdout, shaped exactly
like the lines E2B's code-interpreter server streams from /execute:

    {"type": "number_of_executions", "execution_count": N}
    stdout / stderr / result lines as they happen, then at most one error line
    {"type": "end_of_execution"}

The user's code runs in one persistent `__main__` namespace, as in IPython.
Whatever writes to fds 1 and 2 (print, os.system, C extensions, children) is
captured through pipes. Results follow IPython's display protocol, and
tracebacks are laid out the way IPython 9 lays them out.

Standard library only; Python 3.9+.
"""

import ast
import base64
import builtins
import codecs
import functools
import inspect
import io
import itertools
import json
import linecache
import os
import re
import selectors
import signal
import struct
import sys
import termios
import textwrap
import threading
import tokenize
import traceback
import types
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timezone
from fcntl import ioctl

_CHUNK = 1 << 16  # most a pipe holds at once on Linux


def _timestamp():
    return datetime.now(timezone.utc).isoformat(timespec="microseconds")


# --- protocol channel -------------------------------------------------------


class Channel:
    """The kernel's private copy of the stdout it was started with."""

    def __init__(self, fd):
        self._fd = fd
        self._lock = threading.Lock()  # lines from the pump and the main thread

    def send(self, line):
        # json.dumps defaults are the wire style: ", "/": " and \uXXXX escapes.
        data = memoryview((json.dumps(line) + "\n").encode("ascii"))
        with self._lock:
            try:
                while data:
                    data = data[os.write(self._fd, data):]
            except BrokenPipeError:
                os._exit(0)  # e2b-local is gone; there is nobody left to answer


# --- output capture ---------------------------------------------------------


class _Stream:
    def __init__(self, name):
        self.name = name
        self.decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")


class OutputPump:
    """Turns whatever is written to fds 1 and 2 into stdout/stderr lines.

    Both fds become pipes. A thread forwards their bytes as they arrive, but
    only during a run: output that belongs to no execution is dropped, as
    E2B's server drops it. The main thread drains the pipes itself before it
    sends a result or error line, so those come after the output before them.
    """

    def __init__(self, channel):
        self._channel = channel
        self._lock = threading.Lock()  # reading, decoding and forwarding
        self._active = False
        self._streams = {}
        self._selector = selectors.DefaultSelector()
        for name, target in (("stdout", 1), ("stderr", 2)):
            read_end, write_end = os.pipe()
            os.dup2(write_end, target)
            os.close(write_end)
            os.set_blocking(read_end, False)
            self._streams[read_end] = _Stream(name)
            self._selector.register(read_end, selectors.EVENT_READ)
        threading.Thread(target=self._pump, name="output-pump", daemon=True).start()

    def begin(self):
        """Start forwarding; leftovers from idle time are dropped."""
        _flush_python_streams()
        with self._lock:
            self._drain()
            for stream in self._streams.values():
                stream.decoder.reset()
            self._active = True

    def emit(self, line):
        """Send a run's own line after all output written before it."""
        _flush_python_streams()
        with self._lock:
            self._drain()
            if self._active:
                self._channel.send(line)

    def end(self):
        """Forward the run's remaining output, then stop forwarding."""
        _flush_python_streams()
        with self._lock:
            self._drain()
            for stream in self._streams.values():
                self._forward(stream, stream.decoder.decode(b"", final=True))
            self._active = False

    def _pump(self):
        # SIGINT must land in the main thread, where the user's code runs.
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        while True:
            for key, _events in self._selector.select():
                with self._lock:
                    if key.fd in self._streams:
                        self._read(key.fd, _CHUNK)

    def _drain(self):
        """Forward what the pipes hold now (the caller holds the lock).

        Only what is already there: a writer that never stops, say `yes` in
        the background, must not keep a run from ending.
        """
        for fd in list(self._streams):
            waiting = _bytes_waiting(fd)
            while waiting > 0:
                count = self._read(fd, waiting)
                if not count:
                    break
                waiting -= count

    def _read(self, fd, limit):
        """Read and forward up to limit bytes; returns how many were read."""
        try:
            data = os.read(fd, limit)
        except BlockingIOError:
            return 0
        stream = self._streams[fd]
        if not data:  # no writer is left: the user's code closed fd 1 or 2
            self._selector.unregister(fd)
            os.close(fd)
            del self._streams[fd]
            return 0
        self._forward(stream, stream.decoder.decode(data))
        return len(data)

    def _forward(self, stream, text):
        if text and self._active:
            self._channel.send({"type": stream.name, "text": text, "timestamp": _timestamp()})


def _bytes_waiting(fd):
    return struct.unpack("i", ioctl(fd, termios.FIONREAD, b"\0\0\0\0"))[0]


def _flush_python_streams():
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        try:
            stream.flush()
        except Exception:  # the user's code may have replaced or closed it
            pass


def _text_stream(fd):
    # Line-buffered, so one print() reaches the pipe as one write rather
    # than as several pieces that could become several stdout lines.
    return io.open(fd, "w", buffering=1, encoding="utf-8", errors="backslashreplace",
                   closefd=False)


# --- interrupts -------------------------------------------------------------


class Interrupts:
    """Makes SIGINT a KeyboardInterrupt only while the user's code runs.

    e2b-local sends SIGINT to stop a run. One that arrives while idle is
    dropped; one that arrives while the kernel writes a line in the middle of
    a run (display()) is raised once that line is out, so no line is cut.
    """

    def __init__(self):
        self._armed = False
        self._pending = False
        self._install()

    def user_code(self):
        return _InterruptSwitch(self, armed=True)

    def kernel_code(self):
        return _InterruptSwitch(self, armed=False)

    def switch(self, armed):
        """Arm or disarm; returns the state for restore()."""
        saved = self._armed
        if armed:
            self._install()
            self._pending = False  # SIGINTs from idle time don't count
        self._armed = armed
        return saved

    def restore(self, armed):
        self._armed = armed
        if not armed:
            self._install()
        elif self._pending:
            self._pending = False
            self._armed = False
            raise KeyboardInterrupt

    def _install(self):
        # Again at each switch: the user's code may have replaced the handler.
        signal.signal(signal.SIGINT, self._on_sigint)

    def _on_sigint(self, signum, frame):
        if self._armed:
            self._armed = False
            raise KeyboardInterrupt
        self._pending = True


class _InterruptSwitch:
    """A class, not @contextmanager: before Python 3.11 a generator-based
    context manager adds contextlib frames to every user traceback.

    Only the main thread switches; display() from other threads leaves the
    main thread's state alone.
    """

    def __init__(self, interrupts, armed):
        self._interrupts = interrupts
        self._armed = armed
        self._saved = None

    def __enter__(self):
        if threading.current_thread() is threading.main_thread():
            self._saved = self._interrupts.switch(self._armed)

    def __exit__(self, *exc_info):
        if self._saved is not None:
            self._interrupts.restore(self._saved)


# --- rich results -----------------------------------------------------------

# MIME type -> result field, in the wire's key order.
_RESULT_FIELDS = (
    ("text/plain", "text"), ("text/html", "html"), ("text/markdown", "markdown"),
    ("image/svg+xml", "svg"), ("image/png", "png"), ("image/jpeg", "jpeg"),
    ("application/pdf", "pdf"), ("text/latex", "latex"),
    ("application/json", "json"), ("application/javascript", "javascript"),
    ("e2b/data", "data"), ("e2b/chart", "chart"),
)
_STRUCTURED_FIELDS = {"json", "data", "chart"}

_REPR_METHODS = (
    ("text/html", "_repr_html_"), ("text/markdown", "_repr_markdown_"),
    ("image/svg+xml", "_repr_svg_"), ("image/png", "_repr_png_"),
    ("application/pdf", "_repr_pdf_"), ("image/jpeg", "_repr_jpeg_"),
    ("text/latex", "_repr_latex_"), ("application/json", "_repr_json_"),
    ("application/javascript", "_repr_javascript_"),
)


def mime_bundle(obj):
    """obj's representations by MIME type, as IPython's formatters find them."""
    bundle = _formatted(_repr_method(obj, "_repr_mimebundle_"), include=None, exclude=None)
    bundle = dict(bundle) if isinstance(bundle, dict) else {}
    if "text/plain" not in bundle:
        bundle["text/plain"] = _formatted(repr, obj)
    for mime, name in _REPR_METHODS:
        if mime not in bundle:
            bundle[mime] = _formatted(_repr_method(obj, name))
    # E2B's kernel adds a JSON view of dicts and lists.
    if bundle.get("application/json") is None and isinstance(obj, (dict, list)):
        bundle["application/json"] = obj
    return {mime: value for mime, value in bundle.items() if value is not None}


def _repr_method(obj, name):
    if inspect.isclass(obj):  # a class's _repr_*_ are for its instances
        return None
    try:
        method = getattr(obj, name, None)
        # Proxies that claim to have every attribute have this one too.
        canary = getattr(obj, "_ipython_canary_method_should_not_exist_", None)
    except Exception:
        return None
    return method if callable(method) and not callable(canary) else None


def _formatted(formatter, *args, **kwargs):
    """Run one formatter. As in IPython, a failure costs only that format."""
    if formatter is None:
        return None
    try:
        value = formatter(*args, **kwargs)
    except NotImplementedError:
        return None
    except Exception as exc:
        sys.stderr.write(format_traceback(exc) + "\n")
        return None
    if isinstance(value, tuple) and len(value) == 2:  # (data, metadata)
        value = value[0]
    return value


def result_line(bundle, is_main):
    data = {}
    for mime, value in bundle.items():
        value = _wire_value(value)
        if value is not None:
            data[mime] = value
    line = {"type": "result"}
    for mime, field in _RESULT_FIELDS:
        value = data.pop(mime, None)
        if value is not None and (field in _STRUCTURED_FIELDS or isinstance(value, str)):
            line[field] = value
    if "text" in line:
        line["text"] = _strip_quotes(line["text"])
    line["extra"] = data
    line["is_main_result"] = is_main
    return line


def _wire_value(value):
    """value as it can travel in JSON, or None: bytes become base64, and
    anything JSON can't hold exactly (NaN, objects) is left out."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, str):
        return value
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return None


def _strip_quotes(text):
    # E2B's server shows repr('bar') as bar.
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


# --- tracebacks -------------------------------------------------------------
# IPython 9's plain layout (the E2B server joins its parts with no separator),
# with stack_data's choice of source lines: whole statements around the
# failing one, within the enclosing function or class.

_RULE = "-" * 75
_HEADER = "Traceback (most recent call last)"
_DIRECT_CAUSE = "\nThe above exception was the direct cause of the following exception:\n"
_DURING_HANDLING = "\nDuring handling of the above exception, another exception occurred:\n"
_CELL_FILENAME = re.compile(r"<cell-(\d+)>\Z")
_NUMBER_WIDTH = 7
_MAX_PIECE_LINES = 6  # longer statements around the failing one are shortened


def cell_filename(count):
    return "<cell-%d>" % count


def format_traceback(exc):
    """exc and the exceptions chained to it, oldest first."""
    blocks = [_exception_block(exc, context=2)]
    seen = {id(exc)}
    cause = _chained(exc)
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        blocks.append(_DIRECT_CAUSE if exc.__cause__ is not None else _DURING_HANDLING)
        blocks.append(_exception_block(cause, context=1))
        exc, cause = cause, _chained(cause)
    return _RULE + "".join(reversed(blocks))


def format_compile_error(exc):
    """A cell that doesn't compile: where, then the message (IPython's SyntaxTB)."""
    name = type(exc).__name__
    if not isinstance(exc, SyntaxError):
        message = _safe_str(exc)
        return (f"{name}: {message}\n" if message else f"{name}\n") + _notes(exc, "\n")
    filename = exc.filename or "<string>"
    text = (linecache.getline(filename, exc.lineno) if exc.lineno else "") or exc.text or ""
    parts = [f"  {_location(filename, exc.lineno)}\n", f"    {text.strip()}\n"]
    if exc.offset is not None:
        indent = len(text) - len(text.lstrip())
        gap = "".join(c if c.isspace() else " " for c in text[indent:exc.offset - 1])
        parts.append(f"    {gap}^\n")
    parts.append(f"{name}: {exc.msg}\n" if exc.msg else f"{name}\n")
    return "".join(parts) + _notes(exc, "\n")


def _chained(exc):
    if exc.__cause__ is not None:
        return exc.__cause__
    return None if exc.__suppress_context__ else exc.__context__


def _exception_block(exc, context):
    name = type(exc).__name__
    frames = _user_frames(exc.__traceback__)
    return (name + _HEADER.rjust(75 - len(name)) + "".join(_format_frames(frames, context))
            + f"{name}: {_safe_str(exc)}" + _notes(exc, ""))


def _safe_str(exc):
    try:
        return str(exc)
    except Exception:
        return "<exception str() failed>"


def _notes(exc, end):
    notes = getattr(exc, "__notes__", None) or []
    if not isinstance(notes, (list, tuple)):
        notes = [repr(notes)]
    return "".join(f"{note}{end}" for note in notes)


def _user_frames(tb):
    """(frame, line) pairs of tb, without the kernel's own frames."""
    frames = []
    for frame, lineno in traceback.walk_tb(tb):
        if frame.f_code.co_filename != __file__:
            frames.append((frame, lineno if lineno is not None else frame.f_lineno))
    return frames


def _format_frames(frames, context):
    """Deep recursion shows as a few frames and a count, like stack_data."""
    keys = [(frame.f_code, lineno) for frame, lineno in frames]
    shown = _frames_to_show(keys)
    parts = []
    for is_shown, run in itertools.groupby(zip(frames, keys, shown), key=lambda item: item[2]):
        run = list(run)
        if is_shown:
            parts += [_format_frame(frame, lineno, context) for (frame, lineno), _, _ in run]
        else:
            parts.append("    [... skipping similar frames: %s]\n"
                         % _describe_repeats([key for _, key, _ in run]))
    return parts


def _frames_to_show(keys):
    """Of a frame seen more than 3 times, only the first, second and last of
    each run of such frames are shown."""
    counts = Counter(keys)
    shown = [counts[key] <= 3 for key in keys]
    for common, run in itertools.groupby(range(len(keys)), key=lambda i: counts[keys[i]] > 3):
        if common:
            run = list(run)
            for key in {keys[i] for i in run}:
                places = [i for i in run if keys[i] == key]
                for i in places[:2] + places[-1:]:
                    shown[i] = True
    return shown


def _describe_repeats(keys):
    counts = sorted(Counter(keys).items(), key=lambda item: (-item[1], item[0][0].co_name))
    return ", ".join("%s at line %d (%d times)" % (_qualname(code), lineno, count)
                     for (code, lineno), count in counts)


def _qualname(code):
    # As IPython (through `executing`) names frames: comprehensions by their
    # bare name. co_qualname is new in 3.11.
    if code.co_name.startswith("<") and code.co_name != "<lambda>":
        return code.co_name
    return getattr(code, "co_qualname", code.co_name)


def _format_frame(frame, lineno, context):
    code = frame.f_code
    head = _location(code.co_filename, lineno)
    if _qualname(code) != "<module>":
        head += ", in " + _qualname(code) + _arguments(frame)
    lines = linecache.getlines(code.co_filename, frame.f_globals)
    if not lines:
        return head + "\n"
    return head + "\n" + _source_context(lines, lineno, context)


def _location(filename, lineno):
    cell = _CELL_FILENAME.match(filename)
    if cell:
        place = "Cell In[%s]" % cell.group(1)
        return place if lineno is None else f"{place}, line {lineno}"
    place = "File " + _compress_user(filename)
    return place if lineno is None else f"{place}:{lineno}"


def _compress_user(path):
    home = os.path.expanduser("~")
    return "~" + path[len(home):] if path.startswith(home) else path


def _arguments(frame):
    try:
        return inspect.formatargvalues(*inspect.getargvalues(frame), formatvalue=lambda _: "")
    except KeyError:
        return "(***failed resolving arguments***)"


def _source_context(lines, lineno, context):
    numbers = _source_map("".join(lines)).window(lineno, context)
    texts = [lines[n - 1].rstrip("\r\n") for n in numbers if n is not None]
    if not texts:
        return ""
    indent = len(texts[0]) - len(textwrap.dedent("\n".join(texts)).splitlines()[0])
    parts = []
    for n in numbers:
        if n is None:
            parts.append("   (...)")  # IPython puts no newline here
            continue
        text = lines[n - 1].rstrip("\r\n")[indent:]
        parts.append(f"{_line_number(n, n == lineno)} {text}\n")
    return "".join(parts)


def _line_number(n, current):
    if not current:
        return str(n).rjust(_NUMBER_WIDTH)
    pad = _NUMBER_WIDTH - len(str(n))
    if pad >= 2:
        return "-" * (pad - 2) + "> " + str(n)
    return (">" if pad == 1 else "") + str(n)


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
_MATCH_CASE = getattr(ast, "match_case", ())  # Python 3.10+; () matches nothing
_BLOCK_ITEMS = (ast.stmt, ast.ExceptHandler, _MATCH_CASE)


@functools.lru_cache(maxsize=16)
def _source_map(text):
    return _SourceMap(text)


class _SourceMap:
    """A file split into "pieces" the way stack_data splits it: a simple
    statement, or the header of a compound one, with blank edges trimmed."""

    def __init__(self, text):
        self._lines = text.splitlines(keepends=True)
        try:
            self._tree = ast.parse(text)
        except (SyntaxError, ValueError):
            self._tree = None
            return
        self._pieces = self._split()

    def window(self, lineno, context):
        """Line numbers to show around lineno, None where lines are elided."""
        if self._tree is None:
            return []
        start, stop = self._scope_range(lineno)
        pieces = [p for p in self._pieces if start <= p.start and p.stop <= stop]
        current = next((p for p in pieces if lineno in p), None)
        if current is None:
            return []
        at = pieces.index(current)
        numbers = []
        for piece in pieces[max(0, at - context):at + 1 + context]:
            piece = list(piece)
            if len(piece) > _MAX_PIECE_LINES and lineno not in piece:
                piece = piece[:3] + [None] + piece[-2:]
            numbers += piece
        return numbers

    def _split(self):
        merged = []
        for start, stop in _raw_pieces(self._tree, 1, len(self._lines) + 1):
            if stop <= start:
                continue
            if merged and start < merged[-1][1]:  # "a = 1; b = 2" is one piece
                merged[-1] = (merged[-1][0], stop)
            else:
                merged.append((start, stop))
        pieces = []
        for start, stop in merged:
            while start < stop and self._blank(start):
                start += 1
            while stop > start and self._blank(stop - 1):
                stop -= 1
            if start < stop:
                pieces.append(range(start, stop))
        return pieces

    def _blank(self, lineno):
        return not self._lines[lineno - 1].strip()

    def _scope_range(self, lineno):
        """Lines of the function or class around the statement at lineno."""
        path, node = [], self._tree
        while True:
            node = next((child for child in ast.iter_child_nodes(node)
                         if _spans(child, lineno)), None)
            if node is None:
                break
            path.append(node)
        statements = [node for node in path if isinstance(node, ast.stmt)]
        for node in reversed(statements[:-1]):  # a def line belongs to the outer scope
            if isinstance(node, _SCOPES):
                return _line_range(node)
        return 1, len(self._lines) + 1


def _raw_pieces(node, start, stop):
    """stack_data's split: statements in each body, and the gaps between them."""
    for _field, body in ast.iter_fields(node):
        if not (isinstance(body, list) and body and isinstance(body[0], _BLOCK_ITEMS)):
            continue
        children = {}
        for child in body:
            children.setdefault(_line_range(child), child)
        for (child_start, child_stop), child in sorted(children.items()):
            for inner_start, inner_stop in _raw_pieces(child, child_start, child_stop):
                if start < inner_start:
                    yield start, inner_start
                if inner_start < inner_stop:
                    yield inner_start, inner_stop
                start = inner_stop
    yield start, stop


def _line_range(node):
    if isinstance(node, _MATCH_CASE):  # it has no position itself
        return node.pattern.lineno, node.body[-1].end_lineno + 1
    first = min([node.lineno] + [d.lineno for d in getattr(node, "decorator_list", [])])
    return first, node.end_lineno + 1


def _spans(node, lineno):
    first = getattr(node, "lineno", None)
    return first is not None and first <= lineno <= (node.end_lineno or first)


# --- cells ------------------------------------------------------------------


def clean_cell(source):
    """IPython's cleanup: drop leading blank lines, then the first line's
    indentation from every line that has it."""
    lines = source.splitlines(keepends=True)
    while lines and lines[0].isspace():
        lines.pop(0)
    indent = re.match(r"[ \t]*", lines[0]).group() if lines else ""
    return "".join(line[len(indent):] if line.startswith(indent) else line for line in lines)


def compile_cell(source, filename):
    """(code for all but a final expression, code for that expression or None)."""
    flags = ast.PyCF_ALLOW_TOP_LEVEL_AWAIT
    tree = compile(source, filename, "exec", flags | ast.PyCF_ONLY_AST, dont_inherit=True)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    body = compile(tree, filename, "exec", flags, dont_inherit=True)
    if last is None:
        return body, None
    return body, compile(ast.Expression(last.value), filename, "eval", flags, dont_inherit=True)


def ends_with_semicolon(source):
    """IPython shows no result for a cell whose last token is ';'."""
    skip = {tokenize.ENDMARKER, tokenize.NEWLINE, tokenize.NL, tokenize.COMMENT}
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return False
    last = next((t for t in reversed(tokens) if t.type not in skip), None)
    return last is not None and last.type == tokenize.OP and last.string == ";"


def _cache_source(filename, source):
    """Let linecache (tracebacks, inspect.getsource) find a cell's lines."""
    lines = source.splitlines(keepends=True)
    if lines and not lines[-1].endswith("\n"):
        lines[-1] += "\n"
    linecache.cache[filename] = (len(source), None, lines, filename)


async def _settle(coroutine):
    """Await a cell inside the loop, so its exception carries no asyncio frames."""
    try:
        return await coroutine, None
    except BaseException as exc:
        return None, exc


# --- requests ---------------------------------------------------------------


def parse_request(raw):
    """(code, env_vars) from one request line; ValueError if it is malformed."""
    try:
        request = json.loads(raw)
    except ValueError as exc:
        raise ValueError(f"request is not JSON: {exc}") from None
    code = request.get("code") if isinstance(request, dict) else None
    if not isinstance(code, str):
        raise ValueError('request needs a "code" string')
    env_vars = request.get("env_vars") or {}
    if not isinstance(env_vars, dict) or not all(
            _valid_env_var(key, value) for key, value in env_vars.items()):
        raise ValueError('"env_vars" must map variable names to strings')
    return code, env_vars


def _valid_env_var(key, value):
    return (isinstance(value, str) and key and "=" not in key
            and "\0" not in key and "\0" not in value)


@contextmanager
def temporary_env(env_vars):
    """env_vars for one run; afterwards each variable is as it was before."""
    saved = {key: os.environ.get(key) for key in env_vars}
    os.environ.update(env_vars)
    try:
        yield
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _error_line(name, value, traceback_text):
    return {"type": "error", "name": name, "value": value, "traceback": traceback_text}


# --- kernel -----------------------------------------------------------------


class Kernel:
    def __init__(self, requests, channel):
        self._requests = requests
        self._channel = channel
        self._pump = OutputPump(channel)
        self._interrupts = Interrupts()
        self._count = 1
        self._loop = None
        self._namespace = _main_namespace()
        builtins.display = self.display

    def serve(self):
        for raw in self._requests:
            if raw.strip():
                self._execute(raw)

    def display(self, *objs, **_ipython_options):
        """IPython's display(): each object becomes a non-main result."""
        for obj in objs:
            self._show(mime_bundle(obj), is_main=False)

    def _execute(self, raw):
        count = self._count
        self._channel.send({"type": "number_of_executions", "execution_count": count})
        self._pump.begin()
        try:
            code, env_vars = parse_request(raw)
        except ValueError as exc:
            error = _error_line("ProtocolError", str(exc), "")
        else:
            if code.strip():  # like IPython, an empty cell doesn't count
                self._count += 1
            with temporary_env(env_vars):
                error = self._run_cell(code, count)
        if error is not None:
            self._pump.emit(error)
        self._pump.end()
        self._channel.send({"type": "end_of_execution"})

    def _run_cell(self, code, count):
        """Run one cell; returns its error line, or None."""
        source = clean_cell(code)
        if not source.strip():
            return None
        filename = cell_filename(count)
        _cache_source(filename, source)
        try:
            body, last_expression = compile_cell(source, filename)
        except (SyntaxError, ValueError, OverflowError, TypeError, MemoryError) as exc:
            return _error_line(type(exc).__name__, _safe_str(exc), format_compile_error(exc))
        try:
            with self._interrupts.user_code():
                self._run(body)
                if last_expression is not None:
                    value = self._run(last_expression)
                    if value is not None and not ends_with_semicolon(source):
                        self._namespace["_"] = value
                        self._show(mime_bundle(value), is_main=True)
        except BaseException as exc:  # the user's SystemExit and KeyboardInterrupt too
            return _error_line(type(exc).__name__, _safe_str(exc), format_traceback(exc))
        return None

    def _run(self, code):
        value = eval(code, self._namespace)
        if not code.co_flags & inspect.CO_COROUTINE:
            return value
        value, exc = self._event_loop().run_until_complete(_settle(value))
        if exc is not None:
            raise exc
        return value

    def _event_loop(self):
        # One loop for all cells, so tasks started by one cell live on.
        if self._loop is None:
            import asyncio  # only here: it is a third of the kernel's start-up time

            self._loop = asyncio.new_event_loop()
            asyncio.set_event_loop(self._loop)
        return self._loop

    def _show(self, bundle, is_main):
        with self._interrupts.kernel_code():
            self._pump.emit(result_line(bundle, is_main))


def _main_namespace():
    """A fresh __main__ module for the user, as IPython has (pickle looks
    classes up in sys.modules["__main__"])."""
    module = types.ModuleType("__main__")
    module.__dict__["__builtins__"] = builtins
    sys.modules["__main__"] = module
    return module.__dict__


def _take_protocol_fds():
    """Move the protocol off fds 0 and 1, where the user's code can't reach it.

    Returns the request reader and the channel fd. fd 0 becomes an empty
    pipe, so input() and children reading stdin see end of file.
    """
    requests = os.fdopen(os.dup(0), "rb")
    channel_fd = os.dup(1)
    read_end, write_end = os.pipe()
    os.close(write_end)
    os.dup2(read_end, 0)
    os.close(read_end)
    return requests, channel_fd


def start():
    """Set up the process (fds, streams, sys.path) and return the kernel."""
    requests, channel_fd = _take_protocol_fds()
    kernel = Kernel(requests, Channel(channel_fd))
    sys.stdout = sys.__stdout__ = _text_stream(1)
    sys.stderr = sys.__stderr__ = _text_stream(2)
    # The user imports from the context's cwd, not from the kernel's directory.
    kernel_dir = os.path.dirname(__file__)
    sys.path[:] = [os.getcwd()] + [path for path in sys.path if path != kernel_dir]
    return kernel


def main():
    # fd 2 is about to carry the user's stderr; the kernel's own failures
    # keep going to e2b-local.
    diagnostics = os.fdopen(os.dup(2), "w")
    try:
        start().serve()
    except BaseException:
        traceback.print_exc(file=diagnostics)
        diagnostics.flush()
        os._exit(1)


if __name__ == "__main__":
    main()
