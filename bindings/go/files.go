package e2b

// #include <stdlib.h>
// #include "e2b.h"
import "C"

import (
	"context"
	"errors"
	"io"
	"runtime"
	"sync"
	"time"
	"unsafe"
)

// Files is a sandbox's filesystem. Paths are absolute or relative to the
// user's home. File contents are bytes, never transcoded.
type Files struct {
	sbx      *Sandbox
	user     string
	gzip     bool
	metadata map[string]string
}

// AsUser is f acting as user (e.g. "root"): files are written with that owner
// and relative paths start at that user's home.
func (f *Files) AsUser(user string) *Files {
	g := *f
	g.user = user
	return &g
}

// WithGzip is f compressing transfers with gzip on the wire, or not.
func (f *Files) WithGzip(gzip bool) *Files {
	g := *f
	g.gzip = gzip
	return &g
}

// WithMetadata is f giving the files it writes (Write, WriteFrom,
// WriteFiles, UploadFile, UploadDir) the user metadata metadata, which envd
// keeps as extended attributes and reports, keys lowercased, in
// EntryInfo.Metadata. Each write replaces all of a file's metadata; a write
// without any clears it. Keys must be HTTP tokens and values printable
// ASCII, else the writes fail with ErrInvalidArgument before sending
// anything. The map is copied.
func (f *Files) WithMetadata(metadata map[string]string) *Files {
	g := *f
	g.metadata = make(map[string]string, len(metadata))
	for k, v := range metadata {
		g.metadata[k] = v
	}
	return &g
}

// options are f's options for one call; NULL for the defaults.
func (f *Files) options(a *args) *C.e2b_files_options {
	return f.watchOptions(a, false)
}

// watchOptions are f's options for one call, allowing network mounts to be
// watched if allowNetworkMounts; NULL for the defaults.
func (f *Files) watchOptions(a *args, allowNetworkMounts bool) *C.e2b_files_options {
	if f.user == "" && !f.gzip && len(f.metadata) == 0 && !allowNetworkMounts {
		return nil
	}
	p := C.e2b_files_options_new()
	a.onFree(func() { C.e2b_files_options_free(p) })
	if f.user != "" {
		user := a.str(f.user)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_files_options_set_user(p, user, e) })
	}
	if f.gzip {
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_files_options_set_gzip(p, true, e) })
	}
	for key, value := range f.metadata {
		k, v := a.str(key), a.str(value)
		a.set(func(e **C.e2b_error) C.e2b_error_code { return C.e2b_files_options_set_metadata(p, k, v, e) })
	}
	if allowNetworkMounts {
		a.set(func(e **C.e2b_error) C.e2b_error_code {
			return C.e2b_files_options_set_allow_network_mounts(p, true, e)
		})
	}
	return p
}

// Read reads the whole file at path.
func (f *Files) Read(ctx context.Context, path string) ([]byte, error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	var out C.e2b_bytes
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_read(s, cpath, opts, &out, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	return takeBytes(&out), nil
}

// ReadTo streams the file at path into w, in constant memory, and returns the
// number of bytes. An error from w stops the transfer and is wrapped in the
// error returned.
func (f *Files) ReadTo(ctx context.Context, path string, w io.Writer) (int64, error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	cb := &callbacks{onData: func(b []byte) error { _, err := w.Write(b); return err }}
	ud := cb.start()
	var size C.uint64_t
	err := cb.finish(f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_read_stream(s, cpath, opts, dataFn, nil, ud, &size, cancel, e)
	}))
	return int64(size), err
}

// Open opens the file at path for reading as a stream. ctx bounds the open
// and every Read of the FileReader, as a request's context bounds the reading
// of its response body: once it is done, a Read fails with ErrCancelled.
func (f *Files) Open(ctx context.Context, path string) (*FileReader, error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	var p *C.e2b_file_reader
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_open_read(s, cpath, opts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	r := &FileReader{
		h:   handle[*C.e2b_file_reader]{ptr: p, free: func(p *C.e2b_file_reader) { C.e2b_file_reader_free(p) }},
		ctx: ctx,
	}
	runtime.SetFinalizer(r, (*FileReader).Close)
	return r, nil
}

// Write writes data to the file at path, replacing it if it exists and
// creating missing parent directories.
func (f *Files) Write(ctx context.Context, path string, data []byte) error {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	return f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_write(s, cpath, bytesPtr(data), C.size_t(len(data)), opts, cancel, e)
	})
}

