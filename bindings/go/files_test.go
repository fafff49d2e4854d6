package e2b_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// binary is content that is not text: NULs, invalid UTF-8, every byte value.
func binary() []byte {
	b := []byte("a\x00b\xff\xfe\r\n")
	for i := range 256 {
		b = append(b, byte(i))
	}
	return b
}

func randomBytes(t *testing.T, n int) []byte {
	b := make([]byte, n)
	must(rand.Read(b))(t)
	return b
}

func TestReadWrite(t *testing.T) {
	files := newSandbox(t, nil).Files()
	ok(t, files.Write(ctx, "/home/user/bin/data", binary()))
	if got := must(files.Read(ctx, "bin/data"))(t); !bytes.Equal(got, binary()) {
		t.Fatalf("read back %q", got)
	}
	ok(t, files.Write(ctx, "empty", nil))
	if got := must(files.Read(ctx, "empty"))(t); len(got) != 0 {
		t.Fatalf("empty file read as %q", got)
	}
	ok(t, files.Write(ctx, "empty", []byte("replaced")))
	if got := must(files.Read(ctx, "empty"))(t); string(got) != "replaced" {
		t.Fatalf("read %q", got)
	}

	gzip := files.WithGzip(true)
	big := randomBytes(t, 3<<20)
	ok(t, gzip.Write(ctx, "big", big))
	if got := must(gzip.Read(ctx, "big"))(t); !bytes.Equal(got, big) {
		t.Fatal("a gzip round trip changed the data")
	}
	if got := must(files.Read(ctx, "big"))(t); !bytes.Equal(got, big) {
		t.Fatal("the file written with gzip is not the data")
	}
}

func TestReadErrors(t *testing.T) {
	files := newSandbox(t, nil).Files()
	_, err := files.Read(ctx, "/no/such/file")
	if e := wantCode(t, err, e2b.ErrNotFound); e.HTTPStatus != 404 || !strings.Contains(e.Error(), "/no/such/file") {
		t.Fatalf("got %+v", e)
	}
	ok(t, files.Write(ctx, "dir/file", []byte("x")))
	_, err = files.Read(ctx, "dir")
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = files.Read(ctx, "bad\xffpath")
	wantCode(t, err, e2b.ErrInvalidUTF8)
	err = files.Write(ctx, "nul\x00path", nil)
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestReadTo(t *testing.T) {
	files := newSandbox(t, nil).Files()
	data := randomBytes(t, 1<<20)
	ok(t, files.Write(ctx, "data", data))
	var buf bytes.Buffer
	if n := must(files.ReadTo(ctx, "data", &buf))(t); n != int64(len(data)) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("ReadTo gave %d bytes", n)
	}

	full := errors.New("disk full")
	_, err := files.ReadTo(ctx, "data", failingWriter{full})
	wantCode(t, err, e2b.ErrCallbackAborted)
	if !errors.Is(err, full) {
		t.Fatalf("%v does not wrap the writer's error", err)
	}
	_, err = files.ReadTo(ctx, "missing", &buf)
	wantCode(t, err, e2b.ErrNotFound)
}

type failingWriter struct{ err error }

func (w failingWriter) Write([]byte) (int, error) { return 0, w.err }

type panickingWriter struct{}

func (panickingWriter) Write([]byte) (int, error) { panic("writer panic") }

func TestReadToPanic(t *testing.T) {
	s := newSandbox(t, nil)
	ok(t, s.Files().Write(ctx, "data", []byte("some data")))
	if v := catchPanic(func() { s.Files().ReadTo(ctx, "data", panickingWriter{}) }); v != "writer panic" {
		t.Fatalf("panic value %v", v)
	}
	if got := must(s.Files().Read(ctx, "data"))(t); string(got) != "some data" {
		t.Fatal("the sandbox is unusable after a panic in a callback")
	}
}

