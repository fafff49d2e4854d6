"""One client and one sandbox used from several threads at once; the GIL is
released while the library works."""

from __future__ import annotations

import io
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import libe2b


def test_one_client_from_several_threads(client: libe2b.Client) -> None:
    def work(n: int) -> bytes:
        with client.create_sandbox(metadata={"thread": str(n)}) as sandbox:
            sandbox.files.write("n.txt", str(n))
            assert client.get_info(sandbox.sandbox_id).metadata == {"thread": str(n)}
            return sandbox.files.read("n.txt")

    with ThreadPoolExecutor(max_workers=4) as pool:
        assert list(pool.map(work, range(8))) == [str(n).encode() for n in range(8)]


def test_one_sandbox_from_several_threads(sandbox: libe2b.Sandbox) -> None:
    def work(n: int) -> bool:
        for i in range(5):
            data = f"{n}-{i}".encode() * 1000
            sandbox.files.write(f"t{n}.txt", data)
            assert sandbox.files.read(f"t{n}.txt") == data
        return True

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert all(pool.map(work, range(8)))


def test_the_gil_is_released_during_a_call(sandbox: libe2b.Sandbox) -> None:
    done = threading.Event()

    def sleep() -> None:
        sandbox.commands.run("sleep 2")
        done.set()

    thread = threading.Thread(target=sleep)
    started = time.monotonic()
    thread.start()
    reads = 0
    while not done.is_set() and time.monotonic() - started < 10:
        sandbox.files.write("meanwhile.txt", str(reads))
        reads += 1
    thread.join()
    assert done.is_set() and reads > 5


def test_callbacks_run_on_the_calling_thread(sandbox: libe2b.Sandbox) -> None:
    threads: set[int] = set()
    sandbox.files.write("cb.bin", b"x" * 100_000)

    def read(n: int) -> None:
        sandbox.files.read_stream("cb.bin", io.BytesIO(),
                                  on_progress=lambda done, total: threads.add(threading.get_ident()))

    workers = [threading.Thread(target=read, args=(n,)) for n in range(3)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert threads == {worker.ident for worker in workers}
