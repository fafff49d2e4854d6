package e2b_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func TestRun(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	var stdout, stderr bytes.Buffer
	res := must(cmds.Run(ctx, "echo hello; echo oops >&2; exit 3", &e2b.CommandOptions{
		OnStdout: func(b []byte) error { stdout.Write(b); return nil },
		OnStderr: func(b []byte) error { stderr.Write(b); return nil },
	}))(t)
	if res.ExitCode != 3 || string(res.Stdout) != "hello\n" || string(res.Stderr) != "oops\n" || res.Error == "" {
		t.Fatalf("result %+v", res)
	}
	if stdout.String() != "hello\n" || stderr.String() != "oops\n" {
		t.Fatalf("callbacks got %q and %q", stdout.String(), stderr.String())
	}
	err := res.Err()
	wantCode(t, err, e2b.ErrCommandExit)
	if !strings.Contains(err.Error(), "3") {
		t.Fatalf("the error does not give the exit code: %v", err)
	}

	res = must(cmds.Run(ctx, `printf 'a\000b\377'`, nil))(t)
	if !bytes.Equal(res.Stdout, []byte("a\x00b\xff")) || res.ExitCode != 0 || res.Err() != nil || res.Error != "" {
		t.Fatalf("binary output %+v", res)
	}
}

func TestRunOptions(t *testing.T) {
	s := newSandbox(t, &e2b.SandboxOptions{Env: map[string]string{"FROM_SANDBOX": "sbx"}})
	res := must(s.Commands().Run(ctx, `echo "$FOO $FROM_SANDBOX"; pwd; whoami`, &e2b.CommandOptions{
		Env:  map[string]string{"FOO": "bar"},
		Cwd:  "/tmp",
		User: "root",
	}))(t)
	if got := string(res.Stdout); got != "bar sbx\n/tmp\nroot\n" {
		t.Fatalf("stdout %q", got)
	}
	res = must(s.Commands().Run(ctx, "sleep 0.2", &e2b.CommandOptions{Timeout: e2b.NoTimeout}))(t)
	ok(t, res.Err())

	_, err := s.Commands().Run(ctx, "sleep 10", &e2b.CommandOptions{Timeout: 500 * time.Millisecond})
	wantCode(t, err, e2b.ErrTimeout)
	_, err = s.Commands().Run(ctx, "true", &e2b.CommandOptions{Cwd: "/no/such/dir"})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = s.Commands().Run(ctx, "true", &e2b.CommandOptions{User: "nobody-here"})
	wantCode(t, err, e2b.ErrAuthentication)
}

func TestRunCallbackStops(t *testing.T) {
	s := newSandbox(t, nil)
	enough := errors.New("enough")
	calls := 0
	_, err := s.Commands().Run(ctx, "for i in 1 2 3 4 5; do echo $i; sleep 0.2; done", &e2b.CommandOptions{
		OnStdout: func([]byte) error { calls++; return enough },
	})
	if e := wantCode(t, err, e2b.ErrCallbackAborted); e.CallbackValue != 1 {
		t.Fatalf("CallbackValue %d, want the trampoline's 1", e.CallbackValue)
	}
	if !errors.Is(err, enough) || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}

	v := catchPanic(func() {
		s.Commands().Run(ctx, "echo out", &e2b.CommandOptions{OnStdout: func([]byte) error { panic("output panic") }})
	})
	if v != "output panic" {
		t.Fatalf("panic value %v", v)
	}
	res := must(s.Commands().Run(ctx, "echo still here", nil))(t)
	if string(res.Stdout) != "still here\n" {
		t.Fatalf("after a panic: %+v", res)
	}
}

func TestStartWait(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	var out bytes.Buffer
	cmd := must(cmds.Start(ctx, "echo one; sleep 0.3; echo two", &e2b.CommandOptions{
		OnStdout: func(b []byte) error { out.Write(b); return nil },
	}))(t)
	defer cmd.Close()
	if cmd.Pid() == 0 {
		t.Fatal("no pid")
	}
	res := must(cmd.Wait(ctx))(t)
	if res.ExitCode != 0 || string(res.Stdout) != "one\ntwo\n" || out.String() != "one\ntwo\n" {
		t.Fatalf("result %+v, callback got %q", res, out.String())
	}
}

