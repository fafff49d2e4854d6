//! Files: transfers, the filesystem service, signed URLs and watching.

use std::collections::BTreeMap;
use std::ffi::{c_char, c_void, CString};
use std::io::{self, Read, Write};
use std::ops::ControlFlow;
use std::path::Path;
use std::ptr;
use std::time::Duration;

use super::cancel::{cancel_arg, e2b_cancel};
use super::sandbox::{e2b_sandbox, sandbox_arg, sandbox_view};
use super::{
    arg_bytes, arg_mut, arg_ref, arg_str, boxed, c_ptr, c_string, e2b_bytes, e2b_error, e2b_error_code, e2b_pair,
    fields_array, free, guard, guard_value, limit_ms, out_ptr, pairs, pairs_ptr, set_opt, Stop,
};
use sdk::{
    DirProgress, EntryInfo, EventType, FileType, Files, FilesystemEvent, Sandbox, WatchHandle, WatchOptions, WriteEntry,
};

/// How file calls act: a builder. New options mean the sandbox's default
/// user, no compression, no metadata on written files and no watching of
/// network mounts. Every `e2b_files_*` function takes one (NULL means the
/// defaults).
pub struct e2b_files_options {
    user: Option<String>,
    gzip: bool,
    metadata: BTreeMap<String, String>,
    allow_network_mounts: bool,
}

/// The kind of a filesystem entry.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_file_type {
    /// Something else (a device, a socket, or a type newer than this library).
    E2B_FILE_TYPE_OTHER = 0,
    E2B_FILE_TYPE_FILE = 1,
    E2B_FILE_TYPE_DIR = 2,
    E2B_FILE_TYPE_SYMLINK = 3,
}

/// What happened to a watched path.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_event_type {
    /// A change of a kind newer than this library.
    E2B_EVENT_OTHER = 0,
    E2B_EVENT_CREATE = 1,
    E2B_EVENT_WRITE = 2,
    E2B_EVENT_REMOVE = 3,
    E2B_EVENT_RENAME = 4,
    E2B_EVENT_CHMOD = 5,
}

/// One file, directory or link. String getters return UTF-8 owned by the entry.
pub struct e2b_entry_info {
    inner: EntryInfo,
    name: CString,
    path: CString,
    permissions: CString,
    owner: CString,
    group: CString,
    modified_time: Option<CString>,
    symlink_target: Option<CString>,
    metadata: Vec<(CString, CString)>,
    /// `metadata` as `fields` points to it.
    pairs: Vec<e2b_pair>,
    /// Every field at once, pointing into the strings above.
    fields: e2b_entry_fields,
}

/// Every field of an entry as plain data, in one read: what the
/// `e2b_entry_info_*` getters return, from `e2b_entry_info_fields` or, for a
/// whole list, `e2b_entry_list_fields`. Owned by the entry (or list); the
/// strings are UTF-8, valid until it is freed.
///
/// The struct only ever grows, at its end. `struct_size` is its size in the
/// library that filled it: a program built against a newer header reads a
/// field only if `struct_size >= offsetof(e2b_entry_fields, field) +
/// sizeof(field)`; one built against an older header reads what it knows.
#[repr(C)]
pub struct e2b_entry_fields {
    /// The size of this struct in the library (see above).
    pub struct_size: usize,
    /// As `e2b_entry_info_name`.
    pub name: *const c_char,
    /// As `e2b_entry_info_path`.
    pub path: *const c_char,
    /// As `e2b_entry_info_type`.
    pub file_type: e2b_file_type,
    /// As `e2b_entry_info_mode`.
    pub mode: u32,
    /// As `e2b_entry_info_size`.
    pub size: u64,
    /// As `e2b_entry_info_permissions`.
    pub permissions: *const c_char,
    /// As `e2b_entry_info_owner`.
    pub owner: *const c_char,
    /// As `e2b_entry_info_group`.
    pub group: *const c_char,
    /// As `e2b_entry_info_modified_time` (NULL if unknown).
    pub modified_time: *const c_char,
    /// As `e2b_entry_info_symlink_target` (NULL if not a symlink).
    pub symlink_target: *const c_char,
    /// The metadata entries, sorted by key; NULL when there are none.
    pub metadata: *const e2b_pair,
    /// The number of metadata entries.
    pub metadata_len: usize,
}

/// The entries of `e2b_files_list`.
pub struct e2b_entry_list {
    items: Vec<e2b_entry_info>,
    /// Each item's `fields`, for `e2b_entry_list_fields`.
    fields: Vec<*const e2b_entry_fields>,
}

impl e2b_entry_list {
    fn new(entries: Vec<EntryInfo>) -> e2b_entry_list {
        let items: Vec<e2b_entry_info> = entries.into_iter().map(e2b_entry_info::new).collect();
        // The items stay where they are from now on: the vector is never changed.
        let fields = items.iter().map(|item| &item.fields as *const e2b_entry_fields).collect();
        e2b_entry_list { items, fields }
    }
}

/// One change in a watched directory.
pub struct e2b_fs_event {
    event_type: e2b_event_type,
    name: CString,
    entry: Option<e2b_entry_info>,
}

/// Events from `e2b_watch_get_new_events` or `e2b_watch_next_events`.
pub struct e2b_fs_event_list {
    items: Vec<e2b_fs_event>,
}

/// A directory watch kept by the sandbox, polled for events. Free it with
/// `e2b_watch_free`, which also stops it.
pub struct e2b_watch {
    inner: WatchHandle,
    id: CString,
}

/// A file being read as a stream (`e2b_files_open_read`).
pub struct e2b_file_reader {
    inner: sdk::FileReader,
}

/// One file for `e2b_files_write_files`: a path and `len` bytes at `data`
/// (`data` may be NULL when `len` is 0).
#[repr(C)]
pub struct e2b_write_entry {
    pub path: *const c_char,
    pub data: *const u8,
    pub len: usize,
}

