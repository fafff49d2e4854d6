package e2b

// #include "e2b.h"
import "C"

import (
	"context"
	"time"
	"unsafe"
)

// SandboxMetrics is one sample of a sandbox's use of its resources (the
// official SDKs' SandboxMetrics). E2B takes one every 5 seconds while the
// sandbox runs, none while it is paused.
type SandboxMetrics struct {
	// Timestamp is when the sample was taken (whole seconds).
	Timestamp time.Time
	// CPUCount is how many CPUs the sandbox has.
	CPUCount int
	// CPUUsedPct is how much of those CPUs it used, in percent (0 to 100).
	CPUUsedPct float64
	// MemUsed is the memory in use, in bytes.
	MemUsed uint64
	// MemTotal is the sandbox's memory, in bytes.
	MemTotal uint64
	// MemCache is the memory holding cached file data, in bytes.
	MemCache uint64
	// DiskUsed is the disk in use, in bytes.
	DiskUsed uint64
	// DiskTotal is the sandbox's disk, in bytes.
	DiskTotal uint64
}

// Metrics returns the sandbox's samples taken from start to end (both
// included, rounded down to whole seconds; the zero time: unbounded), oldest
// first; none before the first sample.
func (s *Sandbox) Metrics(ctx context.Context, start, end time.Time) ([]SandboxMetrics, error) {
	var list *C.e2b_metrics_list
	err := s.h.call(ctx, nil, func(p *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_sandbox_get_metrics(p, unixMillis(start), unixMillis(end), &list, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return metricsList(list), nil
}

// Metrics returns the samples of the sandbox id (see Sandbox.Metrics),
// without connecting to it.
func (c *Client) Metrics(ctx context.Context, id string, start, end time.Time) ([]SandboxMetrics, error) {
	var a args
	defer a.free()
	cid := a.str(id)
	var list *C.e2b_metrics_list
	err := c.h.call(ctx, &a, func(cl *C.e2b_client, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_client_get_sandbox_metrics(cl, cid, unixMillis(start), unixMillis(end), &list, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return metricsList(list), nil
}

// unixMillis is t as the library takes a time: milliseconds since the epoch,
// 0 for the zero time (unbounded).
func unixMillis(t time.Time) C.int64_t {
	if t.IsZero() {
		return 0
	}
	return C.int64_t(t.UnixMilli())
}

// metricsList reads every sample of list, in one call, and frees it.
func metricsList(list *C.e2b_metrics_list) []SandboxMetrics {
	defer C.e2b_metrics_list_free(list)
	var n C.size_t
	items := C.e2b_metrics_list_fields(list, &n)
	samples := make([]SandboxMetrics, 0, int(n))
	for _, f := range unsafe.Slice(items, n) {
		samples = append(samples, SandboxMetrics{
			Timestamp:  time.UnixMilli(int64(f.timestamp_unix_ms)),
			CPUCount:   int(f.cpu_count),
			CPUUsedPct: float64(f.cpu_used_pct),
			MemUsed:    uint64(f.mem_used),
			MemTotal:   uint64(f.mem_total),
			MemCache:   uint64(f.mem_cache),
			DiskUsed:   uint64(f.disk_used),
			DiskTotal:  uint64(f.disk_total),
		})
	}
	return samples
}
