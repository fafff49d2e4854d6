"""sandbox.files: contents as bytes, streams, transfers, the filesystem
service and watches."""

from __future__ import annotations

import dataclasses
import io
import os
import threading
import time
import urllib.request
from datetime import datetime
from pathlib import Path

import pytest

import libe2b
from libe2b import ErrorCode, FilesystemEventType, FileType

BINARY = bytes(range(256)) * 4 + b"\x00\xff\xfe"


def test_write_and_read_bytes_and_text(sandbox: libe2b.Sandbox) -> None:
    files = sandbox.files
    files.write("/home/user/binary.bin", BINARY)
    assert files.read("/home/user/binary.bin") == BINARY
    files.write("text.txt", "héllo wörld\n")  # relative to the user's home
    assert files.read("/home/user/text.txt") == "héllo wörld\n".encode()
    assert files.read_text("text.txt") == "héllo wörld\n"
    assert files.read_text("binary.bin", errors="replace").startswith("\x00\x01")
    files.write("deep/er/empty.txt", b"")  # parents are created
    assert files.read("deep/er/empty.txt") == b""
    files.write("view.bin", memoryview(bytearray(b"from a view")))
    assert files.read("view.bin") == b"from a view"
    files.write("zipped.txt", b"z" * 10_000, gzip=True)
    assert files.read("zipped.txt", gzip=True) == b"z" * 10_000


def test_a_missing_file_raises_file_not_found(sandbox: libe2b.Sandbox) -> None:
    with pytest.raises(libe2b.FileNotFoundException) as raised:
        sandbox.files.read("/home/user/missing.txt")
    error = raised.value
    assert isinstance(error, libe2b.NotFoundException) and isinstance(error, libe2b.SandboxException)
    assert error.code == ErrorCode.NOT_FOUND and error.http_status == 404 and "missing.txt" in error.message
    with pytest.raises(libe2b.InvalidArgumentException):
        sandbox.files.read("/home/user")  # a directory


def test_read_stream_writes_into_a_file_object(sandbox: libe2b.Sandbox) -> None:
    data = os.urandom(3 * 1024 * 1024 + 7)
    sandbox.files.write("big.bin", data)
    sink = io.BytesIO()
    progress: list[tuple[int, int]] = []
    size = sandbox.files.read_stream("big.bin", sink, on_progress=lambda done, total: progress.append((done, total)))
    assert size == len(data) and sink.getvalue() == data
    assert progress and progress[-1][0] == len(data)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)