/// Receives data: `len` bytes at `data`, borrowed for the call. Return 0 to
/// go on; anything else stops the operation with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_data_cb = Option<unsafe extern "C" fn(user_data: *mut c_void, data: *const u8, len: usize) -> i32>;

/// Supplies data: fill up to `capacity` bytes at `buffer` and return how many
/// were written, 0 at the end, or a negative number to stop the operation
/// with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_read_cb = Option<unsafe extern "C" fn(user_data: *mut c_void, buffer: *mut u8, capacity: usize) -> i64>;

/// Reports progress: `done` bytes of `total` (0 when unknown). Return 0 to
/// go on; anything else stops the transfer with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_progress_cb = Option<unsafe extern "C" fn(user_data: *mut c_void, done: u64, total: u64) -> i32>;

/// Where a directory transfer stands (`e2b_files_upload_dir`,
/// `e2b_files_download_dir`), for a progress bar that names the file in
/// flight. Made by the library and borrowed by the callback for the call;
/// later versions may add fields at the end.
#[repr(C)]
pub struct e2b_dir_progress {
    /// The file in flight: its path in the sandbox (UTF-8).
    pub path: *const c_char,
    /// Its place among the tree's files, from 0.
    pub index: usize,
    /// How many files the tree has.
    pub count: usize,
    /// Bytes moved so far, of the whole tree.
    pub done: u64,
    /// Bytes of the whole tree.
    pub total: u64,
}

/// Reports a directory transfer's progress: called as each file starts and
/// as its bytes move. Return 0 to go on; anything else stops the transfer
/// with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_dir_progress_cb =
    Option<unsafe extern "C" fn(user_data: *mut c_void, progress: *const e2b_dir_progress) -> i32>;

/// Receives one event, borrowed for the call. Return 0 to go on; anything
/// else ends the watch with E2B_ERR_CALLBACK_ABORTED.
pub type e2b_fs_event_cb = Option<unsafe extern "C" fn(user_data: *mut c_void, event: *const e2b_fs_event) -> i32>;

impl e2b_entry_info {
    fn new(entry: EntryInfo) -> e2b_entry_info {
        let metadata: Vec<_> = entry.metadata.iter().map(|(k, v)| (c_string(k), c_string(v))).collect();
        let mut info = e2b_entry_info {
            name: c_string(&entry.name),
            path: c_string(&entry.path),
            permissions: c_string(&entry.permissions),
            owner: c_string(&entry.owner),
            group: c_string(&entry.group),
            modified_time: entry.modified_time.as_deref().map(c_string),
            symlink_target: entry.symlink_target.as_deref().map(c_string),
            pairs: pairs(&metadata),
            metadata,
            fields: e2b_entry_fields {
                struct_size: size_of::<e2b_entry_fields>(),
                name: ptr::null(),
                path: ptr::null(),
                file_type: file_type(entry.file_type),
                mode: entry.mode,
                size: entry.size,
                permissions: ptr::null(),
                owner: ptr::null(),
                group: ptr::null(),
                modified_time: ptr::null(),
                symlink_target: ptr::null(),
                metadata: ptr::null(),
                metadata_len: 0,
            },
            inner: entry,
        };
        // The strings' bytes and the pairs stay put when `info` moves: they
        // are on the heap, and never changed.
        info.fields.name = info.name.as_ptr();
        info.fields.path = info.path.as_ptr();
        info.fields.permissions = info.permissions.as_ptr();
        info.fields.owner = info.owner.as_ptr();
        info.fields.group = info.group.as_ptr();
        info.fields.modified_time = c_ptr(info.modified_time.as_ref());
        info.fields.symlink_target = c_ptr(info.symlink_target.as_ref());
        info.fields.metadata = pairs_ptr(&info.pairs);
        info.fields.metadata_len = info.pairs.len();
        info
    }
}

fn event_type(event_type: EventType) -> e2b_event_type {
    match event_type {
        EventType::Create => e2b_event_type::E2B_EVENT_CREATE,
        EventType::Write => e2b_event_type::E2B_EVENT_WRITE,
        EventType::Remove => e2b_event_type::E2B_EVENT_REMOVE,
        EventType::Rename => e2b_event_type::E2B_EVENT_RENAME,
        EventType::Chmod => e2b_event_type::E2B_EVENT_CHMOD,
        _ => e2b_event_type::E2B_EVENT_OTHER,
    }
}

fn file_type(file_type: FileType) -> e2b_file_type {
    match file_type {
        FileType::File => e2b_file_type::E2B_FILE_TYPE_FILE,
        FileType::Dir => e2b_file_type::E2B_FILE_TYPE_DIR,
        FileType::Symlink => e2b_file_type::E2B_FILE_TYPE_SYMLINK,
        _ => e2b_file_type::E2B_FILE_TYPE_OTHER,
    }
}

impl e2b_fs_event {
    fn new(event: FilesystemEvent) -> e2b_fs_event {
        let event_type = event_type(event.event_type);
        e2b_fs_event { event_type, name: c_string(&event.name), entry: event.entry.map(e2b_entry_info::new) }
    }
}

/// The `Files` view `options` describe, for `sandbox`.
unsafe fn files<'a>(sandbox: &'a Sandbox, options: *const e2b_files_options) -> Files<'a> {
    let mut view = sandbox.files();
    if let Some(options) = options.as_ref() {
        view = view.gzip(options.gzip).with_metadata(&options.metadata);
        if let Some(user) = &options.user {
            view = view.as_user(user);
        }
    }
    view
}

