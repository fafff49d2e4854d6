package e2b_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// uniqueName is a snapshot name no other test uses (they share one server).
func readText(t *testing.T, s *e2b.Sandbox, path string) string {
	t.Helper()
	return string(must(s.Files().Read(ctx, path))(t))
}

func writeText(t *testing.T, s *e2b.Sandbox, path, text string) {
	t.Helper()
	if err := s.Files().Write(ctx, path, []byte(text)); err != nil {
		t.Fatal(err)
	}
}

// wantStatus checks that err has code and the HTTP status status (0: none).
func wantStatus(t *testing.T, err error, code e2b.ErrorCode, status int) {
	t.Helper()
	if e := wantCode(t, err, code); e.HTTPStatus != status {
		t.Fatalf("%v: HTTP status %d, want %d", err, e.HTTPStatus, status)
	}
}

func TestSnapshotStartFromAndDelete(t *testing.T) {
	source := newSandbox(t, &e2b.SandboxOptions{Timeout: 2 * time.Minute})
	writeText(t, source, "/home/user/before.txt", "written before")
	info := must(source.CreateSnapshot(ctx, nil))(t)
	templateID, tag, _ := strings.Cut(info.SnapshotID, ":")
	if len(templateID) != 20 || tag != "default" || len(info.Names) != 0 {
		t.Fatalf("snapshot %+v", info)
	}
	writeText(t, source, "/home/user/after.txt", "written after")

	copy := newSandbox(t, &e2b.SandboxOptions{Template: info.SnapshotID, Timeout: time.Minute})
	if got := readText(t, copy, "/home/user/before.txt"); got != "written before" {
		t.Fatalf("before.txt = %q", got)
	}
	if must(copy.Files().Exists(ctx, "/home/user/after.txt"))(t) {
		t.Fatal("after.txt came along")
	}
	if !must(client.DeleteSnapshot(ctx, info.SnapshotID))(t) {
		t.Fatal("the first delete deleted nothing")
	}
	if must(client.DeleteSnapshot(ctx, info.SnapshotID))(t) {
		t.Fatal("the second delete found the snapshot")
	}
	_, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{Template: info.SnapshotID})
	wantStatus(t, err, e2b.ErrNotFound, 404)
}

