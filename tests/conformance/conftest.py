"""Shared fixtures of the official-SDK conformance tests: an e2b-local process and helpers.

Run from the repository root, after building the server:

    cargo build -p e2b-local
    scripts/setup.sh   # the pinned SDKs in target/venv
    target/venv/bin/pytest tests/conformance

`E2B_LOCAL_BIN` names the server binary (default: target/debug/e2b-local).
"""

import os
import queue
import signal
import subprocess
import tempfile
import threading
import time
from pathlib import Path

import httpx
import pytest
from e2b import Sandbox

REPO_ROOT = Path(__file__).resolve().parents[2]
BINARY = Path(os.environ.get("E2B_LOCAL_BIN", REPO_ROOT / "target" / "debug" / "e2b-local"))


class LocalServer:
    """An e2b-local process on a free port, with the three values its `export` lines give."""

    def __init__(self, data_dir):
        self.data_dir = str(data_dir)
        self.process = subprocess.Popen(
            [str(BINARY), "--port", "0", "--data-dir", self.data_dir],
            stdout=subprocess.PIPE,
            text=True,
        )
        lines = queue.Queue()
        threading.Thread(target=lambda: [lines.put(line) for line in self.process.stdout], daemon=True).start()
        exports = {}
        while len(exports) < 3:
            try:
                line = lines.get(timeout=30)
            except queue.Empty:
                self.stop()
                raise RuntimeError("e2b-local did not print its exports")
            name, _, value = line.strip().removeprefix("export ").partition("=")
            exports[name] = value
        self.api_url = exports["E2B_API_URL"]
        self.sandbox_url = exports["E2B_SANDBOX_URL"]
        self.api_key = exports["E2B_API_KEY"]

    @property
    def opts(self):
        """SDK options that point at this server (rather than at the session's)."""
        return {"api_url": self.api_url, "sandbox_url": self.sandbox_url, "api_key": self.api_key}

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        assert self.process.wait(timeout=30) == 0


@pytest.fixture(scope="session")
def server():
    if not BINARY.exists():
        pytest.fail(f"{BINARY} does not exist: build it with `cargo build -p e2b-local` or set E2B_LOCAL_BIN")
    with tempfile.TemporaryDirectory() as data_dir:
        srv = LocalServer(data_dir)
        saved = {k: os.environ.get(k) for k in ("E2B_API_URL", "E2B_SANDBOX_URL", "E2B_API_KEY")}
        os.environ.update(E2B_API_URL=srv.api_url, E2B_SANDBOX_URL=srv.sandbox_url, E2B_API_KEY=srv.api_key)
        try:
            yield srv
        finally:
            srv.stop()
            for key, value in saved.items():
                if value is None:
                    os.environ.pop(key, None)
                else:
                    os.environ[key] = value


@pytest.fixture
def sandbox(server):
    sbx = Sandbox.create()
    yield sbx
    sbx.kill()


def raw(server, method, path, **kwargs):
    """A control-plane request outside the SDK, to see status codes the SDK hides."""
    headers = {"X-API-KEY": server.api_key, **kwargs.pop("headers", {})}
    return httpx.request(method, server.api_url + path, headers=headers, **kwargs)


def wait_until(condition, timeout=15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.25)
    return False


def envd_headers(sandbox, **extra):
    """Headers for a raw request to the sandbox's envd, as the SDK sends them."""
    headers = {
        "E2b-Sandbox-Id": sandbox.sandbox_id,
        "E2b-Sandbox-Port": "49983",
        "X-Access-Token": sandbox._envd_access_token,
    }
    headers.update(extra)
    return headers
