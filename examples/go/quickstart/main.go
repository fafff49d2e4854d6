// The E2B story in Go, top to bottom: a custom template built with the
// template builder, a sandbox from it, code with rich results, a command, a watched directory, a folder uploaded and
// downloaded back with a progress bar, pause, resume by id with a new
// timeout, list and connect from a second client, kill, and the error a
// killed sandbox's id gives. Every call that may wait takes a context:
// Ctrl-C ends whichever call is running.
//
//	quickstart [TEMPLATE]
//
// TEMPLATE (else E2B_TEMPLATE) must have the code interpreter, as E2B's
// code-interpreter-v1 and every e2b-local template do; without either, the
// quickstart builds its own template "quickstart" from code-interpreter-v1 (a
// welcome file, an environment variable) and starts from it.
// Uses E2B_API_KEY, and E2B_API_URL / E2B_SANDBOX_URL for e2b-local, from the
// environment. From the repository's root, after `cargo build --release -p libe2b`:
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
	"strings"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func main() {
	log.SetFlags(0)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	template := os.Getenv("E2B_TEMPLATE")
	if len(os.Args) > 1 {
		template = os.Args[1]
	}
	client, err := e2b.NewClient(nil)
	check(err)
	defer client.Close()

	// 0. Without a template named, build one: the code interpreter's, with a welcome.
	if template == "" {
		template = "quickstart"
		builder := e2b.NewTemplate().
			FromTemplate("code-interpreter-v1").
			RunCmd("echo 'Welcome to a sandbox made from the template the quickstart built.' > /home/user/welcome.txt", "").
			SetEnvs(map[string]string{"QUICKSTART": "1"})
		_, err := client.BuildTemplate(ctx, builder, template, &e2b.BuildOptions{OnLog: func(e e2b.BuildLogEntry) error {
			fmt.Println("  build:", e.Message)
			return nil
		}})
		check(err)
		fmt.Println("built template", template)
	}

	// 1. A sandbox from the template, alive for five minutes, tagged so we can find it.
	sbx, err := client.CreateSandbox(ctx, &e2b.SandboxOptions{
		Template: template,
		Timeout:  5 * time.Minute,
		Metadata: map[string]string{"example": "go-quickstart"},
	})
	check(err)
	id := sbx.ID()
	fmt.Printf("created sandbox %s from template %s\n", id, template)

	// What the template put in the sandbox (the quickstart's own template has a welcome).
	welcome, err := sbx.Files().Exists(ctx, "/home/user/welcome.txt")
	check(err)
	if welcome {
		text, err := sbx.Files().Read(ctx, "/home/user/welcome.txt")
		check(err)
		fmt.Printf("the template says: %s", text)
	}

	// 2. Run code: output as it comes, then the value in every format it has.
	code := `import math
print(f'pi is {math.pi:.5f}')
class Circle:
    def __repr__(self): return 'a circle of radius 2'
    def _repr_html_(self): return '<svg><circle r="2"/></svg>'
Circle()
`
	run, err := sbx.RunCode(ctx, code, &e2b.RunCodeOptions{
		OnStdout: func(chunk e2b.OutputMessage) error { fmt.Print("  python says: ", chunk.Text); return nil },
	})
	check(err)
	for _, result := range run.Results {
		for _, format := range result.Formats {
			fmt.Printf("  result as %s: %s\n", format, formatValue(result, format))
		}
	}

	// 3. Run a command.
	ran, err := sbx.Commands().Run(ctx, `echo "$(whoami) in $(pwd)"`, nil)
	check(err)
	fmt.Printf("command says: %s", ran.Stdout)

	// A context's deadline ends a call at once, and the command with it.
	short, cancel := context.WithTimeout(ctx, time.Second)
	_, err = sbx.Commands().Run(short, "sleep 30", nil)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		log.Fatalf("a command past its context's deadline: %v", err)
	}
	fmt.Println("cancelled:", err)

	// 4. Watch a directory while files appear in it.
	_, err = sbx.Files().MakeDir(ctx, "/home/user/inbox")
	check(err)
	watch, err := sbx.Files().WatchDir(ctx, "/home/user/inbox", nil)
	check(err)
	_, err = sbx.Commands().Run(ctx, "echo hi > inbox/note.txt && mv inbox/note.txt inbox/kept.txt", nil)
	check(err)
	events, err := watch.NextEvents(ctx, 2*time.Second)
	check(err)
	for _, event := range events {
		fmt.Printf("  watched: %s %s\n", event.Type, event.Name)
	}
	check(watch.Close())

	// 5. Upload a local folder, and download it back, with a progress bar.
	local, err := os.MkdirTemp("", "e2b-quickstart-")
	check(err)
	defer os.RemoveAll(local)
	project := filepath.Join(local, "project")
	check(os.MkdirAll(filepath.Join(project, "src"), 0o755))
	check(os.WriteFile(filepath.Join(project, "README.md"), []byte("# A project\n"), 0o644))
	check(os.WriteFile(filepath.Join(project, "src", "main.py"), []byte("print('hello')\n"), 0o644))
	check(os.WriteFile(filepath.Join(project, "src", "data.csv"), []byte("x,y\n1,2\n3,4\n"), 0o644))
	count, err := sbx.Files().UploadDir(ctx, project, "/home/user/project", progressBar("upload"))
	check(err)
	fmt.Printf("\nuploaded %d files\n", count)
	back := filepath.Join(local, "back")
	count, err = sbx.Files().DownloadDir(ctx, "/home/user/project", back, progressBar("download"))
	check(err)
	fmt.Printf("\ndownloaded %d files into %s\n", count, back)

	// 6. Pause: files and memory are kept; only the id is needed to come back.
	_, err = sbx.Pause(ctx)
	check(err)
	check(sbx.Close())
	fmt.Println("paused sandbox", id)

	// 7. Resume it by id, now for ten minutes, and find the project again.
	sbx, err = client.Resume(ctx, id, 10*time.Minute)
	check(err)
	defer sbx.Close()
	info, err := sbx.Info(ctx)
	check(err)
	kept, err := sbx.Files().Exists(ctx, "/home/user/project/src/main.py")
	check(err)
	where := "gone"
	if kept {
		where = "there"
	}
	fmt.Printf("resumed: the project is %s, the sandbox ends %s\n", where, info.EndAt.Format(time.RFC3339))

	// 8. A second client (another program, say) lists it and connects to it by id.
	other, err := e2b.NewClient(nil)
	check(err)
	defer other.Close()
	page, err := other.List(ctx, &e2b.SandboxQuery{Metadata: map[string]string{"example": "go-quickstart"}})
	check(err)
	for _, listed := range page.Sandboxes {
		fmt.Printf("listed: %s (template %s)\n", listed.ID, listed.TemplateID)
	}
	connected, _, err := other.Connect(ctx, id, 0)
	check(err)
	defer connected.Close()
	running, err := connected.IsRunning(ctx)
	check(err)
	fmt.Println("connected from a second client: running", running)

	// 9. Kill it; its id is then unknown.
	_, err = sbx.Kill(ctx)
	check(err)
	fmt.Println("killed sandbox", id)
	_, err = other.Resume(ctx, id, 0)
	if !errors.Is(err, e2b.ErrSandboxNotFound) {
		log.Fatalf("resume after kill: %v", err)
	}
	fmt.Println("resume after kill:", err)
}

// progressBar draws a progress bar naming the file in flight.
func progressBar(verb string) e2b.DirProgressFunc {
	return func(p e2b.DirProgress) error {
		percent := int64(100)
		if p.Total > 0 {
			percent = 100 * p.Done / p.Total
		}
		fmt.Printf("\r  %s [%-20s] %3d%%  file %d of %d: %-40s", verb, strings.Repeat("#", int(percent/5)), percent,
			p.Index+1, p.Count, p.Path)
		return nil
	}
}

// formatValue is the result in one of its formats (JSON ones as JSON text).
func formatValue(r e2b.Result, format string) string {
	switch format {
	case "json":
		return string(r.JSON)
	case "data":
		return string(r.Data)
	case "chart":
		if r.Chart == nil {
			return ""
		}
		return string(r.Chart.Raw)
	}
	return map[string]string{
		"text": r.Text, "html": r.HTML, "markdown": r.Markdown, "svg": r.SVG, "png": r.PNG, "jpeg": r.JPEG,
		"pdf": r.PDF, "latex": r.LaTeX, "javascript": r.JavaScript,
	}[format]
}

func check(err error) {
	if err != nil {
		log.Fatal(err)
	}
}
