package e2b_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	e2b "github.com/libe2b/libe2b/bindings/go"
)

func TestRunCode(t *testing.T) {
	s := codeSandbox(t)
	x := must(s.RunCode(ctx, "x = 41\nx + 1", nil))(t)
	if x.Text != "42" || len(x.Results) != 1 || !x.Results[0].IsMain || x.Results[0].Text != "42" || x.Error != nil {
		t.Fatalf("execution %+v", x)
	}
	if x.ExecutionCount < 1 || !slices.Contains(x.Results[0].Formats, "text") {
		t.Fatalf("execution %+v", x)
	}

	var stdout, stderr []string
	x = must(s.RunCode(ctx, "import sys\nprint('out')\nprint('err', file=sys.stderr)", &e2b.RunCodeOptions{
		Language: "python",
		Env:      map[string]string{"ONLY_NOW": "1"},
		Timeout:  time.Minute,
		OnStdout: func(m e2b.OutputMessage) error { stdout = append(stdout, m.Text); return nil },
		OnStderr: func(m e2b.OutputMessage) error { stderr = append(stderr, m.Text); return nil },
	}))(t)
	if x.Stdout != "out\n" || x.Stderr != "err\n" || strings.Join(stdout, "") != "out\n" || strings.Join(stderr, "") != "err\n" {
		t.Fatalf("execution %+v; callbacks %q %q", x, stdout, stderr)
	}
	if x := must(s.RunCode(ctx, "import os\nos.environ.get('ONLY_NOW')", &e2b.RunCodeOptions{Timeout: e2b.NoTimeout}))(t); x.Text != "" && x.Text != "None" {
		t.Fatalf("a run's env outlived it: %q", x.Text)
	}
}

func TestRunCodeError(t *testing.T) {
	s := codeSandbox(t)
	var reported e2b.ExecutionError
	x := must(s.RunCode(ctx, "1 / 0", &e2b.RunCodeOptions{OnError: func(e e2b.ExecutionError) error { reported = e; return nil }}))(t)
	if x.Error == nil || x.Error.Name != "ZeroDivisionError" || x.Error.Value == "" || !strings.Contains(x.Error.Traceback, "ZeroDivisionError") {
		t.Fatalf("error %+v", x.Error)
	}
	if reported != *x.Error {
		t.Fatalf("OnError got %+v, the execution has %+v", reported, *x.Error)
	}
	_, err := s.RunCode(ctx, "1", &e2b.RunCodeOptions{Language: "python", ContextID: "some-context"})
	wantCode(t, err, e2b.ErrInvalidArgument)
	_, err = s.RunCode(ctx, "import time\ntime.sleep(10)", &e2b.RunCodeOptions{Timeout: 500 * time.Millisecond})
	wantCode(t, err, e2b.ErrTimeout)
}

const richCode = `
class Rich:
    def _repr_html_(self): return "<b>rich</b>"
    def _repr_markdown_(self): return "**rich**"
    def _repr_png_(self): return b"\x89PNG fake"
    def _repr_latex_(self): return r"$\rho$"
    def _repr_json_(self): return {"rich": True}
    def __repr__(self): return "Rich()"
display(Rich())
{"answer": 42}
`

func TestRunCodeResults(t *testing.T) {
	s := codeSandbox(t)
	var streamed []e2b.Result
	x := must(s.RunCode(ctx, richCode, &e2b.RunCodeOptions{
		OnResult: func(r e2b.Result) error { streamed = append(streamed, r); return nil },
	}))(t)
	if len(x.Results) != 2 || len(streamed) != 2 {
		t.Fatalf("results %+v, streamed %+v", x.Results, streamed)
	}
	rich, main := x.Results[0], x.Results[1]
	if rich.IsMain || rich.Text != "Rich()" || rich.HTML != "<b>rich</b>" || rich.Markdown != "**rich**" || rich.LaTeX != `$\rho$` {
		t.Fatalf("displayed result %+v", rich)
	}
	if png, err := base64.StdEncoding.DecodeString(rich.PNG); err != nil || string(png) != "\x89PNG fake" {
		t.Fatalf("png %q: %v", rich.PNG, err)
	}
	var j map[string]bool
	if err := json.Unmarshal(rich.JSON, &j); err != nil || !j["rich"] {
		t.Fatalf("json %s: %v", rich.JSON, err)
	}
	if !main.IsMain || x.Text != main.Text || !strings.Contains(main.Text, "42") || main.JSON == nil {
		t.Fatalf("main result %+v", main)
	}
	if streamed[0].HTML != rich.HTML || !streamed[1].IsMain {
		t.Fatalf("streamed %+v", streamed)
	}
}