/// The watch settings of the arguments and `options`.
unsafe fn watch_options(recursive: bool, include_entry: bool, options: *const e2b_files_options) -> WatchOptions {
    let allow_network_mounts = options.as_ref().is_some_and(|o| o.allow_network_mounts);
    WatchOptions::default().recursive(recursive).include_entry(include_entry).allow_network_mounts(allow_network_mounts)
}

/// A progress closure calling `callback`, if there is one.
pub(crate) fn progress_fn(
    callback: e2b_progress_cb,
    user_data: *mut c_void,
    stop: &Stop,
) -> Option<impl FnMut(u64, u64) -> ControlFlow<()> + '_> {
    callback.map(|callback| {
        move |done, total| {
            // SAFETY: the caller vouches for the callback and its user data.
            stop.check(unsafe { callback(user_data, done, total) })
        }
    })
}

/// A directory progress closure calling `callback`, if there is one.
fn dir_progress_fn(
    callback: e2b_dir_progress_cb,
    user_data: *mut c_void,
    stop: &Stop,
) -> Option<impl FnMut(&DirProgress<'_>) -> ControlFlow<()> + '_> {
    callback.map(|callback| {
        // The path of the file in flight, made once per file.
        let mut path = (String::new(), CString::default());
        move |progress: &DirProgress<'_>| {
            if path.0 != progress.path {
                path = (progress.path.to_owned(), c_string(progress.path));
            }
            let progress = e2b_dir_progress {
                path: path.1.as_ptr(),
                index: progress.index,
                count: progress.count,
                done: progress.done,
                total: progress.total,
            };
            // SAFETY: the caller vouches for the callback and its user data.
            stop.check(unsafe { callback(user_data, &progress) })
        }
    })
}

/// An optional owned out-parameter: set to NULL on entry, if given.
unsafe fn opt_out<'a, T>(out: *mut *mut T) -> Option<&'a mut *mut T> {
    let out = out.as_mut()?;
    *out = ptr::null_mut();
    Some(out)
}

// ---- options ----

/// New file options with the defaults. Release with `e2b_files_options_free`.
#[no_mangle]
pub extern "C" fn e2b_files_options_new() -> *mut e2b_files_options {
    guard_value(ptr::null_mut(), || {
        boxed(e2b_files_options { user: None, gzip: false, metadata: BTreeMap::new(), allow_network_mounts: false })
    })
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_options_free(options: *mut e2b_files_options) {
    free(options)
}

/// Acts as `user` (e.g. "root"): files are written with that owner and
/// relative paths start at that user's home. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_options_set_user(
    options: *mut e2b_files_options,
    user: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = arg_mut(options, "options")?;
        options.user = Some(arg_str(user, "user")?.to_owned());
        Ok(())
    })
}

/// Compresses transfers with gzip on the wire (default false).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_options_set_gzip(
    options: *mut e2b_files_options,
    gzip: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.gzip = gzip;
        Ok(())
    })
}

/// Adds (or replaces) one entry of the user metadata that writes with these
/// options give the files they create or replace (`e2b_files_write*`,
/// `e2b_files_upload_*`): envd keeps it as extended attributes and reports
/// it, with the key lowercased, in the entry info (`e2b_entry_info_metadata_*`).
/// Each write replaces all of a file's metadata; a write without any clears
/// it. Checked by the writes, before sending: the key must be an HTTP token
/// (letters, digits and !#$%&'*+-.^_`|~), the value printable ASCII, else
/// INVALID_ARGUMENT. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_options_set_metadata(
    options: *mut e2b_files_options,
    key: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = arg_mut(options, "options")?;
        let (key, value) = (arg_str(key, "key")?, arg_str(value, "value")?);
        options.metadata.insert(key.to_owned(), value.to_owned());
        Ok(())
    })
}

/// Lets watches with these options watch a directory on a network or FUSE
/// mount, whose changes may go unreported (default false: envd refuses one
/// with INVALID_ARGUMENT). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_options_set_allow_network_mounts(
    options: *mut e2b_files_options,
    allow: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.allow_network_mounts = allow;
        Ok(())
    })
}

// ---- transfers ----

/// Reads the whole file at `path` into `*out` (bytes, never transcoded).
/// Paths are absolute or relative to the user's home. `*out` is emptied on
/// entry; dispose of it with `e2b_bytes_dispose`.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT (a
/// directory); AUTHENTICATION; SANDBOX_GONE (paused, killed or expired);
/// TIMEOUT, NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_read(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_files_options,
    out: *mut e2b_bytes,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = arg_mut(out, "out")?;
        *out = e2b_bytes::EMPTY;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        *out = e2b_bytes::from_vec(files.read(arg_str(path, "path")?)?);
        Ok(())
    })
}

/// Streams the file at `path` to `on_data` in chunks, in constant memory;
/// `*size_out` (optional) receives the number of bytes. `progress` (may be
/// NULL) is called after each chunk. Errors: as `e2b_files_read`, and
/// CALLBACK_ABORTED.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_read_stream(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_files_options,
    on_data: e2b_data_cb,
    progress: e2b_progress_cb,
    user_data: *mut c_void,
    size_out: *mut u64,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(size_out, 0);
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let path = arg_str(path, "path")?;
        let on_data = on_data.ok_or_else(|| e2b_error::null_argument("on_data"))?;
        let stop = Stop::default();
        let mut sink = CallbackWriter::new(on_data, user_data, &stop);
        let mut progress = progress_fn(progress, user_data, &stop);
        let size = files.read_to(path, &mut sink, progress.as_mut().map(|p| p as _)).map_err(|e| stop.error(e))?;
        set_opt(size_out, size);
        Ok(())
    })
}

/// Opens the file at `path` for reading piece by piece with
/// `e2b_file_reader_read`. Release `*out` with `e2b_file_reader_free`.
/// Errors: as `e2b_files_read`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_open_read(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_files_options,
    out: *mut *mut e2b_file_reader,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        // Each read sets its own token (see `e2b_file_reader_read`).
        *out = boxed(e2b_file_reader { inner: files.open_read(arg_str(path, "path")?)? });
        Ok(())
    })
}

