"""Sandbox metrics: a sandbox that burns CPU and holds memory shows it in its
samples (taken every 5 seconds), which a time range selects."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

import pytest

import libe2b
from libe2b import SandboxMetrics


def wait_for_work(sandbox: libe2b.Sandbox) -> list[SandboxMetrics]:
    deadline = time.monotonic() + 30
    while True:
        samples = sandbox.get_metrics()
        if len(samples) >= 2 and samples[-1].cpu_used_pct >= 2 and samples[-1].mem_used >= 200 << 20:
            return samples
        assert time.monotonic() < deadline, f"no sample showed the work: {samples}"
        time.sleep(0.5)


def test_metrics_show_a_busy_sandbox(client: libe2b.Client) -> None:
    with client.create_sandbox(timeout=120) as sandbox:
        burn = sandbox.commands.start("timeout 60 sh -c 'while :; do :; done'")
        hold = sandbox.commands.start("python3 -c \"import time; b = b'x' * (200 << 20); time.sleep(60)\"")
        samples = wait_for_work(sandbox)
        last = samples[-1]
        assert last.cpu_count == 2 and 0 < last.cpu_used_pct <= 100
        assert last.mem_total == 512 << 20 and last.mem_used < last.mem_total
        assert 0 < last.disk_used < last.disk_total
        assert all(s.timestamp.tzinfo is not None and s.timestamp.timestamp() % 5 == 0 for s in samples)
        assert [s.timestamp for s in samples] == sorted({s.timestamp for s in samples})

        first, second = samples[0], samples[1]
        assert sandbox.get_metrics(first.timestamp, first.timestamp) == [first]
        assert client.get_metrics(sandbox.sandbox_id, start=second.timestamp)[0] == second
        assert sandbox.get_metrics(start=datetime.now(timezone.utc) + timedelta(hours=1)) == []
        burn.kill()
        hold.kill()


def test_metrics_errors(client: libe2b.Client) -> None:
    with pytest.raises(libe2b.SandboxNotFoundException):
        client.get_metrics("nosuchsandbox")
    with client.create_sandbox(timeout=60) as sandbox:
        with pytest.raises(libe2b.InvalidArgumentException):
            sandbox.get_metrics(start=datetime(1960, 1, 1, tzinfo=timezone.utc))
        with pytest.raises(libe2b.InvalidArgumentException):
            sandbox.get_metrics(datetime(2030, 1, 2, tzinfo=timezone.utc), datetime(2030, 1, 1, tzinfo=timezone.utc))
        token = libe2b.CancelToken()
        token.cancel()
        with pytest.raises(libe2b.CancelledException):
            sandbox.get_metrics(cancel=token)
