//! Template builds: the builder, build (blocking, with a log callback) and build in background,
//! the build status, existence, tags, delete.

use std::ffi::{c_char, c_void, CString};
use std::ptr;

use super::cancel::e2b_cancel;
use super::client::{client_view, e2b_client};
use super::{
    arg_mut, arg_opt_str, arg_ref, arg_str, boxed, c_string, e2b_error, e2b_error_code, free, guard, guard_value,
    out_ptr, set_opt,
};
use sdk::{BuildInfo, BuildLogEntry, BuildOptions, BuildStatus, BuildStatusInfo, CopyOptions, Template, TemplateTag};

/// The state of a template build (`e2b_build_status_info_status`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_build_status {
    /// Requested, not started.
    E2B_BUILD_WAITING = 0,
    /// Running.
    E2B_BUILD_BUILDING = 1,
    /// Done: sandboxes can start from the template.
    E2B_BUILD_READY = 2,
    /// Failed: see `e2b_build_status_info_reason`.
    E2B_BUILD_ERROR = 3,
}

/// A template definition: a base (an image or a template) and build steps. New, it starts
/// from E2B's base image, and `copy` sources are relative to the current directory.
pub struct e2b_template {
    inner: Template,
}

/// A build, as `e2b_template_build` and `e2b_template_build_in_background` return it. Strings
/// are UTF-8 owned by the info.
pub struct e2b_build_info {
    inner: BuildInfo,
    template_id: CString,
    build_id: CString,
    name: CString,
    tags: Vec<CString>,
}

/// One build log entry, owned by its status info (or lent to the log callback for the call).
pub struct e2b_build_log_entry {
    timestamp: CString,
    level: CString,
    message: CString,
    step: Option<CString>,
}

/// A build's status and the log entries asked for (`e2b_template_get_build_status`).
pub struct e2b_build_status_info {
    status: e2b_build_status,
    entries: Vec<e2b_build_log_entry>,
    reason: Option<CString>,
    reason_step: Option<CString>,
}

/// The tags of a template (`e2b_template_get_tags`).
pub struct e2b_template_tag_list {
    items: Vec<(CString, CString, CString)>,
}

/// Called with each build log entry of `e2b_template_build`, in order; the entry is valid
/// during the call. Return 0 to go on; any other value stops waiting (the build itself goes on
/// on the server) and the call fails with CALLBACK_ABORTED.
pub type e2b_build_log_cb =
    Option<unsafe extern "C" fn(user_data: *mut c_void, entry: *const e2b_build_log_entry) -> i32>;

impl e2b_build_log_entry {
    fn new(entry: &BuildLogEntry) -> e2b_build_log_entry {
        e2b_build_log_entry {
            timestamp: c_string(&entry.timestamp),
            level: c_string(&entry.level),
            message: c_string(&entry.message),
            step: entry.step.as_deref().map(c_string),
        }
    }
}

impl e2b_build_info {
    fn new(inner: BuildInfo) -> e2b_build_info {
        e2b_build_info {
            template_id: c_string(&inner.template_id),
            build_id: c_string(&inner.build_id),
            name: c_string(&inner.name),
            tags: inner.tags.iter().map(|t| c_string(t)).collect(),
            inner,
        }
    }
}

fn status_info(info: BuildStatusInfo) -> e2b_build_status_info {
    let status = match info.status {
        BuildStatus::Waiting => e2b_build_status::E2B_BUILD_WAITING,
        BuildStatus::Building => e2b_build_status::E2B_BUILD_BUILDING,
        BuildStatus::Ready => e2b_build_status::E2B_BUILD_READY,
        _ => e2b_build_status::E2B_BUILD_ERROR,
    };
    e2b_build_status_info {
        status,
        entries: info.log_entries.iter().map(e2b_build_log_entry::new).collect(),
        reason: info.reason.as_ref().map(|r| c_string(&r.message)),
        reason_step: info.reason.as_ref().and_then(|r| r.step.as_deref()).map(c_string),
    }
}

