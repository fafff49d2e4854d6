"""The official Python SDK (e2b==2.63.0) against e2b-local: lifecycle, listing and files."""

import os
import tempfile
import time
import uuid
from datetime import datetime, timedelta, timezone

import httpx
import pytest
from packaging.version import Version

from e2b import (
    AuthenticationException,
    ConnectionConfig,
    FileNotFoundException,
    Sandbox,
    SandboxException,
    SandboxNotFoundException,
    SandboxQuery,
    SandboxState,
    Template,
)

from conftest import LocalServer, raw, wait_until


# ---- Lifecycle ----


def test_create_default(sandbox):
    assert len(sandbox.sandbox_id) == 20 and sandbox.sandbox_id.isalnum()
    info = sandbox.get_info()
    assert info.sandbox_id == sandbox.sandbox_id
    assert info.template_id == "base"
    assert info.state == SandboxState.RUNNING
    assert info.metadata == {}
    assert info.envd_version == "0.6.13"
    assert info.lifecycle == {"on_timeout": "kill", "auto_resume": False}
    assert timedelta(seconds=295) <= info.end_at - info.started_at <= timedelta(seconds=305)
    assert sandbox.is_running()


def test_create_with_metadata_envs_timeout_and_lifecycle(server):
    sbx = Sandbox.create(
        metadata={"owner": "conformance", "a b": "c&d"},
        envs={"GREETING": "hi"},
        timeout=120,
        lifecycle={"on_timeout": "pause"},
    )
    try:
        info = sbx.get_info()
        assert info.metadata == {"owner": "conformance", "a b": "c&d"}
        assert timedelta(seconds=115) <= info.end_at - info.started_at <= timedelta(seconds=125)
        assert info.lifecycle == {"on_timeout": "pause", "auto_resume": False}
    finally:
        assert sbx.kill()


def test_create_in_code_interpreter_template_and_unknown_template(server):
    sbx = Sandbox.create(template="code-interpreter-v1")
    assert sbx.get_info().template_id == "code-interpreter-v1"
    sbx.kill()
    with pytest.raises(SandboxException, match="404: template 'no-such-template' not found"):
        Sandbox.create(template="no-such-template")


def test_template_exists_for_each_template_folder(server):
    assert Template.exists("base")
    assert Template.exists("code-interpreter-v1")
    assert not Template.exists("no-such-template")


def test_features_e2b_local_lacks_answer_as_a_team_without_them(server):
    # (Volumes, once answered this way, are emulated: see test_volumes.py.)
    body = {"templateID": "base", "network": {"egressProxy": {"address": "127.0.0.1:1080"}}}
    answer = raw(server, "POST", "/v2/sandboxes", json=body)
    assert (answer.status_code, answer.json()["message"]) == (
        403, "Egress proxy (network.egressProxy) is not enabled for this team.")


def test_create_is_idempotent_with_a_key(server):
    key = str(uuid.uuid4())
    first = Sandbox.create(idempotency_key=key, metadata={"k": "v"})
    try:
        again = Sandbox.create(idempotency_key=key, metadata={"k": "v"})
        assert again.sandbox_id == first.sandbox_id
        with pytest.raises(SandboxException, match="409"):
            Sandbox.create(idempotency_key=key, metadata={"k": "other"})
    finally:
        first.kill()


def test_connect_running_is_200_and_paused_is_201(server, sandbox):
    path = f"/v2/sandboxes/{sandbox.sandbox_id}/connect"
    response = raw(server, "POST", path, json={})
    assert response.status_code == 200
    assert response.json()["sandboxID"] == sandbox.sandbox_id
    assert sandbox.pause()
    response = raw(server, "POST", path, json={"timeout": 60})
    assert response.status_code == 201
    assert response.json()["envdAccessToken"] == sandbox._envd_access_token


