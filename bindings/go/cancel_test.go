package e2b_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// cancelLimit is how long a call may take to return once its context is
// done (the library's bound is 100 ms; the race detector slows calls).
const cancelLimit = time.Second

// cancelAfter is how long the tests let a call block before cancelling it.
const cancelAfter = 300 * time.Millisecond

// silentServer listens on 127.0.0.1 and accepts connections that it never
// answers; it returns its URL.
func silentServer(t *testing.T) string {
	t.Helper()
	l := must(net.Listen("tcp", "127.0.0.1:0"))(t)
	var mu sync.Mutex
	var conns []net.Conn
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String()
}

// muteProxy forwards connections to target until mute is called; from then
// on it forwards nothing either way, on the connections open and on new
// ones, as a server that stopped answering. It returns its URL.
func muteProxy(t *testing.T, target string) (proxyURL string, mute func()) {
	t.Helper()
	u := must(url.Parse(target))(t)
	l := must(net.Listen("tcp", "127.0.0.1:0"))(t)
	var muted atomic.Bool
	var mu sync.Mutex
	var conns []net.Conn
	track := func(c net.Conn) {
		mu.Lock()
		defer mu.Unlock()
		conns = append(conns, c)
	}
	pipe := func(dst, src net.Conn) {
		buf := make([]byte, 32<<10)
		for {
			n, err := src.Read(buf)
			if n > 0 && !muted.Load() {
				if _, werr := dst.Write(buf[:n]); werr != nil {
					return
				}
			}
			if err != nil {
				if !muted.Load() && err == io.EOF {
					dst.(*net.TCPConn).CloseWrite()
				}
				return
			}
		}
	}
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			track(c)
			up, err := net.Dial("tcp", u.Host)
			if err != nil {
				c.Close()
				continue
			}
			track(up)
			go pipe(up, c)
			go pipe(c, up)
		}
	}()
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		defer mu.Unlock()
		for _, c := range conns {
			c.Close()
		}
	})
	return "http://" + l.Addr().String(), func() { muted.Store(true) }
}

// cancelled runs call with a context that another goroutine cancels after
// cancelAfter, and checks that the call blocked until then and returned
// promptly after with ErrCancelled wrapping context.Canceled.
func cancelled(t *testing.T, call func(context.Context) error) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cancelledAt := make(chan time.Time, 1)
	go func() {
		time.Sleep(cancelAfter)
		cancelledAt <- time.Now()
		cancel()
	}()
	start := time.Now()
	err := call(ctx)
	end := time.Now()
	if end.Sub(start) < cancelAfter {
		t.Fatalf("the call ended after %v, before it was cancelled: %v", end.Sub(start), err)
	}
	wantCancelled(t, err, context.Canceled, end.Sub(<-cancelledAt))
}

// wantCancelled fails the test unless err is an *e2b.Error with code
// ErrCancelled that matches cause and took (the time from the context's end
// to the call's) is within cancelLimit.
func wantCancelled(t *testing.T, err, cause error, took time.Duration) {
	t.Helper()
	wantCode(t, err, e2b.ErrCancelled)
	if !errors.Is(err, cause) {
		t.Fatalf("%v does not match %v", err, cause)
	}
	if !strings.Contains(err.Error(), cause.Error()) {
		t.Fatalf("the message does not say %q: %v", cause, err)
	}
	t.Logf("returned %v after the context ended", took)
	if took > cancelLimit {
		t.Fatalf("returned %v after the context ended", took)
	}
}

func TestCancelOnSilentAPI(t *testing.T) {
	c := must(e2b.NewClient(&e2b.ClientOptions{APIURL: silentServer(t), MaxRetries: -1}))(t)
	defer c.Close()
	cancelled(t, func(ctx context.Context) error { return second(c.CreateSandbox(ctx, nil)) })
	cancelled(t, func(ctx context.Context) error { return second(c.List(ctx, nil)) })
}

func TestDeadlineOnSilentAPI(t *testing.T) {
	c := must(e2b.NewClient(&e2b.ClientOptions{APIURL: silentServer(t)}))(t)
	defer c.Close()
	const deadline = 500 * time.Millisecond
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	start := time.Now()
	_, err := c.Info(ctx, "abcdefghij0123456789")
	took := time.Since(start)
	if took < deadline {
		t.Fatalf("the call ended after %v, before the deadline: %v", took, err)
	}
	wantCancelled(t, err, context.DeadlineExceeded, took-deadline)
}

