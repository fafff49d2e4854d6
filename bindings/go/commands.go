package e2b

// #include "e2b.h"
import "C"

import (
	"context"
	"runtime"
	"time"
)

// Stream says which output a chunk came from.
type Stream int32

// Commands runs and manages processes in a sandbox.
type Commands struct {
	sbx *Sandbox
}

// CommandOptions say how to run a command. The zero value means the user's
// home as the working directory, the default user, a 60-second lifetime and
// no stdin.
type CommandOptions struct {
	// Env holds environment variables added for the command.
	Env map[string]string
	// Cwd is the working directory.
	Cwd string
	// User runs the command as this user (e.g. "root").
	User string
	// Timeout is how long the process may live before it is killed
	// (default 60 seconds; NoTimeout for no limit).
	Timeout time.Duration
	// Stdin keeps the process's stdin open for SendStdin.
	Stdin bool
	// DiscardOutput leaves the output out of the CommandResult (the SDKs'
	// retain_output=False): it goes to the callbacks and NextOutput only.
	DiscardOutput bool
	// OnStdout and OnStderr receive output as it arrives, as bytes (not
	// necessarily whole lines or valid UTF-8), during Run, or during Wait
	// for a started command. An error they return kills the command; the
	// call then fails with an error that wraps it and matches
	// ErrCallbackAborted.
	OnStdout, OnStderr func(data []byte) error
}

func (o *CommandOptions) build(a *args) *C.e2b_command_options {
	if o == nil {
		return nil
	}
	p := C.e2b_command_options_new()
	a.onFree(func() { C.e2b_command_options_free(p) })
	for name, value := range o.Env {
		n, v := a.str(name), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_command_options_set_env(p, n, v, e) })
	}
	if o.Cwd != "" {
		s := a.str(o.Cwd)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_command_options_set_cwd(p, s, e) })
	}
	if o.User != "" {
		s := a.str(o.User)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_command_options_set_user(p, s, e) })
	}
	setTimeout(a, o.Timeout, func(ms C.uint64_t, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_command_options_set_timeout_ms(p, ms, e)
	})
	if o.Stdin {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_command_options_set_stdin(p, true, e) })
	}
	if o.DiscardOutput {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_command_options_set_retain_output(p, false, e) })
	}
	return p
}

// Run runs cmd with bash -l -c and waits for it to end (opts may be nil). A
// non-zero exit code is a result, not an error (see CommandResult.Err). When
// ctx ends the call, the command is killed (best effort) rather than left
// running.
func (c *Commands) Run(ctx context.Context, cmd string, opts *CommandOptions) (*CommandResult, error) {
	var a args
	defer a.free()
	ccmd, copts := a.str(cmd), opts.build(&a)
	cb := &callbacks{}
	if opts != nil {
		cb.onStdout, cb.onStderr = opts.OnStdout, opts.OnStderr
	}
	ud := cb.start()
	var out *C.e2b_command_result
	err := cb.finish(c.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_commands_run(s, ccmd, copts, cb.outputFn(), ud, &out, cancel, e)
	}))
	if err != nil {
		return nil, err
	}
	return commandResult(out), nil
}

