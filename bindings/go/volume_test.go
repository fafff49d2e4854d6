package e2b_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// newVolume creates a volume that is destroyed when the test ends.
func newVolume(t *testing.T, prefix string) *e2b.Volume {
	t.Helper()
	v := must(client.CreateVolume(ctx, uniqueName(prefix)))(t)
	t.Cleanup(func() {
		client.DestroyVolume(ctx, v.ID())
		v.Close()
	})
	return v
}

func TestVolumeControlPlane(t *testing.T) {
	v := newVolume(t, "go-vol")
	if v.ID() == "" || v.Token() == "" || !strings.HasPrefix(v.Name(), "go-vol-") {
		t.Fatalf("volume %q %q %q", v.ID(), v.Name(), v.Token())
	}
	_, err := client.CreateVolume(ctx, v.Name())
	if e := wantCode(t, err, e2b.ErrInvalidArgument); e.HTTPStatus != 400 || !strings.Contains(e.Message, "already exists") {
		t.Fatalf("taken name: %v", e)
	}
	_, err = client.CreateVolume(ctx, "not valid")
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = client.CreateVolume(ctx, "nul\x00")
	wantCode(t, err, e2b.ErrInvalidArgument)

	found := false
	for _, info := range must(client.ListVolumes(ctx))(t) {
		if info.ID == v.ID() {
			found = info.Name == v.Name() && info.Token == ""
		}
	}
	if !found {
		t.Fatal("the volume is not listed")
	}
	info := must(client.VolumeInfo(ctx, v.ID()))(t)
	if info.Name != v.Name() || info.Token == "" || info.Domain != "" {
		t.Fatalf("info %+v", info)
	}
	connected := must(client.ConnectVolume(ctx, v.ID()))(t)
	if connected.Name() != v.Name() {
		t.Fatalf("connected to %q", connected.Name())
	}
	connected.Close()

	if !must(client.DestroyVolume(ctx, v.ID()))(t) || must(client.DestroyVolume(ctx, v.ID()))(t) {
		t.Fatal("destroy should say true, then false")
	}
	_, err = client.ConnectVolume(ctx, v.ID())
	wantCode(t, err, e2b.ErrNotFound)
}

func TestVolumeContent(t *testing.T) {
	v := newVolume(t, "go-content")
	data := []byte("hello from Go\x00\xff")
	entry := must(v.WriteFile(ctx, "/hello.bin", data, nil))(t)
	if entry.Name != "hello.bin" || entry.Type != e2b.FileTypeFile || entry.Size != int64(len(data)) || entry.UID != 1000 {
		t.Fatalf("written: %+v", entry)
	}
	if got := must(v.ReadFile(ctx, "/hello.bin"))(t); !bytes.Equal(got, data) {
		t.Fatalf("read back %q", got)
	}
	mode := uint32(0o750)
	dir := must(v.MakeDir(ctx, "/a/b", &e2b.VolumeWriteOptions{Mode: &mode, Force: true}))(t)
	if dir.Type != e2b.FileTypeDir || dir.Mode != 0o750 {
		t.Fatalf("made %+v", dir)
	}
	_, err := v.MakeDir(ctx, "/x/y", nil)
	wantCode(t, err, e2b.ErrNotFound)
	_, err = v.MakeDir(ctx, "/a", nil)
	wantCode(t, err, e2b.ErrConflict)
	must(v.WriteFile(ctx, "/a/b/c.txt", []byte("c"), nil))(t)

	var paths []string
	for _, e := range must(v.List(ctx, "/", 3))(t) {
		paths = append(paths, e.Path)
	}
	if want := []string{"/a", "/a/b", "/a/b/c.txt", "/hello.bin"}; !reflect.DeepEqual(paths, want) {
		t.Fatalf("listed %v, want %v", paths, want)
	}
	if !must(v.Exists(ctx, "/a/b/c.txt"))(t) || must(v.Exists(ctx, "/nope"))(t) {
		t.Fatal("Exists")
	}
	mode = 0o600
	if e := must(v.UpdateMetadata(ctx, "/a/b/c.txt", &e2b.VolumeWriteOptions{Mode: &mode}))(t); e.Mode != 0o600 {
		t.Fatalf("updated %+v", e)
	}
	if e := must(v.Info(ctx, "/a/b/c.txt"))(t); e.Size != 1 || e.Mode != 0o600 {
		t.Fatalf("info %+v", e)
	}
	ok(t, v.Remove(ctx, "/a"))
	wantCode(t, v.Remove(ctx, "/a"), e2b.ErrNotFound)
	_, err = v.ReadFile(ctx, "/../../etc/passwd")
	wantCode(t, err, e2b.ErrInvalidArgument)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = v.Exists(cancelled, "/")
	wantCode(t, err, e2b.ErrCancelled)
	v.Close()
	_, err = v.Exists(ctx, "/")
	if err != e2b.ErrClosed {
		t.Fatalf("closed volume: %v", err)
	}
}

