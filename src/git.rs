//! Git helpers: clone, init, status, branches, checkout, add, commit, reset,
//! restore, push, pull, configuration and remotes, run as `git` commands in the sandbox.

use std::ffi::{c_char, CString};
use std::ptr;

use super::cancel::e2b_cancel;
use super::commands::e2b_command_result;
use super::sandbox::{e2b_sandbox, sandbox_view};
use super::{
    arg_mut, arg_opt_str, arg_str, boxed, c_ptr, c_string, e2b_bytes, e2b_error, e2b_error_code, fields_array, free,
    guard, guard_value, limit_ms, out_ptr,
};
use sdk::{
    AddOptions, CloneOptions, CommandResult, CommitOptions, ConfigScope, FileChange, Git, GitBranches, GitFileStatus,
    GitOptions, GitStatus, InitOptions, PullOptions, PushOptions, RemoteAddOptions, ResetMode, ResetOptions,
    RestoreOptions, Sandbox,
};

/// Options of the git functions, one builder for all of them: each function
/// reads the fields its documentation names and ignores the others. Every
/// function reads the common ones: environment variables, working
/// directory, user and time limit (`_set_env`, `_set_cwd`, `_set_user`,
/// `_set_timeout_ms`). New options mean the default user in their home, no
/// time limit, and each function's documented defaults.
#[derive(Clone)]
pub struct e2b_git_options {
    common: GitOptions,
    path: Option<String>,
    branch: Option<String>,
    depth: Option<u32>,
    username: Option<String>,
    password: Option<String>,
    store_credentials: bool,
    remote: Option<String>,
    set_upstream: bool,
    author_name: Option<String>,
    author_email: Option<String>,
    allow_empty: bool,
    bare: bool,
    initial_branch: Option<String>,
    fetch: bool,
    overwrite: bool,
    force: bool,
    files: Vec<String>,
    all: bool,
    scope: e2b_git_config_scope,
    reset_mode: Option<ResetMode>,
    target: Option<String>,
    staged: Option<bool>,
    worktree: Option<bool>,
    source: Option<String>,
}

impl Default for e2b_git_options {
    fn default() -> e2b_git_options {
        e2b_git_options {
            common: GitOptions::default(),
            path: None,
            branch: None,
            depth: None,
            username: None,
            password: None,
            store_credentials: false,
            remote: None,
            set_upstream: true,
            author_name: None,
            author_email: None,
            allow_empty: false,
            bare: false,
            initial_branch: None,
            fetch: false,
            overwrite: false,
            force: false,
            files: Vec::new(),
            all: true,
            scope: e2b_git_config_scope::E2B_GIT_CONFIG_GLOBAL,
            reset_mode: None,
            target: None,
            staged: None,
            worktree: None,
            source: None,
        }
    }
}

/// Which configuration file the configuration functions use.
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_git_config_scope {
    /// The user's ~/.gitconfig (`--global`, the default).
    E2B_GIT_CONFIG_GLOBAL = 0,
    /// A repository's .git/config (`--local`); needs the repository's path.
    E2B_GIT_CONFIG_LOCAL = 1,
    /// The system's /etc/gitconfig (`--system`).
    E2B_GIT_CONFIG_SYSTEM = 2,
}

/// How far `e2b_git_reset` goes (`git reset --<mode>`).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_git_reset_mode {
    /// git's own default: mixed (no flag).
    E2B_GIT_RESET_DEFAULT = 0,
    /// Moves HEAD only (`--soft`).
    E2B_GIT_RESET_SOFT = 1,
    /// Moves HEAD and resets the index (`--mixed`).
    E2B_GIT_RESET_MIXED = 2,
    /// Moves HEAD and resets the index and the working tree (`--hard`).
    E2B_GIT_RESET_HARD = 3,
    /// Like hard, keeping changes not staged (`--merge`).
    E2B_GIT_RESET_MERGE = 4,
    /// Like hard, refusing to lose local changes (`--keep`).
    E2B_GIT_RESET_KEEP = 5,
}

/// The kind of change of a file in a status (the SDKs' names in the comments).
#[repr(i32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum e2b_git_file_change {
    /// Anything else git reports ("unknown").
    E2B_GIT_FILE_UNKNOWN = 0,
    /// Changed ("modified").
    E2B_GIT_FILE_MODIFIED = 1,
    /// New in the index ("added").
    E2B_GIT_FILE_ADDED = 2,
    /// Removed ("deleted").
    E2B_GIT_FILE_DELETED = 3,
    /// Renamed ("renamed"); see renamed_from.
    E2B_GIT_FILE_RENAMED = 4,
    /// Copied ("copied").
    E2B_GIT_FILE_COPIED = 5,
    /// Its type changed ("typechange").
    E2B_GIT_FILE_TYPECHANGE = 6,
    /// Not tracked ("untracked").
    E2B_GIT_FILE_UNTRACKED = 7,
    /// Unmerged after a merge ("conflict").
    E2B_GIT_FILE_CONFLICT = 8,
}

