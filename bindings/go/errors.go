package e2b

// #include "e2b.h"
import "C"

import "errors"

// ErrorCode is the kind of an *Error. Each code is itself an error value, so
// that errors.Is(err, e2b.ErrNotFound) tells what went wrong.
type ErrorCode int32

// The codes of the C ABI; the library adds new ones, never renumbers.
const (
	// ErrNullArgument: a required argument was missing.
	ErrNullArgument ErrorCode = C.E2B_ERR_NULL_ARGUMENT
	// ErrInvalidArgument: an argument was rejected, by the library or by the server (HTTP 400).
	ErrInvalidArgument ErrorCode = C.E2B_ERR_INVALID_ARGUMENT
	// ErrInvalidUTF8: a string argument was not valid UTF-8.
	ErrInvalidUTF8 ErrorCode = C.E2B_ERR_INVALID_UTF8
	// ErrPanic: the library hit a bug and caught it; the message says where.
	ErrPanic ErrorCode = C.E2B_ERR_PANIC
	// ErrCallbackAborted: a callback returned an error, which stopped the operation.
	ErrCallbackAborted ErrorCode = C.E2B_ERR_CALLBACK_ABORTED
	// ErrTimeout: a deadline passed.
	ErrTimeout ErrorCode = C.E2B_ERR_TIMEOUT
	// ErrNetwork: the connection failed or dropped.
	ErrNetwork ErrorCode = C.E2B_ERR_NETWORK
	// ErrTLS: TLS failed.
	ErrTLS ErrorCode = C.E2B_ERR_TLS
	// ErrAuthentication: a missing or wrong API key or access token (HTTP 401).
	ErrAuthentication ErrorCode = C.E2B_ERR_AUTHENTICATION
	// ErrPermissionDenied: not allowed (HTTP 403).
	ErrPermissionDenied ErrorCode = C.E2B_ERR_PERMISSION_DENIED
	// ErrNotFound: a file, directory, process, template or code context does not exist.
	ErrNotFound ErrorCode = C.E2B_ERR_NOT_FOUND
	// ErrSandboxNotFound: the sandbox does not exist (killed, expired, or never created).
	ErrSandboxNotFound ErrorCode = C.E2B_ERR_SANDBOX_NOT_FOUND
	// ErrSandboxGone: the sandbox stopped answering while in use (killed, paused or expired).
	ErrSandboxGone ErrorCode = C.E2B_ERR_SANDBOX_GONE
	// ErrConflict: already exists, or in a conflicting state (HTTP 409).
	ErrConflict ErrorCode = C.E2B_ERR_CONFLICT
	// ErrRateLimited: too many requests (HTTP 429).
	ErrRateLimited ErrorCode = C.E2B_ERR_RATE_LIMITED
	// ErrNotEnoughSpace: the sandbox's disk is full (HTTP 507).
	ErrNotEnoughSpace ErrorCode = C.E2B_ERR_NOT_ENOUGH_SPACE
	// ErrAPI: another error status; see Error.HTTPStatus.
	ErrAPI ErrorCode = C.E2B_ERR_API
	// ErrDecode: the server's answer could not be understood.
	ErrDecode ErrorCode = C.E2B_ERR_DECODE
	// ErrIO: a local file could not be read or written.
	ErrIO ErrorCode = C.E2B_ERR_IO
	// ErrCommandExit: a command exited with a non-zero code (from CommandResult.Err).
	ErrCommandExit ErrorCode = C.E2B_ERR_COMMAND_EXIT
	// ErrCancelled: the call was cancelled through its cancel token.
	ErrCancelled ErrorCode = C.E2B_ERR_CANCELLED
)

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
	// cause is the error a Go callback returned, when that stopped the call.
	cause error
}

// Error is the message, with the callback's error when there was one.
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

// Unwrap gives the error of the callback that stopped the call, if any.
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
		Code:       ErrorCode(code),
		Message:    C.GoString(C.e2b_error_message(cerr)),
		HTTPStatus: int(C.e2b_error_http_status(cerr)),
	}
}
