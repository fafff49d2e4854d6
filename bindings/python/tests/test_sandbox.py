"""The client and the sandbox lifecycle: create, connect, pause, resume,
list, kill, and what happens on misuse."""

from __future__ import annotations

import gc
import os
import time
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

import libe2b
from libe2b import ErrorCode, SandboxState


def test_create_with_options_and_read_the_properties(client: libe2b.Client) -> None:
    with client.create_sandbox("base", timeout=60, metadata={"test": "create"}, envs={"GREETING": "hi"},
                               secure=True, allow_internet_access=False, auto_pause=False,
                               auto_resume=False) as sandbox:
        assert sandbox.sandbox_id and sandbox.sandbox_id in repr(sandbox)
        assert sandbox.template_id
        assert sandbox.envd_version
        assert not sandbox.resumed
        info = sandbox.get_info()
        assert info.sandbox_id == sandbox.sandbox_id
        assert info.template_id == sandbox.template_id
        assert info.metadata == {"test": "create"}
        assert info.state == SandboxState.RUNNING
        assert info.envd_version == sandbox.envd_version
        assert info.cpu_count > 0 and info.memory_mb > 0 and info.disk_size_mb >= 0
        assert 50 <= (info.end_at - info.started_at).total_seconds() <= 70
        assert client.get_info(sandbox.sandbox_id) == info
        assert sandbox.is_running()


def test_leaving_the_with_block_kills_the_sandbox(client: libe2b.Client) -> None:
    with client.create_sandbox() as sandbox:
        sandbox_id = sandbox.sandbox_id
    assert sandbox.closed
    with pytest.raises(libe2b.SandboxNotFoundException):
        client.get_info(sandbox_id)


def test_the_same_idempotency_key_gives_the_same_sandbox(client: libe2b.Client) -> None:
    with client.create_sandbox(idempotency_key="python-idempotent") as first, \
            client.create_sandbox(idempotency_key="python-idempotent") as second:
        assert first.sandbox_id == second.sandbox_id


def test_pause_resume_and_connect_keep_the_files(client: libe2b.Client) -> None:
    sandbox = client.create_sandbox(timeout=120)
    sandbox_id = sandbox.sandbox_id
    try:
        sandbox.files.write("kept.txt", "kept")
        assert sandbox.pause() is True
        assert sandbox.pause() is False  # already paused: not an error
        assert not sandbox.is_running()
        assert client.get_info(sandbox_id).state == SandboxState.PAUSED
        with pytest.raises(libe2b.SandboxNotRunningException) as raised:
            sandbox.files.read("kept.txt")
        assert raised.value.code == ErrorCode.SANDBOX_GONE
        sandbox.close()

        sandbox = client.resume(sandbox_id, timeout=60)
        assert sandbox.resumed
        assert sandbox.files.read("kept.txt") == b"kept"
        running = client.resume(sandbox_id, timeout=60)
        assert not running.resumed
        running.close()
        sandbox.pause()
        sandbox.close()

        sandbox = client.connect(sandbox_id)
        assert sandbox.resumed
        assert sandbox.is_running()
        assert sandbox.files.read("kept.txt") == b"kept"
        again = client.connect(sandbox_id, timeout=30)
        assert not again.resumed
        again.close()
    finally:
        sandbox.kill()
        sandbox.close()


def test_set_timeout_moves_the_end(sandbox: libe2b.Sandbox) -> None:
    sandbox.set_timeout(600)
    info = sandbox.get_info()
    assert 590 <= info.end_at.timestamp() - time.time() <= 610


def test_kill_reports_whether_the_sandbox_existed(client: libe2b.Client) -> None:
    sandbox = client.create_sandbox()
    with sandbox:
        assert sandbox.kill() is True
        assert sandbox.kill() is False
        assert client.kill(sandbox.sandbox_id) is False
        with pytest.raises(libe2b.SandboxNotFoundException) as raised:
            client.connect(sandbox.sandbox_id)
        assert raised.value.code == ErrorCode.SANDBOX_NOT_FOUND
        assert isinstance(raised.value, libe2b.NotFoundException)
        assert raised.value.http_status == 404
    other = client.create_sandbox()
    other_id = other.sandbox_id
    other.close()  # only the handle: the sandbox lives on
    assert client.get_info(other_id).state == SandboxState.RUNNING
    assert client.kill(other_id) is True


