"""The E2B quickstart in Python, with libe2b: create a sandbox, write and
read files, run code, watch a directory, upload and download, pause it,
resume it by id, find it in the list, connect to it, and kill it.

Uses E2B_API_KEY (and E2B_API_URL / E2B_SANDBOX_URL for e2b-local) from the
environment. Against a local server:

    scripts/with-e2b-local.sh python examples/python/quickstart.py
"""

import os
import tempfile
from pathlib import Path

import libe2b


def main() -> None:
    client = libe2b.Client()

    # Create a sandbox with the code interpreter, alive for five minutes.
    sandbox = client.create_sandbox("code-interpreter-v1", timeout=300, metadata={"example": "quickstart"})
    sandbox_id = sandbox.sandbox_id
    print(f"created sandbox {sandbox_id} (envd {sandbox.envd_version})")

    # Write a file and read it back: contents are bytes; str is written as UTF-8.
    sandbox.files.write("/home/user/hello.txt", "Hello from Python!\n")
    print("read back:", sandbox.files.read_text("/home/user/hello.txt"), end="")

    # Run code; its output streams to the callbacks, and the result comes back.
    execution = sandbox.run_code("import math\nprint('pi is', math.pi)\nsum(range(10))",
                                 on_stdout=lambda message: print("code says:", message.line, end=""))
    print("run_code result:", execution.text)
    print("ls:", sandbox.commands.run("ls /home/user").stdout_text.split())

    # Watch a directory while something changes in it.
    with sandbox.files.watch_dir("/home/user") as watch:
        sandbox.files.write("/home/user/watched.txt", "changed")
        for event in watch.next_events(timeout=5):
            print(f"event: {event.type.name} {event.name}")

    # Upload a local file and download it again, with progress.
    with tempfile.TemporaryDirectory() as tmp:
        local = Path(tmp) / "data.bin"
        local.write_bytes(os.urandom(1024 * 1024))
        sandbox.files.upload_file(local, "/home/user/data.bin",
                                  on_progress=lambda done, total: done == total and print(f"uploaded {done} bytes"))
        sandbox.files.download_file("/home/user/data.bin", Path(tmp) / "back.bin")
        assert (Path(tmp) / "back.bin").read_bytes() == local.read_bytes()
        print("downloaded it back intact")

    # Pause it: the filesystem and memory are kept. Then resume it by id.
    sandbox.pause()
    sandbox.close()
    print(f"paused sandbox {sandbox_id}")
    sandbox = client.resume(sandbox_id, timeout=60)
    print("after resume:", sandbox.files.read_text("/home/user/hello.txt"), end="")

    # Find it among the running sandboxes, and connect to it by id.
    for info in client.list_sandboxes(state=[libe2b.SandboxState.RUNNING], metadata={"example": "quickstart"}):
        print(f"listed: {info.sandbox_id} (template {info.template_id}, ends {info.end_at:%H:%M:%S})")
    with client.connect(sandbox_id) as connected:  # leaving the block kills the sandbox
        print("connected; running:", connected.is_running())
    sandbox.close()

    # Resuming a killed sandbox fails.
    try:
        client.resume(sandbox_id)
    except libe2b.SandboxNotFoundException as error:
        print(f"killed: resume fails with {type(error).__name__}: {error.message}")
    client.close()


if __name__ == "__main__":
    main()
