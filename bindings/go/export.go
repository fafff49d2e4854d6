package e2b

// The trampolines libe2b calls back, on the goroutine that made the call.
// This file's preamble only declares: //export copies it into two C files.

// #include "e2b.h"
import "C"

import (
	"context"
	"io"
	"unsafe"
)

//export e2bGoOutput
func e2bGoOutput(userData unsafe.Pointer, stream C.e2b_stream, data *C.uint8_t, n C.size_t) C.int32_t {
	cb := lookup(userData)
	return cb.run(func() error {
		f := cb.onStdout
		switch Stream(stream) {
		case Stderr:
			f = cb.onStderr
		case Pty:
			f = cb.onPty
		}
		if f == nil {
			return nil
		}
		return f(goBytes(data, n))
	})
}

//export e2bGoBuildLog
func e2bGoBuildLog(userData unsafe.Pointer, entry *C.e2b_build_log_entry) C.int32_t {
	cb := lookup(userData)
	return cb.run(func() error { return cb.onBuildLog(buildLogEntry(entry)) })
}

//export e2bGoData
func e2bGoData(userData unsafe.Pointer, data *C.uint8_t, n C.size_t) C.int32_t {
	cb := lookup(userData)
	return cb.run(func() error { return cb.onData(goBytes(data, n)) })
}

//export e2bGoProgress
func e2bGoProgress(userData unsafe.Pointer, done, total C.uint64_t) C.int32_t {
	cb := lookup(userData)
	return cb.run(func() error { return cb.progress(int64(done), int64(total)) })
}

//export e2bGoDirProgress
func e2bGoDirProgress(userData unsafe.Pointer, p *C.e2b_dir_progress) C.int32_t {
	cb := lookup(userData)
	return cb.run(func() error {
		return cb.dirProgress(DirProgress{
			Path:  C.GoString(p.path),
			Index: int(p.index),
			Count: int(p.count),
			Done:  int64(p.done),
			Total: int64(p.total),
		})
	})
}

//export e2bGoRead
func e2bGoRead(userData unsafe.Pointer, buffer *C.uint8_t, capacity C.size_t) C.int64_t {
	cb := lookup(userData)
	n := 0
	status := cb.run(func() error {
		if cb.eof || capacity == 0 {
			return nil
		}
		buf := unsafe.Slice((*byte)(unsafe.Pointer(buffer)), capacity)
		// As io.ReadAtLeast: a Reader may return 0 bytes and no error a few times.
		for range 100 {
			var err error
			n, err = cb.reader.Read(buf)
			if err == io.EOF {
				cb.eof = true
				return nil
			}
			if err != nil || n > 0 {
				return err
			}
		}
		return io.ErrNoProgress
	})
	if status != 0 {
		return -1
	}
	return C.int64_t(n)
}

//export e2bGoFsEvent
func e2bGoFsEvent(userData unsafe.Pointer, event *C.e2b_fs_event) C.int32_t {
	cb := lookup(userData)
	return cb.run(func() error { return cb.onEvent(fsEvent(event)) })
}

//export e2bGoExecution
func e2bGoExecution(userData unsafe.Pointer, output C.e2b_execution_output, execution *C.e2b_execution, index C.size_t) C.int32_t {
	cb := lookup(userData)
	return cb.run(func() error { return cb.code.forward(output, execution, index) })
}

//export e2bGoLog
func e2bGoLog(_ unsafe.Pointer, level C.e2b_log_level, target, message *C.char) {
	if l := logger.Load(); l != nil {
		l.Log(context.Background(), slogLevel(level), C.GoString(message), "target", C.GoString(target))
	}
}
