"""Sandbox metrics and logs through the official Python SDK (e2b==2.63.0) against e2b-local.

e2b-local samples each running sandbox every 5 seconds, as E2B does: the CPU, memory and disk
of its own processes and files. The logs endpoints (which no SDK calls) carry e2b-local's own
lines about the sandbox.
"""

from datetime import datetime, timedelta, timezone

import pytest

from e2b import Sandbox, SandboxNotFoundException

from conftest import raw, wait_until


def busy_samples(sandbox):
    """Metrics once the newest sample shows the sandbox's work (at most 30 s)."""
    found = []

    def busy():
        found[:] = sandbox.get_metrics()
        return len(found) >= 2 and found[-1].cpu_used_pct >= 2 and found[-1].mem_used >= 200 << 20

    assert wait_until(busy, timeout=30), found
    return list(found)


def test_metrics_of_a_sandbox_that_burns_cpu_and_holds_memory(sandbox):
    sandbox.commands.run("timeout 60 sh -c 'while :; do :; done'", background=True)
    sandbox.commands.run("python3 -c \"import time; b = b'x' * (200 << 20); time.sleep(60)\"", background=True)
    samples = busy_samples(sandbox)
    last = samples[-1]
    assert last.cpu_count == 2 and 0 < last.cpu_used_pct <= 100
    assert last.mem_total == 512 << 20 and 200 << 20 <= last.mem_used < last.mem_total
    assert 0 < last.disk_used < last.disk_total
    assert all(s.timestamp.timestamp() % 5 == 0 for s in samples)
    assert [s.timestamp for s in samples] == sorted(s.timestamp for s in samples)

    # start and end select past samples (the SDK sends whole seconds).
    first, second = samples[0], samples[1]
    assert sandbox.get_metrics(start=first.timestamp, end=first.timestamp) == [first]
    assert Sandbox.get_metrics(sandbox.sandbox_id, start=second.timestamp)[0] == second
    assert sandbox.get_metrics(start=datetime.now(timezone.utc) + timedelta(hours=1)) == []


def test_metrics_before_the_first_sample_and_of_unknown_sandboxes(server):
    sbx = Sandbox.create()
    try:
        # Sampled on the clock's multiples of 5 s: nothing, or samples with no load yet.
        for sample in sbx.get_metrics():
            assert sample.cpu_used_pct == 0 and sample.mem_used == 0
    finally:
        sbx.kill()
    with pytest.raises(SandboxNotFoundException):
        Sandbox.get_metrics(sbx.sandbox_id)
    assert raw(server, "GET", "/sandboxes/nosuchsandbox/metrics").status_code == 404
    assert raw(server, "GET", f"/sandboxes/{sbx.sandbox_id}/metrics?start=x").status_code == 400


def test_batch_metrics_and_logs(server, sandbox):
    assert wait_until(lambda: sandbox.get_metrics() != [], timeout=15)
    batch = raw(server, "GET", f"/sandboxes/metrics?sandbox_ids={sandbox.sandbox_id},nosuchsandbox")
    assert batch.status_code == 200
    assert list(batch.json()["sandboxes"]) == [sandbox.sandbox_id]
    assert set(batch.json()["sandboxes"][sandbox.sandbox_id]) == {
        "timestamp", "timestampUnix", "cpuCount", "cpuUsedPct", "memUsed", "memTotal", "memCache", "diskUsed",
        "diskTotal",
    }
    assert raw(server, "GET", "/sandboxes/metrics").status_code == 400

    sandbox.pause()
    Sandbox.connect(sandbox.sandbox_id)
    logs = raw(server, "GET", f"/v2/sandboxes/{sandbox.sandbox_id}/logs")
    assert logs.status_code == 200
    messages = [entry["message"] for entry in logs.json()["logs"]]
    assert messages[0].startswith("Sandbox created") and "Sandbox paused" in messages and "Sandbox resumed" in messages
    assert all(set(entry) == {"timestamp", "level", "message", "fields"} for entry in logs.json()["logs"])
    newest = raw(server, "GET", f"/v2/sandboxes/{sandbox.sandbox_id}/logs?direction=backward&limit=1&level=info")
    assert [entry["message"] for entry in newest.json()["logs"]] == ["Sandbox resumed"]
    old = raw(server, "GET", f"/sandboxes/{sandbox.sandbox_id}/logs?start=0")
    assert old.status_code == 200 and len(old.json()["logs"]) == len(old.json()["logEntries"]) == len(messages)
    assert raw(server, "GET", "/v2/sandboxes/nosuchsandbox/logs").status_code == 404