func TestNextOutput(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	cmd := must(cmds.Start(ctx, "echo out; echo err >&2; sleep 0.2; exit 4", nil))(t)
	defer cmd.Close()
	var stdout, stderr []byte
	var result *e2b.CommandResult
	for deadline := time.Now().Add(20 * time.Second); result == nil; {
		if time.Now().After(deadline) {
			t.Fatal("the command did not end")
		}
		o := must(cmd.NextOutput(ctx, time.Second))(t)
		switch o.Stream {
		case e2b.Stdout:
			stdout = append(stdout, o.Data...)
		case e2b.Stderr:
			stderr = append(stderr, o.Data...)
		}
		result = o.Result
	}
	if string(stdout) != "out\n" || string(stderr) != "err\n" || result.ExitCode != 4 {
		t.Fatalf("stdout %q, stderr %q, result %+v", stdout, stderr, result)
	}
	if again := must(cmd.NextOutput(ctx, 0))(t); again.Result == nil || again.Result.ExitCode != 4 {
		t.Fatalf("after the end: %+v", again)
	}
}

func TestStdin(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	cmd := must(cmds.Start(ctx, "cat", &e2b.CommandOptions{Stdin: true}))(t)
	defer cmd.Close()
	ok(t, cmd.SendStdin(ctx, []byte("through the handle\n")))
	ok(t, cmds.SendStdin(ctx, cmd.Pid(), []byte("by pid\x00\xff\n")))
	ok(t, cmd.CloseStdin(ctx))
	res := must(cmd.Wait(ctx))(t)
	if want := "through the handle\nby pid\x00\xff\n"; string(res.Stdout) != want || res.ExitCode != 0 {
		t.Fatalf("cat gave %q, want %q", res.Stdout, want)
	}

	other := must(cmds.Start(ctx, "cat", &e2b.CommandOptions{Stdin: true}))(t)
	defer other.Close()
	ok(t, cmds.CloseStdin(ctx, other.Pid()))
	if res := must(other.Wait(ctx))(t); res.ExitCode != 0 {
		t.Fatalf("cat after CloseStdin by pid: %+v", res)
	}

	closed := must(cmds.Start(ctx, "sleep 5", nil))(t)
	defer closed.Close()
	err := closed.SendStdin(ctx, []byte("x"))
	wantCode(t, err, e2b.ErrAPI)
	must(closed.Kill(ctx))(t)
	err = cmds.SendStdin(ctx, 999999, []byte("x"))
	wantCode(t, err, e2b.ErrNotFound)
}

func TestListKillConnect(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	cmd := must(cmds.Start(ctx, "sleep 30", &e2b.CommandOptions{Cwd: "/tmp"}))(t)
	defer cmd.Close()

	procs := must(cmds.List(ctx))(t)
	i := slices.IndexFunc(procs, func(p e2b.ProcessInfo) bool { return p.Pid == cmd.Pid() })
	if i < 0 {
		t.Fatalf("pid %d is not in %+v", cmd.Pid(), procs)
	}
	if p := procs[i]; p.Cmd == "" || !slices.Contains(p.Args, "sleep 30") || p.Cwd != "/tmp" {
		t.Fatalf("process %+v", p)
	}

	var connected bytes.Buffer
	attached := must(cmds.Connect(ctx, cmd.Pid(), &e2b.ConnectOptions{
		OnStdout: func(b []byte) error { connected.Write(b); return nil },
	}))(t)
	defer attached.Close()
	if attached.Pid() != cmd.Pid() {
		t.Fatalf("attached to %d, want %d", attached.Pid(), cmd.Pid())
	}

	if killed := must(cmds.Kill(ctx, cmd.Pid()))(t); !killed {
		t.Fatal("Kill of a running process said it was gone")
	}
	if res := must(attached.Wait(ctx))(t); res.ExitCode == 0 {
		t.Fatalf("a killed process exited with %+v", res)
	}
	if killed := must(cmds.Kill(ctx, cmd.Pid()))(t); killed {
		t.Fatal("Kill of a killed process said it killed it")
	}
	if killed := must(cmd.Kill(ctx))(t); killed {
		t.Fatal("Command.Kill of a killed process said it killed it")
	}
	_, err := cmds.Connect(ctx, 999999, nil)
	wantCode(t, err, e2b.ErrNotFound)

	// A process goes on after its handle is closed, and can be killed through a new one.
	bg := must(cmds.Start(ctx, "sleep 30", nil))(t)
	pid := bg.Pid()
	ok(t, bg.Close())
	again := must(cmds.Connect(ctx, pid, nil))(t)
	defer again.Close()
	if killed := must(again.Kill(ctx))(t); !killed {
		t.Fatal("the process did not outlive its handle")
	}
}
