// Package e2b is a client for E2B cloud sandboxes: the Go binding of libe2b,
// whose Rust library does all the work behind a C ABI. Build the library
// before the package (cargo build --release -p libe2b); the package links it
// statically, or with the build tag e2b_dynamic the shared library that
// pkg-config finds (see README.md).
//
// Every call that may wait takes a context.Context first and ends as soon as
// the context is cancelled or its deadline passes, with an *Error of code
// ErrCancelled for which errors.Is(err, context.Canceled) (or
// context.DeadlineExceeded) holds. Calls also carry the library's own
// limits (ClientOptions.RequestTimeout, the Timeout of each options struct).
//
// Every handle (Client, Sandbox, Command, Watch, FileReader) may be used from
// any number of goroutines and has a Close method, which never waits on the
// network; a finalizer closes a forgotten one, closing twice is harmless, and
// a call after Close returns ErrClosed. Closing a Sandbox releases only the
// handle: the sandbox lives on until Kill or its timeout.
package e2b

//go:generate go run gen.go

// #include <stdlib.h>
// #include "e2b.h"
import "C"

import (
	"context"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unsafe"
)

func init() {
	if got := C.e2b_abi_version(); got != C.E2B_ABI_VERSION {
		panic(fmt.Sprintf("e2b: libe2b %s implements ABI %d but this package was built for ABI %d (header %s): rebuild libe2b or update the package",
			Version(), got, C.E2B_ABI_VERSION, C.E2B_VERSION))
	}
}

// Version is the version of the libe2b linked in, e.g. "0.1.0".
func Version() string {
	return C.GoString(C.e2b_version())
}

// NoTimeout, as a duration argument or option, lifts the limit altogether
// where one can be lifted (request timeouts, command and code timeouts,
// waits, call deadlines); where one cannot (a sandbox's lifetime) it fails
// with ErrInvalidArgument. 0 always means the documented default.
const NoTimeout time.Duration = -1

// handle guards a pointer to a C object. Calls share it; Close marks it
// closed at once and the object is freed when the last call in flight ends,
// so a Close racing with calls never frees memory in use.
type handle[P comparable] struct {
	mu      sync.Mutex
	ptr     P
	free    func(P)
	users   int
	closing bool
}

func (h *handle[P]) acquire() (P, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	var null P
	if h.ptr == null || h.closing {
		return null, ErrClosed
	}
	h.users++
	return h.ptr, nil
}

func (h *handle[P]) release() {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.users--
	if h.users == 0 && h.closing {
		h.free(h.ptr)
		h.ptr = *new(P)
	}
}

// close frees the object, or leaves that to the last call in flight.
func (h *handle[P]) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closing {
		return
	}
	h.closing = true
	if h.users == 0 {
		h.free(h.ptr)
		h.ptr = *new(P)
	}
}

// use runs f on the object: it fails early with a bad argument in a or
// ErrClosed, and keeps the object alive until f returns.
func (h *handle[P]) use(a *args, f func(P) error) error {
	if a != nil && a.err != nil {
		return a.err
	}
	ptr, err := h.acquire()
	if err != nil {
		return err
	}
	defer h.release()
	err = f(ptr)
	runtime.KeepAlive(h)
	return err
}