/// Reads up to `capacity` bytes into `buffer`; `*read_out` receives how
/// many, 0 at the end of the file. A cancelled read closes the transfer's
/// connection: free the reader (later reads fail, perhaps after returning
/// data already received). Errors: NULL_ARGUMENT; TIMEOUT, NETWORK (the transfer
/// broke off; what was read is all there is); CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_file_reader_read(
    reader: *mut e2b_file_reader,
    buffer: *mut u8,
    capacity: usize,
    read_out: *mut usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let read_out = arg_mut(read_out, "read_out")?;
        *read_out = 0;
        let reader = arg_mut(reader, "reader")?;
        if capacity == 0 {
            return Ok(());
        }
        if buffer.is_null() {
            return Err(e2b_error::null_argument("buffer"));
        }
        let buffer = std::slice::from_raw_parts_mut(buffer, capacity);
        reader.inner.set_cancel(cancel_arg(cancel).as_ref());
        *read_out = loop {
            match reader.inner.read(buffer) {
                Ok(n) => break n,
                Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
                Err(err) => return Err(io_error(err)),
            }
        };
        Ok(())
    })
}

/// Releases `reader`, closing its transfer. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_file_reader_free(reader: *mut e2b_file_reader) {
    free(reader)
}

/// Writes `len` bytes at `data` to the file at `path`, replacing it if it
/// exists and creating missing parent directories. `data` may be NULL when
/// `len` is 0. Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a
/// directory, or metadata that is not a token or not printable ASCII, a key
/// over 246 bytes or over 4096 bytes in all); NOT_ENOUGH_SPACE; AUTHENTICATION; SANDBOX_GONE; TIMEOUT,
/// NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_write(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    data: *const u8,
    len: usize,
    options: *const e2b_files_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let path = arg_str(path, "path")?;
        files.write(path, arg_bytes(data, len, "data")?)?;
        Ok(())
    })
}

/// Streams the file at `path` from `read` in constant memory, creating
/// missing parent directories. `size` is the number of bytes `read` will
/// supply, or -1 if unknown. `progress` (may be NULL) is called as data goes
/// out. With a size, `read` is asked once more after `size` bytes and must
/// then return 0. Errors: as `e2b_files_write`; CALLBACK_ABORTED;
/// INVALID_ARGUMENT (`size` below -1); IO (`read` supplied fewer or more
/// bytes than `size`: the call fails as soon as that shows, naming both numbers).
#[no_mangle]
pub unsafe extern "C" fn e2b_files_write_stream(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    size: i64,
    options: *const e2b_files_options,
    read: e2b_read_cb,
    progress: e2b_progress_cb,
    user_data: *mut c_void,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let path = arg_str(path, "path")?;
        let read = read.ok_or_else(|| e2b_error::null_argument("read"))?;
        let what = format!("write {path}");
        let size = stream_size(size, &what)?;
        let stop = Stop::default();
        let mut source = CallbackReader::new(read, user_data, &stop);
        let mut progress = progress_fn(progress, user_data, &stop);
        let outcome = files.write_from(path, &mut source, size, progress.as_mut().map(|p| p as _));
        source.outcome(outcome, &what)?;
        Ok(())
    })
}

/// Writes `count` files in one request, creating missing parent directories.
/// Errors: NULL_ARGUMENT (entries, or a path or data in one), INVALID_UTF8;
/// as `e2b_files_write`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_write_files(
    sandbox: *const e2b_sandbox,
    entries: *const e2b_write_entry,
    count: usize,
    options: *const e2b_files_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let entries: &[e2b_write_entry] = match (entries.is_null(), count) {
            (_, 0) => &[],
            (true, _) => return Err(e2b_error::null_argument("entries")),
            (false, _) => std::slice::from_raw_parts(entries, count),
        };
        let mut batch = Vec::with_capacity(entries.len());
        for (index, entry) in entries.iter().enumerate() {
            batch.push(WriteEntry::new(
                arg_str(entry.path, &format!("entries[{index}].path"))?,
                arg_bytes(entry.data, entry.len, &format!("entries[{index}].data"))?,
            ));
        }
        files.write_files(&batch)?;
        Ok(())
    })
}

/// Uploads the local file `local_path` to `path`, streaming. `progress` may
/// be NULL. Errors: IO (the local file, or one whose size changed while it
/// was sent, as files under /sys do); as `e2b_files_write_stream`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_upload_file(
    sandbox: *const e2b_sandbox,
    local_path: *const c_char,
    path: *const c_char,
    options: *const e2b_files_options,
    progress: e2b_progress_cb,
    user_data: *mut c_void,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let local_path = arg_str(local_path, "local_path")?;
        let path = arg_str(path, "path")?;
        let stop = Stop::default();
        let mut progress = progress_fn(progress, user_data, &stop);
        files.upload_file(Path::new(local_path), path, progress.as_mut().map(|p| p as _)).map_err(|e| stop.error(e))?;
        Ok(())
    })
}

/// Downloads the file at `path` to the local file `local_path`, streaming;
/// the local file appears only once complete. `progress` may be NULL.
/// Errors: IO (the local file); as `e2b_files_read_stream`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_download_file(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    local_path: *const c_char,
    options: *const e2b_files_options,
    progress: e2b_progress_cb,
    user_data: *mut c_void,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let path = arg_str(path, "path")?;
        let local_path = arg_str(local_path, "local_path")?;
        let stop = Stop::default();
        let mut progress = progress_fn(progress, user_data, &stop);
        files
            .download_file(path, Path::new(local_path), progress.as_mut().map(|p| p as _))
            .map_err(|e| stop.error(e))?;
        Ok(())
    })
}

