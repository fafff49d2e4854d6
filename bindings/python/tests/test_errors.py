"""The exception hierarchy, as the official SDK's, and what every exception carries."""

from __future__ import annotations

import libe2b
from libe2b import ErrorCode


def test_the_hierarchy_mirrors_the_official_sdk() -> None:
    assert issubclass(libe2b.FileNotFoundException, libe2b.NotFoundException)
    assert issubclass(libe2b.SandboxNotFoundException, libe2b.NotFoundException)
    assert issubclass(libe2b.SandboxNotRunningException, libe2b.TimeoutException)
    assert issubclass(libe2b.CancelledException, libe2b.SandboxException)
    assert not issubclass(libe2b.CancelledException, libe2b.TimeoutException)
    assert issubclass(libe2b.GitAuthException, libe2b.AuthenticationException)
    assert issubclass(libe2b.VolumeNotFoundException, libe2b.NotFoundException)
    assert not issubclass(libe2b.GitUpstreamException, libe2b.AuthenticationException)
    exceptions = [getattr(libe2b, name) for name in libe2b.__all__ if name.endswith("Exception")]
    assert issubclass(libe2b.BuildException, libe2b.SandboxException)
    assert issubclass(libe2b.FileUploadException, libe2b.BuildException)
    assert len(exceptions) == 22
    assert all(issubclass(cls, libe2b.SandboxException) for cls in exceptions)
    assert issubclass(libe2b.SandboxException, Exception)


def test_an_exception_carries_code_message_and_status() -> None:
    error = libe2b.RateLimitException("slow down", ErrorCode.RATE_LIMITED, 429)
    assert (error.code, error.message, error.http_status, str(error)) == (
        ErrorCode.RATE_LIMITED, "slow down", 429, "slow down")
    assert libe2b.SandboxException("plain").http_status is None
    assert (error.retry_after, error.callback_value) == (None, None)
    limited = libe2b.RateLimitException("later", ErrorCode.RATE_LIMITED, 429, retry_after=2.5)
    assert limited.retry_after == 2.5

