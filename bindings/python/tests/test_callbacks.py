"""Callbacks: kept alive for the whole call, and an exception raised in one
aborts the operation and comes out of the call, neither swallowed nor
printed."""

from __future__ import annotations

import gc
import io
import os
from pathlib import Path

import pytest

import libe2b

DATA = os.urandom(2 * 1024 * 1024)


class Stop(Exception):
    pass


class Interrupt(BaseException):
    """Like KeyboardInterrupt: not an Exception, still re-raised."""


def test_callbacks_survive_garbage_collection_during_the_call(sandbox: libe2b.Sandbox) -> None:
    calls = 0

    def on_progress(done: int, total: int) -> None:
        nonlocal calls
        calls += 1
        gc.collect()

    sandbox.files.write_stream("gc.bin", io.BytesIO(DATA), on_progress=on_progress)
    sink = io.BytesIO()
    sandbox.files.read_stream("gc.bin", sink, on_progress=on_progress)
    assert sink.getvalue() == DATA and calls > 2


@pytest.mark.parametrize("raised", [Stop("progress"), Interrupt("progress")])
def test_an_exception_in_a_progress_callback_is_raised_by_the_call(
        sandbox: libe2b.Sandbox, capfd: pytest.CaptureFixture[str], raised: BaseException) -> None:
    def on_progress(done: int, total: int) -> None:
        raise raised

    with pytest.raises(type(raised)) as caught:
        sandbox.files.write_stream("aborted.bin", io.BytesIO(DATA), on_progress=on_progress)
    assert caught.value is raised
    sandbox.files.write("ok.bin", DATA)
    with pytest.raises(type(raised)):
        sandbox.files.read_stream("ok.bin", io.BytesIO(), on_progress=on_progress)
    assert capfd.readouterr().err == ""


def test_an_exception_in_a_file_object_is_raised_by_the_call(sandbox: libe2b.Sandbox) -> None:
    class Broken(io.RawIOBase):
        def readable(self) -> bool:
            return True

        def readinto(self, buffer: object) -> int:
            raise Stop("read")

    with pytest.raises(Stop, match="read"):
        sandbox.files.write_stream("broken.bin", Broken())

    class Full:
        def write(self, data: bytes) -> int:
            raise OSError("disk full")

    sandbox.files.write("full.bin", b"x")
    with pytest.raises(OSError, match="disk full"):
        sandbox.files.read_stream("full.bin", Full())


def test_the_call_after_an_aborted_one_works(sandbox: libe2b.Sandbox) -> None:
    def on_progress(done: int, total: int) -> None:
        raise Stop()

    with pytest.raises(Stop):
        sandbox.files.upload_file(__file__, "self.py", on_progress=on_progress)
    sandbox.files.upload_file(__file__, "self.py")
    assert sandbox.files.read("self.py") == Path(__file__).read_bytes()
