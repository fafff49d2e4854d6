//! Volumes: persistent folders that outlive sandboxes. The control plane
//! (create, connect, get info, list, destroy) through the client; a volume's
//! files through the volume handle (the volume content API, with the
//! volume's own token); mounting into a sandbox with
//! `e2b_sandbox_options_set_volume_mount`.

use std::ffi::{c_char, c_void, CString};
use std::ptr;

use super::cancel::{cancel_arg, e2b_cancel};
use super::client::{client_view, e2b_client};
use super::files::{
    e2b_data_cb, e2b_file_type, e2b_progress_cb, e2b_read_cb, progress_fn, stream_size, CallbackReader, CallbackWriter,
};
use super::sandbox::{e2b_sandbox_info, e2b_sandbox_options};
use super::{
    arg_bytes, arg_mut, arg_ref, arg_str, boxed, c_ptr, c_string, e2b_bytes, e2b_error, e2b_error_code, free, guard,
    guard_value, out_ptr, set_opt, Stop,
};
use sdk::{Volume, VolumeAndToken, VolumeEntryStat, VolumeFileType, VolumeInfo, VolumeWriteOptions};

/// A volume, connected: its id, name and content token. Thread-safe: any
/// number of threads may use one handle at once. Freeing it releases only the
/// handle; the volume stays until `e2b_client_destroy_volume`.
pub struct e2b_volume {
    inner: Volume,
    volume_id: CString,
    name: CString,
    token: CString,
}

/// A volume as the control plane describes it: id and name, and the token
/// and domain where the call gives them (`e2b_client_get_volume_info`).
pub struct e2b_volume_info {
    volume_id: CString,
    name: CString,
    token: Option<CString>,
    domain: Option<CString>,
}

/// The volumes of `e2b_client_list_volumes`.
pub struct e2b_volume_list {
    items: Vec<e2b_volume_info>,
}

/// One entry of a volume (a file, folder or symlink).
pub struct e2b_volume_entry {
    inner: VolumeEntryStat,
    name: CString,
    path: CString,
    atime: CString,
    mtime: CString,
    ctime: CString,
    target: Option<CString>,
}

/// The entries of `e2b_volume_list_dir`.
pub struct e2b_volume_entry_list {
    items: Vec<e2b_volume_entry>,
}

/// Owner, group, mode and `force` for `e2b_volume_write_file`,
/// `e2b_volume_write_stream`, `e2b_volume_make_dir` and
/// `e2b_volume_update_metadata`: a builder. New, it leaves everything to the
/// server.
pub struct e2b_volume_write_options {
    inner: VolumeWriteOptions,
}

impl e2b_volume {
    fn new(volume: Volume) -> *mut e2b_volume {
        // A cancel token the volume was made through applies to that call only.
        let volume = volume.clone().with_client(&volume.client().with_cancel_token(None));
        boxed(e2b_volume {
            volume_id: c_string(volume.volume_id()),
            name: c_string(volume.name()),
            token: c_string(volume.token()),
            inner: volume,
        })
    }
}

impl e2b_volume_info {
    fn from_listed(info: VolumeInfo) -> e2b_volume_info {
        e2b_volume_info { volume_id: c_string(&info.volume_id), name: c_string(&info.name), token: None, domain: None }
    }

    fn from_token(info: VolumeAndToken) -> e2b_volume_info {
        e2b_volume_info {
            volume_id: c_string(&info.volume_id),
            name: c_string(&info.name),
            token: Some(c_string(&info.token)),
            domain: info.domain.as_deref().map(c_string),
        }
    }
}

impl e2b_volume_entry {
    fn new(stat: VolumeEntryStat) -> e2b_volume_entry {
        e2b_volume_entry {
            name: c_string(&stat.name),
            path: c_string(&stat.path),
            atime: c_string(&stat.atime),
            mtime: c_string(&stat.mtime),
            ctime: c_string(&stat.ctime),
            target: stat.target.as_deref().map(c_string),
            inner: stat,
        }
    }
}

