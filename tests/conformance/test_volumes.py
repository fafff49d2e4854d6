"""Volumes through the official Python SDK (e2b==2.63.0) against e2b-local: the control plane
(`Volume.create/connect/get_info/list/destroy`), the volume content API (`vol.write_file`,
`read_file`, `list`, ...), and volumes mounted into sandboxes with `volume_mounts`.

The SDK reaches the content API at `E2B_VOLUME_API_URL`; e2b-local serves it on its one port.
"""

import os
import uuid

import pytest

from e2b import (
    Sandbox,
    SandboxException,
    Volume,
    VolumeException,
    VolumeFileType,
    VolumeNotFoundException,
    VolumePathNotFoundException,
)

from conftest import raw


@pytest.fixture(autouse=True)
def volume_api(server, monkeypatch):
    monkeypatch.setenv("E2B_VOLUME_API_URL", server.api_url)


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def mounts_available():
    return os.geteuid() == 0


def test_the_control_plane_answers_as_the_api(server):
    name = unique("vol")
    vol = Volume.create(name)
    assert vol.name == name and vol.volume_id and vol.token

    with pytest.raises(VolumeException, match=f"Volume with name '{name}' already exists"):
        Volume.create(name)
    with pytest.raises(VolumeException, match="Invalid volume name"):
        Volume.create("not valid")
    # The status codes the SDK hides: 400 (not 409) for a taken name, 201 and 204.
    assert raw(server, "POST", "/volumes", json={"name": name}).status_code == 400

    listed = {v.volume_id: v.name for v in Volume.list()}
    assert listed[vol.volume_id] == name

    info = Volume.get_info(vol.volume_id)
    assert (info.volume_id, info.name) == (vol.volume_id, name) and info.token
    connected = Volume.connect(vol.volume_id)
    assert connected.name == name

    assert Volume.destroy(vol.volume_id) is True
    assert Volume.destroy(vol.volume_id) is False
    with pytest.raises(VolumeNotFoundException):
        Volume.get_info(vol.volume_id)
    assert vol.volume_id not in {v.volume_id for v in Volume.list()}


def test_the_content_api_reads_and_writes_files(server):
    vol = Volume.create(unique("content"))
    try:
        stat = vol.write_file("/hello.txt", "hello from the SDK")
        assert (stat.name, stat.type, stat.path, stat.size) == ("hello.txt", VolumeFileType.FILE, "/hello.txt", 18)
        assert vol.read_file("/hello.txt") == "hello from the SDK"
        assert vol.read_file("/hello.txt", format="bytes") == b"hello from the SDK"
        assert b"".join(vol.read_file("/hello.txt", format="stream")) == b"hello from the SDK"
        vol.write_file("/hello.txt", b"replaced")
        assert vol.read_file("/hello.txt") == "replaced"

        made = vol.make_dir("/a/b", force=True, mode=0o750)
        assert (made.type, made.mode) == (VolumeFileType.DIRECTORY, 0o750)
        vol.write_file("/a/b/data.bin", bytes(range(256)), mode=0o600)
        assert [e.path for e in vol.list("/")] == ["/a", "/hello.txt"]
        assert [e.path for e in vol.list("/", depth=3)] == ["/a", "/a/b", "/a/b/data.bin", "/hello.txt"]

        assert vol.exists("/a/b/data.bin") and not vol.exists("/missing")
        info = vol.get_info("/a/b/data.bin")
        assert (info.size, info.mode, info.uid, info.gid) == (256, 0o600, 1000, 1000)
        assert vol.update_metadata("/a/b/data.bin", mode=0o644).mode == 0o644

        vol.remove("/a")
        assert not vol.exists("/a/b")
        with pytest.raises(VolumePathNotFoundException):
            vol.remove("/a")
        with pytest.raises(VolumePathNotFoundException):
            vol.read_file("/a/b/data.bin")
        with pytest.raises(VolumePathNotFoundException):
            vol.make_dir("/x/y")
        # Nothing outside the volume is reachable.
        with pytest.raises(VolumeException):
            vol.read_file("/../../../etc/passwd")
    finally:
        Volume.destroy(vol.volume_id)


@pytest.mark.skipif(not mounts_available(), reason="volume mounts need e2b-local to run as root")
def test_a_volume_mounted_in_two_sandboxes_shares_its_files(server):
    vol = Volume.create(unique("shared"))
    try:
        writer = Sandbox.create(volume_mounts={"/mnt/data": vol})
        try:
            assert writer.get_info().volume_mounts == [{"name": vol.name, "path": "/mnt/data"}]
            writer.commands.run("echo 'written by a command' > /mnt/data/note.txt")
            writer.files.write("/mnt/data/files-api.txt", "written by the files API")
        finally:
            writer.kill()

        reader = Sandbox.create(volume_mounts={"/home/user/shared": vol.name})
        try:
            assert reader.commands.run("cat /home/user/shared/note.txt").stdout == "written by a command\n"
            assert reader.files.read("/home/user/shared/files-api.txt") == "written by the files API"
            vol.write_file("/from-volume-api.txt", "written by the volume API")
            assert reader.commands.run("cat /home/user/shared/from-volume-api.txt").stdout == "written by the volume API"
            listed = [s for s in Sandbox.list().next_items() if s.sandbox_id == reader.sandbox_id]
            assert listed[0].volume_mounts == [{"name": vol.name, "path": "/home/user/shared"}]
        finally:
            reader.kill()
        assert vol.read_file("/note.txt") == "written by a command\n"
    finally:
        Volume.destroy(vol.volume_id)


@pytest.mark.skipif(not mounts_available(), reason="volume mounts need e2b-local to run as root")
def test_bad_mounts_are_refused_with_every_reason(server):
    vol = Volume.create(unique("mnt"))
    try:
        with pytest.raises(SandboxException, match="^400: invalid mounts") as refused:
            Sandbox.create(volume_mounts={"relative": vol, "/mnt/x": "no-such-volume", "/mnt/../etc": vol})
        message = str(refused.value)
        assert "invalid mounts:" in message
        assert "path must be absolute" in message
        assert "volume 'no-such-volume' not found" in message
        assert "must not contain any '.' or '..' components" in message
    finally:
        Volume.destroy(vol.volume_id)
