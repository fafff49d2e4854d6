// A first program of a Go user of the packaged module: creates a sandbox,
// writes a file, then reads it back and runs a command on it from two
// goroutines at once (the program is built with -race), kills the sandbox and
// sees that it is gone. tests/package/go.sh builds it in a fresh module that
// gets the binding with `go get` from the module proxy folder that
// scripts/package.sh makes, and runs it against e2b-local.
package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"sync"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "program: "+format+"\n", args...)
	os.Exit(1)
}

func main() {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()

	client, err := e2b.NewClient(nil) // E2B_API_URL, E2B_SANDBOX_URL, E2B_API_KEY
	if err != nil {
		fail("NewClient: %v", err)
	}
	defer client.Close()
	sbx, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{Timeout: time.Minute})
	if err != nil {
		fail("CreateSandbox: %v", err)
	}
	defer sbx.Close()

	text := []byte("written by the Go module\n")
	const path = "/home/user/package.txt"
	if err := sbx.Files().Write(ctx, path, text); err != nil {
		fail("Files.Write: %v", err)
	}
	// Read the file back and, at the same time from another goroutine, let
	// the sandbox's shell print it: a sandbox is used from many goroutines.
	var (
		got  []byte
		res  *e2b.CommandResult
		errs [2]error
		wg   sync.WaitGroup
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		got, errs[0] = sbx.Files().Read(ctx, path)
	}()
	go func() {
		defer wg.Done()
		res, errs[1] = sbx.Commands().Run(ctx, "cat package.txt", nil)
	}()
	wg.Wait()
	if errs[0] != nil {
		fail("Files.Read: %v", errs[0])
	}
	if !bytes.Equal(got, text) {
		fail("the file read back is %q, not %q", got, text)
	}
	if errs[1] != nil {
		fail("Commands.Run: %v", errs[1])
	}
	if res.ExitCode != 0 || !bytes.Equal(res.Stdout, text) {
		fail("cat exited with %d and printed %q, not %q", res.ExitCode, res.Stdout, text)
	}

	killed, err := sbx.Kill(ctx)
	if err != nil {
		fail("Sandbox.Kill: %v", err)
	}
	if !killed {
		fail("the sandbox was gone before it was killed")
	}
	if _, err := client.Info(ctx, sbx.ID()); !errors.Is(err, e2b.ErrSandboxNotFound) {
		fail("the killed sandbox answers Info with %v, not ErrSandboxNotFound", err)
	}
	fmt.Printf("program: libe2b %s: created, wrote, read, ran and killed sandbox %s\n", e2b.Version(), sbx.ID())
}
