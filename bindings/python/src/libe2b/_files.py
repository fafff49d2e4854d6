"""The sandbox's filesystem: ``sandbox.files``."""

from __future__ import annotations

import builtins
import ctypes
import io
import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Protocol

from . import _bindings as b
from ._bindings import ErrorCode, FilesystemEventType, FileType
from ._cancel import CancelToken
from ._core import (
    DEFAULTS,
    NO_LIMIT,
    Call,
    Handle,
    PathLike,
    borrowed_bytes,
    content,
    decode,
    encode,
    encode_path,
    items,
    milliseconds,
    owned,
    parse_time,
    take_bytes,
    unchecked,
)
from ._errors import FileNotFoundException

if TYPE_CHECKING:
    from ._sandbox import Sandbox

ProgressCallback = Callable[[int, int], object]
"""Called with the bytes done and the total (0 when unknown) as a transfer goes."""


@dataclass(frozen=True)
class DirProgress:
    """Where a directory transfer stands, for a progress bar that names the file in flight."""

    path: str
    """The file in flight: its path in the sandbox."""
    index: int
    """Its place among the tree's files, from 0."""
    count: int
    """How many files the tree has."""
    done: int
    """Bytes moved so far, of the whole tree."""
    total: int
    """Bytes of the whole tree."""


DirProgressCallback = Callable[[DirProgress], object]
"""Called as each file of a directory transfer starts and as its bytes move."""


class SupportsWrite(Protocol):
    def write(self, data: bytes, /) -> object: ...


class SupportsRead(Protocol):
    def read(self, size: int, /) -> bytes: ...


@dataclass(frozen=True)
class EntryInfo:
    """A file, directory or link in the sandbox."""

    name: str
    type: FileType
    path: str
    size: int
    mode: int
    permissions: str
    owner: str
    group: str
    modified_time: datetime | None
    symlink_target: str | None
    metadata: dict[str, str]

    @classmethod
    def _read(cls, entry: ctypes._Pointer[b.e2b_entry_info]) -> EntryInfo:
        return cls._from(b.e2b_entry_info_fields(entry).contents)

    @classmethod
    def _from(cls, fields: b.e2b_entry_fields) -> EntryInfo:
        """The entry the library's `fields` describe (read in one call:
        ``e2b_entry_info_fields``, ``e2b_entry_list_fields``). Made without
        ``__init__``, which sets a frozen dataclass's fields one
        ``object.__setattr__`` at a time and would cost a list of 100 entries
        more than reading them: the same attributes, set at once."""
        modified, target, count = fields.modified_time, fields.symlink_target, fields.metadata_len
        if modified:
            try:  # what parse_time does, one call fewer: since Python 3.11 this parses every time
                modified_time: datetime | None = _fromisoformat(modified.decode())
            except ValueError:
                modified_time = parse_time(modified.decode())
        else:
            modified_time = None
        entry = _new(cls)
        entry.__dict__.update({
            "name": fields.name.decode(),
            "type": _FILE_TYPES.get(fields.file_type, _OTHER),
            "path": fields.path.decode(),
            "size": fields.size,
            "mode": fields.mode,
            "permissions": fields.permissions.decode(),
            "owner": fields.owner.decode(),
            "group": fields.group.decode(),
            "modified_time": modified_time,
            "symlink_target": target.decode() if target else None,
            "metadata": {p.key.decode(): p.value.decode() for p in fields.metadata[:count]} if count else {},
        })
        return entry


_FILE_TYPES = {int(t): t for t in FileType}
_OTHER = FileType.OTHER
_new = object.__new__
_fromisoformat = datetime.fromisoformat
_EntryInfoPointer = ctypes.POINTER(b.e2b_entry_info)
_byref = ctypes.byref
_size_t = ctypes.c_size_t

# The calls made most often, without ctypes' argument checks (``unchecked``:
# their callers pass exactly the declared types).
_files_read = unchecked(b.e2b_files_read)
_files_write = unchecked(b.e2b_files_write)
_files_exists = unchecked(b.e2b_files_exists)
_files_get_info = unchecked(b.e2b_files_get_info)
_entry_info_fields = unchecked(b.e2b_entry_info_fields)
_entry_info_free = unchecked(b.e2b_entry_info_free)