func TestRunCodeKeepsChunksTimestampsNulsAndExtras(t *testing.T) {
	s := codeSandbox(t)
	var seen []e2b.OutputMessage
	code := "import sys, time\nprint('a\\0b', flush=True)\ntime.sleep(0.3)\nsys.stdout.write('c')\n" +
		"class Custom:\n" +
		"    def _repr_mimebundle_(self, include=None, exclude=None):\n" +
		"        return {'text/plain': 'custom', 'text/x-note': 'note', 'application/vnd.x+json': {'a': 1}}\n" +
		"display(Custom())\n"
	x := must(s.RunCode(ctx, code, &e2b.RunCodeOptions{
		OnStdout: func(m e2b.OutputMessage) error { seen = append(seen, m); return nil },
	}))(t)
	if len(x.StdoutChunks) != 2 || x.StdoutChunks[0].Text != "a\x00b\n" || x.StdoutChunks[1].Text != "c" || x.Stdout != "a\x00b\nc" {
		t.Fatalf("stdout %q, chunks %+v", x.Stdout, x.StdoutChunks)
	}
	if ts := x.StdoutChunks[0].Timestamp; len(ts) < 20 || ts[10] != 'T' {
		t.Fatalf("timestamp %q", ts)
	}
	if !slices.Equal(seen, x.StdoutChunks) || len(x.StderrChunks) != 0 {
		t.Fatalf("callbacks saw %+v, the execution has %+v", seen, x.StdoutChunks)
	}
	want := map[string]string{"application/vnd.x+json": `{"a":1}`, "text/x-note": "note"}
	if r := x.Results[0]; r.Text != "custom" || !maps.Equal(r.Extra, want) || slices.Contains(r.Formats, "extra") {
		t.Fatalf("result %+v", r)
	}
}

func TestRunCodeCallbackStops(t *testing.T) {
	s := codeSandbox(t)
	enough := errors.New("enough")
	_, err := s.RunCode(ctx, "import time\nfor i in range(5):\n    print(i, flush=True)\n    time.sleep(0.2)", &e2b.RunCodeOptions{
		OnStdout: func(e2b.OutputMessage) error { return enough },
	})
	wantCode(t, err, e2b.ErrCallbackAborted)
	if !errors.Is(err, enough) {
		t.Fatalf("%v does not wrap the callback's error", err)
	}
	v := catchPanic(func() {
		s.RunCode(ctx, "42", &e2b.RunCodeOptions{OnResult: func(e2b.Result) error { panic("result panic") }})
	})
	if v != "result panic" {
		t.Fatalf("panic value %v", v)
	}
	if x := must(s.RunCode(ctx, "6 * 7", nil))(t); x.Text != "42" {
		t.Fatalf("after a panic: %+v", x)
	}
}

func TestCodeContexts(t *testing.T) {
	s := codeSandbox(t)
	cc := must(s.CreateCodeContext(ctx, "python", "/tmp"))(t)
	if cc.ID == "" || cc.Language != "python" || cc.Cwd != "/tmp" {
		t.Fatalf("context %+v", cc)
	}
	def := must(s.CreateCodeContext(ctx, "", ""))(t)
	if def.Language != "python" || def.ID == cc.ID {
		t.Fatalf("default context %+v", def)
	}
	contexts := must(s.CodeContexts(ctx))(t)
	if !slices.ContainsFunc(contexts, func(c e2b.CodeContext) bool { return c.ID == cc.ID }) {
		t.Fatalf("%s is not in %+v", cc.ID, contexts)
	}

	in := &e2b.RunCodeOptions{ContextID: cc.ID}
	must(s.RunCode(ctx, "y = 5", in))(t)
	if x := must(s.RunCode(ctx, "y", in))(t); x.Text != "5" {
		t.Fatalf("the context lost y: %+v", x)
	}
	if x := must(s.RunCode(ctx, "import os\nos.getcwd()", in))(t); !strings.Contains(x.Text, "/tmp") {
		t.Fatalf("cwd %q", x.Text)
	}
	if x := must(s.RunCode(ctx, "y", nil))(t); x.Error == nil || x.Error.Name != "NameError" {
		t.Fatalf("the default context has y: %+v", x)
	}

	ok(t, s.RestartCodeContext(ctx, cc.ID))
	if x := must(s.RunCode(ctx, "y", in))(t); x.Error == nil || x.Error.Name != "NameError" {
		t.Fatalf("y survived a restart: %+v", x)
	}
	ok(t, s.RemoveCodeContext(ctx, cc.ID))
	_, err := s.RunCode(ctx, "1", in)
	wantCode(t, err, e2b.ErrNotFound)
	err = s.RestartCodeContext(ctx, cc.ID)
	wantCode(t, err, e2b.ErrNotFound)
	err = s.RemoveCodeContext(ctx, "\xff")
	wantCode(t, err, e2b.ErrInvalidUTF8)
}
