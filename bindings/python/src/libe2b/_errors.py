"""The exceptions libe2b raises, in a hierarchy like the official SDK's."""

from __future__ import annotations

import ctypes
from typing import TYPE_CHECKING

from . import _bindings as b
from ._bindings import ErrorCode

if TYPE_CHECKING:
    from ._commands import CommandResult


class SandboxException(Exception):
    """The base of every error libe2b reports.

    Attributes:
        code: what went wrong: an ``ErrorCode`` (a plain ``int`` for a code
            newer than these bindings).
        message: the library's description.
        http_status: the HTTP status of the response behind the error, or
            ``None`` when there was none.
        retry_after: how long the server asked to wait before trying again
            (its ``Retry-After``), in seconds; ``None`` when it did not say.
            Mostly on ``RateLimitException``.
        callback_value: when a callback stopped the call
            (``ErrorCode.CALLBACK_ABORTED``), the value it returned;
            ``None`` otherwise. (A Python callback stops a call by raising,
            and the call raises that exception instead.)
    """

    def __init__(self, message: str, code: int = ErrorCode.API, http_status: int | None = None, *,
                 retry_after: float | None = None, callback_value: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.http_status = http_status
        self.retry_after = retry_after
        self.callback_value = callback_value


class InvalidArgumentException(SandboxException):
    """An argument was rejected, by the library or by the server (HTTP 400)."""


class TimeoutException(SandboxException):
    """A deadline passed: the request's, the command's or the run's."""


class SandboxNotRunningException(TimeoutException):
    """The sandbox stopped answering while in use: killed, paused or expired
    (``ErrorCode.SANDBOX_GONE``)."""


class NetworkException(SandboxException):
    """The connection failed or dropped, or TLS failed."""


class AuthenticationException(SandboxException):
    """A missing or wrong API key or access token (HTTP 401)."""


class PermissionDeniedException(SandboxException):
    """The server refused the request (HTTP 403)."""


class NotFoundException(SandboxException):
    """Something does not exist: a process, a template, a code context, a watch."""


class FileNotFoundException(NotFoundException):
    """A file or directory does not exist in the sandbox."""


class SandboxNotFoundException(NotFoundException):
    """The sandbox does not exist: killed, expired, or never created."""


class ConflictException(SandboxException):
    """Something already exists, or is in a conflicting state (HTTP 409)."""


class RateLimitException(SandboxException):
    """Too many requests (HTTP 429); ``retry_after`` says how long to wait, if the server said."""


class NotEnoughSpaceException(SandboxException):
    """The sandbox's disk is full (HTTP 507)."""


class LocalIOException(SandboxException):
    """A local file could not be read or written (uploads and downloads)."""


class CancelledException(SandboxException):
    """The call was cancelled through the ``CancelToken`` given to it
    (``ErrorCode.CANCELLED``). Ctrl-C on the main thread raises
    ``KeyboardInterrupt`` instead."""


class GitAuthException(AuthenticationException):
    """git said its credentials were missing or wrong (``sandbox.git``)."""


class GitUpstreamException(SandboxException):
    """git found no upstream branch to push to or pull from (``sandbox.git``)."""


class BuildException(SandboxException):
    """A template build failed (``Template.build``); the message is the server's reason."""


class FileUploadException(BuildException):
    """A template build's files could not be uploaded."""


class CommandExitException(SandboxException):
    """A command exited with a non-zero code; raised by ``CommandResult.check()``.

    Attributes:
        exit_code, stdout, stderr, error: as the command's ``CommandResult``.
    """

    def __init__(self, message: str, result: CommandResult) -> None:
        super().__init__(message, ErrorCode.COMMAND_EXIT)
        self.exit_code = result.exit_code
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.error = result.error


_CLASSES: dict[int, type[SandboxException]] = {
    ErrorCode.NULL_ARGUMENT: InvalidArgumentException,
    ErrorCode.INVALID_ARGUMENT: InvalidArgumentException,
    ErrorCode.INVALID_UTF8: InvalidArgumentException,
    ErrorCode.TIMEOUT: TimeoutException,
    ErrorCode.NETWORK: NetworkException,
    ErrorCode.TLS: NetworkException,
    ErrorCode.AUTHENTICATION: AuthenticationException,
    ErrorCode.PERMISSION_DENIED: PermissionDeniedException,
    ErrorCode.NOT_FOUND: NotFoundException,
    ErrorCode.SANDBOX_NOT_FOUND: SandboxNotFoundException,
    ErrorCode.SANDBOX_GONE: SandboxNotRunningException,
    ErrorCode.CONFLICT: ConflictException,
    ErrorCode.RATE_LIMITED: RateLimitException,
    ErrorCode.NOT_ENOUGH_SPACE: NotEnoughSpaceException,
    ErrorCode.IO: LocalIOException,
    ErrorCode.CANCELLED: CancelledException,
    ErrorCode.GIT_AUTH: GitAuthException,
    ErrorCode.GIT_UPSTREAM: GitUpstreamException,
    ErrorCode.BUILD: BuildException,
    ErrorCode.FILE_UPLOAD: FileUploadException,
}


def error_from(err: ctypes._Pointer[b.e2b_error], not_found: type[NotFoundException]) -> SandboxException:
    """The exception for the error object `err` (which the caller frees).
    `not_found` is the class for ``NOT_FOUND`` (files raise ``FileNotFoundException``)."""
    raw_code = b.e2b_error_code_of(err)
    message = (b.e2b_error_message(err) or b"").decode()
    status = b.e2b_error_http_status(err) or None
    retry_after_ms = b.e2b_error_retry_after_ms(err)
    code = ErrorCode(raw_code) if raw_code in ErrorCode._value2member_map_ else raw_code
    cls = not_found if code == ErrorCode.NOT_FOUND else _CLASSES.get(code, SandboxException)
    return cls(message, code, status, retry_after=retry_after_ms / 1000 if retry_after_ms else None,
               callback_value=b.e2b_error_callback_value(err) if code == ErrorCode.CALLBACK_ABORTED else None)