def test_list_filters_and_pages(client: libe2b.Client) -> None:
    tag = {"test": f"list-{os.getpid()}"}
    with client.create_sandbox(metadata=tag) as first, client.create_sandbox(metadata=tag) as second:
        second.pause()
        everything = {info.sandbox_id for info in client.list_sandboxes(metadata=tag)}
        assert everything == {first.sandbox_id, second.sandbox_id}
        running = list(client.list_sandboxes(metadata=tag, state=[SandboxState.RUNNING]))
        assert [info.sandbox_id for info in running] == [first.sandbox_id]
        paused = list(client.list_sandboxes(metadata=tag, state=[SandboxState.PAUSED]))
        assert [(info.sandbox_id, info.state) for info in paused] == [(second.sandbox_id, SandboxState.PAUSED)]

        pages = client.list_sandboxes(metadata=tag, limit=1)
        assert pages.has_next and pages.next_token is None
        one = pages.next_items()
        assert len(one) == 1 and pages.has_next and pages.next_token
        token = pages.next_token
        two = pages.next_items()
        assert len(two) == 1 and {one[0].sandbox_id, two[0].sandbox_id} == everything
        while pages.has_next:
            assert pages.next_items() == []
        assert pages.next_items() == []
        rest = client.list_sandboxes(metadata=tag, limit=1, next_token=token)
        assert [info.sandbox_id for info in rest] == [two[0].sandbox_id]


def test_list_orders_and_filters_by_template_and_start(client: libe2b.Client) -> None:
    tag = {"test": f"list-order-{os.getpid()}"}
    with client.create_sandbox(metadata=tag) as first, \
            client.create_sandbox("code-interpreter-v1", metadata=tag) as second:
        def ids(**filters: Any) -> list[str]:
            return [info.sandbox_id for info in client.list_sandboxes(metadata=tag, **filters)]

        assert ids() == [second.sandbox_id, first.sandbox_id]
        assert ids(order="asc") == ids(order=libe2b.ListOrder.ASC) == [first.sandbox_id, second.sandbox_id]
        assert ids(order="desc", limit=1) == [second.sandbox_id, first.sandbox_id]
        assert ids(template="code-interpreter-v1") == [second.sandbox_id]
        # Inclusive: a sandbox's own start time lists it; a datetime is sent in RFC 3339.
        started = client.get_info(second.sandbox_id).started_at
        assert ids(started_after=started) == [second.sandbox_id]
        assert ids(started_after=datetime.now(timezone.utc) + timedelta(hours=1)) == []
        assert set(ids(started_after=datetime.now() - timedelta(hours=1))) == {first.sandbox_id, second.sandbox_id}

        pages = client.list_sandboxes(metadata=tag, limit=1)
        assert pages.total_running is None
        pages.next_items()
        assert pages.total_running == 2
        second.pause()
        paused = client.list_sandboxes(metadata=tag, state=[SandboxState.PAUSED])
        assert [info.sandbox_id for info in paused] == [second.sandbox_id] and paused.total_running is None

        with pytest.raises(ValueError, match="order"):
            client.list_sandboxes(order="up")  # type: ignore[arg-type]
        with pytest.raises(libe2b.InvalidArgumentException, match="tags are not supported"):
            client.list_sandboxes(template="base:v1").next_items()
        with pytest.raises(libe2b.InvalidArgumentException, match="startedAfter"):
            client.list_sandboxes(started_after="yesterday").next_items()


def test_client_settings() -> None:
    with libe2b.Client(os.environ["E2B_API_KEY"], domain="e2b.local", api_url=os.environ["E2B_API_URL"],
                       sandbox_url=os.environ["E2B_SANDBOX_URL"], headers={"X-Test": "1"}, debug=False,
                       request_timeout=10, max_retries=0) as client:
        with client.create_sandbox() as sandbox:
            sandbox.files.write("settings.txt", b"ok")
            assert sandbox.files.read("settings.txt") == b"ok"