// call runs one blocking C call on the object, cancelled with ctx (see
// cancellable).
func (h *handle[P]) call(ctx context.Context, a *args, f func(P, *C.e2b_cancel, **C.e2b_error) C.e2b_error_code) error {
	return h.use(a, func(p P) error {
		return cancellable(ctx, func(cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code { return f(p, cancel, e) })
	})
}

// cancellable runs a blocking C call with a cancel token that ctx cancels
// (none when ctx can never be done). A call the token ended fails with an
// *Error of code ErrCancelled that wraps ctx.Err().
func cancellable(ctx context.Context, f func(*C.e2b_cancel, **C.e2b_error) C.e2b_error_code) error {
	if ctx == nil {
		return &Error{Code: ErrNullArgument, Message: "a nil context.Context (use context.Background())"}
	}
	var cerr *C.e2b_error
	if ctx.Done() == nil {
		return newError(f(nil, &cerr), cerr)
	}
	token := C.e2b_cancel_new()
	fired := make(chan struct{})
	stop := context.AfterFunc(ctx, func() {
		C.e2b_cancel_cancel(token)
		close(fired)
	})
	if ctx.Err() != nil {
		// Done already: fail at once rather than when AfterFunc's goroutine runs.
		C.e2b_cancel_cancel(token)
	}
	code := f(token, &cerr)
	if !stop() {
		<-fired // the AfterFunc is using the token: let it finish before the free
	}
	C.e2b_cancel_free(token)
	err := newError(code, cerr)
	if e, ok := err.(*Error); ok && e.Code == ErrCancelled {
		e.cause = ctx.Err()
	}
	return err
}

// check runs a C call that neither blocks nor is on a handle.
func check(a *args, f func(**C.e2b_error) C.e2b_error_code) error {
	if a != nil && a.err != nil {
		return a.err
	}
	var cerr *C.e2b_error
	return newError(f(&cerr), cerr)
}

// args holds what one C call borrows (C copies of strings, option objects)
// and the first error met while making them.
type args struct {
	frees []func()
	err   error
}

// str is s as a C string, freed with the args. A string holding NUL cannot
// cross into C: it fails the call with ErrInvalidArgument.
func (a *args) str(s string) *C.char {
	if strings.IndexByte(s, 0) >= 0 {
		a.fail(&Error{Code: ErrInvalidArgument, Message: fmt.Sprintf("%q holds a NUL byte", s)})
		return nil
	}
	p := C.CString(s)
	a.onFree(func() { C.free(unsafe.Pointer(p)) })
	return p
}

// optStr is str, or NULL (the library's default) for "".
func (a *args) optStr(s string) *C.char {
	if s == "" {
		return nil
	}
	return a.str(s)
}

// set runs an option setter unless an earlier one failed.
func (a *args) set(f func(**C.e2b_error) C.e2b_error_code) {
	if a.err == nil {
		a.err = check(nil, f)
	}
}

func (a *args) fail(err error) {
	if a.err == nil {
		a.err = err
	}
}

func (a *args) onFree(f func()) { a.frees = append(a.frees, f) }

func (a *args) free() {
	for i := len(a.frees) - 1; i >= 0; i-- {
		a.frees[i]()
	}
}

// bytesPtr is a pointer to b's data, NULL when b is empty.
func bytesPtr(b []byte) *C.uint8_t {
	if len(b) == 0 {
		return nil
	}
	return (*C.uint8_t)(unsafe.Pointer(&b[0]))
}

// goBytes copies n bytes of C memory into a new slice.
func goBytes(p *C.uint8_t, n C.size_t) []byte {
	out := make([]byte, n)
	if n > 0 {
		copy(out, unsafe.Slice((*byte)(unsafe.Pointer(p)), n))
	}
	return out
}

// takeBytes copies and disposes of bytes the library handed over.
func takeBytes(b *C.e2b_bytes) []byte {
	defer C.e2b_bytes_dispose(b)
	return goBytes(b.data, b.len)
}

// parseTime reads an RFC 3339 time from the library; the zero time for NULL.
func parseTime(s *C.char) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, C.GoString(s))
	return t
}

// millis is d for a C duration argument: 0 (the default) for 0,
// E2B_TIMEOUT_NONE for NoTimeout (any negative d), else whole milliseconds
// rounded up.
func millis(d time.Duration) C.uint64_t {
	switch {
	case d == 0:
		return 0
	case d < 0:
		return C.E2B_TIMEOUT_NONE
	}
	return C.uint64_t((d + time.Millisecond - 1) / time.Millisecond)
}

// setTimeout applies an options Timeout: 0 keeps the library's default.
func setTimeout(a *args, d time.Duration, set func(C.uint64_t, **C.e2b_error) C.e2b_error_code) {
	if d != 0 {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return set(millis(d), e) })
	}
}
