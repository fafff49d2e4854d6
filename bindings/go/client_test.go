package e2b_test

import (
	"errors"
	"os"
	"slices"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func TestVersion(t *testing.T) {
	if e2b.Version() == "" {
		t.Fatal("empty version")
	}
}

func TestClientOptions(t *testing.T) {
	c := must(e2b.NewClient(&e2b.ClientOptions{
		APIKey:         os.Getenv("E2B_API_KEY"),
		Domain:         "e2b.local",
		APIURL:         os.Getenv("E2B_API_URL"),
		SandboxURL:     os.Getenv("E2B_SANDBOX_URL"),
		Headers:        map[string]string{"X-Test": "go"},
		Debug:          true,
		RequestTimeout: 30 * time.Second,
		MaxRetries:     -1,
	}))(t)
	defer c.Close()
	page := must(c.List(ctx, &e2b.SandboxQuery{Limit: 1}))(t)
	if len(page.Sandboxes) > 1 {
		t.Fatalf("limit 1 gave %d sandboxes", len(page.Sandboxes))
	}
	must(e2b.NewClient(&e2b.ClientOptions{RequestTimeout: e2b.NoTimeout}))(t).Close()
}

func TestClientOptionErrors(t *testing.T) {
	_, err := e2b.NewClient(&e2b.ClientOptions{APIKey: "e2b_\x00"})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = e2b.NewClient(&e2b.ClientOptions{Domain: "\xff"})
	wantCode(t, err, e2b.ErrInvalidUTF8)

	bad := must(e2b.NewClient(&e2b.ClientOptions{APIKey: "e2b_0000000000000000000000000000000000000000"}))(t)
	defer bad.Close()
	_, err = bad.CreateSandbox(ctx, nil)
	if e := wantCode(t, err, e2b.ErrAuthentication); e.HTTPStatus != 401 || e.Message == "" {
		t.Fatalf("got %+v, want HTTP 401 with a message", e)
	}
}

func TestSandboxLifecycle(t *testing.T) {
	s := newSandbox(t, &e2b.SandboxOptions{
		Timeout:  2 * time.Minute,
		Metadata: map[string]string{"test": "lifecycle"},
		Env:      map[string]string{"GREETING": "hi"},
	})
	if s.ID() == "" || s.TemplateID() == "" || s.EnvdVersion() == "" {
		t.Fatalf("id %q, template %q, envd %q", s.ID(), s.TemplateID(), s.EnvdVersion())
	}
	info := must(s.Info(ctx))(t)
	if info.ID != s.ID() || info.State != e2b.SandboxRunning || info.Metadata["test"] != "lifecycle" {
		t.Fatalf("info %+v", info)
	}
	if info.StartedAt.IsZero() || !info.EndAt.After(info.StartedAt) || info.CPUCount == 0 || info.MemoryMB == 0 {
		t.Fatalf("info %+v", info)
	}
	if running := must(s.IsRunning(ctx))(t); !running {
		t.Fatal("a new sandbox is not running")
	}

	ok(t, s.SetTimeout(ctx, time.Minute))
	info = must(client.Info(ctx, s.ID()))(t)
	if left := time.Until(info.EndAt); left > 70*time.Second || left < 50*time.Second {
		t.Fatalf("after SetTimeout(1m) it ends in %v", left)
	}

	if paused := must(s.Pause(ctx))(t); !paused {
		t.Fatal("Pause of a running sandbox said it was already paused")
	}
	if paused := must(s.Pause(ctx))(t); paused {
		t.Fatal("Pause of a paused sandbox said it paused it")
	}
	if running := must(s.IsRunning(ctx))(t); running {
		t.Fatal("a paused sandbox is running")
	}
	if info := must(client.Info(ctx, s.ID()))(t); info.State != e2b.SandboxPaused {
		t.Fatalf("state %v, want paused", info.State)
	}

	resumed := must(client.Resume(ctx, s.ID(), time.Minute))(t)
	defer resumed.Close()
	if resumed.ID() != s.ID() || !must(resumed.IsRunning(ctx))(t) {
		t.Fatal("Resume did not bring the sandbox back")
	}
	again, wasPaused, err := client.Connect(ctx, s.ID(), 0)
	ok(t, err)
	defer again.Close()
	if wasPaused {
		t.Fatal("Connect to a running sandbox said it resumed it")
	}

	if killed := must(s.Kill(ctx))(t); !killed {
		t.Fatal("Kill of a running sandbox said it was gone")
	}
	if killed := must(again.Kill(ctx))(t); killed {
		t.Fatal("Kill of a killed sandbox said it killed it")
	}
	if killed := must(client.Kill(ctx, s.ID()))(t); killed {
		t.Fatal("Client.Kill of a killed sandbox said it killed it")
	}
	_, err = client.Resume(ctx, s.ID(), 0)
	wantCode(t, err, e2b.ErrSandboxNotFound)
	_, err = client.Info(ctx, s.ID())
	wantCode(t, err, e2b.ErrSandboxNotFound)
	_, err = s.Info(ctx)
	wantCode(t, err, e2b.ErrSandboxNotFound)
}

func TestConnectResumesAPausedSandbox(t *testing.T) {
	s := newSandbox(t, nil)
	ok(t, s.Files().Write(ctx, "kept.txt", []byte("kept")))
	must(s.Pause(ctx))(t)
	_, err := s.Files().Read(ctx, "kept.txt")
	wantCode(t, err, e2b.ErrSandboxGone)

	again, resumed, err := client.Connect(ctx, s.ID(), time.Minute)
	ok(t, err)
	defer again.Close()
	if !resumed {
		t.Fatal("Connect to a paused sandbox did not say it resumed it")
	}
	if got := must(again.Files().Read(ctx, "kept.txt"))(t); string(got) != "kept" {
		t.Fatalf("after resume: %q", got)
	}
}

func TestKillByID(t *testing.T) {
	s := newSandbox(t, nil)
	if killed := must(client.Kill(ctx, s.ID()))(t); !killed {
		t.Fatal("Client.Kill of a running sandbox said it was gone")
	}
	if running, err := s.IsRunning(ctx); err != nil || running {
		t.Fatalf("after kill: running %v, err %v", running, err)
	}
}

func TestCreateErrors(t *testing.T) {
	_, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{Template: "no-such-template"})
	wantCode(t, err, e2b.ErrNotFound)
	_, err = client.CreateSandbox(ctx, &e2b.SandboxOptions{IdempotencyKey: "Not Valid!"})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = client.CreateSandbox(ctx, &e2b.SandboxOptions{Metadata: map[string]string{"k": "\xff"}})
	wantCode(t, err, e2b.ErrInvalidUTF8)
	_, _, err = client.Connect(ctx, "abcdefghij0123456789", 0)
	wantCode(t, err, e2b.ErrSandboxNotFound)
	_, err = client.Info(ctx, "\x00")
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestSandboxOptions(t *testing.T) {
	s := newSandbox(t, &e2b.SandboxOptions{
		Template:         "base",
		Insecure:         true,
		NoInternetAccess: true,
		AutoPause:        true,
		AutoResume:       true,
	})
	ok(t, s.Files().Write(ctx, "a", []byte("insecure")))
}

func TestIdempotencyKey(t *testing.T) {
	opts := &e2b.SandboxOptions{IdempotencyKey: "go-binding-idempotency-test", Metadata: map[string]string{"a": "1", "b": "2"}}
	s := newSandbox(t, opts)
	twice := newSandbox(t, opts)
	if twice.ID() != s.ID() {
		t.Fatalf("the same idempotency key made two sandboxes: %s and %s", s.ID(), twice.ID())
	}
	_, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{IdempotencyKey: opts.IdempotencyKey, Template: "code-interpreter-v1"})
	wantCode(t, err, e2b.ErrConflict)
}

