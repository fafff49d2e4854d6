"""The official Python SDK (e2b==2.63.0) against e2b-local's envd filesystem service: the
`filesystem.Filesystem` RPCs, upload metadata, watching (polled and streamed), and the wire
details the SDK hides (checked with raw HTTP)."""

import asyncio
import gzip
import json
import os
import struct
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import httpx
import pytest

from e2b import (
    AsyncSandbox,
    AuthenticationException,
    FileNotFoundException,
    FileType,
    FilesystemEventType,
    InvalidArgumentException,
    SandboxException,
)

from conftest import envd_headers, wait_until


# ---- Helpers ----


def fs_dir(server, sandbox):
    """The sandbox's `/` on the host, to make what the SDK cannot (symlinks, odd names): the
    overlay mounted at `root/` when the sandbox runs on the base image, else `fs/`."""
    folder = Path(server.data_dir) / "sandboxes" / sandbox.sandbox_id
    return folder / "root" if os.path.ismount(folder / "root") else folder / "fs"


def rpc(server, sandbox, method, body, headers=None):
    """A unary Connect call with the JSON codec; `body` may be raw bytes."""
    content = body if isinstance(body, bytes) else json.dumps(body).encode()
    return httpx.post(
        f"{server.sandbox_url}/filesystem.Filesystem/{method}",
        content=content,
        headers=envd_headers(sandbox, **{"Content-Type": "application/json", **(headers or {})}),
    )


def envelopes(data):
    """The (flags, message) pairs of a Connect streaming body."""
    messages = []
    while data:
        flags, length = struct.unpack(">BI", data[:5])
        messages.append((flags, json.loads(data[5 : 5 + length])))
        data = data[5 + length :]
    return messages


def poll_events(handle, until, timeout=10.0):
    """Events of a polled watcher, gathered until one satisfies `until`."""
    events = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events += handle.get_new_events()
        if any(until(e) for e in events):
            return events
        time.sleep(0.05)
    raise AssertionError(f"no matching event in {[(e.name, e.type) for e in events]}")


def in_order(events, expected):
    """Whether the (name, type) pairs in `expected` occur in `events` in that order."""
    pairs = iter([(e.name, e.type) for e in events])
    return all(any(pair == wanted for pair in pairs) for wanted in expected)


# ---- Stat, list, exists ----


def test_list_depth_one_and_two(sandbox):
    sandbox.files.write_files(
        [
            {"path": "/home/user/tree/a.txt", "data": "aaa"},
            {"path": "/home/user/tree/dir/b.txt", "data": "b"},
            {"path": "/home/user/tree/dir/sub/c.txt", "data": "c"},
        ]
    )
    top = sandbox.files.list("/home/user/tree")
    assert [(e.name, e.type, e.path) for e in top] == [
        ("a.txt", FileType.FILE, "/home/user/tree/a.txt"),
        ("dir", FileType.DIR, "/home/user/tree/dir"),
    ]
    a, d = top
    assert (a.size, a.mode, a.permissions, a.owner, a.group) == (3, 0o644, "-rw-r--r--", "user", "user")
    assert (d.mode, d.permissions, d.symlink_target, d.metadata) == (0o755, "drwxr-xr-x", None, None)
    assert abs(a.modified_time - datetime.now(timezone.utc)) < timedelta(minutes=1)
    two = sandbox.files.list("/home/user/tree", depth=2)
    assert [e.path for e in two] == [
        "/home/user/tree/a.txt",
        "/home/user/tree/dir",
        "/home/user/tree/dir/b.txt",
        "/home/user/tree/dir/sub",
    ]
    assert [e.name for e in sandbox.files.list("/home/user/tree/", depth=5)][-1] == "c.txt"
    assert [e.name for e in sandbox.files.list("tree")] == ["a.txt", "dir"]


