"""libe2b: a client for E2B cloud sandboxes, over libe2b's C ABI.

    import libe2b

    client = libe2b.Client()  # E2B_API_KEY etc. from the environment
    with client.create_sandbox() as sandbox:  # killed when the block ends
        sandbox.files.write("/home/user/hello.txt", "hi")
        print(sandbox.commands.run("cat hello.txt").stdout_text)

The shared library is loaded by full path when this package is imported:
``LIBE2B_PATH`` if set, else the copy bundled at install time, else the
checkout's ``target/release``. ``library_path`` tells which.
"""

from . import _bindings
from ._bindings import ABI_VERSION, ErrorCode, FilesystemEventType, FileType, ListOrder, SandboxState, Stream, library_path
from ._cancel import CancelToken
from ._client import Client, SandboxPaginator
from ._code import Context, Execution, ExecutionError, Logs, OutputMessage, Result
from ._commands import CommandHandle, CommandResult, Commands, OutputChunk, ProcessInfo
from ._errors import (
    AuthenticationException,
    CancelledException,
    CommandExitException,
    ConflictException,
    FileNotFoundException,
    GitAuthException,
    GitUpstreamException,
    InvalidArgumentException,
    LocalIOException,
    NetworkException,
    NotEnoughSpaceException,
    NotFoundException,
    PermissionDeniedException,
    RateLimitException,
    SandboxException,
    SandboxNotFoundException,
    SandboxNotRunningException,
    TimeoutException,
)
from ._pty import InputStream, Pty, PtySize
from ._files import DirProgress, EntryInfo, FileReader, Filesystem, FilesystemEvent, WatchHandle
from ._git import ConfigScope, Git, GitBranches, GitFileChange, GitFileStatus, GitStatus, ResetMode
from ._metrics import SandboxMetrics
from ._sandbox import Sandbox, SandboxInfo
from ._snapshots import MAX_FORK_COUNT, SnapshotInfo, SnapshotMode, SnapshotPaginator
from ._volume import (
    Volume,
    VolumeAndToken,
    VolumeEntryStat,
    VolumeInfo,
    VolumeNotFoundException,
    VolumePathNotFoundException,
)

library_version: str = (_bindings.e2b_version() or b"").decode()
"""The version of the loaded shared library, e.g. "0.1.0"."""

__all__ = [
    "ABI_VERSION",
    "AuthenticationException",
    "CancelToken",
    "CancelledException",
    "Client",
    "CommandExitException",
    "CommandHandle",
    "CommandResult",
    "Commands",
    "ConfigScope",
    "ConflictException",
    "Context",
    "DirProgress",
    "EntryInfo",
    "ErrorCode",
    "Execution",
    "ExecutionError",
    "FileNotFoundException",
    "FileReader",
    "FileType",
    "Filesystem",
    "FilesystemEvent",
    "FilesystemEventType",
    "Git",
    "GitAuthException",
    "GitBranches",
    "GitFileChange",
    "GitFileStatus",
    "GitStatus",
    "GitUpstreamException",
    "InputStream",
    "InvalidArgumentException",
    "ListOrder",
    "LocalIOException",
    "Logs",
    "MAX_FORK_COUNT",
    "NetworkException",
    "NotEnoughSpaceException",
    "NotFoundException",
    "OutputChunk",
    "OutputMessage",
    "PermissionDeniedException",
    "ProcessInfo",
    "Pty",
    "PtySize",
    "RateLimitException",
    "ResetMode",
    "Result",
    "Sandbox",
    "SandboxException",
    "SandboxInfo",
    "SandboxMetrics",
    "SandboxNotFoundException",
    "SandboxNotRunningException",
    "SandboxPaginator",
    "SandboxState",
    "SnapshotInfo",
    "SnapshotMode",
    "SnapshotPaginator",
    "Stream",
    "TimeoutException",
    "Volume",
    "VolumeAndToken",
    "VolumeEntryStat",
    "VolumeInfo",
    "VolumeNotFoundException",
    "VolumePathNotFoundException",
    "WatchHandle",
    "library_path",
    "library_version",
]
