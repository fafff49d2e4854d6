package e2b_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"testing"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

// client is shared by every test, as a program would share it.
var client *e2b.Client

// ctx is the context of the calls that are not about cancellation.
var ctx = context.Background()

func TestMain(m *testing.M) {
	if os.Getenv("E2B_API_URL") == "" {
		fmt.Fprintln(os.Stderr, "E2B_API_URL is not set: run the tests with scripts/with-e2b-local.sh go test ./...")
		os.Exit(2)
	}
	var err error
	if client, err = e2b.NewClient(nil); err != nil {
		fmt.Fprintln(os.Stderr, "e2b.NewClient:", err)
		os.Exit(1)
	}
	code := m.Run()
	client.Close()
	os.Exit(code)
}

// newSandbox creates a sandbox that is killed when the test ends.
func newSandbox(t *testing.T, opts *e2b.SandboxOptions) *e2b.Sandbox {
	t.Helper()
	s, err := client.CreateSandbox(ctx, opts)
	if err != nil {
		t.Fatalf("CreateSandbox: %v", err)
	}
	t.Cleanup(func() {
		client.Kill(ctx, s.ID())
		s.Close()
	})
	return s
}

// codeSandbox creates a sandbox with the code interpreter.
func codeSandbox(t *testing.T) *e2b.Sandbox {
	return newSandbox(t, &e2b.SandboxOptions{Template: "code-interpreter-v1"})
}

// must(v, err)(t) fails the test on err and returns v.
func must[T any](v T, err error) func(*testing.T) T {
	return func(t *testing.T) T {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
}

// ok fails the test on err.
func ok(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// wantCode fails the test unless err is an *e2b.Error with code.
func wantCode(t *testing.T, err error, code e2b.ErrorCode) *e2b.Error {
	t.Helper()
	var e *e2b.Error
	if !errors.As(err, &e) || !errors.Is(err, code) {
		t.Fatalf("got error %v, want %v", err, code)
	}
	return e
}

// catchPanic runs f and returns what it panicked with, nil if it did not.
func catchPanic(f func()) (value any) {
	defer func() { value = recover() }()
	f()
	return nil
}

// uniqueName is prefix with a random suffix, for names that must not clash between runs.
func uniqueName(prefix string) string {
	b := make([]byte, 5)
	_, _ = rand.Read(b)
	return prefix + "-" + hex.EncodeToString(b)
}
