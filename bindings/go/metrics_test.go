package e2b_test

import (
	"context"
	"errors"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// A sandbox that burns CPU and holds memory shows it in its samples, which
// the time range selects.
func TestMetricsShowWork(t *testing.T) {
	s := newSandbox(t, nil)
	burn := must(s.Commands().Start(ctx, "timeout 60 sh -c 'while :; do :; done'", nil))(t)
	defer burn.Close()
	hold := must(s.Commands().Start(ctx, `python3 -c "import time; b = b'x' * (200 << 20); time.sleep(60)"`, nil))(t)
	defer hold.Close()

	var samples []e2b.SandboxMetrics
	for deadline := time.Now().Add(30 * time.Second); ; {
		samples = must(s.Metrics(ctx, time.Time{}, time.Time{}))(t)
		if n := len(samples); n >= 2 && samples[n-1].CPUUsedPct >= 2 && samples[n-1].MemUsed >= 200<<20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no sample showed the work: %+v", samples)
		}
		time.Sleep(500 * time.Millisecond)
	}
	last := samples[len(samples)-1]
	if last.CPUCount != 2 || last.MemTotal != 512<<20 || last.CPUUsedPct > 100 || last.MemUsed >= last.MemTotal {
		t.Errorf("last sample: %+v", last)
	}
	if last.DiskUsed == 0 || last.DiskUsed >= last.DiskTotal {
		t.Errorf("disk: %+v", last)
	}
	for i, sample := range samples {
		if sample.Timestamp.Unix()%5 != 0 || (i > 0 && !samples[i-1].Timestamp.Before(sample.Timestamp)) {
			t.Errorf("sample %d at %v", i, sample.Timestamp)
		}
	}

	first := samples[0]
	only := must(s.Metrics(ctx, first.Timestamp, first.Timestamp))(t)
	if len(only) != 1 || only[0] != first {
		t.Errorf("range [first, first]: %+v, want %+v", only, first)
	}
	later := must(client.Metrics(ctx, s.ID(), samples[1].Timestamp, time.Time{}))(t)
	if len(later) == 0 || later[0] != samples[1] {
		t.Errorf("from the second: %+v", later)
	}
	if future := must(s.Metrics(ctx, time.Now().Add(time.Hour), time.Time{}))(t); len(future) != 0 {
		t.Errorf("future: %+v", future)
	}
}

func TestMetricsErrors(t *testing.T) {
	_, err := client.Metrics(ctx, "nosuchsandbox", time.Time{}, time.Time{})
	wantCode(t, err, e2b.ErrSandboxNotFound)
	s := newSandbox(t, nil)
	_, err = s.Metrics(ctx, time.Unix(-10, 0), time.Time{})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = s.Metrics(ctx, time.Unix(2000, 0), time.Unix(1000, 0))
	wantCode(t, err, e2b.ErrInvalidArgument)
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = s.Metrics(cancelled, time.Time{}, time.Time{})
	wantCode(t, err, e2b.ErrCancelled)
	ok(t, s.Close())
	if _, err = s.Metrics(ctx, time.Time{}, time.Time{}); !errors.Is(err, e2b.ErrClosed) {
		t.Errorf("closed handle: %v", err)
	}
}