def test_connect_only_extends_a_running_sandbox(sandbox):
    end = sandbox.get_info().end_at
    same = Sandbox.connect(sandbox.sandbox_id, timeout=10)
    assert same.sandbox_id == sandbox.sandbox_id
    assert sandbox.get_info().end_at == end
    Sandbox.connect(sandbox.sandbox_id, timeout=600)
    assert sandbox.get_info().end_at > end


def test_pause_then_resume_by_connect_keeps_files(sandbox):
    sandbox.files.write("/home/user/kept.txt", "still here")
    assert sandbox.pause() is True
    assert sandbox.pause() is False
    assert sandbox.get_info().state == SandboxState.PAUSED
    assert not sandbox.is_running()

    resumed = Sandbox.connect(sandbox.sandbox_id)
    assert resumed.get_info().state == SandboxState.RUNNING
    assert resumed.is_running()
    assert resumed.files.read("/home/user/kept.txt") == "still here"


def sleeping(sandbox):
    """The pids of the `sleep 600` commands running in the sandbox."""
    return [p.pid for p in sandbox.commands.list() if "sleep 600" in " ".join([p.cmd, *p.args])]


def test_a_process_survives_a_full_pause_but_not_a_filesystem_one(sandbox):
    sandbox.files.write("/home/user/kept.txt", "kept")
    sandbox.commands.run("sleep 600", background=True)
    assert len(sleeping(sandbox)) == 1

    assert sandbox.pause() is True
    assert raw_detail(sandbox)["pauseMode"] == "full"
    sandbox.connect()
    assert len(sleeping(sandbox)) == 1, "frozen, then thawed where it was"

    assert sandbox.pause(keep_memory=False) is True
    assert raw_detail(sandbox)["pauseMode"] == "filesystem"
    sandbox.connect()
    assert sleeping(sandbox) == [], "the sandbox booted afresh"
    assert sandbox.files.read("/home/user/kept.txt") == "kept"
    assert "pauseMode" not in raw_detail(sandbox)


def test_connect_with_reboot_boots_a_paused_sandbox_afresh(sandbox):
    sandbox.commands.run("sleep 600", background=True)
    sandbox.pause()
    again = Sandbox.connect(sandbox.sandbox_id, on_resume="reboot")
    assert sleeping(again) == []


def test_auto_pause_without_memory_at_the_timeout(server):
    sbx = Sandbox.create(timeout=60, lifecycle={"on_timeout": {"action": "pause", "mode": "filesystem"}})
    try:
        sbx.commands.run("sleep 600", background=True)
        sbx.set_timeout(1)  # the timeout comes once the sandbox is set up, however long that took
        assert wait_until(lambda: sbx.get_info().state == SandboxState.PAUSED)
        assert raw_detail(sbx)["pauseMode"] == "filesystem"
        sbx.connect()
        assert sleeping(sbx) == []
    finally:
        sbx.kill()
    body = {"templateID": "base", "autoPauseMemory": False}
    answer = raw(server, "POST", "/v2/sandboxes", json=body)
    assert (answer.status_code, answer.json()["message"]) == (
        400, "autoPauseMemory=false only applies when autoPause is true.")
    answer = raw(server, "POST", "/v2/sandboxes", json={**body, "autoPause": True, "autoResume": {"enabled": True}})
    assert answer.status_code == 400


def raw_detail(sandbox):
    return httpx.get(f"{os.environ['E2B_API_URL']}/sandboxes/{sandbox.sandbox_id}",
                     headers={"X-API-KEY": os.environ["E2B_API_KEY"]}).json()


def test_set_timeout_and_get_info(sandbox):
    sandbox.set_timeout(30)
    remaining = sandbox.get_info().end_at - datetime.now(timezone.utc)
    assert timedelta(seconds=25) <= remaining <= timedelta(seconds=31)
    sandbox.set_timeout(3600)
    remaining = sandbox.get_info().end_at - datetime.now(timezone.utc)
    assert remaining > timedelta(seconds=3500)