func TestNamedSnapshotsAndListing(t *testing.T) {
	sandbox := newSandbox(t, &e2b.SandboxOptions{Timeout: 2 * time.Minute})
	name := uniqueName("go")
	named := must(client.CreateSnapshot(ctx, sandbox.ID(), &e2b.SnapshotOptions{Name: name, Mode: e2b.SnapshotModeFilesystem}))(t)
	if named.SnapshotID != "local/"+name+":default" || !slices.Equal(named.Names, []string{"local/" + name}) {
		t.Fatalf("named snapshot %+v", named)
	}
	tagged := must(sandbox.CreateSnapshot(ctx, &e2b.SnapshotOptions{Name: name + ":v2", Mode: e2b.SnapshotModeFull}))(t)
	if tagged.SnapshotID != "local/"+name+":v2" {
		t.Fatalf("tagged snapshot %+v", tagged)
	}
	byName := must(client.ListSnapshots(ctx, &e2b.SnapshotQuery{Name: name}))(t)
	if len(byName.Snapshots) != 2 || byName.NextToken != "" {
		t.Fatalf("by name: %+v", byName)
	}

	var made []string
	for range 3 {
		made = append(made, must(sandbox.CreateSnapshot(ctx, nil))(t).SnapshotID)
	}
	// Two a page, newest first, through the pages.
	var listed []string
	query := &e2b.SnapshotQuery{Limit: 2}
	for pages := 0; ; pages++ {
		page := must(sandbox.ListSnapshots(ctx, query))(t)
		for _, s := range page.Snapshots {
			listed = append(listed, s.SnapshotID)
		}
		if page.NextToken == "" {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
		query.NextToken = page.NextToken
	}
	want := []string{made[2], made[1], made[0], tagged.SnapshotID, named.SnapshotID}
	if !slices.Equal(listed, want) {
		t.Fatalf("listed %v, want %v", listed, want)
	}
	for _, id := range append(made, named.SnapshotID) {
		must(client.DeleteSnapshot(ctx, id))(t)
	}
	if page := must(client.ListSnapshots(ctx, &e2b.SnapshotQuery{SandboxID: sandbox.ID()}))(t); len(page.Snapshots) != 0 {
		t.Fatalf("left: %+v", page)
	}
}

func TestForkMakesRunningCopies(t *testing.T) {
	source := newSandbox(t, &e2b.SandboxOptions{Timeout: 2 * time.Minute})
	writeText(t, source, "/home/user/shared.txt", "from the source")
	forks := must(source.Fork(ctx, &e2b.ForkOptions{Count: 2, Timeout: time.Minute}))(t)
	if len(forks) != 2 {
		t.Fatalf("%d forks", len(forks))
	}
	for i, fork := range forks {
		if fork.Err != nil {
			t.Fatalf("fork %d: %v", i, fork.Err)
		}
		s := fork.Sandbox
		t.Cleanup(func() {
			s.Kill(ctx)
			s.Close()
		})
		if s.ID() == source.ID() || readText(t, s, "/home/user/shared.txt") != "from the source" {
			t.Fatalf("fork %d: %s", i, s.ID())
		}
		writeText(t, s, "/home/user/shared.txt", fmt.Sprint("fork ", i))
	}
	if got := readText(t, forks[1].Sandbox, "/home/user/shared.txt"); got != "fork 1" {
		t.Fatalf("fork 1 reads %q", got)
	}
	if got := readText(t, source, "/home/user/shared.txt"); got != "from the source" {
		t.Fatalf("the source reads %q", got)
	}

	defaults := must(client.Fork(ctx, source.ID(), nil))(t)
	if len(defaults) != 1 || defaults[0].Err != nil {
		t.Fatalf("default fork: %+v", defaults)
	}
	info := must(defaults[0].Sandbox.Info(ctx))(t)
	if life := info.EndAt.Sub(info.StartedAt); life < 10*time.Second || life > 20*time.Second {
		t.Fatalf("the default fork lives %v, not 15 s", life)
	}
	defaults[0].Sandbox.Kill(ctx)
	defaults[0].Sandbox.Close()
}

func TestSnapshotAndForkErrors(t *testing.T) {
	unknown := strings.Repeat("a", 20)
	_, err := client.CreateSnapshot(ctx, unknown, nil)
	wantStatus(t, err, e2b.ErrSandboxNotFound, 404)
	_, err = client.Fork(ctx, unknown, nil)
	wantStatus(t, err, e2b.ErrSandboxNotFound, 404)

	sandbox := newSandbox(t, &e2b.SandboxOptions{Timeout: 2 * time.Minute})
	for _, count := range []int{-1, e2b.MaxForkCount + 1} {
		_, err = sandbox.Fork(ctx, &e2b.ForkOptions{Count: count})
		wantStatus(t, err, e2b.ErrInvalidArgument, 0)
	}
	_, err = sandbox.Fork(ctx, &e2b.ForkOptions{Timeout: e2b.NoTimeout})
	wantStatus(t, err, e2b.ErrInvalidArgument, 0)
	_, err = sandbox.Fork(ctx, &e2b.ForkOptions{Timeout: 25 * time.Hour})
	wantStatus(t, err, e2b.ErrInvalidArgument, 400)
	_, err = sandbox.CreateSnapshot(ctx, &e2b.SnapshotOptions{Name: "Has Spaces"})
	wantStatus(t, err, e2b.ErrInvalidArgument, 400)
	_, err = sandbox.CreateSnapshot(ctx, &e2b.SnapshotOptions{Mode: 9})
	wantStatus(t, err, e2b.ErrInvalidArgument, 0)
	_, err = client.ListSnapshots(ctx, &e2b.SnapshotQuery{NextToken: "garbage!"})
	wantStatus(t, err, e2b.ErrInvalidArgument, 400)
	_, err = client.ListSnapshots(ctx, &e2b.SnapshotQuery{Limit: -1})
	wantStatus(t, err, e2b.ErrInvalidArgument, 0)
	_, err = client.DeleteSnapshot(ctx, "base")
	wantStatus(t, err, e2b.ErrPermissionDenied, 403)

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, err = sandbox.Fork(cancelled, nil)
	if !errors.Is(err, e2b.ErrCancelled) || !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled fork: %v", err)
	}

	must(sandbox.Pause(ctx))(t)
	_, err = sandbox.CreateSnapshot(ctx, nil)
	wantStatus(t, err, e2b.ErrSandboxNotFound, 404)
	_, err = sandbox.Fork(ctx, nil)
	wantStatus(t, err, e2b.ErrConflict, 409)
}