@dataclass(frozen=True)
class FilesystemEvent:
    """One change in a watched directory."""

    name: str
    """The changed path, relative to the watched directory."""
    type: FilesystemEventType
    entry: EntryInfo | None
    """The entry after the change, when the watch includes entries (create, write, chmod)."""

    @classmethod
    def _read(cls, event: ctypes._Pointer[b.e2b_fs_event]) -> FilesystemEvent:
        entry = b.e2b_fs_event_entry(event)
        return cls(
            name=decode(b.e2b_fs_event_name(event)) or "",
            type=FilesystemEventType(b.e2b_fs_event_type(event)),
            entry=EntryInfo._read(entry) if entry else None,
        )


def _events(out: ctypes._Pointer[b.e2b_fs_event_list]) -> builtins.list[FilesystemEvent]:
    with owned(out, b.e2b_fs_event_list_free):
        return [FilesystemEvent._read(e) for e in items(out, b.e2b_fs_event_list_len, b.e2b_fs_event_list_get)]


class WatchHandle(Handle[b.e2b_watch]):
    """A directory watch kept by the sandbox, polled for events
    (``Filesystem.watch_dir``). Closing it (or leaving its ``with`` block)
    stops it, in the background: closing never waits for the network."""

    _free = b.e2b_watch_free

    @property
    def id(self) -> str:
        """The watch's id."""
        return decode(b.e2b_watch_id(self._ptr)) or ""

    def get_new_events(self, *, cancel: CancelToken | None = None) -> builtins.list[FilesystemEvent]:
        """The events since the last call, oldest first (possibly none)."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_fs_event_list)()
        call.run(b.e2b_watch_get_new_events, self._ptr, ctypes.byref(out))
        return _events(out)

    def next_events(self, timeout: float, *, cancel: CancelToken | None = None) -> builtins.list[FilesystemEvent]:
        """Waits up to `timeout` seconds (0: not at all; ``math.inf``: until
        an event comes) for at least one event and returns what came
        (possibly nothing; nothing, promptly, if another thread stops the
        watch meanwhile)."""
        call = Call(cancel=cancel)
        out = ctypes.POINTER(b.e2b_fs_event_list)()
        call.run(b.e2b_watch_next_events, self._ptr, milliseconds(timeout), ctypes.byref(out))
        return _events(out)

    def stop(self, *, cancel: CancelToken | None = None) -> None:
        """Stops the watch: polling it afterwards fails, and a ``next_events``
        waiting in another thread returns an empty list promptly. Stopping
        twice is harmless; a cancelled stop leaves the watcher to end with
        the sandbox."""
        call = Call(cancel=cancel)
        call.run(b.e2b_watch_stop, self._ptr)


class FileReader(io.RawIOBase):
    """A file in the sandbox read as a stream (``Filesystem.open``): a
    binary, read-only raw stream, to wrap in ``io.BufferedReader`` for
    small reads. Each read is cancelled by the token in ``cancel`` (set it
    any time; ``None``: only Ctrl-C). A cancelled read closes the
    transfer: later reads fail."""

    def __init__(self, reader: ctypes._Pointer[b.e2b_file_reader], cancel: CancelToken | None = None) -> None:
        super().__init__()
        self._reader: ctypes._Pointer[b.e2b_file_reader] | None = reader
        self.cancel = cancel
        """The token that cancels each read."""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        """Reads up to ``len(buffer)`` bytes into `buffer`; 0 at the end of the file."""
        if self._reader is None:
            raise ValueError("read from a closed FileReader")
        view = memoryview(buffer).cast("B")
        if not view.nbytes:
            return 0
        target = (ctypes.c_uint8 * view.nbytes).from_buffer(view)
        count = ctypes.c_size_t()
        call = Call(cancel=self.cancel)
        call.run(b.e2b_file_reader_read, self._reader, target, view.nbytes, ctypes.byref(count))
        return count.value

    def close(self) -> None:
        """Closes the transfer."""
        reader, self._reader = self._reader, None
        b.e2b_file_reader_free(reader)
        super().close()


class Filesystem:
    """The filesystem of a sandbox (``sandbox.files``).

    Paths are absolute or relative to the user's home. Every method takes
    ``user`` (the sandbox's default user if ``None``), which owns what is
    written and whose home relative paths start at, and ``cancel``, a
    ``CancelToken`` that cancels the call; transfers take ``gzip`` to
    compress them on the wire. A missing file raises
    ``FileNotFoundException``.
    """

    def __init__(self, sandbox: Sandbox) -> None:
        self._sandbox = sandbox

    @staticmethod
    def _options(call: Call, user: str | None, gzip: bool = False, metadata: Mapping[str, str] | None = None,
                 allow_network_mounts: bool = False) -> owned[Any]:
        """The file options for `user`, `gzip`, `metadata` and
        `allow_network_mounts`, freed when the ``with`` block ends
        (``DEFAULTS`` when none is given)."""
        if user is None and not gzip and not metadata and not allow_network_mounts:
            return DEFAULTS
        return owned(Filesystem._new_options(call, user, gzip, metadata, allow_network_mounts),
                     b.e2b_files_options_free)

    @staticmethod
    def _new_options(call: Call, user: str | None, gzip: bool = False, metadata: Mapping[str, str] | None = None,
                     allow_network_mounts: bool = False) -> Any:
        """New file options, as ``_options`` makes them, for the caller to free
        (the calls made most often skip ``_options`` when given none: its
        ``with`` block costs them more than the rest of their Python)."""
        options = b.e2b_files_options_new()
        try:
            if user is not None:
                call.check(b.e2b_files_options_set_user(options, encode(user), call.err))
            if gzip:
                call.check(b.e2b_files_options_set_gzip(options, True, call.err))
            for key, value in (metadata or {}).items():
                call.check(b.e2b_files_options_set_metadata(options, encode(key), encode(value), call.err))
            if allow_network_mounts:
                call.check(b.e2b_files_options_set_allow_network_mounts(options, True, call.err))
        except BaseException:
            b.e2b_files_options_free(options)
            raise
        return options

    def read(self, path: str, *, user: str | None = None, gzip: bool = False,
             cancel: CancelToken | None = None) -> bytes:
        """The whole file at `path`, as bytes (never transcoded)."""
        out = b.e2b_bytes()
        call = Call(FileNotFoundException, cancel)
        options = None if user is None and not gzip else self._new_options(call, user, gzip)
        try:
            call.run(_files_read, self._sandbox._ptr, encode(path), options, _byref(out))
        finally:
            if options is not None:
                b.e2b_files_options_free(options)
        return take_bytes(out)

    def read_text(self, path: str, *, encoding: str = "utf-8", errors: str = "strict", user: str | None = None,
                  gzip: bool = False, cancel: CancelToken | None = None) -> str:
        """The whole file at `path`, decoded."""
        return self.read(path, user=user, gzip=gzip, cancel=cancel).decode(encoding, errors)

    def read_stream(self, path: str, file: SupportsWrite, *, on_progress: ProgressCallback | None = None,
                    user: str | None = None, gzip: bool = False, cancel: CancelToken | None = None) -> int:
        """Streams the file at `path` into `file` (anything with
        ``write(bytes)``) in constant memory; returns the number of bytes."""
        size = ctypes.c_uint64()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip) as options:
            call.run(b.e2b_files_read_stream, self._sandbox._ptr, encode(path), options, _writer(call, file),
                     _progress(call, on_progress), None, ctypes.byref(size))
        return size.value

    def open(self, path: str, *, user: str | None = None, gzip: bool = False,
             cancel: CancelToken | None = None) -> FileReader:
        """Opens the file at `path` for reading as a stream (close it, or use
        ``with``). `cancel` cancels the opening only; set the reader's
        ``cancel`` for its reads."""
        out = ctypes.POINTER(b.e2b_file_reader)()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip) as options:
            call.run(b.e2b_files_open_read, self._sandbox._ptr, encode(path), options, ctypes.byref(out))
        return FileReader(out)

    def write(self, path: str, data: bytes | bytearray | memoryview | str, *, user: str | None = None,
              gzip: bool = False, metadata: Mapping[str, str] | None = None,
              cancel: CancelToken | None = None) -> None:
        """Writes `data` (text as UTF-8) to the file at `path`, replacing it,
        and creating missing parent directories. Uploads are atomic: a
        cancelled one leaves the old file in place.

        `metadata` becomes the file's user metadata (extended attributes,
        read back, keys lowercased, in ``EntryInfo.metadata``); each write
        replaces all of it, and a write without it clears it. Keys must be
        HTTP tokens and values printable ASCII, else
        ``InvalidArgumentException`` before anything is sent."""
        data = content(data)
        call = Call(FileNotFoundException, cancel)
        plain = user is None and not gzip and not metadata
        options = None if plain else self._new_options(call, user, gzip, metadata)
        try:
            call.run(_files_write, self._sandbox._ptr, encode(path), data, _size_t(len(data)), options)
        finally:
            if options is not None:
                b.e2b_files_options_free(options)

    def write_stream(self, path: str, file: SupportsRead, *, size: int | None = None,
                     on_progress: ProgressCallback | None = None, user: str | None = None,
                     gzip: bool = False, metadata: Mapping[str, str] | None = None,
                     cancel: CancelToken | None = None) -> None:
        """Streams `file` (anything with ``read(n) -> bytes``) to the file at
        `path` in constant memory. `size` is how many bytes it will give;
        when ``None`` it is found for a seekable file and unknown otherwise.
        A file that gives fewer or more bytes than `size` fails the call at
        once with ``LocalIOException``. `metadata` as for ``write``."""
        size = _stream_size(file, size)
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip, metadata) as options:
            call.run(b.e2b_files_write_stream, self._sandbox._ptr, encode(path), size, options,
                     _reader(call, file), _progress(call, on_progress), None)

    def write_files(self, files: Mapping[str, bytes | bytearray | memoryview | str], *, user: str | None = None,
                    gzip: bool = False, metadata: Mapping[str, str] | None = None,
                    cancel: CancelToken | None = None) -> None:
        """Writes several files (path to contents) in one request, creating
        missing parent directories; each gets `metadata` (as for ``write``)."""
        contents = [(encode(path), content(data)) for path, data in files.items()]  # alive during the call
        entries = (b.e2b_write_entry * len(contents))(*[
            b.e2b_write_entry(path, ctypes.cast(ctypes.c_char_p(data), ctypes.c_void_p).value, len(data))
            for path, data in contents
        ])
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip, metadata) as options:
            call.run(b.e2b_files_write_files, self._sandbox._ptr, entries, len(contents), options)

    def upload_file(self, local_path: PathLike, path: str, *, on_progress: ProgressCallback | None = None,
                    user: str | None = None, gzip: bool = False, metadata: Mapping[str, str] | None = None,
                    cancel: CancelToken | None = None) -> None:
        """Uploads the local file `local_path` to `path`, streaming, with
        `metadata` (as for ``write``)."""
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip, metadata) as options:
            call.run(b.e2b_files_upload_file, self._sandbox._ptr, encode_path(local_path), encode(path), options,
                     _progress(call, on_progress), None)

    def download_file(self, path: str, local_path: PathLike, *, on_progress: ProgressCallback | None = None,
                      user: str | None = None, gzip: bool = False, cancel: CancelToken | None = None) -> None:
        """Downloads the file at `path` to the local file `local_path`,
        streaming; the local file appears only once complete."""
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip) as options:
            call.run(b.e2b_files_download_file, self._sandbox._ptr, encode(path), encode_path(local_path), options,
                     _progress(call, on_progress), None)

    def upload_dir(self, local_dir: PathLike, path: str, *, on_progress: DirProgressCallback | None = None,
                   user: str | None = None, gzip: bool = False, cancel: CancelToken | None = None) -> int:
        """Uploads the local directory tree `local_dir` to `path`; returns the
        number of files. Symbolic links are skipped wherever they point, never
        followed. Progress names the file in flight and counts the bytes of
        the whole tree."""
        count = ctypes.c_size_t()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip) as options:
            call.run(b.e2b_files_upload_dir, self._sandbox._ptr, encode_path(local_dir), encode(path), options,
                     _dir_progress(call, on_progress), None, ctypes.byref(count))
        return count.value

    def download_dir(self, path: str, local_dir: PathLike, *, on_progress: DirProgressCallback | None = None,
                     user: str | None = None, gzip: bool = False, cancel: CancelToken | None = None) -> int:
        """Downloads the directory tree at `path` into `local_dir` (created if
        missing); returns the number of files. Symbolic links are skipped
        wherever they point, never followed: the sandbox reports only where a
        link resolves, so it cannot be recreated, and its target may lie
        outside the tree. Progress names the file in flight and counts the
        bytes of the whole tree."""
        count = ctypes.c_size_t()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, gzip) as options:
            call.run(b.e2b_files_download_dir, self._sandbox._ptr, encode(path), encode_path(local_dir), options,
                     _dir_progress(call, on_progress), None, ctypes.byref(count))
        return count.value

    def download_url(self, path: str, *, expires_in: float | None = None, user: str | None = None,
                     cancel: CancelToken | None = None) -> str:
        """A URL from which any program can download the file at `path`,
        signed with the sandbox's access token, valid for `expires_in`
        seconds, rounded up to whole seconds (``None`` or 0: until the
        sandbox ends). Made locally, without I/O."""
        out = b.e2b_bytes()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user) as options:
            call.run(b.e2b_files_download_url, self._sandbox._ptr, encode(path), milliseconds(expires_in), options,
                     ctypes.byref(out))
        return take_bytes(out).decode()

    def upload_url(self, path: str, *, expires_in: float | None = None, user: str | None = None,
                   cancel: CancelToken | None = None) -> str:
        """A URL to which any program can upload the file `path` with a
        multipart POST (field ``file``), signed like ``download_url``."""
        out = b.e2b_bytes()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user) as options:
            call.run(b.e2b_files_upload_url, self._sandbox._ptr, encode(path), milliseconds(expires_in), options,
                     ctypes.byref(out))
        return take_bytes(out).decode()

    def list(self, path: str, *, depth: int = 1, user: str | None = None,
             cancel: CancelToken | None = None) -> builtins.list[EntryInfo]:
        """The entries of the directory at `path` and of its subdirectories
        down to `depth` levels (1: the directory only)."""
        out = ctypes.POINTER(b.e2b_entry_list)()
        call = Call(FileNotFoundException, cancel)
        options = None if user is None else self._new_options(call, user)
        try:
            call.run(b.e2b_files_list, self._sandbox._ptr, encode(path), depth, options, _byref(out))
        finally:
            if options is not None:
                b.e2b_files_options_free(options)
        try:
            count = ctypes.c_size_t()
            fields = b.e2b_entry_list_fields(out, _byref(count))
            entry = EntryInfo._from
            return [entry(fields[i].contents) for i in range(count.value)]
        finally:
            b.e2b_entry_list_free(out)

    def exists(self, path: str, *, user: str | None = None, cancel: CancelToken | None = None) -> bool:
        """Whether anything exists at `path`."""
        exists = ctypes.c_bool()
        call = Call(FileNotFoundException, cancel)
        options = None if user is None else self._new_options(call, user)
        try:
            call.run(_files_exists, self._sandbox._ptr, encode(path), options, _byref(exists))
        finally:
            if options is not None:
                b.e2b_files_options_free(options)
        return exists.value

    def get_info(self, path: str, *, user: str | None = None, cancel: CancelToken | None = None) -> EntryInfo:
        """What is at `path` (a final symbolic link is not followed)."""
        out = _EntryInfoPointer()
        call = Call(FileNotFoundException, cancel)
        options = None if user is None else self._new_options(call, user)
        try:
            call.run(_files_get_info, self._sandbox._ptr, encode(path), options, _byref(out))
        finally:
            if options is not None:
                b.e2b_files_options_free(options)
        try:
            return EntryInfo._from(_entry_info_fields(out).contents)
        finally:
            _entry_info_free(out)

    def make_dir(self, path: str, *, user: str | None = None, cancel: CancelToken | None = None) -> bool:
        """Creates the directory `path` and missing parents; ``False`` if it
        already existed."""
        created = ctypes.c_bool()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user) as options:
            call.run(b.e2b_files_make_dir, self._sandbox._ptr, encode(path), options, ctypes.byref(created))
        return created.value

    def remove(self, path: str, *, user: str | None = None, cancel: CancelToken | None = None) -> None:
        """Removes the file or directory tree at `path`; nothing there is no error."""
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user) as options:
            call.run(b.e2b_files_remove, self._sandbox._ptr, encode(path), options)

    def rename(self, old_path: str, new_path: str, *, user: str | None = None,
               cancel: CancelToken | None = None) -> EntryInfo:
        """Moves `old_path` to `new_path`, creating missing parents; returns the moved entry."""
        out = ctypes.POINTER(b.e2b_entry_info)()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user) as options:
            call.run(b.e2b_files_rename, self._sandbox._ptr, encode(old_path), encode(new_path), options,
                     ctypes.byref(out))
        with owned(out, b.e2b_entry_info_free):
            return EntryInfo._read(out)

    def watch_dir(self, path: str, *, recursive: bool = False, include_entry: bool = False,
                  allow_network_mounts: bool = False, user: str | None = None,
                  cancel: CancelToken | None = None) -> WatchHandle:
        """Starts watching the directory `path` (and its subdirectories if
        `recursive`; with each changed entry's info if `include_entry`).
        A directory on a network or FUSE mount, whose changes may go
        unreported, raises ``InvalidArgumentException`` unless
        `allow_network_mounts`. Poll the handle; close it (or use ``with``)
        to stop. `cancel` applies to starting the watch only."""
        out = ctypes.POINTER(b.e2b_watch)()
        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, allow_network_mounts=allow_network_mounts) as options:
            call.run(b.e2b_files_watch_dir, self._sandbox._ptr, encode(path), recursive, include_entry, options,
                     ctypes.byref(out))
        return WatchHandle(out)

    def watch_dir_stream(self, path: str, on_event: Callable[[FilesystemEvent], object], *, timeout: float = 60,
                         recursive: bool = False, include_entry: bool = False,
                         allow_network_mounts: bool = False, user: str | None = None,
                         cancel: CancelToken | None = None) -> None:
        """Watches the directory `path` over one stream, calling `on_event`
        with each event as it comes, until `on_event` returns ``False`` or
        `timeout` seconds pass (0: no limit). `allow_network_mounts` as for
        ``watch_dir``."""
        stopped = False

        def forward(event: ctypes._Pointer[b.e2b_fs_event]) -> int:
            nonlocal stopped
            stopped = on_event(FilesystemEvent._read(event)) is False
            return int(stopped)

        call = Call(FileNotFoundException, cancel)
        with self._options(call, user, allow_network_mounts=allow_network_mounts) as options:
            callback = call.callback(b.e2b_fs_event_cb, forward)
            code = call.blocking(b.e2b_files_watch_dir_stream, self._sandbox._ptr, encode(path), recursive,
                                 include_entry, milliseconds(timeout, zero=NO_LIMIT), options, callback, None)
            call.check(code, ok=ErrorCode.CALLBACK_ABORTED if stopped else ErrorCode.OK)


def _writer(call: Call, file: SupportsWrite) -> Any:
    """A C data callback that writes each chunk to `file`."""

    def forward(data: int | None, length: int) -> int:
        file.write(borrowed_bytes(data, length))
        return 0

    return call.callback(b.e2b_data_cb, forward)


def _reader(call: Call, file: SupportsRead) -> Any:
    """A C read callback that fills the library's buffer from `file`."""

    def supply(buffer: int, capacity: int) -> int:
        data = file.read(capacity)
        if len(data) > capacity:
            raise ValueError(f"read({capacity}) returned {len(data)} bytes")
        ctypes.memmove(buffer, data, len(data))
        return len(data)

    return call.callback(b.e2b_read_cb, supply, aborted=-1)


def _stream_size(file: SupportsRead, size: int | None) -> int:
    """The size argument of a streaming write: `size`, else what is left of a
    seekable `file`, else -1 (unknown)."""
    if size is None and isinstance(file, io.IOBase) and file.seekable():
        position = file.tell()
        size = file.seek(0, os.SEEK_END) - position
        file.seek(position)
    return -1 if size is None else size


def _progress(call: Call, on_progress: ProgressCallback | None) -> Any:
    """`on_progress` as a C progress callback (NULL if ``None``)."""
    if on_progress is None:
        return b.e2b_progress_cb()

    def forward(done: int, total: int) -> int:
        on_progress(done, total)
        return 0

    return call.callback(b.e2b_progress_cb, forward)


def _dir_progress(call: Call, on_progress: DirProgressCallback | None) -> Any:
    """`on_progress` as a C directory progress callback (NULL if ``None``)."""
    if on_progress is None:
        return b.e2b_dir_progress_cb()

    def forward(progress: Any) -> int:
        p = progress.contents
        on_progress(DirProgress(p.path.decode("utf-8", "replace"), p.index, p.count, p.done, p.total))
        return 0

    return call.callback(b.e2b_dir_progress_cb, forward)
