// The E2B quickstart in Go: create a sandbox, write and read files, run code,
// pause it, resume it by id, find it in the list and connect to it, watch a
// directory, upload and download, cancel a command with a context, and kill
// it. Ctrl-C cancels whichever call is running.
//
// It uses E2B_API_KEY (and E2B_API_URL / E2B_SANDBOX_URL for e2b-local) from
// the environment. From the repository's root, after
// `cargo build --release -p e2b`:
//
//	cd examples/go && go run ./quickstart                                  # E2B
//	cd examples/go && ../../scripts/with-e2b-local.sh go run ./quickstart  # e2b-local
package main

import (
	"context"
	"errors"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func main() {
	log.SetFlags(0)
	// Every call that may wait takes a context: here Ctrl-C, or two minutes
	// for the whole quickstart, ends the call running.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	ctx, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()

	client, err := e2b.NewClient(nil)
	check(err)
	defer client.Close()

	// A sandbox with the code interpreter, alive for five minutes.
	sbx, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{
		Template: "code-interpreter-v1",
		Timeout:  5 * time.Minute,
		Metadata: map[string]string{"example": "go-quickstart"},
	})
	check(err)
	id := sbx.ID()
	fmt.Println("created sandbox", id)

	// Files are bytes.
	check(sbx.Files().Write(ctx, "/home/user/hello.txt", []byte("Hello from Go!\n")))
	content, err := sbx.Files().Read(ctx, "/home/user/hello.txt")
	check(err)
	fmt.Printf("read back: %s", content)

	// Run code, printing its output as it comes.
	execution, err := sbx.RunCode(ctx, "import platform\nprint(platform.python_version())\n6 * 7", &e2b.RunCodeOptions{
		OnStdout: func(m e2b.OutputMessage) error { fmt.Print("python says: ", m.Text); return nil },
	})
	check(err)
	fmt.Println("the code's value:", execution.Text)

	// Watch a directory while a file appears in it.
	watch, err := sbx.Files().WatchDir(ctx, "/home/user", nil)
	check(err)
	check(sbx.Files().Write(ctx, "/home/user/watched.txt", []byte("changed")))
	events, err := watch.NextEvents(ctx, 5*time.Second)
	check(err)
	for _, event := range events {
		fmt.Printf("event: %s %s\n", event.Type, event.Name)
	}
	check(watch.Close())

	// Upload a local file and download it back, with progress.
	dir, err := os.MkdirTemp("", "e2b-quickstart")
	check(err)
	defer os.RemoveAll(dir)
	local := filepath.Join(dir, "data.bin")
	check(os.WriteFile(local, make([]byte, 1<<20), 0o644))
	progress := func(done, total int64) error { fmt.Printf("\r  %d of %d bytes", done, total); return nil }
	check(sbx.Files().UploadFile(ctx, local, "/home/user/data.bin", progress))
	check(sbx.Files().DownloadFile(ctx, "/home/user/data.bin", filepath.Join(dir, "back.bin"), progress))
	fmt.Println("\nuploaded and downloaded 1 MiB")

	// A context's deadline ends a call within milliseconds; the command is killed.
	short, cancelShort := context.WithTimeout(ctx, time.Second)
	_, err = sbx.Commands().Run(short, "sleep 30", nil)
	cancelShort()
	if !errors.Is(err, context.DeadlineExceeded) || !errors.Is(err, e2b.ErrCancelled) {
		log.Fatalf("a command past its context's deadline: %v", err)
	}
	fmt.Println("cancelled:", err)

	// Pause: the filesystem and memory are kept.
	_, err = sbx.Pause(ctx)
	check(err)
	check(sbx.Close())
	fmt.Println("paused sandbox", id)

	// Resume it by id and read the file again.
	sbx, err = client.Resume(ctx, id, time.Minute)
	check(err)
	content, err = sbx.Files().Read(ctx, "/home/user/hello.txt")
	check(err)
	fmt.Printf("after resume: %s", content)

	// Find it in the list, and connect to it by id.
	page, err := client.List(ctx, &e2b.SandboxQuery{Metadata: map[string]string{"example": "go-quickstart"}})
	check(err)
	for _, info := range page.Sandboxes {
		fmt.Printf("listed: %s (%s, ends %s)\n", info.ID, info.State, info.EndAt.Format(time.RFC3339))
	}
	again, _, err := client.Connect(ctx, id, 0)
	check(err)
	defer again.Close()
	running, err := again.IsRunning(ctx)
	check(err)
	fmt.Println("connected, running:", running)

	// Kill it; resuming it now fails with ErrSandboxNotFound.
	_, err = sbx.Kill(ctx)
	check(err)
	check(sbx.Close())
	fmt.Println("killed sandbox", id)
	_, err = client.Resume(ctx, id, time.Minute)
	if !errors.Is(err, e2b.ErrSandboxNotFound) {
		log.Fatalf("resume after kill: %v", err)
	}
	fmt.Println("resume after kill:", err)
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