/// The volume behind `volume`, cancelled by `cancel` (NULL: not cancellable).
unsafe fn volume_view(volume: *const e2b_volume, cancel: *const e2b_cancel) -> Result<Volume, e2b_error> {
    let volume = &arg_ref(volume, "volume")?.inner;
    Ok(volume.clone().with_client(&volume.client().with_cancel_token(cancel_arg(cancel).as_ref())))
}

/// The options behind `options`; NULL means the defaults.
unsafe fn write_options(options: *const e2b_volume_write_options) -> VolumeWriteOptions {
    options.as_ref().map(|o| o.inner.clone()).unwrap_or_default()
}

// ---- control plane ----

/// Creates an empty volume named `name` (letters, digits, `_` and `-`; unique
/// in the team). Release `*out` with `e2b_volume_free`. Errors:
/// NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a bad or taken name: HTTP
/// 400); PERMISSION_DENIED (volumes not enabled); AUTHENTICATION; TIMEOUT,
/// NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_create_volume(
    client: *const e2b_client,
    name: *const c_char,
    out: *mut *mut e2b_volume,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        *out = e2b_volume::new(Volume::create(&client, arg_str(name, "name")?)?);
        Ok(())
    })
}

/// Connects to the volume `volume_id` (its name and a fresh token). Release
/// `*out` with `e2b_volume_free`. Errors: as `e2b_client_create_volume`, and
/// NOT_FOUND when there is no such volume.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_connect_volume(
    client: *const e2b_client,
    volume_id: *const c_char,
    out: *mut *mut e2b_volume,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        *out = e2b_volume::new(Volume::connect(&client, arg_str(volume_id, "volume_id")?)?);
        Ok(())
    })
}

/// The volume `volume_id`, with a fresh content token. Release `*out` with
/// `e2b_volume_info_free`. Errors: as `e2b_client_connect_volume`.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_get_volume_info(
    client: *const e2b_client,
    volume_id: *const c_char,
    out: *mut *mut e2b_volume_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let info = Volume::get_info(&client, arg_str(volume_id, "volume_id")?)?;
        *out = boxed(e2b_volume_info::from_token(info));
        Ok(())
    })
}

/// Every volume of the team (ids and names, no tokens). Release `*out` with
/// `e2b_volume_list_free`. Errors: NULL_ARGUMENT; AUTHENTICATION; TIMEOUT,
/// NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_list_volumes(
    client: *const e2b_client,
    out: *mut *mut e2b_volume_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let items = Volume::list(&client)?.into_iter().map(e2b_volume_info::from_listed).collect();
        *out = boxed(e2b_volume_list { items });
        Ok(())
    })
}

/// Destroys the volume `volume_id` and its files. `*destroyed_out` (may be
/// NULL) receives false when there was no such volume. Errors: NULL_ARGUMENT,
/// INVALID_UTF8; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_client_destroy_volume(
    client: *const e2b_client,
    volume_id: *const c_char,
    destroyed_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(destroyed_out, false);
        let client = client_view(client, cancel)?;
        let destroyed = Volume::destroy(&client, arg_str(volume_id, "volume_id")?)?;
        set_opt(destroyed_out, destroyed);
        Ok(())
    })
}

// ---- the volume handle ----

/// Releases `volume` (the volume itself stays). NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_free(volume: *mut e2b_volume) {
    free(volume)
}

/// The volume's id, owned by the handle. NULL if `volume` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_id(volume: *const e2b_volume) -> *const c_char {
    guard_value(ptr::null(), || volume.as_ref().map_or(ptr::null(), |v| v.volume_id.as_ptr()))
}

/// The volume's name (what `e2b_sandbox_options_set_volume_mount` takes),
/// owned by the handle. NULL if `volume` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_name(volume: *const e2b_volume) -> *const c_char {
    guard_value(ptr::null(), || volume.as_ref().map_or(ptr::null(), |v| v.name.as_ptr()))
}

/// The content API's bearer token, owned by the handle. NULL if `volume` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_token(volume: *const e2b_volume) -> *const c_char {
    guard_value(ptr::null(), || volume.as_ref().map_or(ptr::null(), |v| v.token.as_ptr()))
}

// ---- content ----

