"""Template builds with the official SDK's names: a template with a Python
package installed from a local source tree and a start command, a sandbox from
it, build in background and status, tags, delete; and the errors."""

from __future__ import annotations

import time
import uuid
from pathlib import Path

import pytest

import libe2b
from libe2b import BuildException, InvalidArgumentException, LogEntry, Template


def unique(prefix: str) -> str:
    return f"py-{prefix}-{uuid.uuid4().hex[:8]}"


def write_package(root: Path) -> None:
    (root / "greet" / "greet").mkdir(parents=True)
    (root / "greet" / "pyproject.toml").write_text(
        '[build-system]\nrequires = ["setuptools"]\nbuild-backend = "setuptools.build_meta"\n\n'
        '[project]\nname = "greet"\nversion = "0.1.0"\n'
    )
    (root / "greet" / "greet" / "__init__.py").write_text("def hello(name):\n    return f'hello {name}'\n")
    (root / "app.py").write_text(
        "import greet, pathlib, time\npathlib.Path('/tmp/started').write_text(greet.hello('py'))\ntime.sleep(3600)\n"
    )


def test_build_and_start_a_sandbox(client: libe2b.Client, tmp_path: Path) -> None:
    write_package(tmp_path)
    name = unique("greeter")
    template = (
        Template(file_context_path=tmp_path)
        .from_template("code-interpreter-v1")
        .copy("greet", "/opt/greet/")
        .copy("app.py", "/home/user/app/", mode=0o755)
        .run_cmd("pip install --no-index --no-build-isolation /opt/greet", user="root")
        .set_envs({"GREETING": "hi"})
        .set_workdir("/home/user/app")
        .set_user("user")
        .set_start_cmd("python3 app.py", "test -e /tmp/started")
    )
    logs: list[LogEntry] = []
    info = Template.build(template, name, on_build_logs=logs.append, client=client)
    assert any("Successfully installed greet" in e.message for e in logs)
    assert info.name == name and info.tags == ["default"]
    assert Template.exists(name, client=client)
    with client.create_sandbox(name, timeout=60) as sandbox:
        assert sandbox.files.read_text("/tmp/started") == "hello py"
        assert sandbox.commands.run("pwd; echo $GREETING").stdout_text == "/home/user/app\nhi\n"
    assert Template.delete(name, client=client)
    assert not Template.exists(name, client=client)


def test_background_status_and_tags(client: libe2b.Client) -> None:
    name = unique("tagged")
    info = Template.build_in_background(Template().from_base_image().run_cmd(["echo one", "echo two"]), name,
                                        tags=["v1"], client=client)
    deadline = time.monotonic() + 120
    while True:
        status = Template.get_build_status(info, 0, client=client)
        if status.status not in ("waiting", "building"):
            break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status.status == "ready", status.reason
    assert {"one", "two"} <= {e.message for e in status.log_entries}
    Template.assign_tags(f"{name}:v1", ["prod"], client=client)
    assert sorted(t.tag for t in Template.get_tags(name, client=client)) == ["prod", "v1"]
    Template.remove_tags(name, "v1", client=client)
    assert [t.tag for t in Template.get_tags(name, client=client)] == ["prod"]
    assert Template.delete(name, client=client)


def test_errors(client: libe2b.Client, tmp_path: Path) -> None:
    failing = Template().from_template("base").run_cmd("exit 4")
    with pytest.raises(BuildException, match="exit code 4"):
        Template.build(failing, unique("fails"), client=client)
    info = Template.build_in_background(failing, unique("fails"), client=client)
    for _ in range(600):
        status = Template.get_build_status(info, client=client)
        if status.status == "error":
            break
        time.sleep(0.2)
    assert status.reason is not None and status.reason.step == "1"
    with pytest.raises(BuildException, match="python:3.12"):
        Template.build(Template().from_image("python:3.12"), unique("nopull"), client=client)
    with pytest.raises(InvalidArgumentException, match="No files found"):
        Template.build(Template(file_context_path=tmp_path).copy("missing", "/x"), unique("x"), client=client)

    def stop(entry: LogEntry) -> None:
        raise RuntimeError("stop")

    with pytest.raises(RuntimeError, match="stop"):
        Template.build(Template().from_template("base").run_cmd("echo x"), unique("stop"), on_build_logs=stop,
                       client=client)
