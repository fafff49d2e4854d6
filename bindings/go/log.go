package e2b

// #include "e2b.h"
// void e2bGoLog(void *, e2b_log_level, const char *, const char *);
import "C"

import (
	"context"
	"log/slog"
	"sync/atomic"
)

// LevelTrace is the level of libe2b's most detailed records, below slog.LevelDebug.
const LevelTrace = slog.LevelDebug - 4

// logger receives the library's records; nil when none is set.
var logger atomic.Pointer[slog.Logger]

// SetLogger sends libe2b's log records to l, for the whole process: one
// Debug record per HTTP request (what was being done, method, URL, status,
// time, bytes) and one Info record per retry, each with the library module
// that logged it in a "target" attribute. No record holds the API key, an
// access token, a header value or a signed URL's signature.
//
// The library logs only at the levels l is enabled for when SetLogger is
// called: call it again after raising or lowering the handler's level. nil
// stops the records. Without SetLogger the library logs nothing, unless
// E2B_LOG (error, warn, info, debug or trace) asks it to write to stderr.
func SetLogger(l *slog.Logger) error {
	level := C.e2b_log_level(C.E2B_LOG_OFF)
	if l != nil {
		ctx := context.Background()
		for _, step := range []struct {
			c    C.e2b_log_level
			slog slog.Level
		}{
			{C.E2B_LOG_TRACE, LevelTrace},
			{C.E2B_LOG_DEBUG, slog.LevelDebug},
			{C.E2B_LOG_INFO, slog.LevelInfo},
			{C.E2B_LOG_WARN, slog.LevelWarn},
			{C.E2B_LOG_ERROR, slog.LevelError},
		} {
			if l.Enabled(ctx, step.slog) {
				level = step.c
				break
			}
		}
	}
	logger.Store(l)
	var callback C.e2b_log_cb
	if level != C.E2B_LOG_OFF {
		callback = C.e2b_log_cb(C.e2bGoLog)
	}
	var cerr *C.e2b_error
	return newError(C.e2b_set_log_callback(C.int32_t(level), callback, nil, &cerr), cerr)
}

// slogLevel is the slog level of a library level.
func slogLevel(level C.e2b_log_level) slog.Level {
	switch level {
	case C.E2B_LOG_ERROR:
		return slog.LevelError
	case C.E2B_LOG_WARN:
		return slog.LevelWarn
	case C.E2B_LOG_INFO:
		return slog.LevelInfo
	case C.E2B_LOG_DEBUG:
		return slog.LevelDebug
	default:
		return LevelTrace
	}
}