def test_kill(server):
    sbx = Sandbox.create()
    assert sbx.is_running()
    assert sbx.kill() is True
    assert sbx.kill() is False
    assert Sandbox.kill(sbx.sandbox_id) is False
    assert not sbx.is_running()
    with pytest.raises(SandboxNotFoundException):
        sbx.get_info()
    with pytest.raises(SandboxNotFoundException):
        Sandbox.connect(sbx.sandbox_id)
    with pytest.raises(SandboxNotFoundException):
        sbx.set_timeout(10)


def test_metrics(sandbox):
    # Sampled every 5 seconds, as on E2B: none before the first (see test_metrics.py).
    assert wait_until(lambda: len(sandbox.get_metrics()) >= 1, timeout=10)
    metrics = sandbox.get_metrics()
    assert metrics[0].cpu_count == 2
    assert metrics[0].mem_total == 512 * 1024 * 1024


def test_timeout_really_expires(server):
    sbx = Sandbox.create(timeout=2)
    assert sbx.is_running()
    assert wait_until(lambda: not sbx.is_running())
    with pytest.raises(SandboxNotFoundException):
        Sandbox.connect(sbx.sandbox_id)
    assert Sandbox.kill(sbx.sandbox_id) is False


def test_auto_pause_on_timeout(server):
    sbx = Sandbox.create(timeout=60, lifecycle={"on_timeout": "pause"})
    sbx.files.write("note.txt", "paused, not lost")
    sbx.set_timeout(1)
    assert wait_until(lambda: sbx.get_info().state == SandboxState.PAUSED)
    assert not sbx.is_running()

    resumed = Sandbox.connect(sbx.sandbox_id, timeout=60)
    try:
        assert resumed.is_running()
        assert resumed.get_info().state == SandboxState.RUNNING
        assert resumed.files.read("/home/user/note.txt") == "paused, not lost"
    finally:
        resumed.kill()


# ---- Listing ----


def test_list_filters_by_state_and_metadata_and_pages(server):
    suite = uuid.uuid4().hex
    plain = [Sandbox.create(metadata={"suite": suite}) for _ in range(2)]
    special = Sandbox.create(metadata={"suite": suite, "a b": "c&d"})
    paused = Sandbox.create(metadata={"suite": suite})
    paused.pause()
    everyone = {s.sandbox_id for s in [*plain, special, paused]}
    try:
        paginator = Sandbox.list(query=SandboxQuery(metadata={"suite": suite}), limit=1)
        seen = []
        while paginator.has_next:
            page = paginator.next_items()
            assert len(page) == 1
            seen.extend(s.sandbox_id for s in page)
        assert len(seen) == len(everyone) and set(seen) == everyone
        with pytest.raises(Exception, match="No more items to fetch"):
            paginator.next_items()

        page = Sandbox.list(query=SandboxQuery(metadata={"suite": suite})).next_items()
        assert [s.sandbox_id for s in page] == seen, "same order with and without pages"
        assert all(a.started_at >= b.started_at for a, b in zip(page, page[1:])), "newest first"

        only_paused = Sandbox.list(query=SandboxQuery(metadata={"suite": suite}, state=[SandboxState.PAUSED]))
        assert [s.sandbox_id for s in only_paused.next_items()] == [paused.sandbox_id]
        running = Sandbox.list(query=SandboxQuery(metadata={"suite": suite}, state=[SandboxState.RUNNING])).next_items()
        assert {s.sandbox_id for s in running} == everyone - {paused.sandbox_id}

        special_only = Sandbox.list(query=SandboxQuery(metadata={"a b": "c&d", "suite": suite})).next_items()
        assert [s.sandbox_id for s in special_only] == [special.sandbox_id]
        assert special_only[0].metadata == {"suite": suite, "a b": "c&d"}

        nothing = Sandbox.list(query=SandboxQuery(metadata={"suite": "no-such-suite"})).next_items()
        assert nothing == []
    finally:
        for sbx in [*plain, special, paused]:
            sbx.kill()