/// Uploads the local directory tree `local_dir` to `path`: every regular
/// file and directory. Symbolic links are skipped wherever they point, never
/// followed (so nothing outside the tree is sent). `*count_out` (optional)
/// receives the number of files. `progress` (may be NULL) names the file in
/// flight and counts the bytes of the whole tree. Errors: IO; as `e2b_files_upload_file`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_upload_dir(
    sandbox: *const e2b_sandbox,
    local_dir: *const c_char,
    path: *const c_char,
    options: *const e2b_files_options,
    progress: e2b_dir_progress_cb,
    user_data: *mut c_void,
    count_out: *mut usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(count_out, 0);
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let local_dir = arg_str(local_dir, "local_dir")?;
        let path = arg_str(path, "path")?;
        let stop = Stop::default();
        let mut progress = dir_progress_fn(progress, user_data, &stop);
        let count = files
            .upload_dir(Path::new(local_dir), path, progress.as_mut().map(|p| p as _))
            .map_err(|e| stop.error(e))?;
        set_opt(count_out, count);
        Ok(())
    })
}

/// Downloads the directory tree at `path` into the local directory
/// `local_dir` (created if missing): every regular file and directory.
/// Symbolic links are skipped wherever they point, never followed, nor is
/// anything listed beneath one: the sandbox reports only where a link
/// resolves, not its own text, so it cannot be recreated faithfully, and
/// copying its target could bring in files from outside the tree. `path`
/// must be a directory, not a link to one. `*count_out` (optional) receives
/// the number of files. `progress` (may be NULL) names the file in flight and
/// counts the bytes of the whole tree.
/// Errors: IO; INVALID_ARGUMENT (not a directory); as `e2b_files_download_file`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_download_dir(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    local_dir: *const c_char,
    options: *const e2b_files_options,
    progress: e2b_dir_progress_cb,
    user_data: *mut c_void,
    count_out: *mut usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(count_out, 0);
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let path = arg_str(path, "path")?;
        let local_dir = arg_str(local_dir, "local_dir")?;
        let stop = Stop::default();
        let mut progress = dir_progress_fn(progress, user_data, &stop);
        let count = files
            .download_dir(path, Path::new(local_dir), progress.as_mut().map(|p| p as _))
            .map_err(|e| stop.error(e))?;
        set_opt(count_out, count);
        Ok(())
    })
}

/// A URL from which any program can download the file at `path` (signed
/// with the sandbox's access token), valid for `expires_in_ms`, rounded up
/// to whole seconds (0, the default, and E2B_TIMEOUT_NONE: until the
/// sandbox ends). The URL goes to `*out` as text; dispose of it with
/// `e2b_bytes_dispose`. Made locally, without I/O: `cancel` only fails it
/// if already cancelled. Errors: NULL_ARGUMENT, INVALID_UTF8;
/// INVALID_ARGUMENT (an expiry on a sandbox without an access token); CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_download_url(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    expires_in_ms: u64,
    options: *const e2b_files_options,
    out: *mut e2b_bytes,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = arg_mut(out, "out")?;
        *out = e2b_bytes::EMPTY;
        let url = signed_url(sandbox, path, expires_in_ms, options, cancel, |files, path, expiry| {
            files.download_url(path, expiry)
        })?;
        *out = e2b_bytes::from_vec(url.into_bytes());
        Ok(())
    })
}

/// A URL to which any program can upload the file `path` with a multipart
/// POST (field "file"), signed like `e2b_files_download_url`.
/// Errors: as `e2b_files_download_url`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_upload_url(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    expires_in_ms: u64,
    options: *const e2b_files_options,
    out: *mut e2b_bytes,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = arg_mut(out, "out")?;
        *out = e2b_bytes::EMPTY;
        let url = signed_url(sandbox, path, expires_in_ms, options, cancel, |files, path, expiry| {
            files.upload_url(path, expiry)
        })?;
        *out = e2b_bytes::from_vec(url.into_bytes());
        Ok(())
    })
}

/// The URL `make` signs for the arguments of `e2b_files_download_url` or `e2b_files_upload_url`.
unsafe fn signed_url(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    expires_in_ms: u64,
    options: *const e2b_files_options,
    cancel: *const e2b_cancel,
    make: impl FnOnce(Files<'_>, &str, Option<Duration>) -> sdk::Result<String>,
) -> Result<String, e2b_error> {
    let files = files(sandbox_arg(sandbox)?, options);
    let path = arg_str(path, "path")?;
    if cancel_arg(cancel).is_some_and(|token| token.is_cancelled()) {
        return Err(sdk::capi::cancelled(&format!("sign a URL for {path}")).into());
    }
    Ok(make(files, path, limit_ms(expires_in_ms, None))?)
}

// ---- the filesystem service ----

/// The entries of the directory at `path` and its subdirectories down to
/// `depth` levels (1: the directory only). Release `*out` with
/// `e2b_entry_list_free`. Errors: NULL_ARGUMENT, INVALID_UTF8;
/// INVALID_ARGUMENT (depth 0, not a directory); NOT_FOUND; SANDBOX_GONE;
/// TIMEOUT, NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_list(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    depth: u32,
    options: *const e2b_files_options,
    out: *mut *mut e2b_entry_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let entries = files.list(arg_str(path, "path")?, depth)?;
        *out = boxed(e2b_entry_list::new(entries));
        Ok(())
    })
}

/// Whether anything exists at `path` (`*exists_out`).
/// Errors: NULL_ARGUMENT, INVALID_UTF8; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_exists(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_files_options,
    exists_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let exists_out = arg_mut(exists_out, "exists_out")?;
        *exists_out = false;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        *exists_out = files.exists(arg_str(path, "path")?)?;
        Ok(())
    })
}