def test_list_errors(sandbox):
    sandbox.files.write("/home/user/plain.txt", "x")
    with pytest.raises(FileNotFoundException):
        sandbox.files.list("/home/user/missing")
    with pytest.raises(InvalidArgumentException, match="not a directory"):
        sandbox.files.list("/home/user/plain.txt")
    with pytest.raises(InvalidArgumentException):
        sandbox.files.list("/home/user", depth=0)


def test_exists_and_get_info(sandbox):
    sandbox.files.write("/home/user/info.txt", "12345")
    assert sandbox.files.exists("/home/user/info.txt")
    assert sandbox.files.exists("/home/user")
    assert not sandbox.files.exists("/home/user/nope")
    info = sandbox.files.get_info("/home/user/info.txt")
    assert (info.name, info.type, info.path, info.size) == ("info.txt", FileType.FILE, "/home/user/info.txt", 5)
    home = sandbox.files.get_info("~")
    assert (home.name, home.type, home.path, home.permissions) == ("user", FileType.DIR, "/home/user", "drwxr-xr-x")
    assert sandbox.files.get_info("/tmp").permissions == "dtrwxrwxrwx"
    with pytest.raises(FileNotFoundException):
        sandbox.files.get_info("/home/user/nope")


def test_symlinks(server, sandbox):
    sandbox.files.write("/home/user/links/target.txt", "target")
    sandbox.files.make_dir("/home/user/links/real/inner")
    root = fs_dir(server, sandbox)
    os.symlink("target.txt", root / "home/user/links/to-file")
    os.symlink("/home/user/links/real", root / "home/user/links/to-dir")
    os.symlink("/nowhere", root / "home/user/links/dangling")

    to_file = sandbox.files.get_info("/home/user/links/to-file")
    assert (to_file.type, to_file.symlink_target) == (FileType.SYMLINK, "/home/user/links/target.txt")
    assert (to_file.mode, to_file.permissions, to_file.size) == (0o644, "Lrwxrwxrwx", len("target.txt"))
    to_dir = sandbox.files.get_info("/home/user/links/to-dir")
    assert (to_dir.type, to_dir.symlink_target, to_dir.mode) == (FileType.SYMLINK, "/home/user/links/real", 0o755)
    dangling = sandbox.files.get_info("/home/user/links/dangling")
    assert (dangling.type, dangling.symlink_target, dangling.mode) == (
        FileType.SYMLINK,
        "/home/user/links/dangling",
        0,
    )

    # Links are listed, not entered; a linked root is followed, with paths under the request.
    # The SDK leaves out entries of no type, as the dangling link is with the real envd.
    listed = sandbox.files.list("/home/user/links", depth=3)
    assert [e.name for e in listed] == ["real", "inner", "target.txt", "to-dir", "to-file"]
    assert [e.type for e in listed if e.name.startswith("to-")] == [FileType.SYMLINK, FileType.SYMLINK]
    through = sandbox.files.list("/home/user/links/to-dir")
    assert [(e.name, e.path) for e in through] == [("inner", "/home/user/links/to-dir/inner")]

    # As the real envd: never FILE_TYPE_SYMLINK, but the target's type (none when dangling),
    # `symlinkTarget`, and `isSymlink` (newer envd), the same in Stat and at every ListDir depth.
    expected = {
        "to-file": ("FILE_TYPE_FILE", "/home/user/links/target.txt", 0o644),
        "to-dir": ("FILE_TYPE_DIRECTORY", "/home/user/links/real", 0o755),
        "dangling": (None, "/home/user/links/dangling", None),
    }
    shape = lambda e: (e.get("type"), e["symlinkTarget"], e.get("mode"), e["isSymlink"], e["permissions"][0])
    for name, (kind, target, mode) in expected.items():
        wire = rpc(server, sandbox, "Stat", {"path": f"/home/user/links/{name}"}).json()["entry"]
        assert shape(wire) == (kind, target, mode, True, "L"), wire
    for depth in (1, 3):
        entries = rpc(server, sandbox, "ListDir", {"path": "/home/user/links", "depth": depth}).json()["entries"]
        links = {e["name"]: shape(e) for e in entries if "symlinkTarget" in e}
        assert links == {name: (*value, True, "L") for name, value in expected.items()}, entries
    assert not any(e.get("type") == "FILE_TYPE_SYMLINK" for e in entries)