fn change_code(change: FileChange) -> e2b_git_file_change {
    use e2b_git_file_change::*;
    match change {
        FileChange::Modified => E2B_GIT_FILE_MODIFIED,
        FileChange::Added => E2B_GIT_FILE_ADDED,
        FileChange::Deleted => E2B_GIT_FILE_DELETED,
        FileChange::Renamed => E2B_GIT_FILE_RENAMED,
        FileChange::Copied => E2B_GIT_FILE_COPIED,
        FileChange::TypeChange => E2B_GIT_FILE_TYPECHANGE,
        FileChange::Untracked => E2B_GIT_FILE_UNTRACKED,
        FileChange::Conflict => E2B_GIT_FILE_CONFLICT,
        _ => E2B_GIT_FILE_UNKNOWN,
    }
}

/// Every field of a changed file at once (see the preamble on `_fields`
/// structs: it only ever grows at its end). Owned by its status; the strings
/// are UTF-8, valid until the status is freed.
#[repr(C)]
pub struct e2b_git_file_fields {
    /// The size of this struct in the library.
    pub struct_size: usize,
    /// The path, relative to the repository's top.
    pub name: *const c_char,
    /// What kind of change it is.
    pub status: e2b_git_file_change,
    /// The index's status letter as `git status --porcelain` shows it (' ' unchanged, '?' untracked).
    pub index_status: c_char,
    /// The working tree's status letter (' ' unchanged, '?' untracked).
    pub working_tree_status: c_char,
    /// Whether the change is staged.
    pub staged: bool,
    /// The path before a rename or copy; NULL otherwise.
    pub renamed_from: *const c_char,
}

/// One changed file of an `e2b_git_status_info`.
pub struct e2b_git_file_info {
    fields: e2b_git_file_fields,
    _name: CString,
    _renamed_from: Option<CString>,
}

/// Every field of a status at once (see the preamble on `_fields` structs).
/// Owned by the status; strings valid until it is freed.
#[repr(C)]
pub struct e2b_git_status_fields {
    /// The size of this struct in the library.
    pub struct_size: usize,
    /// The branch checked out; NULL when HEAD is detached.
    pub current_branch: *const c_char,
    /// The branch's upstream (e.g. "origin/main"); NULL if it has none.
    pub upstream: *const c_char,
    /// Commits the branch has that its upstream lacks.
    pub ahead: u32,
    /// Commits the upstream has that the branch lacks.
    pub behind: u32,
    /// Whether HEAD is detached.
    pub detached: bool,
    /// The number of changed files (`e2b_git_status_info_files_len`).
    pub files_len: usize,
}

/// A repository's state from `e2b_git_status_info`: branch, upstream, and
/// changed files (`e2b_git_status_info_files_len/_get/_fields`).
pub struct e2b_git_status_info {
    fields: e2b_git_status_fields,
    files: Vec<e2b_git_file_info>,
    file_fields: Vec<*const e2b_git_file_fields>,
    _current_branch: Option<CString>,
    _upstream: Option<CString>,
}

/// A repository's local branches from `e2b_git_branch_list`: a list of names
/// (`e2b_git_branch_list_len/_get`) and the current one.
pub struct e2b_git_branch_list {
    names: Vec<CString>,
    current: Option<CString>,
}

impl e2b_git_file_info {
    fn new(file: GitFileStatus) -> e2b_git_file_info {
        let name = c_string(&file.name);
        let renamed_from = file.renamed_from.as_deref().map(c_string);
        let letter = |c: char| if c.is_ascii() { c as u8 as c_char } else { b'?' as c_char };
        let fields = e2b_git_file_fields {
            struct_size: std::mem::size_of::<e2b_git_file_fields>(),
            name: name.as_ptr(),
            status: change_code(file.status),
            index_status: letter(file.index_status),
            working_tree_status: letter(file.working_tree_status),
            staged: file.staged,
            renamed_from: c_ptr(renamed_from.as_ref()),
        };
        e2b_git_file_info { fields, _name: name, _renamed_from: renamed_from }
    }
}

impl e2b_git_status_info {
    fn new(status: GitStatus) -> e2b_git_status_info {
        let current_branch = status.current_branch.as_deref().map(c_string);
        let upstream = status.upstream.as_deref().map(c_string);
        let files: Vec<e2b_git_file_info> = status.file_status.into_iter().map(e2b_git_file_info::new).collect();
        // The items stay where they are from now on: the vector is never changed.
        let file_fields = files.iter().map(|f| &f.fields as *const e2b_git_file_fields).collect();
        let fields = e2b_git_status_fields {
            struct_size: std::mem::size_of::<e2b_git_status_fields>(),
            current_branch: c_ptr(current_branch.as_ref()),
            upstream: c_ptr(upstream.as_ref()),
            ahead: status.ahead,
            behind: status.behind,
            detached: status.detached,
            files_len: files.len(),
        };
        e2b_git_status_info { fields, files, file_fields, _current_branch: current_branch, _upstream: upstream }
    }
}

