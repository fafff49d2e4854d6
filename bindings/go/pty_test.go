package e2b_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// readUntil pulls a terminal's output until it holds needle.
func readUntil(t *testing.T, c *e2b.Command, needle string) string {
	t.Helper()
	var seen []byte
	deadline := time.Now().Add(20 * time.Second)
	for !bytes.Contains(seen, []byte(needle)) {
		if time.Now().After(deadline) {
			t.Fatalf("no %q in %q", needle, seen)
		}
		out := must(c.NextOutput(ctx, 200*time.Millisecond))(t)
		if out.Result != nil {
			t.Fatalf("the shell ended (%+v) before %q in %q", out.Result, needle, seen)
		}
		if out.Stream != 0 && out.Stream != e2b.Pty {
			t.Fatalf("a terminal's output came as %v", out.Stream)
		}
		seen = append(seen, out.Data...)
	}
	return string(seen)
}

func TestPtyShell(t *testing.T) {
	s := newSandbox(t, nil)
	pty := s.Pty()
	shell := must(pty.Create(ctx, e2b.PtySize{Rows: 24, Cols: 80}, nil))(t)
	defer shell.Close()
	if !shell.IsPty() {
		t.Fatal("IsPty is false")
	}
	ok(t, shell.SendStdin(ctx, []byte("stty size; echo ready-$((6 * 7))\n")))
	if seen := readUntil(t, shell, "ready-42"); !strings.Contains(seen, "24 80\r\n") {
		t.Fatalf("size: %q", seen)
	}
	ok(t, pty.Resize(ctx, shell.Pid(), e2b.PtySize{Rows: 30, Cols: 100}))
	ok(t, pty.SendStdin(ctx, shell.Pid(), []byte("stty size\n")))
	readUntil(t, shell, "30 100\r\n")

	// An input stream with quick keepalives, and one fed from a reader.
	in := must(pty.OpenInput(ctx, shell.Pid(), &e2b.InputOptions{KeepaliveInterval: 100 * time.Millisecond}))(t)
	if !in.Streaming() {
		t.Fatal("e2b-local has StreamInput")
	}
	must(in.Write([]byte("echo str")))(t)
	time.Sleep(350 * time.Millisecond)
	ok(t, in.WriteContext(ctx, []byte("eamed-$((5 * 5))\n")))
	ok(t, in.Finish(ctx))
	ok(t, in.Close())
	readUntil(t, shell, "streamed-25")
	ok(t, pty.StreamInput(ctx, shell.Pid(), strings.NewReader("echo read-$((4 * 4))\n"), nil))
	readUntil(t, shell, "read-16")

	ok(t, shell.SendStdin(ctx, []byte("exit 3\n")))
	res := must(shell.Wait(ctx))(t)
	if res.ExitCode != 3 || len(res.Stdout) != 0 {
		t.Fatalf("result %+v", res)
	}
}

func TestPtyOptionsConnectAndKill(t *testing.T) {
	s := newSandbox(t, nil)
	pty := s.Pty()
	var screen bytes.Buffer
	shell := must(pty.Create(ctx, e2b.PtySize{Rows: 24, Cols: 80}, &e2b.PtyOptions{
		Env: map[string]string{"GREETING": "hi", "LANG": "C"}, Cwd: "/tmp", User: "root", Timeout: e2b.NoTimeout,
		OnData: func(b []byte) error { screen.Write(b); return nil },
	}))(t)
	defer shell.Close()

	var attachedScreen bytes.Buffer
	attached := must(pty.Connect(ctx, shell.Pid(), &e2b.ConnectOptions{
		Timeout: 30 * time.Second,
		OnPty:   func(b []byte) error { attachedScreen.Write(b); return nil },
	}))(t)
	defer attached.Close()
	ok(t, pty.SendStdin(ctx, shell.Pid(), []byte("echo \"<$GREETING $(pwd) $(whoami) $LANG $TERM>\"; exit\n")))
	res := must(shell.Wait(ctx))(t)
	if res.ExitCode != 0 || !strings.Contains(screen.String(), "<hi /tmp root C xterm-256color>") {
		t.Fatalf("result %+v, screen %q", res, screen.String())
	}
	must(attached.Wait(ctx))(t)
	if !strings.Contains(attachedScreen.String(), "<hi /tmp root") {
		t.Fatalf("the attached follower saw %q", attachedScreen.String())
	}

	sleeper := must(pty.Create(ctx, e2b.PtySize{Rows: 5, Cols: 5}, nil))(t)
	defer sleeper.Close()
	if killed := must(pty.Kill(ctx, sleeper.Pid()))(t); !killed {
		t.Fatal("not killed")
	}
	if res := must(sleeper.Wait(ctx))(t); res.ExitCode != -1 {
		t.Fatalf("killed shell: %+v", res)
	}
}

