package e2b

// #include "e2b.h"
import "C"

import (
	"errors"
	"time"
)

// ErrorCode is the kind of an *Error. Each code is itself an error value, so
// that errors.Is(err, e2b.ErrNotFound) tells what went wrong. The codes
// (ErrNullArgument, ErrNotFound, ...) are those of include/e2b.h, in
// enums_generated.go; the library adds new ones, never renumbers.
type ErrorCode int32

// ErrClosed is returned by a method called on a handle after its Close.
var ErrClosed = errors.New("e2b: use of a closed handle")

// String is the code's name in the C ABI, e.g. "E2B_ERR_NOT_FOUND".
func (c ErrorCode) String() string {
	return C.GoString(C.e2b_error_code_name(C.int32_t(c)))
}

// Error makes the code an error value for errors.Is.
func (c ErrorCode) Error() string {
	return "e2b: " + c.String()
}

// Error is a failure reported by libe2b.
type Error struct {
	// Code says what kind of failure it was.
	Code ErrorCode
	// Message says what was being done and what went wrong.
	Message string
	// HTTPStatus is the status of the response behind the error, 0 if none.
	HTTPStatus int
	// RetryAfter is how long the server asked to wait before trying again
	// (its Retry-After header, as on HTTP 429 or 503); 0 if it did not say.
	RetryAfter time.Duration
	// CallbackValue is the non-zero value a callback returned to stop the
	// call (the code is then ErrCallbackAborted); 0 otherwise. The package's
	// callbacks return 1 when a Go callback fails or panics: the Go error
	// itself is wrapped (see Unwrap).
	CallbackValue int32
	// cause is what ended the call besides the library: the error a Go
	// callback returned, or the context's error for ErrCancelled.
	cause error
}

// Error is the message, with the callback's or the context's error when
// there was one.
func (e *Error) Error() string {
	if e.cause != nil {
		return "e2b: " + e.Message + ": " + e.cause.Error()
	}
	return "e2b: " + e.Message
}

// Is reports whether target is e's Code, so errors.Is(err, e2b.ErrTimeout) works.
func (e *Error) Is(target error) bool {
	code, ok := target.(ErrorCode)
	return ok && code == e.Code
}

// Unwrap gives the error of the callback that stopped the call, or for
// ErrCancelled the context's error (context.Canceled or
// context.DeadlineExceeded); nil if none.
func (e *Error) Unwrap() error {
	return e.cause
}

// newError takes over the C error of a failed call; nil when code is E2B_OK.
func newError(code C.e2b_error_code, cerr *C.e2b_error) error {
	if code == C.E2B_OK {
		return nil
	}
	defer C.e2b_error_free(cerr)
	return &Error{
		Code:          ErrorCode(code),
		Message:       C.GoString(C.e2b_error_message(cerr)),
		HTTPStatus:    int(C.e2b_error_http_status(cerr)),
		RetryAfter:    time.Duration(C.e2b_error_retry_after_ms(cerr)) * time.Millisecond,
		CallbackValue: int32(C.e2b_error_callback_value(cerr)),
	}
}