impl e2b_git_branch_list {
    fn new(branches: GitBranches) -> e2b_git_branch_list {
        e2b_git_branch_list {
            names: branches.branches.iter().map(|b| c_string(b)).collect(),
            current: branches.current_branch.as_deref().map(c_string),
        }
    }
}

// ---- options ----

/// New git options with the defaults. Release with `e2b_git_options_free`.
#[no_mangle]
pub extern "C" fn e2b_git_options_new() -> *mut e2b_git_options {
    guard_value(ptr::null_mut(), || boxed(e2b_git_options::default()))
}

/// Releases `options`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_free(options: *mut e2b_git_options) {
    free(options)
}

unsafe fn update(
    options: *mut e2b_git_options,
    err_out: *mut *mut e2b_error,
    apply: impl FnOnce(&mut e2b_git_options) -> Result<(), e2b_error>,
) -> e2b_error_code {
    guard(err_out, || apply(arg_mut(options, "options")?))
}

/// Adds (or replaces) an environment variable for git (every function).
/// Errors: NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_env(
    options: *mut e2b_git_options,
    name: *const c_char,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let name = arg_str(name, "name")?;
        let value = arg_str(value, "value")?;
        o.common.envs.insert(name.to_owned(), value.to_owned());
        Ok(())
    })
}

/// Sets the working directory git runs in (every function); relative
/// repository paths start there. NULL: the user's home. Errors: INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_cwd(
    options: *mut e2b_git_options,
    cwd: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.common.cwd = arg_opt_str(cwd, "cwd")?.map(str::to_owned);
        Ok(())
    })
}

/// Runs git as `user` (every function); NULL: the sandbox's default user.
/// Errors: INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_user(
    options: *mut e2b_git_options,
    user: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.common.user = arg_opt_str(user, "user")?.map(str::to_owned);
        Ok(())
    })
}

/// Sets how long each git process may live, in milliseconds (every
/// function); 0, the default, and E2B_TIMEOUT_NONE: no limit, as in the
/// SDKs' git helpers. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_timeout_ms(
    options: *mut e2b_git_options,
    timeout_ms: u64,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.common.timeout = limit_ms(timeout_ms, None);
        Ok(())
    })
}

/// Where `e2b_git_clone` clones to; NULL: git's default (the URL's last
/// part). Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_path(
    options: *mut e2b_git_options,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.path = arg_opt_str(value, "path")?.map(str::to_owned);
        Ok(())
    })
}
/// The branch `e2b_git_clone` clones alone (`--branch B --single-branch`),
/// and the branch `e2b_git_push` pushes and `e2b_git_pull` merges; NULL:
/// git's choice. Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_branch(
    options: *mut e2b_git_options,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.branch = arg_opt_str(value, "branch")?.map(str::to_owned);
        Ok(())
    })
}
/// The remote `e2b_git_push` pushes to and `e2b_git_pull` pulls from;
/// NULL: the branch's upstream (with credentials: the only remote).
/// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_remote(
    options: *mut e2b_git_options,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.remote = arg_opt_str(value, "remote")?.map(str::to_owned);
        Ok(())
    })
}
/// The first branch of `e2b_git_init` (`--initial-branch`); NULL: git's
/// default. Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_initial_branch(
    options: *mut e2b_git_options,
    value: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.initial_branch = arg_opt_str(value, "initial_branch")?.map(str::to_owned);
        Ok(())
    })
}
/// `e2b_git_clone`: keep the credentials in the new repository for its
/// later pushes and pulls (default false: they are forgotten).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_dangerously_store_credentials(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.store_credentials = value;
        Ok(())
    })
}
/// `e2b_git_push`: pass `--set-upstream` when a remote is known (default true).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_set_upstream(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.set_upstream = value;
        Ok(())
    })
}
/// `e2b_git_commit`: commit even when nothing changed (default false).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_allow_empty(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.allow_empty = value;
        Ok(())
    })
}
/// `e2b_git_init`: make a bare repository (default false). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_bare(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.bare = value;
        Ok(())
    })
}
/// `e2b_git_remote_add`: fetch from the remote once added (default false).
/// Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_fetch(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.fetch = value;
        Ok(())
    })
}
/// `e2b_git_remote_add`: change the URL of an existing remote of that
/// name instead of failing (default false). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_overwrite(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.overwrite = value;
        Ok(())
    })
}
/// `e2b_git_delete_branch`: delete even an unmerged branch (`-D`; default
/// false). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_force(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.force = value;
        Ok(())
    })
}
/// `e2b_git_add` with no files: stage every change (`add -A`, the
/// default true) or only what is under the repository's directory
/// (`add .`). Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_all(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.all = value;
        Ok(())
    })
}

/// `e2b_git_clone` (0 for none: the whole history): clone only the last
/// `depth` commits. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_depth(
    options: *mut e2b_git_options,
    depth: u32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.depth = (depth > 0).then_some(depth);
        Ok(())
    })
}

