package e2b

// #include "e2b.h"
import "C"

import (
	"context"
	"errors"
	"io"
	"runtime"
	"time"
)

// Terminals starts and drives terminals in a sandbox (the SDKs' sandbox.pty,
// here Sandbox.Pty; the name Pty is the Stream of a terminal's output): an
// interactive bash -i -l in a pseudo-terminal. Its output is what the
// terminal shows, escape sequences included, as bytes: to PtyOptions.OnData
// during Command.Wait, or pulled with Command.NextOutput as Stream Pty
// chunks. A terminal has no stdin to close: send Ctrl-D ("\x04").
type Terminals struct {
	sbx *Sandbox
}

// Pty returns the sandbox's terminals.
func (s *Sandbox) Pty() *Terminals { return &Terminals{sbx: s} }

// PtySize is a terminal's size in character cells.
type PtySize struct {
	Rows, Cols uint16
}

// PtyOptions say how to start a terminal. The zero value means the user's
// home as the working directory, the default user and a 60-second lifetime.
type PtyOptions struct {
	// Env holds environment variables; they override the terminal's
	// defaults (TERM=xterm-256color, LANG and LC_ALL C.UTF-8).
	Env map[string]string
	// Cwd is the working directory.
	Cwd string
	// User runs the shell as this user (e.g. "root").
	User string
	// Timeout is how long the shell may live (default 60 seconds;
	// NoTimeout for no limit).
	Timeout time.Duration
	// OnData receives the terminal's output during Command.Wait. An error
	// it returns kills the shell, as with CommandOptions.OnStdout.
	OnData func(data []byte) error
}

func (o *PtyOptions) build(a *args) *C.e2b_pty_options {
	if o == nil {
		return nil
	}
	p := C.e2b_pty_options_new()
	a.onFree(func() { C.e2b_pty_options_free(p) })
	for name, value := range o.Env {
		n, v := a.str(name), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_pty_options_set_env(p, n, v, e) })
	}
	if o.Cwd != "" {
		s := a.str(o.Cwd)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_pty_options_set_cwd(p, s, e) })
	}
	if o.User != "" {
		s := a.str(o.User)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_pty_options_set_user(p, s, e) })
	}
	setTimeout(a, o.Timeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_pty_options_set_timeout_ms(p, ms, e)
	})
	return p
}

// build makes the C options, or nil when o asks for nothing beyond the defaults.
func (o *ConnectOptions) build(a *args) *C.e2b_connect_options {
	if o == nil || o.Timeout == 0 && !o.DiscardOutput {
		return nil
	}
	p := C.e2b_connect_options_new()
	a.onFree(func() { C.e2b_connect_options_free(p) })
	setTimeout(a, o.Timeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_connect_options_set_timeout_ms(p, ms, e)
	})
	if o.DiscardOutput {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_connect_options_set_retain_output(p, false, e) })
	}
	return p
}

func (o *ConnectOptions) command(p *C.e2b_command) *Command {
	if o == nil {
		return newCommand(p, nil, nil)
	}
	c := newCommand(p, o.OnStdout, o.OnStderr)
	c.onPty = o.OnPty
	return c
}

// Create starts bash -i -l in a new terminal of size and returns at once
// (opts may be nil). ctx bounds the start only. The Command's output is the
// terminal's; its result keeps none.
func (p *Terminals) Create(ctx context.Context, size PtySize, opts *PtyOptions) (*Command, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var out *C.e2b_command
	err := p.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_pty_create(s, C.uint16_t(size.Rows), C.uint16_t(size.Cols), copts, &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	c := newCommand(out, nil, nil)
	if opts != nil {
		c.onPty = opts.OnData
	}
	return c, nil
}

// Connect attaches to the terminal of the running process pid (opts may be
// nil; its OnPty receives the output during Wait). ctx bounds the attaching only.
func (p *Terminals) Connect(ctx context.Context, pid uint32, opts *ConnectOptions) (*Command, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var out *C.e2b_command
	err := p.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_pty_connect(s, C.uint32_t(pid), copts, &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return opts.command(out), nil
}

// SendStdin writes data (keystrokes) to the terminal of process pid.
func (p *Terminals) SendStdin(ctx context.Context, pid uint32, data []byte) error {
	return p.sbx.h.call(ctx, nil, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_pty_send_stdin(s, C.uint32_t(pid), bytesPtr(data), C.size_t(len(data)), cancel, e)
	})
}

// Resize resizes the terminal of process pid; its programs get SIGWINCH.
func (p *Terminals) Resize(ctx context.Context, pid uint32, size PtySize) error {
	return p.sbx.h.call(ctx, nil, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_pty_resize(s, C.uint32_t(pid), C.uint16_t(size.Rows), C.uint16_t(size.Cols), cancel, e)
	})
}

// Kill kills the terminal's process pid. killed is false if there was none.
func (p *Terminals) Kill(ctx context.Context, pid uint32) (killed bool, err error) {
	var k C.bool
	err = p.sbx.h.call(ctx, nil, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_pty_kill(s, C.uint32_t(pid), &k, cancel, e)
	})
	return bool(k), err
}

// OpenInput opens an input stream to the terminal of process pid (see
// Commands.OpenInput).
func (p *Terminals) OpenInput(ctx context.Context, pid uint32, opts *InputOptions) (*InputStream, error) {
	return openInput(ctx, p.sbx, pid, opts, true)
}

