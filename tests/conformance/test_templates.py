"""Template builds through the official Python SDK's `Template` builder against e2b-local.

A build runs for real: COPY extracts the uploaded archive, RUN runs in a jail over the parent's
files, ENV/WORKDIR/USER and the start and ready commands are what the template's sandboxes start
with.
"""

import textwrap
import time
import uuid

import pytest

from e2b import BuildException, Sandbox, Template, wait_for_file
from e2b.template.types import TemplateBuildStatus

from conftest import raw


def unique(prefix):
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def write_package(root):
    """A tiny installable Python package (a source tree with pyproject.toml, setuptools)."""
    pkg = root / "greet"
    (pkg / "greet").mkdir(parents=True)
    (pkg / "pyproject.toml").write_text(
        textwrap.dedent(
            """\
            [build-system]
            requires = ["setuptools"]
            build-backend = "setuptools.build_meta"

            [project]
            name = "greet"
            version = "0.1.0"
            """
        )
    )
    (pkg / "greet" / "__init__.py").write_text("def hello(name):\n    return f'hello {name}'\n")
    return pkg


def test_build_with_local_package_and_start_command(server, tmp_path):
    write_package(tmp_path)
    (tmp_path / "app.py").write_text(
        "import greet, pathlib\npathlib.Path('/tmp/started').write_text(greet.hello('e2b'))\n"
        "import time\ntime.sleep(3600)\n"
    )
    name = unique("greeter")
    template = (
        Template(file_context_path=str(tmp_path))
        .from_template("code-interpreter-v1")
        .copy("greet", "/opt/greet/")
        .copy("app.py", "app/app.py", mode=0o755)
        .run_cmd("pip install --no-index --no-build-isolation /opt/greet", user="root")
        .set_envs({"GREETING": "hi", "OTHER": "x y"})
        .set_workdir("/home/user/app")
        .set_user("user")
        .set_start_cmd("python3 app.py", wait_for_file("/tmp/started"))
    )
    logs = []
    started = time.monotonic()
    info = Template.build(template, name, on_build_logs=logs.append)
    elapsed = time.monotonic() - started
    print(f"build took {elapsed:.1f} s")
    messages = [entry.message for entry in logs]
    assert any("Successfully installed greet" in m for m in messages), messages
    assert info.template_id and info.build_id
    assert Template.exists(name)

    sbx = Sandbox.create(name)
    try:
        assert sbx.files.read("/tmp/started") == "hello e2b"
        result = sbx.commands.run("pwd; whoami; echo $GREETING; echo $OTHER; python3 -c 'import greet; print(greet.hello(1))'")
        assert result.stdout.split("\n")[:5] == ["/home/user/app", "user", "hi", "x y", "hello 1"]
        stat = sbx.commands.run("stat -c '%U %a' /home/user/app/app.py /opt/greet/pyproject.toml")
        assert stat.stdout.split("\n")[:2] == ["user 755", "user 644"]
        running = sbx.commands.run("pgrep -f 'python3 app.py'", user="root")
        assert running.stdout.strip()
    finally:
        sbx.kill()

    # A template built from the built one keeps its files and settings.
    child = unique("child")
    Template.build(Template().from_template(name).run_cmd("echo child > marker"), child)
    sbx = Sandbox.create(child)
    try:
        assert sbx.commands.run("cat marker; echo $GREETING").stdout == "child\nhi\n"
    finally:
        sbx.kill()
    assert raw(server, "DELETE", f"/templates/{child}").status_code == 204
    assert raw(server, "DELETE", f"/templates/{name}").status_code == 204
    assert not Template.exists(name)


def test_from_image_user_and_failing_step(server):
    name = unique("img")
    template = (
        Template()
        .from_image("debian:stable")
        .run_cmd("id -un > /who && echo to-stdout && echo to-stderr >&2", user="root")
        .set_user("root")
        .run_cmd("touch /root/was-root")
    )
    logs = []
    Template.build(template, name, on_build_logs=logs.append)
    messages = [entry.message for entry in logs]
    assert "to-stdout" in messages and "to-stderr" in messages
    sbx = Sandbox.create(name)
    try:
        assert sbx.commands.run("cat /who; whoami; ls /root").stdout == "root\nroot\nwas-root\n"
    finally:
        sbx.kill()

    failing = Template().from_template("base").run_cmd("echo before").run_cmd("exit 3")
    with pytest.raises(BuildException, match="exit code 3"):
        Template.build(failing, unique("fails"))

    with pytest.raises(BuildException, match="python:3.12"):
        Template.build(Template().from_image("python:3.12"), unique("nopull"))

    with pytest.raises(BuildException, match="not found"):
        Template.build(Template().from_template("no-such-template"), unique("noparent"))


def test_background_build_status_and_tags(server):
    name = unique("tagged")
    template = Template().from_base_image().run_cmd("for i in 1 2 3; do echo line $i; done")
    info = Template.build_in_background(template, name, tags=["v1", "stable"])
    assert info.tags == ["v1", "stable"]
    deadline = time.monotonic() + 120
    while True:
        status = Template.get_build_status(info, logs_offset=0)
        if status.status not in (TemplateBuildStatus.WAITING, TemplateBuildStatus.BUILDING):
            break
        assert time.monotonic() < deadline
        time.sleep(0.2)
    assert status.status == TemplateBuildStatus.READY, status.reason
    assert [e.message for e in status.log_entries if e.message.startswith("line ")] == ["line 1", "line 2", "line 3"]
    # logsOffset skips what was read.
    later = Template.get_build_status(info, logs_offset=len(status.log_entries))
    assert later.log_entries == []

    assert sorted(t.tag for t in Template.get_tags(name)) == ["stable", "v1"]
    assigned = Template.assign_tags(f"{name}:v1", ["prod"])
    assert assigned.tags == ["prod"]
    assert sorted(t.tag for t in Template.get_tags(name)) == ["prod", "stable", "v1"]
    sbx = Sandbox.create(f"{name}:prod")
    sbx.kill()
    Template.remove_tags(name, ["v1"])
    assert sorted(t.tag for t in Template.get_tags(name)) == ["prod", "stable"]

    assert raw(server, "DELETE", f"/templates/{name}").status_code == 204
    assert not Template.exists(name)
    status = raw(server, "GET", f"/templates/{info.template_id}/builds/nope/status")
    assert status.status_code == 404


def test_upload_link_says_present_after_upload(server):
    info = raw(server, "POST", "/v3/templates", json={"name": unique("raw")}).json()
    digest = uuid.uuid4().hex * 2
    link = raw(server, "GET", f"/templates/{info['templateID']}/files/{digest}")
    assert link.status_code == 201
    assert link.json()["present"] is False and link.json()["headers"] == {}
    import httpx

    url = link.json()["url"]
    assert httpx.put(url.split("?")[0], content=b"x").status_code == 403
    assert httpx.put(url + "0", content=b"x").status_code == 403
    assert httpx.put(url, content=b"not a tar").status_code == 200
    assert raw(server, "GET", f"/templates/{info['templateID']}/files/{digest}").json()["present"] is True
    assert raw(server, "GET", f"/templates/{info['templateID']}/files/nothex").status_code == 400