def test_open_reads_a_file_piece_by_piece(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.write("pieces.txt", b"0123456789" * 1000)
    with sandbox.files.open("pieces.txt") as reader:
        assert reader.readable()
        assert reader.read(10) == b"0123456789"
        assert len(reader.readall()) == 9990
        assert reader.read(10) == b""
    assert reader.closed
    with pytest.raises(ValueError):
        reader.read(1)
    reader.close()
    with io.BufferedReader(sandbox.files.open("pieces.txt")) as buffered:
        assert buffered.read(3) == b"012" and buffered.peek(1)[:1] == b"3"
    with pytest.raises(libe2b.FileNotFoundException):
        sandbox.files.open("nope.txt")


def test_write_stream_reads_from_a_file_object(sandbox: libe2b.Sandbox) -> None:
    data = os.urandom(2 * 1024 * 1024)
    source = io.BytesIO(data)
    source.seek(100)
    progress: list[tuple[int, int]] = []
    sandbox.files.write_stream("streamed.bin", source, on_progress=lambda done, total: progress.append((done, total)))
    assert sandbox.files.read("streamed.bin") == data[100:]
    assert progress[-1] == (len(data) - 100, len(data) - 100)  # the size of a seekable file is known

    class Unsized:
        """Has only read(): its size is unknown."""

        def __init__(self) -> None:
            self.left = [b"abc", b"def"]

        def read(self, size: int) -> bytes:
            return self.left.pop(0) if self.left else b""

    sandbox.files.write_stream("unsized.txt", Unsized())
    assert sandbox.files.read("unsized.txt") == b"abcdef"

    # A file that gives fewer or more bytes than its size fails at once; only
    # None (-1 in C) means an unknown size.
    started = time.monotonic()
    with pytest.raises(libe2b.LocalIOException, match="6 of the 10 bytes"):
        sandbox.files.write_stream("short.txt", Unsized(), size=10)
    assert time.monotonic() - started < 10
    with pytest.raises(libe2b.LocalIOException, match="more than the 2 bytes"):
        sandbox.files.write_stream("long.txt", Unsized(), size=2)
    with pytest.raises(libe2b.InvalidArgumentException):
        sandbox.files.write_stream("negative.txt", Unsized(), size=-2)


def test_write_files_writes_several_at_once(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.write_files({"many/a.txt": "A", "many/b/c.bin": BINARY, "many/empty": b""})
    assert sandbox.files.read("many/a.txt") == b"A"
    assert sandbox.files.read("many/b/c.bin") == BINARY
    assert sandbox.files.read("many/empty") == b""
    sandbox.files.write_files({})


def test_upload_and_download_files_and_trees(sandbox: libe2b.Sandbox, tmp_path: Path) -> None:
    local = tmp_path / "local.bin"
    local.write_bytes(BINARY * 100)
    progress: list[int] = []
    sandbox.files.upload_file(local, "up/local.bin", on_progress=lambda done, total: progress.append(done))
    assert sandbox.files.read("up/local.bin") == BINARY * 100 and progress[-1] == len(BINARY) * 100
    sandbox.files.download_file("up/local.bin", str(tmp_path / "back.bin"))
    assert (tmp_path / "back.bin").read_bytes() == BINARY * 100

    tree = tmp_path / "tree"
    (tree / "sub" / "deeper").mkdir(parents=True)
    (tree / "a.txt").write_text("a")
    (tree / "sub" / "b.txt").write_text("b")
    (tree / "sub" / "deeper" / "c.bin").write_bytes(BINARY)
    seen: list[libe2b.DirProgress] = []
    assert sandbox.files.upload_dir(tree, "/home/user/tree", on_progress=seen.append) == 3
    assert seen[-1].done == seen[-1].total == 2 + len(BINARY)
    assert {p.path for p in seen} == {"/home/user/tree/a.txt", "/home/user/tree/sub/b.txt",
                                      "/home/user/tree/sub/deeper/c.bin"}
    assert {p.index for p in seen} == {0, 1, 2} and all(p.count == 3 for p in seen)
    assert sandbox.files.read("tree/sub/deeper/c.bin") == BINARY
    downloaded: list[libe2b.DirProgress] = []
    assert sandbox.files.download_dir("tree", tmp_path / "copy", on_progress=downloaded.append) == 3
    assert sorted({(p.index, p.path) for p in downloaded})[0][0] == 0 and downloaded[-1].done == 2 + len(BINARY)
    assert (tmp_path / "copy" / "sub" / "b.txt").read_text() == "b"
    assert (tmp_path / "copy" / "sub" / "deeper" / "c.bin").read_bytes() == BINARY

    with pytest.raises(libe2b.LocalIOException) as raised:
        sandbox.files.upload_file(tmp_path / "absent", "x")
    assert raised.value.code == ErrorCode.IO


def test_signed_urls_work_for_any_program(sandbox: libe2b.Sandbox) -> None:
    # Through E2B_SANDBOX_URL (one URL for every sandbox) a request names its
    # sandbox in headers: the URLs carry no such routing.
    routing = {"E2b-Sandbox-Id": sandbox.sandbox_id, "E2b-Sandbox-Port": "49983"}
    sandbox.files.write("shared.txt", "shared")
    url = sandbox.files.download_url("shared.txt")
    with urllib.request.urlopen(urllib.request.Request(url, headers=routing)) as response:
        assert response.read() == b"shared"
    assert "signature_expiration" in sandbox.files.download_url("shared.txt", expires_in=60)

    upload = sandbox.files.upload_url("/home/user/uploaded.txt", expires_in=60)
    boundary = "libe2b-python-test"
    body = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"uploaded.txt\"\r\n"
            f"Content-Type: application/octet-stream\r\n\r\nposted\r\n--{boundary}--\r\n").encode()
    request = urllib.request.Request(upload, data=body, method="POST",
                                     headers={"Content-Type": f"multipart/form-data; boundary={boundary}", **routing})
    urllib.request.urlopen(request).close()
    assert sandbox.files.read("uploaded.txt") == b"posted"


def test_an_insecure_sandbox_has_urls_that_never_expire(client: libe2b.Client) -> None:
    with client.create_sandbox(secure=False) as sandbox:
        assert "signature" not in sandbox.files.download_url("x.txt")
        with pytest.raises(libe2b.InvalidArgumentException):
            sandbox.files.upload_url("x.txt", expires_in=60)


def test_list_exists_get_info_make_dir_rename_remove(sandbox: libe2b.Sandbox) -> None:
    files = sandbox.files
    assert files.make_dir("fs/sub") is True
    assert files.make_dir("fs/sub") is False
    files.write("fs/file.txt", "12345")
    assert files.exists("fs/file.txt") and not files.exists("fs/none.txt")

    info = files.get_info("fs/file.txt")
    assert (info.name, info.path, info.type, info.size) == ("file.txt", "/home/user/fs/file.txt", FileType.FILE, 5)
    assert info.permissions.startswith("-") and info.mode & 0o777 and info.owner and info.group
    assert info.modified_time is not None and info.symlink_target is None
    assert files.get_info("fs/sub").type == FileType.DIR

    assert sorted((e.name, e.type) for e in files.list("fs")) == [("file.txt", FileType.FILE), ("sub", FileType.DIR)]
    files.write("fs/sub/inner.txt", "x")
    assert "/home/user/fs/sub/inner.txt" in {e.path for e in files.list("/home/user/fs", depth=2)}
    assert "inner.txt" not in {e.name for e in files.list("fs", depth=1)}

    moved = files.rename("fs/file.txt", "fs/moved/file2.txt")
    assert (moved.name, moved.path, moved.size) == ("file2.txt", "/home/user/fs/moved/file2.txt", 5)
    assert not files.exists("fs/file.txt") and files.read("fs/moved/file2.txt") == b"12345"

    files.remove("fs")
    files.remove("fs")  # nothing there: no error
    assert not files.exists("fs")
    for missing in (lambda: files.list("fs"), lambda: files.get_info("fs"), lambda: files.rename("fs", "gs")):
        with pytest.raises(libe2b.FileNotFoundException):
            missing()
    files.write("plain.txt", "")
    with pytest.raises(libe2b.InvalidArgumentException):
        files.make_dir("plain.txt")
    with pytest.raises(libe2b.InvalidArgumentException):
        files.list("plain.txt")


def test_list_gives_each_entry_as_get_info_does(sandbox: libe2b.Sandbox) -> None:
    files = sandbox.files
    files.write("same/a.txt", "abc")
    files.make_dir("same/dir")
    sandbox.commands.run("cd /home/user/same && ln -s a.txt link && ln -s missing dangling").check()
    listed = files.list("same")
    assert sorted((e.name, e.type) for e in listed) == [
        ("a.txt", FileType.FILE), ("dangling", FileType.SYMLINK), ("dir", FileType.DIR), ("link", FileType.SYMLINK)]
    for entry in listed:
        assert entry == files.get_info(entry.path)
        assert isinstance(entry.modified_time, datetime) and entry.metadata == {}
        assert (entry.symlink_target is not None) == (entry.type == FileType.SYMLINK)
    assert repr(listed[0]).startswith("EntryInfo(name=")
    with pytest.raises(dataclasses.FrozenInstanceError):
        listed[0].name = "changed"  # type: ignore[misc]


def test_user_decides_whose_home_relative_paths_start_at(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.write("by-root.txt", "r", user="root")
    assert sandbox.files.read("/root/by-root.txt") == b"r"
    assert sandbox.files.read_text("by-root.txt", user="root") == "r"
    assert sandbox.files.exists("by-root.txt", user="root") and not sandbox.files.exists("by-root.txt")
    assert sandbox.files.get_info("by-root.txt", user="root").path == "/root/by-root.txt"
    assert "by-root.txt" in [e.name for e in sandbox.files.list(".", user="root")]


def _write_later(sandbox: libe2b.Sandbox, path: str, delay: float = 0.3) -> threading.Thread:
    def write() -> None:
        time.sleep(delay)
        sandbox.files.write(path, "new")

    thread = threading.Thread(target=write)
    thread.start()
    return thread


def test_watch_dir_is_polled_for_events(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.make_dir("watched/sub")
    with sandbox.files.watch_dir("watched", include_entry=True) as watch:
        assert watch.id
        assert watch.get_new_events() == []
        sandbox.files.write("watched/new.txt", "hello")
        events: list[libe2b.FilesystemEvent] = []
        deadline = time.monotonic() + 10
        while not any(e.type == FilesystemEventType.WRITE for e in events) and time.monotonic() < deadline:
            events += watch.next_events(1)
        created = [e for e in events if e.name == "new.txt"]
        assert {e.type for e in created} >= {FilesystemEventType.CREATE, FilesystemEventType.WRITE}
        entry = next(e.entry for e in created if e.entry is not None)
        assert entry.path == "/home/user/watched/new.txt"
        assert watch.next_events(0.2) == []
        sandbox.files.write("watched/sub/not-recursive.txt", "x")
        assert all(e.name != "sub/not-recursive.txt" for e in watch.next_events(0.5))
        watch.stop()
        watch.stop()
        with pytest.raises(libe2b.InvalidArgumentException):
            watch.get_new_events()
    with pytest.raises(ValueError, match="WatchHandle is closed"):
        watch.get_new_events()
    with pytest.raises(libe2b.FileNotFoundException):
        sandbox.files.watch_dir("not-there")


def test_stopping_a_watch_ends_a_wait_in_another_thread(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.make_dir("stopped")
    outcome: list[object] = []

    def wait(watch: libe2b.WatchHandle) -> None:
        try:
            outcome.append(watch.next_events(30))
        except libe2b.SandboxException as error:
            outcome.append(error)

    with sandbox.files.watch_dir("stopped") as watch:
        waiter = threading.Thread(target=wait, args=(watch,))
        waiter.start()
        time.sleep(0.3)
        started = time.monotonic()
        watch.stop()
        waiter.join(10)
        assert not waiter.is_alive() and time.monotonic() - started < 1
    assert outcome == [[]]


def test_links_are_reported_and_skipped_by_tree_transfers(sandbox: libe2b.Sandbox, tmp_path: Path) -> None:
    sandbox.files.write("links/real.txt", "real")
    sandbox.files.write("elsewhere.txt", "away")
    sandbox.commands.run("cd /home/user/links && ln -s /home/user/elsewhere.txt out && ln -s /etc etc").check()
    info = sandbox.files.get_info("links/out")
    assert (info.type, info.symlink_target) == (FileType.SYMLINK, "/home/user/elsewhere.txt")
    assert sorted(e.name for e in sandbox.files.list("links") if e.type == FileType.SYMLINK) == ["etc", "out"]
    assert sandbox.files.download_dir("links", tmp_path / "copy") == 1
    assert sorted(p.name for p in (tmp_path / "copy").iterdir()) == ["real.txt"]


def test_watch_dir_recursive(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.make_dir("rec/a")
    with sandbox.files.watch_dir("rec", recursive=True) as watch:
        sandbox.files.write("rec/a/deep.txt", "x")
        events: list[libe2b.FilesystemEvent] = []
        deadline = time.monotonic() + 10
        while not events and time.monotonic() < deadline:
            events = watch.next_events(1)
        assert any(e.name == "a/deep.txt" and e.entry is None for e in events)


def test_watch_dir_stream_calls_back_until_told_to_stop(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.make_dir("streamed")
    seen: list[libe2b.FilesystemEvent] = []

    def on_event(event: libe2b.FilesystemEvent) -> bool:
        seen.append(event)
        return event.type != FilesystemEventType.WRITE  # False stops

    writer = _write_later(sandbox, "streamed/file.txt")
    started = time.monotonic()
    sandbox.files.watch_dir_stream("streamed", on_event, timeout=0)  # no limit
    writer.join()
    assert time.monotonic() - started < 15
    assert seen[-1].type == FilesystemEventType.WRITE and seen[-1].name == "file.txt"

    started = time.monotonic()
    sandbox.files.watch_dir_stream("streamed", seen.append, timeout=0.5)  # nothing happens: ends at the timeout
    assert 0.4 < time.monotonic() - started < 5


def test_an_exception_in_a_watch_callback_is_raised_after_the_call(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.make_dir("failing")

    class Boom(Exception):
        pass

    def on_event(event: libe2b.FilesystemEvent) -> None:
        raise Boom(event.name)

    writer = _write_later(sandbox, "failing/x.txt")
    with pytest.raises(Boom, match="x.txt"):
        sandbox.files.watch_dir_stream("failing", on_event, timeout=20)
    writer.join()


def test_the_calls_without_ctypes_checks_still_check_their_arguments(sandbox: libe2b.Sandbox) -> None:
    # read, write, exists and get_info call the library without ctypes'
    # argument checks (libe2b._core.unchecked): the binding's own checks
    # still give the same typed errors, and every length passes whole.
    files = sandbox.files
    for call in (lambda p: files.read(p), lambda p: files.write(p, "x"), lambda p: files.exists(p),
                 lambda p: files.get_info(p)):
        with pytest.raises(ValueError, match="NUL"):
            call("bad\0name")
        with pytest.raises(UnicodeEncodeError):
            call("bad\udc80name")
        with pytest.raises(TypeError):
            call(b"bytes/path")
    big = BINARY * 100  # 102,700 bytes, NULs included
    files.write("unchecked/big.bin", big)
    assert files.read("unchecked/big.bin") == big
    assert files.get_info("unchecked/big.bin").size == len(big)
    files.write("unchecked/empty.bin", b"")
    assert files.read("unchecked/empty.bin") == b"" and files.exists("unchecked/empty.bin")
    with pytest.raises(libe2b.FileNotFoundException):
        files.read("unchecked/none.bin")
    with pytest.raises(libe2b.FileNotFoundException):
        files.get_info("unchecked/none.bin")

    view = sandbox.with_deadline(60)
    view.close()
    for closed in (lambda: view.files.read("unchecked/big.bin"), lambda: view.files.write("x", "x"),
                   lambda: view.files.exists("x"), lambda: view.files.get_info("x"),
                   lambda: view.commands.run("true"), lambda: view.run_code("1"), lambda: view.kill()):
        with pytest.raises(ValueError, match="closed"):
            closed()


def test_an_unchecked_entry_point_is_the_declared_function() -> None:
    from libe2b import _bindings as b
    from libe2b._core import u, unchecked

    token = libe2b.CancelToken()
    for function in (b.e2b_cancel_is_cancelled, u.e2b_cancel_is_cancelled, unchecked(b.e2b_cancel_is_cancelled)):
        assert function(token._raw) is False
    token.cancel()
    assert u.e2b_cancel_is_cancelled(token._raw) is True
    assert u.e2b_cancel_is_cancelled is u.e2b_cancel_is_cancelled  # made once
    assert u.e2b_files_read.restype is getattr(b.e2b_files_read, "restype") and u.e2b_files_read.argtypes is None
    assert u.e2b_error_code_name(int(ErrorCode.NOT_FOUND)) == b.e2b_error_code_name(ErrorCode.NOT_FOUND)
    with pytest.raises(AttributeError):
        u.e2b_no_such_function


def test_write_metadata_is_read_back_and_replaced_by_each_write(sandbox: libe2b.Sandbox, tmp_path: Path) -> None:
    files = sandbox.files
    files.write("meta/a.txt", "a", metadata={"Author": "Ada L.", "rev": "1"})
    assert files.get_info("meta/a.txt").metadata == {"author": "Ada L.", "rev": "1"}
    files.write_files({"meta/b.txt": "b", "meta/c.txt": "c"}, metadata={"k": "v"})
    files.write_stream("meta/d.txt", io.BytesIO(b"d"), metadata={"k": "v"})
    local = tmp_path / "e.txt"
    local.write_text("e")
    files.upload_file(local, "meta/e.txt", metadata={"k": "v"})
    listed = {e.name: e.metadata for e in files.list("meta")}
    assert listed == {"a.txt": {"author": "Ada L.", "rev": "1"}, "b.txt": {"k": "v"}, "c.txt": {"k": "v"},
                      "d.txt": {"k": "v"}, "e.txt": {"k": "v"}}
    files.write("meta/a.txt", "a2", metadata={"rev": "2"})
    assert files.get_info("meta/a.txt").metadata == {"rev": "2"}
    files.write("meta/a.txt", "a3")
    assert files.get_info("meta/a.txt").metadata == {}

    for bad in ({"a b": "v"}, {"k": "café"}, {"k": "line\nbreak"}, {"": "v"}):
        with pytest.raises(libe2b.InvalidArgumentException, match="metadata"):
            files.write("meta/bad.txt", "x", metadata=bad)
    with pytest.raises(libe2b.InvalidArgumentException):  # refused by envd: over 4096 bytes in all
        files.write("meta/bad.txt", "x", metadata={"a": "v" * 3000, "b": "v" * 3000})
    assert not files.exists("meta/bad.txt")


def test_watch_dir_accepts_allow_network_mounts(sandbox: libe2b.Sandbox) -> None:
    sandbox.files.make_dir("local-dir")
    with sandbox.files.watch_dir("local-dir", allow_network_mounts=True) as watch:
        sandbox.files.write("local-dir/x.txt", "x")
        events: list[libe2b.FilesystemEvent] = []
        deadline = time.monotonic() + 10
        while not events and time.monotonic() < deadline:
            events += watch.next_events(1)
        assert any(e.name == "x.txt" for e in events)
    seen: list[libe2b.FilesystemEvent] = []
    sandbox.files.watch_dir_stream("local-dir", seen.append, timeout=0.3, allow_network_mounts=True)
    assert seen == []
