"""Fixtures: a client for the e2b-local that scripts/with-e2b-local.sh
started, and sandboxes that are killed after each test."""

from __future__ import annotations

import os
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