/// The entries under the folder `path`, `depth` levels deep (0: the server's
/// default, 1). Release `*out` with `e2b_volume_entry_list_free`. Errors:
/// NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT (not a folder, a
/// `..` in the path); AUTHENTICATION (a bad token); TIMEOUT, NETWORK, TLS;
/// API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_list_dir(
    volume: *const e2b_volume,
    path: *const c_char,
    depth: u32,
    out: *mut *mut e2b_volume_entry_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let volume = volume_view(volume, cancel)?;
        let entries = volume.list_dir(arg_str(path, "path")?, (depth > 0).then_some(depth))?;
        *out = boxed(e2b_volume_entry_list { items: entries.into_iter().map(e2b_volume_entry::new).collect() });
        Ok(())
    })
}

/// Creates the folder `path`; with `force` (options), its missing parents
/// too. `options` may be NULL. `*out` (may be NULL) receives the new folder;
/// release it with `e2b_volume_entry_free`. Errors: as `e2b_volume_list_dir`,
/// and CONFLICT (the path exists).
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_make_dir(
    volume: *const e2b_volume,
    path: *const c_char,
    options: *const e2b_volume_write_options,
    out: *mut *mut e2b_volume_entry,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        if !out.is_null() {
            *out = ptr::null_mut();
        }
        let volume = volume_view(volume, cancel)?;
        let stat = volume.make_dir(arg_str(path, "path")?, &write_options(options))?;
        if !out.is_null() {
            *out = boxed(e2b_volume_entry::new(stat));
        }
        Ok(())
    })
}

/// Whether `path` exists in the volume. Errors: as `e2b_volume_list_dir`
/// (but a missing path is `*exists_out` false, not NOT_FOUND).
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_exists(
    volume: *const e2b_volume,
    path: *const c_char,
    exists_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let exists_out = arg_mut(exists_out, "exists_out")?;
        *exists_out = false;
        *exists_out = volume_view(volume, cancel)?.exists(arg_str(path, "path")?)?;
        Ok(())
    })
}

/// What `path` is (a symlink itself, not its target): the SDKs'
/// `volume.get_info(path)`. Release `*out` with `e2b_volume_entry_free`.
/// Errors: as `e2b_volume_list_dir`.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_get_entry_info(
    volume: *const e2b_volume,
    path: *const c_char,
    out: *mut *mut e2b_volume_entry,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let stat = volume_view(volume, cancel)?.entry_info(arg_str(path, "path")?)?;
        *out = boxed(e2b_volume_entry::new(stat));
        Ok(())
    })
}

/// Sets the owner, group or mode of `path` to those set in `options` (the
/// others are kept; `force` is not used). `*out` (may be NULL) receives the
/// entry after the change; release it with `e2b_volume_entry_free`. Errors:
/// as `e2b_volume_list_dir`.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_update_metadata(
    volume: *const e2b_volume,
    path: *const c_char,
    options: *const e2b_volume_write_options,
    out: *mut *mut e2b_volume_entry,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        if !out.is_null() {
            *out = ptr::null_mut();
        }
        let options = write_options(options);
        let volume = volume_view(volume, cancel)?;
        let stat = volume.update_metadata(arg_str(path, "path")?, options.uid, options.gid, options.mode)?;
        if !out.is_null() {
            *out = boxed(e2b_volume_entry::new(stat));
        }
        Ok(())
    })
}

/// The content of the file `path`, into `*out` (release with
/// `e2b_bytes_dispose`). Errors: as `e2b_volume_list_dir`.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_read_file(
    volume: *const e2b_volume,
    path: *const c_char,
    out: *mut e2b_bytes,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = arg_mut(out, "out")?;
        *out = e2b_bytes::EMPTY;
        let volume = volume_view(volume, cancel)?;
        *out = e2b_bytes::from_vec(volume.read_file(arg_str(path, "path")?)?);
        Ok(())
    })
}

