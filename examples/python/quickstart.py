"""The E2B story in Python, top to bottom: a custom template built with the
template builder, a sandbox from it,
code with rich results, a command, a watched directory, a folder uploaded and
downloaded back with a progress bar, pause, resume by id with a new timeout,
list and connect from a second client, kill, and the error a killed
sandbox's id gives.

    quickstart.py [TEMPLATE]

TEMPLATE (else E2B_TEMPLATE) must have the code interpreter, as E2B's
code-interpreter-v1 and every e2b-local template do; without either, the
quickstart builds its own template "quickstart" from code-interpreter-v1 (a
welcome file, an environment variable) and starts from it.
Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for e2b-local, from the
environment. Against a local server:

    scripts/with-e2b-local.sh python examples/python/quickstart.py

Ctrl-C stops whichever call is running, at once, with KeyboardInterrupt.
"""

import os
import sys
import tempfile
from pathlib import Path
from typing import Callable

import libe2b

CODE = """\
import math
print(f'pi is {math.pi:.5f}')
class Circle:
    def __repr__(self): return 'a circle of radius 2'
    def _repr_html_(self): return '<svg><circle r="2"/></svg>'
Circle()
"""


def main() -> None:
    template = (sys.argv[1] if len(sys.argv) > 1 else os.environ.get("E2B_TEMPLATE")) or ""
    client = libe2b.Client()

    # 0. Without a template named, build one: the code interpreter's, with a welcome.
    if not template:
        template = "quickstart"
        builder = (
            libe2b.Template()
            .from_template("code-interpreter-v1")
            .run_cmd("echo 'Welcome to a sandbox made from the template the quickstart built.' > /home/user/welcome.txt")
            .set_envs({"QUICKSTART": "1"})
        )
        libe2b.Template.build(builder, template, on_build_logs=lambda entry: print("  build:", entry.message),
                              client=client)
        print(f"built template {template}")

    # 1. A sandbox from the template, alive for five minutes, tagged so we can find it.
    sandbox = client.create_sandbox(template, timeout=5 * 60, metadata={"example": "python-quickstart"})
    sandbox_id = sandbox.sandbox_id
    print(f"created sandbox {sandbox_id} from template {template}")

    # What the template put in the sandbox (the quickstart's own template has a welcome).
    if sandbox.files.exists("/home/user/welcome.txt"):
        print("the template says:", sandbox.files.read_text("/home/user/welcome.txt"), end="")

    # 2. Run code: output as it comes, then the value in every format it has.
    run = sandbox.run_code(CODE, on_stdout=lambda chunk: print("  python says:", chunk.line, end=""))
    for result in run.results:
        for name, value in result.formats.items():
            print(f"  result as {name}: {value}")

    # 3. Run a command.
    print("command says:", sandbox.commands.run('echo "$(whoami) in $(pwd)"').stdout_text, end="")

    # 4. Watch a directory while files appear in it; leaving the block stops the watch.
    sandbox.files.make_dir("/home/user/inbox")
    with sandbox.files.watch_dir("/home/user/inbox") as watch:
        sandbox.commands.run("echo hi > inbox/note.txt && mv inbox/note.txt inbox/kept.txt")
        for event in watch.next_events(timeout=2):
            print(f"  watched: {event.type.name.lower()} {event.name}")

    # 5. Upload a local folder, and download it back, with a progress bar.
    with tempfile.TemporaryDirectory(prefix="e2b-quickstart-") as local:
        project = Path(local, "project")
        (project / "src").mkdir(parents=True)
        (project / "README.md").write_text("# A project\n")
        (project / "src/main.py").write_text("print('hello')\n")
        (project / "src/data.csv").write_text("x,y\n1,2\n3,4\n")
        count = sandbox.files.upload_dir(project, "/home/user/project", on_progress=progress_bar("upload"))
        print(f"\nuploaded {count} files")
        back = Path(local, "back")
        count = sandbox.files.download_dir("/home/user/project", back, on_progress=progress_bar("download"))
        print(f"\ndownloaded {count} files into {back}")

    # 6. Pause: files and memory are kept; only the id is needed to come back.
    sandbox.pause()
    sandbox.close()  # releases the handle; the sandbox stays
    print(f"paused sandbox {sandbox_id}")

    # 7. Resume it by id, now for ten minutes, and find the project again.
    #    Leaving the with-block kills it (step 9), even on an error or Ctrl-C.
    with client.resume(sandbox_id, timeout=10 * 60) as sandbox:
        info = sandbox.get_info()
        kept = sandbox.files.exists("/home/user/project/src/main.py")
        print(f"resumed: the project is {'there' if kept else 'gone'}, the sandbox ends {info.end_at.isoformat()}")

        # 8. A second client (another program, say) lists it and connects to it by id.
        with libe2b.Client() as other:
            for listed in other.list_sandboxes(metadata={"example": "python-quickstart"}):
                print(f"listed: {listed.sandbox_id} (template {listed.template_id})")
            connected = other.connect(sandbox_id)
            print("connected from a second client: running", "yes" if connected.is_running() else "no")
            connected.close()

    # 9. Killed by the with-block; its id is then unknown.
    print(f"killed sandbox {sandbox_id}")
    try:
        client.resume(sandbox_id)
        sys.exit("a killed sandbox came back")
    except libe2b.SandboxNotFoundException as error:
        print(f"resume after kill: {type(error).__name__} ({error.message})")
    client.close()


def progress_bar(verb: str) -> Callable[[libe2b.DirProgress], None]:
    """Draws a progress bar naming the file in flight."""
    def draw(p: libe2b.DirProgress) -> None:
        percent = 100 * p.done // p.total if p.total else 100
        bar = "#" * (percent // 5)
        print(f"\r  {verb} [{bar:<20}] {percent:3}%  file {p.index + 1} of {p.count}: {p.path:<40}", end="", flush=True)
    return draw


if __name__ == "__main__":
    main()