// TestCancelOnSilentSandbox cancels each kind of call to a sandbox whose
// envd never answers: unary requests, streams, uploads and downloads.
func TestCancelOnSilentSandbox(t *testing.T) {
	c := must(e2b.NewClient(&e2b.ClientOptions{SandboxURL: silentServer(t)}))(t)
	defer c.Close()
	s := must(c.CreateSandbox(ctx, nil))(t)
	defer s.Close()
	defer client.Kill(ctx, s.ID())
	local := filepath.Join(t.TempDir(), "up")
	ok(t, os.WriteFile(local, []byte("up"), 0o644))
	files := s.Files()
	for name, call := range map[string]func(context.Context) error{
		"Read":         func(ctx context.Context) error { return second(files.Read(ctx, "f")) },
		"Write":        func(ctx context.Context) error { return files.Write(ctx, "f", []byte("x")) },
		"List":         func(ctx context.Context) error { return second(files.List(ctx, "/", 1)) },
		"UploadFile":   func(ctx context.Context) error { return files.UploadFile(ctx, local, "up", nil) },
		"DownloadFile": func(ctx context.Context) error { return files.DownloadFile(ctx, "f", local+".down", nil) },
		"WatchDir":     func(ctx context.Context) error { return second(files.WatchDir(ctx, "/", nil)) },
		"IsRunning":    func(ctx context.Context) error { return second(s.IsRunning(ctx)) },
		"Run":          func(ctx context.Context) error { return second(s.Commands().Run(ctx, "true", nil)) },
		"Start":        func(ctx context.Context) error { return second(s.Commands().Start(ctx, "true", nil)) },
		"RunCode":      func(ctx context.Context) error { return second(s.RunCode(ctx, "1", nil)) },
	} {
		t.Run(name, func(t *testing.T) { cancelled(t, call) })
	}
}

// TestCancelRun cancels a running command: the call returns at once and the
// process is killed, not left running.
func TestCancelRun(t *testing.T) {
	cmds := newSandbox(t, nil).Commands()
	cancelled(t, func(ctx context.Context) error { return second(cmds.Run(ctx, "sleep 30", nil)) })
	wantNoProcess(t, cmds, "sleep 30")

	cmd := must(cmds.Start(ctx, "sleep 31", nil))(t)
	defer cmd.Close()
	cancelled(t, func(ctx context.Context) error { return second(cmd.Wait(ctx)) })
	wantNoProcess(t, cmds, "sleep 31")
}