// WriteFrom streams r into the file at path, in constant memory, creating
// missing parent directories. size is the number of bytes r will supply, or
// -1 if unknown (other negative sizes are ErrInvalidArgument); if r supplies
// fewer or more, the call fails at once with ErrIO. An error from r stops
// the transfer and is wrapped in the error returned.
func (f *Files) WriteFrom(ctx context.Context, path string, r io.Reader, size int64) error {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	cb := &callbacks{reader: r}
	ud := cb.start()
	return cb.finish(f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_write_stream(s, cpath, C.int64_t(size), opts, readFn, nil, ud, cancel, e)
	}))
}

// WriteEntry is one file for WriteFiles.
type WriteEntry struct {
	Path string
	Data []byte
}

// WriteFiles writes several files in one request, creating missing parent
// directories.
func (f *Files) WriteFiles(ctx context.Context, files []WriteEntry) error {
	var a args
	defer a.free()
	opts := f.options(&a)
	// The entries point at the Go data, which must stay put while C reads it.
	var pinner runtime.Pinner
	defer pinner.Unpin()
	entries := make([]C.e2b_write_entry, len(files))
	for i, file := range files {
		entries[i].path = a.str(file.Path)
		if len(file.Data) > 0 {
			pinner.Pin(&file.Data[0])
			entries[i].data = bytesPtr(file.Data)
			entries[i].len = C.size_t(len(file.Data))
		}
	}
	var first *C.e2b_write_entry
	if len(entries) > 0 {
		first = &entries[0]
	}
	return f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_write_files(s, first, C.size_t(len(entries)), opts, cancel, e)
	})
}

// UploadFile uploads the local file localPath to path, streaming; progress
// (may be nil) is told how it goes.
func (f *Files) UploadFile(ctx context.Context, localPath, path string, progress ProgressFunc) error {
	var a args
	defer a.free()
	clocal, cpath, opts := a.str(localPath), a.str(path), f.options(&a)
	cb := &callbacks{progress: progress}
	ud := cb.start()
	return cb.finish(f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_upload_file(s, clocal, cpath, opts, cb.progressFn(), ud, cancel, e)
	}))
}

// DownloadFile downloads the file at path to the local file localPath,
// streaming; the local file appears only once complete. progress may be nil.
func (f *Files) DownloadFile(ctx context.Context, path, localPath string, progress ProgressFunc) error {
	var a args
	defer a.free()
	cpath, clocal, opts := a.str(path), a.str(localPath), f.options(&a)
	cb := &callbacks{progress: progress}
	ud := cb.start()
	return cb.finish(f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_download_file(s, cpath, clocal, opts, cb.progressFn(), ud, cancel, e)
	}))
}

// UploadDir uploads the local directory tree localDir to path (regular files
// and directories; symbolic links are skipped) and returns the number of
// files. progress (may be nil) names the file in flight and counts the bytes
// of the whole tree.
func (f *Files) UploadDir(ctx context.Context, localDir, path string, progress DirProgressFunc) (int, error) {
	var a args
	defer a.free()
	clocal, cpath, opts := a.str(localDir), a.str(path), f.options(&a)
	cb := &callbacks{dirProgress: progress}
	ud := cb.start()
	var count C.size_t
	err := cb.finish(f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_upload_dir(s, clocal, cpath, opts, cb.dirProgressFn(), ud, &count, cancel, e)
	}))
	return int(count), err
}

// DownloadDir downloads the directory tree at path into the local directory
// localDir (created if missing) and returns the number of files. Symbolic
// links are skipped wherever they point and never followed (the sandbox
// reports only where a link resolves, so it cannot be recreated, and its
// target may lie outside the tree). progress (may be nil) names the file in
// flight and counts the bytes of the whole tree.
func (f *Files) DownloadDir(ctx context.Context, path, localDir string, progress DirProgressFunc) (int, error) {
	var a args
	defer a.free()
	cpath, clocal, opts := a.str(path), a.str(localDir), f.options(&a)
	cb := &callbacks{dirProgress: progress}
	ud := cb.start()
	var count C.size_t
	err := cb.finish(f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_download_dir(s, cpath, clocal, opts, cb.dirProgressFn(), ud, &count, cancel, e)
	}))
	return int(count), err
}

