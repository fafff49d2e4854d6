package e2b_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// deadlineMargin is what a call may take beyond its deadline (the race detector slows calls).
const deadlineMargin = 1500 * time.Millisecond

// wantDeadline fails the test unless err is the call deadline's ErrTimeout
// and the call took no more than deadline plus the margin since start.
func wantDeadline(t *testing.T, err error, start time.Time, deadline time.Duration) {
	t.Helper()
	e := wantCode(t, err, e2b.ErrTimeout)
	if !strings.Contains(e.Message, "deadline") {
		t.Fatalf("the message does not name the deadline: %v", err)
	}
	if took := time.Since(start); took > deadline+deadlineMargin {
		t.Fatalf("took %v with a deadline of %v", took, deadline)
	}
}

func TestSandboxWithDeadline(t *testing.T) {
	s := newSandbox(t, nil)
	view := s.WithDeadline(1500 * time.Millisecond)
	defer view.Close()
	if view.ID() != s.ID() || view.TemplateID() != s.TemplateID() {
		t.Fatalf("the view is of %q (%q), not %q", view.ID(), view.TemplateID(), s.ID())
	}
	start := time.Now()
	_, err := view.Commands().Run(ctx, "sleep 30", nil)
	wantDeadline(t, err, start, 1500*time.Millisecond)
	// Each call has its own deadline, and the original has none.
	ok(t, must(view.Commands().Run(ctx, "true", nil))(t).Err())
	ok(t, must(s.Commands().Run(ctx, "sleep 2", nil))(t).Err())

	// A command started through the view ends with the start call's deadline,
	// even after the view is closed.
	start = time.Now()
	cmd := must(view.Commands().Start(ctx, "sleep 30", nil))(t)
	defer cmd.Close()
	view.Close()
	_, err = cmd.Wait(ctx)
	wantDeadline(t, err, start, 1500*time.Millisecond)
	must(cmd.Kill(ctx))(t)

	// 0 lifts the deadline of a view; a view of a closed handle is closed.
	short := s.WithDeadline(300 * time.Millisecond)
	lifted := short.WithDeadline(0)
	short.Close()
	defer lifted.Close()
	ok(t, must(lifted.Commands().Run(ctx, "sleep 1", nil))(t).Err())
	_, err = short.WithDeadline(time.Second).Commands().Run(ctx, "true", nil)
	if !errors.Is(err, e2b.ErrClosed) {
		t.Fatalf("a view of a closed sandbox: %v", err)
	}
}

func TestClientWithDeadline(t *testing.T) {
	s := newSandbox(t, nil)
	other := must(e2b.NewClient(nil))(t)
	view := other.WithDeadline(3 * time.Second)
	other.Close()
	// Sandboxes made through the view carry its deadline.
	made, _, err := view.Connect(ctx, s.ID(), 0)
	ok(t, err)
	defer made.Close()
	view.Close()
	start := time.Now()
	_, err = made.Commands().Run(ctx, "sleep 30", nil)
	wantDeadline(t, err, start, 3*time.Second)
	if took := time.Since(start); took < 2900*time.Millisecond {
		t.Fatalf("the call ended after %v, before its deadline", took)
	}
	_, err = view.WithDeadline(time.Second).List(ctx, nil)
	if !errors.Is(err, e2b.ErrClosed) {
		t.Fatalf("a view of a closed client: %v", err)
	}
}