/// Streams the file `path` to `on_data` in chunks, in constant memory;
/// `*size_out` (optional) receives the number of bytes. `progress` (may be
/// NULL) is called after each chunk with the bytes so far and the file's
/// size. Errors: as `e2b_volume_read_file`, and CALLBACK_ABORTED (`on_data`
/// or `progress` returned non-zero; its value in `e2b_error_callback_value`).
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_read_stream(
    volume: *const e2b_volume,
    path: *const c_char,
    on_data: e2b_data_cb,
    progress: e2b_progress_cb,
    user_data: *mut c_void,
    size_out: *mut u64,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(size_out, 0);
        let volume = volume_view(volume, cancel)?;
        let path = arg_str(path, "path")?;
        let on_data = on_data.ok_or_else(|| e2b_error::null_argument("on_data"))?;
        let stop = Stop::default();
        let mut sink = CallbackWriter::new(on_data, user_data, &stop);
        let mut progress = progress_fn(progress, user_data, &stop);
        let size = volume.read_to(path, &mut sink, progress.as_mut().map(|p| p as _)).map_err(|e| stop.error(e))?;
        set_opt(size_out, size);
        Ok(())
    })
}

/// Writes `len` bytes at `data` to the file `path`, creating it or replacing
/// its content (its folder must exist). `options` may be NULL. `*out` (may be
/// NULL) receives the file's entry; release it with `e2b_volume_entry_free`.
/// Errors: as `e2b_volume_list_dir`.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_write_file(
    volume: *const e2b_volume,
    path: *const c_char,
    data: *const u8,
    len: usize,
    options: *const e2b_volume_write_options,
    out: *mut *mut e2b_volume_entry,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        if !out.is_null() {
            *out = ptr::null_mut();
        }
        let data = arg_bytes(data, len, "data")?;
        let volume = volume_view(volume, cancel)?;
        let stat = volume.write_file(arg_str(path, "path")?, data, &write_options(options))?;
        if !out.is_null() {
            *out = boxed(e2b_volume_entry::new(stat));
        }
        Ok(())
    })
}

/// Streams the file `path` from `read` in constant memory, creating it or
/// replacing its content (its folder must exist). `size` is the number of
/// bytes `read` will supply, or -1 if unknown. `options` may be NULL.
/// `progress` (may be NULL) is called as data goes out. With a size, `read`
/// is asked once more after `size` bytes and must then return 0. `*out` (may
/// be NULL) receives the file's entry; release it with
/// `e2b_volume_entry_free`. A stream is read once, so the call is never
/// retried; one that fails leaves the file as it was. Errors: as
/// `e2b_volume_write_file`; CALLBACK_ABORTED; INVALID_ARGUMENT (`size`
/// below -1); IO (`read` supplied fewer or more bytes than `size`: the call
/// fails as soon as that shows, naming both numbers).
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_write_stream(
    volume: *const e2b_volume,
    path: *const c_char,
    size: i64,
    options: *const e2b_volume_write_options,
    read: e2b_read_cb,
    progress: e2b_progress_cb,
    user_data: *mut c_void,
    out: *mut *mut e2b_volume_entry,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        if !out.is_null() {
            *out = ptr::null_mut();
        }
        let volume = volume_view(volume, cancel)?;
        let path = arg_str(path, "path")?;
        let read = read.ok_or_else(|| e2b_error::null_argument("read"))?;
        let what = format!("write '{path}' to volume {}", volume.volume_id());
        let size = stream_size(size, &what)?;
        let stop = Stop::default();
        let mut source = CallbackReader::new(read, user_data, &stop);
        let mut progress = progress_fn(progress, user_data, &stop);
        let options = write_options(options);
        let outcome = volume.write_from(path, &mut source, size, &options, progress.as_mut().map(|p| p as _));
        let stat = source.outcome(outcome, &what)?;
        if !out.is_null() {
            *out = boxed(e2b_volume_entry::new(stat));
        }
        Ok(())
    })
}

/// Removes the file or folder `path` (a folder with everything in it).
/// Errors: as `e2b_volume_list_dir`.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_remove(
    volume: *const e2b_volume,
    path: *const c_char,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        volume_view(volume, cancel)?.remove(arg_str(path, "path")?)?;
        Ok(())
    })
}

// ---- write options ----