// DownloadURL is a URL from which any program can download the file at path,
// signed with the sandbox's access token and valid for expires, rounded up to
// whole seconds (0 or NoTimeout: until the sandbox ends). It is made locally,
// without I/O: ctx only fails it if already done.
func (f *Files) DownloadURL(ctx context.Context, path string, expires time.Duration) (string, error) {
	return f.signedURL(ctx, path, expires, func(s *C.e2b_sandbox, p *C.char, x C.uint64_t, o *C.e2b_files_options, out *C.e2b_bytes, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_download_url(s, p, x, o, out, cancel, e)
	})
}

// UploadURL is a URL to which any program can upload the file path with a
// multipart POST (field "file"), signed like DownloadURL.
func (f *Files) UploadURL(ctx context.Context, path string, expires time.Duration) (string, error) {
	return f.signedURL(ctx, path, expires, func(s *C.e2b_sandbox, p *C.char, x C.uint64_t, o *C.e2b_files_options, out *C.e2b_bytes, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_upload_url(s, p, x, o, out, cancel, e)
	})
}

func (f *Files) signedURL(ctx context.Context, path string, expires time.Duration,
	sign func(*C.e2b_sandbox, *C.char, C.uint64_t, *C.e2b_files_options, *C.e2b_bytes, *C.e2b_cancel, **C.e2b_error) C.e2b_error_code,
) (string, error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	var out C.e2b_bytes
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return sign(s, cpath, millis(expires), opts, &out, cancel, e)
	})
	if err != nil {
		return "", err
	}
	return string(takeBytes(&out)), nil
}

// List lists the directory at path and its subdirectories down to depth
// levels (1: the directory only).
func (f *Files) List(ctx context.Context, path string, depth int) ([]EntryInfo, error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	var list *C.e2b_entry_list
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_list(s, cpath, C.uint32_t(max(depth, 0)), opts, &list, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_entry_list_free(list)
	var n C.size_t
	items := C.e2b_entry_list_fields(list, &n)
	entries := make([]EntryInfo, n)
	for i, fields := range unsafe.Slice(items, len(entries)) {
		entries[i] = entryFields(fields)
	}
	return entries, nil
}

// Exists tells whether anything exists at path.
func (f *Files) Exists(ctx context.Context, path string) (bool, error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	var exists C.bool
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_exists(s, cpath, opts, &exists, cancel, e)
	})
	return bool(exists), err
}

// Info describes what is at path (a final symbolic link is not followed).
func (f *Files) Info(ctx context.Context, path string) (*EntryInfo, error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	var p *C.e2b_entry_info
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_get_info(s, cpath, opts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_entry_info_free(p)
	info := entryInfo(p)
	return &info, nil
}

// MakeDir creates the directory path and missing parents. created is false
// if it already existed, which is not an error.
func (f *Files) MakeDir(ctx context.Context, path string) (created bool, err error) {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	var c C.bool
	err = f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_make_dir(s, cpath, opts, &c, cancel, e)
	})
	return bool(c), err
}

// Remove removes the file or directory tree at path; nothing there is success.
func (f *Files) Remove(ctx context.Context, path string) error {
	var a args
	defer a.free()
	cpath, opts := a.str(path), f.options(&a)
	return f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_remove(s, cpath, opts, cancel, e)
	})
}