unsafe fn strings(items: *const *const c_char, len: usize, name: &str) -> Result<Vec<String>, e2b_error> {
    if len == 0 {
        return Ok(Vec::new());
    }
    if items.is_null() {
        return Err(e2b_error::null_argument(name));
    }
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        out.push(arg_str(*items.add(i), name)?.to_owned());
    }
    Ok(out)
}

/// Applies a by-value builder method to the template.
unsafe fn edit(
    template: *mut e2b_template,
    err_out: *mut *mut e2b_error,
    change: impl FnOnce(Template) -> Result<Template, e2b_error>,
) -> e2b_error_code {
    guard(err_out, || {
        let template = arg_mut(template, "template")?;
        let taken = std::mem::take(&mut template.inner);
        template.inner = change(taken)?;
        Ok(())
    })
}

// ---- the builder ----

/// A new template that starts from E2B's base image. Release with `e2b_template_free`.
#[no_mangle]
pub extern "C" fn e2b_template_new() -> *mut e2b_template {
    guard_value(ptr::null_mut(), || boxed(e2b_template { inner: Template::new() }))
}

/// Releases `template`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_free(template: *mut e2b_template) {
    free(template)
}

/// Sets the folder `copy` sources are relative to. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_set_file_context_path(
    template: *mut e2b_template,
    path: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.file_context_path(arg_str(path, "path")?)))
}

/// Starts from the image `image` (e2b-local has `e2bdev/base`, `debian:*`,
/// `e2bdev/code-interpreter`). Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_from_image(
    template: *mut e2b_template,
    image: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.from_image(arg_str(image, "image")?)))
}

/// Starts from E2B's base image (the default). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_from_base_image(
    template: *mut e2b_template,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.from_base_image()))
}

/// Starts from the template `name` (its files, environment, user, workdir and start command).
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_from_template(
    template: *mut e2b_template,
    name: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.from_template(arg_str(name, "name")?)))
}

/// Copies `src` (a file, folder or glob relative to the context folder) to `dest` in the
/// template, owned by `user` (NULL: the current user), with `mode` (negative: the files'
/// own). `force_upload` uploads even when the server has the files; `resolve_symlinks` copies
/// what links point to. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_copy(
    template: *mut e2b_template,
    src: *const c_char,
    dest: *const c_char,
    user: *const c_char,
    mode: i32,
    force_upload: bool,
    resolve_symlinks: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| {
        let mut options = CopyOptions::default().force_upload(force_upload).resolve_symlinks(resolve_symlinks);
        if let Some(user) = arg_opt_str(user, "user")? {
            options = options.user(user);
        }
        if mode >= 0 {
            options = options.mode(mode as u32);
        }
        Ok(t.copy_with(arg_str(src, "src")?, arg_str(dest, "dest")?, &options))
    })
}

/// Runs `command` in the build as `user` (NULL: the current user).
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_run_cmd(
    template: *mut e2b_template,
    command: *const c_char,
    user: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| {
        let command = arg_str(command, "command")?;
        Ok(match arg_opt_str(user, "user")? {
            Some(user) => t.run_cmd_as(command, user),
            None => t.run_cmd(command),
        })
    })
}

/// Sets the environment variables `keys[i]=values[i]` (`len` of them) for the following steps
/// and the template's sandboxes. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_set_envs(
    template: *mut e2b_template,
    keys: *const *const c_char,
    values: *const *const c_char,
    len: usize,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| {
        let keys = strings(keys, len, "keys")?;
        let values = strings(values, len, "values")?;
        Ok(t.set_envs(keys.into_iter().zip(values)))
    })
}

/// Sets the working directory of the following steps and of the template's sandboxes.
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_set_workdir(
    template: *mut e2b_template,
    workdir: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.set_workdir(arg_str(workdir, "workdir")?)))
}

/// Sets the user of the following steps and of the template's sandboxes.
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_set_user(
    template: *mut e2b_template,
    user: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.set_user(arg_str(user, "user")?)))
}