/// New write options, everything left to the server. Release with
/// `e2b_volume_write_options_free`.
#[no_mangle]
pub extern "C" fn e2b_volume_write_options_new() -> *mut e2b_volume_write_options {
    guard_value(ptr::null_mut(), || boxed(e2b_volume_write_options { inner: VolumeWriteOptions::default() }))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_write_options_free(options: *mut e2b_volume_write_options) {
    free(options)
}

/// Sets the owner (a uid as sandboxes see it: 1000 is `user`).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_write_options_set_uid(
    options: *mut e2b_volume_write_options,
    uid: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.uid = Some(uid);
        Ok(())
    })
}

/// Sets the group. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_write_options_set_gid(
    options: *mut e2b_volume_write_options,
    gid: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.gid = Some(gid);
        Ok(())
    })
}

/// Sets the permission bits (e.g. 0644). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_write_options_set_mode(
    options: *mut e2b_volume_write_options,
    mode: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.mode = Some(mode);
        Ok(())
    })
}

/// `e2b_volume_make_dir`: make missing parents too; `e2b_volume_write_file`
/// and `e2b_volume_write_stream`: overwrite an existing file. Errors:
/// NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_write_options_set_force(
    options: *mut e2b_volume_write_options,
    force: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        arg_mut(options, "options")?.inner.force = Some(force);
        Ok(())
    })
}

// ---- infos and lists ----

/// Releases `info`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_info_free(info: *mut e2b_volume_info) {
    free(info)
}

/// The volume's id, owned by the info. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_info_id(info: *const e2b_volume_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| i.volume_id.as_ptr()))
}

/// The volume's name, owned by the info. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_info_name(info: *const e2b_volume_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| i.name.as_ptr()))
}

/// The content token (from `e2b_client_get_volume_info`; NULL in a list).
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_info_token(info: *const e2b_volume_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| c_ptr(i.token.as_ref())))
}

/// The domain of the content host for a team on its own cluster; NULL otherwise.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_info_domain(info: *const e2b_volume_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| c_ptr(i.domain.as_ref())))
}

/// Releases `list` and its items. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_list_free(list: *mut e2b_volume_list) {
    free(list)
}

/// The number of volumes; 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_list_len(list: *const e2b_volume_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Volume `index`, owned by the list; NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_list_get(list: *const e2b_volume_list, index: usize) -> *const e2b_volume_info {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |i| i as *const _))
}

/// Releases `entry`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_free(entry: *mut e2b_volume_entry) {
    free(entry)
}

/// Reads a string field of `entry`; NULL if `entry` is NULL.
unsafe fn entry_str(
    entry: *const e2b_volume_entry,
    field: impl FnOnce(&e2b_volume_entry) -> *const c_char,
) -> *const c_char {
    guard_value(ptr::null(), || entry.as_ref().map_or(ptr::null(), field))
}

/// The entry's name (the last component of its path), owned by the entry.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_name(entry: *const e2b_volume_entry) -> *const c_char {
    entry_str(entry, |e| e.name.as_ptr())
}

/// The entry's absolute path in the volume, owned by the entry.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_path(entry: *const e2b_volume_entry) -> *const c_char {
    entry_str(entry, |e| e.path.as_ptr())
}

/// File, folder or symlink (a symlink whatever it points to);
/// `E2B_FILE_TYPE_OTHER` for anything else or if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_type(entry: *const e2b_volume_entry) -> e2b_file_type {
    guard_value(e2b_file_type::E2B_FILE_TYPE_OTHER, || match entry.as_ref().map(|e| e.inner.file_type) {
        Some(VolumeFileType::File) => e2b_file_type::E2B_FILE_TYPE_FILE,
        Some(VolumeFileType::Directory) => e2b_file_type::E2B_FILE_TYPE_DIR,
        Some(VolumeFileType::Symlink) => e2b_file_type::E2B_FILE_TYPE_SYMLINK,
        _ => e2b_file_type::E2B_FILE_TYPE_OTHER,
    })
}

/// The size in bytes; 0 if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_size(entry: *const e2b_volume_entry) -> i64 {
    guard_value(0, || entry.as_ref().map_or(0, |e| e.inner.size))
}

/// The permission bits; 0 if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_mode(entry: *const e2b_volume_entry) -> u32 {
    guard_value(0, || entry.as_ref().map_or(0, |e| e.inner.mode))
}

