"""The Python kernel of e2b-local's code interpreter: one process per context.

The code runs in IPython itself: one `InteractiveShell` in this process, so
magics (`%pwd`, `%pip`), shell escapes (`!pwd`, `!pip install ...`),
`display()`, IPython's formatters (`_repr_html_`, `_repr_png_`, ...,
`_repr_mimebundle_`), matplotlib's inline backend, the display hook
(`_`, `Out`, a trailing `;`), execution counts and IPython's own traceback
formatting are IPython's, as in E2B's code interpreter, whose Jupyter
server runs the same IPython inside ipykernel.

Why an InteractiveShell here rather than ipykernel behind a bridge:
ipykernel is that same shell plus a ZeroMQ transport (Jupyter's messaging,
heartbeats, a connection file, pyzmq and tornado in the image). e2b-local
needs none of it: it talks to one kernel per context over pipes, interrupts
it with SIGINT and restarts it by starting a new process. What ipykernel
adds on the kernel side and users see is done here as ipykernel does it:
the display hook and display publisher turn into `result` lines
(`execute_result` and `display_data`), the first traceback of a run into
the `error` line, `input()` raises StdinNotImplementedError, matplotlib's
backend is `module://matplotlib_inline.backend_inline`, and E2B's own
formatters add `e2b/data` (pandas DataFrames), `e2b/chart` (matplotlib
figures, through E2B's `e2b_charts`) and a JSON view of dicts and lists.

Protocol with e2b-local (e2b-local/src/code.rs): the kernel is started as
`python3 -u kernel.py`; it first writes one line of its own,
`{"type": "kernel_ready"}`, or `{"type": "kernel_unavailable", "message":
"..."}` and exits 3 when IPython cannot be imported (a sandbox without the
code-interpreter image). Then it reads one request per stdin line,
{"code": "<source>", "env_vars": {"K": "V"} or null}, and answers each with
the lines E2B's code-interpreter server streams from /execute, in its JSON
style:

    {"type": "number_of_executions", "execution_count": N}
    stdout / stderr / result lines as they happen, at most one error line
    {"type": "end_of_execution"}

Whatever writes to fds 1 and 2 (print, `!cmd`, os.system, C extensions,
children) is captured through pipes and sent as stdout/stderr lines while
the run goes on; output from an idle kernel is dropped. SIGINT interrupts a
run (KeyboardInterrupt, reported as IPython reports it) and is ignored while
the kernel is idle, as ipykernel ignores it.

Standard library only until IPython is imported; Python 3.11+ with the
image's IPython 9.

Started as `kernel.py --language bash`, it is a bash context's kernel
instead (BashKernel, standard library only): the same protocol, with the
cells run by one persistent bash on a terminal, as Jupyter's bash_kernel
(which E2B's code interpreter runs for bash) runs them.
"""

import base64
import builtins
import codecs
import datetime
import io
import json
import math
import numbers
import os
import re
import selectors
import signal
import struct
import sys
import termios
import threading
import traceback
from fcntl import ioctl

_CHUNK = 1 << 16  # most a pipe holds at once on Linux
# The backend ipykernel selects for matplotlib: figures become display_data.
_MATPLOTLIB_BACKEND = "module://matplotlib_inline.backend_inline"
# What ipykernel says when the code asks for input and the frontend (here, as
# in E2B, always) does not allow it.
_NO_STDIN = "raw_input was called, but this frontend does not support input requests."


def _timestamp():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="microseconds")


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
    dropped (ipykernel ignores SIGINT between requests too); one that arrives
    while the kernel writes a line in the middle of a run is raised once that
    line is out, so no line is cut.
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
            self._pending = False  # SIGINTs from idle time don't count
        self._armed = armed
        self._install()
        return saved

    def restore(self, armed):
        self._armed = armed
        self._install()
        if armed and self._pending:
            self._pending = False
            raise KeyboardInterrupt

    def _install(self):
        # Again at each switch: the user's code may have replaced the handler.
        # Armed, Python's own handler raises KeyboardInterrupt where the code
        # is, as in ipykernel, with no frame of the kernel's in the traceback.
        handler = signal.default_int_handler if self._armed else self._on_sigint
        signal.signal(signal.SIGINT, handler)

    def _on_sigint(self, signum, frame):
        self._pending = True