/// What is at `path` (a final symlink is not followed). Release `*out` with
/// `e2b_entry_info_free`. Errors: as `e2b_files_list`.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_get_info(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_files_options,
    out: *mut *mut e2b_entry_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        *out = boxed(e2b_entry_info::new(files.get_info(arg_str(path, "path")?)?));
        Ok(())
    })
}

/// Creates the directory `path` and missing parents. `*created_out`
/// (optional) is false if it already existed, which is not an error.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (`path` is a file);
/// API (a file where a parent should be); SANDBOX_GONE; TIMEOUT, NETWORK, TLS.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_make_dir(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_files_options,
    created_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(created_out, false);
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let created = files.make_dir(arg_str(path, "path")?)?;
        set_opt(created_out, created);
        Ok(())
    })
}

/// Removes the file or directory tree at `path`; nothing there is success.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_remove(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_files_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        files.remove(arg_str(path, "path")?)?;
        Ok(())
    })
}

/// Moves `old_path` to `new_path`, creating missing parents. `*out`
/// (optional) receives the moved entry; release it with `e2b_entry_info_free`.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; SANDBOX_GONE; TIMEOUT,
/// NETWORK, TLS; API.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_rename(
    sandbox: *const e2b_sandbox,
    old_path: *const c_char,
    new_path: *const c_char,
    options: *const e2b_files_options,
    out: *mut *mut e2b_entry_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = opt_out(out);
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let entry = files.rename(arg_str(old_path, "old_path")?, arg_str(new_path, "new_path")?)?;
        if let Some(out) = out {
            *out = boxed(e2b_entry_info::new(entry));
        }
        Ok(())
    })
}

// ---- entries ----

/// The number of entries; 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_list_len(list: *const e2b_entry_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Entry `index`, owned by the list; NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_list_get(list: *const e2b_entry_list, index: usize) -> *const e2b_entry_info {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |e| e as *const _))
}

/// Every entry of `list` as plain data, in one call: an array of
/// `*len_out` pointers (`len_out` may be NULL), one per entry in the order of
/// `e2b_entry_list_get`, each to the struct `e2b_entry_info_fields` gives for
/// that entry. Owned by the list, valid until it is freed. NULL (and 0) if
/// the list is empty or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_list_fields(
    list: *const e2b_entry_list,
    len_out: *mut usize,
) -> *const *const e2b_entry_fields {
    guard_value(ptr::null(), || fields_array(list.as_ref().map(|l| l.fields.as_slice()), len_out))
}

/// Releases `list` and its entries. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_list_free(list: *mut e2b_entry_list) {
    free(list)
}

/// Releases `entry` (one from `e2b_files_get_info` or `e2b_files_rename`,
/// not one borrowed from a list). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_free(entry: *mut e2b_entry_info) {
    free(entry)
}

unsafe fn entry_str(
    entry: *const e2b_entry_info,
    field: impl FnOnce(&e2b_entry_info) -> *const c_char,
) -> *const c_char {
    guard_value(ptr::null(), || entry.as_ref().map_or(ptr::null(), field))
}

/// Every field of `entry` as plain data, in one call (see
/// `e2b_entry_fields`). Owned by the entry, valid until it is freed (or, for
/// an entry of a list or event, until its list or event is). NULL if `entry`
/// is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_fields(entry: *const e2b_entry_info) -> *const e2b_entry_fields {
    guard_value(ptr::null(), || entry.as_ref().map_or(ptr::null(), |e| &e.fields as *const _))
}

/// The entry's name. NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_name(entry: *const e2b_entry_info) -> *const c_char {
    entry_str(entry, |e| e.name.as_ptr())
}

/// The entry's absolute path. NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_path(entry: *const e2b_entry_info) -> *const c_char {
    entry_str(entry, |e| e.path.as_ptr())
}

/// The entry's kind, the entry itself: a symbolic link is
/// `E2B_FILE_TYPE_SYMLINK` whatever it points to. `E2B_FILE_TYPE_OTHER` if
/// `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_type(entry: *const e2b_entry_info) -> e2b_file_type {
    guard_value(e2b_file_type::E2B_FILE_TYPE_OTHER, || {
        entry.as_ref().map_or(e2b_file_type::E2B_FILE_TYPE_OTHER, |e| file_type(e.inner.file_type))
    })
}

/// The size in bytes; 0 if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_size(entry: *const e2b_entry_info) -> u64 {
    guard_value(0, || entry.as_ref().map_or(0, |e| e.inner.size))
}

/// The Unix mode bits; 0 if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_mode(entry: *const e2b_entry_info) -> u32 {
    guard_value(0, || entry.as_ref().map_or(0, |e| e.inner.mode))
}

/// The mode as `ls -l` shows it, e.g. "-rw-r--r--". NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_permissions(entry: *const e2b_entry_info) -> *const c_char {
    entry_str(entry, |e| e.permissions.as_ptr())
}

/// The owner's name. NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_owner(entry: *const e2b_entry_info) -> *const c_char {
    entry_str(entry, |e| e.owner.as_ptr())
}

/// The group's name. NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_group(entry: *const e2b_entry_info) -> *const c_char {
    entry_str(entry, |e| e.group.as_ptr())
}

/// The time of the last change, RFC 3339; NULL if unknown.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_modified_time(entry: *const e2b_entry_info) -> *const c_char {
    entry_str(entry, |e| c_ptr(e.modified_time.as_ref()))
}

/// Where a symlink (`E2B_FILE_TYPE_SYMLINK`, whatever it points to) points,
/// as the sandbox resolves it: an absolute path (a dangling link reports its
/// own path). NULL for anything else.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_symlink_target(entry: *const e2b_entry_info) -> *const c_char {
    entry_str(entry, |e| c_ptr(e.symlink_target.as_ref()))
}