/// Sets the command started when a sandbox of the template starts, and the command run until
/// it exits with 0 before the sandbox is ready. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_set_start_cmd(
    template: *mut e2b_template,
    start_cmd: *const c_char,
    ready_cmd: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.set_start_cmd(arg_str(start_cmd, "start_cmd")?, arg_str(ready_cmd, "ready_cmd")?)))
}

/// Sets the ready command alone. Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_set_ready_cmd(
    template: *mut e2b_template,
    ready_cmd: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.set_ready_cmd(arg_str(ready_cmd, "ready_cmd")?)))
}

/// Rebuilds the following steps rather than using the server's cache. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_skip_cache(
    template: *mut e2b_template,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.skip_cache()))
}

/// Rebuilds every step (the SDKs' `build(skip_cache=True)`). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_set_force(
    template: *mut e2b_template,
    force: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    edit(template, err_out, |t| Ok(t.force(force)))
}

// ---- building ----

unsafe fn build_options(
    name: *const c_char,
    tags: *const *const c_char,
    tags_len: usize,
) -> Result<BuildOptions, e2b_error> {
    Ok(BuildOptions::new(arg_str(name, "name")?).tags(strings(tags, tags_len, "tags")?))
}

/// Builds `template` on the server under `name` (`name` or `name:tag`) with the extra tags
/// `tags` (`tags_len` of them, NULL when 0) and waits until it is ready, polling every 0.2 s and
/// giving each log entry to `on_log` (NULL: none). Release `*out` (optional) with
/// `e2b_build_info_free`. Errors: NULL_ARGUMENT, INVALID_UTF8; BUILD (the build failed: the
/// message is the server's reason); FILE_UPLOAD; INVALID_ARGUMENT (a copy source matches
/// nothing); CALLBACK_ABORTED; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_build(
    client: *const e2b_client,
    template: *const e2b_template,
    name: *const c_char,
    tags: *const *const c_char,
    tags_len: usize,
    on_log: e2b_build_log_cb,
    user_data: *mut c_void,
    out: *mut *mut e2b_build_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        if !out.is_null() {
            *out = ptr::null_mut();
        }
        let client = client_view(client, cancel)?;
        let template = arg_ref(template, "template")?;
        let options = build_options(name, tags, tags_len)?;
        let mut stopped = 0;
        let mut callback = |entry: &BuildLogEntry| {
            if let Some(cb) = on_log {
                if stopped == 0 {
                    let entry = e2b_build_log_entry::new(entry);
                    stopped = cb(user_data, &entry);
                }
            }
        };
        let result = template.inner.build(&client, &options, Some(&mut callback));
        if stopped != 0 {
            let mut err =
                e2b_error::new(e2b_error_code::E2B_ERR_CALLBACK_ABORTED, "the log callback stopped the build's wait");
            err.callback_value = stopped;
            return Err(err);
        }
        let info = result?;
        if !out.is_null() {
            *out = boxed(e2b_build_info::new(info));
        }
        Ok(())
    })
}

/// Starts building `template` (requests the build, uploads the files, starts it) and returns
/// without waiting; follow it with `e2b_template_get_build_status`. Release `*out` with
/// `e2b_build_info_free`. Errors: as `e2b_template_build`, without CALLBACK_ABORTED.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_build_in_background(
    client: *const e2b_client,
    template: *const e2b_template,
    name: *const c_char,
    tags: *const *const c_char,
    tags_len: usize,
    out: *mut *mut e2b_build_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let template = arg_ref(template, "template")?;
        let info = template.inner.build_in_background(&client, &build_options(name, tags, tags_len)?)?;
        *out = boxed(e2b_build_info::new(info));
        Ok(())
    })
}

/// One look at the build `info`'s status, with its log entries from `logs_offset`. Release
/// `*out` with `e2b_build_status_info_free`. Errors: NULL_ARGUMENT; BUILD (unknown build);
/// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_get_build_status(
    client: *const e2b_client,
    info: *const e2b_build_info,
    logs_offset: usize,
    out: *mut *mut e2b_build_status_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let info = arg_ref(info, "info")?;
        let status = Template::get_build_status(&client, &info.inner, Some(logs_offset))?;
        *out = boxed(status_info(status));
        Ok(())
    })
}