// wantNoProcess fails the test if a process runs cmd within a second.
func wantNoProcess(t *testing.T, cmds *e2b.Commands, cmd string) {
	t.Helper()
	start := time.Now()
	for {
		procs := must(cmds.List(ctx))(t)
		i := slices.IndexFunc(procs, func(p e2b.ProcessInfo) bool { return slices.Contains(p.Args, cmd) })
		if i < 0 {
			t.Logf("%q ended %v after the call", cmd, time.Since(start))
			return
		}
		if time.Since(start) > time.Second {
			t.Fatalf("%q still runs after its call was cancelled: %+v", cmd, procs[i])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestCancelNextOutput(t *testing.T) {
	cmd := must(newSandbox(t, nil).Commands().Start(ctx, "sleep 30", nil))(t)
	defer cmd.Close()
	cancelled(t, func(ctx context.Context) error { return second(cmd.NextOutput(ctx, 30*time.Second)) })
	must(cmd.Kill(ctx))(t)
}

func TestCancelNextEvents(t *testing.T) {
	w := must(newSandbox(t, nil).Files().WatchDir(ctx, "/tmp", nil))(t)
	defer w.Close()
	cancelled(t, func(ctx context.Context) error { return second(w.NextEvents(ctx, 30*time.Second)) })
	// Only that call ended: the watch goes on.
	events := must(w.NextEvents(ctx, 10*time.Millisecond))(t)
	t.Logf("events after the cancelled wait: %v", events)
}

func TestCancelWatchDirStream(t *testing.T) {
	files := newSandbox(t, nil).Files()
	cancelled(t, func(ctx context.Context) error {
		return files.WatchDirStream(ctx, "/tmp", nil, 30*time.Second, func(e2b.FilesystemEvent) error { return nil })
	})
}

// TestWatchCloseDoesNotWait: closing a watch whose sandbox stopped
// answering returns at once (the watch is stopped in the background), while
// Stop, which waits for the answer, ends with its context.
func TestWatchCloseDoesNotWait(t *testing.T) {
	proxied, mute := muteProxy(t, os.Getenv("E2B_SANDBOX_URL"))
	c := must(e2b.NewClient(&e2b.ClientOptions{SandboxURL: proxied}))(t)
	defer c.Close()
	s := must(c.CreateSandbox(ctx, nil))(t)
	defer s.Close()
	defer client.Kill(ctx, s.ID())
	files := s.Files()
	stopped := must(files.WatchDir(ctx, "/tmp", nil))(t)
	defer stopped.Close()
	w := must(files.WatchDir(ctx, "/tmp", nil))(t)
	must(w.NewEvents(ctx))(t)
	mute()

	cancelled(t, func(ctx context.Context) error { return stopped.Stop(ctx) })
	start := time.Now()
	ok(t, w.Close())
	took := time.Since(start)
	t.Logf("Close took %v", took)
	if took > 100*time.Millisecond {
		t.Fatalf("Close of a watch on a silent sandbox took %v", took)
	}
}

// TestCancelFileReader: the context of Open bounds the reads.
func TestCancelFileReader(t *testing.T) {
	files := newSandbox(t, nil).Files()
	ok(t, files.Write(ctx, "big", make([]byte, 1<<20)))
	readCtx, cancel := context.WithCancel(context.Background())
	r := must(files.Open(readCtx, "big"))(t)
	defer r.Close()
	must(r.Read(make([]byte, 10)))(t)
	cancel()
	_, err := r.Read(make([]byte, 10))
	wantCode(t, err, e2b.ErrCancelled)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("%v does not match context.Canceled", err)
	}
}

// TestDoneContext: a call given a context that is already done fails at
// once, without doing anything.
func TestDoneContext(t *testing.T) {
	files := newSandbox(t, nil).Files()
	done, cancel := context.WithCancel(context.Background())
	cancel()
	start := time.Now()
	err := files.Write(done, "never", []byte("x"))
	wantCancelled(t, err, context.Canceled, time.Since(start))
	if exists := must(files.Exists(ctx, "never"))(t); exists {
		t.Fatal("a call with a done context wrote the file")
	}
	expired, cancel := context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
	defer cancel()
	start = time.Now()
	_, err = files.Exists(expired, "never")
	wantCancelled(t, err, context.DeadlineExceeded, time.Since(start))

	_, err = files.Exists(nil, "never")
	wantCode(t, err, e2b.ErrNullArgument)
}

// TestCancelRace cancels contexts while their calls end, from many
// goroutines: each call succeeds or is cancelled, and -race sees the token's
// use and free.
func TestCancelRace(t *testing.T) {
	files := newSandbox(t, nil).Files()
	ok(t, files.Write(ctx, "f", []byte("f")))
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range 20 {
				ctx, cancel := context.WithCancel(context.Background())
				go func() {
					time.Sleep(time.Duration(i+j) * 100 * time.Microsecond)
					cancel()
				}()
				_, err := files.Read(ctx, "f")
				cancel()
				if err != nil && !(errors.Is(err, e2b.ErrCancelled) && errors.Is(err, context.Canceled)) {
					errs <- fmt.Errorf("read %d/%d: %w", i, j, err)
					return
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestRetryAfter: the server's Retry-After reaches the error.
func TestRetryAfter(t *testing.T) {
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprint(w, `{"code":429,"message":"slow down"}`)
	}))
	defer busy.Close()
	c := must(e2b.NewClient(&e2b.ClientOptions{APIURL: busy.URL, MaxRetries: -1}))(t)
	defer c.Close()
	_, err := c.List(ctx, nil)
	if e := wantCode(t, err, e2b.ErrRateLimited); e.RetryAfter != 7*time.Second || e.HTTPStatus != 429 {
		t.Fatalf("RetryAfter %v, HTTP %d: %v", e.RetryAfter, e.HTTPStatus, err)
	}
	_, err = client.Info(ctx, "abcdefghij0123456789")
	if e := wantCode(t, err, e2b.ErrSandboxNotFound); e.RetryAfter != 0 || e.CallbackValue != 0 {
		t.Fatalf("RetryAfter %v, CallbackValue %d without a Retry-After or a callback", e.RetryAfter, e.CallbackValue)
	}
}
