"""Volumes: persistent folders that outlive sandboxes, as the official SDK's
``Volume`` (``e2b.Volume``). The control plane is on the client
(``Client.create_volume``, ``connect_volume``, ``get_volume_info``,
``list_volumes``, ``destroy_volume``); a volume's files are on the
``Volume`` handle, with the SDK's method names (``list``, ``make_dir``,
``exists``, ``get_info``, ``update_metadata``, ``read_file``,
``write_file``, ``remove``). A volume is mounted into a sandbox with
``Client.create_sandbox(volume_mounts={"/mnt/data": volume})``."""

from __future__ import annotations

import ctypes
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal, Union, overload

from . import _bindings as b
from ._bindings import FileType
from ._cancel import CancelToken
from ._core import Call, Handle, content, decode, encode, owned, pairs, parse_time, take_bytes
from ._errors import NotFoundException
from ._files import ProgressCallback, SupportsRead, SupportsWrite, _progress, _reader, _stream_size, _writer

if TYPE_CHECKING:
    from ._client import Client


class VolumeNotFoundException(NotFoundException):
    """The volume does not exist (the SDK's ``VolumeNotFoundException``)."""


class VolumePathNotFoundException(NotFoundException):
    """The path does not exist in the volume (the SDK's ``VolumePathNotFoundException``)."""


@dataclass(frozen=True)
class VolumeInfo:
    """A volume as ``Client.list_volumes`` reports it."""

    volume_id: str
    name: str


@dataclass(frozen=True)
class VolumeAndToken(VolumeInfo):
    """A volume with a token for its content (``Client.get_volume_info``)."""

    token: str
    domain: str | None = None
    """The domain of the content host for a team on its own cluster."""


@dataclass(frozen=True)
class VolumeEntryStat:
    """One entry of a volume."""

    name: str
    type: FileType
    path: str
    size: int
    mode: int
    """The permission bits."""
    uid: int
    """The owner as sandboxes see it (1000 is ``user``)."""
    gid: int
    atime: datetime
    mtime: datetime
    ctime: datetime
    target: str | None = None
    """Where a symlink points."""

    @classmethod
    def _read(cls, entry: ctypes._Pointer[b.e2b_volume_entry]) -> VolumeEntryStat:
        target = b.e2b_volume_entry_target(entry)
        kind = b.e2b_volume_entry_type(entry)
        return cls(
            name=(b.e2b_volume_entry_name(entry) or b"").decode(),
            type=FileType(kind) if kind in FileType._value2member_map_ else FileType.OTHER,
            path=(b.e2b_volume_entry_path(entry) or b"").decode(),
            size=b.e2b_volume_entry_size(entry),
            mode=b.e2b_volume_entry_mode(entry),
            uid=b.e2b_volume_entry_uid(entry),
            gid=b.e2b_volume_entry_gid(entry),
            atime=parse_time((b.e2b_volume_entry_atime(entry) or b"").decode()),
            mtime=parse_time((b.e2b_volume_entry_mtime(entry) or b"").decode()),
            ctime=parse_time((b.e2b_volume_entry_ctime(entry) or b"").decode()),
            target=target.decode() if target else None,
        )

    @classmethod
    def _take(cls, entry: ctypes._Pointer[b.e2b_volume_entry]) -> VolumeEntryStat:
        with owned(entry, b.e2b_volume_entry_free):
            return cls._read(entry)


class _WriteOptions:
    """``e2b_volume_write_options`` from the values given (``None``: unset)."""

    def __init__(self, call: Call, uid: int | None, gid: int | None, mode: int | None,
                 force: bool | None) -> None:
        self._ptr = b.e2b_volume_write_options_new()
        for setter, value in ((b.e2b_volume_write_options_set_uid, uid), (b.e2b_volume_write_options_set_gid, gid),
                              (b.e2b_volume_write_options_set_mode, mode)):
            if value is not None:
                call.check(setter(self._ptr, value, call.err))
        if force is not None:
            call.check(b.e2b_volume_write_options_set_force(self._ptr, force, call.err))

    def __enter__(self) -> ctypes._Pointer[b.e2b_volume_write_options]:
        return self._ptr

    def __exit__(self, *exc_info: object) -> None:
        b.e2b_volume_write_options_free(self._ptr)