/// The username and password (or token) for HTTP(S) authentication of
/// `e2b_git_clone`, `e2b_git_push` and `e2b_git_pull`; both or neither
/// (NULL, NULL clears them). They reach git through a private file in the
/// sandbox, removed after the call, never through a command line or an
/// environment variable. Errors: NULL_ARGUMENT (options), INVALID_UTF8;
/// INVALID_ARGUMENT (one without the other).
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_credentials(
    options: *mut e2b_git_options,
    username: *const c_char,
    password: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        let username = arg_opt_str(username, "username")?;
        let password = arg_opt_str(password, "password")?;
        if username.is_some() != password.is_some() {
            return Err(e2b_error::new(
                e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                "a username needs a password or token, and a password a username",
            ));
        }
        o.username = username.map(str::to_owned);
        o.password = password.map(str::to_owned);
        Ok(())
    })
}

/// The author of `e2b_git_commit`'s commit (`-c user.name=... -c
/// user.email=...`); NULL for either: the configured one. Errors:
/// NULL_ARGUMENT (options), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_author(
    options: *mut e2b_git_options,
    name: *const c_char,
    email: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.author_name = arg_opt_str(name, "name")?.map(str::to_owned);
        o.author_email = arg_opt_str(email, "email")?.map(str::to_owned);
        Ok(())
    })
}

/// Adds a path for `e2b_git_add` to stage (`add -- f...`; with none it
/// stages everything), for `e2b_git_reset` to reset (`reset -- f...`) or
/// for `e2b_git_restore` to restore (at least one; "." for all). Errors:
/// NULL_ARGUMENT, INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_add_file(
    options: *mut e2b_git_options,
    file: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.files.push(arg_str(file, "file")?.to_owned());
        Ok(())
    })
}

/// The configuration file of `e2b_git_set_config`, `e2b_git_get_config` and
/// `e2b_git_configure_user` (default E2B_GIT_CONFIG_GLOBAL). Errors:
/// NULL_ARGUMENT; INVALID_ARGUMENT (a value not in the enum).
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_scope(
    options: *mut e2b_git_options,
    scope: i32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.scope = match scope {
            0 => e2b_git_config_scope::E2B_GIT_CONFIG_GLOBAL,
            1 => e2b_git_config_scope::E2B_GIT_CONFIG_LOCAL,
            2 => e2b_git_config_scope::E2B_GIT_CONFIG_SYSTEM,
            other => {
                return Err(e2b_error::new(
                    e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                    format!("scope {other} is not an e2b_git_config_scope"),
                ))
            }
        };
        Ok(())
    })
}

/// `e2b_git_reset`'s mode (an `e2b_git_reset_mode`; default
/// E2B_GIT_RESET_DEFAULT, git's mixed). Errors: NULL_ARGUMENT;
/// INVALID_ARGUMENT (a value not in the enum).
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_reset_mode(
    options: *mut e2b_git_options,
    mode: i32,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.reset_mode = match mode {
            0 => None,
            1 => Some(ResetMode::Soft),
            2 => Some(ResetMode::Mixed),
            3 => Some(ResetMode::Hard),
            4 => Some(ResetMode::Merge),
            5 => Some(ResetMode::Keep),
            other => {
                return Err(e2b_error::new(
                    e2b_error_code::E2B_ERR_INVALID_ARGUMENT,
                    format!("mode {other} is not an e2b_git_reset_mode"),
                ))
            }
        };
        Ok(())
    })
}

/// The commit, branch or ref `e2b_git_reset` resets to; NULL: HEAD.
/// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_target(
    options: *mut e2b_git_options,
    target: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.target = arg_opt_str(target, "target")?.map(str::to_owned);
        Ok(())
    })
}

/// `e2b_git_restore`: restore the index, i.e. unstage (`--staged`). Not set:
/// only when worktree is not set either is it decided for you (no), as in
/// the SDKs. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_staged(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.staged = Some(value);
        Ok(())
    })
}

/// `e2b_git_restore`: restore the working tree (`--worktree`). Not set: yes
/// unless staged is set to true. Errors: NULL_ARGUMENT.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_worktree(
    options: *mut e2b_git_options,
    value: bool,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.worktree = Some(value);
        Ok(())
    })
}

/// `e2b_git_restore`: restore from this commit, branch or ref (`--source`);
/// NULL: the index (or HEAD for the index). Errors: NULL_ARGUMENT (options),
/// INVALID_UTF8.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_options_set_source(
    options: *mut e2b_git_options,
    source: *const c_char,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    update(options, err_out, |o| {
        o.source = arg_opt_str(source, "source")?.map(str::to_owned);
        Ok(())
    })
}

// ---- calls ----

fn options_or_default(options: *const e2b_git_options) -> e2b_git_options {
    // SAFETY: the caller passes NULL or a live options object.
    unsafe { options.as_ref() }.cloned().unwrap_or_default()
}