# ---- Make, remove, rename ----


def test_make_dir(sandbox):
    assert sandbox.files.make_dir("/home/user/made/deep/er") is True
    assert sandbox.files.get_info("/home/user/made/deep").type == FileType.DIR
    assert sandbox.files.make_dir("/home/user/made/deep/er") is False
    sandbox.files.write("/home/user/made/file", "x")
    with pytest.raises(InvalidArgumentException, match="not a directory"):
        sandbox.files.make_dir("/home/user/made/file")


def test_remove(server, sandbox):
    sandbox.files.write_files([{"path": f"/home/user/rm/{n}/f.txt", "data": n} for n in ("a", "b")])
    sandbox.files.remove("/home/user/rm/a/f.txt")
    assert not sandbox.files.exists("/home/user/rm/a/f.txt")
    sandbox.files.remove("/home/user/rm")
    assert not sandbox.files.exists("/home/user/rm")
    sandbox.files.remove("/home/user/rm")
    sandbox.files.remove("/home/user/never/was/here")

    # Removing a link removes the link only.
    sandbox.files.write("/home/user/kept/k.txt", "kept")
    os.symlink("/home/user/kept", fs_dir(server, sandbox) / "home/user/link")
    sandbox.files.remove("/home/user/link")
    assert sandbox.files.read("/home/user/kept/k.txt") == "kept"


def test_rename(sandbox):
    sandbox.files.write("/home/user/old.txt", "moving", metadata={"tag": "t"})
    moved = sandbox.files.rename("/home/user/old.txt", "/home/user/new/place/moved.txt")
    assert (moved.name, moved.path, moved.type) == ("moved.txt", "/home/user/new/place/moved.txt", FileType.FILE)
    assert moved.size == 6
    assert moved.metadata == {"tag": "t"}
    assert sandbox.files.read("/home/user/new/place/moved.txt") == "moving"
    assert not sandbox.files.exists("/home/user/old.txt")
    sandbox.files.rename("/home/user/new", "/home/user/renamed-dir")
    assert sandbox.files.read("/home/user/renamed-dir/place/moved.txt") == "moving"
    with pytest.raises(FileNotFoundException):
        sandbox.files.rename("/home/user/old.txt", "/home/user/other.txt")


# ---- Write and read ----


def test_write_files_and_read_back(sandbox):
    infos = sandbox.files.write_files(
        [
            {"path": "/home/user/many/one.txt", "data": "1"},
            {"path": "/home/user/many/nested/two.bin", "data": b"\x00\x02"},
            {"path": "many/three.txt", "data": "3"},
        ]
    )
    assert [(i.name, i.path, i.type) for i in infos] == [
        ("one.txt", "/home/user/many/one.txt", FileType.FILE),
        ("two.bin", "/home/user/many/nested/two.bin", FileType.FILE),
        ("three.txt", "/home/user/many/three.txt", FileType.FILE),
    ]
    assert sandbox.files.read("/home/user/many/nested/two.bin", format="bytes") == bytearray(b"\x00\x02")
    with sandbox.files.read("/home/user/many/three.txt", format="stream") as stream:
        assert b"".join(stream) == b"3"