func TestVolumeStreams(t *testing.T) {
	v := newVolume(t, "go-stream")
	data := randomBytes(t, 5<<20+3)
	mode := uint32(0o600)
	entry := must(v.WriteFrom(ctx, "/big.bin", bytes.NewReader(data), int64(len(data)), &e2b.VolumeWriteOptions{Mode: &mode}))(t)
	if entry.Path != "/big.bin" || entry.Size != int64(len(data)) || entry.Mode != 0o600 {
		t.Fatalf("written: %+v", entry)
	}
	var buf bytes.Buffer
	if n := must(v.ReadTo(ctx, "/big.bin", &buf))(t); n != int64(len(data)) || !bytes.Equal(buf.Bytes(), data) {
		t.Fatalf("ReadTo gave %d bytes", n)
	}
	// A reader that gives one byte at a time, and data with its EOF.
	entry = must(v.WriteFrom(ctx, "/unknown.bin", iotest.DataErrReader(iotest.OneByteReader(bytes.NewReader(data[:5000]))), -1, nil))(t)
	if got := must(v.ReadFile(ctx, "/unknown.bin"))(t); entry.Size != 5000 || !bytes.Equal(got, data[:5000]) {
		t.Fatal("WriteFrom with no size wrote something else")
	}

	// A reader that gives fewer or more bytes than the size fails at once,
	// and the file stays as it was; only -1 means an unknown size.
	must(v.WriteFile(ctx, "/short.bin", []byte("old"), nil))(t)
	started := time.Now()
	_, err := v.WriteFrom(ctx, "/short.bin", bytes.NewReader(data[:5]), 10, nil)
	wantCode(t, err, e2b.ErrIO)
	if !strings.Contains(err.Error(), "after 5 of the 10 bytes") || time.Since(started) > 10*time.Second {
		t.Fatalf("a short reader: %v after %v", err, time.Since(started))
	}
	_, err = v.WriteFrom(ctx, "/long.bin", bytes.NewReader(data[:13]), 10, nil)
	if wantCode(t, err, e2b.ErrIO); !strings.Contains(err.Error(), "more than the 10 bytes") {
		t.Fatalf("a long reader: %v", err)
	}
	if got := must(v.ReadFile(ctx, "/short.bin"))(t); string(got) != "old" {
		t.Fatalf("a failed stream changed the file: %q", got)
	}
	_, err = v.WriteFrom(ctx, "/negative.bin", bytes.NewReader(data[:5]), -2, nil)
	wantCode(t, err, e2b.ErrInvalidArgument)

	_, err = v.ReadTo(ctx, "/missing.bin", &buf)
	wantCode(t, err, e2b.ErrNotFound)
	_, err = v.WriteFrom(ctx, "/no/such/dir.bin", strings.NewReader("x"), 1, nil)
	wantCode(t, err, e2b.ErrNotFound)

	// An error from the writer or the reader stops the transfer, wrapped.
	full := errors.New("disk full")
	_, err = v.ReadTo(ctx, "/big.bin", failingWriter{full})
	if wantCode(t, err, e2b.ErrCallbackAborted); !errors.Is(err, full) {
		t.Fatalf("%v does not wrap the writer's error", err)
	}
	broken := errors.New("source broke")
	_, err = v.WriteFrom(ctx, "/broken.bin", io.MultiReader(bytes.NewReader(data[:1000]), iotest.ErrReader(broken)), -1, nil)
	if wantCode(t, err, e2b.ErrCallbackAborted); !errors.Is(err, broken) {
		t.Fatalf("%v does not wrap the reader's error", err)
	}
	if must(v.Exists(ctx, "/broken.bin"))(t) {
		t.Fatal("a broken stream left a file")
	}
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = v.ReadTo(cancelled, "/big.bin", &buf)
	wantCode(t, err, e2b.ErrCancelled)
}

func TestVolumeSharedBySandboxes(t *testing.T) {
	if os.Geteuid() != 0 {
		t.Skip("volume mounts need e2b-local to run as root")
	}
	v := newVolume(t, "go-shared")
	writer := newSandbox(t, &e2b.SandboxOptions{VolumeMounts: map[string]string{"/mnt/data": v.Name()}})
	info := must(writer.Info(ctx))(t)
	if !reflect.DeepEqual(info.VolumeMounts, map[string]string{"/mnt/data": v.Name()}) {
		t.Fatalf("mounts %v", info.VolumeMounts)
	}
	must(writer.Commands().Run(ctx, "echo from Go > /mnt/data/note.txt", nil))(t)
	must(client.Kill(ctx, writer.ID()))(t)

	reader := newSandbox(t, &e2b.SandboxOptions{VolumeMounts: map[string]string{"/home/user/shared": v.Name()}})
	if got := must(reader.Files().Read(ctx, "/home/user/shared/note.txt"))(t); string(got) != "from Go\n" {
		t.Fatalf("read %q", got)
	}
	page := must(client.List(ctx, nil))(t)
	for _, s := range page.Sandboxes {
		if s.ID == reader.ID() && s.VolumeMounts["/home/user/shared"] != v.Name() {
			t.Fatalf("listed mounts %v", s.VolumeMounts)
		}
	}
	if got := must(v.ReadFile(ctx, "/note.txt"))(t); string(got) != "from Go\n" {
		t.Fatalf("volume has %q", got)
	}
	_, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{VolumeMounts: map[string]string{"/mnt/x": "no-such"}})
	if e := wantCode(t, err, e2b.ErrInvalidArgument); !strings.Contains(e.Message, "volume 'no-such' not found") {
		t.Fatalf("bad mount: %v", e)
	}
}
