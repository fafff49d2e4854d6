"""The official Python SDK (e2b==2.63.0) against e2b-local: lifecycle modes, ``pause(mode=, strict=)``,
``connect(on_resume=)``, a guest agent that does not answer, and the info fields."""

from pathlib import Path

import pytest
from e2b import GuestUnresponsiveException, InvalidArgumentException, Sandbox, SandboxState, ServiceBusyException

from conftest import wait_until


def sleeping(sbx):
    return sbx.commands.run("pgrep -fx 'sleep 600' || true").stdout.split()


def test_lifecycle_is_checked_by_the_sdk_and_reported_in_info(server):
    with pytest.raises(InvalidArgumentException):
        Sandbox.create(lifecycle={"on_timeout": "kill", "auto_resume": True})
    lifecycle = {"on_timeout": {"action": "pause", "mode": "full"}, "auto_resume": True}
    sbx = Sandbox.create(timeout=120, lifecycle=lifecycle, allow_internet_access=False)
    try:
        info = sbx.get_info()
        assert info.lifecycle == {"on_timeout": "pause", "auto_resume": True}
        assert info.allow_internet_access is False
        assert info.envd_unresponsive_at_pause is None
        assert info.volume_mounts == []
    finally:
        sbx.kill()


def test_pause_modes_and_strict_on_a_healthy_guest(sandbox):
    sandbox.commands.run("sleep 600", background=True)
    assert sandbox.pause(mode="full", strict=True) is True
    assert sandbox.pause(mode="full") is False
    sandbox.connect()
    assert sleeping(sandbox) != []
    assert Sandbox.pause(sandbox.sandbox_id, mode="filesystem", strict=True) is True
    assert sandbox.get_info().state == SandboxState.PAUSED
    sandbox.connect()
    assert sleeping(sandbox) == []
    with pytest.raises(InvalidArgumentException):
        Sandbox.connect(sandbox.sandbox_id, on_resume="restart")


def test_traffic_resumes_a_full_pause_with_auto_resume(server):
    lifecycle = {"on_timeout": "pause", "auto_resume": True}
    sbx = Sandbox.create(timeout=120, lifecycle=lifecycle)
    try:
        sbx.files.write("kept.txt", "kept")
        sbx.pause()
        assert sbx.files.read("kept.txt") == "kept"
        assert sbx.get_info().state == SandboxState.RUNNING
    finally:
        sbx.kill()


def sandbox_cgroup(sandbox_id):
    """The cgroup e2b-local made for the sandbox's processes, if this machine has one."""
    for path in Path("/sys/fs/cgroup").glob(f"**/e2b-local/*/{sandbox_id}"):
        if (path / "freezer.state").exists() or (path / "cgroup.freeze").exists():
            return path
    return None


def set_frozen(cgroup, frozen):
    if (cgroup / "freezer.state").exists():
        (cgroup / "freezer.state").write_text("FROZEN" if frozen else "THAWED")
    else:
        (cgroup / "cgroup.freeze").write_text("1" if frozen else "0")


def test_a_guest_that_does_not_answer(sandbox):
    sandbox.files.write("kept.txt", "kept")
    sandbox.commands.run("true")
    cgroup = sandbox_cgroup(sandbox.sandbox_id)
    if cgroup is None:
        pytest.skip("no cgroup freezer for the sandbox on this machine")
    set_frozen(cgroup, True)
    with pytest.raises(ServiceBusyException):
        sandbox.pause(strict=True)
    with pytest.raises(ServiceBusyException):
        sandbox.pause(mode="filesystem")
    assert sandbox.get_info().state == SandboxState.RUNNING

    assert sandbox.pause() is True
    assert sandbox.get_info().envd_unresponsive_at_pause is True
    with pytest.raises(GuestUnresponsiveException):
        Sandbox.connect(sandbox.sandbox_id)
    again = Sandbox.connect(sandbox.sandbox_id, on_resume="reboot")
    assert again.files.read("kept.txt") == "kept"
    assert again.get_info().envd_unresponsive_at_pause is None
    assert wait_until(lambda: again.is_running())