def test_download_ranges_and_gzip(server, sandbox):
    sandbox.files.write("/home/user/range.txt", "0123456789")
    url = f"{server.sandbox_url}/files"
    params = {"path": "/home/user/range.txt"}
    part = httpx.get(url, params=params, headers=envd_headers(sandbox, Range="bytes=2-5"))
    assert (part.status_code, part.text, part.headers["content-range"]) == (206, "2345", "bytes 2-5/10")
    beyond = httpx.get(url, params=params, headers=envd_headers(sandbox, Range="bytes=50-"))
    assert (beyond.status_code, beyond.headers["content-range"]) == (416, "bytes */10")
    raw = httpx.get(url, params=params, headers=envd_headers(sandbox, **{"Accept-Encoding": "gzip"}))
    assert raw.headers["content-encoding"] == "gzip" and raw.text == "0123456789"
    upload = httpx.post(
        url,
        params={"path": "/home/user/gz-upload.txt"},
        content=gzip.compress(b"compressed upload"),
        headers=envd_headers(sandbox, **{"Content-Type": "application/octet-stream", "Content-Encoding": "gzip"}),
    )
    assert upload.status_code == 200
    assert sandbox.files.read("/home/user/gz-upload.txt") == "compressed upload"


# ---- Metadata ----


def test_metadata_round_trip(server, sandbox):
    info = sandbox.files.write("/home/user/meta.txt", "m", metadata={"Owner": "me", "purpose": "a test"})
    assert info.metadata == {"owner": "me", "purpose": "a test"}
    assert sandbox.files.get_info("/home/user/meta.txt").metadata == {"owner": "me", "purpose": "a test"}
    listed = {e.name: e.metadata for e in sandbox.files.list("/home/user")}
    assert listed["meta.txt"] == {"owner": "me", "purpose": "a test"}
    # Each upload brings all of the file's metadata.
    again = sandbox.files.write("/home/user/meta.txt", "m2", metadata={"owner": "you"})
    assert again.metadata == {"owner": "you"}
    plain = sandbox.files.write("/home/user/meta.txt", "m3")
    assert plain.metadata is None
    assert sandbox.files.get_info("/home/user/meta.txt").metadata is None
    # Metadata is kept out of sight: no sidecar files anywhere.
    assert sorted(os.listdir(fs_dir(server, sandbox) / "home/user")) == sorted(
        e.name for e in sandbox.files.list("/home/user")
    )


@pytest.mark.parametrize(
    "headers, message",
    [
        ({"X-Metadata-k": "caf\u00e9".encode()}, "metadata value for key \"k\" contains non-printable-ASCII byte 0xc3"),
        ({"X-Metadata-" + "k" * 247: "v"}, "exceeds 246 bytes"),
        ({f"X-Metadata-k{i}": "v" * 500 for i in range(9)}, "total metadata size 4599 exceeds 4096 bytes"),
    ],
)
def test_invalid_metadata_is_refused(server, sandbox, headers, message):
    response = httpx.post(
        f"{server.sandbox_url}/files",
        params={"path": "/home/user/refused.txt"},
        content=b"x",
        headers=envd_headers(sandbox, **{"Content-Type": "application/octet-stream"}, **headers),
    )
    assert response.status_code == 400
    assert response.json()["message"].startswith("invalid metadata: ")
    assert message in response.json()["message"]
    assert not sandbox.files.exists("/home/user/refused.txt")


# ---- Watching ----


