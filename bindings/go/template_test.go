package e2b_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func writePackage(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"greet/pyproject.toml": "[build-system]\nrequires = [\"setuptools\"]\nbuild-backend = \"setuptools.build_meta\"\n\n" +
			"[project]\nname = \"greet\"\nversion = \"0.1.0\"\n",
		"greet/greet/__init__.py": "def hello(name):\n    return f'hello {name}'\n",
		"app.py":                  "import greet, pathlib, time\npathlib.Path('/tmp/started').write_text(greet.hello('go'))\ntime.sleep(3600)\n",
	}
	for name, text := range files {
		path := filepath.Join(dir, name)
		ok(t, os.MkdirAll(filepath.Dir(path), 0o755))
		ok(t, os.WriteFile(path, []byte(text), 0o644))
	}
}

func TestTemplateBuildAndSandbox(t *testing.T) {
	dir := t.TempDir()
	writePackage(t, dir)
	name := uniqueName("go-greeter")
	tpl := e2b.NewTemplate().
		FromTemplate("code-interpreter-v1").
		Copy("greet", "/opt/greet/", nil).
		Copy("app.py", "/home/user/app/", &e2b.CopyOptions{Mode: 0o755}).
		RunCmd("pip install --no-index --no-build-isolation /opt/greet", "root").
		SetEnvs(map[string]string{"GREETING": "hi"}).
		SetWorkdir("/home/user/app").
		SetStartCmd("python3 app.py", "test -e /tmp/started")
	tpl.ContextPath = dir
	var messages []string
	info := must(client.BuildTemplate(ctx, tpl, name, &e2b.BuildOptions{OnLog: func(e e2b.BuildLogEntry) error {
		messages = append(messages, e.Message)
		return nil
	}}))(t)
	if !strings.Contains(strings.Join(messages, "\n"), "Successfully installed greet") {
		t.Fatalf("logs: %q", messages)
	}
	if info.Name != name || len(info.Tags) != 1 || info.Tags[0] != "default" {
		t.Fatalf("info: %+v", info)
	}
	if !must(client.TemplateExists(ctx, name))(t) {
		t.Fatal("the template does not exist")
	}
	sbx := newSandbox(t, &e2b.SandboxOptions{Template: name, Timeout: time.Minute})
	if got := readText(t, sbx, "/tmp/started"); got != "hello go" {
		t.Fatalf("started: %q", got)
	}
	if !must(client.DeleteTemplate(ctx, name))(t) {
		t.Fatal("not deleted")
	}
}

func TestTemplateBackgroundTagsAndErrors(t *testing.T) {
	name := uniqueName("go-tagged")
	info := must(client.BuildTemplateInBackground(ctx, e2b.NewTemplate().FromBaseImage().RunCmd("echo one", ""), name, []string{"v1"}))(t)
	var status *e2b.BuildStatusInfo
	for i := 0; i < 600; i++ {
		status = must(client.GetTemplateBuildStatus(ctx, info, 0))(t)
		if status.Status != e2b.BuildWaiting && status.Status != e2b.BuildBuilding {
			break
		}
		time.Sleep(200 * time.Millisecond)
	}
	if status.Status != e2b.BuildReady {
		t.Fatalf("status %v: %s", status.Status, status.Reason)
	}
	ok(t, client.AssignTemplateTags(ctx, name+":v1", []string{"prod"}))
	if tags := must(client.GetTemplateTags(ctx, name))(t); len(tags) != 2 || tags[0].BuildID != info.BuildID {
		t.Fatalf("tags: %+v", tags)
	}
	ok(t, client.RemoveTemplateTags(ctx, name, []string{"v1"}))
	if tags := must(client.GetTemplateTags(ctx, name))(t); len(tags) != 1 || tags[0].Tag != "prod" {
		t.Fatalf("tags: %+v", tags)
	}
	must(client.DeleteTemplate(ctx, name))(t)

	_, err := client.BuildTemplate(ctx, e2b.NewTemplate().FromTemplate("base").RunCmd("exit 6", ""), uniqueName("go-fails"), nil)
	if e := wantCode(t, err, e2b.ErrBuild); !strings.Contains(e.Message, "exit code 6") {
		t.Fatalf("message: %s", e.Message)
	}
	_, err = client.BuildTemplate(ctx, e2b.NewTemplate().FromImage("python:3.12"), uniqueName("go-nopull"), nil)
	wantCode(t, err, e2b.ErrBuild)
	missing := e2b.NewTemplate().Copy("missing", "/x", nil)
	missing.ContextPath = t.TempDir()
	_, err = client.BuildTemplate(ctx, missing, uniqueName("go-missing"), nil)
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = client.BuildTemplate(ctx, e2b.NewTemplate().RunCmd("echo x", ""), uniqueName("go-stop"), &e2b.BuildOptions{
		OnLog: func(e2b.BuildLogEntry) error { return os.ErrClosed },
	})
	wantCode(t, err, e2b.ErrCallbackAborted)
	_, err = client.BuildTemplate(ctx, e2b.NewTemplate().RunCmd("a\x00b", ""), "x", nil)
	wantCode(t, err, e2b.ErrInvalidArgument)
}