/// Whether a template called `name` exists (`*exists_out`). Errors: NULL_ARGUMENT,
/// INVALID_UTF8; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_exists(
    client: *const e2b_client,
    name: *const c_char,
    exists_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(exists_out, false);
        let client = client_view(client, cancel)?;
        let exists = Template::exists(&client, arg_str(name, "name")?)?;
        set_opt(exists_out, exists);
        Ok(())
    })
}

/// Gives the build `target` (`name:tag`) the tags `tags` too. Errors: NULL_ARGUMENT,
/// INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_assign_tags(
    client: *const e2b_client,
    target: *const c_char,
    tags: *const *const c_char,
    tags_len: usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let client = client_view(client, cancel)?;
        let tags = strings(tags, tags_len, "tags")?;
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        Template::assign_tags(&client, arg_str(target, "target")?, &tags)?;
        Ok(())
    })
}

/// Removes the tags `tags` of the template `name`. Errors: as `e2b_template_assign_tags`.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_remove_tags(
    client: *const e2b_client,
    name: *const c_char,
    tags: *const *const c_char,
    tags_len: usize,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let client = client_view(client, cancel)?;
        let tags = strings(tags, tags_len, "tags")?;
        let tags: Vec<&str> = tags.iter().map(String::as_str).collect();
        Template::remove_tags(&client, arg_str(name, "name")?, &tags).map_err(e2b_error::from)
    })
}

/// The tags of the template `template` (an id or a name). Release `*out` with
/// `e2b_template_tag_list_free`. Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND;
/// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_get_tags(
    client: *const e2b_client,
    template: *const c_char,
    out: *mut *mut e2b_template_tag_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let client = client_view(client, cancel)?;
        let tags: Vec<TemplateTag> = Template::get_tags(&client, arg_str(template, "template")?)?;
        let items = tags.iter().map(|t| (c_string(&t.tag), c_string(&t.build_id), c_string(&t.created_at))).collect();
        *out = boxed(e2b_template_tag_list { items });
        Ok(())
    })
}

/// Deletes the template `template` (every tag). `*deleted_out` (optional) is false if there
/// was none, which is not an error. Errors: NULL_ARGUMENT, INVALID_UTF8; PERMISSION_DENIED (a
/// template that is not the team's); AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_delete(
    client: *const e2b_client,
    template: *const c_char,
    deleted_out: *mut bool,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        set_opt(deleted_out, false);
        let client = client_view(client, cancel)?;
        let deleted = Template::delete(&client, arg_str(template, "template")?)?;
        set_opt(deleted_out, deleted);
        Ok(())
    })
}

// ---- results ----

/// Releases `info`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_info_free(info: *mut e2b_build_info) {
    free(info)
}

/// The built template's id. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_info_template_id(info: *const e2b_build_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| i.template_id.as_ptr()))
}

/// The build's id. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_info_build_id(info: *const e2b_build_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| i.build_id.as_ptr()))
}

/// The name the build was asked under. NULL if `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_info_name(info: *const e2b_build_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().map_or(ptr::null(), |i| i.name.as_ptr()))
}

/// The number of tags the build got (0 if `info` is NULL).
#[no_mangle]
pub unsafe extern "C" fn e2b_build_info_tags_len(info: *const e2b_build_info) -> usize {
    guard_value(0, || info.as_ref().map_or(0, |i| i.tags.len()))
}

/// Tag `index` of the build; NULL if out of range or `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_info_tags_get(info: *const e2b_build_info, index: usize) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().and_then(|i| i.tags.get(index)).map_or(ptr::null(), |t| t.as_ptr()))
}

/// Releases `info`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_status_info_free(info: *mut e2b_build_status_info) {
    free(info)
}