func TestOpen(t *testing.T) {
	files := newSandbox(t, nil).Files()
	data := randomBytes(t, 1<<20+17)
	ok(t, files.Write(ctx, "data", data))
	r := must(files.Open(ctx, "data"))(t)
	defer r.Close()
	got := must(io.ReadAll(r))(t)
	if !bytes.Equal(got, data) {
		t.Fatalf("read %d bytes, want %d", len(got), len(data))
	}
	if n, err := r.Read(make([]byte, 8)); n != 0 || err != io.EOF {
		t.Fatalf("after the end: %d, %v", n, err)
	}
	ok(t, r.Close())
	ok(t, r.Close())
	if _, err := r.Read(make([]byte, 8)); !errors.Is(err, e2b.ErrClosed) {
		t.Fatalf("read after close: %v", err)
	}

	r2 := must(files.Open(ctx, "data"))(t)
	defer r2.Close()
	ok(t, iotest.TestReader(r2, data))

	_, err := files.Open(ctx, "missing")
	wantCode(t, err, e2b.ErrNotFound)
}

func TestWriteFrom(t *testing.T) {
	files := newSandbox(t, nil).Files()
	data := randomBytes(t, 2<<20+3)
	ok(t, files.WriteFrom(ctx, "known", bytes.NewReader(data), int64(len(data))))
	if got := must(files.Read(ctx, "known"))(t); !bytes.Equal(got, data) {
		t.Fatal("WriteFrom with a size wrote something else")
	}
	// A reader that gives one byte at a time, and data with its EOF.
	ok(t, files.WriteFrom(ctx, "unknown", iotest.DataErrReader(iotest.OneByteReader(bytes.NewReader(data[:5000]))), -1))
	if got := must(files.Read(ctx, "unknown"))(t); !bytes.Equal(got, data[:5000]) {
		t.Fatal("WriteFrom with no size wrote something else")
	}
	ok(t, files.WriteFrom(ctx, "empty", strings.NewReader(""), 0))

	broken := errors.New("source broke")
	err := files.WriteFrom(ctx, "broken", io.MultiReader(bytes.NewReader(data[:1000]), iotest.ErrReader(broken)), -1)
	wantCode(t, err, e2b.ErrCallbackAborted)
	if !errors.Is(err, broken) {
		t.Fatalf("%v does not wrap the reader's error", err)
	}

	// A reader that gives fewer or more bytes than the size fails at once;
	// only -1 means an unknown size.
	started := time.Now()
	err = files.WriteFrom(ctx, "short", bytes.NewReader(data[:5]), 10)
	wantCode(t, err, e2b.ErrIO)
	if !strings.Contains(err.Error(), "5 of the 10 bytes") || time.Since(started) > 10*time.Second {
		t.Fatalf("a short reader: %v after %v", err, time.Since(started))
	}
	wantCode(t, files.WriteFrom(ctx, "long", bytes.NewReader(data[:13]), 10), e2b.ErrIO)
	wantCode(t, files.WriteFrom(ctx, "negative", bytes.NewReader(data[:5]), -2), e2b.ErrInvalidArgument)
}

func TestWriteFiles(t *testing.T) {
	files := newSandbox(t, nil).Files()
	entries := []e2b.WriteEntry{
		{Path: "many/a.txt", Data: []byte("a")},
		{Path: "/home/user/many/deep/b.bin", Data: binary()},
		{Path: "many/empty"},
	}
	ok(t, files.WriteFiles(ctx, entries))
	for _, e := range entries {
		if got := must(files.Read(ctx, e.Path))(t); !bytes.Equal(got, e.Data) {
			t.Fatalf("%s: %q", e.Path, got)
		}
	}
	ok(t, files.WriteFiles(ctx, nil))
	err := files.WriteFiles(ctx, []e2b.WriteEntry{{Path: "ok"}, {Path: "bad\xff"}})
	wantCode(t, err, e2b.ErrInvalidUTF8)
}

// progress records the calls of a ProgressFunc.
type progress struct{ calls, done, total int64 }

func (p *progress) fn(done, total int64) error {
	p.calls++
	p.done, p.total = done, total
	return nil
}

