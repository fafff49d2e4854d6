package e2b_test

import (
	"context"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// records is a slog.Handler that keeps what it gets, from any thread.
type records struct {
	level slog.Level
	mu    sync.Mutex
	got   []slog.Record
}

func (r *records) Enabled(_ context.Context, l slog.Level) bool { return l >= r.level }
func (r *records) Handle(_ context.Context, rec slog.Record) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.got = append(r.got, rec)
	return nil
}
func (r *records) WithAttrs([]slog.Attr) slog.Handler { return r }
func (r *records) WithGroup(string) slog.Handler      { return r }

func (r *records) messages() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []string
	for _, rec := range r.got {
		out = append(out, rec.Message)
	}
	return out
}

func TestSetLoggerSendsOneDebugRecordPerRequestAndNoSecret(t *testing.T) {
	handler := &records{level: slog.LevelDebug}
	if err := e2b.SetLogger(slog.New(handler)); err != nil {
		t.Fatal(err)
	}
	defer e2b.SetLogger(nil)
	s := newSandbox(t, nil)
	if err := s.Files().Write(ctx, "/home/user/logged.txt", []byte("hi")); err != nil {
		t.Fatal(err)
	}
	messages := strings.Join(handler.messages(), "\n")
	for _, want := range []string{"create sandbox from template 'base': POST http", " -> 201 Created in ", "write /home/user/logged.txt: POST http"} {
		if !strings.Contains(messages, want) {
			t.Errorf("no record contains %q:\n%s", want, messages)
		}
	}
	if key := os.Getenv("E2B_API_KEY"); key == "" || strings.Contains(messages, key) {
		t.Errorf("a record holds the API key (or none is set):\n%s", messages)
	}
	handler.mu.Lock()
	for _, rec := range handler.got {
		target := ""
		rec.Attrs(func(a slog.Attr) bool {
			if a.Key == "target" {
				target = a.Value.String()
			}
			return true
		})
		if rec.Level != slog.LevelDebug || !strings.HasPrefix(target, "e2b::") {
			t.Errorf("record %q at %v from %q", rec.Message, rec.Level, target)
		}
	}
	handler.mu.Unlock()
}

func TestSetLoggerHonoursTheHandlersLevel(t *testing.T) {
	handler := &records{level: slog.LevelInfo}
	if err := e2b.SetLogger(slog.New(handler)); err != nil {
		t.Fatal(err)
	}
	defer e2b.SetLogger(nil)
	newSandbox(t, nil)
	if got := handler.messages(); len(got) != 0 {
		t.Errorf("records below the handler's level: %q", got)
	}
}