fn scope(options: &e2b_git_options) -> ConfigScope {
    match options.scope {
        e2b_git_config_scope::E2B_GIT_CONFIG_GLOBAL => ConfigScope::Global,
        e2b_git_config_scope::E2B_GIT_CONFIG_LOCAL => ConfigScope::Local,
        e2b_git_config_scope::E2B_GIT_CONFIG_SYSTEM => ConfigScope::System,
    }
}

/// Runs `body` with the sandbox's git helpers under `cancel` and the options' common settings.
unsafe fn with_git<T>(
    sandbox: *const e2b_sandbox,
    options: *const e2b_git_options,
    cancel: *const e2b_cancel,
    body: impl FnOnce(&Git<'_>, &e2b_git_options) -> Result<T, e2b_error>,
) -> Result<T, e2b_error> {
    let sandbox: Sandbox = sandbox_view(sandbox, cancel)?;
    let options = options_or_default(options);
    let git = sandbox.git().with_options(options.common.clone());
    body(&git, &options)
}

/// Hands `result` to `out` if the caller wants it (`out` may be NULL).
unsafe fn give_result(out: *mut *mut e2b_command_result, result: CommandResult) {
    if !out.is_null() {
        *out = boxed(e2b_command_result::new(result));
    }
}

/// Clears `out` on entry, when given.
unsafe fn clear(out: *mut *mut e2b_command_result) {
    if !out.is_null() {
        *out = ptr::null_mut();
    }
}

/// Clones `url` (`git clone`). Options: path, branch, depth, credentials,
/// dangerously_store_credentials. `out` (may be NULL) receives git's result;
/// release it with `e2b_command_result_free`.
///
/// The git functions run `git` in the sandbox with GIT_TERMINAL_PROMPT=0;
/// a git that fails gives GIT_AUTH (credentials missing or wrong),
/// GIT_UPSTREAM (no upstream to push to or pull from), NOT_FOUND (no
/// repository at the path or URL) or COMMAND_EXIT, with git's words at the
/// end of the message. A cancelled call kills its git (best effort) and
/// removes the credentials it was given. Errors: NULL_ARGUMENT,
/// INVALID_UTF8, INVALID_ARGUMENT; GIT_AUTH; NOT_FOUND; COMMAND_EXIT;
/// TIMEOUT; SANDBOX_GONE; NETWORK; API; CANCELLED.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_clone(
    sandbox: *const e2b_sandbox,
    url: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let url = arg_str(url, "url")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut clone = CloneOptions::default().dangerously_store_credentials(o.store_credentials);
            clone.path = o.path.clone();
            clone.branch = o.branch.clone();
            clone.depth = o.depth;
            clone.username = o.username.clone();
            clone.password = o.password.clone();
            Ok(git.clone(url, &clone)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Makes a repository at `path` (`git init`). Options: bare, initial_branch.
/// `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_init(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut init = InitOptions::default().bare(o.bare);
            init.initial_branch = o.initial_branch.clone();
            Ok(git.init(path, &init)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Adds the remote `name` at `url` to the repository at `path` (`git remote
/// add`). Options: fetch, overwrite. `out` as for `e2b_git_clone`. Errors:
/// as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_remote_add(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    name: *const c_char,
    url: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let name = arg_str(name, "name")?;
        let url = arg_str(url, "url")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            Ok(git.remote_add(path, name, url, &RemoteAddOptions::default().fetch(o.fetch).overwrite(o.overwrite))?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// The URL of the remote `name` of the repository at `path`, as text in
/// `*out` (dispose of it with `e2b_bytes_dispose`); `out->data` is NULL if
/// there is no such remote. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_remote_get(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    name: *const c_char,
    options: *const e2b_git_options,
    out: *mut e2b_bytes,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = arg_mut(out, "out")?;
        *out = e2b_bytes::EMPTY;
        let path = arg_str(path, "path")?;
        let name = arg_str(name, "name")?;
        if let Some(url) = with_git(sandbox, options, cancel, |git, _| Ok(git.remote_get(path, name)?))? {
            *out = e2b_bytes::from_vec(url.into_bytes());
        }
        Ok(())
    })
}

/// The state of the repository at `path` (`git status --porcelain=v2
/// --branch -z`, parsed). Release `*out` with `e2b_git_status_info_free`.
/// Errors: as `e2b_git_clone`; DECODE.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_git_status_info,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let path = arg_str(path, "path")?;
        let status = with_git(sandbox, options, cancel, |git, _| Ok(git.status(path)?))?;
        *out = boxed(e2b_git_status_info::new(status));
        Ok(())
    })
}

/// The local branches of the repository at `path`. Release `*out` with
/// `e2b_git_branch_list_free`. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_branches(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_git_branch_list,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = out_ptr(out, "out")?;
        let path = arg_str(path, "path")?;
        let branches = with_git(sandbox, options, cancel, |git, _| Ok(git.branches(path)?))?;
        *out = boxed(e2b_git_branch_list::new(branches));
        Ok(())
    })
}

