"""Call deadlines: ``with_deadline`` views whose calls, and the handles they
start, end in time with ``TimeoutException``, closed apart from the original."""

from __future__ import annotations

import time

import pytest

import libe2b
from libe2b import ErrorCode

MARGIN = 1.5
"""What a call may take beyond its deadline."""


def expect_deadline(info: pytest.ExceptionInfo[libe2b.TimeoutException], start: float, deadline: float) -> None:
    assert info.value.code == ErrorCode.TIMEOUT
    assert "deadline" in str(info.value)
    assert time.monotonic() - start <= deadline + MARGIN


def test_sandbox_deadline_ends_a_stalled_call(sandbox: libe2b.Sandbox) -> None:
    view = sandbox.with_deadline(1.5)
    assert view.sandbox_id == sandbox.sandbox_id
    start = time.monotonic()
    with pytest.raises(libe2b.TimeoutException) as info:
        view.commands.run("sleep 30")
    expect_deadline(info, start, 1.5)
    # Each call has its own deadline; the original has none.
    assert view.commands.run("true").exit_code == 0
    assert sandbox.commands.run("sleep 2").exit_code == 0

    # A command started through the view ends with the start call's deadline,
    # even after the view is closed.
    start = time.monotonic()
    command = view.commands.start("sleep 30")
    view.close()
    with pytest.raises(libe2b.TimeoutException) as info:
        command.wait()
    expect_deadline(info, start, 1.5)
    command.kill()
    command.close()
    assert not sandbox.closed


def test_zero_lifts_the_deadline_and_negative_is_refused(sandbox: libe2b.Sandbox, client: libe2b.Client) -> None:
    short = sandbox.with_deadline(0.3)
    lifted = short.with_deadline(0)
    short.close()
    assert lifted.commands.run("sleep 1").exit_code == 0
    lifted.close()
    with pytest.raises(ValueError):
        sandbox.with_deadline(-1)
    with pytest.raises(ValueError):
        client.with_deadline(-1)
    with pytest.raises(ValueError, match="closed"):
        short.with_deadline(1)


def test_client_deadline_reaches_its_sandboxes(sandbox: libe2b.Sandbox) -> None:
    other = libe2b.Client(request_timeout=30)
    view = other.with_deadline(3)
    other.close()
    made = view.connect(sandbox.sandbox_id)
    view.close()
    start = time.monotonic()
    with pytest.raises(libe2b.TimeoutException) as info:
        made.commands.run("sleep 30")
    expect_deadline(info, start, 3)
    assert time.monotonic() - start >= 2.9
    made.close()
    with pytest.raises(ValueError, match="closed"):
        view.with_deadline(1)
