"""Snapshots and fork, with the official SDK's names: create_snapshot,
list_snapshots (a paginator), delete_snapshot, creating a sandbox from a
snapshot, fork; and their errors."""

from __future__ import annotations

import uuid

import pytest

import libe2b
from libe2b import SandboxState


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_snapshot_then_create_from_it_then_delete(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    sandbox.files.write("/home/user/before.txt", "written before")
    info = sandbox.create_snapshot()
    template_id, _, tag = info.snapshot_id.partition(":")
    assert (len(template_id), tag, info.names) == (20, "default", [])
    sandbox.files.write("/home/user/after.txt", "written after")
    assert sandbox.get_info().state == SandboxState.RUNNING, "the source runs on"

    with client.create_sandbox(info.snapshot_id, timeout=60) as copy:
        assert copy.files.read_text("/home/user/before.txt") == "written before"
        assert not copy.files.exists("/home/user/after.txt")
        assert copy.get_info().template_id == template_id
        assert client.delete_snapshot(info.snapshot_id) is True
        assert client.delete_snapshot(info.snapshot_id) is False
        with pytest.raises(libe2b.NotFoundException) as raised:
            client.create_sandbox(info.snapshot_id)
        assert raised.value.http_status == 404
        assert copy.commands.run("echo alive").stdout_text.strip() == "alive", "a sandbox from it runs on"


def test_named_snapshots_filter_by_name_and_tag(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    name = unique("py")
    sandbox.files.write("/home/user/v.txt", "1")
    first = client.create_snapshot(sandbox.sandbox_id, name, mode="filesystem")
    assert (first.snapshot_id, first.names) == (f"local/{name}:default", [f"local/{name}"])
    sandbox.files.write("/home/user/v.txt", "2")
    assert sandbox.create_snapshot(name, mode="full").snapshot_id == first.snapshot_id
    assert sandbox.create_snapshot(f"{name}:v2").snapshot_id == f"local/{name}:v2"

    def ids(paginator: libe2b.SnapshotPaginator) -> list[str]:
        return sorted(s.snapshot_id for s in paginator)

    assert ids(client.list_snapshots(name=name)) == [f"local/{name}:default", f"local/{name}:v2"]
    assert ids(client.list_snapshots(name=f"{name}:v2")) == [f"local/{name}:v2"]
    assert ids(client.list_snapshots(name=unique("none"))) == []
    with client.create_sandbox(name, timeout=60) as from_name:
        assert from_name.files.read_text("/home/user/v.txt") == "2"
    assert client.delete_snapshot(first.snapshot_id)
    assert ids(client.list_snapshots(name=name)) == [], "every tag goes"


def test_listing_pages_newest_first(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    made = [sandbox.create_snapshot().snapshot_id for _ in range(5)]
    paginator = sandbox.list_snapshots(limit=2)
    assert paginator.has_next and paginator.next_token is None
    pages = []
    while paginator.has_next:
        pages.append([s.snapshot_id for s in paginator.next_items()])
    assert pages == [made[4:2:-1], made[2:0:-1], made[:1]]
    assert paginator.next_token is None and paginator.next_items() == []

    first = client.list_snapshots(sandbox.sandbox_id, limit=2)
    first.next_items()
    resumed = client.list_snapshots(sandbox_id=sandbox.sandbox_id, next_token=first.next_token)
    assert [s.snapshot_id for s in resumed] == made[2::-1]
    for snapshot_id in made:
        assert client.delete_snapshot(snapshot_id)


def test_fork_makes_running_copies(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    sandbox.files.write("/home/user/shared.txt", "from the source")
    end_at = sandbox.get_info().end_at
    forks = sandbox.fork(timeout=60, count=2)
    assert len(forks) == 2
    try:
        assert all(isinstance(f, libe2b.Sandbox) for f in forks), forks
        copies = [f for f in forks if isinstance(f, libe2b.Sandbox)]
        assert len({sandbox.sandbox_id, *(f.sandbox_id for f in copies)}) == 3
        for i, fork in enumerate(copies):
            assert fork.files.read_text("/home/user/shared.txt") == "from the source"
            fork.files.write("/home/user/shared.txt", f"fork {i}")
            info = fork.get_info()
            assert info.state == SandboxState.RUNNING
            assert 50 <= (info.end_at - info.started_at).total_seconds() <= 70
        assert [f.files.read_text("/home/user/shared.txt") for f in copies] == ["fork 0", "fork 1"]
        assert sandbox.files.read_text("/home/user/shared.txt") == "from the source"
        assert sandbox.get_info().end_at == end_at
    finally:
        for entry in forks:
            if isinstance(entry, libe2b.Sandbox):
                with entry:
                    pass

    [forked] = client.fork(sandbox.sandbox_id)
    assert isinstance(forked, libe2b.Sandbox)
    with forked as default:
        info = default.get_info()
        assert 10 <= (info.end_at - info.started_at).total_seconds() <= 20, "the API's default: 15 s"


def test_errors_are_the_sdks(client: libe2b.Client, sandbox: libe2b.Sandbox) -> None:
    unknown = "a" * 20
    with pytest.raises(libe2b.SandboxNotFoundException):
        client.create_snapshot(unknown)
    with pytest.raises(libe2b.SandboxNotFoundException):
        client.fork(unknown)
    for count in (0, 21, -1, True, 2.5):
        with pytest.raises(libe2b.InvalidArgumentException):
            sandbox.fork(count=count)  # type: ignore[arg-type]
    with pytest.raises(libe2b.InvalidArgumentException, match="Timeout cannot be greater than 24 hours"):
        sandbox.fork(timeout=90000)
    with pytest.raises(libe2b.InvalidArgumentException):
        sandbox.create_snapshot(mode="memory")  # type: ignore[arg-type]
    with pytest.raises(libe2b.InvalidArgumentException, match="Invalid name"):
        sandbox.create_snapshot("Has Spaces")
    with pytest.raises(libe2b.InvalidArgumentException, match="Invalid next token"):
        client.list_snapshots(next_token="garbage!").next_items()
    with pytest.raises(libe2b.InvalidArgumentException):
        client.list_snapshots(limit=101).next_items()
    with pytest.raises(libe2b.PermissionDeniedException):
        client.delete_snapshot("base")
    assert client.delete_snapshot(f"local/{unique('never')}:default") is False

    assert sandbox.pause()
    with pytest.raises(libe2b.SandboxNotFoundException):
        sandbox.create_snapshot()
    with pytest.raises(libe2b.ConflictException, match="paused and cannot be forked"):
        sandbox.fork()

    token = libe2b.CancelToken()
    token.cancel()
    with pytest.raises(libe2b.CancelledException):
        client.fork(sandbox.sandbox_id, cancel=token)