/// The number of metadata entries; 0 if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_metadata_len(entry: *const e2b_entry_info) -> usize {
    guard_value(0, || entry.as_ref().map_or(0, |e| e.metadata.len()))
}

/// The key of metadata entry `index` (sorted by key); NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_metadata_key(entry: *const e2b_entry_info, index: usize) -> *const c_char {
    entry_str(entry, |e| e.metadata.get(index).map_or(ptr::null(), |(k, _)| k.as_ptr()))
}

/// The value of metadata entry `index`; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_entry_info_metadata_value(entry: *const e2b_entry_info, index: usize) -> *const c_char {
    entry_str(entry, |e| e.metadata.get(index).map_or(ptr::null(), |(_, v)| v.as_ptr()))
}

// ---- watching ----

/// Starts watching the directory `path` (with its subdirectories if
/// `recursive`; with each changed entry's info if `include_entry`). Poll
/// the watch with `e2b_watch_next_events`; release it with `e2b_watch_free`.
/// `cancel` applies to starting the watch only.
/// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT (not a
/// directory, or on a network mount without
/// `e2b_files_options_set_allow_network_mounts`); SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_watch_dir(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    recursive: bool,
    include_entry: bool,
    options: *const e2b_files_options,
    out: *mut *mut e2b_watch,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let handle = files.watch_dir(arg_str(path, "path")?, watch_options(recursive, include_entry, options))?;
        *out = boxed(e2b_watch { id: c_string(handle.id()), inner: handle });
        Ok(())
    })
}

/// Watches the directory `path` over one stream, calling `on_event` for
/// each event as it comes, until `on_event` returns non-zero
/// (E2B_ERR_CALLBACK_ABORTED, with its value in `e2b_error_callback_value`)
/// or `timeout_ms` passes (E2B_OK; 0, the default, and E2B_TIMEOUT_NONE: no
/// limit). Errors: as `e2b_files_watch_dir`, and CALLBACK_ABORTED.
#[no_mangle]
pub unsafe extern "C" fn e2b_files_watch_dir_stream(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    recursive: bool,
    include_entry: bool,
    timeout_ms: u64,
    options: *const e2b_files_options,
    on_event: e2b_fs_event_cb,
    user_data: *mut c_void,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let sandbox = sandbox_view(sandbox, cancel)?;
        let files = files(&sandbox, options);
        let path = arg_str(path, "path")?;
        let on_event = on_event.ok_or_else(|| e2b_error::null_argument("on_event"))?;
        let stop = Stop::default();
        let mut forward = |event: FilesystemEvent| {
            let event = e2b_fs_event::new(event);
            // SAFETY: the caller vouches for the callback and its user data.
            stop.check(unsafe { on_event(user_data, &event) })
        };
        let options = watch_options(recursive, include_entry, options);
        files.watch_dir_stream(path, options, limit_ms(timeout_ms, None), &mut forward)?;
        if stop.stopped() {
            return Err(stop.error(e2b_error::new(
                e2b_error_code::E2B_ERR_CALLBACK_ABORTED,
                format!("watch {path}: stopped by the event callback"),
            )));
        }
        Ok(())
    })
}

/// The watch's id, owned by the watch. NULL if `watch` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_watch_id(watch: *const e2b_watch) -> *const c_char {
    guard_value(ptr::null(), || watch.as_ref().map_or(ptr::null(), |w| w.id.as_ptr()))
}

/// The events since the last call, oldest first (possibly none). Release
/// `*out` with `e2b_fs_event_list_free`. Errors: NULL_ARGUMENT;
/// INVALID_ARGUMENT (stopped); NOT_FOUND (the sandbox forgot the watch);
/// SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_watch_get_new_events(
    watch: *const e2b_watch,
    out: *mut *mut e2b_fs_event_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    e2b_watch_next_events(watch, 0, out, cancel, err_out)
}

/// Waits up to `timeout_ms` for at least one event and returns what came
/// (possibly nothing); 0 (the default) asks once without waiting,
/// E2B_TIMEOUT_NONE waits until an event comes. If another thread stops the
/// watch meanwhile, it returns E2B_OK at once with what came before
/// (usually nothing). Release `*out` with `e2b_fs_event_list_free`.
/// Errors: as `e2b_watch_get_new_events` (INVALID_ARGUMENT if the watch was
/// stopped before the call).
#[no_mangle]
pub unsafe extern "C" fn e2b_watch_next_events(
    watch: *const e2b_watch,
    timeout_ms: u64,
    out: *mut *mut e2b_fs_event_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let watch = arg_ref(watch, "watch")?;
        let timeout = limit_ms(timeout_ms, Some(Duration::ZERO)).unwrap_or(Duration::MAX);
        let events = watch.inner.next_events_under(timeout, cancel_arg(cancel).as_ref())?;
        *out = boxed(e2b_fs_event_list { items: events.into_iter().map(e2b_fs_event::new).collect() });
        Ok(())
    })
}

/// Stops the watch; polling it afterwards fails, and an `e2b_watch_next_events`
/// waiting in another thread returns E2B_OK promptly. Stopping twice is harmless.
/// A cancelled stop leaves the watcher to end with the sandbox.
/// Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_watch_stop(
    watch: *const e2b_watch,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || Ok(arg_ref(watch, "watch")?.inner.stop_under(cancel_arg(cancel).as_ref())?))
}

/// Releases `watch` at once, without waiting for the network: a watch not
/// yet stopped is stopped by a background thread (one request, bounded by
/// the request timeout). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_watch_free(watch: *mut e2b_watch) {
    guard_value((), || {
        if watch.is_null() {
            return;
        }
        // SAFETY: `watch` came from `boxed`, and the caller gives it back once.
        let watch = Box::from_raw(watch);
        if watch.inner.is_stopped() {
            return;
        }
        // If no thread can be made, the stop happens here after all.
        let _ = std::thread::Builder::new().name("e2b-watch-stop".into()).spawn(move || {
            let _ = watch.inner.stop_under(None);
        });
    })
}

