package e2b_test

import (
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// sleeperRuns tells whether the `sleep 600` the test started still runs.
func sleeperRuns(t *testing.T, s *e2b.Sandbox) bool {
	t.Helper()
	result := must(s.Commands().Run(ctx, "pgrep -fx 'sleep 600' || true", nil))(t)
	return strings.TrimSpace(string(result.Stdout)) != ""
}

func TestLifecycleIsChecked(t *testing.T) {
	bad := []e2b.Lifecycle{
		{OnTimeout: e2b.OnTimeoutKill, AutoResume: true},
		{AutoResume: true},
		{OnTimeout: e2b.OnTimeoutPause, Mode: e2b.PauseModeFilesystem, AutoResume: true},
		{OnTimeout: e2b.OnTimeoutKill, Mode: e2b.PauseModeFull},
		{OnTimeout: 9},
	}
	for _, lifecycle := range bad {
		_, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{Lifecycle: &lifecycle})
		wantCode(t, err, e2b.ErrInvalidArgument)
	}
}

func TestLifecycleInfoPauseModesAndReboot(t *testing.T) {
	lifecycle := &e2b.Lifecycle{OnTimeout: e2b.OnTimeoutPause, Mode: e2b.PauseModeFull, AutoResume: true}
	s := newSandbox(t, &e2b.SandboxOptions{Timeout: 2 * time.Minute, Lifecycle: lifecycle, NoInternetAccess: true})
	info := must(s.Info(ctx))(t)
	if info.Lifecycle == nil || info.Lifecycle.OnTimeout != e2b.OnTimeoutPause || !info.Lifecycle.AutoResume {
		t.Fatalf("lifecycle %+v", info.Lifecycle)
	}
	if info.AllowInternetAccess == nil || *info.AllowInternetAccess {
		t.Fatalf("allow internet access %v", info.AllowInternetAccess)
	}
	if info.PauseMode != e2b.PauseModeDefault || info.EnvdUnresponsiveAtPause {
		t.Fatalf("running: %v %v", info.PauseMode, info.EnvdUnresponsiveAtPause)
	}
	if info.Network == nil || len(info.Network.AllowOut) != 0 || info.Network.EgressProxy != nil {
		t.Fatalf("network %+v", info.Network)
	}

	must(s.Commands().Start(ctx, "sleep 600", nil))(t).Close()
	if paused := must(s.PauseWith(ctx, &e2b.PauseOptions{Mode: e2b.PauseModeFull, Strict: true}))(t); !paused {
		t.Fatal("not paused")
	}
	if paused := must(client.Pause(ctx, s.ID(), nil))(t); paused {
		t.Fatal("paused twice")
	}
	if mode := must(client.Info(ctx, s.ID()))(t).PauseMode; mode != e2b.PauseModeFull {
		t.Fatalf("pause mode %v", mode)
	}
	ok(t, s.Connect(ctx, time.Minute, e2b.OnResumeRestore))
	if !sleeperRuns(t, s) {
		t.Fatal("a full pause lost the process")
	}
	must(s.PauseWith(ctx, &e2b.PauseOptions{Mode: e2b.PauseModeFilesystem}))(t)
	if mode := must(s.Info(ctx))(t).PauseMode; mode != e2b.PauseModeFilesystem {
		t.Fatalf("pause mode %v", mode)
	}
	again, resumed, err := client.ConnectWith(ctx, s.ID(), time.Minute, e2b.OnResumeReboot)
	ok(t, err)
	defer again.Close()
	if !resumed || sleeperRuns(t, s) {
		t.Fatalf("resumed %v, or the process survived a files-only pause", resumed)
	}

	_, err = s.PauseWith(ctx, &e2b.PauseOptions{Mode: 7})
	wantCode(t, err, e2b.ErrInvalidArgument)
	wantCode(t, s.Connect(ctx, time.Minute, 5), e2b.ErrInvalidArgument)
	_, err = client.Pause(ctx, "nosuchsandbox", &e2b.PauseOptions{Strict: true})
	wantCode(t, err, e2b.ErrSandboxNotFound)
}