def test_watch_dir_recursive_with_entries(sandbox):
    Create, Write, Remove, Rename = (
        FilesystemEventType.CREATE,
        FilesystemEventType.WRITE,
        FilesystemEventType.REMOVE,
        FilesystemEventType.RENAME,
    )
    sandbox.files.make_dir("/home/user/watched/sub")
    handle = sandbox.files.watch_dir("/home/user/watched", recursive=True, include_entry=True)
    events = []

    def expect(name, kind):
        events.extend(poll_events(handle, lambda e: (e.name, e.type) == (name, kind)))

    try:
        sandbox.files.write("/home/user/watched/sub/new.txt", "hello")
        expect("sub/new.txt", Write)
        sandbox.files.make_dir("/home/user/watched/a/b")
        expect("a/b", Create)
        sandbox.files.rename("/home/user/watched/sub/new.txt", "/home/user/watched/a/b/moved.txt")
        expect("a/b/moved.txt", Create)
        sandbox.files.write("/home/user/watched/a/b/moved.txt", "again")
        expect("a/b/moved.txt", Write)
        sandbox.files.remove("/home/user/watched/sub")
        expect("sub", Remove)
    finally:
        handle.stop()
    assert in_order(
        events,
        [
            ("sub/new.txt", Create),
            ("sub/new.txt", Write),
            ("a", Create),
            ("a/b", Create),
            ("sub/new.txt", Rename),
            ("a/b/moved.txt", Create),
            ("a/b/moved.txt", Write),
            ("sub", Remove),
        ],
    ), [(e.name, e.type) for e in events]
    for event in events:
        if event.type in (Create, Write) and event.name.startswith("a"):
            assert event.entry is not None and event.entry.path == "/home/user/watched/" + event.name
        if event.type in (Remove, Rename):
            assert event.entry is None
    written = [e for e in events if (e.name, e.type) == ("a/b/moved.txt", Write)][-1]
    assert (written.entry.type, written.entry.size) == (FileType.FILE, 5)


def test_watched_uploads_give_envds_events(server, sandbox):
    """As recorded from envd (tests/fixtures/envd/symlinks-and-watch.json): a new file gives
    CREATE, CHMOD, WRITE and a replaced one CHMOD, WRITE, and nothing else shows (e2b-local
    writes beside the file and renames it into place)."""
    sandbox.files.write("/home/user/fx/file.txt", "old")
    watcher = rpc(server, sandbox, "CreateWatcher", {"path": "/home/user/fx", "recursive": True}).json()["watcherId"]
    for name in ("new.txt", "file.txt"):
        written = httpx.post(
            f"{server.sandbox_url}/files",
            params={"path": f"/home/user/fx/{name}"},
            content=b"hello world",
            headers=envd_headers(sandbox, **{"Content-Type": "application/octet-stream"}),
        )
        assert written.json() == [{"name": name, "path": f"/home/user/fx/{name}", "type": "file"}]
    events = []
    deadline = time.monotonic() + 10
    while len(events) < 5 and time.monotonic() < deadline:
        events += rpc(server, sandbox, "GetWatcherEvents", {"watcherId": watcher}).json().get("events", [])
        time.sleep(0.05)
    time.sleep(0.2)
    events += rpc(server, sandbox, "GetWatcherEvents", {"watcherId": watcher}).json().get("events", [])
    assert events == [
        {"name": "new.txt", "type": "EVENT_TYPE_CREATE"},
        {"name": "new.txt", "type": "EVENT_TYPE_CHMOD"},
        {"name": "new.txt", "type": "EVENT_TYPE_WRITE"},
        {"name": "file.txt", "type": "EVENT_TYPE_CHMOD"},
        {"name": "file.txt", "type": "EVENT_TYPE_WRITE"},
    ]
    assert rpc(server, sandbox, "RemoveWatcher", {"watcherId": watcher}).json() == {}
    assert sorted(os.listdir(fs_dir(server, sandbox) / "home/user/fx")) == ["file.txt", "new.txt"]


def test_watch_dir_not_recursive_sees_only_the_top(sandbox):
    sandbox.files.make_dir("/home/user/flat/sub")
    handle = sandbox.files.watch_dir("/home/user/flat")
    try:
        sandbox.files.write("/home/user/flat/sub/hidden.txt", "x")
        sandbox.files.write("/home/user/flat/seen.txt", "x")
        events = poll_events(handle, lambda e: e.name == "seen.txt")
    finally:
        handle.stop()
    assert all(not e.name.startswith("sub/") for e in events)
    assert all(e.entry is None for e in events)