/// The owner as sandboxes see it; 0 if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_uid(entry: *const e2b_volume_entry) -> u32 {
    guard_value(0, || entry.as_ref().map_or(0, |e| e.inner.uid))
}

/// The group as sandboxes see it; 0 if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_gid(entry: *const e2b_volume_entry) -> u32 {
    guard_value(0, || entry.as_ref().map_or(0, |e| e.inner.gid))
}

/// The last access, RFC 3339, owned by the entry.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_atime(entry: *const e2b_volume_entry) -> *const c_char {
    entry_str(entry, |e| e.atime.as_ptr())
}

/// The last modification, RFC 3339, owned by the entry.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_mtime(entry: *const e2b_volume_entry) -> *const c_char {
    entry_str(entry, |e| e.mtime.as_ptr())
}

/// The last status change, RFC 3339, owned by the entry.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_ctime(entry: *const e2b_volume_entry) -> *const c_char {
    entry_str(entry, |e| e.ctime.as_ptr())
}

/// Where a symlink points, owned by the entry; NULL for anything else.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_target(entry: *const e2b_volume_entry) -> *const c_char {
    entry_str(entry, |e| c_ptr(e.target.as_ref()))
}

/// Releases `list` and its entries. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_list_free(list: *mut e2b_volume_entry_list) {
    free(list)
}

/// The number of entries; 0 if `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_list_len(list: *const e2b_volume_entry_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Entry `index`, owned by the list; NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_volume_entry_list_get(
    list: *const e2b_volume_entry_list,
    index: usize,
) -> *const e2b_volume_entry {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |e| e as *const _))
}

// ---- mounting into sandboxes ----

/// A sandbox's volume mounts as the info keeps them: (path, volume name), by path.
pub(crate) fn mounts_of(info: &sdk::SandboxInfo) -> Vec<(CString, CString)> {
    let mut mounts: Vec<(CString, CString)> =
        info.volume_mounts.iter().map(|m| (c_string(&m.path), c_string(&m.name))).collect();
    mounts.sort();
    mounts
}

/// Mounts the volume named `volume_name` (see `e2b_volume_name`) at the
/// absolute path `path` in the sandbox; a second call for the same path
/// replaces the first. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_options_set_volume_mount(
    options: *mut e2b_sandbox_options,
    path: *const c_char,
    volume_name: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let options = arg_mut(options, "options")?;
        let path = arg_str(path, "path")?;
        let name = arg_str(volume_name, "volume_name")?;
        options.inner.volume_mounts.insert(path.to_owned(), name.to_owned());
        Ok(())
    })
}

/// The number of volumes mounted in the sandbox; 0 if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_volume_mounts_len(info: *const e2b_sandbox_info) -> usize {
    guard_value(0, || info.as_ref().map_or(0, |i| i.volume_mounts.len()))
}

/// The mount path of volume mount `index` (mounts are sorted by path), owned
/// by the info; NULL if `index` is out of range or `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_volume_mounts_key(
    info: *const e2b_sandbox_info,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || {
        info.as_ref().and_then(|i| i.volume_mounts.get(index)).map_or(ptr::null(), |(path, _)| path.as_ptr())
    })
}

/// The volume name of volume mount `index`, owned by the info; NULL if out of
/// range or `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_volume_mounts_value(
    info: *const e2b_sandbox_info,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || {
        info.as_ref().and_then(|i| i.volume_mounts.get(index)).map_or(ptr::null(), |(_, name)| name.as_ptr())
    })
}

/// The name of the volume mounted at `path`; NULL if none is, or an argument
/// is NULL or not UTF-8.
#[no_mangle]
pub unsafe extern "C" fn e2b_sandbox_info_volume_mounts_get(
    info: *const e2b_sandbox_info,
    path: *const c_char,
) -> *const c_char {
    guard_value(ptr::null(), || {
        let (Some(info), Ok(path)) = (info.as_ref(), arg_str(path, "path")) else { return ptr::null() };
        info.volume_mounts
            .iter()
            .find(|(p, _)| p.to_bytes() == path.as_bytes())
            .map_or(ptr::null(), |(_, n)| n.as_ptr())
    })
}
