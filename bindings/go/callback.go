package e2b

// #include "e2b.h"
// int32_t e2bGoOutput(void *, e2b_stream, const uint8_t *, size_t);
// int32_t e2bGoData(void *, const uint8_t *, size_t);
// int32_t e2bGoProgress(void *, uint64_t, uint64_t);
// int32_t e2bGoDirProgress(void *, const struct e2b_dir_progress *);
// int64_t e2bGoRead(void *, uint8_t *, size_t);
// int32_t e2bGoFsEvent(void *, const struct e2b_fs_event *);
// int32_t e2bGoExecution(void *, e2b_execution_output, const struct e2b_execution *, size_t);
// int32_t e2bGoBuildLog(void *, const struct e2b_build_log_entry *);
import "C"

import (
	"errors"
	"io"
	"runtime/cgo"
	"unsafe"
)

// ProgressFunc is told how a transfer goes: done bytes of total (0 when
// unknown). Returning an error stops the transfer; the call then fails with
// an error that wraps it and matches ErrCallbackAborted.
type ProgressFunc func(done, total int64) error

// DirProgress is where a directory transfer (UploadDir, DownloadDir)
// stands, for a progress bar that names the file in flight.
type DirProgress struct {
	Path  string // the file in flight: its path in the sandbox
	Index int    // its place among the tree's files, from 0
	Count int    // how many files the tree has
	Done  int64  // bytes moved so far, of the whole tree
	Total int64  // bytes of the whole tree
}

// DirProgressFunc is called as each file of a directory transfer starts and
// as its bytes move. Returning an error stops the transfer; the call then
// fails with an error that wraps it and matches ErrCallbackAborted.
type DirProgressFunc func(DirProgress) error

// callbacks carries the Go callbacks of one C call to the exported
// trampolines, through a cgo.Handle passed as the call's user_data. A
// callback's error or panic stops the call; finish returns the error or
// raises the panic again once the call is back in Go.
type callbacks struct {
	handle   *cgo.Handle // allocated apart: cgo checks all of the allocation a pointer to C points into
	err      error
	panicked bool
	panicVal any

	onStdout, onStderr func([]byte) error // command output
	onPty              func([]byte) error // a terminal's output
	onData             func([]byte) error // a file being read
	progress           ProgressFunc
	dirProgress        DirProgressFunc
	reader             io.Reader // a file being written
	eof                bool
	onEvent            func(FilesystemEvent) error
	code               *RunCodeOptions
	onBuildLog         func(BuildLogEntry) error // a template build's log
}

// start registers cb and returns the user_data for the C call.
func (cb *callbacks) start() unsafe.Pointer {
	h := cgo.NewHandle(cb)
	cb.handle = &h
	return unsafe.Pointer(cb.handle)
}

// finish ends the call started by start, whose result was err.
func (cb *callbacks) finish(err error) error {
	cb.handle.Delete()
	if cb.panicked {
		panic(cb.panicVal)
	}
	if cb.err == nil {
		return err
	}
	var e *Error
	if errors.As(err, &e) {
		e.cause = cb.err
		return e
	}
	return cb.err
}

// run calls one Go callback for C: it reports 0 to go on, or 1 to stop when
// the callback fails or panics (or an earlier one did).
func (cb *callbacks) run(f func() error) (status C.int32_t) {
	if cb.err != nil || cb.panicked {
		return 1
	}
	defer func() {
		if r := recover(); r != nil {
			cb.panicked, cb.panicVal, status = true, r, 1
		}
	}()
	if err := f(); err != nil {
		cb.err = err
		return 1
	}
	return 0
}

func lookup(userData unsafe.Pointer) *callbacks {
	return (*(*cgo.Handle)(userData)).Value().(*callbacks)
}

// The C function pointers of the trampolines, or NULL when there is no callback.

func (cb *callbacks) outputFn() C.e2b_output_cb {
	if cb.onStdout == nil && cb.onStderr == nil && cb.onPty == nil {
		return nil
	}
	return C.e2b_output_cb(C.e2bGoOutput)
}

func (cb *callbacks) progressFn() C.e2b_progress_cb {
	if cb.progress == nil {
		return nil
	}
	return C.e2b_progress_cb(C.e2bGoProgress)
}

func (cb *callbacks) dirProgressFn() C.e2b_dir_progress_cb {
	if cb.dirProgress == nil {
		return nil
	}
	return C.e2b_dir_progress_cb(C.e2bGoDirProgress)
}

func (cb *callbacks) executionFn() C.e2b_execution_cb {
	if c := cb.code; c == nil || c.OnStdout == nil && c.OnStderr == nil && c.OnResult == nil && c.OnError == nil {
		return nil
	}
	return C.e2b_execution_cb(C.e2bGoExecution)
}

var (
	dataFn    = C.e2b_data_cb(C.e2bGoData)
	readFn    = C.e2b_read_cb(C.e2bGoRead)
	fsEventFn = C.e2b_fs_event_cb(C.e2bGoFsEvent)
)