def test_watcher_stop_and_unknown_watchers(server, sandbox):
    handle = sandbox.files.watch_dir("/home/user")
    watcher_id = handle._watcher_id
    assert watcher_id.startswith("w") and len(watcher_id) == 21
    handle.stop()
    with pytest.raises(SandboxException, match="already stopped"):
        handle.get_new_events()
    for method in ("GetWatcherEvents", "RemoveWatcher"):
        response = rpc(server, sandbox, method, {"watcherId": watcher_id})
        assert response.status_code == 404
        assert response.json() == {"code": "not_found", "message": f"watcher with id {watcher_id} not found"}


def test_watch_errors(sandbox):
    sandbox.files.write("/home/user/not-a-dir", "x")
    with pytest.raises(FileNotFoundException):
        sandbox.files.watch_dir("/home/user/missing")
    with pytest.raises(InvalidArgumentException, match="not a directory"):
        sandbox.files.watch_dir("/home/user/not-a-dir")


def test_watch_dir_streams_with_the_async_sdk(sandbox):
    Create, Write = FilesystemEventType.CREATE, FilesystemEventType.WRITE

    async def watch():
        sbx = await AsyncSandbox.connect(sandbox.sandbox_id)
        events = []

        async def expect(name, kind):
            for _ in range(200):
                if any((e.name, e.type) == (name, kind) for e in events):
                    return
                await asyncio.sleep(0.05)
            raise AssertionError(f"no {kind} of {name} in {[(e.name, e.type) for e in events]}")

        handle = await sbx.files.watch_dir("/home/user", events.append, recursive=True, include_entry=True, timeout=30)
        await sbx.files.make_dir("/home/user/streamed")
        await expect("streamed", Create)
        await sbx.files.write("/home/user/streamed/s.txt", "s")
        await expect("streamed/s.txt", Write)
        await handle.stop()
        return events

    events = asyncio.run(watch())
    assert in_order(events, [("streamed", Create), ("streamed/s.txt", Create), ("streamed/s.txt", Write)])
    assert events[-1].entry.path == "/home/user/streamed/s.txt"


def test_watch_dir_stream_framing_keepalives_and_deadline(server, sandbox):
    request = json.dumps({"path": "/home/user"}).encode()
    headers = envd_headers(
        sandbox,
        **{
            "Content-Type": "application/connect+json",
            "Connect-Protocol-Version": "1",
            "Connect-Timeout-Ms": "2500",
            "Keepalive-Ping-Interval": "1",
        },
    )
    started = time.monotonic()
    response = httpx.post(
        f"{server.sandbox_url}/filesystem.Filesystem/WatchDir",
        content=struct.pack(">BI", 0, len(request)) + request,
        headers=headers,
        timeout=10,
    )
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/connect+json"
    messages = envelopes(response.content)
    assert messages[0] == (0, {"start": {}})
    assert (0, {"keepalive": {}}) in messages
    assert messages[-1] == (2, {"error": {"code": "deadline_exceeded", "message": "context deadline exceeded"}})
    assert 2.4 < time.monotonic() - started < 6

    missing = json.dumps({"path": "/home/user/missing"}).encode()
    response = httpx.post(
        f"{server.sandbox_url}/filesystem.Filesystem/WatchDir",
        content=struct.pack(">BI", 0, len(missing)) + missing,
        headers=headers,
    )
    (flags, end), = envelopes(response.content)
    assert (response.status_code, flags, end["error"]["code"]) == (200, 2, "not_found")


# ---- The wire, errors, users ----


