"""Sandbox metrics: samples of CPU, memory and disk use over a time range."""

from __future__ import annotations

import ctypes
from dataclasses import dataclass
from datetime import datetime, timezone

from . import _bindings as b
from ._core import owned


@dataclass(frozen=True)
class SandboxMetrics:
    """One sample of a sandbox's use of its resources (as the official
    SDKs' ``SandboxMetrics``). E2B takes one every 5 seconds while the
    sandbox runs, none while it is paused."""

    cpu_count: int
    cpu_used_pct: float
    """How much of the sandbox's CPUs it used, in percent (0 to 100)."""
    disk_total: int
    """Bytes."""
    disk_used: int
    """Bytes."""
    mem_total: int
    """Bytes."""
    mem_used: int
    """Bytes."""
    mem_cache: int
    """Bytes of memory holding cached file data."""
    timestamp: datetime
    """When the sample was taken (whole seconds, UTC)."""

    @classmethod
    def _from(cls, fields: b.e2b_metrics_fields) -> SandboxMetrics:
        return cls(
            cpu_count=fields.cpu_count,
            cpu_used_pct=fields.cpu_used_pct,
            disk_total=fields.disk_total,
            disk_used=fields.disk_used,
            mem_total=fields.mem_total,
            mem_used=fields.mem_used,
            mem_cache=fields.mem_cache,
            timestamp=datetime.fromtimestamp(fields.timestamp_unix_ms / 1000, tz=timezone.utc),
        )


def unix_ms(time: datetime | None) -> int:
    """A `start`/`end` as the library takes it: milliseconds since the epoch,
    0 for ``None``. A naive datetime is local time, as ``datetime.timestamp``
    (and so the official SDKs) takes it."""
    if time is None:
        return 0
    return int(time.timestamp() * 1000)


def read_list(out: ctypes._Pointer[b.e2b_metrics_list]) -> list[SandboxMetrics]:
    """Every sample of the list `out`, read in one call; frees the list."""
    with owned(out, b.e2b_metrics_list_free):
        count = ctypes.c_size_t()
        fields = b.e2b_metrics_list_fields(out, ctypes.byref(count))
        return [SandboxMetrics._from(fields[i].contents) for i in range(count.value)]
