"""Lifecycle modes: ``lifecycle`` at create, ``pause(mode=, strict=)``,
``connect(on_resume=)``, and the info fields that say so."""

from __future__ import annotations

import time
from typing import Any

import pytest

import libe2b
from libe2b import SandboxState


def sleeper_runs(sandbox: libe2b.Sandbox) -> bool:
    """Whether the ``sleep 600`` the test started still runs."""
    return bool(sandbox.commands.run("pgrep -fx 'sleep 600' || true").stdout.strip())


@pytest.mark.parametrize("lifecycle", [
    {"on_timeout": "kill", "auto_resume": True},
    {"auto_resume": True},
    {"on_timeout": {"action": "pause", "mode": "filesystem"}, "auto_resume": True},
    {"on_timeout": "sleep"},
    {"on_timeout": {"action": "kill", "mode": "full"}},
    {"on_timeout": {"action": "pause", "mode": "disk"}},
    {"on_timeout": {"action": "pause", "mode": "full", "keep_memory": True}},
])
def test_lifecycle_is_checked_as_the_sdk_checks_it(client: libe2b.Client, lifecycle: dict[str, Any]) -> None:
    with pytest.raises(libe2b.InvalidArgumentException):
        client.create_sandbox(lifecycle=lifecycle)


def test_info_reports_the_lifecycle(client: libe2b.Client) -> None:
    lifecycle = {"on_timeout": {"action": "pause", "mode": "full"}, "auto_resume": True}
    with client.create_sandbox(timeout=120, lifecycle=lifecycle, allow_internet_access=False) as sandbox:
        info = sandbox.get_info()
        assert info.lifecycle == {"on_timeout": "pause", "auto_resume": True}
        assert info.allow_internet_access is False
        assert info.pause_mode is None and info.envd_unresponsive_at_pause is None
        assert info.network is not None and info.network["allow_out"] == [] and info.network["rules"] == {}
    with client.create_sandbox(timeout=120) as sandbox:
        info = sandbox.get_info()
        assert info.lifecycle == {"on_timeout": "kill", "auto_resume": False}
        assert info.allow_internet_access is None


def test_a_filesystem_pause_at_the_timeout(client: libe2b.Client) -> None:
    lifecycle = {"on_timeout": {"action": "pause", "mode": "filesystem"}}
    with client.create_sandbox(timeout=60, lifecycle=lifecycle) as sandbox:
        sandbox.files.write("kept.txt", "kept")
        sandbox.set_timeout(1)  # the timeout comes once the sandbox is set up, however long that took
        deadline = time.monotonic() + 15
        while sandbox.get_info().state != SandboxState.PAUSED:
            assert time.monotonic() < deadline
            time.sleep(0.1)
        assert sandbox.get_info().pause_mode == "filesystem"
        sandbox.connect(timeout=60)
        assert sandbox.files.read("kept.txt") == b"kept"


def test_pause_modes_strict_and_reboot(client: libe2b.Client) -> None:
    with client.create_sandbox(timeout=120) as sandbox:
        sandbox.commands.start("sleep 600").close()
        assert sandbox.pause(mode="full", strict=True) is True
        assert sandbox.pause() is False
        assert client.get_info(sandbox.sandbox_id).pause_mode == "full"
        assert sandbox.connect(timeout=60) is sandbox
        assert sleeper_runs(sandbox)

        assert client.pause(sandbox.sandbox_id, keep_memory=True) is True
        again = client.connect(sandbox.sandbox_id, 60, on_resume="reboot")
        assert again.resumed
        again.close()
        assert not sleeper_runs(sandbox)

        assert sandbox.pause(mode="filesystem") is True
        assert sandbox.get_info().pause_mode == "filesystem"
        sandbox.connect()
        assert sandbox.is_running()

        with pytest.raises(libe2b.InvalidArgumentException):
            sandbox.pause(mode="disk")
        with pytest.raises(libe2b.InvalidArgumentException):
            sandbox.pause(True, mode="full")
        with pytest.raises(libe2b.InvalidArgumentException):
            sandbox.connect(on_resume="restart")
        with pytest.raises(libe2b.SandboxNotFoundException):
            client.pause("nosuchsandbox", strict=True)