def test_unary_wire_format(server, sandbox):
    sandbox.files.write("/home/user/wire.txt", "wire")
    response = rpc(server, sandbox, "Stat", {"path": "/home/user/wire.txt"})
    assert response.headers["content-type"] == "application/json"
    entry = response.json()["entry"]
    assert entry["size"] == "4" and entry["type"] == "FILE_TYPE_FILE" and entry["mode"] == 0o644
    assert not {"symlinkTarget", "isSymlink", "metadata"} & entry.keys()
    assert entry["modifiedTime"].endswith("Z")

    missing = rpc(server, sandbox, "Stat", {"path": "/home/user/missing"})
    assert missing.status_code == 404
    assert missing.json() == {
        "code": "not_found",
        "message": "file not found: lstat /home/user/missing: no such file or directory",
    }
    existing = rpc(server, sandbox, "MakeDir", {"path": "/home/user"})
    assert (existing.status_code, existing.json()["code"]) == (409, "already_exists")
    assert rpc(server, sandbox, "Remove", {"path": "/home/user/wire.txt"}).json() == {}
    made = rpc(server, sandbox, "MakeDir", {"path": "/home/user/fresh"}).json()
    assert made == {"entry": {"name": "fresh", "type": "FILE_TYPE_DIRECTORY", "path": "/home/user/fresh"}}
    empty = rpc(server, sandbox, "ListDir", {"path": "/home/user/fresh", "depth": 0})
    assert empty.json() == {}


def test_users(sandbox):
    with pytest.raises(AuthenticationException, match="invalid username: 'bob'"):
        sandbox.files.list("/", user="bob")
    assert sandbox.files.make_dir("~/root-made", user="root")
    assert sandbox.files.exists("/root/root-made")


def test_paths_stay_inside_the_sandbox(server, sandbox, tmp_path):
    (tmp_path / "secret.txt").write_text("host secret")
    root = fs_dir(server, sandbox)
    os.symlink(tmp_path, root / "home/user/escape")
    assert [e.name for e in sandbox.files.list("/../../..")] == [e.name for e in sandbox.files.list("/")]
    with pytest.raises(FileNotFoundException):
        sandbox.files.list("/home/user/escape")
    with pytest.raises(FileNotFoundException):
        sandbox.files.get_info("/home/user/escape/secret.txt")
    assert sandbox.files.get_info("/home/user/escape").symlink_target == "/home/user/escape"
    sandbox.files.write("/home/user/inside.txt", "in")
    sandbox.files.rename("/home/user/inside.txt", "/../../../inside-moved.txt")
    assert sandbox.files.read("/inside-moved.txt") == "in"
    with pytest.raises(FileNotFoundException):
        sandbox.files.rename("/home/user/escape/secret.txt", "/home/user/stolen.txt")
    sandbox.files.remove("/home/user/escape/secret.txt")
    with pytest.raises(FileNotFoundException):
        sandbox.files.watch_dir("/home/user/escape")
    # Once the link's target exists in the sandbox, the link leads there.
    sandbox.files.make_dir(str(tmp_path))
    assert sandbox.files.make_dir("/home/user/escape/made")
    assert sandbox.files.exists(f"{tmp_path}/made")
    assert sorted(os.listdir(tmp_path)) == ["secret.txt"]


def test_names_that_are_not_utf8(server, sandbox):
    # A request is JSON, so a name that is not UTF-8 cannot be sent in one.
    raw = rpc(server, sandbox, "Stat", b'{"path": "/home/user/\xff"}')
    assert (raw.status_code, raw.json()["code"]) == (400, "invalid_argument")
    # A file made inside the sandbox can have such a name; proto3 strings cannot, so listing
    # it fails as envd's does (it cannot marshal the answer), and the rest still works.
    sandbox.files.make_dir("/home/user/odd")
    handle = sandbox.files.watch_dir("/home/user/odd")
    try:
        (fs_dir(server, sandbox) / "home/user/odd").joinpath(os.fsdecode(b"\xff.txt")).write_text("x")
        request = {"watcherId": handle._watcher_id}
        assert wait_until(lambda: rpc(server, sandbox, "GetWatcherEvents", request).status_code == 500, timeout=5)
    finally:
        handle.stop()
    with pytest.raises(SandboxException, match="invalid UTF-8"):
        sandbox.files.list("/home/user/odd")
    assert sandbox.files.get_info("/home/user/odd").type == FileType.DIR