/// The three branch functions: create and check out, check out, delete.
#[derive(Clone, Copy)]
enum BranchVerb {
    Create,
    Checkout,
    Delete,
}

#[allow(clippy::too_many_arguments)] // The C functions' arguments, passed through.
unsafe fn branch_call(
    verb: BranchVerb,
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    branch: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let branch = arg_str(branch, "branch")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            Ok(match verb {
                BranchVerb::Create => git.create_branch(path, branch)?,
                BranchVerb::Checkout => git.checkout_branch(path, branch)?,
                BranchVerb::Delete => git.delete_branch(path, branch, o.force)?,
            })
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Makes the branch `branch` in the repository at `path` and checks it out
/// (`git checkout -b`). `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_create_branch(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    branch: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    branch_call(BranchVerb::Create, sandbox, path, branch, options, out, cancel, err_out)
}

/// Checks out the branch `branch` (`git checkout`). `out` as for
/// `e2b_git_clone`. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_checkout_branch(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    branch: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    branch_call(BranchVerb::Checkout, sandbox, path, branch, options, out, cancel, err_out)
}

/// Deletes the branch `branch` (`git branch -d`). Options: force (`-D`).
/// `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_delete_branch(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    branch: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    branch_call(BranchVerb::Delete, sandbox, path, branch, options, out, cancel, err_out)
}

/// Stages changes in the repository at `path` (`git add`). Options: files
/// (`e2b_git_options_add_file`), all. `out` as for `e2b_git_clone`.
/// Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_add(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut add = AddOptions::default().all(o.all);
            add.files = o.files.clone();
            Ok(git.add(path, &add)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Moves HEAD of the repository at `path`, and with it the index and
/// working tree as the mode says (`git reset`). Options: reset_mode,
/// target, files (paths). `out` as for `e2b_git_clone`. Errors: as
/// `e2b_git_clone` (COMMAND_EXIT for an unknown target).
#[no_mangle]
pub unsafe extern "C" fn e2b_git_reset(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut reset = ResetOptions::default();
            reset.mode = o.reset_mode;
            reset.target = o.target.clone();
            reset.paths = o.files.clone();
            Ok(git.reset(path, &reset)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Restores files of the working tree or the index of the repository at
/// `path` (`git restore`). Options: files (at least one), staged, worktree,
/// source. `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`;
/// INVALID_ARGUMENT without a file, or with staged and worktree both false.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_restore(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut restore = RestoreOptions::default();
            restore.paths = o.files.clone();
            restore.staged = o.staged;
            restore.worktree = o.worktree;
            restore.source = o.source.clone();
            Ok(git.restore(path, &restore)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Commits what is staged in the repository at `path` with `message`
/// (`git commit -m`). Options: author, allow_empty. `out` as for
/// `e2b_git_clone`. Errors: as `e2b_git_clone` (COMMAND_EXIT when there is
/// nothing to commit).
#[no_mangle]
pub unsafe extern "C" fn e2b_git_commit(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    message: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let message = arg_str(message, "message")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut commit = CommitOptions::default().allow_empty(o.allow_empty);
            commit.author_name = o.author_name.clone();
            commit.author_email = o.author_email.clone();
            Ok(git.commit(path, message, &commit)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Pushes the repository at `path` (`git push`). Options: remote, branch,
/// set_upstream, credentials. `out` as for `e2b_git_clone`. Errors: as
/// `e2b_git_clone`; GIT_UPSTREAM (no remote given and no upstream).
#[no_mangle]
pub unsafe extern "C" fn e2b_git_push(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut push = PushOptions::default().set_upstream(o.set_upstream);
            push.remote = o.remote.clone();
            push.branch = o.branch.clone();
            push.username = o.username.clone();
            push.password = o.password.clone();
            Ok(git.push(path, &push)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Pulls into the repository at `path` (`git pull`). Options: remote,
/// branch, credentials; with neither remote nor branch the branch needs an
/// upstream, else GIT_UPSTREAM before anything is fetched. `out` as for
/// `e2b_git_clone`. Errors: as `e2b_git_clone`; GIT_UPSTREAM.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_pull(
    sandbox: *const e2b_sandbox,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut *mut e2b_command_result,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        clear(out);
        let path = arg_str(path, "path")?;
        let result = with_git(sandbox, options, cancel, |git, o| {
            let mut pull = PullOptions::default();
            pull.remote = o.remote.clone();
            pull.branch = o.branch.clone();
            pull.username = o.username.clone();
            pull.password = o.password.clone();
            Ok(git.pull(path, &pull)?)
        })?;
        give_result(out, result);
        Ok(())
    })
}

/// Sets `key` to `value` (`git config --<scope>`). Options: scope; `path`
/// is the repository (NULL for none; required by E2B_GIT_CONFIG_LOCAL).
/// Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_set_config(
    sandbox: *const e2b_sandbox,
    key: *const c_char,
    value: *const c_char,
    path: *const c_char,
    options: *const e2b_git_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let key = arg_str(key, "key")?;
        let value = arg_str(value, "value")?;
        let path = arg_opt_str(path, "path")?;
        with_git(sandbox, options, cancel, |git, o| Ok(git.set_config(key, value, scope(o), path).map(drop)?))
    })
}

/// The value of `key` (`git config --<scope> --get`), as text in `*out`
/// (dispose of it with `e2b_bytes_dispose`); `out->data` is NULL if the key
/// is not set. Options: scope; `path` as for `e2b_git_set_config`.
/// Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_get_config(
    sandbox: *const e2b_sandbox,
    key: *const c_char,
    path: *const c_char,
    options: *const e2b_git_options,
    out: *mut e2b_bytes,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let out = arg_mut(out, "out")?;
        *out = e2b_bytes::EMPTY;
        let key = arg_str(key, "key")?;
        let path = arg_opt_str(path, "path")?;
        if let Some(value) = with_git(sandbox, options, cancel, |git, o| Ok(git.get_config(key, scope(o), path)?))? {
            *out = e2b_bytes::from_vec(value.into_bytes());
        }
        Ok(())
    })
}