class Volume(Handle[b.e2b_volume]):
    """A volume, connected: its id, name and content token. Thread-safe.
    ``close()`` releases only the handle; the volume stays until
    ``Client.destroy_volume``. The content API is reached at
    ``$E2B_VOLUME_API_URL``, else at the client's API URL."""

    _free = b.e2b_volume_free

    @property
    def volume_id(self) -> str:
        """The volume's id."""
        return (b.e2b_volume_id(self._ptr) or b"").decode()

    @property
    def name(self) -> str:
        """The volume's name (what ``volume_mounts`` takes)."""
        return (b.e2b_volume_name(self._ptr) or b"").decode()

    @property
    def token(self) -> str:
        """The content API's bearer token."""
        return (b.e2b_volume_token(self._ptr) or b"").decode()

    def list(self, path: str, depth: int | None = None, *,
             cancel: CancelToken | None = None) -> list[VolumeEntryStat]:
        """The entries under the folder `path`, `depth` levels deep (default 1)."""
        call = Call(VolumePathNotFoundException, cancel)
        out = ctypes.POINTER(b.e2b_volume_entry_list)()
        call.run(b.e2b_volume_list_dir, self._ptr, encode(path), depth or 0, ctypes.byref(out))
        with owned(out, b.e2b_volume_entry_list_free):
            return [VolumeEntryStat._read(b.e2b_volume_entry_list_get(out, i))
                    for i in range(b.e2b_volume_entry_list_len(out))]

    def make_dir(self, path: str, uid: int | None = None, gid: int | None = None, mode: int | None = None,
                 force: bool | None = None, *, cancel: CancelToken | None = None) -> VolumeEntryStat:
        """Creates the folder `path`; with `force`, its missing parents too."""
        call = Call(VolumePathNotFoundException, cancel)
        out = ctypes.POINTER(b.e2b_volume_entry)()
        with _WriteOptions(call, uid, gid, mode, force) as options:
            call.run(b.e2b_volume_make_dir, self._ptr, encode(path), options, ctypes.byref(out))
        return VolumeEntryStat._take(out)

    def exists(self, path: str, *, cancel: CancelToken | None = None) -> bool:
        """Whether `path` exists in the volume."""
        call = Call(VolumePathNotFoundException, cancel)
        exists = ctypes.c_bool()
        call.run(b.e2b_volume_exists, self._ptr, encode(path), ctypes.byref(exists))
        return exists.value

    def get_info(self, path: str, *, cancel: CancelToken | None = None) -> VolumeEntryStat:
        """What `path` is (a symlink itself, not its target)."""
        call = Call(VolumePathNotFoundException, cancel)
        out = ctypes.POINTER(b.e2b_volume_entry)()
        call.run(b.e2b_volume_get_entry_info, self._ptr, encode(path), ctypes.byref(out))
        return VolumeEntryStat._take(out)

    def update_metadata(self, path: str, uid: int | None = None, gid: int | None = None, mode: int | None = None,
                        *, cancel: CancelToken | None = None) -> VolumeEntryStat:
        """Sets the owner, group or mode of `path` (each ``None`` kept)."""
        call = Call(VolumePathNotFoundException, cancel)
        out = ctypes.POINTER(b.e2b_volume_entry)()
        with _WriteOptions(call, uid, gid, mode, None) as options:
            call.run(b.e2b_volume_update_metadata, self._ptr, encode(path), options, ctypes.byref(out))
        return VolumeEntryStat._take(out)

    @overload
    def read_file(self, path: str, format: Literal["text"] = "text", *,
                  cancel: CancelToken | None = None) -> str: ...

    @overload
    def read_file(self, path: str, format: Literal["bytes"], *, cancel: CancelToken | None = None) -> bytes: ...

    def read_file(self, path: str, format: Literal["text", "bytes"] = "text", *,
                  cancel: CancelToken | None = None) -> Union[str, bytes]:
        """The content of the file `path`, as text (UTF-8) or bytes."""
        if format not in ("text", "bytes"):
            raise ValueError(f"format must be 'text' or 'bytes', not {format!r}")
        call = Call(VolumePathNotFoundException, cancel)
        out = b.e2b_bytes()
        call.run(b.e2b_volume_read_file, self._ptr, encode(path), ctypes.byref(out))
        data = take_bytes(out)
        return data.decode() if format == "text" else data

    def read_stream(self, path: str, file: SupportsWrite, *, on_progress: ProgressCallback | None = None,
                    cancel: CancelToken | None = None) -> int:
        """Streams the file `path` into `file` (anything with
        ``write(bytes)``) in constant memory; returns the number of bytes.
        `on_progress(done, total)` is called after each chunk."""
        size = ctypes.c_uint64()
        call = Call(VolumePathNotFoundException, cancel)
        call.run(b.e2b_volume_read_stream, self._ptr, encode(path), _writer(call, file),
                 _progress(call, on_progress), None, ctypes.byref(size))
        return size.value

    def write_file(self, path: str, data: bytes | bytearray | memoryview | str, uid: int | None = None,
                   gid: int | None = None, mode: int | None = None, force: bool | None = None, *,
                   cancel: CancelToken | None = None) -> VolumeEntryStat:
        """Writes `data` (text as UTF-8) to the file `path`, creating it or
        replacing its content; its folder must exist."""
        call = Call(VolumePathNotFoundException, cancel)
        raw = content(data)
        out = ctypes.POINTER(b.e2b_volume_entry)()
        with _WriteOptions(call, uid, gid, mode, force) as options:
            call.run(b.e2b_volume_write_file, self._ptr, encode(path), raw, len(raw), options, ctypes.byref(out))
        return VolumeEntryStat._take(out)

    def write_stream(self, path: str, file: SupportsRead, *, size: int | None = None, uid: int | None = None,
                     gid: int | None = None, mode: int | None = None, force: bool | None = None,
                     on_progress: ProgressCallback | None = None,
                     cancel: CancelToken | None = None) -> VolumeEntryStat:
        """Streams `file` (anything with ``read(n) -> bytes``) to the file
        `path` in constant memory, creating it or replacing its content; its
        folder must exist. `size` is how many bytes it will give; when
        ``None`` it is found for a seekable file and unknown otherwise. A file
        that gives fewer or more bytes than `size` fails the call at once with
        ``LocalIOException``, and the volume's file stays as it was."""
        size = _stream_size(file, size)
        call = Call(VolumePathNotFoundException, cancel)
        out = ctypes.POINTER(b.e2b_volume_entry)()
        with _WriteOptions(call, uid, gid, mode, force) as options:
            call.run(b.e2b_volume_write_stream, self._ptr, encode(path), size, options, _reader(call, file),
                     _progress(call, on_progress), None, ctypes.byref(out))
        return VolumeEntryStat._take(out)

    def remove(self, path: str, *, cancel: CancelToken | None = None) -> None:
        """Removes the file or folder `path` (a folder with everything in it)."""
        Call(VolumePathNotFoundException, cancel).run(b.e2b_volume_remove, self._ptr, encode(path))