func TestList(t *testing.T) {
	tag := map[string]string{"test": t.Name()}
	var ids []string
	for range 3 {
		ids = append(ids, newSandbox(t, &e2b.SandboxOptions{Metadata: tag}).ID())
	}
	paused := newSandbox(t, &e2b.SandboxOptions{Metadata: tag})
	must(paused.Pause(ctx))(t)

	seen := map[string]bool{}
	query := &e2b.SandboxQuery{Metadata: tag, States: []e2b.SandboxState{e2b.SandboxRunning}, Limit: 2}
	for pages := 0; ; pages++ {
		if pages > 3 {
			t.Fatal("the listing does not end")
		}
		page := must(client.List(ctx, query))(t)
		for _, info := range page.Sandboxes {
			if info.State != e2b.SandboxRunning || info.Metadata["test"] != t.Name() {
				t.Fatalf("listed %+v", info)
			}
			seen[info.ID] = true
		}
		if page.NextToken == "" {
			break
		}
		query.NextToken = page.NextToken
	}
	for _, id := range ids {
		if !seen[id] {
			t.Fatalf("sandbox %s is not listed; listed %v", id, seen)
		}
	}
	if seen[paused.ID()] {
		t.Fatal("a paused sandbox is listed as running")
	}

	page := must(client.List(ctx, &e2b.SandboxQuery{Metadata: tag, States: []e2b.SandboxState{e2b.SandboxPaused}}))(t)
	if len(page.Sandboxes) != 1 || page.Sandboxes[0].ID != paused.ID() {
		t.Fatalf("paused sandboxes: %+v", page.Sandboxes)
	}
	_, err := client.List(ctx, &e2b.SandboxQuery{States: []e2b.SandboxState{7}})
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestListOrderTemplateAndStart(t *testing.T) {
	tag := map[string]string{"test": t.Name()}
	first := newSandbox(t, &e2b.SandboxOptions{Metadata: tag})
	second := newSandbox(t, &e2b.SandboxOptions{Template: "code-interpreter-v1", Metadata: tag})
	list := func(q e2b.SandboxQuery) (ids []string, total int) {
		t.Helper()
		q.Metadata = tag
		page := must(client.List(ctx, &q))(t)
		for _, info := range page.Sandboxes {
			ids = append(ids, info.ID)
		}
		return ids, page.TotalRunning
	}
	check := func(q e2b.SandboxQuery, want ...string) {
		t.Helper()
		if got, _ := list(q); !slices.Equal(got, want) {
			t.Fatalf("%+v: listed %v, want %v", q, got, want)
		}
	}
	check(e2b.SandboxQuery{}, second.ID(), first.ID())
	check(e2b.SandboxQuery{Order: e2b.ListOrderAsc}, first.ID(), second.ID())
	check(e2b.SandboxQuery{Template: "code-interpreter-v1"}, second.ID())
	info := must(client.Info(ctx, second.ID()))(t)
	check(e2b.SandboxQuery{StartedAfter: info.StartedAt}, second.ID())
	check(e2b.SandboxQuery{StartedAfter: time.Now().Add(time.Hour)})
	if _, total := list(e2b.SandboxQuery{Limit: 1}); total != 2 {
		t.Fatalf("TotalRunning %d, want 2", total)
	}
	if _, total := list(e2b.SandboxQuery{States: []e2b.SandboxState{e2b.SandboxPaused}}); total != -1 {
		t.Fatalf("TotalRunning of a paused-only listing %d, want -1", total)
	}
	_, err := client.List(ctx, &e2b.SandboxQuery{Template: "base:v1"})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = client.List(ctx, &e2b.SandboxQuery{Order: 5})
	wantCode(t, err, e2b.ErrInvalidArgument)
}

func TestErrorValues(t *testing.T) {
	_, _, err := client.Connect(ctx, "abcdefghij0123456789", 0)
	var e *e2b.Error
	if !errors.As(err, &e) || e.Code != e2b.ErrSandboxNotFound || e.HTTPStatus != 404 {
		t.Fatalf("got %#v", err)
	}
	if errors.Is(err, e2b.ErrNotFound) || errors.Is(err, e2b.ErrSandboxGone) {
		t.Fatal("a missing sandbox matches another code")
	}
	if e2b.ErrSandboxNotFound.String() != "E2B_ERR_SANDBOX_NOT_FOUND" || e2b.ErrorCode(999).String() != "E2B_ERR_UNKNOWN" {
		t.Fatalf("names %q, %q", e2b.ErrSandboxNotFound, e2b.ErrorCode(999))
	}
	if errors.Unwrap(err) != nil {
		t.Fatal("an error with no callback unwraps to something")
	}
}