// Rename moves oldPath to newPath, creating missing parents, and describes
// the moved entry.
func (f *Files) Rename(ctx context.Context, oldPath, newPath string) (*EntryInfo, error) {
	var a args
	defer a.free()
	cold, cnew, opts := a.str(oldPath), a.str(newPath), f.options(&a)
	var p *C.e2b_entry_info
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_rename(s, cold, cnew, opts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_entry_info_free(p)
	info := entryInfo(p)
	return &info, nil
}

// WatchOptions say what a watch reports.
type WatchOptions struct {
	// Recursive watches subdirectories too.
	Recursive bool
	// IncludeEntry adds each changed entry's info to create, write and chmod events.
	IncludeEntry bool
	// AllowNetworkMounts lets a directory on a network or FUSE mount, whose
	// changes may go unreported, be watched; without it envd refuses one
	// with ErrInvalidArgument.
	AllowNetworkMounts bool
}

// WatchDir starts watching the directory path (opts may be nil); poll the
// Watch for events. ctx bounds the start only: each call on the Watch takes
// its own.
func (f *Files) WatchDir(ctx context.Context, path string, opts *WatchOptions) (*Watch, error) {
	if opts == nil {
		opts = &WatchOptions{}
	}
	var a args
	defer a.free()
	cpath, copts := a.str(path), f.watchOptions(&a, opts.AllowNetworkMounts)
	var p *C.e2b_watch
	err := f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_watch_dir(s, cpath, C.bool(opts.Recursive), C.bool(opts.IncludeEntry), copts, &p, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	w := &Watch{
		h:  handle[*C.e2b_watch]{ptr: p, free: func(p *C.e2b_watch) { C.e2b_watch_free(p) }},
		id: C.GoString(C.e2b_watch_id(p)),
	}
	runtime.SetFinalizer(w, (*Watch).Close)
	return w, nil
}

// WatchDirStream watches the directory path over one stream, calling onEvent
// for each event as it comes, until timeout passes (0 or NoTimeout: no limit) or onEvent
// returns an error. It returns nil at the timeout or when onEvent returns StopWatch;
// another error from onEvent is wrapped in the error returned.
func (f *Files) WatchDirStream(ctx context.Context, path string, opts *WatchOptions, timeout time.Duration, onEvent func(FilesystemEvent) error) error {
	if opts == nil {
		opts = &WatchOptions{}
	}
	var a args
	defer a.free()
	cpath, copts := a.str(path), f.watchOptions(&a, opts.AllowNetworkMounts)
	cb := &callbacks{onEvent: onEvent}
	ud := cb.start()
	err := cb.finish(f.sbx.h.call(ctx, &a, func(s *C.e2b_sandbox, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_files_watch_dir_stream(s, cpath, C.bool(opts.Recursive), C.bool(opts.IncludeEntry),
			millis(timeout), copts, fsEventFn, ud, cancel, e)
	}))
	if errors.Is(cb.err, StopWatch) {
		return nil
	}
	return err
}

// StopWatch, returned by a WatchDirStream callback, ends the watch without an
// error. It is never returned as an error.
var StopWatch = errors.New("e2b: stop watching")

// A FileReader reads a file as a stream (Files.Open). It is safe for
// concurrent use, though reads then take turns.
type FileReader struct {
	h   handle[*C.e2b_file_reader]
	ctx context.Context // Open's: an io.Reader's Read takes none of its own
	mu  sync.Mutex      // e2b_file_reader_read needs the reader to itself
}

// Read reads up to len(p) bytes; io.EOF at the end of the file. It ends as
// soon as the context given to Open is done.
func (r *FileReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	var n C.size_t
	err := r.h.call(r.ctx, nil, func(fr *C.e2b_file_reader, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_file_reader_read(fr, (*C.uint8_t)(unsafe.Pointer(&p[0])), C.size_t(len(p)), &n, cancel, e)
	})
	if err == nil && n == 0 {
		return 0, io.EOF
	}
	return int(n), err
}

// Close closes the transfer.
func (r *FileReader) Close() error {
	r.h.close()
	runtime.SetFinalizer(r, nil)
	return nil
}

// FileType is the kind of a filesystem entry.
type FileType int32

// EntryInfo describes a file, directory or link.
type EntryInfo struct {
	Name        string
	Path        string // absolute
	Type        FileType
	Size        int64
	Mode        uint32 // the Unix mode bits
	Permissions string // as ls -l shows them, e.g. "-rw-r--r--"
	Owner       string
	Group       string
	// ModifiedTime is the time of the last change; zero if unknown.
	ModifiedTime time.Time
	// SymlinkTarget is where a symbolic link (Type FileTypeSymlink, whatever
	// it points to) points, as the sandbox resolves it; "" for anything else.
	SymlinkTarget string
	Metadata      map[string]string
}

func entryInfo(p *C.e2b_entry_info) EntryInfo { return entryFields(C.e2b_entry_info_fields(p)) }

// entryFields is the entry f describes: every field read from one struct,
// with no call into C (a cgo call costs more than reading the struct).
func entryFields(f *C.e2b_entry_fields) EntryInfo {
	return EntryInfo{
		Name:          C.GoString(f.name),
		Path:          C.GoString(f.path),
		Type:          FileType(f.file_type),
		Size:          int64(f.size),
		Mode:          uint32(f.mode),
		Permissions:   C.GoString(f.permissions),
		Owner:         C.GoString(f.owner),
		Group:         C.GoString(f.group),
		ModifiedTime:  parseTime(f.modified_time),
		SymlinkTarget: C.GoString(f.symlink_target),
		Metadata:      metadata(f.metadata, f.metadata_len),
	}
}

// metadata is the n pairs at p (a _fields struct's metadata) as a map, never nil.
func metadata(p *C.e2b_pair, n C.size_t) map[string]string {
	m := make(map[string]string, n)
	for _, pair := range unsafe.Slice(p, n) {
		m[C.GoString(pair.key)] = C.GoString(pair.value)
	}
	return m
}

// EventType says what happened to a watched path.
type EventType int32

// FilesystemEvent is one change in a watched directory.
type FilesystemEvent struct {
	Type EventType
	// Name is the changed path, relative to the watched directory.
	Name string
	// Entry is the entry after the change, when the watch includes entries
	// (create, write, chmod); nil otherwise.
	Entry *EntryInfo
}

func fsEvent(p *C.e2b_fs_event) FilesystemEvent {
	event := FilesystemEvent{Type: EventType(C.e2b_fs_event_type(p)), Name: C.GoString(C.e2b_fs_event_name(p))}
	if entry := C.e2b_fs_event_entry(p); entry != nil {
		info := entryInfo(entry)
		event.Entry = &info
	}
	return event
}

// A Watch is a directory watch kept by the sandbox, polled for events. It is
// safe for concurrent use: Stop from one goroutine ends a NextEvents waiting
// in another. Close stops it.
type Watch struct {
	h  handle[*C.e2b_watch]
	id string
}

// ID is the watch's id.
func (w *Watch) ID() string { return w.id }

// NewEvents returns the events since the last call, oldest first (possibly none).
func (w *Watch) NewEvents(ctx context.Context) ([]FilesystemEvent, error) {
	return w.events(ctx, func(p *C.e2b_watch, out **C.e2b_fs_event_list, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_watch_get_new_events(p, out, cancel, e)
	})
}

// NextEvents waits up to timeout for at least one event and returns what came
// (possibly nothing); 0 asks once without waiting, NoTimeout waits until an
// event comes. If another goroutine stops the watch meanwhile, it returns
// promptly with no error.
func (w *Watch) NextEvents(ctx context.Context, timeout time.Duration) ([]FilesystemEvent, error) {
	return w.events(ctx, func(p *C.e2b_watch, out **C.e2b_fs_event_list, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_watch_next_events(p, millis(timeout), out, cancel, e)
	})
}

func (w *Watch) events(ctx context.Context, poll func(*C.e2b_watch, **C.e2b_fs_event_list, *C.e2b_cancel, **C.e2b_error) C.e2b_error_code) ([]FilesystemEvent, error) {
	var list *C.e2b_fs_event_list
	err := w.h.call(ctx, nil, func(p *C.e2b_watch, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return poll(p, &list, cancel, e)
	})
	if err != nil {
		return nil, err
	}
	defer C.e2b_fs_event_list_free(list)
	events := make([]FilesystemEvent, C.e2b_fs_event_list_len(list))
	for i := range events {
		events[i] = fsEvent(C.e2b_fs_event_list_get(list, C.size_t(i)))
	}
	return events, nil
}

// Stop stops the watch; polling it afterwards fails, and a NextEvents waiting
// in another goroutine returns promptly with no events and no error.
// Stopping twice is harmless.
func (w *Watch) Stop(ctx context.Context) error {
	return w.h.call(ctx, nil, func(p *C.e2b_watch, cancel *C.e2b_cancel, e **C.e2b_error) C.e2b_error_code {
		return C.e2b_watch_stop(p, cancel, e)
	})
}

// Close releases the watch at once, without waiting on the network: a watch
// not yet stopped is stopped in the background (a failure to is ignored).
func (w *Watch) Close() error {
	w.h.close()
	runtime.SetFinalizer(w, nil)
	return nil
}