# ---- the control plane (called by Client's methods) ----

def create_volume(client: Client, name: str, cancel: CancelToken | None) -> Volume:
    call = Call(VolumeNotFoundException, cancel)
    out = ctypes.POINTER(b.e2b_volume)()
    call.run(b.e2b_client_create_volume, client._ptr, encode(name), ctypes.byref(out))
    return Volume(out)


def connect_volume(client: Client, volume_id: str, cancel: CancelToken | None) -> Volume:
    call = Call(VolumeNotFoundException, cancel)
    out = ctypes.POINTER(b.e2b_volume)()
    call.run(b.e2b_client_connect_volume, client._ptr, encode(volume_id), ctypes.byref(out))
    return Volume(out)


def get_volume_info(client: Client, volume_id: str, cancel: CancelToken | None) -> VolumeAndToken:
    call = Call(VolumeNotFoundException, cancel)
    out = ctypes.POINTER(b.e2b_volume_info)()
    call.run(b.e2b_client_get_volume_info, client._ptr, encode(volume_id), ctypes.byref(out))
    with owned(out, b.e2b_volume_info_free):
        return VolumeAndToken(volume_id=(b.e2b_volume_info_id(out) or b"").decode(),
                              name=(b.e2b_volume_info_name(out) or b"").decode(),
                              token=(b.e2b_volume_info_token(out) or b"").decode(),
                              domain=decode(b.e2b_volume_info_domain(out)))


def list_volumes(client: Client, cancel: CancelToken | None) -> list[VolumeInfo]:
    call = Call(VolumeNotFoundException, cancel)
    out = ctypes.POINTER(b.e2b_volume_list)()
    call.run(b.e2b_client_list_volumes, client._ptr, ctypes.byref(out))
    with owned(out, b.e2b_volume_list_free):
        infos = [b.e2b_volume_list_get(out, i) for i in range(b.e2b_volume_list_len(out))]
        return [VolumeInfo(volume_id=(b.e2b_volume_info_id(i) or b"").decode(),
                           name=(b.e2b_volume_info_name(i) or b"").decode()) for i in infos]


def destroy_volume(client: Client, volume_id: str, cancel: CancelToken | None) -> bool:
    call = Call(VolumeNotFoundException, cancel)
    destroyed = ctypes.c_bool()
    call.run(b.e2b_client_destroy_volume, client._ptr, encode(volume_id), ctypes.byref(destroyed))
    return destroyed.value


def set_mounts(call: Call, options: ctypes._Pointer[b.e2b_sandbox_options],
               mounts: Mapping[str, Union[Volume, str]]) -> None:
    """Adds `mounts` (path to ``Volume`` or volume name) to sandbox options."""
    for path, volume in mounts.items():
        name = volume.name if isinstance(volume, Volume) else volume
        call.check(b.e2b_sandbox_options_set_volume_mount(options, encode(path), encode(name), call.err))


def mounts_of(info: ctypes._Pointer[b.e2b_sandbox_info]) -> dict[str, str]:
    """A sandbox's volume mounts: path to volume name."""
    return pairs(info, b.e2b_sandbox_info_volume_mounts_len, b.e2b_sandbox_info_volume_mounts_key,
                 b.e2b_sandbox_info_volume_mounts_value)
