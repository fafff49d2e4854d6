"""Snapshots and fork through the official Python SDK (e2b==2.63.0) against e2b-local.

A snapshot keeps a sandbox's files (not its processes or memory); a sandbox created from it, or a
fork, boots afresh from those files.
"""

import tempfile
import uuid
from datetime import timedelta

import pytest

from e2b import (
    InvalidArgumentException,
    Sandbox,
    SandboxException,
    SandboxNotFoundException,
    SandboxState,
)

from conftest import LocalServer, raw


def sleeping(sandbox):
    """The pids of the `sleep 600` commands running in the sandbox."""
    return [p.pid for p in sandbox.commands.list() if "sleep 600" in " ".join([p.cmd, *p.args])]


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def all_snapshots(**filters):
    paginator = Sandbox.list_snapshots(**filters)
    items = []
    while paginator.has_next:
        items.extend(paginator.next_items())
    return items


def test_snapshot_keeps_the_files_of_its_moment_and_no_process(server):
    source = Sandbox.create(envs={"FROM_SOURCE": "one"}, metadata={"role": "source"})
    try:
        source.files.write("/home/user/before.txt", "written before")
        source.commands.run("echo secret > /root/owned && chmod 600 /root/owned && rm /etc/issue", user="root")
        source.commands.run("sleep 600", background=True)
        assert len(sleeping(source)) == 1

        info = source.create_snapshot()
        template_id, _, tag = info.snapshot_id.partition(":")
        assert tag == "default" and len(template_id) == 20 and template_id.isalnum()
        assert info.names == []
        source.files.write("/home/user/after.txt", "written after")

        # The source goes on running, its process with it.
        assert source.get_info().state == SandboxState.RUNNING
        assert len(sleeping(source)) == 1

        copy = Sandbox.create(info.snapshot_id, envs={"EXTRA": "two"})
        try:
            assert copy.files.read("/home/user/before.txt") == "written before"
            assert not copy.files.exists("/home/user/after.txt")
            assert sleeping(copy) == [], "memory is not kept: the copy boots afresh"
            # Owners, modes and deletions of the image's files come along.
            assert copy.commands.run("stat -c '%U %a' /root/owned", user="root").stdout.strip() == "root 600"
            assert copy.commands.run("cat /root/owned", user="root").stdout.strip() == "secret"
            assert copy.commands.run("test -e /etc/issue || echo gone").stdout.strip() == "gone"
            assert copy.commands.run("test -e /etc/os-release && echo kept").stdout.strip() == "kept"
            # The snapshot's environment, under the create's own.
            assert copy.commands.run("echo $FROM_SOURCE $EXTRA").stdout.strip() == "one two"
            got = copy.get_info()
            assert got.template_id == template_id
            assert got.metadata == {}, "metadata is the create's"
        finally:
            copy.kill()
    finally:
        source.kill()
    # The snapshot outlives its sandbox.
    again = Sandbox.create(info.snapshot_id)
    try:
        assert again.files.read("/home/user/before.txt") == "written before"
    finally:
        again.kill()
    assert Sandbox.delete_snapshot(info.snapshot_id)


def test_named_snapshots_list_by_name_and_tag_and_replace_their_build(sandbox):
    name = unique("snap")
    sandbox.files.write("/home/user/version.txt", "1")
    first = sandbox.create_snapshot(name=name)
    assert (first.snapshot_id, first.names) == (f"local/{name}:default", [f"local/{name}"])

    sandbox.files.write("/home/user/version.txt", "2")
    second = sandbox.create_snapshot(name=name)
    assert second.snapshot_id == first.snapshot_id, "the same template, a new build"
    tagged = sandbox.create_snapshot(name=f"{name}:v2")
    assert tagged.snapshot_id == f"local/{name}:v2"

    ids = lambda items: sorted(s.snapshot_id for s in items)
    assert ids(all_snapshots(name=name)) == [f"local/{name}:default", f"local/{name}:v2"]
    assert ids(all_snapshots(name=f"local/{name}")) == [f"local/{name}:default", f"local/{name}:v2"]
    assert ids(all_snapshots(name=f"{name}:v2")) == [f"local/{name}:v2"]
    assert ids(all_snapshots(name=f"{name}:default")) == [f"local/{name}:default"]
    assert all_snapshots(name=unique("none")) == []

    # The name's default tag is the latest build: version 2. A bare name and the full id both work.
    for reference in (name, first.snapshot_id):
        sbx = Sandbox.create(reference)
        try:
            assert sbx.files.read("/home/user/version.txt") == "2"
        finally:
            sbx.kill()

    assert Sandbox.delete_snapshot(first.snapshot_id)
    assert all_snapshots(name=name) == [], "every tag of the template goes"