class _InterruptSwitch:
    """Only the main thread switches; display() from other threads leaves the
    main thread's state alone."""

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


# --- result lines -----------------------------------------------------------

# MIME type -> result field, in the wire's key order.
_RESULT_FIELDS = (
    ("text/plain", "text"), ("text/html", "html"), ("text/markdown", "markdown"),
    ("image/svg+xml", "svg"), ("image/png", "png"), ("image/jpeg", "jpeg"),
    ("application/pdf", "pdf"), ("text/latex", "latex"),
    ("application/json", "json"), ("application/javascript", "javascript"),
    ("e2b/data", "data"), ("e2b/chart", "chart"),
)
_STRUCTURED_FIELDS = {"json", "data", "chart"}


def result_line(bundle, is_main):
    """A MIME bundle as E2B's server writes it: known types as fields, the
    rest in `extra`, `text` with one pair of surrounding quotes stripped."""
    data = {}
    for mime, value in bundle.items():
        value = wire_value(value)
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


def wire_value(value):
    """value as Jupyter's messages carry it, or None when JSON cannot hold it:
    bytes become base64, dates ISO 8601, numbers of other types (numpy's)
    plain numbers, and NaN or infinity null."""
    if isinstance(value, (bytes, bytearray)):
        return base64.b64encode(value).decode("ascii")
    if isinstance(value, str):
        return value
    try:
        return json.loads(json.dumps(_finite(value), default=_json_default, allow_nan=False))
    except (TypeError, ValueError, RecursionError):
        return None