/// The build's state, an `e2b_build_status` (ERROR if `info` is NULL).
#[no_mangle]
pub unsafe extern "C" fn e2b_build_status_info_status(info: *const e2b_build_status_info) -> e2b_build_status {
    guard_value(e2b_build_status::E2B_BUILD_ERROR, || {
        info.as_ref().map_or(e2b_build_status::E2B_BUILD_ERROR, |i| i.status)
    })
}

/// Why the build failed; NULL unless it failed (or if `info` is NULL).
#[no_mangle]
pub unsafe extern "C" fn e2b_build_status_info_reason(info: *const e2b_build_status_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().and_then(|i| i.reason.as_ref()).map_or(ptr::null(), |r| r.as_ptr()))
}

/// The step that failed (`base`, a step's 1-based index, `finalize`); NULL when none is known.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_status_info_reason_step(info: *const e2b_build_status_info) -> *const c_char {
    guard_value(ptr::null(), || info.as_ref().and_then(|i| i.reason_step.as_ref()).map_or(ptr::null(), |r| r.as_ptr()))
}

/// The number of log entries in `info` (0 if NULL).
#[no_mangle]
pub unsafe extern "C" fn e2b_build_status_info_logs_len(info: *const e2b_build_status_info) -> usize {
    guard_value(0, || info.as_ref().map_or(0, |i| i.entries.len()))
}

/// Log entry `index` of `info`, owned by it; NULL if out of range or `info` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_status_info_logs_get(
    info: *const e2b_build_status_info,
    index: usize,
) -> *const e2b_build_log_entry {
    guard_value(ptr::null(), || info.as_ref().and_then(|i| i.entries.get(index)).map_or(ptr::null(), |e| e as *const _))
}

/// The entry's text. NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_log_entry_message(entry: *const e2b_build_log_entry) -> *const c_char {
    guard_value(ptr::null(), || entry.as_ref().map_or(ptr::null(), |e| e.message.as_ptr()))
}

/// The entry's level (`debug`, `info`, `warn`, `error`). NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_log_entry_level(entry: *const e2b_build_log_entry) -> *const c_char {
    guard_value(ptr::null(), || entry.as_ref().map_or(ptr::null(), |e| e.level.as_ptr()))
}

/// When the entry was written (RFC 3339). NULL if `entry` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_log_entry_timestamp(entry: *const e2b_build_log_entry) -> *const c_char {
    guard_value(ptr::null(), || entry.as_ref().map_or(ptr::null(), |e| e.timestamp.as_ptr()))
}

/// The entry's step (`base`, a step's 1-based index, `finalize`); NULL when it has none.
#[no_mangle]
pub unsafe extern "C" fn e2b_build_log_entry_step(entry: *const e2b_build_log_entry) -> *const c_char {
    guard_value(ptr::null(), || entry.as_ref().and_then(|e| e.step.as_ref()).map_or(ptr::null(), |s| s.as_ptr()))
}

/// Releases `list`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_tag_list_free(list: *mut e2b_template_tag_list) {
    free(list)
}

/// The number of tags in `list` (0 if NULL).
#[no_mangle]
pub unsafe extern "C" fn e2b_template_tag_list_len(list: *const e2b_template_tag_list) -> usize {
    guard_value(0, || list.as_ref().map_or(0, |l| l.items.len()))
}

/// Tag `index` of `list`; NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_tag_list_tag(list: *const e2b_template_tag_list, index: usize) -> *const c_char {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |t| t.0.as_ptr()))
}

/// The build tag `index` points to; NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_tag_list_build_id(
    list: *const e2b_template_tag_list,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |t| t.1.as_ptr()))
}

/// When tag `index` was made (RFC 3339); NULL if out of range or `list` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_template_tag_list_created_at(
    list: *const e2b_template_tag_list,
    index: usize,
) -> *const c_char {
    guard_value(ptr::null(), || list.as_ref().and_then(|l| l.items.get(index)).map_or(ptr::null(), |t| t.2.as_ptr()))
}