def test_list_snapshots_pages_newest_first(server, sandbox):
    made = [sandbox.create_snapshot().snapshot_id for _ in range(5)]
    assert all_snapshots(sandbox_id=sandbox.sandbox_id)[0].snapshot_id == made[-1]

    paginator = sandbox.list_snapshots(limit=2)
    pages = []
    while paginator.has_next:
        pages.append([s.snapshot_id for s in paginator.next_items()])
    assert pages == [made[4:2:-1], made[2:0:-1], made[:1]]
    assert paginator.next_token is None

    response = raw(server, "GET", "/snapshots", params={"sandboxID": sandbox.sandbox_id, "limit": 5})
    assert response.status_code == 200
    assert "x-next-token" not in response.headers, "no empty last page"
    assert [s["snapshotID"] for s in response.json()] == made[::-1]
    assert all(s["names"] == [] for s in response.json())
    for snapshot_id in made:
        assert Sandbox.delete_snapshot(snapshot_id)


def test_deleting_a_snapshot_makes_it_unknown(server, sandbox):
    snapshot_id = sandbox.create_snapshot().snapshot_id
    from_it = Sandbox.create(snapshot_id)
    try:
        assert Sandbox.delete_snapshot(snapshot_id) is True
        assert Sandbox.delete_snapshot(snapshot_id) is False
        template_id = snapshot_id.split(":")[0]
        with pytest.raises(SandboxException, match=f"404: template '{snapshot_id}' not found"):
            Sandbox.create(snapshot_id)
        assert all_snapshots(sandbox_id=sandbox.sandbox_id) == []
        # A sandbox made from it runs on: its files are its own.
        assert from_it.get_info().template_id == template_id
        assert from_it.commands.run("echo alive").stdout.strip() == "alive"
    finally:
        from_it.kill()

    # The path segment is percent-encoded; the server decodes it.
    named = sandbox.create_snapshot(name=unique("gone"))
    encoded = named.snapshot_id.replace("/", "%2F").replace(":", "%3A")
    assert raw(server, "DELETE", f"/templates/{encoded}").status_code == 204
    answer = raw(server, "DELETE", f"/templates/{encoded}")
    assert (answer.status_code, answer.json()) == (
        404, {"code": 404, "message": f"template '{named.snapshot_id.split(':')[0]}' not found"})
    answer = raw(server, "DELETE", "/templates/base")
    assert (answer.status_code, answer.json()["message"]) == (403, "You don't have access to template 'base'")
    answer = raw(server, "DELETE", "/templates/Not%20A%20Name%21")
    assert (answer.status_code, answer.json()["message"]) == (400, "Invalid template ID: invalid template ID: Not A Name!")


def test_fork_makes_independent_running_copies(server):
    source = Sandbox.create(metadata={"kind": "original"}, envs={"ORIGIN": "yes"}, timeout=600)
    try:
        source.files.write("/home/user/shared.txt", "from the source")
        source.commands.run("sleep 600", background=True)
        end_at = source.get_info().end_at

        forks = source.fork(count=2, timeout=120)
        assert len(forks) == 2 and all(isinstance(f, Sandbox) for f in forks), forks
        try:
            ids = {source.sandbox_id, *(f.sandbox_id for f in forks)}
            assert len(ids) == 3
            for i, fork in enumerate(forks):
                assert fork.files.read("/home/user/shared.txt") == "from the source"
                assert sleeping(fork) == [], "a fork boots afresh from the files"
                assert fork.commands.run("echo $ORIGIN").stdout.strip() == "yes"
                fork.files.write("/home/user/shared.txt", f"fork {i}")
                info = fork.get_info()
                assert info.metadata == {"kind": "original"}
                assert info.state == SandboxState.RUNNING
                assert timedelta(seconds=110) <= info.end_at - info.started_at <= timedelta(seconds=130)
            assert [f.files.read("/home/user/shared.txt") for f in forks] == ["fork 0", "fork 1"]
            assert source.files.read("/home/user/shared.txt") == "from the source"
            assert len(sleeping(source)) == 1, "the source runs on, its processes too"
            assert source.get_info().end_at == end_at, "and keeps its end"
            assert all_snapshots(sandbox_id=source.sandbox_id) == [], "a fork makes no snapshot"

            # The API's default: one fork, 15 s.
            default = Sandbox.fork(source.sandbox_id)
            assert len(default) == 1 and isinstance(default[0], Sandbox)
            info = default[0].get_info()
            assert timedelta(seconds=10) <= info.end_at - info.started_at <= timedelta(seconds=20)
            default[0].kill()
        finally:
            for fork in forks:
                fork.kill()
    finally:
        source.kill()