func TestUploadDownloadFile(t *testing.T) {
	files := newSandbox(t, nil).Files()
	dir := t.TempDir()
	data := randomBytes(t, 1<<20)
	local := filepath.Join(dir, "up.bin")
	ok(t, os.WriteFile(local, data, 0o644))

	var up progress
	ok(t, files.UploadFile(ctx, local, "remote/up.bin", up.fn))
	if up.calls == 0 || up.done != int64(len(data)) {
		t.Fatalf("upload progress %+v", up)
	}
	var down progress
	back := filepath.Join(dir, "down.bin")
	ok(t, files.DownloadFile(ctx, "remote/up.bin", back, down.fn))
	if down.calls == 0 || down.done != int64(len(data)) {
		t.Fatalf("download progress %+v", down)
	}
	if got := must(os.ReadFile(back))(t); !bytes.Equal(got, data) {
		t.Fatal("the downloaded file differs")
	}
	ok(t, files.UploadFile(ctx, local, "remote/no-progress.bin", nil))

	err := files.UploadFile(ctx, filepath.Join(dir, "missing"), "x", nil)
	wantCode(t, err, e2b.ErrIO)
	err = files.DownloadFile(ctx, "remote/missing", filepath.Join(dir, "x"), nil)
	wantCode(t, err, e2b.ErrNotFound)
}

func TestProgressCallbackStops(t *testing.T) {
	files := newSandbox(t, nil).Files()
	dir := t.TempDir()
	local := filepath.Join(dir, "up.bin")
	ok(t, os.WriteFile(local, randomBytes(t, 4<<20), 0o644))

	enough := errors.New("enough")
	calls := 0
	err := files.UploadFile(ctx, local, "up.bin", func(done, total int64) error {
		calls++
		return enough
	})
	wantCode(t, err, e2b.ErrCallbackAborted)
	if !errors.Is(err, enough) || calls != 1 {
		t.Fatalf("err %v after %d calls", err, calls)
	}

	ok(t, files.UploadFile(ctx, local, "up.bin", nil))
	v := catchPanic(func() {
		files.DownloadFile(ctx, "up.bin", filepath.Join(dir, "down.bin"), func(done, total int64) error { panic(done) })
	})
	if _, isInt := v.(int64); !isInt {
		t.Fatalf("panic value %v", v)
	}
	if _, err := os.Stat(filepath.Join(dir, "down.bin")); !os.IsNotExist(err) {
		t.Fatalf("an aborted download left a file: %v", err)
	}
}