/// Sets `user.name` and `user.email`. Options: scope; `path` as for
/// `e2b_git_set_config`. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_configure_user(
    sandbox: *const e2b_sandbox,
    name: *const c_char,
    email: *const c_char,
    path: *const c_char,
    options: *const e2b_git_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let name = arg_str(name, "name")?;
        let email = arg_str(email, "email")?;
        let path = arg_opt_str(path, "path")?;
        with_git(sandbox, options, cancel, |git, o| Ok(git.configure_user(name, email, scope(o), path)?))
    })
}

/// Stores `username` and `password` for every repository at `host` (e.g.
/// "github.com") over `protocol` ("https" or "http") in the user's
/// ~/.git-credentials (`credential.helper=store`, global). The secret
/// reaches git through a private file, never a command line, but then
/// stays on the sandbox's disk. Errors: as `e2b_git_clone`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_dangerously_authenticate(
    sandbox: *const e2b_sandbox,
    username: *const c_char,
    password: *const c_char,
    host: *const c_char,
    protocol: *const c_char,
    options: *const e2b_git_options,
    cancel: *const e2b_cancel,
    err_out: *mut *mut e2b_error,
) -> e2b_error_code {
    guard(err_out, || {
        let username = arg_str(username, "username")?;
        let password = arg_str(password, "password")?;
        let host = arg_str(host, "host")?;
        let protocol = arg_str(protocol, "protocol")?;
        with_git(sandbox, options, cancel, |git, _| {
            Ok(git.dangerously_authenticate(username, password, host, protocol)?)
        })
    })
}

// ---- status ----

/// Every field of `status` at once (see `e2b_git_status_fields`); NULL if
/// `status` is NULL. Borrowed from `status`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_fields(
    status: *const e2b_git_status_info,
) -> *const e2b_git_status_fields {
    guard_value(ptr::null(), || status.as_ref().map_or(ptr::null(), |s| &s.fields as *const _))
}

/// The branch checked out; NULL when HEAD is detached (or `status` is NULL). Borrowed.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_current_branch(status: *const e2b_git_status_info) -> *const c_char {
    guard_value(ptr::null(), || status.as_ref().map_or(ptr::null(), |s| s.fields.current_branch))
}

/// The branch's upstream (e.g. "origin/main"); NULL if it has none. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_upstream(status: *const e2b_git_status_info) -> *const c_char {
    guard_value(ptr::null(), || status.as_ref().map_or(ptr::null(), |s| s.fields.upstream))
}

/// Commits the branch has that its upstream lacks; 0 if `status` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_ahead(status: *const e2b_git_status_info) -> u32 {
    guard_value(0, || status.as_ref().map_or(0, |s| s.fields.ahead))
}

/// Commits the upstream has that the branch lacks; 0 if `status` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_behind(status: *const e2b_git_status_info) -> u32 {
    guard_value(0, || status.as_ref().map_or(0, |s| s.fields.behind))
}

/// Whether HEAD is detached; false if `status` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_detached(status: *const e2b_git_status_info) -> bool {
    guard_value(false, || status.as_ref().is_some_and(|s| s.fields.detached))
}

/// The number of changed (or untracked) files; 0 if `status` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_files_len(status: *const e2b_git_status_info) -> usize {
    guard_value(0, || status.as_ref().map_or(0, |s| s.files.len()))
}

/// The changed file at `index`, borrowed from `status`; NULL if out of range.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_files_get(
    status: *const e2b_git_status_info,
    index: usize,
) -> *const e2b_git_file_info {
    guard_value(ptr::null(), || status.as_ref().and_then(|s| s.files.get(index)).map_or(ptr::null(), |f| f as *const _))
}

/// Every changed file's fields in one call: an array of `*len_out`
/// pointers (NULL when there are none), borrowed from `status`.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_files_fields(
    status: *const e2b_git_status_info,
    len_out: *mut usize,
) -> *const *const e2b_git_file_fields {
    guard_value(ptr::null(), || fields_array(status.as_ref().map(|s| s.file_fields.as_slice()), len_out))
}