def test_snapshot_and_fork_errors_as_the_api_gives_them(server, sandbox):
    unknown = "a" * 20
    with pytest.raises(SandboxNotFoundException):
        Sandbox.create_snapshot(unknown)
    with pytest.raises(SandboxNotFoundException):
        Sandbox.fork(unknown)
    answer = raw(server, "POST", f"/sandboxes/{unknown}/fork", json={})
    assert (answer.status_code, answer.json()) == (
        404, {"code": 404, "message": f'Sandbox "{unknown}" doesn\'t exist or you don\'t have access to it'})
    answer = raw(server, "POST", "/sandboxes/Not-Valid!/snapshots", json={})
    assert (answer.status_code, answer.json()["message"]) == (400, "Invalid sandbox ID")

    # Counts: the SDK refuses outside 1..20 itself; the API outside 1..100.
    with pytest.raises(InvalidArgumentException):
        sandbox.fork(count=21)
    path = f"/sandboxes/{sandbox.sandbox_id}/fork"
    for body, message in [
        ({"count": 0}, "Count must be at least 1"),
        ({"count": 101}, "Count cannot be greater than 100"),
        ({"timeout": 0}, "Timeout must be greater than 0"),
        ({"timeout": 90000}, "Timeout cannot be greater than 24 hours"),
    ]:
        answer = raw(server, "POST", path, json=body)
        assert (answer.status_code, answer.json()) == (400, {"code": 400, "message": message}), body

    path = f"/sandboxes/{sandbox.sandbox_id}/snapshots"
    answer = raw(server, "POST", path, json={"name": "Has Spaces"})
    assert (answer.status_code, answer.json()["message"]) == (400, "Invalid name: invalid template ID: Has Spaces")
    answer = raw(server, "POST", path, json={"name": "other-team/x"})
    assert (answer.status_code, answer.json()["message"]) == (400, "namespace 'other-team' must match your team 'local'")
    answer = raw(server, "POST", path, content=b"")
    assert answer.status_code == 400

    for params, message in [
        ({"nextToken": "garbage!"}, "Invalid next token"),
        ({"limit": 0}, "limit must be between 1 and 100"),
        ({"sandboxID": "Bad!"}, "Invalid sandbox ID"),
        ({"name": "bad name"}, "Invalid name: invalid template ID: bad name"),
    ]:
        answer = raw(server, "GET", "/snapshots", params=params)
        assert (answer.status_code, answer.json()["message"]) == (400, message), params

    # A paused sandbox: not found for a snapshot (only running ones are), a conflict for a fork.
    assert sandbox.pause()
    with pytest.raises(SandboxNotFoundException):
        sandbox.create_snapshot()
    answer = raw(server, "POST", f"/sandboxes/{sandbox.sandbox_id}/fork", json={})
    assert (answer.status_code, answer.json()["message"]) == (
        409, f"Sandbox '{sandbox.sandbox_id}' is paused and cannot be forked; resume it first")
    with pytest.raises(SandboxException, match="paused and cannot be forked"):
        sandbox.fork()


def test_snapshots_survive_a_restart():
    with tempfile.TemporaryDirectory() as data_dir:
        first = LocalServer(data_dir)
        try:
            source = Sandbox.create(**first.opts)
            source.files.write("/home/user/kept.txt", "across restarts")
            named = source.create_snapshot(name="kept", **first.opts)
            plain = source.create_snapshot(**first.opts)
            source.kill()
        finally:
            first.stop()

        second = LocalServer(data_dir)
        try:
            listed = Sandbox.list_snapshots(**second.opts).next_items()
            assert [s.snapshot_id for s in listed] == [plain.snapshot_id, named.snapshot_id]
            for snapshot_id in (named.snapshot_id, plain.snapshot_id):
                sbx = Sandbox.create(snapshot_id, **second.opts)
                assert sbx.files.read("/home/user/kept.txt") == "across restarts"
                sbx.kill()
        finally:
            second.stop()


def test_a_snapshot_of_a_code_interpreter_sandbox_keeps_its_image(server):
    """A snapshot is the sandbox's own files over its template's image: a sandbox made from a
    snapshot of a code-interpreter-v1 sandbox lies over the code-interpreter image, IPython
    included, as does a snapshot of that one."""
    source = Sandbox.create("code-interpreter-v1")
    try:
        source.files.write("/home/user/mine.txt", "kept")
        first = source.create_snapshot()
    finally:
        source.kill()
    copy = Sandbox.create(first.snapshot_id)
    try:
        run = copy.commands.run("python3 -c 'import IPython; print(IPython.__version__)' && cat mine.txt")
        assert run.stdout.splitlines()[-1] == "kept"
        second = copy.create_snapshot()
    finally:
        copy.kill()
    again = Sandbox.create(second.snapshot_id)
    try:
        assert again.commands.run("python3 -c 'import IPython'").exit_code == 0
    finally:
        again.kill()