// StreamInput sends what r yields to the terminal of process pid (see
// Commands.StreamInput).
func (p *Terminals) StreamInput(ctx context.Context, pid uint32, r io.Reader, opts *InputOptions) error {
	return streamInput(ctx, p.sbx, pid, r, opts, true)
}

// IsPty reports whether the command runs in a terminal (Terminals.Create, Terminals.Connect).
func (c *Command) IsPty() bool {
	var is bool
	_ = c.h.use(nil, func(p *C.e2b_command) error {
		is = bool(C.e2b_command_is_pty(p))
		return nil
	})
	return is
}

// InputOptions say how to open an input stream. The zero value means a
// 60-second stream with a keepalive after 50 seconds of quiet.
type InputOptions struct {
	// Timeout is how long the stream may last (default 60 seconds, the
	// SDKs'; NoTimeout for no limit).
	Timeout time.Duration
	// KeepaliveInterval is how long the stream may be quiet before a
	// keepalive message goes out (default 50 seconds).
	KeepaliveInterval time.Duration
}

func (o *InputOptions) build(a *args) *C.e2b_input_options {
	if o == nil {
		return nil
	}
	p := C.e2b_input_options_new()
	a.onFree(func() { C.e2b_input_options_free(p) })
	setTimeout(a, o.Timeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_input_options_set_timeout_ms(p, ms, e)
	})
	setTimeout(a, o.KeepaliveInterval, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_input_options_set_keepalive_interval_ms(p, ms, e)
	})
	return p
}

// An InputStream sends input to a process's stdin or terminal as it is
// written (Commands.OpenInput, Terminals.OpenInput). Finish ends it and waits for
// the sandbox's answer; Close releases it without waiting. One goroutine
// at a time may use it.
//
// Opening asks the sandbox whether it has the client-streaming StreamInput
// RPC: if so, each Write goes out at once on one stream, with keepalives
// while quiet, and the sandbox's errors (the process's stdin closed, the
// process gone) come from Finish, or from a later Write once the stream has
// failed; if not, each Write is one SendInput request. Streaming tells which.
type InputStream struct {
	h handle[*C.e2b_input_stream]
}

func openInput(ctx context.Context, sbx *Sandbox, pid uint32, opts *InputOptions, pty bool) (*InputStream, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var out *C.e2b_input_stream
	err := sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		if pty {
			return C.e2b_pty_open_input(s, C.uint32_t(pid), copts, &out, cancel, e)
		}
		return C.e2b_commands_open_input(s, C.uint32_t(pid), copts, &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	in := &InputStream{h: handle[*C.e2b_input_stream]{ptr: out, free: func(p *C.e2b_input_stream) { C.e2b_input_stream_free(p) }}}
	runtime.SetFinalizer(in, (*InputStream).Close)
	return in, nil
}

func streamInput(ctx context.Context, sbx *Sandbox, pid uint32, r io.Reader, opts *InputOptions, pty bool) error {
	in, err := openInput(ctx, sbx, pid, opts, pty)
	if err != nil {
		return err
	}
	defer in.Close()
	buf := make([]byte, 32<<10)
	for {
		n, rerr := r.Read(buf)
		if n > 0 {
			if err := in.WriteContext(ctx, buf[:n]); err != nil {
				return err
			}
		}
		if errors.Is(rerr, io.EOF) {
			return in.Finish(ctx)
		}
		if rerr != nil {
			return rerr
		}
	}
}

// OpenInput opens an input stream to the stdin of process pid (started
// with Stdin; opts may be nil). ctx bounds the opening only.
func (c *Commands) OpenInput(ctx context.Context, pid uint32, opts *InputOptions) (*InputStream, error) {
	return openInput(ctx, c.sbx, pid, opts, false)
}

// StreamInput sends what r yields, as it comes, to the stdin of process pid
// through one input stream (the SDKs' stream_input), and returns once r is
// at its end and the sandbox has written it all (opts may be nil). The
// process's stdin stays open.
func (c *Commands) StreamInput(ctx context.Context, pid uint32, r io.Reader, opts *InputOptions) error {
	return streamInput(ctx, c.sbx, pid, r, opts, false)
}

// Streaming reports whether the input goes through one StreamInput call
// (false: one SendInput call per write; false after Finish or Close).
func (in *InputStream) Streaming() bool {
	var streaming bool
	_ = in.h.use(nil, func(p *C.e2b_input_stream) error {
		streaming = bool(C.e2b_input_stream_is_streaming(p))
		return nil
	})
	return streaming
}

// Write sends data; it implements io.Writer.
func (in *InputStream) Write(data []byte) (int, error) {
	if err := in.WriteContext(context.Background(), data); err != nil {
		return 0, err
	}
	return len(data), nil
}

// WriteContext sends data; ctx bounds a SendInput.
func (in *InputStream) WriteContext(ctx context.Context, data []byte) error {
	return in.h.call(ctx, nil, func(p *C.e2b_input_stream, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_input_stream_write(p, bytesPtr(data), C.size_t(len(data)), cancel, e)
	})
}

// Finish ends the stream and waits for the sandbox to have written
// everything. The process's stdin stays open. Close it afterwards.
func (in *InputStream) Finish(ctx context.Context) error {
	return in.h.call(ctx, nil, func(p *C.e2b_input_stream, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_input_stream_close(p, cancel, e)
	})
}

// Close releases the stream, ending it without waiting for the answer
// (after Finish, it only releases it).
func (in *InputStream) Close() error {
	in.h.close()
	runtime.SetFinalizer(in, nil)
	return nil
}