func TestUploadDownloadDir(t *testing.T) {
	files := newSandbox(t, nil).Files()
	src := t.TempDir()
	tree := map[string][]byte{"a.txt": []byte("a"), "sub/b.bin": binary(), "sub/deeper/c": randomBytes(t, 100000)}
	for name, data := range tree {
		ok(t, os.MkdirAll(filepath.Dir(filepath.Join(src, name)), 0o755))
		ok(t, os.WriteFile(filepath.Join(src, name), data, 0o644))
	}
	// Every file is named, in order, with the tree's bytes.
	var up []e2b.DirProgress
	record := func(into *[]e2b.DirProgress) e2b.DirProgressFunc {
		return func(p e2b.DirProgress) error { *into = append(*into, p); return nil }
	}
	if n := must(files.UploadDir(ctx, src, "tree", record(&up)))(t); n != len(tree) {
		t.Fatalf("uploaded %d files", n)
	}
	named := map[string]int{}
	for _, p := range up {
		named[p.Path] = p.Index
		if p.Count != len(tree) || p.Total != 1+int64(len(binary()))+100000 {
			t.Fatalf("progress %+v", p)
		}
	}
	if len(named) != len(tree) || named["/home/user/tree/sub/deeper/c"] > 2 || up[len(up)-1].Done != up[0].Total {
		t.Fatalf("progress named %v, ended at %+v", named, up[len(up)-1])
	}
	for name, data := range tree {
		if got := must(files.Read(ctx, "tree/"+name))(t); !bytes.Equal(got, data) {
			t.Fatalf("%s differs", name)
		}
	}

	dst := filepath.Join(t.TempDir(), "new")
	var down []e2b.DirProgress
	if n := must(files.DownloadDir(ctx, "tree", dst, record(&down)))(t); n != len(tree) || len(down) == 0 {
		t.Fatalf("downloaded %d files, progress %+v", n, down)
	}
	stop := errors.New("enough")
	_, err := files.DownloadDir(ctx, "tree", t.TempDir(), func(p e2b.DirProgress) error {
		if p.Index == 1 {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !errors.Is(err, e2b.ErrCallbackAborted) {
		t.Fatalf("a progress function's error: %v", err)
	}
	for name, data := range tree {
		if got := must(os.ReadFile(filepath.Join(dst, name)))(t); !bytes.Equal(got, data) {
			t.Fatalf("%s differs", name)
		}
	}
	_, err = files.DownloadDir(ctx, "tree/a.txt", dst, nil)
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = files.UploadDir(ctx, filepath.Join(src, "missing"), "x", nil)
	wantCode(t, err, e2b.ErrIO)
}

// sandboxRequest is a request to the sandbox's envd through E2B_SANDBOX_URL,
// routed by the headers E2B's proxy reads.
func sandboxRequest(t *testing.T, s *e2b.Sandbox, method, url string, body io.Reader) *http.Request {
	req := must(http.NewRequest(method, url, body))(t)
	req.Header.Set("E2b-Sandbox-Id", s.ID())
	req.Header.Set("E2b-Sandbox-Port", "49983")
	return req
}

func TestSignedURLs(t *testing.T) {
	s := newSandbox(t, nil)
	ok(t, s.Files().Write(ctx, "signed.bin", binary()))

	down := must(s.Files().DownloadURL(ctx, "signed.bin", time.Minute))(t)
	resp := must(http.DefaultClient.Do(sandboxRequest(t, s, "GET", down, nil)))(t)
	got := must(io.ReadAll(resp.Body))(t)
	resp.Body.Close()
	if resp.StatusCode != 200 || !bytes.Equal(got, binary()) {
		t.Fatalf("GET %s: %s %q", down, resp.Status, got)
	}

	up := must(s.Files().UploadURL(ctx, "uploaded.txt", 0))(t)
	var body bytes.Buffer
	form := multipart.NewWriter(&body)
	part := must(form.CreateFormFile("file", "uploaded.txt"))(t)
	must(part.Write([]byte("via URL")))(t)
	ok(t, form.Close())
	req := sandboxRequest(t, s, "POST", up, &body)
	req.Header.Set("Content-Type", form.FormDataContentType())
	resp = must(http.DefaultClient.Do(req))(t)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("POST %s: %s", up, resp.Status)
	}
	if got := must(s.Files().Read(ctx, "uploaded.txt"))(t); string(got) != "via URL" {
		t.Fatalf("uploaded %q", got)
	}

	insecure := newSandbox(t, &e2b.SandboxOptions{Insecure: true})
	_, err := insecure.Files().DownloadURL(ctx, "x", time.Minute)
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestAsUser(t *testing.T) {
	files := newSandbox(t, nil).Files()
	root := files.AsUser("root")
	ok(t, root.Write(ctx, "mine.txt", []byte("root's")))
	if got := must(files.Read(ctx, "/root/mine.txt"))(t); string(got) != "root's" {
		t.Fatalf("read %q", got)
	}
	if info := must(root.Info(ctx, "mine.txt"))(t); info.Path != "/root/mine.txt" {
		t.Fatalf("root's relative path resolved to %q", info.Path)
	}
	if _, err := files.Read(ctx, "mine.txt"); !errors.Is(err, e2b.ErrNotFound) {
		t.Fatalf("the default user's home has root's file: %v", err)
	}
	_, err := files.AsUser("nobody-here").Read(ctx, "x")
	wantCode(t, err, e2b.ErrAuthentication)
}

func TestFilesystem(t *testing.T) {
	files := newSandbox(t, nil).Files()
	if created := must(files.MakeDir(ctx, "fs/sub"))(t); !created {
		t.Fatal("MakeDir of a new directory said it existed")
	}
	if created := must(files.MakeDir(ctx, "fs/sub"))(t); created {
		t.Fatal("MakeDir of an existing directory said it created it")
	}
	ok(t, files.Write(ctx, "fs/a.txt", []byte("hello")))
	ok(t, files.Write(ctx, "fs/sub/b.txt", []byte("b")))
	_, err := files.MakeDir(ctx, "fs/a.txt")
	wantCode(t, err, e2b.ErrInvalidArgument)

	entries := must(files.List(ctx, "fs", 1))(t)
	names := map[string]e2b.EntryInfo{}
	for _, e := range entries {
		names[e.Name] = e
	}
	if len(entries) != 2 || names["a.txt"].Type != e2b.FileTypeFile || names["sub"].Type != e2b.FileTypeDir {
		t.Fatalf("List depth 1: %+v", entries)
	}
	if deep := must(files.List(ctx, "fs", 2))(t); len(deep) != 3 {
		t.Fatalf("List depth 2: %+v", deep)
	}
	_, err = files.List(ctx, "fs", 0)
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = files.List(ctx, "fs/missing", 1)
	wantCode(t, err, e2b.ErrNotFound)

	info := must(files.Info(ctx, "fs/a.txt"))(t)
	if info.Name != "a.txt" || info.Path != "/home/user/fs/a.txt" || info.Type != e2b.FileTypeFile || info.Size != 5 {
		t.Fatalf("Info %+v", info)
	}
	if info.Mode == 0 || !strings.HasPrefix(info.Permissions, "-") || info.Owner == "" || info.Group == "" || info.ModifiedTime.IsZero() {
		t.Fatalf("Info %+v", info)
	}
	_, err = files.Info(ctx, "fs/missing")
	wantCode(t, err, e2b.ErrNotFound)

	if !must(files.Exists(ctx, "fs/a.txt"))(t) || must(files.Exists(ctx, "fs/missing"))(t) {
		t.Fatal("Exists is wrong")
	}

	moved := must(files.Rename(ctx, "fs/a.txt", "fs/new/place.txt"))(t)
	if moved.Path != "/home/user/fs/new/place.txt" || moved.Size != 5 {
		t.Fatalf("Rename gave %+v", moved)
	}
	if must(files.Exists(ctx, "fs/a.txt"))(t) {
		t.Fatal("the old path still exists")
	}
	_, err = files.Rename(ctx, "fs/missing", "fs/other")
	wantCode(t, err, e2b.ErrNotFound)

	ok(t, files.Remove(ctx, "fs"))
	ok(t, files.Remove(ctx, "fs"))
	if must(files.Exists(ctx, "fs/sub/b.txt"))(t) {
		t.Fatal("Remove left the tree")
	}
}

func TestSymlinkInfo(t *testing.T) {
	s := newSandbox(t, nil)
	ok(t, s.Files().Write(ctx, "target.txt", []byte("t")))
	res := must(s.Commands().Run(ctx, "ln -s /home/user/target.txt /home/user/link", nil))(t)
	ok(t, res.Err())
	info := must(s.Files().Info(ctx, "link"))(t)
	if info.Type != e2b.FileTypeSymlink || info.SymlinkTarget != "/home/user/target.txt" {
		t.Fatalf("Info of a link: %+v", info)
	}

	// DownloadDir skips links, wherever they point, and never follows one.
	ok(t, s.Files().Write(ctx, "tree/real.txt", []byte("r")))
	res = must(s.Commands().Run(ctx, "cd /home/user/tree && ln -s /home/user/target.txt out && ln -s /etc etc", nil))(t)
	ok(t, res.Err())
	local := t.TempDir()
	if n := must(s.Files().DownloadDir(ctx, "tree", local, nil))(t); n != 1 {
		t.Fatalf("DownloadDir copied %d files, want 1", n)
	}
	for _, name := range []string{"out", "etc"} {
		if _, err := os.Lstat(filepath.Join(local, name)); err == nil {
			t.Fatalf("the link %s was copied", name)
		}
	}
}

// hasEvent tells whether events hold one for name of one of the types.
func hasEvent(events []e2b.FilesystemEvent, name string, types ...e2b.EventType) bool {
	for _, e := range events {
		for _, typ := range types {
			if e.Name == name && e.Type == typ {
				return true
			}
		}
	}
	return false
}

func TestWatchDir(t *testing.T) {
	files := newSandbox(t, nil).Files()
	must(files.MakeDir(ctx, "watched/sub"))(t)
	w := must(files.WatchDir(ctx, "watched", &e2b.WatchOptions{Recursive: true, IncludeEntry: true}))(t)
	defer w.Close()
	if w.ID() == "" {
		t.Fatal("a watch without an id")
	}
	if events := must(w.NewEvents(ctx))(t); len(events) != 0 {
		t.Fatalf("events before any change: %+v", events)
	}

	ok(t, files.Write(ctx, "watched/a.txt", []byte("a")))
	ok(t, files.Write(ctx, "watched/sub/b.txt", []byte("b")))
	var events []e2b.FilesystemEvent
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); {
		events = append(events, must(w.NextEvents(ctx, 2*time.Second))(t)...)
		if hasEvent(events, "a.txt", e2b.EventCreate, e2b.EventWrite) && hasEvent(events, "sub/b.txt", e2b.EventCreate, e2b.EventWrite) {
			break
		}
	}
	if !hasEvent(events, "a.txt", e2b.EventCreate, e2b.EventWrite) || !hasEvent(events, "sub/b.txt", e2b.EventCreate, e2b.EventWrite) {
		t.Fatalf("events %+v", events)
	}
	for _, e := range events {
		if e.Type == e2b.EventWrite && (e.Entry == nil || e.Entry.Name == "") {
			t.Fatalf("a write event without its entry: %+v", e)
		}
	}

	ok(t, files.Remove(ctx, "watched/a.txt"))
	events = nil
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline) && !hasEvent(events, "a.txt", e2b.EventRemove); {
		events = append(events, must(w.NextEvents(ctx, 2*time.Second))(t)...)
	}
	if !hasEvent(events, "a.txt", e2b.EventRemove) {
		t.Fatalf("no remove event in %+v", events)
	}

	ok(t, w.Stop(ctx))
	ok(t, w.Stop(ctx))
	_, err := w.NextEvents(ctx, 0)
	wantCode(t, err, e2b.ErrInvalidArgument)
	ok(t, w.Close())
	_, err = w.NewEvents(ctx)
	if !errors.Is(err, e2b.ErrClosed) {
		t.Fatalf("after Close: %v", err)
	}

	_, err = files.WatchDir(ctx, "missing", nil)
	wantCode(t, err, e2b.ErrNotFound)
	ok(t, files.Write(ctx, "plain", nil))
	_, err = files.WatchDir(ctx, "plain", nil)
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestStopEndsAWaitInAnotherGoroutine(t *testing.T) {
	files := newSandbox(t, nil).Files()
	must(files.MakeDir(ctx, "quiet"))(t)
	w := must(files.WatchDir(ctx, "quiet", nil))(t)
	defer w.Close()
	type outcome struct {
		events []e2b.FilesystemEvent
		err    error
		at     time.Time
	}
	done := make(chan outcome)
	go func() {
		events, err := w.NextEvents(ctx, 20*time.Second)
		done <- outcome{events, err, time.Now()}
	}()
	time.Sleep(300 * time.Millisecond)
	stopped := time.Now()
	ok(t, w.Stop(ctx))
	got := <-done
	if got.err != nil || len(got.events) != 0 || got.at.Sub(stopped) > time.Second {
		t.Fatalf("a wait ended by Stop gave %+v, %v after %v", got.events, got.err, got.at.Sub(stopped))
	}
}

// writeUntil writes name in files every 100 ms until done is closed, so a
// watch started at any moment sees a change.
func writeUntil(files *e2b.Files, name string, done <-chan struct{}) {
	for {
		select {
		case <-done:
			return
		case <-time.After(100 * time.Millisecond):
			files.Write(ctx, name, []byte("x"))
		}
	}
}

func TestWatchDirStream(t *testing.T) {
	files := newSandbox(t, nil).Files()
	must(files.MakeDir(ctx, "streamed"))(t)
	done := make(chan struct{})
	defer close(done)
	go writeUntil(files, "streamed/f.txt", done)

	var seen []e2b.FilesystemEvent
	err := files.WatchDirStream(ctx, "streamed", nil, 20*time.Second, func(e e2b.FilesystemEvent) error {
		seen = append(seen, e)
		return e2b.StopWatch
	})
	ok(t, err)
	if len(seen) != 1 || seen[0].Name != "f.txt" {
		t.Fatalf("events %+v", seen)
	}

	mine := errors.New("mine")
	err = files.WatchDirStream(ctx, "streamed", nil, 20*time.Second, func(e2b.FilesystemEvent) error { return mine })
	wantCode(t, err, e2b.ErrCallbackAborted)
	if !errors.Is(err, mine) {
		t.Fatalf("%v does not wrap the callback's error", err)
	}

	v := catchPanic(func() {
		files.WatchDirStream(ctx, "streamed", nil, 20*time.Second, func(e2b.FilesystemEvent) error { panic("event panic") })
	})
	if v != "event panic" {
		t.Fatalf("panic value %v", v)
	}

	must(files.MakeDir(ctx, "quiet"))(t)
	start := time.Now()
	ok(t, files.WatchDirStream(ctx, "quiet", nil, 500*time.Millisecond, func(e2b.FilesystemEvent) error {
		return errors.New("no event expected")
	}))
	if time.Since(start) > 10*time.Second {
		t.Fatal("the stream outlived its timeout")
	}

	err = files.WatchDirStream(ctx, "missing", nil, time.Second, func(e2b.FilesystemEvent) error { return nil })
	wantCode(t, err, e2b.ErrNotFound)
}

func TestWriteMetadata(t *testing.T) {
	files := newSandbox(t, nil).Files()
	tagged := files.WithMetadata(map[string]string{"Author": "Ada L.", "rev": "1"})
	ok(t, tagged.Write(ctx, "meta/a.txt", []byte("a")))
	ok(t, tagged.WriteFiles(ctx, []e2b.WriteEntry{{Path: "meta/b.txt", Data: []byte("b")}}))
	for _, e := range must(files.List(ctx, "meta", 1))(t) {
		if len(e.Metadata) != 2 || e.Metadata["author"] != "Ada L." || e.Metadata["rev"] != "1" {
			t.Fatalf("%s has metadata %v", e.Name, e.Metadata)
		}
	}
	ok(t, files.WithMetadata(map[string]string{"rev": "2"}).Write(ctx, "meta/a.txt", []byte("a2")))
	if m := must(files.Info(ctx, "meta/a.txt"))(t).Metadata; len(m) != 1 || m["rev"] != "2" {
		t.Fatalf("a write replaces all metadata: %v", m)
	}
	ok(t, files.Write(ctx, "meta/a.txt", []byte("a3")))
	if m := must(files.Info(ctx, "meta/a.txt"))(t).Metadata; len(m) != 0 {
		t.Fatalf("a write without metadata clears it: %v", m)
	}
	for _, bad := range []map[string]string{{"a b": "v"}, {"k": "caf\u00e9"}, {"k": "a\nb"}} {
		wantCode(t, files.WithMetadata(bad).Write(ctx, "meta/bad.txt", []byte("x")), e2b.ErrInvalidArgument)
	}
	if must(files.Exists(ctx, "meta/bad.txt"))(t) {
		t.Fatal("a write with bad metadata wrote")
	}
}

func TestWatchAllowNetworkMounts(t *testing.T) {
	files := newSandbox(t, nil).Files()
	must(files.MakeDir(ctx, "local"))(t)
	w := must(files.WatchDir(ctx, "local", &e2b.WatchOptions{AllowNetworkMounts: true}))(t)
	defer w.Close()
	ok(t, files.Write(ctx, "local/x.txt", []byte("x")))
	var events []e2b.FilesystemEvent
	for deadline := time.Now().Add(10 * time.Second); len(events) == 0 && time.Now().Before(deadline); {
		events = append(events, must(w.NextEvents(ctx, 2*time.Second))(t)...)
	}
	if !hasEvent(events, "x.txt", e2b.EventCreate, e2b.EventWrite) {
		t.Fatalf("events %+v", events)
	}
	ok(t, files.WatchDirStream(ctx, "local", &e2b.WatchOptions{AllowNetworkMounts: true}, 300*time.Millisecond,
		func(e2b.FilesystemEvent) error { return nil }))
}
