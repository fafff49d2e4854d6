"""Volumes through the binding against e2b-local: the control plane, the
content API, and a volume mounted into two sandboxes in turn."""

from __future__ import annotations

import io
import os
import time
import uuid

import pytest

import libe2b


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def test_control_plane(client: libe2b.Client) -> None:
    name = unique("py-vol")
    with client.create_volume(name) as volume:
        assert volume.name == name and volume.volume_id and volume.token
        with pytest.raises(libe2b.InvalidArgumentException, match="already exists") as taken:
            client.create_volume(name)
        assert taken.value.http_status == 400
        with pytest.raises(libe2b.InvalidArgumentException, match="Invalid volume name"):
            client.create_volume("not valid")

        assert libe2b.VolumeInfo(volume.volume_id, name) in client.list_volumes()
        info = client.get_volume_info(volume.volume_id)
        assert (info.volume_id, info.name, info.domain) == (volume.volume_id, name, None) and info.token
        with client.connect_volume(volume.volume_id) as connected:
            assert connected.name == name

        assert client.destroy_volume(volume.volume_id) is True
        assert client.destroy_volume(volume.volume_id) is False
        with pytest.raises(libe2b.VolumeNotFoundException):
            client.connect_volume(volume.volume_id)
        with pytest.raises(ValueError):
            client.create_volume("nul\0")


def test_content(client: libe2b.Client) -> None:
    with client.create_volume(unique("py-content")) as volume:
        stat = volume.write_file("/hello.txt", "hello from Python")
        assert (stat.name, stat.type, stat.path, stat.size, stat.uid) == (
            "hello.txt", libe2b.FileType.FILE, "/hello.txt", 17, 1000)
        assert volume.read_file("/hello.txt") == "hello from Python"
        assert volume.read_file("/hello.txt", "bytes") == b"hello from Python"

        made = volume.make_dir("/a/b", mode=0o750, force=True)
        assert (made.type, made.mode) == (libe2b.FileType.DIR, 0o750)
        with pytest.raises(libe2b.VolumePathNotFoundException):
            volume.make_dir("/x/y")
        with pytest.raises(libe2b.ConflictException):
            volume.make_dir("/a")
        volume.write_file("/a/b/data.bin", bytes(range(256)), mode=0o600)
        assert [e.path for e in volume.list("/")] == ["/a", "/hello.txt"]
        assert [e.path for e in volume.list("/", depth=3)] == ["/a", "/a/b", "/a/b/data.bin", "/hello.txt"]

        assert volume.exists("/a/b/data.bin") and not volume.exists("/missing")
        info = volume.get_info("/a/b/data.bin")
        assert (info.size, info.mode) == (256, 0o600)
        assert volume.update_metadata("/a/b/data.bin", mode=0o644).mode == 0o644

        volume.remove("/a")
        with pytest.raises(libe2b.VolumePathNotFoundException):
            volume.remove("/a")
        with pytest.raises(libe2b.InvalidArgumentException):
            volume.read_file("/../../etc/passwd")
        cancel = libe2b.CancelToken()
        cancel.cancel()
        with pytest.raises(libe2b.CancelledException):
            volume.exists("/", cancel=cancel)
        client.destroy_volume(volume.volume_id)


def test_streams(client: libe2b.Client) -> None:
    with client.create_volume(unique("py-stream")) as volume:
        data = os.urandom(5 * 1024 * 1024 + 7)
        source = io.BytesIO(data)
        source.seek(100)
        sent: list[tuple[int, int]] = []
        stat = volume.write_stream("/big.bin", source, mode=0o600,
                                   on_progress=lambda done, total: sent.append((done, total)))
        assert (stat.path, stat.size, stat.mode) == ("/big.bin", len(data) - 100, 0o600)
        assert sent[-1] == (len(data) - 100, len(data) - 100)  # the size of a seekable file is known

        sink = io.BytesIO()
        received: list[tuple[int, int]] = []
        size = volume.read_stream("/big.bin", sink, on_progress=lambda done, total: received.append((done, total)))
        assert size == len(data) - 100 and sink.getvalue() == data[100:]
        assert len(received) > 1 and received[-1] == (size, size)

        class Unsized:
            """Has only read(): its size is unknown."""

            def __init__(self) -> None:
                self.left = [b"abc", b"def"]

            def read(self, size: int) -> bytes:
                return self.left.pop(0) if self.left else b""

        assert volume.write_stream("/unsized.txt", Unsized()).size == 6
        assert volume.read_file("/unsized.txt") == "abcdef"

        # A file that gives fewer or more bytes than its size fails at once,
        # and the volume's file stays as it was.
        volume.write_file("/short.txt", "old")
        started = time.monotonic()
        with pytest.raises(libe2b.LocalIOException, match="after 6 of the 10 bytes"):
            volume.write_stream("/short.txt", Unsized(), size=10)
        assert time.monotonic() - started < 10
        with pytest.raises(libe2b.LocalIOException, match="more than the 2 bytes"):
            volume.write_stream("/long.txt", Unsized(), size=2)
        assert volume.read_file("/short.txt") == "old"
        with pytest.raises(libe2b.InvalidArgumentException):
            volume.write_stream("/negative.txt", Unsized(), size=-2)

        with pytest.raises(libe2b.VolumePathNotFoundException):
            volume.read_stream("/missing.bin", io.BytesIO())
        with pytest.raises(libe2b.VolumePathNotFoundException):
            volume.write_stream("/no/such/dir.bin", io.BytesIO(b"x"))

        # An exception in a file object or a progress callback stops the
        # transfer and is raised by the call.
        class Broken:
            def write(self, data: bytes) -> object:
                raise OSError("disk full")

        with pytest.raises(OSError, match="disk full"):
            volume.read_stream("/big.bin", Broken())

        def stop(done: int, total: int) -> None:
            raise KeyError("enough")

        with pytest.raises(KeyError, match="enough"):
            volume.write_stream("/stopped.bin", io.BytesIO(data), on_progress=stop)
        assert not volume.exists("/stopped.bin")
        cancel = libe2b.CancelToken()
        cancel.cancel()
        with pytest.raises(libe2b.CancelledException):
            volume.read_stream("/big.bin", io.BytesIO(), cancel=cancel)
        client.destroy_volume(volume.volume_id)


@pytest.mark.skipif(os.geteuid() != 0, reason="volume mounts need e2b-local to run as root")
def test_a_volume_shared_by_two_sandboxes(client: libe2b.Client) -> None:
    with client.create_volume(unique("py-shared")) as volume:
        with client.create_sandbox(timeout=120, volume_mounts={"/mnt/data": volume}) as writer:
            assert writer.get_info().volume_mounts == [{"name": volume.name, "path": "/mnt/data"}]
            writer.commands.run("echo from Python > /mnt/data/note.txt")
        with client.create_sandbox(timeout=120, volume_mounts={"/home/user/shared": volume.name}) as reader:
            assert reader.files.read_text("/home/user/shared/note.txt") == "from Python\n"
            listed = [s for s in client.list_sandboxes() if s.sandbox_id == reader.sandbox_id]
            assert listed[0].volume_mounts == [{"name": volume.name, "path": "/home/user/shared"}]
        assert volume.read_file("/note.txt") == "from Python\n"
        with pytest.raises(libe2b.InvalidArgumentException, match="volume 'no-such' not found"):
            client.create_sandbox(volume_mounts={"/mnt/x": "no-such"})
        client.destroy_volume(volume.volume_id)
