package e2b_test

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func TestClientClose(t *testing.T) {
	c := must(e2b.NewClient(nil))(t)
	s := must(c.CreateSandbox(ctx, nil))(t)
	defer s.Close()
	defer client.Kill(ctx, s.ID())
	ok(t, c.Close())
	ok(t, c.Close())

	// The sandbox outlives its client.
	ok(t, s.Files().Write(ctx, "still.txt", []byte("here")))
	if got := must(s.Files().Read(ctx, "still.txt"))(t); string(got) != "here" {
		t.Fatalf("read %q", got)
	}
	for name, err := range map[string]error{
		"CreateSandbox": second(c.CreateSandbox(ctx, nil)),
		"Connect":       third(c.Connect(ctx, s.ID(), 0)),
		"Resume":        second(c.Resume(ctx, s.ID(), 0)),
		"List":          second(c.List(ctx, nil)),
		"Kill":          second(c.Kill(ctx, s.ID())),
		"Info":          second(c.Info(ctx, s.ID())),
	} {
		if !errors.Is(err, e2b.ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
}

func second[T any](_ T, err error) error { return err }

func third[T, U any](_ T, _ U, err error) error { return err }

func TestSandboxClose(t *testing.T) {
	s := newSandbox(t, nil)
	id := s.ID()
	ok(t, s.Close())
	ok(t, s.Close())
	if s.ID() != id {
		t.Fatal("the id changed on Close")
	}
	files, cmds := s.Files(), s.Commands()
	for name, err := range map[string]error{
		"Kill":        second(s.Kill(ctx)),
		"Pause":       second(s.Pause(ctx)),
		"SetTimeout":  s.SetTimeout(ctx, time.Minute),
		"IsRunning":   second(s.IsRunning(ctx)),
		"Info":        second(s.Info(ctx)),
		"Read":        second(files.Read(ctx, "x")),
		"Write":       files.Write(ctx, "x", nil),
		"WatchDir":    second(files.WatchDir(ctx, "/", nil)),
		"Run":         second(cmds.Run(ctx, "true", nil)),
		"Start":       second(cmds.Start(ctx, "true", nil)),
		"RunCode":     second(s.RunCode(ctx, "1", nil)),
		"CodeContext": second(s.CodeContexts(ctx)),
	} {
		if !errors.Is(err, e2b.ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	// Closing the handle did not kill the sandbox.
	if info := must(client.Info(ctx, id))(t); info.State != e2b.SandboxRunning {
		t.Fatalf("state %v after Close", info.State)
	}
}

func TestCommandClose(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	cmd := must(cmds.Start(ctx, "sleep 30", nil))(t)
	ok(t, cmd.Close())
	ok(t, cmd.Close())
	for name, err := range map[string]error{
		"Wait":       second(cmd.Wait(ctx)),
		"NextOutput": second(cmd.NextOutput(ctx, 0)),
		"SendStdin":  cmd.SendStdin(ctx, []byte("x")),
		"CloseStdin": cmd.CloseStdin(ctx),
		"Kill":       second(cmd.Kill(ctx)),
	} {
		if !errors.Is(err, e2b.ErrClosed) {
			t.Errorf("%s after Close: %v", name, err)
		}
	}
	if killed := must(cmds.Kill(ctx, cmd.Pid()))(t); !killed {
		t.Fatal("closing the handle ended the process")
	}
}

// TestCloseWhileInUse closes a sandbox handle while other goroutines use it:
// each call either completes or fails with ErrClosed.
func TestCloseWhileInUse(t *testing.T) {
	s := newSandbox(t, nil)
	ok(t, s.Files().Write(ctx, "shared", []byte("shared")))
	again := must(client.Resume(ctx, s.ID(), 0))(t)
	var wg sync.WaitGroup
	errs := make(chan error, 64)
	for range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				_, err := again.Files().Read(ctx, "shared")
				if errors.Is(err, e2b.ErrClosed) {
					return
				}
				if err != nil {
					errs <- err
					return
				}
			}
		}()
	}
	time.Sleep(100 * time.Millisecond)
	ok(t, again.Close())
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestFinalizers drops handles without closing them: the finalizers free
// them (GOGC=1 makes this run often), and never kill the sandbox.
func TestFinalizers(t *testing.T) {
	s := newSandbox(t, nil)
	ok(t, s.Files().Write(ctx, "f", bytes.Repeat([]byte("x"), 100000)))
	for range 50 {
		c := must(e2b.NewClient(nil))(t)
		h := must(c.Resume(ctx, s.ID(), 0))(t)
		r := must(h.Files().Open(ctx, "f"))(t)
		buf := make([]byte, 10)
		must(r.Read(buf))(t)
		runtime.GC()
	}
	for range 3 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	if running := must(s.IsRunning(ctx))(t); !running {
		t.Fatal("a finalizer killed the sandbox")
	}
}

// TestConcurrentClient uses one client from many goroutines, each with its
// own sandbox.
func TestConcurrentClient(t *testing.T) {
	const workers = 8
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	tag := map[string]string{"test": t.Name()}
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				s, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{Metadata: tag})
				if err != nil {
					return err
				}
				defer s.Close()
				defer s.Kill(ctx)
				want := []byte(fmt.Sprintf("worker %d", i))
				if err := s.Files().Write(ctx, "w.txt", want); err != nil {
					return err
				}
				got, err := s.Files().Read(ctx, "w.txt")
				if err != nil {
					return err
				}
				if !bytes.Equal(got, want) {
					return fmt.Errorf("worker %d read %q", i, got)
				}
				_, err = client.List(ctx, &e2b.SandboxQuery{Metadata: tag})
				return err
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}

// TestConcurrentSandbox uses one sandbox from many goroutines at once,
// callbacks included.
func TestConcurrentSandbox(t *testing.T) {
	s := newSandbox(t, nil)
	local := filepath.Join(t.TempDir(), "up")
	ok(t, os.WriteFile(local, bytes.Repeat([]byte("u"), 300000), 0o644))
	const workers = 16
	var wg sync.WaitGroup
	errs := make(chan error, workers)
	for i := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs <- func() error {
				for j := range 5 {
					name := fmt.Sprintf("c/%d-%d", i, j)
					if err := s.Files().Write(ctx, name, []byte(name)); err != nil {
						return err
					}
					var buf bytes.Buffer
					if _, err := s.Files().ReadTo(ctx, name, &buf); err != nil {
						return err
					}
					if buf.String() != name {
						return fmt.Errorf("%s read %q", name, buf.String())
					}
					calls := 0
					if err := s.Files().UploadFile(ctx, local, name+".up", func(done, total int64) error { calls++; return nil }); err != nil {
						return err
					}
					if calls == 0 {
						return fmt.Errorf("%s: no progress", name)
					}
				}
				return nil
			}()
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
}