func TestPtyErrors(t *testing.T) {
	s := newSandbox(t, nil)
	pty := s.Pty()
	_, err := pty.Create(ctx, e2b.PtySize{Rows: 0, Cols: 80}, nil)
	wantCode(t, err, e2b.ErrInvalidArgument)
	wantCode(t, pty.SendStdin(ctx, 999999, []byte("x")), e2b.ErrNotFound)
	wantCode(t, pty.Resize(ctx, 999999, e2b.PtySize{Rows: 5, Cols: 5}), e2b.ErrNotFound)
	_, err = pty.Connect(ctx, 999999, nil)
	wantCode(t, err, e2b.ErrNotFound)
	_, err = pty.OpenInput(ctx, 999999, nil)
	wantCode(t, err, e2b.ErrNotFound)
	if killed := must(pty.Kill(ctx, 999999))(t); killed {
		t.Fatal("killed a process that does not exist")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = pty.Create(cancelled, e2b.PtySize{Rows: 24, Cols: 80}, nil)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("a cancelled create: %v", err)
	}
}

func TestStdinStreamsAndRetainedOutput(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	cat := must(cmds.Start(ctx, "cat", &e2b.CommandOptions{Stdin: true}))(t)
	defer cat.Close()
	ok(t, cmds.StreamInput(ctx, cat.Pid(), strings.NewReader("one two\n"), &e2b.InputOptions{Timeout: 10 * time.Second}))
	in := must(cmds.OpenInput(ctx, cat.Pid(), nil))(t)
	must(in.Write([]byte("three\n")))(t)
	ok(t, in.Finish(ctx))
	wantCode(t, in.Finish(ctx), e2b.ErrInvalidArgument)
	ok(t, in.Close())
	if _, err := in.Write([]byte("x")); !errors.Is(err, e2b.ErrClosed) {
		t.Fatalf("a write after Close: %v", err)
	}
	ok(t, cat.CloseStdin(ctx))
	if res := must(cat.Wait(ctx))(t); string(res.Stdout) != "one two\nthree\n" {
		t.Fatalf("cat got %q", res.Stdout)
	}
	_, err := cmds.OpenInput(ctx, 999999, nil)
	wantCode(t, err, e2b.ErrNotFound)

	var seen bytes.Buffer
	res := must(cmds.Run(ctx, "echo hidden", &e2b.CommandOptions{
		DiscardOutput: true, OnStdout: func(b []byte) error { seen.Write(b); return nil },
	}))(t)
	if len(res.Stdout) != 0 || seen.String() != "hidden\n" {
		t.Fatalf("result %q, callback %q", res.Stdout, seen.String())
	}

	sleeper := must(cmds.Start(ctx, "sleep 30", nil))(t)
	defer sleeper.Close()
	attached := must(cmds.Connect(ctx, sleeper.Pid(), &e2b.ConnectOptions{Timeout: 500 * time.Millisecond}))(t)
	defer attached.Close()
	started := time.Now()
	_, err = attached.Wait(ctx)
	wantCode(t, err, e2b.ErrTimeout)
	if time.Since(started) > 5*time.Second {
		t.Fatalf("the attach limit took %v", time.Since(started))
	}
	if killed := must(sleeper.Kill(ctx))(t); !killed {
		t.Fatal("the process ended with the attach limit")
	}
}