// Start starts cmd with bash -l -c in the background and returns at once
// (opts may be nil). ctx bounds the start only: each call on the Command
// takes its own. Closing the Command leaves the process running.
func (c *Commands) Start(ctx context.Context, cmd string, opts *CommandOptions) (*Command, error) {
	var a args
	defer a.free()
	ccmd, copts := a.str(cmd), opts.build(&a)
	var p *C.e2b_command
	err := c.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_commands_start(s, ccmd, copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	if opts == nil {
		return newCommand(p, nil, nil), nil
	}
	return newCommand(p, opts.OnStdout, opts.OnStderr), nil
}

// ConnectOptions say how to follow a process attached with Connect.
type ConnectOptions struct {
	// Timeout is how long to follow the process (0: no limit; the SDKs use
	// 60 seconds). When it passes, Wait fails with ErrTimeout; the process
	// goes on running.
	Timeout time.Duration
	// DiscardOutput leaves the output out of the CommandResult.
	DiscardOutput bool
	// OnStdout and OnStderr receive output during Wait, as in CommandOptions.
	OnStdout, OnStderr func(data []byte) error
	// OnPty receives a terminal's output during Wait (Terminals.Connect).
	OnPty func(data []byte) error
}

// Connect attaches to the running process pid to follow its output from now
// on (opts may be nil). ctx bounds the attaching only, as in Start.
func (c *Commands) Connect(ctx context.Context, pid uint32, opts *ConnectOptions) (*Command, error) {
	var a args
	defer a.free()
	copts := opts.build(&a)
	var p *C.e2b_command
	err := c.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		if copts == nil {
			return C.e2b_commands_connect(s, C.uint32_t(pid), &p, cancel, e)
		}
		return C.e2b_commands_connect_with(s, C.uint32_t(pid), copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return opts.command(p), nil
}

// List lists the processes running in the sandbox.
func (c *Commands) List(ctx context.Context) ([]ProcessInfo, error) {
	var list *C.e2b_process_list
	err := c.sbx.h.call(ctx, nil, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_commands_list(s, &list, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_process_list_free(list)
	procs := make([]ProcessInfo, C.e2b_process_list_len(list))
	for i := range procs {
		procs[i] = processInfo(C.e2b_process_list_get(list, C.size_t(i)))
	}
	return procs, nil
}

// Kill kills the process pid. killed is false if there was no such process.
func (c *Commands) Kill(ctx context.Context, pid uint32) (killed bool, err error) {
	var k C.bool
	err = c.sbx.h.call(ctx, nil, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_commands_kill(s, C.uint32_t(pid), &k, cancel, e)
	})
	return bool(k), err
}

// SendStdin writes data to the stdin of process pid (started with Stdin).
func (c *Commands) SendStdin(ctx context.Context, pid uint32, data []byte) error {
	return c.sbx.h.call(ctx, nil, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_commands_send_stdin(s, C.uint32_t(pid), bytesPtr(data), C.size_t(len(data)), cancel, e)
	})
}

// CloseStdin closes the stdin of process pid.
func (c *Commands) CloseStdin(ctx context.Context, pid uint32) error {
	return c.sbx.h.call(ctx, nil, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_commands_close_stdin(s, C.uint32_t(pid), cancel, e)
	})
}

// A Command is a process started with Start or attached with Connect. It is
// safe for concurrent use. Close stops following it; the process goes on.
type Command struct {
	h                  handle[*C.e2b_command]
	pid                uint32
	onStdout, onStderr func([]byte) error
	onPty              func([]byte) error
}

func newCommand(p *C.e2b_command, onStdout, onStderr func([]byte) error) *Command {
	c := &Command{
		h:        handle[*C.e2b_command]{ptr: p, free: func(p *C.e2b_command) { C.e2b_command_free(p) }},
		pid:      uint32(C.e2b_command_pid(p)),
		onStdout: onStdout,
		onStderr: onStderr,
	}
	runtime.SetFinalizer(c, (*Command).Close)
	return c
}

// Pid is the process id.
func (c *Command) Pid() uint32 { return c.pid }

// Wait waits for the command to end, passing the output not yet taken to the
// OnStdout and OnStderr it was started with. When ctx ends the wait, the
// command is killed (best effort), as with Run.
func (c *Command) Wait(ctx context.Context) (*CommandResult, error) {
	cb := &callbacks{onStdout: c.onStdout, onStderr: c.onStderr, onPty: c.onPty}
	ud := cb.start()
	var out *C.e2b_command_result
	err := cb.finish(c.h.call(ctx, nil, func(p *C.e2b_command, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_command_wait(p, cb.outputFn(), ud, &out, cancel, e)
	}))
	if err != nil {
		return nil, err
	}
	return commandResult(out), nil
}

// CommandOutput is what NextOutput got: a chunk of output, the end, or
// nothing in time (Stream 0 and Result nil).
type CommandOutput struct {
	Stream Stream
	Data   []byte
	// Result is set once the command has ended; every later call returns it again.
	Result *CommandResult
}

// NextOutput waits up to timeout for the next chunk of output or the end (0:
// no wait; NoTimeout: until something comes); a pull form of Wait's
// callbacks. A cancelled NextOutput keeps the output not yet taken for the
// next one, and the command goes on running.
func (c *Command) NextOutput(ctx context.Context, timeout time.Duration) (CommandOutput, error) {
	var stream C.int32_t
	var data C.e2b_bytes
	var result *C.e2b_command_result
	err := c.h.call(ctx, nil, func(p *C.e2b_command, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_command_next_output(p, millis(timeout), &stream, &data, &result, cancel, e)
	})
	if err != nil {
		return CommandOutput{}, err
	}
	out := CommandOutput{Stream: Stream(stream)}
	if out.Stream != 0 {
		out.Data = takeBytes(&data)
	}
	if result != nil {
		out.Result = commandResult(result)
	}
	return out, nil
}

// SendStdin writes data to the command's stdin (started with Stdin), or to
// its terminal (Terminals.Create).
func (c *Command) SendStdin(ctx context.Context, data []byte) error {
	return c.h.call(ctx, nil, func(p *C.e2b_command, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_command_send_stdin(p, bytesPtr(data), C.size_t(len(data)), cancel, e)
	})
}

// CloseStdin closes the command's stdin, so it reads end-of-file.
func (c *Command) CloseStdin(ctx context.Context) error {
	return c.h.call(ctx, nil, func(p *C.e2b_command, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_command_close_stdin(p, cancel, e)
	})
}

// Kill kills the command. killed is false if it had already ended.
func (c *Command) Kill(ctx context.Context) (killed bool, err error) {
	var k C.bool
	err = c.h.call(ctx, nil, func(p *C.e2b_command, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_command_kill(p, &k, cancel, e)
	})
	return bool(k), err
}

// Close stops following the command and releases the handle; the process
// goes on running (attach again with Commands.Connect).
func (c *Command) Close() error {
	c.h.close()
	runtime.SetFinalizer(c, nil)
	return nil
}

// CommandResult is how a command ended.
type CommandResult struct {
	// ExitCode is the exit code; -1 when a signal ended the process.
	ExitCode int
	Stdout   []byte
	Stderr   []byte
	// Error is envd's description of an abnormal end (e.g. "exit status 1");
	// "" when the command succeeded.
	Error string
	err   error
}

// Err is nil if the command exited with 0, else an error matching
// ErrCommandExit with the exit code and the end of stderr in its message.
func (r *CommandResult) Err() error { return r.err }

// commandResult converts and frees a result.
func commandResult(p *C.e2b_command_result) *CommandResult {
	defer C.e2b_command_result_free(p)
	var stdoutLen, stderrLen C.size_t
	stdout := C.e2b_command_result_stdout(p, &stdoutLen)
	stderr := C.e2b_command_result_stderr(p, &stderrLen)
	return &CommandResult{
		ExitCode: int(C.e2b_command_result_exit_code(p)),
		Stdout:   goBytes(stdout, stdoutLen),
		Stderr:   goBytes(stderr, stderrLen),
		Error:    C.GoString(C.e2b_command_result_error(p)),
		err:      check(nil, func(e **C.e2b_error) C.e2b_error_code { return C.e2b_command_result_check(p, e) }),
	}
}

// ProcessInfo describes a process running in a sandbox.
type ProcessInfo struct {
	Pid  uint32
	Cmd  string // the program run, e.g. "/bin/bash"
	Args []string
	Envs map[string]string // the environment variables given at start
	Cwd  string            // "" when not set
	Tag  string            // "" when there is none
}

func processInfo(p *C.e2b_process_info) ProcessInfo {
	info := ProcessInfo{
		Pid:  uint32(C.e2b_process_info_pid(p)),
		Cmd:  C.GoString(C.e2b_process_info_cmd(p)),
		Args: make([]string, C.e2b_process_info_args_len(p)),
		Cwd:  C.GoString(C.e2b_process_info_cwd(p)),
		Tag:  C.GoString(C.e2b_process_info_tag(p)),
	}
	for i := range info.Args {
		info.Args[i] = C.GoString(C.e2b_process_info_args_get(p, C.size_t(i)))
	}
	info.Envs = make(map[string]string, C.e2b_process_info_envs_len(p))
	for i := C.size_t(0); i < C.e2b_process_info_envs_len(p); i++ {
		info.Envs[C.GoString(C.e2b_process_info_envs_key(p, i))] = C.GoString(C.e2b_process_info_envs_value(p, i))
	}
	return info
}