def test_list_headers_on_the_wire(server):
    suite = uuid.uuid4().hex
    sandboxes = [Sandbox.create(metadata={"suite": suite}) for _ in range(3)]
    try:
        response = raw(server, "GET", "/v2/sandboxes", params={"metadata": f"suite={suite}", "limit": 2})
        assert response.status_code == 200
        assert len(response.json()) == 2
        assert response.headers["x-total-running"] == "3"
        token = response.headers["x-next-token"]
        rest = raw(server, "GET", "/v2/sandboxes", params={"metadata": f"suite={suite}", "limit": 2, "nextToken": token})
        assert len(rest.json()) == 1 and "x-next-token" not in rest.headers
        bad = raw(server, "GET", "/v2/sandboxes", params={"metadata": "novalue"})
        assert (bad.status_code, bad.json()) == (400, {"code": 400, "message": "Error parsing metadata"})
    finally:
        for sbx in sandboxes:
            sbx.kill()


# ---- Files ----


def test_write_and_read_text_and_bytes(sandbox):
    info = sandbox.files.write("/home/user/hello.txt", "Hello, world! ✓")
    assert (info.path, info.name) == ("/home/user/hello.txt", "hello.txt")
    assert sandbox.files.read("/home/user/hello.txt") == "Hello, world! ✓"
    sandbox.files.write("/tmp/data.bin", b"\x00\x01\xfe\xff")
    assert sandbox.files.read("/tmp/data.bin", format="bytes") == bytearray(b"\x00\x01\xfe\xff")


