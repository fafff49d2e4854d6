"""Fixtures: a client for the e2b-local that scripts/with-e2b-local.sh
started, sandboxes that are killed after each test, and a silent server
(a sandbox whose envd never answers)."""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Iterator

import pytest

import libe2b


@pytest.fixture(scope="session")
def client() -> Iterator[libe2b.Client]:
    if "E2B_API_URL" not in os.environ:
        pytest.fail("no server: run the tests under scripts/with-e2b-local.sh")
    with libe2b.Client(request_timeout=30) as client:
        yield client


@pytest.fixture
def sandbox(client: libe2b.Client) -> Iterator[libe2b.Sandbox]:
    with client.create_sandbox(timeout=120) as sandbox:
        yield sandbox


@pytest.fixture
def code_sandbox(client: libe2b.Client) -> Iterator[libe2b.Sandbox]:
    with client.create_sandbox("code-interpreter-v1", timeout=120) as sandbox:
        yield sandbox


class SilentServer:
    """A server on 127.0.0.1 that accepts connections and never answers; it
    holds them open until it stops."""

    def __init__(self) -> None:
        self._listener = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._connections: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            self._connections.append(connection)

    def stop(self) -> None:
        try:
            self._listener.shutdown(socket.SHUT_RDWR)  # wakes the accept() (close alone does not)
        except OSError:
            pass
        self._listener.close()
        for connection in self._connections:
            connection.close()
        self._thread.join()


@pytest.fixture
def silent_server() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.stop()


@pytest.fixture
def silent_sandbox(client: libe2b.Client, silent_server: SilentServer) -> Iterator[libe2b.Sandbox]:
    """A sandbox made by e2b-local, reached through a client whose sandbox
    URL is a silent server: every call to its envd blocks (up to the
    client's request timeout, 60 s)."""
    with libe2b.Client(sandbox_url=silent_server.url, request_timeout=60) as silent_client:
        sandbox = silent_client.create_sandbox(timeout=120)
    try:
        yield sandbox
    finally:
        client.kill(sandbox.sandbox_id)
        sandbox.close()
