"""The library's log lines as records of the ``libe2b`` logger.

Each client syncs the library's level with the logger's effective level when
it is made, so lines below it never leave the library: configure logging
(``logging.getLogger("libe2b").setLevel(logging.DEBUG)``, a handler) before
making a client. ``E2B_LOG`` in the environment takes precedence: the library
then writes its lines to stderr itself.
"""

from __future__ import annotations

import logging
import os
import threading

from . import _bindings as b

logger = logging.getLogger("libe2b")

# The library's levels as the logging module's; TRACE sits below DEBUG.
_LEVELS = {
    b.LogLevel.ERROR: logging.ERROR,
    b.LogLevel.WARN: logging.WARNING,
    b.LogLevel.INFO: logging.INFO,
    b.LogLevel.DEBUG: logging.DEBUG,
    b.LogLevel.TRACE: 5,
}

_lock = threading.Lock()
_installed: b.LogLevel | None = None


def _forward(user_data: object, level: int, target: bytes, message: bytes) -> None:
    # Called from whichever thread logs; ctypes takes the GIL. Nothing may escape into C.
    try:
        logger.log(_LEVELS.get(b.LogLevel(level), logging.DEBUG), "%s", message.decode("utf-8", "replace"),
                   extra={"e2b_target": target.decode("utf-8", "replace")})
    except Exception:  # noqa: BLE001 - a broken handler must not reach the library
        pass


# Kept here for the process's lifetime: the library holds a pointer to it.
_callback = b.e2b_log_cb(_forward)


def sync_level() -> None:
    """Sends the library's lines up to the ``libe2b`` logger's effective level
    to it (none when logging is off for it), unless ``E2B_LOG`` is set."""
    global _installed
    if os.environ.get("E2B_LOG"):
        return
    level = max((lvl for lvl, py in _LEVELS.items() if logger.isEnabledFor(py)), default=b.LogLevel.OFF)
    with _lock:
        if level != _installed:
            b.e2b_set_log_callback(level, _callback if level != b.LogLevel.OFF else None, None, None)
            _installed = level