def test_a_wrong_api_key_is_an_authentication_error() -> None:
    with libe2b.Client(api_key="e2b_wrong", max_retries=0) as client:
        with pytest.raises(libe2b.AuthenticationException) as raised:
            client.create_sandbox()
    error = raised.value
    assert isinstance(error, libe2b.SandboxException)
    assert error.code == ErrorCode.AUTHENTICATION and error.http_status == 401 and error.message
    assert str(error) == error.message


def test_an_unreachable_server_is_a_network_error() -> None:
    with libe2b.Client(api_url="http://127.0.0.1:9", max_retries=0, request_timeout=5) as client:
        with pytest.raises(libe2b.NetworkException) as raised:
            client.get_info("anything")
    assert raised.value.code == ErrorCode.NETWORK and raised.value.http_status is None


def test_bad_arguments_are_refused(client: libe2b.Client) -> None:
    with pytest.raises(libe2b.InvalidArgumentException) as raised:
        client.create_sandbox(idempotency_key="Not Valid!")
    assert raised.value.code == ErrorCode.INVALID_ARGUMENT
    with pytest.raises(libe2b.InvalidArgumentException):
        client.create_sandbox(idempotency_key="only-for-secure", secure=False)
    with pytest.raises(libe2b.NotFoundException) as not_found:
        client.create_sandbox("no-such-template")
    assert not isinstance(not_found.value, libe2b.FileNotFoundException)
    with pytest.raises(ValueError, match="NUL"):
        client.get_info("a\0b")
    with pytest.raises(ValueError, match="negative"):
        client.create_sandbox(timeout=-1)
    with pytest.raises(UnicodeEncodeError):
        client.get_info("\udc80")


def test_a_closed_handle_raises_and_closing_twice_is_harmless(client: libe2b.Client) -> None:
    sandbox = client.create_sandbox()
    sandbox_id = sandbox.sandbox_id
    files = sandbox.files
    sandbox.close()
    sandbox.close()
    assert sandbox.closed and "closed" in repr(sandbox)
    for use in (lambda: sandbox.sandbox_id, sandbox.kill, lambda: files.read("x"), lambda: sandbox.commands.list(),
                lambda: sandbox.run_code("1")):
        with pytest.raises(ValueError, match="Sandbox is closed"):
            use()
    sandbox.__exit__(None, None, None)  # leaving a with block after close() does nothing
    assert client.kill(sandbox_id) is True

    other = libe2b.Client()
    other.close()
    other.close()
    with pytest.raises(ValueError, match="Client is closed"):
        other.create_sandbox()


def test_a_sandbox_outlives_its_client() -> None:
    client = libe2b.Client()
    sandbox = client.create_sandbox()
    client.close()
    with sandbox:
        sandbox.files.write("a.txt", "still here")
        assert sandbox.files.read_text("a.txt") == "still here"


def test_the_garbage_collector_frees_forgotten_handles(client: libe2b.Client) -> None:
    sandbox = client.create_sandbox()
    sandbox_id = sandbox.sandbox_id
    del sandbox
    gc.collect()
    assert client.kill(sandbox_id) is True  # freeing the handle never kills the sandbox


def test_get_host_reaches_a_server_in_the_sandbox(sandbox: libe2b.Sandbox) -> None:
    host = sandbox.get_host(8000)
    assert host.startswith(f"8000-{sandbox.sandbox_id}.")
    with pytest.raises(ValueError):
        sandbox.get_host(70000)
    sandbox.files.write("/home/user/site/index.html", "hi from the sandbox")
    sandbox.commands.start("python3 -m http.server 8000", cwd="/home/user/site")
    request = urllib.request.Request(os.environ["E2B_SANDBOX_URL"] + "/index.html", headers={"Host": host})
    deadline = time.monotonic() + 15
    while True:
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                assert response.read() == b"hi from the sandbox"
                break
        except urllib.error.HTTPError as error:  # 502 until the server listens
            assert error.code == 502 and time.monotonic() < deadline
            time.sleep(0.05)