def _finite(value):
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {key: _finite(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(item) for item in value]
    return value


def _json_default(obj):
    if isinstance(obj, (datetime.datetime, datetime.date, datetime.time)):
        return obj.isoformat()
    if isinstance(obj, (bytes, bytearray)):
        return base64.b64encode(obj).decode("ascii")
    if isinstance(obj, numbers.Integral):
        return int(obj)
    if isinstance(obj, numbers.Real):
        number = float(obj)
        return number if math.isfinite(number) else None
    if hasattr(obj, "tolist"):  # numpy arrays and scalars
        return _finite(obj.tolist())
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


def _strip_quotes(text):
    # E2B's server shows repr('bar') as bar.
    if len(text) >= 2 and text[0] == text[-1] and text[0] in "'\"":
        return text[1:-1]
    return text


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


class TemporaryEnv:
    """env_vars for one run; afterwards each variable is as it was before."""

    def __init__(self, env_vars):
        self._env_vars = env_vars
        self._saved = {}

    def __enter__(self):
        self._saved = {key: os.environ.get(key) for key in self._env_vars}
        os.environ.update(self._env_vars)

    def __exit__(self, *exc_info):
        for key, value in self._saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _error_line(name, value, traceback_text):
    return {"type": "error", "name": name, "value": value, "traceback": traceback_text}


# --- the shell --------------------------------------------------------------


def make_shell(kernel):
    """The IPython shell the user's code runs in, wired to `kernel`."""
    from IPython.core.displayhook import DisplayHook
    from IPython.core.displaypub import DisplayPublisher
    from IPython.core.error import StdinNotImplementedError, UsageError
    from IPython.core.interactiveshell import InteractiveShell
    from traitlets import Type
    from traitlets.config import Config

    class WireDisplayHook(DisplayHook):
        """The value of a cell's last expression: the run's main result
        (ipykernel's execute_result). IPython still decides whether there is
        one (None, a trailing `;`) and keeps `_`, `__` and `Out`."""

        def write_output_prompt(self):
            pass

        def write_format_data(self, format_dict, md_dict=None):
            kernel.show(format_dict, is_main=True)

        def finish_displayhook(self):
            pass

    class WirePublisher(DisplayPublisher):
        """display() and everything that displays (figures): results that are
        not the main one (ipykernel's display_data). Updates of a display by
        its id and clear_output() have no line in E2B's protocol."""

        def publish(self, data, metadata=None, source=None, *, transient=None, update=False,
                    **kwargs):
            if not update:
                kernel.show(data, is_main=False)

        def clear_output(self, wait=False):
            pass

    class Shell(InteractiveShell):
        displayhook_class = Type(WireDisplayHook)
        display_pub_class = Type(WirePublisher)

        def _showtraceback(self, etype, evalue, stb):
            # What ipykernel sends as the error message; E2B's server joins
            # the traceback's parts with nothing between them.
            name = getattr(etype, "__name__", str(etype))
            kernel.error(_error_line(name, _safe_str(evalue), "".join(stb)))

        def enable_gui(self, gui=None):
            # As ipykernel: no event loop to integrate for the inline backend
            # (`%matplotlib inline` asks for none); there is no display for
            # any other.
            if gui not in (None, "inline"):
                raise UsageError(f"GUI event loop {gui!r} is not available: the kernel has no display")

        def init_virtualenv(self):
            # As ipykernel: the kernel's Python is the one its packages are in.
            pass

    config = Config()
    # As E2B's template configures its kernels: tracebacks without colours.
    config.InteractiveShell.colors = "NoColor"
    shell = Shell.instance(config=config)

    def no_stdin(*args, **kwargs):
        __tracebackhide__ = True
        raise StdinNotImplementedError(_NO_STDIN)

    builtins.input = no_stdin
    import getpass

    getpass.getpass = no_stdin
    _add_e2b_formatters(shell)
    _display_pil_images()
    return shell


def _add_e2b_formatters(shell):
    """The formats E2B's kernels add to IPython's: `e2b/data` (a DataFrame's
    columns), `e2b/chart` (what E2B's e2b_charts reads from a matplotlib
    figure) and `application/json` for dicts and lists. Types are named, not
    imported: pandas and matplotlib load only when the user's code uses them."""
    from IPython.core.formatters import BaseFormatter, JSONFormatter, catch_format_error
    from traitlets import ObjectName, Unicode

    class DataFormatter(BaseFormatter):
        format_type = Unicode("e2b/data")
        print_method = ObjectName("_repr_e2b_data_")
        _return_type = (dict, str)

    class ChartFormatter(BaseFormatter):
        format_type = Unicode("e2b/chart")
        print_method = ObjectName("_repr_e2b_chart_")
        _return_type = (dict,)

        @catch_format_error
        def __call__(self, obj):
            # Figures are matched here, not registered by type: matplotlib's
            # inline backend removes every formatter's entry for Figure when
            # it selects its own figure formats.
            figure = sys.modules.get("matplotlib.figure")
            if self.enabled and figure is not None and isinstance(obj, figure.Figure):
                return figure_chart(obj)
            return super().__call__(obj)

    def dataframe_columns(frame):
        return wire_value(frame.to_dict(orient="list"))

    def figure_chart(figure):
        from e2b_charts import chart_figure_to_dict

        chart = chart_figure_to_dict(figure)
        return wire_value(chart) if chart else None

    def json_view(obj):
        value = wire_value(obj)
        return value if isinstance(value, (dict, list)) else None

    formatters = shell.display_formatter.formatters
    data = DataFormatter(parent=shell.display_formatter)
    data.for_type_by_name("pandas.core.frame", "DataFrame", dataframe_columns)
    chart = ChartFormatter(parent=shell.display_formatter)
    formatters["e2b/data"] = data
    formatters["e2b/chart"] = chart
    json_formatter = formatters.get("application/json")
    if isinstance(json_formatter, JSONFormatter):
        json_formatter.for_type(dict, json_view)
        json_formatter.for_type(list, json_view)


def _display_pil_images():
    """As in E2B's template: a PIL image shown, or saved under a file name,
    is displayed (a kernel has no screen to show it on)."""

    def patch(module):
        from IPython.display import display

        image_class = module.Image
        save = image_class.save

        def show(self, title=None):
            display(self)

        def save_and_display(self, fp, format=None, **params):
            if isinstance(fp, (str, os.PathLike)):
                display(self)
            return save(self, fp, format, **params)

        image_class.show = show
        image_class.save = save_and_display

    _after_import("PIL.Image", patch)


def _after_import(name, action):
    """Runs action(module) right after the module `name` is first imported."""
    import importlib.util

    class Finder:
        @staticmethod
        def find_spec(fullname, path=None, target=None):
            if fullname != name:
                return None
            sys.meta_path.remove(Finder)
            spec = importlib.util.find_spec(fullname)
            if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
                return spec
            exec_module = spec.loader.exec_module

            def exec_then_act(module):
                exec_module(module)
                try:
                    action(module)
                except Exception:
                    traceback.print_exc()

            spec.loader.exec_module = exec_then_act
            return spec

    if name in sys.modules:
        action(sys.modules[name])
    else:
        sys.meta_path.insert(0, Finder)


def _safe_str(value):
    try:
        return str(value)
    except Exception:
        return "<unprintable %s object>" % type(value).__name__


# --- kernel -----------------------------------------------------------------


class Kernel:
    def __init__(self, requests, channel):
        self._requests = requests
        self._channel = channel
        self._pump = OutputPump(channel)
        self._interrupts = Interrupts()
        self._error = None
        self.shell = None

    def serve(self):
        for raw in self._requests:
            if raw.strip():
                self._execute(raw)

    def show(self, bundle, is_main):
        """A result line, after the output written before it."""
        with self._interrupts.kernel_code():
            self._pump.emit(result_line(bundle, is_main))

    def error(self, line):
        """The run's error line: the first error of a run is its error."""
        if self._error is None:
            self._error = line
            with self._interrupts.kernel_code():
                self._pump.emit(line)

    def _execute(self, raw):
        shell = self.shell
        self._channel.send({"type": "number_of_executions",
                            "execution_count": shell.execution_count})
        self._pump.begin()
        self._error = None
        try:
            code, env_vars = parse_request(raw)
        except ValueError as exc:
            self.error(_error_line("ProtocolError", str(exc), ""))
        else:
            with TemporaryEnv(env_vars):
                self._run_cell(code)
        self._pump.end()
        self._channel.send({"type": "end_of_execution"})

    def _run_cell(self, code):
        try:
            with self._interrupts.user_code():
                result = self.shell.run_cell(code, store_history=True)
        except KeyboardInterrupt:
            # Landed in IPython's own code between the user's statements.
            self.shell.showtraceback()
            return
        error = result.error_before_exec or result.error_in_exec
        if error is not None and self._error is None:
            # A failure IPython reports without a traceback (a UsageError of a
            # magic goes to stderr): ipykernel's reply still says the run
            # failed, and E2B's server makes that the error line.
            self.error(_error_line(type(error).__name__, _safe_str(error), ""))


def _take_protocol_fds():
    """Move the protocol off fds 0 and 1, where the user's code can't reach it.

    Returns the request reader and the channel fd. fd 0 becomes an empty
    pipe, so children reading stdin see end of file.
    """
    requests = os.fdopen(os.dup(0), "rb")
    channel_fd = os.dup(1)
    read_end, write_end = os.pipe()
    os.close(write_end)
    os.dup2(read_end, 0)
    os.close(read_end)
    return requests, channel_fd


def start(diagnostics):
    """Set up the process and the shell; returns the kernel, or exits 3
    (after saying why on the protocol) when IPython is missing."""
    requests, channel_fd = _take_protocol_fds()
    channel = Channel(channel_fd)
    kernel = Kernel(requests, channel)
    sys.stdout = sys.__stdout__ = _text_stream(1)
    sys.stderr = sys.__stderr__ = _text_stream(2)
    # The user imports from the context's cwd, not from the kernel's directory.
    kernel_dir = os.path.dirname(os.path.abspath(__file__))
    sys.path[:] = [os.getcwd()] + [path for path in sys.path if path != kernel_dir]
    os.environ.setdefault("MPLBACKEND", _MATPLOTLIB_BACKEND)
    try:
        import IPython  # noqa: F401
    except ImportError as exc:
        message = (f"IPython cannot be imported by {sys.executable} in this sandbox ({exc}): "
                   "the code interpreter runs in sandboxes of the template code-interpreter-v1 "
                   "on e2b-local's code-interpreter image, which scripts/setup.sh builds")
        diagnostics.write(message + "\n")
        diagnostics.flush()
        channel.send({"type": "kernel_unavailable", "message": message})
        os._exit(3)
    with kernel._interrupts.kernel_code():
        kernel.shell = make_shell(kernel)
    channel.send({"type": "kernel_ready"})
    return kernel


# --- bash -------------------------------------------------------------------

# The loop a bash context's shell runs: each cell comes on fd 3 as three
# NUL-terminated strings (set the run's env_vars, the code, restore them);
# the code runs with eval in the shell itself, so variables, functions,
# `cd` and `export` last. After each cell a marker with its exit status
# goes through the terminal after the cell's own output. SIGINT stops the
# cell's foreground command, not the shell.
_BASH_LOOP = r"""
exec 3<&"$__E2B_FD"; eval "exec $__E2B_FD<&-"; unset __E2B_FD
trap ':' INT
export PAGER=cat
while IFS= read -r -d '' __e2b_before <&3 && IFS= read -r -d '' __e2b_code <&3 \
      && IFS= read -r -d '' __e2b_after <&3; do
  eval "$__e2b_before" 3<&-
  eval "$__e2b_code" 3<&-
  __e2b_status=$?
  eval "$__e2b_after" 3<&-
  printf '\036E2B-%s-%d\036' "$__E2B_TOKEN" "$__e2b_status"
done
"""


def _bash_quote(text):
    return "'" + text.replace("'", "'\\''") + "'"


def bash_env_code(env_vars):
    """(set, restore): bash code that exports `env_vars` for one run and
    then puts each variable back as it was."""
    before, after = [], []
    for i, (key, value) in enumerate(env_vars.items()):
        if not key.replace("_", "a").isalnum() or key[0].isdigit():
            continue  # not a name bash can export
        before.append(f"__e2b_set_{i}=${{{key}+x}}; __e2b_old_{i}=${{{key}-}}; export {key}={_bash_quote(value)}")
        after.append(f'if [ -n "$__e2b_set_{i}" ]; then export {key}="$__e2b_old_{i}"; else unset {key}; fi; '
                     f"unset __e2b_set_{i} __e2b_old_{i}")
    return "\n".join(before), "\n".join(after)


class BashKernel:
    """A bash context: one persistent bash on a terminal, as Jupyter's
    bash_kernel (which E2B's code interpreter runs) drives it. Everything
    the cell writes, stdout and stderr alike, comes through the terminal
    and is sent as stdout, a line at a time (with "\\r\\n" as "\\n"). A cell
    whose exit status is not 0 ends with the error bash_kernel reports:
    name "", value the status, no traceback. A cell that ends the shell
    (`exit`) gets "Restarting Bash" and a new shell."""

    def __init__(self, requests, channel):
        self._requests = requests
        self._channel = channel
        self._count = 0
        self._token = base64.b32encode(os.urandom(10)).decode()
        self._marker = re.compile(rb"\x1eE2B-" + self._token.encode() + rb"-(\d+)\x1e")
        self._start_bash()
        signal.signal(signal.SIGINT, self._on_sigint)

    def _start_bash(self):
        import pty
        import subprocess
        master, slave = pty.openpty()
        attributes = termios.tcgetattr(slave)
        attributes[3] &= ~termios.ECHO
        termios.tcsetattr(slave, termios.TCSANOW, attributes)
        commands_read, commands_write = os.pipe()
        env = dict(os.environ, __E2B_TOKEN=self._token, __E2B_FD=str(commands_read),
                   TERM=os.environ.get("TERM", "xterm"))

        def child_setup():
            os.setsid()
            ioctl(0, termios.TIOCSCTTY, 0)
            signal.signal(signal.SIGINT, signal.SIG_DFL)

        self._bash = subprocess.Popen(
            ["bash", "--noprofile", "--norc", "-c", _BASH_LOOP],
            stdin=slave, stdout=slave, stderr=slave, pass_fds=(commands_read,), env=env,
            preexec_fn=child_setup, close_fds=True)
        os.close(slave)
        os.close(commands_read)
        os.set_inheritable(commands_write, False)
        self._commands = commands_write
        self._master = master
        self._buffer = b""

    def _on_sigint(self, signum, frame):
        try:
            os.killpg(self._bash.pid, signal.SIGINT)
        except OSError:
            pass

    def serve(self):
        for raw in self._requests:
            if raw.strip():
                self._execute(raw)

    def _execute(self, raw):
        self._count += 1
        self._channel.send({"type": "number_of_executions", "execution_count": self._count})
        try:
            code, env_vars = parse_request(raw)
        except ValueError as exc:
            self._channel.send(_error_line("ProtocolError", str(exc), ""))
        else:
            if code.strip():
                self._run(code, env_vars)
        self._channel.send({"type": "end_of_execution"})

    def _run(self, code, env_vars):
        before, after = bash_env_code(env_vars)
        cell = "\0".join(part.replace("\0", "") for part in (before, code.rstrip(), after)) + "\0"
        try:
            data = memoryview(cell.encode())
            while data:
                data = data[os.write(self._commands, data):]
        except OSError:
            pass  # the shell is gone: reading says so
        status = self._relay()
        if status is None:
            self._send_output("Restarting Bash")
            self._restart()
        elif status:
            self._channel.send(_error_line("", str(status), ""))

    def _send_output(self, text):
        if text:
            self._channel.send({"type": "stdout", "text": text, "timestamp": _timestamp()})

    def _relay(self):
        """Sends the cell's output a line at a time until its marker; its
        exit status, or None if the shell ended."""
        decoder = codecs.getincrementaldecoder("utf-8")("replace")
        pending = ""
        while True:
            match = self._marker.search(self._buffer)
            if match:
                text = pending + decoder.decode(self._buffer[:match.start()], final=True)
                self._buffer = self._buffer[match.end():]
                self._send_lines(text, final=True)
                return int(match.group(1))
            # Keep what may be the start of a marker.
            cut = self._buffer.rfind(b"\x1e")
            keep = self._buffer[cut:] if cut >= 0 else b""
            ready = self._buffer[:cut] if cut >= 0 else self._buffer
            pending = self._send_lines(pending + decoder.decode(ready), final=False)
            self._buffer = keep
            try:
                chunk = os.read(self._master, _CHUNK)
            except InterruptedError:
                continue
            except OSError:
                chunk = b""
            if not chunk:
                self._send_lines(pending + decoder.decode(self._buffer, final=True), final=True)
                self._buffer = b""
                return None
            self._buffer += chunk

    def _send_lines(self, text, final):
        """Sends each whole line of `text` (all of it if `final`); returns the rest."""
        text = text.replace("\r\n", "\n")
        lines = text.split("\n")
        rest = "" if final else lines.pop()
        for i, line in enumerate(lines):
            last = i == len(lines) - 1
            self._send_output(line if (final and last) else line + "\n")
        return rest

    def _restart(self):
        for fd in (self._master, self._commands):
            try:
                os.close(fd)
            except OSError:
                pass
        try:
            self._bash.wait(timeout=5)
        except Exception:
            pass
        self._start_bash()


def start_bash():
    requests, channel_fd = _take_protocol_fds()
    channel = Channel(channel_fd)
    kernel = BashKernel(requests, channel)
    channel.send({"type": "kernel_ready"})
    return kernel


def main():
    # fd 2 is about to carry the user's stderr; the kernel's own failures
    # keep going to e2b-local.
    diagnostics = os.fdopen(os.dup(2), "w")
    try:
        kernel = start_bash() if sys.argv[1:] == ["--language", "bash"] else start(diagnostics)
        kernel.serve()
    except BaseException:
        traceback.print_exc(file=diagnostics)
        diagnostics.flush()
        os._exit(1)


if __name__ == "__main__":
    main()
