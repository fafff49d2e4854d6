package e2b

// #include "e2b.h"
import "C"

import (
	"context"
	"encoding/json"
	"strings"
	"time"
)

// RunCodeOptions say how to run code. The zero value means the default
// Python context and a 5-minute limit.
type RunCodeOptions struct {
	// Language runs the code in that language's default context ("python",
	// "javascript", ...). Not together with ContextID.
	Language string
	// ContextID runs the code in that context (from CreateCodeContext).
	ContextID string
	// Env holds environment variables for this run only.
	Env map[string]string
	// Timeout is how long the run may take (default 5 minutes; NoTimeout for no limit).
	Timeout time.Duration
	// OnStdout, OnStderr, OnResult and OnError receive what the run produces
	// as it arrives: each chunk of output with its timestamp, each result,
	// and the error the code raised with its traceback. An error they return
	// interrupts the run; RunCode then fails with an error that wraps it and
	// matches ErrCallbackAborted.
	OnStdout func(chunk OutputMessage) error
	OnStderr func(chunk OutputMessage) error
	OnResult func(result Result) error
	OnError  func(err ExecutionError) error
}

// forward passes what the run so far (p) gained, as the C callback says, to
// the callbacks.
func (o *RunCodeOptions) forward(output C.e2b_execution_output, p *C.e2b_execution, index C.size_t) error {
	switch {
	case output == C.E2B_EXECUTION_STDOUT && o.OnStdout != nil:
		return o.OnStdout(outputMessage(p, C.E2B_STREAM_STDOUT, index))
	case output == C.E2B_EXECUTION_STDERR && o.OnStderr != nil:
		return o.OnStderr(outputMessage(p, C.E2B_STREAM_STDERR, index))
	case output == C.E2B_EXECUTION_RESULT && o.OnResult != nil:
		return o.OnResult(executionResult(C.e2b_execution_results_get(p, index)))
	case output == C.E2B_EXECUTION_ERROR && o.OnError != nil:
		if e := executionError(p); e != nil {
			return o.OnError(*e)
		}
	}
	return nil
}

func (o *RunCodeOptions) build(a *args) *C.e2b_run_code_options {
	if o == nil {
		return nil
	}
	p := C.e2b_run_code_options_new()
	a.onFree(func() { C.e2b_run_code_options_free(p) })
	if o.Language != "" {
		s := a.str(o.Language)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_run_code_options_set_language(p, s, e) })
	}
	if o.ContextID != "" {
		s := a.str(o.ContextID)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_run_code_options_set_context_id(p, s, e) })
	}
	for name, value := range o.Env {
		n, v := a.str(name), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_run_code_options_set_env(p, n, v, e) })
	}
	setTimeout(a, o.Timeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_run_code_options_set_timeout_ms(p, ms, e)
	})
	return p
}

// RunCode runs code in the sandbox's code interpreter (opts may be nil). An
// exception in the code is part of the Execution (Execution.Error), not an
// error of the call.
func (s *Sandbox) RunCode(ctx context.Context, code string, opts *RunCodeOptions) (*Execution, error) {
	var a args
	defer a.free()
	ccode, copts := a.str(code), opts.build(&a)
	cb := &callbacks{code: opts}
	ud := cb.start()
	var p *C.e2b_execution
	err := cb.finish(s.h.call(ctx, &a, func(sbx *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_code_run(sbx, ccode, copts, cb.executionFn(), ud, &p, cancel, e)
	}))
	if err != nil {
		return nil, err
	}
	defer C.e2b_execution_free(p)
	x := &Execution{
		Text:           C.GoString(C.e2b_execution_text(p)),
		Results:        make([]Result, C.e2b_execution_results_len(p)),
		StdoutChunks:   outputMessages(p, C.E2B_STREAM_STDOUT),
		StderrChunks:   outputMessages(p, C.E2B_STREAM_STDERR),
		Error:          executionError(p),
		ExecutionCount: int(C.e2b_execution_count(p)),
	}
	for i := range x.Results {
		x.Results[i] = executionResult(C.e2b_execution_results_get(p, C.size_t(i)))
	}
	x.Stdout, x.Stderr = joined(x.StdoutChunks), joined(x.StderrChunks)
	return x, nil
}

// Execution is what a run produced.
type Execution struct {
	// Text is the text of the main result (the last expression's value); "" if none.
	Text    string
	Results []Result
	// Stdout and Stderr are everything the code wrote: the chunks joined.
	Stdout string
	Stderr string
	// StdoutChunks and StderrChunks are the output chunk by chunk, in arrival order.
	StdoutChunks []OutputMessage
	StderrChunks []OutputMessage
	// Error is the error the code raised; nil if none.
	Error *ExecutionError
	// ExecutionCount is the context's execution counter for this run; -1 if unknown.
	ExecutionCount int
}

// OutputMessage is a chunk of output as the code wrote it.
type OutputMessage struct {
	Text      string // the bytes exactly as written (NULs kept)
	Timestamp string // when: RFC 3339, as the interpreter sent it; "" if it sent none
}

func outputMessage(p *C.e2b_execution, stream C.int32_t, index C.size_t) OutputMessage {
	var n C.size_t
	data := C.e2b_execution_chunks_get(p, stream, index, &n)
	return OutputMessage{
		Text:      string(goBytes(data, n)),
		Timestamp: C.GoString(C.e2b_execution_chunks_timestamp(p, stream, index)),
	}
}