/// The number of events; 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fs_event_list_len(list: *const e2b_fs_event_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Event `index`, owned by the list; NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fs_event_list_get(list: *const e2b_fs_event_list, index: usize) -> *const e2b_fs_event {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |e| e as *const _))
}

/// Releases `list` and its events. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_fs_event_list_free(list: *mut e2b_fs_event_list) {
    free(list)
}

/// What happened; `E2B_EVENT_OTHER` for a kind newer than this library, or
/// if `event` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fs_event_type(event: *const e2b_fs_event) -> e2b_event_type {
    guard_value(e2b_event_type::E2B_EVENT_OTHER, || {
        event.as_ref().map_or(e2b_event_type::E2B_EVENT_OTHER, |e| e.event_type)
    })
}

/// The changed path, relative to the watched directory. NULL if `event` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_fs_event_name(event: *const e2b_fs_event) -> *const c_char {
    guard_value(ptr::null(), || event.as_ref().map_or(ptr::null(), |e| e.name.as_ptr()))
}

/// The entry after the change, owned by the event, when the watch includes
/// entries (create, write, chmod); NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn e2b_fs_event_entry(event: *const e2b_fs_event) -> *const e2b_entry_info {
    guard_value(ptr::null(), || {
        event.as_ref().and_then(|e| e.entry.as_ref()).map_or(ptr::null(), |entry| entry as *const _)
    })
}

// ---- callback adapters ----

/// A `Write` that hands each chunk to a C callback.
pub(crate) struct CallbackWriter<'s> {
    callback: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> i32,
    user_data: *mut c_void,
    stop: &'s Stop,
}

impl<'s> CallbackWriter<'s> {
    pub(crate) fn new(
        callback: unsafe extern "C" fn(*mut c_void, *const u8, usize) -> i32,
        user_data: *mut c_void,
        stop: &'s Stop,
    ) -> Self {
        CallbackWriter { callback, user_data, stop }
    }
}

impl Write for CallbackWriter<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        // SAFETY: the caller vouches for the callback and its user data.
        match self.stop.check(unsafe { (self.callback)(self.user_data, buf.as_ptr(), buf.len()) }) {
            ControlFlow::Continue(()) => Ok(buf.len()),
            ControlFlow::Break(()) => {
                Err(io::Error::other(sdk::Error::new(sdk::ErrorKind::CallbackAborted, "stopped by the data callback")))
            }
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// A `Read` that asks a C callback for data.
pub(crate) struct CallbackReader<'s> {
    callback: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> i64,
    user_data: *mut c_void,
    stop: &'s Stop,
    aborted: bool,
}

impl<'s> CallbackReader<'s> {
    pub(crate) fn new(
        callback: unsafe extern "C" fn(*mut c_void, *mut u8, usize) -> i64,
        user_data: *mut c_void,
        stop: &'s Stop,
    ) -> Self {
        CallbackReader { callback, user_data, stop, aborted: false }
    }

    /// The outcome of a transfer that read from this source, as a C error:
    /// CALLBACK_ABORTED if the read callback stopped it.
    pub(crate) fn outcome<T>(&self, outcome: sdk::Result<T>, what: &str) -> Result<T, e2b_error> {
        if self.aborted {
            return Err(self.stop.error(e2b_error::new(
                e2b_error_code::E2B_ERR_CALLBACK_ABORTED,
                format!("{what}: stopped by the read callback"),
            )));
        }
        outcome.map_err(|e| self.stop.error(e))
    }
}

/// The size argument of a streaming write: a byte count, or -1 for unknown.
pub(crate) fn stream_size(size: i64, what: &str) -> Result<Option<u64>, e2b_error> {
    match size {
        -1 => Ok(None),
        size => u64::try_from(size).map(Some).map_err(|_| {
            e2b_error::new(
                e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                format!("{what}: size {size} is neither a byte count nor -1 (unknown)"),
            )
        }),
    }
}

impl Read for CallbackReader<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // SAFETY: the caller vouches for the callback; `buf` is writable for its length.
        let n = unsafe { (self.callback)(self.user_data, buf.as_mut_ptr(), buf.len()) };
        if n < 0 {
            let _ = self.stop.check(i32::try_from(n).unwrap_or(i32::MIN));
            self.aborted = true;
            return Err(io::Error::other("stopped by the read callback"));
        }
        Ok((n as usize).min(buf.len()))
    }
}

/// An I/O error from a file reader, carrying the client's error if there is one.
fn io_error(err: io::Error) -> e2b_error {
    match err.into_inner().map(|inner| inner.downcast::<sdk::Error>()) {
        Some(Ok(error)) => (*error).into(),
        Some(Err(other)) => e2b_error::new(e2b_error_code::E2B_ERR_NETWORK, other.to_string()),
        None => e2b_error::new(e2b_error_code::E2B_ERR_NETWORK, "the transfer failed"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_the_library_cannot_name_are_other_in_c() {
        assert_eq!(event_type(EventType::Other), e2b_event_type::E2B_EVENT_OTHER);
        assert_eq!(event_type(EventType::Chmod), e2b_event_type::E2B_EVENT_CHMOD);
        assert_eq!(file_type(FileType::Other), e2b_file_type::E2B_FILE_TYPE_OTHER);
        assert_eq!(file_type(FileType::Symlink), e2b_file_type::E2B_FILE_TYPE_SYMLINK);
        unsafe {
            assert_eq!(e2b_fs_event_type(ptr::null()), e2b_event_type::E2B_EVENT_OTHER);
            assert_eq!(e2b_entry_info_type(ptr::null()), e2b_file_type::E2B_FILE_TYPE_OTHER);
        }
    }
}