def test_write_and_read_5mb_with_every_byte_value(sandbox):
    data = bytes(range(256)) * (5 * 1024 * 1024 // 256)
    sandbox.files.write("/home/user/big.bin", data)
    assert bytes(sandbox.files.read("/home/user/big.bin", format="bytes")) == data
    streamed = b"".join(sandbox.files.read("/home/user/big.bin", format="stream"))
    assert streamed == data


def test_write_creates_nested_directories_and_resolves_relative_paths(sandbox):
    sandbox.files.write("/home/user/a/b/c/deep.txt", "deep")
    assert sandbox.files.read("/home/user/a/b/c/deep.txt") == "deep"
    info = sandbox.files.write("relative/rel.txt", "relative")
    assert info.path == "/home/user/relative/rel.txt"
    assert sandbox.files.read("/home/user/relative/rel.txt") == "relative"
    assert sandbox.files.read("~/relative/rel.txt") == "relative"


def test_write_octet_stream_gzip_and_chunked(sandbox):
    sandbox.files.write("/home/user/raw.txt", b"raw body", use_octet_stream=True)
    sandbox.files.write("/home/user/gz.txt", b"gzipped body", gzip=True)
    sandbox.files.write("/home/user/chunks.txt", iter([b"sent ", b"in ", b"chunks"]))
    assert sandbox.files.read("/home/user/raw.txt") == "raw body"
    assert sandbox.files.read("/home/user/gz.txt", gzip=True) == "gzipped body"
    assert sandbox.files.read("/home/user/chunks.txt") == "sent in chunks"


def test_write_files_in_one_request(sandbox):
    infos = sandbox.files.write_files([{"path": "/tmp/one", "data": "1"}, {"path": "two", "data": "2"}])
    assert [i.path for i in infos] == ["/tmp/one", "/home/user/two"]
    assert sandbox.files.read("/home/user/two") == "2"


def test_read_missing_file_and_directory(sandbox):
    with pytest.raises(FileNotFoundException):
        sandbox.files.read("/home/user/missing.txt")
    with pytest.raises(SandboxException, match="is a directory"):
        sandbox.files.read("/home/user")


def test_paths_cannot_escape_the_sandbox(sandbox):
    # `..` stops at the sandbox's `/`: its own host name, never the host's.
    assert sandbox.files.read("/../../../../etc/hostname") == "e2b\n"
    with pytest.raises(FileNotFoundException):
        sandbox.files.read("/../../../../etc/shadow-of-the-host")
    info = sandbox.files.write("/../../outside.txt", "inside after all")
    assert info.path == "/../../outside.txt"
    assert sandbox.files.read("/outside.txt") == "inside after all"


def test_signed_urls(server, sandbox):
    sandbox.files.write("/home/user/signed.txt", "signed")
    url = sandbox.download_url("/home/user/signed.txt")
    headers = {"E2b-Sandbox-Id": sandbox.sandbox_id, "E2b-Sandbox-Port": "49983"}
    assert httpx.get(url, headers=headers).text == "signed"
    tampered = httpx.get(url.replace("signature=v1_", "signature=v1_x"), headers=headers)
    assert (tampered.status_code, tampered.json()["message"]) == (401, "invalid signature")
    upload = sandbox.upload_url("/home/user/uploaded.txt")
    assert httpx.post(upload, headers=headers, files={"file": ("uploaded.txt", b"via url")}).status_code == 200
    assert sandbox.files.read("/home/user/uploaded.txt") == "via url"
    expired = sandbox.download_url("/home/user/signed.txt", use_signature_expiration=1)
    time.sleep(2.1)
    response = httpx.get(expired, headers=headers)
    assert (response.status_code, response.json()["message"]) == (401, "signature is already expired")


# ---- Authentication ----


def test_wrong_api_key(server):
    with pytest.raises(AuthenticationException):
        Sandbox.create(api_key="e2b_" + "0" * 40)
    with pytest.raises(AuthenticationException):
        Sandbox.list(api_key="e2b_" + "0" * 40).next_items()


def test_wrong_access_token(sandbox):
    headers = {"E2b-Sandbox-Id": sandbox.sandbox_id, "E2b-Sandbox-Port": "49983", "X-Access-Token": "wrong"}
    impostor = Sandbox(
        sandbox_id=sandbox.sandbox_id,
        sandbox_domain=None,
        envd_version=Version("0.6.13"),
        envd_access_token="wrong",
        traffic_access_token=None,
        connection_config=ConnectionConfig(extra_sandbox_headers=headers),
    )
    with pytest.raises(AuthenticationException):
        impostor.files.read("/home/user/anything.txt")
    with pytest.raises(AuthenticationException):
        impostor.files.write("/home/user/anything.txt", "nope")
    assert impostor.is_running(), "/health needs no token"


# ---- Persistence across restarts ----


def test_sandboxes_and_files_survive_a_restart():
    with tempfile.TemporaryDirectory() as data_dir:
        first = LocalServer(data_dir)
        try:
            paused = Sandbox.create(**first.opts)
            paused.files.write("/home/user/persisted.txt", "across restarts")
            assert paused.pause()
            running = Sandbox.create(timeout=600, **first.opts)
            running.files.write("/tmp/running.txt", "still running")
            end_at = running.get_info().end_at
        finally:
            first.stop()

        second = LocalServer(data_dir)
        try:
            assert second.api_key == first.api_key, "the key is kept in the data directory"
            assert Sandbox.get_info(paused.sandbox_id, **second.opts).state == SandboxState.PAUSED
            info = Sandbox.get_info(running.sandbox_id, **second.opts)
            assert (info.state, info.end_at) == (SandboxState.RUNNING, end_at)

            resumed = Sandbox.connect(paused.sandbox_id, **second.opts)
            assert resumed.files.read("/home/user/persisted.txt") == "across restarts"
            again = Sandbox.connect(running.sandbox_id, **second.opts)
            assert again.files.read("/tmp/running.txt") == "still running"
            assert resumed.kill() and again.kill()
        finally:
            second.stop()