func outputMessages(p *C.e2b_execution, stream C.int32_t) []OutputMessage {
	chunks := make([]OutputMessage, C.e2b_execution_chunks_len(p, stream))
	for i := range chunks {
		chunks[i] = outputMessage(p, stream, C.size_t(i))
	}
	return chunks
}

func joined(chunks []OutputMessage) string {
	var b strings.Builder
	for _, c := range chunks {
		b.WriteString(c.Text)
	}
	return b.String()
}

func executionError(p *C.e2b_execution) *ExecutionError {
	name := C.e2b_execution_error_name(p)
	if name == nil {
		return nil
	}
	return &ExecutionError{
		Name:      C.GoString(name),
		Value:     C.GoString(C.e2b_execution_error_value(p)),
		Traceback: C.GoString(C.e2b_execution_error_traceback(p)),
	}
}

// ExecutionError is an error raised by the code.
type ExecutionError struct {
	Name      string // e.g. "ZeroDivisionError"
	Value     string // the message
	Traceback string
}

// Result is one result of a run in every format the interpreter produced;
// a format it did not produce is empty.
type Result struct {
	// IsMain tells the value of the last expression from something displayed.
	IsMain     bool
	Text       string
	HTML       string
	Markdown   string
	SVG        string
	PNG        string // base64
	JPEG       string // base64
	PDF        string // base64
	LaTeX      string
	JSON       json.RawMessage
	JavaScript string
	Data       json.RawMessage
	// Chart is the chart the code drew, typed; nil if none. Its Raw is the
	// "chart" format as sent.
	Chart *Chart
	// Extra maps every other MIME type to its content: the text itself when
	// the interpreter sent text, else JSON text.
	Extra map[string]string
	// Formats names the formats present (Extra's aside), in the library's order.
	Formats []string
}

func executionResult(p *C.e2b_execution_result) Result {
	r := Result{IsMain: bool(C.e2b_execution_result_is_main(p))}
	fields := map[string]*string{
		"text": &r.Text, "html": &r.HTML, "markdown": &r.Markdown, "svg": &r.SVG, "png": &r.PNG,
		"jpeg": &r.JPEG, "pdf": &r.PDF, "latex": &r.LaTeX, "javascript": &r.JavaScript,
	}
	raw := map[string]*json.RawMessage{"json": &r.JSON, "data": &r.Data}
	for i := range C.e2b_execution_result_formats_len(p) {
		cname := C.e2b_execution_result_formats_key(p, i)
		name, value := C.GoString(cname), C.GoString(C.e2b_execution_result_formats_get(p, cname))
		r.Formats = append(r.Formats, name)
		if f, ok := fields[name]; ok {
			*f = value
		} else if f, ok := raw[name]; ok {
			*f = json.RawMessage(value)
		}
	}
	if f := C.e2b_execution_result_chart(p); f != nil {
		c := chart(f)
		r.Chart = &c
	}
	if n := C.e2b_execution_result_extras_len(p); n > 0 {
		r.Extra = make(map[string]string, n)
		for i := range n {
			r.Extra[C.GoString(C.e2b_execution_result_extras_key(p, i))] = C.GoString(C.e2b_execution_result_extras_value(p, i))
		}
	}
	return r
}

// CodeContext is a code context: its own interpreter state, language and
// working directory.
type CodeContext struct {
	ID       string
	Language string
	Cwd      string
}

func codeContext(p *C.e2b_code_context) CodeContext {
	return CodeContext{
		ID:       C.GoString(C.e2b_code_context_id(p)),
		Language: C.GoString(C.e2b_code_context_language(p)),
		Cwd:      C.GoString(C.e2b_code_context_cwd(p)),
	}
}

// CreateCodeContext creates a code context for language ("": Python) working
// in cwd ("": the user's home).
func (s *Sandbox) CreateCodeContext(ctx context.Context, language, cwd string) (*CodeContext, error) {
	var a args
	defer a.free()
	clang, ccwd := a.optStr(language), a.optStr(cwd)
	var p *C.e2b_code_context
	err := s.h.call(ctx, &a, func(sbx *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_code_create_context(sbx, clang, ccwd, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_code_context_free(p)
	cc := codeContext(p)
	return &cc, nil
}

// CodeContexts lists every code context, the default ones included.
func (s *Sandbox) CodeContexts(ctx context.Context) ([]CodeContext, error) {
	var list *C.e2b_code_context_list
	err := s.h.call(ctx, nil, func(sbx *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_code_list_contexts(sbx, &list, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_code_context_list_free(list)
	contexts := make([]CodeContext, C.e2b_code_context_list_len(list))
	for i := range contexts {
		contexts[i] = codeContext(C.e2b_code_context_list_get(list, C.size_t(i)))
	}
	return contexts, nil
}

// RestartCodeContext restarts the context id: its state is lost.
func (s *Sandbox) RestartCodeContext(ctx context.Context, id string) error {
	var a args
	defer a.free()
	cid := a.str(id)
	return s.h.call(ctx, &a, func(sbx *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_code_restart_context(sbx, cid, cancel, e)
	})
}

// RemoveCodeContext removes the context id.
func (s *Sandbox) RemoveCodeContext(ctx context.Context, id string) error {
	var a args
	defer a.free()
	cid := a.str(id)
	return s.h.call(ctx, &a, func(sbx *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_code_remove_context(sbx, cid, cancel, e)
	})
}