/// Releases `status` and its files. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_status_info_free(status: *mut e2b_git_status_info) {
    free(status)
}

/// Every field of `file` at once; NULL if `file` is NULL. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_file_info_fields(file: *const e2b_git_file_info) -> *const e2b_git_file_fields {
    guard_value(ptr::null(), || file.as_ref().map_or(ptr::null(), |f| &f.fields as *const _))
}

/// The file's path, relative to the repository's top; NULL if `file` is NULL. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_file_info_name(file: *const e2b_git_file_info) -> *const c_char {
    guard_value(ptr::null(), || file.as_ref().map_or(ptr::null(), |f| f.fields.name))
}

/// What kind of change it is; E2B_GIT_FILE_UNKNOWN if `file` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_file_info_status(file: *const e2b_git_file_info) -> e2b_git_file_change {
    guard_value(e2b_git_file_change::E2B_GIT_FILE_UNKNOWN, || {
        file.as_ref().map_or(e2b_git_file_change::E2B_GIT_FILE_UNKNOWN, |f| f.fields.status)
    })
}

/// The SDKs' name of a change ("modified", "untracked", ...); "unknown" for
/// a value this library does not know. Static; never NULL.
#[no_mangle]
pub extern "C" fn e2b_git_file_change_name(change: i32) -> *const c_char {
    let name: &'static [u8] = match change {
        1 => b"modified\0",
        2 => b"added\0",
        3 => b"deleted\0",
        4 => b"renamed\0",
        5 => b"copied\0",
        6 => b"typechange\0",
        7 => b"untracked\0",
        8 => b"conflict\0",
        _ => b"unknown\0",
    };
    name.as_ptr().cast()
}

/// The index's status letter (' ' unchanged, '?' untracked); 0 if `file` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_file_info_index_status(file: *const e2b_git_file_info) -> c_char {
    guard_value(0, || file.as_ref().map_or(0, |f| f.fields.index_status))
}

/// The working tree's status letter (' ' unchanged, '?' untracked); 0 if `file` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_file_info_working_tree_status(file: *const e2b_git_file_info) -> c_char {
    guard_value(0, || file.as_ref().map_or(0, |f| f.fields.working_tree_status))
}

/// Whether the change is staged; false if `file` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_file_info_staged(file: *const e2b_git_file_info) -> bool {
    guard_value(false, || file.as_ref().is_some_and(|f| f.fields.staged))
}

/// The path before a rename or copy; NULL otherwise. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_file_info_renamed_from(file: *const e2b_git_file_info) -> *const c_char {
    guard_value(ptr::null(), || file.as_ref().map_or(ptr::null(), |f| f.fields.renamed_from))
}

// ---- branches ----

/// The number of branches; 0 if `branches` is NULL.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_branch_list_len(branches: *const e2b_git_branch_list) -> usize {
    guard_value(0, || branches.as_ref().map_or(0, |b| b.names.len()))
}

/// The name of the branch at `index`, in git's order; NULL if out of range. Borrowed.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_branch_list_get(branches: *const e2b_git_branch_list, index: usize) -> *const c_char {
    guard_value(ptr::null(), || branches.as_ref().and_then(|b| b.names.get(index)).map_or(ptr::null(), |n| n.as_ptr()))
}

/// The branch checked out; NULL if none is (a detached HEAD). Borrowed.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_branch_list_current(branches: *const e2b_git_branch_list) -> *const c_char {
    guard_value(ptr::null(), || branches.as_ref().map_or(ptr::null(), |b| c_ptr(b.current.as_ref())))
}

/// Releases `branches`. NULL is ignored.
#[no_mangle]
pub unsafe extern "C" fn e2b_git_branch_list_free(branches: *mut e2b_git_branch_list) {
    free(branches)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn null_and_bad_arguments_are_errors_not_crashes() {
        unsafe {
            let mut err = ptr::null_mut();
            let code = e2b_git_clone(ptr::null(), c"u".as_ptr(), ptr::null(), ptr::null_mut(), ptr::null(), &mut err);
            assert_eq!(code, e2b_error_code::E2B_ERR_NULL_ARGUMENT);
            crate::e2b_error_free(err);
            let options = e2b_git_options_new();
            let code = e2b_git_options_set_scope(options, 7, ptr::null_mut());
            assert_eq!(code, e2b_error_code::E2B_ERR_INVALID_ARGUMENT);
            let code = e2b_git_options_set_credentials(options, c"u".as_ptr(), ptr::null(), ptr::null_mut());
            assert_eq!(code, e2b_error_code::E2B_ERR_INVALID_ARGUMENT);
            e2b_git_options_free(options);
            assert!(e2b_git_status_info_files_get(ptr::null(), 0).is_null());
            assert_eq!(e2b_git_branch_list_len(ptr::null()), 0);
        }
    }
}
