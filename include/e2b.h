/*
 * e2b.h: the C API of libe2b, a client for E2B cloud sandboxes.
 *
 * The header follows the order in which a program works: versions, errors,
 * cancel tokens, the client, sandboxes, files, commands, the code interpreter,
 * git helpers.
 *
 * Names and idioms
 * - Functions are e2b_<object>_<verb>, and their first argument is the object
 *   the name starts with: e2b_client_create_sandbox(client, ...),
 *   e2b_sandbox_kill(sandbox, ...). e2b_files_*, e2b_commands_*, e2b_pty_*,
 *   e2b_code_* and e2b_git_* act on the e2b_sandbox given first (the SDKs'
 *   sandbox.files, sandbox.commands, sandbox.pty, the code interpreter and
 *   sandbox.git).
 * - Handles are opaque pointers released with e2b_<object>_free; passing NULL
 *   to a _free function does nothing. Each function that hands out something
 *   says how to release it. Never call free() on anything from this library.
 * - Options: e2b_<object>_options_new, _set_<field>, _free; NULL options mean
 *   the defaults. Options are copied by the call that takes them.
 * - A collection in an object: e2b_<object>_<collection>_len(obj) and
 *   e2b_<object>_<collection>_get(obj, i); a list object is its own
 *   collection (e2b_entry_list_len/_get, e2b_sandbox_page_len/_get). A map:
 *   _len, _key(i), _value(i), and _get(key) where lookup by key is useful.
 *   An index out of range gives NULL.
 * - An info object also gives every field at once, as a plain struct:
 *   e2b_<info>_fields(info); a list, every item's struct in one call:
 *   e2b_<list>_fields(list, &len), an array of pointers (e2b_entry_list_fields,
 *   e2b_sandbox_page_fields). One call instead of one per field and item,
 *   for bindings whose calls into C cost. Such a struct starts with
 *   `size_t struct_size` and only ever grows at its end: a field newer than
 *   the oldest library a program runs with is there only if struct_size
 *   reaches past it. (Structs rather than a serialized form such as JSON:
 *   C, C++ and Go read them with no parser, and Python's ctypes reads a
 *   list of them faster than its json module parses the same list.)
 * - String getters return borrowed `const char *` (UTF-8; NULL for "absent"),
 *   valid until their object is freed.
 * - Strings passed in are NUL-terminated UTF-8; invalid UTF-8 is rejected with
 *   E2B_ERR_INVALID_UTF8, a NULL where a value is required with
 *   E2B_ERR_NULL_ARGUMENT. Contents (files, stdin) are (data, len) pairs; data
 *   may be NULL when len is 0. Every input is copied before the call returns.
 *
 * Arguments, in this order: the object, inputs, options, callbacks,
 * user_data, outputs, cancel, err_out.
 * - Every fallible function returns an e2b_error_code (E2B_OK is 0) and takes
 *   `e2b_error **err_out` last, which may be NULL. When it is not NULL it is
 *   set to NULL on entry and, on failure, to an error object the caller owns
 *   and releases with e2b_error_free. No state is kept per thread.
 * - Out-parameters for objects (`T **out`) are set to NULL on entry and
 *   receive an owned object only on success. Bytes are returned in a caller
 *   provided e2b_bytes, released with e2b_bytes_dispose.
 *
 * Durations
 * - Every duration is a uint64_t in milliseconds, named ..._ms. 0 always means
 *   the default each function states. E2B_TIMEOUT_NONE means no limit where a
 *   limit can be lifted (request timeouts, command and run timeouts, call
 *   deadlines, waits), and is rejected with E2B_ERR_INVALID_ARGUMENT where it
 *   cannot (a sandbox's lifetime: E2B requires one). Durations the server
 *   counts in seconds are rounded up.
 *
 * Cancellation
 * - Every blocking function (one that may do network I/O or wait) takes
 *   `const e2b_cancel *cancel` just before err_out; NULL means not
 *   cancellable. e2b_cancel_cancel, from any thread, ends every call given the
 *   token within 100 ms with E2B_ERR_CANCELLED, closing the connection under
 *   it. A token stays cancelled: a call given a cancelled token fails at once.
 *   One token may serve any number of calls; make a fresh one for the next
 *   operation.
 * - A token given to a call that makes a handle (e2b_commands_start,
 *   e2b_commands_connect, e2b_pty_create, e2b_commands_open_input,
 *   e2b_files_open_read, e2b_files_watch_dir) applies to
 *   that call only; each later call on the handle takes its own token.
 * - What a cancelled call leaves: a cancelled e2b_commands_run or
 *   e2b_command_wait kills its process (best effort: one short request not
 *   tied to the token); a start cancelled before the sandbox said the
 *   process's id may have started it (e2b_commands_list finds it); an upload
 *   leaves the old file in place (uploads are atomic); a control-plane call
 *   that reached the server may have been done (a sandbox created or killed).
 * - Freeing a handle never waits for the network (e2b_watch_free stops its
 *   watcher in the background).
 *
 * Callbacks
 * - Every callback takes `void *user_data` first, passed through unchanged
 *   from the call that takes the callback; the library never keeps it.
 * - Callbacks run on the calling thread, before the call returns, with no
 *   lock held: they may call other e2b_* functions, but must not free the
 *   handle in use. Data passed to them is borrowed for the callback only.
 * - Returning 0 continues; anything else stops the operation, which then
 *   fails with E2B_ERR_CALLBACK_ABORTED; e2b_error_callback_value gives the
 *   value the callback returned.
 * - Where a callback is awkward, a pull form exists: e2b_watch_next_events,
 *   e2b_command_next_output, e2b_file_reader_read.
 *
 * Thread safety
 * - e2b_client, e2b_sandbox, e2b_command, e2b_watch and e2b_cancel handles
 *   may be used from any number of threads at once; a sandbox stays valid
 *   after its client is freed. e2b_watch_stop from one thread ends an
 *   e2b_watch_next_events waiting in another.
 * - Options, queries, lists, infos, results, readers, errors and bytes belong
 *   to one thread at a time: do not share them while one thread changes them.
 * - Freeing a handle while another thread uses it is undefined behaviour; a
 *   cancel token may be freed while calls given it still run.
 * - No global initialisation is needed.
 *
 * Versions and macros
 * - E2B_VERSION_* describe this header; e2b_version_number() and
 *   e2b_abi_version() describe the library linked at run time. Refuse to run
 *   if e2b_abi_version() != E2B_ABI_VERSION.
 * - E2B_API marks every function (default visibility with GCC and Clang;
 *   __declspec(dllimport) on Windows when E2B_DLL is defined); define it
 *   before including this header to override. E2B_DEPRECATED(msg) marks a
 *   function that will go away.
 */

#ifndef E2B_H
#define E2B_H

/*
 * Generated by cbindgen from src by build.rs. Do not edit: change the Rust code, then run
 * `E2B_BLESS=1 cargo test --test header` to update this copy.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The export macro on every function (see the preamble). */
#ifndef E2B_API
#  if defined(_WIN32) && defined(E2B_DLL)
#    define E2B_API __declspec(dllimport)
#  elif defined(__GNUC__) && __GNUC__ >= 4
#    define E2B_API __attribute__((visibility("default")))
#  else
#    define E2B_API
#  endif
#endif

/* Marks a function that will go away, with a message saying what to use. */
#ifndef E2B_DEPRECATED
#  if defined(__GNUC__) || defined(__clang__)
#    define E2B_DEPRECATED(msg) __attribute__((deprecated(msg)))
#  elif defined(_MSC_VER)
#    define E2B_DEPRECATED(msg) __declspec(deprecated(msg))
#  else
#    define E2B_DEPRECATED(msg)
#  endif
#endif

/* Every IPv4 address, the SDKs' ALL_TRAFFIC: deny it with e2b_network_options_add_deny_out
 * to block all egress but the allow list. */
#define E2B_ALL_TRAFFIC "0.0.0.0/0"

/* The version of this header (the library's: e2b_version(), e2b_version_number()). */
#define E2B_VERSION "0.1.0"
#define E2B_VERSION_MAJOR 0
#define E2B_VERSION_MINOR 1
#define E2B_VERSION_PATCH 0
#define E2B_VERSION_NUMBER 1000
/* The ABI this header describes; compare with e2b_abi_version(). */
#define E2B_ABI_VERSION 1


// A duration argument meaning "no limit" where a limit can be lifted; where
// it cannot (a sandbox's lifetime), it is rejected with E2B_ERR_INVALID_ARGUMENT.
#define E2B_TIMEOUT_NONE UINT64_MAX

// The result of every fallible function. The values are stable: they will
// never be renumbered, and new ones are only ever added.
enum e2b_error_code
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Success.
  E2B_OK = 0,
  // A required pointer argument was NULL.
  E2B_ERR_NULL_ARGUMENT = 1,
  // An argument was rejected, by the library or by the server (HTTP 400).
  E2B_ERR_INVALID_ARGUMENT = 2,
  // A string argument was not valid UTF-8.
  E2B_ERR_INVALID_UTF8 = 3,
  // The library hit a bug and caught it; the message says where.
  E2B_ERR_PANIC = 4,
  // A callback returned non-zero, which stopped the operation.
  E2B_ERR_CALLBACK_ABORTED = 5,
  // A deadline passed.
  E2B_ERR_TIMEOUT = 6,
  // The connection failed or dropped.
  E2B_ERR_NETWORK = 7,
  // TLS failed.
  E2B_ERR_TLS = 8,
  // Missing or wrong API key or access token (HTTP 401).
  E2B_ERR_AUTHENTICATION = 9,
  // Not allowed (HTTP 403).
  E2B_ERR_PERMISSION_DENIED = 10,
  // A file, directory, process, template or code context does not exist.
  E2B_ERR_NOT_FOUND = 11,
  // The sandbox does not exist: killed, expired, or never created.
  E2B_ERR_SANDBOX_NOT_FOUND = 12,
  // The sandbox stopped answering while in use: killed, paused or expired.
  E2B_ERR_SANDBOX_GONE = 13,
  // Already exists, or in a conflicting state (HTTP 409).
  E2B_ERR_CONFLICT = 14,
  // Too many requests (HTTP 429).
  E2B_ERR_RATE_LIMITED = 15,
  // The sandbox's disk is full (HTTP 507).
  E2B_ERR_NOT_ENOUGH_SPACE = 16,
  // Another error status; see `e2b_error_http_status`.
  E2B_ERR_API = 17,
  // The server's answer could not be understood.
  E2B_ERR_DECODE = 18,
  // A local file could not be read or written.
  E2B_ERR_IO = 19,
  // A command exited with a non-zero code (only where asked for).
  E2B_ERR_COMMAND_EXIT = 20,
  // The call was cancelled through its cancel token.
  E2B_ERR_CANCELLED = 21,
  // git said its credentials were missing or wrong (the e2b_git_* functions).
  E2B_ERR_GIT_AUTH = 22,
  // git found no upstream branch to push to or pull from (the e2b_git_* functions).
  E2B_ERR_GIT_UPSTREAM = 23,
  // A template build failed (the e2b_template_build* functions; the message is the server's reason).
  E2B_ERR_BUILD = 24,
  // A template build's files could not be uploaded.
  E2B_ERR_FILE_UPLOAD = 25,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_error_code e2b_error_code;
#else
typedef int32_t e2b_error_code;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// How much the library logs, from nothing to everything; each level includes
// those before it. The levels of `E2B_LOG` are the same names in lowercase.
enum e2b_log_level
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  E2B_LOG_OFF = 0,
  // Failures the library could not hide.
  E2B_LOG_ERROR = 1,
  // Trouble the library worked around.
  E2B_LOG_WARN = 2,
  // Retries, with their reason and wait.
  E2B_LOG_INFO = 3,
  // One line per HTTP request: what, method, URL, status, time, bytes.
  E2B_LOG_DEBUG = 4,
  E2B_LOG_TRACE = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_log_level e2b_log_level;
#else
typedef int32_t e2b_log_level;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// Whether a sandbox runs or is paused.
enum e2b_sandbox_state
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // A state newer than this library (such as a transition: pausing,
  // snapshotting, ...). Only ever received, never a query's state.
  E2B_SANDBOX_UNKNOWN = 0,
  E2B_SANDBOX_RUNNING = 1,
  E2B_SANDBOX_PAUSED = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_sandbox_state e2b_sandbox_state;
#else
typedef int32_t e2b_sandbox_state;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// What happens when a sandbox's timeout passes (`e2b_sandbox_options_set_on_timeout`,
// `e2b_sandbox_info_on_timeout`; the SDKs' `lifecycle.on_timeout`).
enum e2b_on_timeout
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Not set: the server's default (kill); from an info, the server did not say.
  E2B_ON_TIMEOUT_DEFAULT = 0,
  // The sandbox is killed.
  E2B_ON_TIMEOUT_KILL = 1,
  // The sandbox is paused, keeping its id.
  E2B_ON_TIMEOUT_PAUSE = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_on_timeout e2b_on_timeout;
#else
typedef int32_t e2b_on_timeout;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// What a pause keeps (the SDKs' `mode`; `e2b_sandbox_pause_with`,
// `e2b_sandbox_options_set_on_timeout`, `e2b_sandbox_info_pause_mode`).
enum e2b_pause_mode
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Not set: the server's default (full); from an info, not paused or not said.
  E2B_PAUSE_MODE_DEFAULT = 0,
  // Files and memory: the processes go on where they were when resumed.
  E2B_PAUSE_MODE_FULL = 1,
  // Files only: the processes end, and the sandbox boots afresh from its files when resumed.
  E2B_PAUSE_MODE_FILESYSTEM = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_pause_mode e2b_pause_mode;
#else
typedef int32_t e2b_pause_mode;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The kind of a filesystem entry.
enum e2b_file_type
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Something else (a device, a socket, or a type newer than this library).
  E2B_FILE_TYPE_OTHER = 0,
  E2B_FILE_TYPE_FILE = 1,
  E2B_FILE_TYPE_DIR = 2,
  E2B_FILE_TYPE_SYMLINK = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_file_type e2b_file_type;
#else
typedef int32_t e2b_file_type;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// What happened to a watched path.
enum e2b_event_type
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // A change of a kind newer than this library.
  E2B_EVENT_OTHER = 0,
  E2B_EVENT_CREATE = 1,
  E2B_EVENT_WRITE = 2,
  E2B_EVENT_REMOVE = 3,
  E2B_EVENT_RENAME = 4,
  E2B_EVENT_CHMOD = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_event_type e2b_event_type;
#else
typedef int32_t e2b_event_type;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// Which output a chunk came from.
enum e2b_stream
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  E2B_STREAM_STDOUT = 1,
  E2B_STREAM_STDERR = 2,
  // The terminal of a PTY (`e2b_pty_create`): what it shows, stdout and stderr together.
  E2B_STREAM_PTY = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_stream e2b_stream;
#else
typedef int32_t e2b_stream;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// What a run produced, for `e2b_execution_cb`.
enum e2b_execution_output
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // A chunk of stdout: `e2b_execution_chunks_get(execution, E2B_STREAM_STDOUT, index, ...)`.
  E2B_EXECUTION_STDOUT = 1,
  // A chunk of stderr: `e2b_execution_chunks_get(execution, E2B_STREAM_STDERR, index, ...)`.
  E2B_EXECUTION_STDERR = 2,
  // A result (the last expression's value, or something displayed):
  // `e2b_execution_results_get(execution, index)`.
  E2B_EXECUTION_RESULT = 3,
  // The code raised an error: `e2b_execution_error_name(execution)`,
  // `_value` and `_traceback`; `index` is 0.
  E2B_EXECUTION_ERROR = 4,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_execution_output e2b_execution_output;
#else
typedef int32_t e2b_execution_output;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The kind of a chart (the SDKs' `ChartType`), in `e2b_chart_fields`.
enum e2b_chart_type
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // A type this library does not know: the elements are in `elements_json`.
  E2B_CHART_UNKNOWN = 0,
  // A line chart: `points`.
  E2B_CHART_LINE = 1,
  // A scatter plot: `points`.
  E2B_CHART_SCATTER = 2,
  // A bar chart: `bars`.
  E2B_CHART_BAR = 3,
  // A pie chart: `pie`.
  E2B_CHART_PIE = 4,
  // A box-and-whisker plot: `box_and_whisker`.
  E2B_CHART_BOX_AND_WHISKER = 5,
  // A figure of several charts (e.g. subplots): `charts`.
  E2B_CHART_SUPERCHART = 6,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_chart_type e2b_chart_type;
#else
typedef int32_t e2b_chart_type;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The scale of a point chart's axis (the SDKs' `ScaleType`), in `e2b_chart_fields`.
enum e2b_scale_type
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Not a point chart (only line and scatter charts have scales).
  E2B_SCALE_NONE = 0,
  // A scale this library does not know, or none given.
  E2B_SCALE_UNKNOWN = 1,
  // "linear".
  E2B_SCALE_LINEAR = 2,
  // "datetime": ticks and points are dates, as text.
  E2B_SCALE_DATETIME = 3,
  // "categorical": ticks and points are categories, as text.
  E2B_SCALE_CATEGORICAL = 4,
  // "log".
  E2B_SCALE_LOG = 5,
  // "symlog".
  E2B_SCALE_SYMLOG = 6,
  // "logit".
  E2B_SCALE_LOGIT = 7,
  // "function".
  E2B_SCALE_FUNCTION = 8,
  // "functionlog".
  E2B_SCALE_FUNCTIONLOG = 9,
  // "asinh".
  E2B_SCALE_ASINH = 10,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_scale_type e2b_scale_type;
#else
typedef int32_t e2b_scale_type;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The kind of change of a file in a status (the SDKs' names in the comments).
enum e2b_git_file_change
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Anything else git reports ("unknown").
  E2B_GIT_FILE_UNKNOWN = 0,
  // Changed ("modified").
  E2B_GIT_FILE_MODIFIED = 1,
  // New in the index ("added").
  E2B_GIT_FILE_ADDED = 2,
  // Removed ("deleted").
  E2B_GIT_FILE_DELETED = 3,
  // Renamed ("renamed"); see renamed_from.
  E2B_GIT_FILE_RENAMED = 4,
  // Copied ("copied").
  E2B_GIT_FILE_COPIED = 5,
  // Its type changed ("typechange").
  E2B_GIT_FILE_TYPECHANGE = 6,
  // Not tracked ("untracked").
  E2B_GIT_FILE_UNTRACKED = 7,
  // Unmerged after a merge ("conflict").
  E2B_GIT_FILE_CONFLICT = 8,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_git_file_change e2b_git_file_change;
#else
typedef int32_t e2b_git_file_change;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The state of a template build (`e2b_build_status_info_status`).
enum e2b_build_status
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Requested, not started.
  E2B_BUILD_WAITING = 0,
  // Running.
  E2B_BUILD_BUILDING = 1,
  // Done: sandboxes can start from the template.
  E2B_BUILD_READY = 2,
  // Failed: see `e2b_build_status_info_reason`.
  E2B_BUILD_ERROR = 3,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_build_status e2b_build_status;
#else
typedef int32_t e2b_build_status;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// The order of `e2b_client_list_sandboxes`: by the time the sandboxes
// started, ties broken by id.
enum e2b_list_order
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // Newest first (the default).
  E2B_LIST_ORDER_DESC = 0,
  // Oldest first.
  E2B_LIST_ORDER_ASC = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_list_order e2b_list_order;
#else
typedef int32_t e2b_list_order;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// What a snapshot keeps (`e2b_snapshot_options_set_mode`).
enum e2b_snapshot_mode
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // The server's default (full).
  E2B_SNAPSHOT_MODE_DEFAULT = 0,
  // Memory and filesystem: sandboxes from it resume where the source was.
  E2B_SNAPSHOT_MODE_FULL = 1,
  // The filesystem only: sandboxes from it boot afresh from the files.
  E2B_SNAPSHOT_MODE_FILESYSTEM = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_snapshot_mode e2b_snapshot_mode;
#else
typedef int32_t e2b_snapshot_mode;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// Which configuration file the configuration functions use.
enum e2b_git_config_scope
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // The user's ~/.gitconfig (`--global`, the default).
  E2B_GIT_CONFIG_GLOBAL = 0,
  // A repository's .git/config (`--local`); needs the repository's path.
  E2B_GIT_CONFIG_LOCAL = 1,
  // The system's /etc/gitconfig (`--system`).
  E2B_GIT_CONFIG_SYSTEM = 2,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_git_config_scope e2b_git_config_scope;
#else
typedef int32_t e2b_git_config_scope;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// How far `e2b_git_reset` goes (`git reset --<mode>`).
enum e2b_git_reset_mode
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // git's own default: mixed (no flag).
  E2B_GIT_RESET_DEFAULT = 0,
  // Moves HEAD only (`--soft`).
  E2B_GIT_RESET_SOFT = 1,
  // Moves HEAD and resets the index (`--mixed`).
  E2B_GIT_RESET_MIXED = 2,
  // Moves HEAD and resets the index and the working tree (`--hard`).
  E2B_GIT_RESET_HARD = 3,
  // Like hard, keeping changes not staged (`--merge`).
  E2B_GIT_RESET_MERGE = 4,
  // Like hard, refusing to lose local changes (`--keep`).
  E2B_GIT_RESET_KEEP = 5,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_git_reset_mode e2b_git_reset_mode;
#else
typedef int32_t e2b_git_reset_mode;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// How a paused sandbox comes back on connect (the SDKs' `on_resume`;
// `e2b_client_connect_sandbox_with`, `e2b_sandbox_connect`).
enum e2b_on_resume
#if defined(__cplusplus) || __STDC_VERSION__ >= 202311L
  : int32_t
#endif // defined(__cplusplus) || __STDC_VERSION__ >= 202311L
 {
  // From its memory, where it was (the default).
  E2B_ON_RESUME_RESTORE = 0,
  // Booted afresh from its files, its memory image ignored: the way back for
  // a sandbox paused while envd did not answer.
  E2B_ON_RESUME_REBOOT = 1,
};
#ifndef __cplusplus
#if __STDC_VERSION__ >= 202311L
typedef enum e2b_on_resume e2b_on_resume;
#else
typedef int32_t e2b_on_resume;
#endif // __STDC_VERSION__ >= 202311L
#endif // __cplusplus

// A build, as `e2b_template_build` and `e2b_template_build_in_background` return it. Strings
// are UTF-8 owned by the info.
typedef struct e2b_build_info e2b_build_info;

// One build log entry, owned by its status info (or lent to the log callback for the call).
typedef struct e2b_build_log_entry e2b_build_log_entry;

// A build's status and the log entries asked for (`e2b_template_get_build_status`).
typedef struct e2b_build_status_info e2b_build_status_info;

// A cancel token: pass it to any number of blocking calls (the argument
// before `err_out`), then `e2b_cancel_cancel` from any thread ends them
// within 100 ms with E2B_ERR_CANCELLED, the connection under each closed.
// Cancelling is final: every later call given the token fails at once, so
// make a fresh token for the next operation. Thread-safe. Release with
// `e2b_cancel_free`.
typedef struct e2b_cancel e2b_cancel;

// A client: settings plus a pool of connections. Thread-safe: any number of
// threads may use one client at once. Sandboxes keep their client alive, so
// it may be freed before them.
typedef struct e2b_client e2b_client;

// Connection settings for `e2b_client_new`: a builder.
typedef struct e2b_client_options e2b_client_options;

// A code context: its own interpreter state, language and directory.
typedef struct e2b_code_context e2b_code_context;

// The contexts of `e2b_code_list_contexts`.
typedef struct e2b_code_context_list e2b_code_context_list;

// A running command. Any thread may use it; freeing it stops following the
// command, which goes on running (kill it first to end it).
typedef struct e2b_command e2b_command;

// How to run a command: a builder. New options mean the user's home as the
// working directory, the default user, a 60-second lifetime, no stdin.
typedef struct e2b_command_options e2b_command_options;

// How a command ended: its exit code and all its output, as bytes.
typedef struct e2b_command_result e2b_command_result;

// How to attach to a running process (`e2b_commands_connect_with`,
// `e2b_pty_connect`): a builder. New options mean no time limit and the
// output kept.
typedef struct e2b_connect_options e2b_connect_options;

// One file, directory or link. String getters return UTF-8 owned by the entry.
typedef struct e2b_entry_info e2b_entry_info;

// The entries of `e2b_files_list`.
typedef struct e2b_entry_list e2b_entry_list;

// An error: its code, a message, and the HTTP status when there was one.
// Owned by the caller, who releases it with `e2b_error_free`.
typedef struct e2b_error e2b_error;

// What a run produced: results, output, and the error the code raised.
typedef struct e2b_execution e2b_execution;

// One result of a run, in every format the interpreter produced.
typedef struct e2b_execution_result e2b_execution_result;

// A file being read as a stream (`e2b_files_open_read`).
typedef struct e2b_file_reader e2b_file_reader;

// How file calls act: a builder. New options mean the sandbox's default
// user, no compression, no metadata on written files and no watching of
// network mounts. Every `e2b_files_*` function takes one (NULL means the
// defaults).
typedef struct e2b_files_options e2b_files_options;

// The forks of one `e2b_sandbox_fork`: one entry per fork asked for, a
// sandbox or the error that fork met.
typedef struct e2b_fork_list e2b_fork_list;

// How to fork a sandbox: a builder. New options ask for the API's defaults:
// one fork that lives 15 seconds.
typedef struct e2b_fork_options e2b_fork_options;

// One change in a watched directory.
typedef struct e2b_fs_event e2b_fs_event;

// Events from `e2b_watch_get_new_events` or `e2b_watch_next_events`.
typedef struct e2b_fs_event_list e2b_fs_event_list;

// A repository's local branches from `e2b_git_branch_list`: a list of names
// (`e2b_git_branch_list_len/_get`) and the current one.
typedef struct e2b_git_branch_list e2b_git_branch_list;

// One changed file of an `e2b_git_status_info`.
typedef struct e2b_git_file_info e2b_git_file_info;

// Options of the git functions, one builder for all of them: each function
// reads the fields its documentation names and ignores the others. Every
// function reads the common ones: environment variables, working
// directory, user and time limit (`_set_env`, `_set_cwd`, `_set_user`,
// `_set_timeout_ms`). New options mean the default user in their home, no
// time limit, and each function's documented defaults.
typedef struct e2b_git_options e2b_git_options;

// A repository's state from `e2b_git_status_info`: branch, upstream, and
// changed files (`e2b_git_status_info_files_len/_get/_fields`).
typedef struct e2b_git_status_info e2b_git_status_info;

// How to open an input stream: a builder. New options mean a 60-second
// stream with a keepalive after 50 seconds of quiet.
typedef struct e2b_input_options e2b_input_options;

// An input stream to a process's stdin or terminal (see
// `e2b_commands_open_input`). One thread at a time; freeing it ends the
// stream without waiting for the sandbox's answer.
typedef struct e2b_input_stream e2b_input_stream;

// The metrics samples of a sandbox, oldest first, from
// `e2b_sandbox_get_metrics` or `e2b_client_get_sandbox_metrics`.
typedef struct e2b_metrics_list e2b_metrics_list;

// A sandbox's network, as the official SDKs' `network` option: egress allow
// and deny lists, DNS servers, an egress proxy, per-host rules, and the
// ingress settings (public traffic, masked host, HTTPS ports). A builder;
// new, it sets nothing (an empty `network` object, which changes nothing).
//
// The same options serve `e2b_sandbox_update_network`, which takes the
// egress settings only (and allow-internet-access) and fails with
// INVALID_ARGUMENT when an ingress setting is set. Setting nothing leaves a
// setting out of the request: at create the server's default applies, on
// update it is cleared (replace semantics).
typedef struct e2b_network_options e2b_network_options;

// One process running in a sandbox.
typedef struct e2b_process_info e2b_process_info;

// The processes of `e2b_commands_list`.
typedef struct e2b_process_list e2b_process_list;

// How to start a terminal: a builder. New options mean the user's home as
// the working directory, the default user, a 60-second lifetime.
typedef struct e2b_pty_options e2b_pty_options;

// How to run code: a builder. New options mean the default Python context
// and a 300-second limit.
typedef struct e2b_run_code_options e2b_run_code_options;

// A sandbox handle. Thread-safe: any number of threads may use one handle
// at once. Freeing it releases only the handle: the sandbox lives on until
// `e2b_sandbox_kill` or its timeout.
typedef struct e2b_sandbox e2b_sandbox;

// What the control plane knows of one sandbox. Every string getter returns
// UTF-8 owned by the info, valid until it is freed.
typedef struct e2b_sandbox_info e2b_sandbox_info;

// How to create a sandbox: a builder. New options mean the `base` template
// for 300 seconds, secure, killed at the timeout.
typedef struct e2b_sandbox_options e2b_sandbox_options;

// One page of sandboxes from `e2b_client_list_sandboxes`.
typedef struct e2b_sandbox_page e2b_sandbox_page;

// Which sandboxes `e2b_client_list_sandboxes` returns: a builder. New, it matches
// every running and paused sandbox.
typedef struct e2b_sandbox_query e2b_sandbox_query;

// A snapshot: its id (what `e2b_sandbox_options_set_template` takes to start
// a sandbox from it) and its template's names. Strings are UTF-8 owned by the
// info, valid until it is freed.
typedef struct e2b_snapshot_info e2b_snapshot_info;

// How to take a snapshot: a builder. New options make an unnamed snapshot of
// the server's default mode (full).
typedef struct e2b_snapshot_options e2b_snapshot_options;

// One page of snapshots from `e2b_client_list_snapshots`.
typedef struct e2b_snapshot_page e2b_snapshot_page;

// Which snapshots `e2b_client_list_snapshots` returns: a builder. New, it
// matches all of the team's, newest first, 100 a page.
typedef struct e2b_snapshot_query e2b_snapshot_query;

// A template definition: a base (an image or a template) and build steps. New, it starts
// from E2B's base image, and `copy` sources are relative to the current directory.
typedef struct e2b_template e2b_template;

// The tags of a template (`e2b_template_get_tags`).
typedef struct e2b_template_tag_list e2b_template_tag_list;

// A volume, connected: its id, name and content token. Thread-safe: any
// number of threads may use one handle at once. Freeing it releases only the
// handle; the volume stays until `e2b_client_destroy_volume`.
typedef struct e2b_volume e2b_volume;

// One entry of a volume (a file, folder or symlink).
typedef struct e2b_volume_entry e2b_volume_entry;

// The entries of `e2b_volume_list_dir`.
typedef struct e2b_volume_entry_list e2b_volume_entry_list;

// A volume as the control plane describes it: id and name, and the token
// and domain where the call gives them (`e2b_client_get_volume_info`).
typedef struct e2b_volume_info e2b_volume_info;

// The volumes of `e2b_client_list_volumes`.
typedef struct e2b_volume_list e2b_volume_list;

// Owner, group, mode and `force` for `e2b_volume_write_file`,
// `e2b_volume_write_stream`, `e2b_volume_make_dir` and
// `e2b_volume_update_metadata`: a builder. New, it leaves everything to the
// server.
typedef struct e2b_volume_write_options e2b_volume_write_options;

// A directory watch kept by the sandbox, polled for events. Free it with
// `e2b_watch_free`, which also stops it.
typedef struct e2b_watch e2b_watch;

// Bytes owned by the library, handed to the caller in a struct the caller
// provides. `data` is followed by one NUL byte not counted in `len`, so text
// can be used as a C string; binary data may hold NULs of its own. Release
// with `e2b_bytes_dispose`, never with `free()`.
typedef struct e2b_bytes {
  // The first byte, or NULL when empty and never filled.
  uint8_t *data;
  // The number of bytes, not counting the trailing NUL.
  size_t len;
} e2b_bytes;

// Receives one log line: its level, the library module it comes from (such as
// "e2b::http"), and the message (UTF-8, no trailing newline). Both strings are
// borrowed for the call only. Called from whichever thread logs, possibly
// several at once: the callback and its user_data must be thread-safe. It
// must not call into the library.
typedef void (*e2b_log_cb)(void *user_data,
                           e2b_log_level level,
                           const char *target,
                           const char *message);

// One metadata entry of a `_fields` struct: a key and its value, UTF-8
// owned by the object the struct comes from.
typedef struct e2b_pair {
  const char *key;
  const char *value;
} e2b_pair;

// A sandbox's network settings as plain data (`e2b_sandbox_info_network`;
// the SDKs' `SandboxInfo.network`). The proxy's password and CA certificate
// are never returned by the API. Owned by the info; the strings are UTF-8,
// valid until it is freed. Grows only at its end, like `e2b_sandbox_fields`.
typedef struct e2b_sandbox_network_fields {
  // The size of this struct in the library.
  size_t struct_size;
  // Outbound destinations allowed (CIDRs, IPs, domains); NULL when none.
  const char *const *allow_out;
  // The number of `allow_out` entries.
  size_t allow_out_len;
  // Outbound destinations denied (CIDRs, IPs); NULL when none.
  const char *const *deny_out;
  // The number of `deny_out` entries.
  size_t deny_out_len;
  // The name servers reachable when `allow_out` names a domain; NULL when none.
  const char *const *dns_servers;
  // The number of `dns_servers` entries.
  size_t dns_servers_len;
  // Whether the server gave `dns_servers` (false: its default, 8.8.8.8).
  bool dns_servers_set;
  // The per-host rules as a JSON object (`{"host": [rule, ...]}`), "{}" when none.
  const char *rules_json;
  // The egress proxy's `host:port`; NULL when there is no egress proxy.
  const char *egress_proxy_address;
  // The egress proxy's user name; NULL when none.
  const char *egress_proxy_username;
  // Whether the tunnel to the egress proxy is TLS.
  bool egress_proxy_tls;
  // The TLS server name checked; NULL when none.
  const char *egress_proxy_tls_server_name;
  // Whether ports other than envd's are public: 1, 0, or -1 for the project's default.
  int32_t allow_public_traffic;
  // The `Host` header written into proxied requests; NULL when none.
  const char *mask_request_host;
  // Ports whose service speaks TLS; NULL when none.
  const uint16_t *https_ports;
  // The number of `https_ports`.
  size_t https_ports_len;
} e2b_sandbox_network_fields;

// Every field of a sandbox info as plain data, in one read: what the
// `e2b_sandbox_info_*` getters return, from `e2b_sandbox_info_fields` or,
// for a whole page, `e2b_sandbox_page_fields`. Owned by the info (or page);
// the strings are UTF-8, valid until it is freed.
//
// The struct only ever grows, at its end. `struct_size` is its size in the
// library that filled it: a program built against a newer header reads a
// field only if `struct_size >= offsetof(e2b_sandbox_fields, field) +
// sizeof(field)`; one built against an older header reads what it knows.
typedef struct e2b_sandbox_fields {
  // The size of this struct in the library (see above).
  size_t struct_size;
  // As `e2b_sandbox_info_id`.
  const char *sandbox_id;
  // As `e2b_sandbox_info_template_id`.
  const char *template_id;
  // As `e2b_sandbox_info_alias` (NULL if none).
  const char *alias;
  // As `e2b_sandbox_info_started_at`.
  const char *started_at;
  // As `e2b_sandbox_info_end_at`.
  const char *end_at;
  // As `e2b_sandbox_info_envd_version`.
  const char *envd_version;
  // As `e2b_sandbox_info_state`.
  e2b_sandbox_state state;
  // As `e2b_sandbox_info_cpu_count`.
  uint32_t cpu_count;
  // As `e2b_sandbox_info_memory_mb`.
  uint32_t memory_mb;
  // As `e2b_sandbox_info_disk_size_mb`.
  uint32_t disk_size_mb;
  // The metadata entries, sorted by key; NULL when there are none.
  const struct e2b_pair *metadata;
  // The number of metadata entries.
  size_t metadata_len;
  // As `e2b_sandbox_info_on_timeout`.
  e2b_on_timeout on_timeout;
  // As `e2b_sandbox_info_auto_resume`.
  bool auto_resume;
  // As `e2b_sandbox_info_pause_mode`.
  e2b_pause_mode pause_mode;
  // As `e2b_sandbox_info_envd_unresponsive_at_pause`.
  bool envd_unresponsive_at_pause;
  // As `e2b_sandbox_info_allow_internet_access`: 1, 0, or -1 for not set.
  int32_t allow_internet_access;
  // As `e2b_sandbox_info_domain` (NULL if the server did not say).
  const char *domain;
  // As `e2b_sandbox_info_network` (NULL if the server gave none).
  const struct e2b_sandbox_network_fields *network;
} e2b_sandbox_fields;

// One metrics sample of a sandbox, as plain data (the SDKs' `SandboxMetrics`).
// Owned by its list, valid until the list is freed.
//
// The struct only ever grows, at its end. `struct_size` is its size in the
// library that filled it: a program built against a newer header reads a
// field only if `struct_size >= offsetof(e2b_metrics_fields, field) +
// sizeof(field)`.
typedef struct e2b_metrics_fields {
  // The size of this struct in the library (see above).
  size_t struct_size;
  // When the sample was taken: milliseconds since the Unix epoch (E2B
  // samples fall on whole seconds).
  int64_t timestamp_unix_ms;
  // How many CPUs the sandbox has.
  uint32_t cpu_count;
  // How much of those CPUs it used, in percent (0 to 100).
  double cpu_used_pct;
  // Memory in use, in bytes.
  uint64_t mem_used;
  // The sandbox's memory, in bytes.
  uint64_t mem_total;
  // Memory holding cached file data, in bytes (0 when the server does not say).
  uint64_t mem_cache;
  // Disk in use, in bytes.
  uint64_t disk_used;
  // The sandbox's disk, in bytes.
  uint64_t disk_total;
} e2b_metrics_fields;

// Every field of a snapshot info as plain data, in one read
// (`e2b_snapshot_info_fields`, `e2b_snapshot_page_fields`). Owned by the info
// (or page); the strings are UTF-8, valid until it is freed. Grows only at
// its end (see `e2b_sandbox_fields` on `struct_size`).
typedef struct e2b_snapshot_fields {
  // The size of this struct in the library.
  size_t struct_size;
  // As `e2b_snapshot_info_id`.
  const char *snapshot_id;
  // The full names of the snapshot's template (`names_len` of them); NULL when it has none.
  const char *const *names;
  // The number of names.
  size_t names_len;
} e2b_snapshot_fields;

// Receives data: `len` bytes at `data`, borrowed for the call. Return 0 to
// go on; anything else stops the operation with E2B_ERR_CALLBACK_ABORTED.
typedef int32_t (*e2b_data_cb)(void *user_data,
                               const uint8_t *data,
                               size_t len);

// Reports progress: `done` bytes of `total` (0 when unknown). Return 0 to
// go on; anything else stops the transfer with E2B_ERR_CALLBACK_ABORTED.
typedef int32_t (*e2b_progress_cb)(void *user_data,
                                   uint64_t done,
                                   uint64_t total);

// Supplies data: fill up to `capacity` bytes at `buffer` and return how many
// were written, 0 at the end, or a negative number to stop the operation
// with E2B_ERR_CALLBACK_ABORTED.
typedef int64_t (*e2b_read_cb)(void *user_data,
                               uint8_t *buffer,
                               size_t capacity);

// One file for `e2b_files_write_files`: a path and `len` bytes at `data`
// (`data` may be NULL when `len` is 0).
typedef struct e2b_write_entry {
  const char *path;
  const uint8_t *data;
  size_t len;
} e2b_write_entry;

// Where a directory transfer stands (`e2b_files_upload_dir`,
// `e2b_files_download_dir`), for a progress bar that names the file in
// flight. Made by the library and borrowed by the callback for the call;
// later versions may add fields at the end.
typedef struct e2b_dir_progress {
  // The file in flight: its path in the sandbox (UTF-8).
  const char *path;
  // Its place among the tree's files, from 0.
  size_t index;
  // How many files the tree has.
  size_t count;
  // Bytes moved so far, of the whole tree.
  uint64_t done;
  // Bytes of the whole tree.
  uint64_t total;
} e2b_dir_progress;

// Reports a directory transfer's progress: called as each file starts and
// as its bytes move. Return 0 to go on; anything else stops the transfer
// with E2B_ERR_CALLBACK_ABORTED.
typedef int32_t (*e2b_dir_progress_cb)(void *user_data,
                                       const struct e2b_dir_progress *progress);

// Every field of an entry as plain data, in one read: what the
// `e2b_entry_info_*` getters return, from `e2b_entry_info_fields` or, for a
// whole list, `e2b_entry_list_fields`. Owned by the entry (or list); the
// strings are UTF-8, valid until it is freed.
//
// The struct only ever grows, at its end. `struct_size` is its size in the
// library that filled it: a program built against a newer header reads a
// field only if `struct_size >= offsetof(e2b_entry_fields, field) +
// sizeof(field)`; one built against an older header reads what it knows.
typedef struct e2b_entry_fields {
  // The size of this struct in the library (see above).
  size_t struct_size;
  // As `e2b_entry_info_name`.
  const char *name;
  // As `e2b_entry_info_path`.
  const char *path;
  // As `e2b_entry_info_type`.
  e2b_file_type file_type;
  // As `e2b_entry_info_mode`.
  uint32_t mode;
  // As `e2b_entry_info_size`.
  uint64_t size;
  // As `e2b_entry_info_permissions`.
  const char *permissions;
  // As `e2b_entry_info_owner`.
  const char *owner;
  // As `e2b_entry_info_group`.
  const char *group;
  // As `e2b_entry_info_modified_time` (NULL if unknown).
  const char *modified_time;
  // As `e2b_entry_info_symlink_target` (NULL if not a symlink).
  const char *symlink_target;
  // The metadata entries, sorted by key; NULL when there are none.
  const struct e2b_pair *metadata;
  // The number of metadata entries.
  size_t metadata_len;
} e2b_entry_fields;

// Receives one event, borrowed for the call. Return 0 to go on; anything
// else ends the watch with E2B_ERR_CALLBACK_ABORTED.
typedef int32_t (*e2b_fs_event_cb)(void *user_data,
                                   const struct e2b_fs_event *event);

// Receives output: `len` bytes of `stream` at `data`, borrowed for the call
// (bytes, not necessarily whole lines or valid UTF-8). Return 0 to go on;
// anything else kills the command and fails with E2B_ERR_CALLBACK_ABORTED.
typedef int32_t (*e2b_output_cb)(void *user_data,
                                 e2b_stream stream,
                                 const uint8_t *data,
                                 size_t len);

// Receives what a run produces as it arrives, on the calling thread.
// `execution` is the run so far, borrowed for the call, read with the
// `e2b_execution_*` getters (its count is -1 until the run ends); `output`
// and `index` say what is new. Return 0 to go on; anything else interrupts
// the run with E2B_ERR_CALLBACK_ABORTED.
typedef int32_t (*e2b_execution_cb)(void *user_data,
                                    e2b_execution_output output,
                                    const struct e2b_execution *execution,
                                    size_t index);

// A coordinate or tick of a point chart: text (dates, categories) when
// `text` is not NULL, else the number `number` (NaN where the data had a
// NaN). Fixed layout: it never changes.
typedef struct e2b_chart_value {
  // The text; NULL when the value is a number.
  const char *text;
  // The number; NaN when the value is text.
  double number;
} e2b_chart_value;

// One point of a series. Fixed layout: it never changes.
typedef struct e2b_chart_point {
  // The x coordinate.
  struct e2b_chart_value x;
  // The y coordinate.
  struct e2b_chart_value y;
} e2b_chart_point;

// One series of a line or scatter chart (the SDKs' `PointData`). Fixed
// layout: it never changes.
typedef struct e2b_point_data {
  // The series' label.
  const char *label;
  // The points, `points_len` of them; NULL when there are none.
  const struct e2b_chart_point *points;
  // The number of points.
  size_t points_len;
} e2b_point_data;

// One bar of a bar chart (the SDKs' `BarData`). Fixed layout: it never changes.
typedef struct e2b_bar_data {
  // The bar's label (its category).
  const char *label;
  // The group (series) it belongs to.
  const char *group;
  // Its height.
  double value;
} e2b_bar_data;

// One slice of a pie chart (the SDKs' `PieData`). Fixed layout: it never changes.
typedef struct e2b_pie_data {
  // The slice's label.
  const char *label;
  // Its angle, in degrees.
  double angle;
  // Its radius.
  double radius;
} e2b_pie_data;

// One box of a box-and-whisker plot (the SDKs' `BoxAndWhiskerData`).
// Fixed layout: it never changes.
typedef struct e2b_box_and_whisker_data {
  // The box's label.
  const char *label;
  // The lower whisker.
  double min;
  // The lower edge of the box.
  double first_quartile;
  // The median.
  double median;
  // The upper edge of the box.
  double third_quartile;
  // The upper whisker.
  double max;
  // The points beyond the whiskers, `outliers_len` of them; NULL when none.
  const double *outliers;
  // The number of outliers.
  size_t outliers_len;
} e2b_box_and_whisker_data;

// A chart the code drew (the SDKs' `Chart` and its kinds), every field at
// once (see the preamble on `_fields` structs: it only ever grows at its
// end; the element structs it points to never change). Owned by its
// result; strings are UTF-8 and everything is valid until the execution is
// freed. Fields a kind lacks are NULL, 0 or E2B_SCALE_NONE: labels and
// units belong to 2D charts (line, scatter, bar, box and whisker), ticks
// and scales to point charts (line, scatter). Exactly one of `points`,
// `bars`, `pie`, `box_and_whisker`, `charts` and `elements_json` holds the
// elements (or none, when there are none), by `chart_type`.
typedef struct e2b_chart_fields {
  // The size of this struct in the library.
  size_t struct_size;
  // The kind of chart.
  e2b_chart_type chart_type;
  // The title; NULL if none.
  const char *title;
  // The x axis' label; NULL if none.
  const char *x_label;
  // The y axis' label; NULL if none.
  const char *y_label;
  // The x axis' unit; NULL if none.
  const char *x_unit;
  // The y axis' unit; NULL if none.
  const char *y_unit;
  // The x axis' scale.
  e2b_scale_type x_scale;
  // The y axis' scale.
  e2b_scale_type y_scale;
  // The x axis' ticks, `x_ticks_len` of them; NULL when none.
  const struct e2b_chart_value *x_ticks;
  // The number of x ticks.
  size_t x_ticks_len;
  // The x axis' tick labels as shown, `x_tick_labels_len` of them; NULL when none.
  const char *const *x_tick_labels;
  // The number of x tick labels.
  size_t x_tick_labels_len;
  // The y axis' ticks, `y_ticks_len` of them; NULL when none.
  const struct e2b_chart_value *y_ticks;
  // The number of y ticks.
  size_t y_ticks_len;
  // The y axis' tick labels as shown, `y_tick_labels_len` of them; NULL when none.
  const char *const *y_tick_labels;
  // The number of y tick labels.
  size_t y_tick_labels_len;
  // The number of elements, in whichever array holds them.
  size_t elements_len;
  // The series of a line or scatter chart; NULL otherwise.
  const struct e2b_point_data *points;
  // The bars of a bar chart; NULL otherwise.
  const struct e2b_bar_data *bars;
  // The slices of a pie chart; NULL otherwise.
  const struct e2b_pie_data *pie;
  // The boxes of a box-and-whisker plot; NULL otherwise.
  const struct e2b_box_and_whisker_data *box_and_whisker;
  // The charts of a super chart, each with its fields; NULL otherwise.
  const struct e2b_chart_fields *const *charts;
  // The elements as JSON text (an array) when they have none of the
  // shapes above (a type this library does not know, or elements that do
  // not fit their type); NULL otherwise.
  const char *elements_json;
  // The whole chart as the interpreter sent it, JSON text (the "chart"
  // format of the result).
  const char *json;
} e2b_chart_fields;

// Every field of a status at once (see the preamble on `_fields` structs).
// Owned by the status; strings valid until it is freed.
typedef struct e2b_git_status_fields {
  // The size of this struct in the library.
  size_t struct_size;
  // The branch checked out; NULL when HEAD is detached.
  const char *current_branch;
  // The branch's upstream (e.g. "origin/main"); NULL if it has none.
  const char *upstream;
  // Commits the branch has that its upstream lacks.
  uint32_t ahead;
  // Commits the upstream has that the branch lacks.
  uint32_t behind;
  // Whether HEAD is detached.
  bool detached;
  // The number of changed files (`e2b_git_status_info_files_len`).
  size_t files_len;
} e2b_git_status_fields;

// Every field of a changed file at once (see the preamble on `_fields`
// structs: it only ever grows at its end). Owned by its status; the strings
// are UTF-8, valid until the status is freed.
typedef struct e2b_git_file_fields {
  // The size of this struct in the library.
  size_t struct_size;
  // The path, relative to the repository's top.
  const char *name;
  // What kind of change it is.
  e2b_git_file_change status;
  // The index's status letter as `git status --porcelain` shows it (' ' unchanged, '?' untracked).
  char index_status;
  // The working tree's status letter (' ' unchanged, '?' untracked).
  char working_tree_status;
  // Whether the change is staged.
  bool staged;
  // The path before a rename or copy; NULL otherwise.
  const char *renamed_from;
} e2b_git_file_fields;

// Called with each build log entry of `e2b_template_build`, in order; the entry is valid
// during the call. Return 0 to go on; any other value stops waiting (the build itself goes on
// on the server) and the call fails with CALLBACK_ABORTED.
typedef int32_t (*e2b_build_log_cb)(void *user_data,
                                    const struct e2b_build_log_entry *entry);

#ifdef __cplusplus
extern "C" {
#endif // __cplusplus

// The library's version as text, e.g. "0.1.0". Static; never NULL.
E2B_API
const char *e2b_version(void);

// The library's version as a number: major * 1000000 + minor * 1000 + patch.
// Compare it with `E2B_VERSION_NUMBER` to find the header and the library out of step.
E2B_API
uint32_t e2b_version_number(void);

// The version of the ABI the library implements. A program (or binding) built
// against a header whose `E2B_ABI_VERSION` differs must not use the library.
E2B_API
uint32_t e2b_abi_version(void);

// The name of `code` (an `e2b_error_code`), e.g. "E2B_ERR_NOT_FOUND";
// "E2B_ERR_UNKNOWN" for a value this library does not know. Static; never NULL.
E2B_API
const char *e2b_error_code_name(int32_t code);

// The code of `err`; `E2B_ERR_NULL_ARGUMENT` if `err` is NULL.
E2B_API
e2b_error_code e2b_error_code_of(const struct e2b_error *err);

// The message of `err`: UTF-8, never NULL, valid until `e2b_error_free(err)`.
// A NULL `err` gives a static text saying so.
E2B_API
const char *e2b_error_message(const struct e2b_error *err);

// The HTTP status of the response behind `err`; 0 when there was none or `err` is NULL.
E2B_API
uint16_t e2b_error_http_status(const struct e2b_error *err);

// When a callback stopped the call by returning non-zero (the code is then
// E2B_ERR_CALLBACK_ABORTED), the value it returned; 0 otherwise, or if `err` is NULL.
E2B_API
int32_t e2b_error_callback_value(const struct e2b_error *err);

// How long the server asked to wait before trying again (its `Retry-After`),
// in milliseconds; 0 when it did not say, or if `err` is NULL.
E2B_API
uint64_t e2b_error_retry_after_ms(const struct e2b_error *err);

// Releases `err`. NULL is ignored.
E2B_API
void e2b_error_free(struct e2b_error *err);

// Releases the bytes in `bytes` and sets it to empty (`data` NULL, `len` 0).
// NULL, or an empty value, is ignored, so disposing twice is harmless.
E2B_API
void e2b_bytes_dispose(struct e2b_bytes *bytes);

// A new token, not cancelled. Never NULL. Release with `e2b_cancel_free`.
E2B_API
struct e2b_cancel *e2b_cancel_new(void);

// Cancels every call given `cancel`, under way or to come. Any thread, any
// number of times; returns at once. NULL is ignored.
E2B_API
void e2b_cancel_cancel(const struct e2b_cancel *cancel);

// Whether `cancel` was cancelled; false if it is NULL.
E2B_API
bool e2b_cancel_is_cancelled(const struct e2b_cancel *cancel);

// Releases `cancel`. Calls given it that still run are not affected (each
// holds its own reference), nor can they be cancelled any more. NULL is ignored.
E2B_API
void e2b_cancel_free(struct e2b_cancel *cancel);

// Sends the library's log lines up to `level` to `callback`, for the whole
// process, replacing an earlier callback or the stderr output `E2B_LOG`
// turned on. A NULL callback (or E2B_LOG_OFF) stops logging. A line never
// holds the API key, an access token, a header's value or a signed URL's
// signature. Not to be called while another thread may be logging with the
// old callback's user_data about to be freed: set the callback once, early.
// Errors: INVALID_ARGUMENT when the level is not an e2b_log_level, or when
// the process (a Rust program linking the library) has its own logger.
E2B_API
e2b_error_code e2b_set_log_callback(int32_t level,
                                    e2b_log_cb callback,
                                    void *user_data,
                                    struct e2b_error **err_out);

// New options holding the defaults overridden by the environment
// (`E2B_API_KEY`, `E2B_DOMAIN`, `E2B_API_URL`, `E2B_SANDBOX_URL`, `E2B_DEBUG`).
// Release with `e2b_client_options_free`.
E2B_API
struct e2b_client_options *e2b_client_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_client_options_free(struct e2b_client_options *options);

// Sets the API key (sent as `X-API-KEY`). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_options_set_api_key(struct e2b_client_options *options,
                                              const char *api_key,
                                              struct e2b_error **err_out);

// Sets the domain (default "e2b.app"). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_options_set_domain(struct e2b_client_options *options,
                                             const char *domain,
                                             struct e2b_error **err_out);

// Sets the control plane's URL (default `https://api.<domain>`).
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_options_set_api_url(struct e2b_client_options *options,
                                              const char *api_url,
                                              struct e2b_error **err_out);

// Sets one URL through which every sandbox is reached, routed by headers
// (as `E2B_SANDBOX_URL`). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_options_set_sandbox_url(struct e2b_client_options *options,
                                                  const char *sandbox_url,
                                                  struct e2b_error **err_out);

// Adds a header sent with every control-plane request.
// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (an empty name, or
// a name or value that could not be sent: line breaks, control characters,
// a name that is not an HTTP token).
E2B_API
e2b_error_code e2b_client_options_add_header(struct e2b_client_options *options,
                                             const char *name,
                                             const char *value,
                                             struct e2b_error **err_out);

// Turns debug mode on or off (as `E2B_DEBUG`). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_client_options_set_debug(struct e2b_client_options *options,
                                            bool debug,
                                            struct e2b_error **err_out);

// Sets the deadline of each request in milliseconds (0: the default,
// 60000; E2B_TIMEOUT_NONE: no deadline). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_client_options_set_request_timeout_ms(struct e2b_client_options *options,
                                                         uint64_t timeout_ms,
                                                         struct e2b_error **err_out);

// Sets how many times a failed control-plane request is retried when that
// is safe (default 3; 0 turns retries off). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_client_options_set_max_retries(struct e2b_client_options *options,
                                                  uint32_t max_retries,
                                                  struct e2b_error **err_out);

// Creates a client from `options` (NULL: from the environment alone). The
// options are copied, so they may be freed at once. On success `*out` holds
// the client; release it with `e2b_client_free`. Errors: NULL_ARGUMENT (out).
E2B_API
e2b_error_code e2b_client_new(const struct e2b_client_options *options,
                              struct e2b_client **out,
                              struct e2b_error **err_out);

// A view of `client` whose every blocking call ends within `deadline_ms`
// milliseconds of its start, retries, transfers and streams included, and
// with them the sandboxes, commands, watches and readers the call hands out:
// a call still running then fails with E2B_ERR_TIMEOUT ("the call's deadline
// passed"). 0 and E2B_TIMEOUT_NONE mean no call deadline (the default:
// calls are bounded only by the request timeout and the silence limits),
// also when `client` has one.
// `*out` is an independent handle sharing `client`'s settings and
// connections; release each with `e2b_client_free`, in any order.
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_client_with_deadline(const struct e2b_client *client,
                                        uint64_t deadline_ms,
                                        struct e2b_client **out,
                                        struct e2b_error **err_out);

// Releases `client`. Sandboxes made with it stay valid. NULL is ignored.
E2B_API
void e2b_client_free(struct e2b_client *client);

// New sandbox options with the defaults. Release with `e2b_sandbox_options_free`.
E2B_API
struct e2b_sandbox_options *e2b_sandbox_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_sandbox_options_free(struct e2b_sandbox_options *options);

// Sets the template, by name or id (default "base"); a snapshot's id
// (`e2b_snapshot_info_id`) or name starts the sandbox from that snapshot.
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_options_set_template(struct e2b_sandbox_options *options,
                                                const char *template_name,
                                                struct e2b_error **err_out);

// Sets how long the sandbox lives, in milliseconds (0: the default,
// 300000), rounded up to whole seconds. At the end it is killed, or paused
// with `e2b_sandbox_options_set_auto_pause`. Errors: NULL_ARGUMENT;
// INVALID_ARGUMENT (E2B_TIMEOUT_NONE: E2B requires a limit).
E2B_API
e2b_error_code e2b_sandbox_options_set_timeout_ms(struct e2b_sandbox_options *options,
                                                  uint64_t timeout_ms,
                                                  struct e2b_error **err_out);

// Adds (or replaces) one metadata entry. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_options_set_metadata(struct e2b_sandbox_options *options,
                                                const char *key,
                                                const char *value,
                                                struct e2b_error **err_out);

// Adds (or replaces) one environment variable for everything run in the
// sandbox. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_options_set_env(struct e2b_sandbox_options *options,
                                           const char *name,
                                           const char *value,
                                           struct e2b_error **err_out);

// Whether envd requires the sandbox's access token (default true).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_options_set_secure(struct e2b_sandbox_options *options,
                                              bool secure,
                                              struct e2b_error **err_out);

// Whether the sandbox may reach the internet (default: the server's, yes).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_options_set_allow_internet_access(struct e2b_sandbox_options *options,
                                                             bool allow,
                                                             struct e2b_error **err_out);

// Pause instead of kill when the timeout passes (default false): a
// shorthand for `e2b_sandbox_options_set_on_timeout(options,
// E2B_ON_TIMEOUT_PAUSE, E2B_PAUSE_MODE_DEFAULT, ...)` (false: not set).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_options_set_auto_pause(struct e2b_sandbox_options *options,
                                                  bool auto_pause,
                                                  struct e2b_error **err_out);

// Let traffic to the paused sandbox resume it (needs auto-pause).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_options_set_auto_resume(struct e2b_sandbox_options *options,
                                                   bool auto_resume,
                                                   struct e2b_error **err_out);

// Sets what happens when the timeout passes (the SDKs'
// `lifecycle={"on_timeout": ...}`): `on_timeout` is an `e2b_on_timeout`,
// `pause_mode` an `e2b_pause_mode`, only with E2B_ON_TIMEOUT_PAUSE (DEFAULT
// leaves it to the server: full). Auto-resume
// (`e2b_sandbox_options_set_auto_resume`) needs a pause, with the full mode:
// the create then fails with INVALID_ARGUMENT before any request.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_on_timeout` or
// `e2b_pause_mode`, or a mode without E2B_ON_TIMEOUT_PAUSE).
E2B_API
e2b_error_code e2b_sandbox_options_set_on_timeout(struct e2b_sandbox_options *options,
                                                  int32_t on_timeout,
                                                  int32_t pause_mode,
                                                  struct e2b_error **err_out);

// Sets the key that makes the create safe to retry: the server answers a
// repeated key with the sandbox it made the first time (default: a random
// key per call). 1 to 255 characters of a-z, 0-9 and '-'. Secure sandboxes
// only: creating an insecure one with a key fails with INVALID_ARGUMENT.
// Errors: NULL_ARGUMENT, INVALID_UTF8, INVALID_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_options_set_idempotency_key(struct e2b_sandbox_options *options,
                                                       const char *key,
                                                       struct e2b_error **err_out);

// Creates a sandbox with `options` (NULL: the defaults). On success `*out`
// holds the handle; release it with `e2b_sandbox_free`. A create cancelled
// after its request reached the server may have made the sandbox (it ends
// at its timeout; an idempotency key finds it again).
// Errors: NULL_ARGUMENT; AUTHENTICATION (no or wrong API key); NOT_FOUND
// (unknown template); INVALID_ARGUMENT (bad timeout or key); RATE_LIMITED;
// TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_client_create_sandbox(const struct e2b_client *client,
                                         const struct e2b_sandbox_options *options,
                                         struct e2b_sandbox **out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// Connects to the sandbox `sandbox_id`, resuming it if it is paused, and
// keeps it alive at least `timeout_ms` from now, rounded up to whole
// seconds (0: 300000, the SDKs' default; a running sandbox's timeout is
// only ever extended). `*resumed_out` (optional) tells whether it was
// paused. Release `*out` with `e2b_sandbox_free`.
// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (E2B_TIMEOUT_NONE);
// SANDBOX_NOT_FOUND (killed, expired, unknown); AUTHENTICATION; TIMEOUT,
// NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_client_connect_sandbox(const struct e2b_client *client,
                                          const char *sandbox_id,
                                          uint64_t timeout_ms,
                                          struct e2b_sandbox **out,
                                          bool *resumed_out,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// Resumes the paused sandbox `sandbox_id` for `timeout_ms` (0: 300000):
// the same as `e2b_client_connect_sandbox`, under the name E2B's
// documentation uses. Release `*out` with `e2b_sandbox_free`.
// Errors: as `e2b_client_connect_sandbox`.
E2B_API
e2b_error_code e2b_client_resume_sandbox(const struct e2b_client *client,
                                         const char *sandbox_id,
                                         uint64_t timeout_ms,
                                         struct e2b_sandbox **out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// A view of `sandbox` whose every blocking call ends within `deadline_ms`
// milliseconds of its start, transfers and streams included, and with them
// the commands, watches and readers the call hands out: a call still running
// then fails with E2B_ERR_TIMEOUT ("the call's deadline passed"). 0 and
// E2B_TIMEOUT_NONE mean no call deadline (the default), also when `sandbox`
// has one. `*out` is an
// independent handle on the same sandbox, sharing the connections; release
// each with `e2b_sandbox_free`, in any order. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_with_deadline(const struct e2b_sandbox *sandbox,
                                         uint64_t deadline_ms,
                                         struct e2b_sandbox **out,
                                         struct e2b_error **err_out);

// Releases the handle `sandbox` (the sandbox itself keeps running). NULL is ignored.
E2B_API
void e2b_sandbox_free(struct e2b_sandbox *sandbox);

// The sandbox's id, owned by the handle. NULL if `sandbox` is NULL.
E2B_API
const char *e2b_sandbox_id(const struct e2b_sandbox *sandbox);

// The id of the sandbox's template, owned by the handle. NULL if `sandbox` is NULL.
E2B_API
const char *e2b_sandbox_template_id(const struct e2b_sandbox *sandbox);

// The version of envd in the sandbox, owned by the handle. NULL if `sandbox` is NULL.
E2B_API
const char *e2b_sandbox_envd_version(const struct e2b_sandbox *sandbox);

// The token the sandbox's ports (all but envd's) require in the header
// `e2b-traffic-access-token`, owned by the handle: a sandbox created with
// public traffic off (`e2b_network_options_set_allow_public_traffic`) has
// one. NULL when it has none, or if `sandbox` is NULL.
E2B_API
const char *e2b_sandbox_traffic_access_token(const struct e2b_sandbox *sandbox);

// The public host name of `port` in the sandbox (`<port>-<id>.<domain>`,
// `localhost:<port>` in debug mode), into `*out` as text; dispose of it
// with `e2b_bytes_dispose`. `https://` plus it reaches a server the
// sandbox runs on that port. Made locally, without I/O. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_get_host(const struct e2b_sandbox *sandbox,
                                    uint16_t port,
                                    struct e2b_bytes *out,
                                    struct e2b_error **err_out);

// Kills the sandbox. `*killed_out` (optional) is false if it no longer
// existed, which is not an error. Errors: NULL_ARGUMENT; AUTHENTICATION;
// TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_kill(const struct e2b_sandbox *sandbox,
                                bool *killed_out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// Kills the sandbox `sandbox_id` without connecting to it (which would
// resume it). `*killed_out` (optional) is false if it no longer existed.
// Errors: as `e2b_sandbox_kill`, and INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_kill_sandbox(const struct e2b_client *client,
                                       const char *sandbox_id,
                                       bool *killed_out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Pauses the sandbox, keeping its filesystem and memory; resume it with
// `e2b_client_resume_sandbox`. `*paused_out` (optional) is true if it was
// running and is now paused, false if it was already paused (not an error).
// Errors: NULL_ARGUMENT; SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT,
// NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_pause(const struct e2b_sandbox *sandbox,
                                 bool *paused_out,
                                 const struct e2b_cancel *cancel,
                                 struct e2b_error **err_out);

// Pauses the sandbox as `e2b_sandbox_pause` does, with options (the SDKs'
// `pause(mode=..., strict=...)`): `mode` is an `e2b_pause_mode`
// (FILESYSTEM keeps only the files; DEFAULT: the server's, full); `strict`
// refuses to pause a sandbox whose envd does not answer. Such a refusal,
// and a FILESYSTEM pause of a sandbox whose envd does not answer, fail with
// E2B_ERR_API and HTTP status 503 (`e2b_error_http_status`; the SDKs'
// ServiceBusyException), the sandbox left running; a pause that went ahead
// anyway shows in `e2b_sandbox_info_envd_unresponsive_at_pause`.
// `*paused_out` (optional) is false if it was already paused.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_pause_mode`);
// SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_pause_with(const struct e2b_sandbox *sandbox,
                                      int32_t mode,
                                      bool strict,
                                      bool *paused_out,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Pauses the sandbox `sandbox_id` without a handle (the SDKs' class form
// `Sandbox.pause(id, ...)`), as `e2b_sandbox_pause_with` does.
// Errors: as `e2b_sandbox_pause_with`, and INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_pause_sandbox(const struct e2b_client *client,
                                        const char *sandbox_id,
                                        int32_t mode,
                                        bool strict,
                                        bool *paused_out,
                                        const struct e2b_cancel *cancel,
                                        struct e2b_error **err_out);

// `e2b_client_connect_sandbox`, saying how a paused sandbox comes back
// (the SDKs' `Sandbox.connect(id, timeout, on_resume=...)`): `on_resume` is
// an `e2b_on_resume`; E2B_ON_RESUME_REBOOT boots it afresh from its files
// (a running sandbox is not affected). Resuming from memory a sandbox
// paused while envd did not answer fails with CONFLICT (409,
// `sandbox_snapshot_guest_agent_unresponsive`): reboot it.
// Errors: as `e2b_client_connect_sandbox`, and INVALID_ARGUMENT (not an
// `e2b_on_resume`); CONFLICT.
E2B_API
e2b_error_code e2b_client_connect_sandbox_with(const struct e2b_client *client,
                                               const char *sandbox_id,
                                               uint64_t timeout_ms,
                                               int32_t on_resume,
                                               struct e2b_sandbox **out,
                                               bool *resumed_out,
                                               const struct e2b_cancel *cancel,
                                               struct e2b_error **err_out);

// Connects to this sandbox again (the SDKs' instance form `sbx.connect(timeout,
// on_resume=...)`): resumes it as `on_resume` (an `e2b_on_resume`) says if it is
// paused, and keeps it alive at least `timeout_ms` from now (0: 300000). The
// handle stays valid and keeps its tokens. Errors: NULL_ARGUMENT;
// INVALID_ARGUMENT; SANDBOX_NOT_FOUND; CONFLICT; AUTHENTICATION; TIMEOUT,
// NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_connect(const struct e2b_sandbox *sandbox,
                                   uint64_t timeout_ms,
                                   int32_t on_resume,
                                   const struct e2b_cancel *cancel,
                                   struct e2b_error **err_out);

// Sets the sandbox to end `timeout_ms` from now, rounded up to whole
// seconds (0: the default, 300000). This can shorten its life.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (E2B_TIMEOUT_NONE: E2B requires
// a limit); SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API;
// CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_set_timeout(const struct e2b_sandbox *sandbox,
                                       uint64_t timeout_ms,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Whether the sandbox answers (`*running_out`): false when it is paused,
// killed or expired. Errors: NULL_ARGUMENT; TIMEOUT, NETWORK, TLS; API;
// CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_is_running(const struct e2b_sandbox *sandbox,
                                      bool *running_out,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// What the control plane knows of the sandbox. Release `*out` with
// `e2b_sandbox_info_free`. Errors: NULL_ARGUMENT; SANDBOX_NOT_FOUND;
// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_get_info(const struct e2b_sandbox *sandbox,
                                    struct e2b_sandbox_info **out,
                                    const struct e2b_cancel *cancel,
                                    struct e2b_error **err_out);

// What the control plane knows of the sandbox `sandbox_id`, without
// connecting to it. Release `*out` with `e2b_sandbox_info_free`.
// Errors: as `e2b_sandbox_get_info`, and INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_get_sandbox_info(const struct e2b_client *client,
                                           const char *sandbox_id,
                                           struct e2b_sandbox_info **out,
                                           const struct e2b_cancel *cancel,
                                           struct e2b_error **err_out);

// Releases `info`. NULL is ignored.
E2B_API
void e2b_sandbox_info_free(struct e2b_sandbox_info *info);

// Every field of `info` as plain data, in one call (see
// `e2b_sandbox_fields`). Owned by the info, valid until it is freed (or,
// for an info of a page, until the page is). NULL if `info` is NULL.
E2B_API
const struct e2b_sandbox_fields *e2b_sandbox_info_fields(const struct e2b_sandbox_info *info);

// The sandbox's id. NULL if `info` is NULL.
E2B_API
const char *e2b_sandbox_info_id(const struct e2b_sandbox_info *info);

// The id of the sandbox's template. NULL if `info` is NULL.
E2B_API
const char *e2b_sandbox_info_template_id(const struct e2b_sandbox_info *info);

// The template's alias (the official SDKs call it `name`); NULL if it has none.
E2B_API
const char *e2b_sandbox_info_alias(const struct e2b_sandbox_info *info);

// When the sandbox started, RFC 3339. NULL if `info` is NULL.
E2B_API
const char *e2b_sandbox_info_started_at(const struct e2b_sandbox_info *info);

// When the sandbox will end unless extended, RFC 3339. NULL if `info` is NULL.
E2B_API
const char *e2b_sandbox_info_end_at(const struct e2b_sandbox_info *info);

// The version of envd in the sandbox. NULL if `info` is NULL.
E2B_API
const char *e2b_sandbox_info_envd_version(const struct e2b_sandbox_info *info);

// Whether the sandbox runs or is paused; `E2B_SANDBOX_UNKNOWN` for a state
// newer than this library, or if `info` is NULL.
E2B_API
e2b_sandbox_state e2b_sandbox_info_state(const struct e2b_sandbox_info *info);

// The number of CPUs; 0 if `info` is NULL.
E2B_API
uint32_t e2b_sandbox_info_cpu_count(const struct e2b_sandbox_info *info);

// The memory in MiB; 0 if `info` is NULL.
E2B_API
uint32_t e2b_sandbox_info_memory_mb(const struct e2b_sandbox_info *info);

// The disk size in MiB; 0 if `info` is NULL or the server did not say.
E2B_API
uint32_t e2b_sandbox_info_disk_size_mb(const struct e2b_sandbox_info *info);

// The number of metadata entries; 0 if `info` is NULL.
E2B_API
size_t e2b_sandbox_info_metadata_len(const struct e2b_sandbox_info *info);

// The key of metadata entry `index` (entries are sorted by key); NULL if
// `index` is out of range or `info` is NULL.
E2B_API
const char *e2b_sandbox_info_metadata_key(const struct e2b_sandbox_info *info,
                                          size_t index);

// The value of metadata entry `index`; NULL if out of range or `info` is NULL.
E2B_API
const char *e2b_sandbox_info_metadata_value(const struct e2b_sandbox_info *info,
                                            size_t index);

// The metadata value for `key`; NULL if there is none, or an argument is
// NULL or not UTF-8.
E2B_API
const char *e2b_sandbox_info_metadata_get(const struct e2b_sandbox_info *info,
                                          const char *key);

// What the sandbox does when its timeout passes; E2B_ON_TIMEOUT_DEFAULT if
// the server did not say (lists do not), or if `info` is NULL.
E2B_API
e2b_on_timeout e2b_sandbox_info_on_timeout(const struct e2b_sandbox_info *info);

// Whether traffic resumes the sandbox when it is paused; false if the
// server did not say, or if `info` is NULL.
E2B_API
bool e2b_sandbox_info_auto_resume(const struct e2b_sandbox_info *info);

// How the paused sandbox was paused; E2B_PAUSE_MODE_DEFAULT while it runs,
// if the server did not say, or if `info` is NULL.
E2B_API
e2b_pause_mode e2b_sandbox_info_pause_mode(const struct e2b_sandbox_info *info);

// Whether the sandbox was paused while envd did not answer: it then
// resumes only with E2B_ON_RESUME_REBOOT. False if `info` is NULL.
E2B_API
bool e2b_sandbox_info_envd_unresponsive_at_pause(const struct e2b_sandbox_info *info);

// Whether the sandbox may reach the internet, as given at creation: 1, 0,
// or -1 when it was not set explicitly (or the server did not say, or
// `info` is NULL).
E2B_API
int32_t e2b_sandbox_info_allow_internet_access(const struct e2b_sandbox_info *info);

// The domain the sandbox lives under; NULL if the server did not say.
E2B_API
const char *e2b_sandbox_info_domain(const struct e2b_sandbox_info *info);

// The sandbox's network settings (see `e2b_sandbox_network_fields`), owned
// by the info; NULL if the server gave none (lists do not), or if `info` is NULL.
E2B_API
const struct e2b_sandbox_network_fields *e2b_sandbox_info_network(const struct e2b_sandbox_info *info);

// A new query matching every running and paused sandbox. Release with
// `e2b_sandbox_query_free`.
E2B_API
struct e2b_sandbox_query *e2b_sandbox_query_new(void);

// Releases `query`. NULL is ignored.
E2B_API
void e2b_sandbox_query_free(struct e2b_sandbox_query *query);

// Adds `state` (an `e2b_sandbox_state`) to the states to match; with none
// added, both match. Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not RUNNING
// or PAUSED, `E2B_SANDBOX_UNKNOWN` included).
E2B_API
e2b_error_code e2b_sandbox_query_add_state(struct e2b_sandbox_query *query,
                                           int32_t state,
                                           struct e2b_error **err_out);

// Matches only sandboxes whose metadata has `key` set to `value` (all such
// pairs must match). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_query_add_metadata(struct e2b_sandbox_query *query,
                                              const char *key,
                                              const char *value,
                                              struct e2b_error **err_out);

// Sets the page size, 1 to 100 (0: the server's default, 100).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_sandbox_query_set_limit(struct e2b_sandbox_query *query,
                                           uint32_t limit,
                                           struct e2b_error **err_out);

// Matches only sandboxes of the template `template_name` (its id or name; a
// `:tag` is refused by the API with INVALID_ARGUMENT); NULL matches every
// template. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_query_set_template(struct e2b_sandbox_query *query,
                                              const char *template_name,
                                              struct e2b_error **err_out);

// Matches only sandboxes started at or after `time`, in RFC 3339
// (`2026-12-03T10:00:00Z`, the form of `e2b_sandbox_info_started_at`; the
// API refuses another form with INVALID_ARGUMENT); NULL matches any time.
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_query_set_started_after(struct e2b_sandbox_query *query,
                                                   const char *time,
                                                   struct e2b_error **err_out);

// Sets the order (an `e2b_list_order`; newest first by default). A next
// token continues only a listing in the order it came from.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_list_order`).
E2B_API
e2b_error_code e2b_sandbox_query_set_order(struct e2b_sandbox_query *query,
                                           int32_t order,
                                           struct e2b_error **err_out);

// Continues listing where the page with this `e2b_sandbox_page_next_token`
// ended; NULL starts from the beginning. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_query_set_next_token(struct e2b_sandbox_query *query,
                                                const char *next_token,
                                                struct e2b_error **err_out);

// Lists one page of the sandboxes matching `query` (NULL: all), newest
// first unless it sets another order. Release `*out` with
// `e2b_sandbox_page_free`.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (bad limit or token);
// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_client_list_sandboxes(const struct e2b_client *client,
                                         const struct e2b_sandbox_query *query,
                                         struct e2b_sandbox_page **out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// The number of sandboxes on the page; 0 if `page` is NULL.
E2B_API
size_t e2b_sandbox_page_len(const struct e2b_sandbox_page *page);

// Sandbox `index` of the page, owned by the page; NULL if out of range or
// `page` is NULL.
E2B_API
const struct e2b_sandbox_info *e2b_sandbox_page_get(const struct e2b_sandbox_page *page,
                                                    size_t index);

// The token for the next page (see `e2b_sandbox_query_set_next_token`),
// owned by the page; NULL on the last page.
E2B_API
const char *e2b_sandbox_page_next_token(const struct e2b_sandbox_page *page);

// How many running sandboxes match the query's filters, on every page
// together; -1 when the query did not ask for running sandboxes (or the
// server did not say), or `page` is NULL.
E2B_API
int64_t e2b_sandbox_page_total_running(const struct e2b_sandbox_page *page);

// Every sandbox of `page` as plain data, in one call: an array of
// `*len_out` pointers (`len_out` may be NULL), one per sandbox in the order
// of `e2b_sandbox_page_get`, each to the struct `e2b_sandbox_info_fields`
// gives for that sandbox. Owned by the page, valid until it is freed. NULL
// (and 0) if the page is empty or `page` is NULL.
E2B_API
const struct e2b_sandbox_fields *const *e2b_sandbox_page_fields(const struct e2b_sandbox_page *page,
                                                                size_t *len_out);

// Releases `page` and the infos in it. NULL is ignored.
E2B_API
void e2b_sandbox_page_free(struct e2b_sandbox_page *page);

// New, empty network options. Release with `e2b_network_options_free`.
E2B_API
struct e2b_network_options *e2b_network_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_network_options_free(struct e2b_network_options *options);

// Adds an entry to the egress allow list: a CIDR ("10.0.0.0/8"), an IP, or
// a domain ("example.com", "*.example.com"). Allow entries beat deny
// entries; a domain needs E2B_ALL_TRAFFIC denied (the server refuses it
// otherwise). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_network_options_add_allow_out(struct e2b_network_options *options,
                                                 const char *entry,
                                                 struct e2b_error **err_out);

// Adds an entry to the egress deny list: a CIDR or an IP (no domains);
// "0.0.0.0/0" (E2B_ALL_TRAFFIC) for everything. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_network_options_add_deny_out(struct e2b_network_options *options,
                                                const char *entry,
                                                struct e2b_error **err_out);

// Sets the IPv4 nameservers reachable when the allow list holds a domain:
// `count` strings from `servers`. `count` 0 (`servers` may then be NULL)
// sets the explicit empty list: no nameserver. Never called: the server's
// default (8.8.8.8). Replaces an earlier list. Errors: NULL_ARGUMENT (a NULL
// array or entry), INVALID_UTF8; the options are unchanged on error.
E2B_API
e2b_error_code e2b_network_options_set_dns_servers(struct e2b_network_options *options,
                                                   const char *const *servers,
                                                   size_t count,
                                                   struct e2b_error **err_out);

// Adds a new, empty rule for outbound HTTPS requests to `host` (an exact
// DNS name or a "*."-prefixed wildcard), for `e2b_network_options_add_rule_header`
// to fill. Needed only for a second rule of one host. A rule does not open
// egress to the host: the allow list does. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_network_options_add_rule(struct e2b_network_options *options,
                                            const char *host,
                                            struct e2b_error **err_out);

// Sets the header `name` to `value` in the requests the last rule of `host`
// (an exact DNS name or a "*."-prefixed wildcard) matches, making the rule
// if `host` has none (a header of the same name is replaced). Values may
// hold the placeholders `${e2b.secrets.<name>}` and
// `${e2b.identity.tokens.<name>}`. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_network_options_add_rule_header(struct e2b_network_options *options,
                                                   const char *host,
                                                   const char *name,
                                                   const char *value,
                                                   struct e2b_error **err_out);

// Sends outbound TCP through the SOCKS5 proxy at `address` ("host:port"),
// after the allow and deny lists. `username` and `password` may be NULL
// (left out). With `tls` the connection to the proxy uses TLS; `server_name`
// (the name to check its certificate against) and `ca_cert` (a PEM CA to
// trust instead of the system's) may then be given, else NULL. Errors:
// NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (`server_name` or `ca_cert`
// without `tls`). Teams without the feature get PERMISSION_DENIED from the
// create or update.
E2B_API
e2b_error_code e2b_network_options_set_egress_proxy(struct e2b_network_options *options,
                                                    const char *address,
                                                    const char *username,
                                                    const char *password,
                                                    bool tls,
                                                    const char *server_name,
                                                    const char *ca_cert,
                                                    struct e2b_error **err_out);

// Whether the sandbox's ports (all but envd's) answer without its traffic
// access token; false makes the server issue one. Never called: the
// project's default (true). Create only. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_network_options_set_allow_public_traffic(struct e2b_network_options *options,
                                                            bool allow,
                                                            struct e2b_error **err_out);

// Sets the `Host` header of proxied requests to the sandbox's ports (not
// envd's); "${PORT}" becomes the port. Create only. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_network_options_set_mask_request_host(struct e2b_network_options *options,
                                                         const char *host,
                                                         struct e2b_error **err_out);

// Adds a port whose service in the sandbox speaks TLS (1 to 65535, not
// 49983: the server checks). Create only. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_network_options_add_https_port(struct e2b_network_options *options,
                                                  uint16_t port,
                                                  struct e2b_error **err_out);

// false denies all egress but the allow list (the deny list becomes exactly
// E2B_ALL_TRAFFIC). For `e2b_sandbox_update_network`; given to
// `e2b_sandbox_options_set_network` it sets the sandbox options' own
// (`e2b_sandbox_options_set_allow_internet_access`). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_network_options_set_allow_internet_access(struct e2b_network_options *options,
                                                             bool allow,
                                                             struct e2b_error **err_out);

// Creates the sandbox with `network` (copied; NULL: no network settings, as
// new options have). Errors: NULL_ARGUMENT (options).
E2B_API
e2b_error_code e2b_sandbox_options_set_network(struct e2b_sandbox_options *options,
                                               const struct e2b_network_options *network,
                                               struct e2b_error **err_out);

// Replaces the running sandbox's egress configuration with `network`
// (`PUT /sandboxes/{id}/network`, `update_network` in the official SDKs):
// what `network` leaves unset is cleared (the DNS servers go back to
// 8.8.8.8, the proxy is removed). Errors: NULL_ARGUMENT; INVALID_ARGUMENT
// (an ingress setting in `network`, or entries the server refuses: HTTP
// 400); PERMISSION_DENIED (egress proxies not enabled); SANDBOX_NOT_FOUND;
// CONFLICT; AUTHENTICATION; RATE_LIMITED; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_update_network(const struct e2b_sandbox *sandbox,
                                          const struct e2b_network_options *network,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// `e2b_sandbox_update_network` for the sandbox `sandbox_id`, without
// connecting to it. Errors: as `e2b_sandbox_update_network`, and INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_update_network(const struct e2b_client *client,
                                         const char *sandbox_id,
                                         const struct e2b_network_options *network,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// The sandbox's metrics samples taken from `start_unix_ms` to `end_unix_ms`
// (milliseconds since the Unix epoch, both included, rounded down to whole
// seconds as the API counts them; 0: unbounded), oldest first. E2B samples
// every 5 seconds while the sandbox runs; the list is empty before the
// first sample. Release `*out` with `e2b_metrics_list_free`.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (a negative time, or start after
// end); SANDBOX_NOT_FOUND; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API;
// DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_get_metrics(const struct e2b_sandbox *sandbox,
                                       int64_t start_unix_ms,
                                       int64_t end_unix_ms,
                                       struct e2b_metrics_list **out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// As `e2b_sandbox_get_metrics`, for the sandbox `sandbox_id`, without
// connecting to it (the SDKs' `Sandbox.get_metrics(sandbox_id, ...)`).
// Errors: as `e2b_sandbox_get_metrics`, and INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_get_sandbox_metrics(const struct e2b_client *client,
                                              const char *sandbox_id,
                                              int64_t start_unix_ms,
                                              int64_t end_unix_ms,
                                              struct e2b_metrics_list **out,
                                              const struct e2b_cancel *cancel,
                                              struct e2b_error **err_out);

// The number of samples in `list`; 0 if `list` is NULL.
E2B_API
size_t e2b_metrics_list_len(const struct e2b_metrics_list *list);

// Sample `index` of the list, owned by the list; NULL if out of range or
// `list` is NULL.
E2B_API
const struct e2b_metrics_fields *e2b_metrics_list_get(const struct e2b_metrics_list *list,
                                                      size_t index);

// Every sample of `list` in one call: an array of `*len_out` pointers
// (`len_out` may be NULL), in the order of `e2b_metrics_list_get`. Owned by
// the list, valid until it is freed. NULL (and 0) if the list is empty or
// `list` is NULL.
E2B_API
const struct e2b_metrics_fields *const *e2b_metrics_list_fields(const struct e2b_metrics_list *list,
                                                                size_t *len_out);

// Releases `list` and its samples. NULL is ignored.
E2B_API
void e2b_metrics_list_free(struct e2b_metrics_list *list);

// New snapshot options with the defaults. Release with `e2b_snapshot_options_free`.
E2B_API
struct e2b_snapshot_options *e2b_snapshot_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_snapshot_options_free(struct e2b_snapshot_options *options);

// Names the snapshot's template, optionally with a tag (`my-env`,
// `my-env:v2`); a name that exists gets a new build (that tag's earlier one
// is replaced). NULL or "" makes an unnamed snapshot (the default).
// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
E2B_API
e2b_error_code e2b_snapshot_options_set_name(struct e2b_snapshot_options *options,
                                             const char *name,
                                             struct e2b_error **err_out);

// Sets what the snapshot keeps (an `e2b_snapshot_mode`; DEFAULT leaves it to
// the server). Errors: NULL_ARGUMENT; INVALID_ARGUMENT (not an `e2b_snapshot_mode`).
E2B_API
e2b_error_code e2b_snapshot_options_set_mode(struct e2b_snapshot_options *options,
                                             int32_t mode,
                                             struct e2b_error **err_out);

// Takes a snapshot of the running `sandbox` with `options` (NULL: the
// defaults); the sandbox keeps running. Start sandboxes from it by giving
// its id to `e2b_sandbox_options_set_template`. Release `*out` with
// `e2b_snapshot_info_free`. The request is not repeated once the server may
// have acted on it. Errors: NULL_ARGUMENT; SANDBOX_NOT_FOUND (unknown, or
// paused: only running sandboxes can be snapshotted); INVALID_ARGUMENT (bad
// name); CONFLICT; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_create_snapshot(const struct e2b_sandbox *sandbox,
                                           const struct e2b_snapshot_options *options,
                                           struct e2b_snapshot_info **out,
                                           const struct e2b_cancel *cancel,
                                           struct e2b_error **err_out);

// `e2b_sandbox_create_snapshot` of the sandbox `sandbox_id`, without
// connecting to it. Errors: as `e2b_sandbox_create_snapshot`, and INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_create_snapshot(const struct e2b_client *client,
                                          const char *sandbox_id,
                                          const struct e2b_snapshot_options *options,
                                          struct e2b_snapshot_info **out,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// Deletes the snapshot `snapshot_id`: every build of its template, whatever
// tag the id names. Sandboxes started from it run on. `*deleted_out`
// (optional) is false if there was none, which is not an error.
// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (not a template
// name); PERMISSION_DENIED (a template that is not the team's, such as
// `base`); AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_client_delete_snapshot(const struct e2b_client *client,
                                          const char *snapshot_id,
                                          bool *deleted_out,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// Releases `info`. NULL is ignored.
E2B_API
void e2b_snapshot_info_free(struct e2b_snapshot_info *info);

// The snapshot's id (`<namespace>/<name>:<tag>` when named, else
// `<template id>:<tag>`). NULL if `info` is NULL.
E2B_API
const char *e2b_snapshot_info_id(const struct e2b_snapshot_info *info);

// The number of names of the snapshot's template (0 when unnamed, or if `info` is NULL).
E2B_API
size_t e2b_snapshot_info_names_len(const struct e2b_snapshot_info *info);

// Name `index` of the snapshot's template, namespace included; NULL if out
// of range or `info` is NULL.
E2B_API
const char *e2b_snapshot_info_names_get(const struct e2b_snapshot_info *info,
                                        size_t index);

// Every field of `info` as plain data, in one call (see
// `e2b_snapshot_fields`). Owned by the info (or its page). NULL if `info` is NULL.
E2B_API
const struct e2b_snapshot_fields *e2b_snapshot_info_fields(const struct e2b_snapshot_info *info);

// A new query matching all of the team's snapshots. Release with `e2b_snapshot_query_free`.
E2B_API
struct e2b_snapshot_query *e2b_snapshot_query_new(void);

// Releases `query`. NULL is ignored.
E2B_API
void e2b_snapshot_query_free(struct e2b_snapshot_query *query);

// Matches only the snapshots taken of the sandbox `sandbox_id`; NULL matches
// every sandbox's. Errors: NULL_ARGUMENT (query), INVALID_UTF8.
E2B_API
e2b_error_code e2b_snapshot_query_set_sandbox_id(struct e2b_snapshot_query *query,
                                                 const char *sandbox_id,
                                                 struct e2b_error **err_out);

// Matches only the snapshots of `name` (a name or template id: bare, every
// tag; `name:tag`, that tag); NULL matches every name.
// Errors: NULL_ARGUMENT (query), INVALID_UTF8.
E2B_API
e2b_error_code e2b_snapshot_query_set_name(struct e2b_snapshot_query *query,
                                           const char *name,
                                           struct e2b_error **err_out);

// Sets the page size, 1 to 100 (0: the server's default, 100).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_snapshot_query_set_limit(struct e2b_snapshot_query *query,
                                            uint32_t limit,
                                            struct e2b_error **err_out);

// Continues listing where the page with this `e2b_snapshot_page_next_token`
// ended; NULL starts from the beginning. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_snapshot_query_set_next_token(struct e2b_snapshot_query *query,
                                                 const char *next_token,
                                                 struct e2b_error **err_out);

// Lists one page of the team's snapshots matching `query` (NULL: all),
// newest first. Release `*out` with `e2b_snapshot_page_free`; list the next
// page with its `e2b_snapshot_page_next_token` set on the query.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (bad limit, token, sandbox id or
// name); AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_client_list_snapshots(const struct e2b_client *client,
                                         const struct e2b_snapshot_query *query,
                                         struct e2b_snapshot_page **out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// `e2b_client_list_snapshots` of the snapshots taken of `sandbox` (the
// query's sandbox id is replaced by its). Errors: as `e2b_client_list_snapshots`.
E2B_API
e2b_error_code e2b_sandbox_list_snapshots(const struct e2b_sandbox *sandbox,
                                          const struct e2b_snapshot_query *query,
                                          struct e2b_snapshot_page **out,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// The number of snapshots on the page; 0 if `page` is NULL.
E2B_API
size_t e2b_snapshot_page_len(const struct e2b_snapshot_page *page);

// Snapshot `index` of the page, owned by the page; NULL if out of range or
// `page` is NULL.
E2B_API
const struct e2b_snapshot_info *e2b_snapshot_page_get(const struct e2b_snapshot_page *page,
                                                      size_t index);

// The token for the next page (see `e2b_snapshot_query_set_next_token`),
// owned by the page; NULL on the last page.
E2B_API
const char *e2b_snapshot_page_next_token(const struct e2b_snapshot_page *page);

// Every snapshot of `page` as plain data, in one call: an array of
// `*len_out` pointers (`len_out` may be NULL), one per snapshot in the order
// of `e2b_snapshot_page_get`. Owned by the page, valid until it is freed.
// NULL (and 0) if the page is empty or `page` is NULL.
E2B_API
const struct e2b_snapshot_fields *const *e2b_snapshot_page_fields(const struct e2b_snapshot_page *page,
                                                                  size_t *len_out);

// Releases `page` and the infos in it. NULL is ignored.
E2B_API
void e2b_snapshot_page_free(struct e2b_snapshot_page *page);

// New fork options with the API's defaults. Release with `e2b_fork_options_free`.
E2B_API
struct e2b_fork_options *e2b_fork_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_fork_options_free(struct e2b_fork_options *options);

// Sets how many forks to make, 1 to 20 (0: the API's default, 1).
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (more than 20).
E2B_API
e2b_error_code e2b_fork_options_set_count(struct e2b_fork_options *options,
                                          uint32_t count,
                                          struct e2b_error **err_out);

// Sets how long each fork lives, in milliseconds rounded up to whole
// seconds (0: the API's default, 15000). Errors: NULL_ARGUMENT;
// INVALID_ARGUMENT (E2B_TIMEOUT_NONE: a sandbox needs a limit).
E2B_API
e2b_error_code e2b_fork_options_set_timeout_ms(struct e2b_fork_options *options,
                                               uint64_t timeout_ms,
                                               struct e2b_error **err_out);

// Forks the running `sandbox` with `options` (NULL: the defaults): new
// sandboxes start from its state of now, and it runs on, its id and end
// unchanged. Each fork succeeds or fails on its own: `*out` has one entry
// per fork asked for (`e2b_fork_list_get`, `e2b_fork_list_error`); release
// it with `e2b_fork_list_free`. The request is not repeated once the server
// may have acted on it. Errors of the whole call: NULL_ARGUMENT;
// INVALID_ARGUMENT (a timeout the server refuses); SANDBOX_NOT_FOUND;
// CONFLICT (the sandbox is paused); AUTHENTICATION; TIMEOUT, NETWORK, TLS;
// API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_sandbox_fork(const struct e2b_sandbox *sandbox,
                                const struct e2b_fork_options *options,
                                struct e2b_fork_list **out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// `e2b_sandbox_fork` of the sandbox `sandbox_id`, without connecting to it.
// Errors: as `e2b_sandbox_fork`, and INVALID_UTF8.
E2B_API
e2b_error_code e2b_client_fork_sandbox(const struct e2b_client *client,
                                       const char *sandbox_id,
                                       const struct e2b_fork_options *options,
                                       struct e2b_fork_list **out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// The number of forks asked for (each a sandbox or an error); 0 if `list` is NULL.
E2B_API
size_t e2b_fork_list_len(const struct e2b_fork_list *list);

// Fork `index`'s sandbox, owned by the list (valid until it is freed); NULL
// if that fork failed, was taken, is out of range, or `list` is NULL.
E2B_API
const struct e2b_sandbox *e2b_fork_list_get(const struct e2b_fork_list *list,
                                            size_t index);

// Takes fork `index`'s sandbox out of the list: the caller owns it and
// releases it with `e2b_sandbox_free`; the list's entry becomes NULL (its
// `e2b_fork_list_get` too). NULL if that fork failed, was taken, is out of
// range, or `list` is NULL.
E2B_API
struct e2b_sandbox *e2b_fork_list_take(struct e2b_fork_list *list,
                                       size_t index);

// The error fork `index` met, owned by the list (do not free it; read it
// with `e2b_error_code_of`, `e2b_error_message`, `e2b_error_http_status`);
// NULL if that fork succeeded, is out of range, or `list` is NULL.
E2B_API
const struct e2b_error *e2b_fork_list_error(const struct e2b_fork_list *list,
                                            size_t index);

// Releases `list` and the sandbox handles still in it (the sandboxes run
// on). NULL is ignored.
E2B_API
void e2b_fork_list_free(struct e2b_fork_list *list);

// New file options with the defaults. Release with `e2b_files_options_free`.
E2B_API
struct e2b_files_options *e2b_files_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_files_options_free(struct e2b_files_options *options);

// Acts as `user` (e.g. "root"): files are written with that owner and
// relative paths start at that user's home. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_files_options_set_user(struct e2b_files_options *options,
                                          const char *user,
                                          struct e2b_error **err_out);

// Compresses transfers with gzip on the wire (default false).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_files_options_set_gzip(struct e2b_files_options *options,
                                          bool gzip,
                                          struct e2b_error **err_out);

// Adds (or replaces) one entry of the user metadata that writes with these
// options give the files they create or replace (`e2b_files_write*`,
// `e2b_files_upload_*`): envd keeps it as extended attributes and reports
// it, with the key lowercased, in the entry info (`e2b_entry_info_metadata_*`).
// Each write replaces all of a file's metadata; a write without any clears
// it. Checked by the writes, before sending: the key must be an HTTP token
// (letters, digits and !#$%&'*+-.^_`|~), the value printable ASCII, else
// INVALID_ARGUMENT. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_files_options_set_metadata(struct e2b_files_options *options,
                                              const char *key,
                                              const char *value,
                                              struct e2b_error **err_out);

// Lets watches with these options watch a directory on a network or FUSE
// mount, whose changes may go unreported (default false: envd refuses one
// with INVALID_ARGUMENT). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_files_options_set_allow_network_mounts(struct e2b_files_options *options,
                                                          bool allow,
                                                          struct e2b_error **err_out);

// Reads the whole file at `path` into `*out` (bytes, never transcoded).
// Paths are absolute or relative to the user's home. `*out` is emptied on
// entry; dispose of it with `e2b_bytes_dispose`.
// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT (a
// directory); AUTHENTICATION; SANDBOX_GONE (paused, killed or expired);
// TIMEOUT, NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_files_read(const struct e2b_sandbox *sandbox,
                              const char *path,
                              const struct e2b_files_options *options,
                              struct e2b_bytes *out,
                              const struct e2b_cancel *cancel,
                              struct e2b_error **err_out);

// Streams the file at `path` to `on_data` in chunks, in constant memory;
// `*size_out` (optional) receives the number of bytes. `progress` (may be
// NULL) is called after each chunk. Errors: as `e2b_files_read`, and
// CALLBACK_ABORTED.
E2B_API
e2b_error_code e2b_files_read_stream(const struct e2b_sandbox *sandbox,
                                     const char *path,
                                     const struct e2b_files_options *options,
                                     e2b_data_cb on_data,
                                     e2b_progress_cb progress,
                                     void *user_data,
                                     uint64_t *size_out,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Opens the file at `path` for reading piece by piece with
// `e2b_file_reader_read`. Release `*out` with `e2b_file_reader_free`.
// Errors: as `e2b_files_read`.
E2B_API
e2b_error_code e2b_files_open_read(const struct e2b_sandbox *sandbox,
                                   const char *path,
                                   const struct e2b_files_options *options,
                                   struct e2b_file_reader **out,
                                   const struct e2b_cancel *cancel,
                                   struct e2b_error **err_out);

// Reads up to `capacity` bytes into `buffer`; `*read_out` receives how
// many, 0 at the end of the file. A cancelled read closes the transfer's
// connection: free the reader (later reads fail, perhaps after returning
// data already received). Errors: NULL_ARGUMENT; TIMEOUT, NETWORK (the transfer
// broke off; what was read is all there is); CANCELLED.
E2B_API
e2b_error_code e2b_file_reader_read(struct e2b_file_reader *reader,
                                    uint8_t *buffer,
                                    size_t capacity,
                                    size_t *read_out,
                                    const struct e2b_cancel *cancel,
                                    struct e2b_error **err_out);

// Releases `reader`, closing its transfer. NULL is ignored.
E2B_API
void e2b_file_reader_free(struct e2b_file_reader *reader);

// Writes `len` bytes at `data` to the file at `path`, replacing it if it
// exists and creating missing parent directories. `data` may be NULL when
// `len` is 0. Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a
// directory, or metadata that is not a token or not printable ASCII, a key
// over 246 bytes or over 4096 bytes in all); NOT_ENOUGH_SPACE; AUTHENTICATION; SANDBOX_GONE; TIMEOUT,
// NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_files_write(const struct e2b_sandbox *sandbox,
                               const char *path,
                               const uint8_t *data,
                               size_t len,
                               const struct e2b_files_options *options,
                               const struct e2b_cancel *cancel,
                               struct e2b_error **err_out);

// Streams the file at `path` from `read` in constant memory, creating
// missing parent directories. `size` is the number of bytes `read` will
// supply, or -1 if unknown. `progress` (may be NULL) is called as data goes
// out. With a size, `read` is asked once more after `size` bytes and must
// then return 0. Errors: as `e2b_files_write`; CALLBACK_ABORTED;
// INVALID_ARGUMENT (`size` below -1); IO (`read` supplied fewer or more
// bytes than `size`: the call fails as soon as that shows, naming both numbers).
E2B_API
e2b_error_code e2b_files_write_stream(const struct e2b_sandbox *sandbox,
                                      const char *path,
                                      int64_t size,
                                      const struct e2b_files_options *options,
                                      e2b_read_cb read,
                                      e2b_progress_cb progress,
                                      void *user_data,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Writes `count` files in one request, creating missing parent directories.
// Errors: NULL_ARGUMENT (entries, or a path or data in one), INVALID_UTF8;
// as `e2b_files_write`.
E2B_API
e2b_error_code e2b_files_write_files(const struct e2b_sandbox *sandbox,
                                     const struct e2b_write_entry *entries,
                                     size_t count,
                                     const struct e2b_files_options *options,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Uploads the local file `local_path` to `path`, streaming. `progress` may
// be NULL. Errors: IO (the local file, or one whose size changed while it
// was sent, as files under /sys do); as `e2b_files_write_stream`.
E2B_API
e2b_error_code e2b_files_upload_file(const struct e2b_sandbox *sandbox,
                                     const char *local_path,
                                     const char *path,
                                     const struct e2b_files_options *options,
                                     e2b_progress_cb progress,
                                     void *user_data,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Downloads the file at `path` to the local file `local_path`, streaming;
// the local file appears only once complete. `progress` may be NULL.
// Errors: IO (the local file); as `e2b_files_read_stream`.
E2B_API
e2b_error_code e2b_files_download_file(const struct e2b_sandbox *sandbox,
                                       const char *path,
                                       const char *local_path,
                                       const struct e2b_files_options *options,
                                       e2b_progress_cb progress,
                                       void *user_data,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Uploads the local directory tree `local_dir` to `path`: every regular
// file and directory. Symbolic links are skipped wherever they point, never
// followed (so nothing outside the tree is sent). `*count_out` (optional)
// receives the number of files. `progress` (may be NULL) names the file in
// flight and counts the bytes of the whole tree. Errors: IO; as `e2b_files_upload_file`.
E2B_API
e2b_error_code e2b_files_upload_dir(const struct e2b_sandbox *sandbox,
                                    const char *local_dir,
                                    const char *path,
                                    const struct e2b_files_options *options,
                                    e2b_dir_progress_cb progress,
                                    void *user_data,
                                    size_t *count_out,
                                    const struct e2b_cancel *cancel,
                                    struct e2b_error **err_out);

// Downloads the directory tree at `path` into the local directory
// `local_dir` (created if missing): every regular file and directory.
// Symbolic links are skipped wherever they point, never followed, nor is
// anything listed beneath one: the sandbox reports only where a link
// resolves, not its own text, so it cannot be recreated faithfully, and
// copying its target could bring in files from outside the tree. `path`
// must be a directory, not a link to one. `*count_out` (optional) receives
// the number of files. `progress` (may be NULL) names the file in flight and
// counts the bytes of the whole tree.
// Errors: IO; INVALID_ARGUMENT (not a directory); as `e2b_files_download_file`.
E2B_API
e2b_error_code e2b_files_download_dir(const struct e2b_sandbox *sandbox,
                                      const char *path,
                                      const char *local_dir,
                                      const struct e2b_files_options *options,
                                      e2b_dir_progress_cb progress,
                                      void *user_data,
                                      size_t *count_out,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// A URL from which any program can download the file at `path` (signed
// with the sandbox's access token), valid for `expires_in_ms`, rounded up
// to whole seconds (0, the default, and E2B_TIMEOUT_NONE: until the
// sandbox ends). The URL goes to `*out` as text; dispose of it with
// `e2b_bytes_dispose`. Made locally, without I/O: `cancel` only fails it
// if already cancelled. Errors: NULL_ARGUMENT, INVALID_UTF8;
// INVALID_ARGUMENT (an expiry on a sandbox without an access token); CANCELLED.
E2B_API
e2b_error_code e2b_files_download_url(const struct e2b_sandbox *sandbox,
                                      const char *path,
                                      uint64_t expires_in_ms,
                                      const struct e2b_files_options *options,
                                      struct e2b_bytes *out,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// A URL to which any program can upload the file `path` with a multipart
// POST (field "file"), signed like `e2b_files_download_url`.
// Errors: as `e2b_files_download_url`.
E2B_API
e2b_error_code e2b_files_upload_url(const struct e2b_sandbox *sandbox,
                                    const char *path,
                                    uint64_t expires_in_ms,
                                    const struct e2b_files_options *options,
                                    struct e2b_bytes *out,
                                    const struct e2b_cancel *cancel,
                                    struct e2b_error **err_out);

// The entries of the directory at `path` and its subdirectories down to
// `depth` levels (1: the directory only). Release `*out` with
// `e2b_entry_list_free`. Errors: NULL_ARGUMENT, INVALID_UTF8;
// INVALID_ARGUMENT (depth 0, not a directory); NOT_FOUND; SANDBOX_GONE;
// TIMEOUT, NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_files_list(const struct e2b_sandbox *sandbox,
                              const char *path,
                              uint32_t depth,
                              const struct e2b_files_options *options,
                              struct e2b_entry_list **out,
                              const struct e2b_cancel *cancel,
                              struct e2b_error **err_out);

// Whether anything exists at `path` (`*exists_out`).
// Errors: NULL_ARGUMENT, INVALID_UTF8; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_files_exists(const struct e2b_sandbox *sandbox,
                                const char *path,
                                const struct e2b_files_options *options,
                                bool *exists_out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// What is at `path` (a final symlink is not followed). Release `*out` with
// `e2b_entry_info_free`. Errors: as `e2b_files_list`.
E2B_API
e2b_error_code e2b_files_get_info(const struct e2b_sandbox *sandbox,
                                  const char *path,
                                  const struct e2b_files_options *options,
                                  struct e2b_entry_info **out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// Creates the directory `path` and missing parents. `*created_out`
// (optional) is false if it already existed, which is not an error.
// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (`path` is a file);
// API (a file where a parent should be); SANDBOX_GONE; TIMEOUT, NETWORK, TLS.
E2B_API
e2b_error_code e2b_files_make_dir(const struct e2b_sandbox *sandbox,
                                  const char *path,
                                  const struct e2b_files_options *options,
                                  bool *created_out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// Removes the file or directory tree at `path`; nothing there is success.
// Errors: NULL_ARGUMENT, INVALID_UTF8; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_files_remove(const struct e2b_sandbox *sandbox,
                                const char *path,
                                const struct e2b_files_options *options,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// Moves `old_path` to `new_path`, creating missing parents. `*out`
// (optional) receives the moved entry; release it with `e2b_entry_info_free`.
// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; SANDBOX_GONE; TIMEOUT,
// NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_files_rename(const struct e2b_sandbox *sandbox,
                                const char *old_path,
                                const char *new_path,
                                const struct e2b_files_options *options,
                                struct e2b_entry_info **out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// The number of entries; 0 if `list` is NULL.
E2B_API
size_t e2b_entry_list_len(const struct e2b_entry_list *list);

// Entry `index`, owned by the list; NULL if out of range or `list` is NULL.
E2B_API
const struct e2b_entry_info *e2b_entry_list_get(const struct e2b_entry_list *list,
                                                size_t index);

// Every entry of `list` as plain data, in one call: an array of
// `*len_out` pointers (`len_out` may be NULL), one per entry in the order of
// `e2b_entry_list_get`, each to the struct `e2b_entry_info_fields` gives for
// that entry. Owned by the list, valid until it is freed. NULL (and 0) if
// the list is empty or `list` is NULL.
E2B_API
const struct e2b_entry_fields *const *e2b_entry_list_fields(const struct e2b_entry_list *list,
                                                            size_t *len_out);

// Releases `list` and its entries. NULL is ignored.
E2B_API
void e2b_entry_list_free(struct e2b_entry_list *list);

// Releases `entry` (one from `e2b_files_get_info` or `e2b_files_rename`,
// not one borrowed from a list). NULL is ignored.
E2B_API
void e2b_entry_info_free(struct e2b_entry_info *entry);

// Every field of `entry` as plain data, in one call (see
// `e2b_entry_fields`). Owned by the entry, valid until it is freed (or, for
// an entry of a list or event, until its list or event is). NULL if `entry`
// is NULL.
E2B_API
const struct e2b_entry_fields *e2b_entry_info_fields(const struct e2b_entry_info *entry);

// The entry's name. NULL if `entry` is NULL.
E2B_API
const char *e2b_entry_info_name(const struct e2b_entry_info *entry);

// The entry's absolute path. NULL if `entry` is NULL.
E2B_API
const char *e2b_entry_info_path(const struct e2b_entry_info *entry);

// The entry's kind, the entry itself: a symbolic link is
// `E2B_FILE_TYPE_SYMLINK` whatever it points to. `E2B_FILE_TYPE_OTHER` if
// `entry` is NULL.
E2B_API
e2b_file_type e2b_entry_info_type(const struct e2b_entry_info *entry);

// The size in bytes; 0 if `entry` is NULL.
E2B_API
uint64_t e2b_entry_info_size(const struct e2b_entry_info *entry);

// The Unix mode bits; 0 if `entry` is NULL.
E2B_API
uint32_t e2b_entry_info_mode(const struct e2b_entry_info *entry);

// The mode as `ls -l` shows it, e.g. "-rw-r--r--". NULL if `entry` is NULL.
E2B_API
const char *e2b_entry_info_permissions(const struct e2b_entry_info *entry);

// The owner's name. NULL if `entry` is NULL.
E2B_API
const char *e2b_entry_info_owner(const struct e2b_entry_info *entry);

// The group's name. NULL if `entry` is NULL.
E2B_API
const char *e2b_entry_info_group(const struct e2b_entry_info *entry);

// The time of the last change, RFC 3339; NULL if unknown.
E2B_API
const char *e2b_entry_info_modified_time(const struct e2b_entry_info *entry);

// Where a symlink (`E2B_FILE_TYPE_SYMLINK`, whatever it points to) points,
// as the sandbox resolves it: an absolute path (a dangling link reports its
// own path). NULL for anything else.
E2B_API
const char *e2b_entry_info_symlink_target(const struct e2b_entry_info *entry);

// The number of metadata entries; 0 if `entry` is NULL.
E2B_API
size_t e2b_entry_info_metadata_len(const struct e2b_entry_info *entry);

// The key of metadata entry `index` (sorted by key); NULL if out of range.
E2B_API
const char *e2b_entry_info_metadata_key(const struct e2b_entry_info *entry,
                                        size_t index);

// The value of metadata entry `index`; NULL if out of range.
E2B_API
const char *e2b_entry_info_metadata_value(const struct e2b_entry_info *entry,
                                          size_t index);

// Starts watching the directory `path` (with its subdirectories if
// `recursive`; with each changed entry's info if `include_entry`). Poll
// the watch with `e2b_watch_next_events`; release it with `e2b_watch_free`.
// `cancel` applies to starting the watch only.
// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT (not a
// directory, or on a network mount without
// `e2b_files_options_set_allow_network_mounts`); SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_files_watch_dir(const struct e2b_sandbox *sandbox,
                                   const char *path,
                                   bool recursive,
                                   bool include_entry,
                                   const struct e2b_files_options *options,
                                   struct e2b_watch **out,
                                   const struct e2b_cancel *cancel,
                                   struct e2b_error **err_out);

// Watches the directory `path` over one stream, calling `on_event` for
// each event as it comes, until `on_event` returns non-zero
// (E2B_ERR_CALLBACK_ABORTED, with its value in `e2b_error_callback_value`)
// or `timeout_ms` passes (E2B_OK; 0, the default, and E2B_TIMEOUT_NONE: no
// limit). Errors: as `e2b_files_watch_dir`, and CALLBACK_ABORTED.
E2B_API
e2b_error_code e2b_files_watch_dir_stream(const struct e2b_sandbox *sandbox,
                                          const char *path,
                                          bool recursive,
                                          bool include_entry,
                                          uint64_t timeout_ms,
                                          const struct e2b_files_options *options,
                                          e2b_fs_event_cb on_event,
                                          void *user_data,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// The watch's id, owned by the watch. NULL if `watch` is NULL.
E2B_API
const char *e2b_watch_id(const struct e2b_watch *watch);

// The events since the last call, oldest first (possibly none). Release
// `*out` with `e2b_fs_event_list_free`. Errors: NULL_ARGUMENT;
// INVALID_ARGUMENT (stopped); NOT_FOUND (the sandbox forgot the watch);
// SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_watch_get_new_events(const struct e2b_watch *watch,
                                        struct e2b_fs_event_list **out,
                                        const struct e2b_cancel *cancel,
                                        struct e2b_error **err_out);

// Waits up to `timeout_ms` for at least one event and returns what came
// (possibly nothing); 0 (the default) asks once without waiting,
// E2B_TIMEOUT_NONE waits until an event comes. If another thread stops the
// watch meanwhile, it returns E2B_OK at once with what came before
// (usually nothing). Release `*out` with `e2b_fs_event_list_free`.
// Errors: as `e2b_watch_get_new_events` (INVALID_ARGUMENT if the watch was
// stopped before the call).
E2B_API
e2b_error_code e2b_watch_next_events(const struct e2b_watch *watch,
                                     uint64_t timeout_ms,
                                     struct e2b_fs_event_list **out,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Stops the watch; polling it afterwards fails, and an `e2b_watch_next_events`
// waiting in another thread returns E2B_OK promptly. Stopping twice is harmless.
// A cancelled stop leaves the watcher to end with the sandbox.
// Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_watch_stop(const struct e2b_watch *watch,
                              const struct e2b_cancel *cancel,
                              struct e2b_error **err_out);

// Releases `watch` at once, without waiting for the network: a watch not
// yet stopped is stopped by a background thread (one request, bounded by
// the request timeout). NULL is ignored.
E2B_API
void e2b_watch_free(struct e2b_watch *watch);

// The number of events; 0 if `list` is NULL.
E2B_API
size_t e2b_fs_event_list_len(const struct e2b_fs_event_list *list);

// Event `index`, owned by the list; NULL if out of range or `list` is NULL.
E2B_API
const struct e2b_fs_event *e2b_fs_event_list_get(const struct e2b_fs_event_list *list,
                                                 size_t index);

// Releases `list` and its events. NULL is ignored.
E2B_API
void e2b_fs_event_list_free(struct e2b_fs_event_list *list);

// What happened; `E2B_EVENT_OTHER` for a kind newer than this library, or
// if `event` is NULL.
E2B_API
e2b_event_type e2b_fs_event_type(const struct e2b_fs_event *event);

// The changed path, relative to the watched directory. NULL if `event` is NULL.
E2B_API
const char *e2b_fs_event_name(const struct e2b_fs_event *event);

// The entry after the change, owned by the event, when the watch includes
// entries (create, write, chmod); NULL otherwise.
E2B_API
const struct e2b_entry_info *e2b_fs_event_entry(const struct e2b_fs_event *event);

// New command options with the defaults. Release with `e2b_command_options_free`.
E2B_API
struct e2b_command_options *e2b_command_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_command_options_free(struct e2b_command_options *options);

// Adds (or replaces) an environment variable. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_command_options_set_env(struct e2b_command_options *options,
                                           const char *name,
                                           const char *value,
                                           struct e2b_error **err_out);

// Sets the working directory. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_command_options_set_cwd(struct e2b_command_options *options,
                                           const char *cwd,
                                           struct e2b_error **err_out);

// Runs as `user` (e.g. "root"). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_command_options_set_user(struct e2b_command_options *options,
                                            const char *user,
                                            struct e2b_error **err_out);

// Sets how long the process may live, in milliseconds (0: the default,
// 60000; E2B_TIMEOUT_NONE: no limit). It is killed when this passes.
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_command_options_set_timeout_ms(struct e2b_command_options *options,
                                                  uint64_t timeout_ms,
                                                  struct e2b_error **err_out);

// Whether to keep the output in the result (default true); false passes it
// to the callback and `e2b_command_next_output` only, so a chatty command
// does not grow memory (the SDKs' `retain_output`). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_command_options_set_retain_output(struct e2b_command_options *options,
                                                     bool retain_output,
                                                     struct e2b_error **err_out);

// Keeps the process's stdin open for `e2b_command_send_stdin` (default
// false: stdin is empty). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_command_options_set_stdin(struct e2b_command_options *options,
                                             bool stdin,
                                             struct e2b_error **err_out);

// Runs `cmd` with `bash -l -c` and waits for it to end, passing output to
// `on_output` (may be NULL) as it arrives, on the calling thread. A non-zero
// exit code is a result, not an error (see `e2b_command_result_check`).
// Release `*out` with `e2b_command_result_free`. A cancelled run kills the
// command (best effort: one short request not tied to `cancel`).
// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a missing cwd);
// AUTHENTICATION (an unknown user); TIMEOUT (the lifetime passed; the
// command was killed); CALLBACK_ABORTED; SANDBOX_GONE; NETWORK, TLS; API;
// CANCELLED.
E2B_API
e2b_error_code e2b_commands_run(const struct e2b_sandbox *sandbox,
                                const char *cmd,
                                const struct e2b_command_options *options,
                                e2b_output_cb on_output,
                                void *user_data,
                                struct e2b_command_result **out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// Starts `cmd` with `bash -l -c` in the background and returns at once.
// Release `*out` with `e2b_command_free` (the command goes on running).
// `cancel` applies to the start only; a start cancelled before the sandbox
// said the process's id may have started it (`e2b_commands_list` finds it).
// Errors: as `e2b_commands_run`, but for TIMEOUT and CALLBACK_ABORTED.
E2B_API
e2b_error_code e2b_commands_start(const struct e2b_sandbox *sandbox,
                                  const char *cmd,
                                  const struct e2b_command_options *options,
                                  struct e2b_command **out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// Attaches to the running process `pid` to follow its output from now on.
// Release `*out` with `e2b_command_free`. `cancel` applies to attaching
// only. Errors: NULL_ARGUMENT; NOT_FOUND; SANDBOX_GONE; TIMEOUT, NETWORK,
// TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_commands_connect(const struct e2b_sandbox *sandbox,
                                    uint32_t pid,
                                    struct e2b_command **out,
                                    const struct e2b_cancel *cancel,
                                    struct e2b_error **err_out);

// The processes running in the sandbox. Release `*out` with
// `e2b_process_list_free`. Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT,
// NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_commands_list(const struct e2b_sandbox *sandbox,
                                 struct e2b_process_list **out,
                                 const struct e2b_cancel *cancel,
                                 struct e2b_error **err_out);

// Kills the process `pid`. `*killed_out` (optional) is false if there was
// no such process. Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_commands_kill(const struct e2b_sandbox *sandbox,
                                 uint32_t pid,
                                 bool *killed_out,
                                 const struct e2b_cancel *cancel,
                                 struct e2b_error **err_out);

// Writes `len` bytes at `data` to the stdin of process `pid`.
// Errors: NULL_ARGUMENT; NOT_FOUND; API (stdin not open); SANDBOX_GONE;
// TIMEOUT, NETWORK, TLS.
E2B_API
e2b_error_code e2b_commands_send_stdin(const struct e2b_sandbox *sandbox,
                                       uint32_t pid,
                                       const uint8_t *data,
                                       size_t len,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Closes the stdin of process `pid`. Errors: as `e2b_commands_send_stdin`.
E2B_API
e2b_error_code e2b_commands_close_stdin(const struct e2b_sandbox *sandbox,
                                        uint32_t pid,
                                        const struct e2b_cancel *cancel,
                                        struct e2b_error **err_out);

// The command's process id; 0 if `command` is NULL.
E2B_API
uint32_t e2b_command_pid(const struct e2b_command *command);

// Waits for the command to end, passing output not yet taken to `on_output`
// (may be NULL). Release `*out` with `e2b_command_result_free`. A
// cancelled wait kills the command (best effort, as `e2b_commands_run`).
// Errors: NULL_ARGUMENT; TIMEOUT; CALLBACK_ABORTED; SANDBOX_GONE; NETWORK;
// CANCELLED.
E2B_API
e2b_error_code e2b_command_wait(const struct e2b_command *command,
                                e2b_output_cb on_output,
                                void *user_data,
                                struct e2b_command_result **out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// Pulls the next output chunk or the exit, waiting up to `timeout_ms` (0,
// the default: no wait; E2B_TIMEOUT_NONE: until something comes); for
// callers where callbacks are awkward. A cancelled pull keeps the output
// not yet taken for the next one; the command goes on running. On output, `*stream_out` is its
// stream and `*data_out` holds the bytes (dispose of them with
// `e2b_bytes_dispose`); on the exit, `*result_out` receives the result
// (release it with `e2b_command_result_free`), and every later call returns
// it again; if nothing came in time, `*stream_out` is 0, `*data_out` empty
// and `*result_out` NULL. Errors: NULL_ARGUMENT; TIMEOUT (the lifetime
// passed); SANDBOX_GONE; NETWORK; CANCELLED.
E2B_API
e2b_error_code e2b_command_next_output(const struct e2b_command *command,
                                       uint64_t timeout_ms,
                                       int32_t *stream_out,
                                       struct e2b_bytes *data_out,
                                       struct e2b_command_result **result_out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Writes `len` bytes at `data` to the command's stdin (started with stdin
// open), or to its terminal for a PTY. Errors: as `e2b_commands_send_stdin`.
E2B_API
e2b_error_code e2b_command_send_stdin(const struct e2b_command *command,
                                      const uint8_t *data,
                                      size_t len,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Closes the command's stdin, so it reads end-of-file.
// Errors: as `e2b_commands_close_stdin`.
E2B_API
e2b_error_code e2b_command_close_stdin(const struct e2b_command *command,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Kills the command. `*killed_out` (optional) is false if it had already
// ended. Errors: as `e2b_commands_kill`.
E2B_API
e2b_error_code e2b_command_kill(const struct e2b_command *command,
                                bool *killed_out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// Stops following the command and releases the handle; the command goes
// on running (reattach with `e2b_commands_connect`). NULL is ignored.
E2B_API
void e2b_command_free(struct e2b_command *command);

// The exit code (-1 when a signal ended the process); -1 if `result` is NULL.
E2B_API
int32_t e2b_command_result_exit_code(const struct e2b_command_result *result);

// All of stdout, owned by the result, with its length in `*len_out` (may be
// NULL) and a NUL after it, not counted, so that text output reads as a
// string; it may hold any bytes, NULs too. NULL (and 0) if `result` is NULL.
E2B_API
const uint8_t *e2b_command_result_stdout(const struct e2b_command_result *result,
                                         size_t *len_out);

// All of stderr, like `e2b_command_result_stdout`.
E2B_API
const uint8_t *e2b_command_result_stderr(const struct e2b_command_result *result,
                                         size_t *len_out);

// envd's description of an abnormal end (e.g. "exit status 1"); NULL when
// the command succeeded.
E2B_API
const char *e2b_command_result_error(const struct e2b_command_result *result);

// E2B_OK if the command exited with 0; else E2B_ERR_COMMAND_EXIT with the
// exit code and the end of stderr in the message, for callers who want a
// non-zero exit as an error. Errors: NULL_ARGUMENT; COMMAND_EXIT.
E2B_API
e2b_error_code e2b_command_result_check(const struct e2b_command_result *result,
                                        struct e2b_error **err_out);

// Releases `result`. NULL is ignored.
E2B_API
void e2b_command_result_free(struct e2b_command_result *result);

// The number of processes; 0 if `list` is NULL.
E2B_API
size_t e2b_process_list_len(const struct e2b_process_list *list);

// Process `index`, owned by the list; NULL if out of range or `list` is NULL.
E2B_API
const struct e2b_process_info *e2b_process_list_get(const struct e2b_process_list *list,
                                                    size_t index);

// Releases `list`. NULL is ignored.
E2B_API
void e2b_process_list_free(struct e2b_process_list *list);

// The process id; 0 if `info` is NULL.
E2B_API
uint32_t e2b_process_info_pid(const struct e2b_process_info *info);

// The program run, e.g. "/bin/bash"; NULL if `info` is NULL.
E2B_API
const char *e2b_process_info_cmd(const struct e2b_process_info *info);

// The number of arguments; 0 if `info` is NULL.
E2B_API
size_t e2b_process_info_args_len(const struct e2b_process_info *info);

// Argument `index`; NULL if out of range.
E2B_API
const char *e2b_process_info_args_get(const struct e2b_process_info *info,
                                      size_t index);

// The working directory; NULL when not set.
E2B_API
const char *e2b_process_info_cwd(const struct e2b_process_info *info);

// The tag; NULL when there is none.
E2B_API
const char *e2b_process_info_tag(const struct e2b_process_info *info);

// The number of environment variables given at start; 0 if `info` is NULL.
E2B_API
size_t e2b_process_info_envs_len(const struct e2b_process_info *info);

// The name of environment variable `index` (sorted by name); NULL if out of range.
E2B_API
const char *e2b_process_info_envs_key(const struct e2b_process_info *info,
                                      size_t index);

// The value of environment variable `index`; NULL if out of range.
E2B_API
const char *e2b_process_info_envs_value(const struct e2b_process_info *info,
                                        size_t index);

// The value of environment variable `name` given at start; NULL if none.
E2B_API
const char *e2b_process_info_envs_get(const struct e2b_process_info *info,
                                      const char *name);

// New terminal options with the defaults. Release with `e2b_pty_options_free`.
E2B_API
struct e2b_pty_options *e2b_pty_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_pty_options_free(struct e2b_pty_options *options);

// Adds (or replaces) an environment variable; it overrides the terminal's
// defaults (TERM=xterm-256color, LANG and LC_ALL C.UTF-8).
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_pty_options_set_env(struct e2b_pty_options *options,
                                       const char *name,
                                       const char *value,
                                       struct e2b_error **err_out);

// Sets the working directory. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_pty_options_set_cwd(struct e2b_pty_options *options,
                                       const char *cwd,
                                       struct e2b_error **err_out);

// Runs the shell as `user` (e.g. "root"). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_pty_options_set_user(struct e2b_pty_options *options,
                                        const char *user,
                                        struct e2b_error **err_out);

// Sets how long the shell may live, in milliseconds (0: the default, 60000;
// E2B_TIMEOUT_NONE: no limit). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_pty_options_set_timeout_ms(struct e2b_pty_options *options,
                                              uint64_t timeout_ms,
                                              struct e2b_error **err_out);

// New attach options with the defaults. Release with `e2b_connect_options_free`.
E2B_API
struct e2b_connect_options *e2b_connect_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_connect_options_free(struct e2b_connect_options *options);

// Sets how long to follow the process, in milliseconds (0, the default, and
// E2B_TIMEOUT_NONE: no limit; the official SDKs use 60000). When it passes,
// waiting fails with E2B_ERR_TIMEOUT; the process goes on running.
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_connect_options_set_timeout_ms(struct e2b_connect_options *options,
                                                  uint64_t timeout_ms,
                                                  struct e2b_error **err_out);

// Whether to keep the output in the result (default true).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_connect_options_set_retain_output(struct e2b_connect_options *options,
                                                     bool retain_output,
                                                     struct e2b_error **err_out);

// New input stream options with the defaults. Release with `e2b_input_options_free`.
E2B_API
struct e2b_input_options *e2b_input_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_input_options_free(struct e2b_input_options *options);

// Sets how long the stream may last, in milliseconds (0: the default,
// 60000; E2B_TIMEOUT_NONE: no limit). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_input_options_set_timeout_ms(struct e2b_input_options *options,
                                                uint64_t timeout_ms,
                                                struct e2b_error **err_out);

// Sets how long the stream may be quiet before a keepalive message goes
// out, in milliseconds (0: the default, 50000). E2B_TIMEOUT_NONE is
// rejected with INVALID_ARGUMENT. Errors: NULL_ARGUMENT, INVALID_ARGUMENT.
E2B_API
e2b_error_code e2b_input_options_set_keepalive_interval_ms(struct e2b_input_options *options,
                                                           uint64_t interval_ms,
                                                           struct e2b_error **err_out);

// Starts `bash -i -l` in a new terminal of `rows` x `cols` and returns at
// once. The handle is an `e2b_command`: its output comes as
// E2B_STREAM_PTY chunks to `e2b_command_wait`'s callback or from
// `e2b_command_next_output`; `e2b_command_send_stdin` sends keystrokes;
// the result keeps no output. Release `*out` with `e2b_command_free` (the
// shell goes on running). `cancel` applies to the start only.
// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a zero size, a
// missing cwd); AUTHENTICATION (an unknown user); SANDBOX_GONE; TIMEOUT,
// NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_pty_create(const struct e2b_sandbox *sandbox,
                              uint16_t rows,
                              uint16_t cols,
                              const struct e2b_pty_options *options,
                              struct e2b_command **out,
                              const struct e2b_cancel *cancel,
                              struct e2b_error **err_out);

// Attaches to the terminal of the running process `pid`, to follow its
// output from now on; `options` may be NULL. Release `*out` with
// `e2b_command_free`. `cancel` applies to attaching only.
// Errors: NULL_ARGUMENT; NOT_FOUND; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_pty_connect(const struct e2b_sandbox *sandbox,
                               uint32_t pid,
                               const struct e2b_connect_options *options,
                               struct e2b_command **out,
                               const struct e2b_cancel *cancel,
                               struct e2b_error **err_out);

// Writes `len` bytes at `data` (keystrokes) to the terminal of process `pid`.
// Errors: NULL_ARGUMENT; NOT_FOUND; API (no terminal); SANDBOX_GONE;
// TIMEOUT, NETWORK, TLS; CANCELLED.
E2B_API
e2b_error_code e2b_pty_send_stdin(const struct e2b_sandbox *sandbox,
                                  uint32_t pid,
                                  const uint8_t *data,
                                  size_t len,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// Resizes the terminal of process `pid` to `rows` x `cols`; its programs
// get SIGWINCH. Errors: NULL_ARGUMENT; INVALID_ARGUMENT (a zero size);
// NOT_FOUND; API (no terminal); SANDBOX_GONE; TIMEOUT, NETWORK, TLS; CANCELLED.
E2B_API
e2b_error_code e2b_pty_resize(const struct e2b_sandbox *sandbox,
                              uint32_t pid,
                              uint16_t rows,
                              uint16_t cols,
                              const struct e2b_cancel *cancel,
                              struct e2b_error **err_out);

// Kills the terminal's process `pid`. `*killed_out` (optional) is false if
// there was no such process. Errors: NULL_ARGUMENT; SANDBOX_GONE; TIMEOUT,
// NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_pty_kill(const struct e2b_sandbox *sandbox,
                            uint32_t pid,
                            bool *killed_out,
                            const struct e2b_cancel *cancel,
                            struct e2b_error **err_out);

// Whether `command` runs in a terminal (`e2b_pty_create`, `e2b_pty_connect`);
// false if it is NULL.
E2B_API
bool e2b_command_is_pty(const struct e2b_command *command);

// `e2b_commands_connect` with options (may be NULL): a time limit on
// following the process, or its output not kept. Errors: as `e2b_commands_connect`.
E2B_API
e2b_error_code e2b_commands_connect_with(const struct e2b_sandbox *sandbox,
                                         uint32_t pid,
                                         const struct e2b_connect_options *options,
                                         struct e2b_command **out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// Opens an input stream to the stdin of process `pid` (started with stdin
// open); `options` may be NULL. Write with `e2b_input_stream_write`, end
// with `e2b_input_stream_close`, release with `e2b_input_stream_free`.
// Opening asks the sandbox whether it has the client-streaming StreamInput
// RPC: if so, writes go out at once on one stream, with keepalives while
// quiet; if not, each write is one SendInput request
// (`e2b_input_stream_is_streaming` tells which). `cancel` applies to
// opening only. Errors: NULL_ARGUMENT; NOT_FOUND; SANDBOX_GONE; TIMEOUT,
// NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_commands_open_input(const struct e2b_sandbox *sandbox,
                                       uint32_t pid,
                                       const struct e2b_input_options *options,
                                       struct e2b_input_stream **out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// `e2b_commands_open_input` for the terminal of process `pid`.
// Errors: as `e2b_commands_open_input`.
E2B_API
e2b_error_code e2b_pty_open_input(const struct e2b_sandbox *sandbox,
                                  uint32_t pid,
                                  const struct e2b_input_options *options,
                                  struct e2b_input_stream **out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// true if the stream uses StreamInput, false if one SendInput per write;
// false if `stream` is NULL or closed.
E2B_API
bool e2b_input_stream_is_streaming(const struct e2b_input_stream *stream);

// Sends `len` bytes at `data` (nothing when `len` is 0). Over StreamInput
// the bytes are queued and go out at once, and the sandbox's errors come
// from `e2b_input_stream_close` (or from a later write once the stream has
// failed); `cancel` applies to a SendInput. Errors: NULL_ARGUMENT;
// INVALID_ARGUMENT (the stream is closed); NOT_FOUND; API; SANDBOX_GONE;
// TIMEOUT, NETWORK, TLS; CANCELLED.
E2B_API
e2b_error_code e2b_input_stream_write(struct e2b_input_stream *stream,
                                      const uint8_t *data,
                                      size_t len,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Ends the stream and waits for the sandbox's answer: E2B_OK once
// everything was written. The process's stdin stays open
// (`e2b_commands_close_stdin` closes it). The stream can then only be
// freed. A cancelled close stops waiting; the stream still ends.
// Errors: NULL_ARGUMENT; INVALID_ARGUMENT (already closed); NOT_FOUND;
// API (e.g. the process's stdin was closed); SANDBOX_GONE; TIMEOUT,
// NETWORK, TLS; CANCELLED.
E2B_API
e2b_error_code e2b_input_stream_close(struct e2b_input_stream *stream,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Releases `stream`, ending it without waiting for the answer. NULL is ignored.
E2B_API
void e2b_input_stream_free(struct e2b_input_stream *stream);

// New run options with the defaults. Release with `e2b_run_code_options_free`.
E2B_API
struct e2b_run_code_options *e2b_run_code_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_run_code_options_free(struct e2b_run_code_options *options);

// Runs in `language`'s default context ("python", "javascript", ...).
// Not together with a context id. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_run_code_options_set_language(struct e2b_run_code_options *options,
                                                 const char *language,
                                                 struct e2b_error **err_out);

// Runs in the context `context_id` (from `e2b_code_create_context`).
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_run_code_options_set_context_id(struct e2b_run_code_options *options,
                                                   const char *context_id,
                                                   struct e2b_error **err_out);

// Sets an environment variable for this run only. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_run_code_options_set_env(struct e2b_run_code_options *options,
                                            const char *name,
                                            const char *value,
                                            struct e2b_error **err_out);

// Sets how long the run may take, in milliseconds, the wait for a context
// busy with another run included (0: the default, 300000;
// E2B_TIMEOUT_NONE: no limit).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_run_code_options_set_timeout_ms(struct e2b_run_code_options *options,
                                                   uint64_t timeout_ms,
                                                   struct e2b_error **err_out);

// Runs `code` in the sandbox's code interpreter, passing output, results
// and errors to `on_output` (may be NULL) as they arrive. An exception in
// the code is part of the execution (`e2b_execution_error_name`), not an
// error of the call. Release `*out` with `e2b_execution_free`. The
// options' timeout bounds the whole call, the wait for a context busy with
// another run included; once the run has started, 30 s without a line from
// the interpreter (it sends a keepalive every 5 s) fails too.
// Errors: NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a language and a
// context); NOT_FOUND (unknown context); TIMEOUT (the message tells the
// run's timeout from silence); CALLBACK_ABORTED;
// SANDBOX_GONE; NETWORK (the interpreter is not running); API.
E2B_API
e2b_error_code e2b_code_run(const struct e2b_sandbox *sandbox,
                            const char *code,
                            const struct e2b_run_code_options *options,
                            e2b_execution_cb on_output,
                            void *user_data,
                            struct e2b_execution **out,
                            const struct e2b_cancel *cancel,
                            struct e2b_error **err_out);

// Releases `execution` and its results. NULL is ignored.
E2B_API
void e2b_execution_free(struct e2b_execution *execution);

// The text of the main result (the last expression's value); NULL if none.
E2B_API
const char *e2b_execution_text(const struct e2b_execution *execution);

// The number of results; 0 if `execution` is NULL.
E2B_API
size_t e2b_execution_results_len(const struct e2b_execution *execution);

// Result `index`, owned by the execution; NULL if out of range.
E2B_API
const struct e2b_execution_result *e2b_execution_results_get(const struct e2b_execution *execution,
                                                             size_t index);

// Everything the code wrote to stdout, joined, with any NUL shown as
// U+FFFD (`e2b_execution_chunks_get` gives the exact bytes); "" if nothing, NULL
// if `execution` is NULL.
E2B_API
const char *e2b_execution_stdout(const struct e2b_execution *execution);

// Everything the code wrote to stderr, like `e2b_execution_stdout`.
E2B_API
const char *e2b_execution_stderr(const struct e2b_execution *execution);

// The number of chunks the code wrote to `stream` (an `e2b_stream`), in
// arrival order; 0 if `execution` is NULL or `stream` is unknown.
E2B_API
size_t e2b_execution_chunks_len(const struct e2b_execution *execution,
                                int32_t stream);

// Chunk `index` of `stream`, owned by the execution: the bytes exactly as
// the code wrote them (NULs included), with their number in `*len_out`
// (may be NULL) and one more NUL after them, not counted. NULL (and 0) if
// out of range, `stream` is unknown or `execution` is NULL.
E2B_API
const uint8_t *e2b_execution_chunks_get(const struct e2b_execution *execution,
                                        int32_t stream,
                                        size_t index,
                                        size_t *len_out);

// When chunk `index` of `stream` was written: RFC 3339, as the interpreter
// sent it. NULL if it sent none, or as `e2b_execution_chunks_get`.
E2B_API
const char *e2b_execution_chunks_timestamp(const struct e2b_execution *execution,
                                           int32_t stream,
                                           size_t index);

// The name of the error the code raised (e.g. "ZeroDivisionError"); NULL if none.
E2B_API
const char *e2b_execution_error_name(const struct e2b_execution *execution);

// The value (message) of the error the code raised; NULL if none.
E2B_API
const char *e2b_execution_error_value(const struct e2b_execution *execution);

// The traceback of the error the code raised; NULL if none.
E2B_API
const char *e2b_execution_error_traceback(const struct e2b_execution *execution);

// The context's execution counter for this run; -1 if unknown.
E2B_API
int32_t e2b_execution_count(const struct e2b_execution *execution);

// Whether the result is the value of the last expression (not something displayed).
E2B_API
bool e2b_execution_result_is_main(const struct e2b_execution_result *result);

// The number of formats the result has; 0 if `result` is NULL.
E2B_API
size_t e2b_execution_result_formats_len(const struct e2b_execution_result *result);

// The name of format `index` ("text", "html", "markdown", "svg", "png",
// "jpeg", "pdf", "latex", "json", "javascript", "data", "chart"); NULL if
// out of range. Other MIME types are extras (`e2b_execution_result_extras_len`).
E2B_API
const char *e2b_execution_result_formats_key(const struct e2b_execution_result *result,
                                             size_t index);

// The result in `format` (a name as `e2b_execution_result_formats_key`
// gives), owned by the result; NULL if it lacks that format. "png", "jpeg"
// and "pdf" are base64; "json", "data" and "chart" are JSON text.
E2B_API
const char *e2b_execution_result_formats_get(const struct e2b_execution_result *result,
                                             const char *format);

// The chart the code drew (the "chart" format, typed), with every field,
// its elements and, for a super chart, its charts, in one call (see
// `e2b_chart_fields`); NULL if the result has no chart (or `result` is
// NULL). Owned by the result, valid until the execution is freed. A chart
// of a type this library does not know comes as E2B_CHART_UNKNOWN with its
// elements as JSON text.
E2B_API
const struct e2b_chart_fields *e2b_execution_result_chart(const struct e2b_execution_result *result);

// The number of extras: formats in MIME types without a name of their own
// (e.g. "application/vnd.plotly.v1+json"); 0 if `result` is NULL.
E2B_API
size_t e2b_execution_result_extras_len(const struct e2b_execution_result *result);

// The MIME type of extra `index` (extras are sorted by type); NULL if out of range.
E2B_API
const char *e2b_execution_result_extras_key(const struct e2b_execution_result *result,
                                            size_t index);

// The value of extra `index`, owned by the result: the text itself when
// the interpreter sent text, else its JSON text; NULL if out of range.
E2B_API
const char *e2b_execution_result_extras_value(const struct e2b_execution_result *result,
                                              size_t index);

// Creates a code context with its own state for `language` (NULL: Python)
// working in `cwd` (NULL: the user's home). Release `*out` with
// `e2b_code_context_free`. Errors: NULL_ARGUMENT, INVALID_UTF8; API (an
// unsupported language); SANDBOX_GONE; TIMEOUT, NETWORK, TLS.
E2B_API
e2b_error_code e2b_code_create_context(const struct e2b_sandbox *sandbox,
                                       const char *language,
                                       const char *cwd,
                                       struct e2b_code_context **out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Every code context, the default ones included. Release `*out` with
// `e2b_code_context_list_free`. Errors: as `e2b_code_create_context`.
E2B_API
e2b_error_code e2b_code_list_contexts(const struct e2b_sandbox *sandbox,
                                      struct e2b_code_context_list **out,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Restarts the context `context_id`: its state is lost.
// Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; SANDBOX_GONE; TIMEOUT, NETWORK, TLS; API.
E2B_API
e2b_error_code e2b_code_restart_context(const struct e2b_sandbox *sandbox,
                                        const char *context_id,
                                        const struct e2b_cancel *cancel,
                                        struct e2b_error **err_out);

// Removes the context `context_id`. Errors: as `e2b_code_restart_context`.
E2B_API
e2b_error_code e2b_code_remove_context(const struct e2b_sandbox *sandbox,
                                       const char *context_id,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// The context's id; NULL if `context` is NULL.
E2B_API
const char *e2b_code_context_id(const struct e2b_code_context *context);

// The context's language; NULL if `context` is NULL.
E2B_API
const char *e2b_code_context_language(const struct e2b_code_context *context);

// The context's working directory; NULL if `context` is NULL.
E2B_API
const char *e2b_code_context_cwd(const struct e2b_code_context *context);

// Releases `context` (one from `e2b_code_create_context`). NULL is ignored.
E2B_API
void e2b_code_context_free(struct e2b_code_context *context);

// The number of contexts; 0 if `list` is NULL.
E2B_API
size_t e2b_code_context_list_len(const struct e2b_code_context_list *list);

// Context `index`, owned by the list; NULL if out of range.
E2B_API
const struct e2b_code_context *e2b_code_context_list_get(const struct e2b_code_context_list *list,
                                                         size_t index);

// Releases `list`. NULL is ignored.
E2B_API
void e2b_code_context_list_free(struct e2b_code_context_list *list);

// New git options with the defaults. Release with `e2b_git_options_free`.
E2B_API
struct e2b_git_options *e2b_git_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_git_options_free(struct e2b_git_options *options);

// Adds (or replaces) an environment variable for git (every function).
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_env(struct e2b_git_options *options,
                                       const char *name,
                                       const char *value,
                                       struct e2b_error **err_out);

// Sets the working directory git runs in (every function); relative
// repository paths start there. NULL: the user's home. Errors: INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_cwd(struct e2b_git_options *options,
                                       const char *cwd,
                                       struct e2b_error **err_out);

// Runs git as `user` (every function); NULL: the sandbox's default user.
// Errors: INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_user(struct e2b_git_options *options,
                                        const char *user,
                                        struct e2b_error **err_out);

// Sets how long each git process may live, in milliseconds (every
// function); 0, the default, and E2B_TIMEOUT_NONE: no limit, as in the
// SDKs' git helpers. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_timeout_ms(struct e2b_git_options *options,
                                              uint64_t timeout_ms,
                                              struct e2b_error **err_out);

// Where `e2b_git_clone` clones to; NULL: git's default (the URL's last
// part). Errors: NULL_ARGUMENT (options), INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_path(struct e2b_git_options *options,
                                        const char *value,
                                        struct e2b_error **err_out);

// The branch `e2b_git_clone` clones alone (`--branch B --single-branch`),
// and the branch `e2b_git_push` pushes and `e2b_git_pull` merges; NULL:
// git's choice. Errors: NULL_ARGUMENT (options), INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_branch(struct e2b_git_options *options,
                                          const char *value,
                                          struct e2b_error **err_out);

// The remote `e2b_git_push` pushes to and `e2b_git_pull` pulls from;
// NULL: the branch's upstream (with credentials: the only remote).
// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_remote(struct e2b_git_options *options,
                                          const char *value,
                                          struct e2b_error **err_out);

// The first branch of `e2b_git_init` (`--initial-branch`); NULL: git's
// default. Errors: NULL_ARGUMENT (options), INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_initial_branch(struct e2b_git_options *options,
                                                  const char *value,
                                                  struct e2b_error **err_out);

// `e2b_git_clone`: keep the credentials in the new repository for its
// later pushes and pulls (default false: they are forgotten).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_dangerously_store_credentials(struct e2b_git_options *options,
                                                                 bool value,
                                                                 struct e2b_error **err_out);

// `e2b_git_push`: pass `--set-upstream` when a remote is known (default true).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_set_upstream(struct e2b_git_options *options,
                                                bool value,
                                                struct e2b_error **err_out);

// `e2b_git_commit`: commit even when nothing changed (default false).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_allow_empty(struct e2b_git_options *options,
                                               bool value,
                                               struct e2b_error **err_out);

// `e2b_git_init`: make a bare repository (default false). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_bare(struct e2b_git_options *options,
                                        bool value,
                                        struct e2b_error **err_out);

// `e2b_git_remote_add`: fetch from the remote once added (default false).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_fetch(struct e2b_git_options *options,
                                         bool value,
                                         struct e2b_error **err_out);

// `e2b_git_remote_add`: change the URL of an existing remote of that
// name instead of failing (default false). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_overwrite(struct e2b_git_options *options,
                                             bool value,
                                             struct e2b_error **err_out);

// `e2b_git_delete_branch`: delete even an unmerged branch (`-D`; default
// false). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_force(struct e2b_git_options *options,
                                         bool value,
                                         struct e2b_error **err_out);

// `e2b_git_add` with no files: stage every change (`add -A`, the
// default true) or only what is under the repository's directory
// (`add .`). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_all(struct e2b_git_options *options,
                                       bool value,
                                       struct e2b_error **err_out);

// `e2b_git_clone` (0 for none: the whole history): clone only the last
// `depth` commits. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_depth(struct e2b_git_options *options,
                                         uint32_t depth,
                                         struct e2b_error **err_out);

// The username and password (or token) for HTTP(S) authentication of
// `e2b_git_clone`, `e2b_git_push` and `e2b_git_pull`; both or neither
// (NULL, NULL clears them). They reach git through a private file in the
// sandbox, removed after the call, never through a command line or an
// environment variable. Errors: NULL_ARGUMENT (options), INVALID_UTF8;
// INVALID_ARGUMENT (one without the other).
E2B_API
e2b_error_code e2b_git_options_set_credentials(struct e2b_git_options *options,
                                               const char *username,
                                               const char *password,
                                               struct e2b_error **err_out);

// The author of `e2b_git_commit`'s commit (`-c user.name=... -c
// user.email=...`); NULL for either: the configured one. Errors:
// NULL_ARGUMENT (options), INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_author(struct e2b_git_options *options,
                                          const char *name,
                                          const char *email,
                                          struct e2b_error **err_out);

// Adds a path for `e2b_git_add` to stage (`add -- f...`; with none it
// stages everything), for `e2b_git_reset` to reset (`reset -- f...`) or
// for `e2b_git_restore` to restore (at least one; "." for all). Errors:
// NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_add_file(struct e2b_git_options *options,
                                        const char *file,
                                        struct e2b_error **err_out);

// The configuration file of `e2b_git_set_config`, `e2b_git_get_config` and
// `e2b_git_configure_user` (default E2B_GIT_CONFIG_GLOBAL). Errors:
// NULL_ARGUMENT; INVALID_ARGUMENT (a value not in the enum).
E2B_API
e2b_error_code e2b_git_options_set_scope(struct e2b_git_options *options,
                                         int32_t scope,
                                         struct e2b_error **err_out);

// `e2b_git_reset`'s mode (an `e2b_git_reset_mode`; default
// E2B_GIT_RESET_DEFAULT, git's mixed). Errors: NULL_ARGUMENT;
// INVALID_ARGUMENT (a value not in the enum).
E2B_API
e2b_error_code e2b_git_options_set_reset_mode(struct e2b_git_options *options,
                                              int32_t mode,
                                              struct e2b_error **err_out);

// The commit, branch or ref `e2b_git_reset` resets to; NULL: HEAD.
// Errors: NULL_ARGUMENT (options), INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_target(struct e2b_git_options *options,
                                          const char *target,
                                          struct e2b_error **err_out);

// `e2b_git_restore`: restore the index, i.e. unstage (`--staged`). Not set:
// only when worktree is not set either is it decided for you (no), as in
// the SDKs. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_staged(struct e2b_git_options *options,
                                          bool value,
                                          struct e2b_error **err_out);

// `e2b_git_restore`: restore the working tree (`--worktree`). Not set: yes
// unless staged is set to true. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_git_options_set_worktree(struct e2b_git_options *options,
                                            bool value,
                                            struct e2b_error **err_out);

// `e2b_git_restore`: restore from this commit, branch or ref (`--source`);
// NULL: the index (or HEAD for the index). Errors: NULL_ARGUMENT (options),
// INVALID_UTF8.
E2B_API
e2b_error_code e2b_git_options_set_source(struct e2b_git_options *options,
                                          const char *source,
                                          struct e2b_error **err_out);

// Clones `url` (`git clone`). Options: path, branch, depth, credentials,
// dangerously_store_credentials. `out` (may be NULL) receives git's result;
// release it with `e2b_command_result_free`.
//
// The git functions run `git` in the sandbox with GIT_TERMINAL_PROMPT=0;
// a git that fails gives GIT_AUTH (credentials missing or wrong),
// GIT_UPSTREAM (no upstream to push to or pull from), NOT_FOUND (no
// repository at the path or URL) or COMMAND_EXIT, with git's words at the
// end of the message. A cancelled call kills its git (best effort) and
// removes the credentials it was given. Errors: NULL_ARGUMENT,
// INVALID_UTF8, INVALID_ARGUMENT; GIT_AUTH; NOT_FOUND; COMMAND_EXIT;
// TIMEOUT; SANDBOX_GONE; NETWORK; API; CANCELLED.
E2B_API
e2b_error_code e2b_git_clone(const struct e2b_sandbox *sandbox,
                             const char *url,
                             const struct e2b_git_options *options,
                             struct e2b_command_result **out,
                             const struct e2b_cancel *cancel,
                             struct e2b_error **err_out);

// Makes a repository at `path` (`git init`). Options: bare, initial_branch.
// `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_init(const struct e2b_sandbox *sandbox,
                            const char *path,
                            const struct e2b_git_options *options,
                            struct e2b_command_result **out,
                            const struct e2b_cancel *cancel,
                            struct e2b_error **err_out);

// Adds the remote `name` at `url` to the repository at `path` (`git remote
// add`). Options: fetch, overwrite. `out` as for `e2b_git_clone`. Errors:
// as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_remote_add(const struct e2b_sandbox *sandbox,
                                  const char *path,
                                  const char *name,
                                  const char *url,
                                  const struct e2b_git_options *options,
                                  struct e2b_command_result **out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// The URL of the remote `name` of the repository at `path`, as text in
// `*out` (dispose of it with `e2b_bytes_dispose`); `out->data` is NULL if
// there is no such remote. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_remote_get(const struct e2b_sandbox *sandbox,
                                  const char *path,
                                  const char *name,
                                  const struct e2b_git_options *options,
                                  struct e2b_bytes *out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// The state of the repository at `path` (`git status --porcelain=v2
// --branch -z`, parsed). Release `*out` with `e2b_git_status_info_free`.
// Errors: as `e2b_git_clone`; DECODE.
E2B_API
e2b_error_code e2b_git_status(const struct e2b_sandbox *sandbox,
                              const char *path,
                              const struct e2b_git_options *options,
                              struct e2b_git_status_info **out,
                              const struct e2b_cancel *cancel,
                              struct e2b_error **err_out);

// The local branches of the repository at `path`. Release `*out` with
// `e2b_git_branch_list_free`. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_branches(const struct e2b_sandbox *sandbox,
                                const char *path,
                                const struct e2b_git_options *options,
                                struct e2b_git_branch_list **out,
                                const struct e2b_cancel *cancel,
                                struct e2b_error **err_out);

// Makes the branch `branch` in the repository at `path` and checks it out
// (`git checkout -b`). `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_create_branch(const struct e2b_sandbox *sandbox,
                                     const char *path,
                                     const char *branch,
                                     const struct e2b_git_options *options,
                                     struct e2b_command_result **out,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Checks out the branch `branch` (`git checkout`). `out` as for
// `e2b_git_clone`. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_checkout_branch(const struct e2b_sandbox *sandbox,
                                       const char *path,
                                       const char *branch,
                                       const struct e2b_git_options *options,
                                       struct e2b_command_result **out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Deletes the branch `branch` (`git branch -d`). Options: force (`-D`).
// `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_delete_branch(const struct e2b_sandbox *sandbox,
                                     const char *path,
                                     const char *branch,
                                     const struct e2b_git_options *options,
                                     struct e2b_command_result **out,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Stages changes in the repository at `path` (`git add`). Options: files
// (`e2b_git_options_add_file`), all. `out` as for `e2b_git_clone`.
// Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_add(const struct e2b_sandbox *sandbox,
                           const char *path,
                           const struct e2b_git_options *options,
                           struct e2b_command_result **out,
                           const struct e2b_cancel *cancel,
                           struct e2b_error **err_out);

// Moves HEAD of the repository at `path`, and with it the index and
// working tree as the mode says (`git reset`). Options: reset_mode,
// target, files (paths). `out` as for `e2b_git_clone`. Errors: as
// `e2b_git_clone` (COMMAND_EXIT for an unknown target).
E2B_API
e2b_error_code e2b_git_reset(const struct e2b_sandbox *sandbox,
                             const char *path,
                             const struct e2b_git_options *options,
                             struct e2b_command_result **out,
                             const struct e2b_cancel *cancel,
                             struct e2b_error **err_out);

// Restores files of the working tree or the index of the repository at
// `path` (`git restore`). Options: files (at least one), staged, worktree,
// source. `out` as for `e2b_git_clone`. Errors: as `e2b_git_clone`;
// INVALID_ARGUMENT without a file, or with staged and worktree both false.
E2B_API
e2b_error_code e2b_git_restore(const struct e2b_sandbox *sandbox,
                               const char *path,
                               const struct e2b_git_options *options,
                               struct e2b_command_result **out,
                               const struct e2b_cancel *cancel,
                               struct e2b_error **err_out);

// Commits what is staged in the repository at `path` with `message`
// (`git commit -m`). Options: author, allow_empty. `out` as for
// `e2b_git_clone`. Errors: as `e2b_git_clone` (COMMAND_EXIT when there is
// nothing to commit).
E2B_API
e2b_error_code e2b_git_commit(const struct e2b_sandbox *sandbox,
                              const char *path,
                              const char *message,
                              const struct e2b_git_options *options,
                              struct e2b_command_result **out,
                              const struct e2b_cancel *cancel,
                              struct e2b_error **err_out);

// Pushes the repository at `path` (`git push`). Options: remote, branch,
// set_upstream, credentials. `out` as for `e2b_git_clone`. Errors: as
// `e2b_git_clone`; GIT_UPSTREAM (no remote given and no upstream).
E2B_API
e2b_error_code e2b_git_push(const struct e2b_sandbox *sandbox,
                            const char *path,
                            const struct e2b_git_options *options,
                            struct e2b_command_result **out,
                            const struct e2b_cancel *cancel,
                            struct e2b_error **err_out);

// Pulls into the repository at `path` (`git pull`). Options: remote,
// branch, credentials; with neither remote nor branch the branch needs an
// upstream, else GIT_UPSTREAM before anything is fetched. `out` as for
// `e2b_git_clone`. Errors: as `e2b_git_clone`; GIT_UPSTREAM.
E2B_API
e2b_error_code e2b_git_pull(const struct e2b_sandbox *sandbox,
                            const char *path,
                            const struct e2b_git_options *options,
                            struct e2b_command_result **out,
                            const struct e2b_cancel *cancel,
                            struct e2b_error **err_out);

// Sets `key` to `value` (`git config --<scope>`). Options: scope; `path`
// is the repository (NULL for none; required by E2B_GIT_CONFIG_LOCAL).
// Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_set_config(const struct e2b_sandbox *sandbox,
                                  const char *key,
                                  const char *value,
                                  const char *path,
                                  const struct e2b_git_options *options,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// The value of `key` (`git config --<scope> --get`), as text in `*out`
// (dispose of it with `e2b_bytes_dispose`); `out->data` is NULL if the key
// is not set. Options: scope; `path` as for `e2b_git_set_config`.
// Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_get_config(const struct e2b_sandbox *sandbox,
                                  const char *key,
                                  const char *path,
                                  const struct e2b_git_options *options,
                                  struct e2b_bytes *out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// Sets `user.name` and `user.email`. Options: scope; `path` as for
// `e2b_git_set_config`. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_configure_user(const struct e2b_sandbox *sandbox,
                                      const char *name,
                                      const char *email,
                                      const char *path,
                                      const struct e2b_git_options *options,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Stores `username` and `password` for every repository at `host` (e.g.
// "github.com") over `protocol` ("https" or "http") in the user's
// ~/.git-credentials (`credential.helper=store`, global). The secret
// reaches git through a private file, never a command line, but then
// stays on the sandbox's disk. Errors: as `e2b_git_clone`.
E2B_API
e2b_error_code e2b_git_dangerously_authenticate(const struct e2b_sandbox *sandbox,
                                                const char *username,
                                                const char *password,
                                                const char *host,
                                                const char *protocol,
                                                const struct e2b_git_options *options,
                                                const struct e2b_cancel *cancel,
                                                struct e2b_error **err_out);

// Every field of `status` at once (see `e2b_git_status_fields`); NULL if
// `status` is NULL. Borrowed from `status`.
E2B_API
const struct e2b_git_status_fields *e2b_git_status_info_fields(const struct e2b_git_status_info *status);

// The branch checked out; NULL when HEAD is detached (or `status` is NULL). Borrowed.
E2B_API
const char *e2b_git_status_info_current_branch(const struct e2b_git_status_info *status);

// The branch's upstream (e.g. "origin/main"); NULL if it has none. Borrowed.
E2B_API
const char *e2b_git_status_info_upstream(const struct e2b_git_status_info *status);

// Commits the branch has that its upstream lacks; 0 if `status` is NULL.
E2B_API
uint32_t e2b_git_status_info_ahead(const struct e2b_git_status_info *status);

// Commits the upstream has that the branch lacks; 0 if `status` is NULL.
E2B_API
uint32_t e2b_git_status_info_behind(const struct e2b_git_status_info *status);

// Whether HEAD is detached; false if `status` is NULL.
E2B_API
bool e2b_git_status_info_detached(const struct e2b_git_status_info *status);

// The number of changed (or untracked) files; 0 if `status` is NULL.
E2B_API
size_t e2b_git_status_info_files_len(const struct e2b_git_status_info *status);

// The changed file at `index`, borrowed from `status`; NULL if out of range.
E2B_API
const struct e2b_git_file_info *e2b_git_status_info_files_get(const struct e2b_git_status_info *status,
                                                              size_t index);

// Every changed file's fields in one call: an array of `*len_out`
// pointers (NULL when there are none), borrowed from `status`.
E2B_API
const struct e2b_git_file_fields *const *e2b_git_status_info_files_fields(const struct e2b_git_status_info *status,
                                                                          size_t *len_out);

// Releases `status` and its files. NULL is ignored.
E2B_API
void e2b_git_status_info_free(struct e2b_git_status_info *status);

// Every field of `file` at once; NULL if `file` is NULL. Borrowed.
E2B_API
const struct e2b_git_file_fields *e2b_git_file_info_fields(const struct e2b_git_file_info *file);

// The file's path, relative to the repository's top; NULL if `file` is NULL. Borrowed.
E2B_API
const char *e2b_git_file_info_name(const struct e2b_git_file_info *file);

// What kind of change it is; E2B_GIT_FILE_UNKNOWN if `file` is NULL.
E2B_API
e2b_git_file_change e2b_git_file_info_status(const struct e2b_git_file_info *file);

// The SDKs' name of a change ("modified", "untracked", ...); "unknown" for
// a value this library does not know. Static; never NULL.
E2B_API
const char *e2b_git_file_change_name(int32_t change);

// The index's status letter (' ' unchanged, '?' untracked); 0 if `file` is NULL.
E2B_API
char e2b_git_file_info_index_status(const struct e2b_git_file_info *file);

// The working tree's status letter (' ' unchanged, '?' untracked); 0 if `file` is NULL.
E2B_API
char e2b_git_file_info_working_tree_status(const struct e2b_git_file_info *file);

// Whether the change is staged; false if `file` is NULL.
E2B_API
bool e2b_git_file_info_staged(const struct e2b_git_file_info *file);

// The path before a rename or copy; NULL otherwise. Borrowed.
E2B_API
const char *e2b_git_file_info_renamed_from(const struct e2b_git_file_info *file);

// The number of branches; 0 if `branches` is NULL.
E2B_API
size_t e2b_git_branch_list_len(const struct e2b_git_branch_list *branches);

// The name of the branch at `index`, in git's order; NULL if out of range. Borrowed.
E2B_API
const char *e2b_git_branch_list_get(const struct e2b_git_branch_list *branches,
                                    size_t index);

// The branch checked out; NULL if none is (a detached HEAD). Borrowed.
E2B_API
const char *e2b_git_branch_list_current(const struct e2b_git_branch_list *branches);

// Releases `branches`. NULL is ignored.
E2B_API
void e2b_git_branch_list_free(struct e2b_git_branch_list *branches);

// A new template that starts from E2B's base image. Release with `e2b_template_free`.
E2B_API
struct e2b_template *e2b_template_new(void);

// Releases `template`. NULL is ignored.
E2B_API
void e2b_template_free(struct e2b_template *template_);

// Sets the folder `copy` sources are relative to. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_set_file_context_path(struct e2b_template *template_,
                                                  const char *path,
                                                  struct e2b_error **err_out);

// Starts from the image `image` (e2b-local has `e2bdev/base`, `debian:*`,
// `e2bdev/code-interpreter`). Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_from_image(struct e2b_template *template_,
                                       const char *image,
                                       struct e2b_error **err_out);

// Starts from E2B's base image (the default). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_template_from_base_image(struct e2b_template *template_,
                                            struct e2b_error **err_out);

// Starts from the template `name` (its files, environment, user, workdir and start command).
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_from_template(struct e2b_template *template_,
                                          const char *name,
                                          struct e2b_error **err_out);

// Copies `src` (a file, folder or glob relative to the context folder) to `dest` in the
// template, owned by `user` (NULL: the current user), with `mode` (negative: the files'
// own). `force_upload` uploads even when the server has the files; `resolve_symlinks` copies
// what links point to. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_copy(struct e2b_template *template_,
                                 const char *src,
                                 const char *dest,
                                 const char *user,
                                 int32_t mode,
                                 bool force_upload,
                                 bool resolve_symlinks,
                                 struct e2b_error **err_out);

// Runs `command` in the build as `user` (NULL: the current user).
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_run_cmd(struct e2b_template *template_,
                                    const char *command,
                                    const char *user,
                                    struct e2b_error **err_out);

// Sets the environment variables `keys[i]=values[i]` (`len` of them) for the following steps
// and the template's sandboxes. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_set_envs(struct e2b_template *template_,
                                     const char *const *keys,
                                     const char *const *values,
                                     size_t len,
                                     struct e2b_error **err_out);

// Sets the working directory of the following steps and of the template's sandboxes.
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_set_workdir(struct e2b_template *template_,
                                        const char *workdir,
                                        struct e2b_error **err_out);

// Sets the user of the following steps and of the template's sandboxes.
// Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_set_user(struct e2b_template *template_,
                                     const char *user,
                                     struct e2b_error **err_out);

// Sets the command started when a sandbox of the template starts, and the command run until
// it exits with 0 before the sandbox is ready. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_set_start_cmd(struct e2b_template *template_,
                                          const char *start_cmd,
                                          const char *ready_cmd,
                                          struct e2b_error **err_out);

// Sets the ready command alone. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_template_set_ready_cmd(struct e2b_template *template_,
                                          const char *ready_cmd,
                                          struct e2b_error **err_out);

// Rebuilds the following steps rather than using the server's cache. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_template_skip_cache(struct e2b_template *template_,
                                       struct e2b_error **err_out);

// Rebuilds every step (the SDKs' `build(skip_cache=True)`). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_template_set_force(struct e2b_template *template_,
                                      bool force,
                                      struct e2b_error **err_out);

// Builds `template` on the server under `name` (`name` or `name:tag`) with the extra tags
// `tags` (`tags_len` of them, NULL when 0) and waits until it is ready, polling every 0.2 s and
// giving each log entry to `on_log` (NULL: none). Release `*out` (optional) with
// `e2b_build_info_free`. Errors: NULL_ARGUMENT, INVALID_UTF8; BUILD (the build failed: the
// message is the server's reason); FILE_UPLOAD; INVALID_ARGUMENT (a copy source matches
// nothing); CALLBACK_ABORTED; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_template_build(const struct e2b_client *client,
                                  const struct e2b_template *template_,
                                  const char *name,
                                  const char *const *tags,
                                  size_t tags_len,
                                  e2b_build_log_cb on_log,
                                  void *user_data,
                                  struct e2b_build_info **out,
                                  const struct e2b_cancel *cancel,
                                  struct e2b_error **err_out);

// Starts building `template` (requests the build, uploads the files, starts it) and returns
// without waiting; follow it with `e2b_template_get_build_status`. Release `*out` with
// `e2b_build_info_free`. Errors: as `e2b_template_build`, without CALLBACK_ABORTED.
E2B_API
e2b_error_code e2b_template_build_in_background(const struct e2b_client *client,
                                                const struct e2b_template *template_,
                                                const char *name,
                                                const char *const *tags,
                                                size_t tags_len,
                                                struct e2b_build_info **out,
                                                const struct e2b_cancel *cancel,
                                                struct e2b_error **err_out);

// One look at the build `info`'s status, with its log entries from `logs_offset`. Release
// `*out` with `e2b_build_status_info_free`. Errors: NULL_ARGUMENT; BUILD (unknown build);
// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_template_get_build_status(const struct e2b_client *client,
                                             const struct e2b_build_info *info,
                                             size_t logs_offset,
                                             struct e2b_build_status_info **out,
                                             const struct e2b_cancel *cancel,
                                             struct e2b_error **err_out);

// Whether a template called `name` exists (`*exists_out`). Errors: NULL_ARGUMENT,
// INVALID_UTF8; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_template_exists(const struct e2b_client *client,
                                   const char *name,
                                   bool *exists_out,
                                   const struct e2b_cancel *cancel,
                                   struct e2b_error **err_out);

// Gives the build `target` (`name:tag`) the tags `tags` too. Errors: NULL_ARGUMENT,
// INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_template_assign_tags(const struct e2b_client *client,
                                        const char *target,
                                        const char *const *tags,
                                        size_t tags_len,
                                        const struct e2b_cancel *cancel,
                                        struct e2b_error **err_out);

// Removes the tags `tags` of the template `name`. Errors: as `e2b_template_assign_tags`.
E2B_API
e2b_error_code e2b_template_remove_tags(const struct e2b_client *client,
                                        const char *name,
                                        const char *const *tags,
                                        size_t tags_len,
                                        const struct e2b_cancel *cancel,
                                        struct e2b_error **err_out);

// The tags of the template `template` (an id or a name). Release `*out` with
// `e2b_template_tag_list_free`. Errors: NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND;
// AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_template_get_tags(const struct e2b_client *client,
                                     const char *template_,
                                     struct e2b_template_tag_list **out,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Deletes the template `template` (every tag). `*deleted_out` (optional) is false if there
// was none, which is not an error. Errors: NULL_ARGUMENT, INVALID_UTF8; PERMISSION_DENIED (a
// template that is not the team's); AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_template_delete(const struct e2b_client *client,
                                   const char *template_,
                                   bool *deleted_out,
                                   const struct e2b_cancel *cancel,
                                   struct e2b_error **err_out);

// Releases `info`. NULL is ignored.
E2B_API
void e2b_build_info_free(struct e2b_build_info *info);

// The built template's id. NULL if `info` is NULL.
E2B_API
const char *e2b_build_info_template_id(const struct e2b_build_info *info);

// The build's id. NULL if `info` is NULL.
E2B_API
const char *e2b_build_info_build_id(const struct e2b_build_info *info);

// The name the build was asked under. NULL if `info` is NULL.
E2B_API
const char *e2b_build_info_name(const struct e2b_build_info *info);

// The number of tags the build got (0 if `info` is NULL).
E2B_API
size_t e2b_build_info_tags_len(const struct e2b_build_info *info);

// Tag `index` of the build; NULL if out of range or `info` is NULL.
E2B_API
const char *e2b_build_info_tags_get(const struct e2b_build_info *info,
                                    size_t index);

// Releases `info`. NULL is ignored.
E2B_API
void e2b_build_status_info_free(struct e2b_build_status_info *info);

// The build's state, an `e2b_build_status` (ERROR if `info` is NULL).
E2B_API
e2b_build_status e2b_build_status_info_status(const struct e2b_build_status_info *info);

// Why the build failed; NULL unless it failed (or if `info` is NULL).
E2B_API
const char *e2b_build_status_info_reason(const struct e2b_build_status_info *info);

// The step that failed (`base`, a step's 1-based index, `finalize`); NULL when none is known.
E2B_API
const char *e2b_build_status_info_reason_step(const struct e2b_build_status_info *info);

// The number of log entries in `info` (0 if NULL).
E2B_API
size_t e2b_build_status_info_logs_len(const struct e2b_build_status_info *info);

// Log entry `index` of `info`, owned by it; NULL if out of range or `info` is NULL.
E2B_API
const struct e2b_build_log_entry *e2b_build_status_info_logs_get(const struct e2b_build_status_info *info,
                                                                 size_t index);

// The entry's text. NULL if `entry` is NULL.
E2B_API
const char *e2b_build_log_entry_message(const struct e2b_build_log_entry *entry);

// The entry's level (`debug`, `info`, `warn`, `error`). NULL if `entry` is NULL.
E2B_API
const char *e2b_build_log_entry_level(const struct e2b_build_log_entry *entry);

// When the entry was written (RFC 3339). NULL if `entry` is NULL.
E2B_API
const char *e2b_build_log_entry_timestamp(const struct e2b_build_log_entry *entry);

// The entry's step (`base`, a step's 1-based index, `finalize`); NULL when it has none.
E2B_API
const char *e2b_build_log_entry_step(const struct e2b_build_log_entry *entry);

// Releases `list`. NULL is ignored.
E2B_API
void e2b_template_tag_list_free(struct e2b_template_tag_list *list);

// The number of tags in `list` (0 if NULL).
E2B_API
size_t e2b_template_tag_list_len(const struct e2b_template_tag_list *list);

// Tag `index` of `list`; NULL if out of range or `list` is NULL.
E2B_API
const char *e2b_template_tag_list_tag(const struct e2b_template_tag_list *list,
                                      size_t index);

// The build tag `index` points to; NULL if out of range or `list` is NULL.
E2B_API
const char *e2b_template_tag_list_build_id(const struct e2b_template_tag_list *list,
                                           size_t index);

// When tag `index` was made (RFC 3339); NULL if out of range or `list` is NULL.
E2B_API
const char *e2b_template_tag_list_created_at(const struct e2b_template_tag_list *list,
                                             size_t index);

// Creates an empty volume named `name` (letters, digits, `_` and `-`; unique
// in the team). Release `*out` with `e2b_volume_free`. Errors:
// NULL_ARGUMENT, INVALID_UTF8; INVALID_ARGUMENT (a bad or taken name: HTTP
// 400); PERMISSION_DENIED (volumes not enabled); AUTHENTICATION; TIMEOUT,
// NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_client_create_volume(const struct e2b_client *client,
                                        const char *name,
                                        struct e2b_volume **out,
                                        const struct e2b_cancel *cancel,
                                        struct e2b_error **err_out);

// Connects to the volume `volume_id` (its name and a fresh token). Release
// `*out` with `e2b_volume_free`. Errors: as `e2b_client_create_volume`, and
// NOT_FOUND when there is no such volume.
E2B_API
e2b_error_code e2b_client_connect_volume(const struct e2b_client *client,
                                         const char *volume_id,
                                         struct e2b_volume **out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// The volume `volume_id`, with a fresh content token. Release `*out` with
// `e2b_volume_info_free`. Errors: as `e2b_client_connect_volume`.
E2B_API
e2b_error_code e2b_client_get_volume_info(const struct e2b_client *client,
                                          const char *volume_id,
                                          struct e2b_volume_info **out,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// Every volume of the team (ids and names, no tokens). Release `*out` with
// `e2b_volume_list_free`. Errors: NULL_ARGUMENT; AUTHENTICATION; TIMEOUT,
// NETWORK, TLS; API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_client_list_volumes(const struct e2b_client *client,
                                       struct e2b_volume_list **out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Destroys the volume `volume_id` and its files. `*destroyed_out` (may be
// NULL) receives false when there was no such volume. Errors: NULL_ARGUMENT,
// INVALID_UTF8; AUTHENTICATION; TIMEOUT, NETWORK, TLS; API; CANCELLED.
E2B_API
e2b_error_code e2b_client_destroy_volume(const struct e2b_client *client,
                                         const char *volume_id,
                                         bool *destroyed_out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// Releases `volume` (the volume itself stays). NULL is ignored.
E2B_API
void e2b_volume_free(struct e2b_volume *volume);

// The volume's id, owned by the handle. NULL if `volume` is NULL.
E2B_API
const char *e2b_volume_id(const struct e2b_volume *volume);

// The volume's name (what `e2b_sandbox_options_set_volume_mount` takes),
// owned by the handle. NULL if `volume` is NULL.
E2B_API
const char *e2b_volume_name(const struct e2b_volume *volume);

// The content API's bearer token, owned by the handle. NULL if `volume` is NULL.
E2B_API
const char *e2b_volume_token(const struct e2b_volume *volume);

// The entries under the folder `path`, `depth` levels deep (0: the server's
// default, 1). Release `*out` with `e2b_volume_entry_list_free`. Errors:
// NULL_ARGUMENT, INVALID_UTF8; NOT_FOUND; INVALID_ARGUMENT (not a folder, a
// `..` in the path); AUTHENTICATION (a bad token); TIMEOUT, NETWORK, TLS;
// API; DECODE; CANCELLED.
E2B_API
e2b_error_code e2b_volume_list_dir(const struct e2b_volume *volume,
                                   const char *path,
                                   uint32_t depth,
                                   struct e2b_volume_entry_list **out,
                                   const struct e2b_cancel *cancel,
                                   struct e2b_error **err_out);

// Creates the folder `path`; with `force` (options), its missing parents
// too. `options` may be NULL. `*out` (may be NULL) receives the new folder;
// release it with `e2b_volume_entry_free`. Errors: as `e2b_volume_list_dir`,
// and CONFLICT (the path exists).
E2B_API
e2b_error_code e2b_volume_make_dir(const struct e2b_volume *volume,
                                   const char *path,
                                   const struct e2b_volume_write_options *options,
                                   struct e2b_volume_entry **out,
                                   const struct e2b_cancel *cancel,
                                   struct e2b_error **err_out);

// Whether `path` exists in the volume. Errors: as `e2b_volume_list_dir`
// (but a missing path is `*exists_out` false, not NOT_FOUND).
E2B_API
e2b_error_code e2b_volume_exists(const struct e2b_volume *volume,
                                 const char *path,
                                 bool *exists_out,
                                 const struct e2b_cancel *cancel,
                                 struct e2b_error **err_out);

// What `path` is (a symlink itself, not its target): the SDKs'
// `volume.get_info(path)`. Release `*out` with `e2b_volume_entry_free`.
// Errors: as `e2b_volume_list_dir`.
E2B_API
e2b_error_code e2b_volume_get_entry_info(const struct e2b_volume *volume,
                                         const char *path,
                                         struct e2b_volume_entry **out,
                                         const struct e2b_cancel *cancel,
                                         struct e2b_error **err_out);

// Sets the owner, group or mode of `path` to those set in `options` (the
// others are kept; `force` is not used). `*out` (may be NULL) receives the
// entry after the change; release it with `e2b_volume_entry_free`. Errors:
// as `e2b_volume_list_dir`.
E2B_API
e2b_error_code e2b_volume_update_metadata(const struct e2b_volume *volume,
                                          const char *path,
                                          const struct e2b_volume_write_options *options,
                                          struct e2b_volume_entry **out,
                                          const struct e2b_cancel *cancel,
                                          struct e2b_error **err_out);

// The content of the file `path`, into `*out` (release with
// `e2b_bytes_dispose`). Errors: as `e2b_volume_list_dir`.
E2B_API
e2b_error_code e2b_volume_read_file(const struct e2b_volume *volume,
                                    const char *path,
                                    struct e2b_bytes *out,
                                    const struct e2b_cancel *cancel,
                                    struct e2b_error **err_out);

// Streams the file `path` to `on_data` in chunks, in constant memory;
// `*size_out` (optional) receives the number of bytes. `progress` (may be
// NULL) is called after each chunk with the bytes so far and the file's
// size. Errors: as `e2b_volume_read_file`, and CALLBACK_ABORTED (`on_data`
// or `progress` returned non-zero; its value in `e2b_error_callback_value`).
E2B_API
e2b_error_code e2b_volume_read_stream(const struct e2b_volume *volume,
                                      const char *path,
                                      e2b_data_cb on_data,
                                      e2b_progress_cb progress,
                                      void *user_data,
                                      uint64_t *size_out,
                                      const struct e2b_cancel *cancel,
                                      struct e2b_error **err_out);

// Writes `len` bytes at `data` to the file `path`, creating it or replacing
// its content (its folder must exist). `options` may be NULL. `*out` (may be
// NULL) receives the file's entry; release it with `e2b_volume_entry_free`.
// Errors: as `e2b_volume_list_dir`.
E2B_API
e2b_error_code e2b_volume_write_file(const struct e2b_volume *volume,
                                     const char *path,
                                     const uint8_t *data,
                                     size_t len,
                                     const struct e2b_volume_write_options *options,
                                     struct e2b_volume_entry **out,
                                     const struct e2b_cancel *cancel,
                                     struct e2b_error **err_out);

// Streams the file `path` from `read` in constant memory, creating it or
// replacing its content (its folder must exist). `size` is the number of
// bytes `read` will supply, or -1 if unknown. `options` may be NULL.
// `progress` (may be NULL) is called as data goes out. With a size, `read`
// is asked once more after `size` bytes and must then return 0. `*out` (may
// be NULL) receives the file's entry; release it with
// `e2b_volume_entry_free`. A stream is read once, so the call is never
// retried; one that fails leaves the file as it was. Errors: as
// `e2b_volume_write_file`; CALLBACK_ABORTED; INVALID_ARGUMENT (`size`
// below -1); IO (`read` supplied fewer or more bytes than `size`: the call
// fails as soon as that shows, naming both numbers).
E2B_API
e2b_error_code e2b_volume_write_stream(const struct e2b_volume *volume,
                                       const char *path,
                                       int64_t size,
                                       const struct e2b_volume_write_options *options,
                                       e2b_read_cb read,
                                       e2b_progress_cb progress,
                                       void *user_data,
                                       struct e2b_volume_entry **out,
                                       const struct e2b_cancel *cancel,
                                       struct e2b_error **err_out);

// Removes the file or folder `path` (a folder with everything in it).
// Errors: as `e2b_volume_list_dir`.
E2B_API
e2b_error_code e2b_volume_remove(const struct e2b_volume *volume,
                                 const char *path,
                                 const struct e2b_cancel *cancel,
                                 struct e2b_error **err_out);

// New write options, everything left to the server. Release with
// `e2b_volume_write_options_free`.
E2B_API
struct e2b_volume_write_options *e2b_volume_write_options_new(void);

// Releases `options`. NULL is ignored.
E2B_API
void e2b_volume_write_options_free(struct e2b_volume_write_options *options);

// Sets the owner (a uid as sandboxes see it: 1000 is `user`).
// Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_volume_write_options_set_uid(struct e2b_volume_write_options *options,
                                                uint32_t uid,
                                                struct e2b_error **err_out);

// Sets the group. Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_volume_write_options_set_gid(struct e2b_volume_write_options *options,
                                                uint32_t gid,
                                                struct e2b_error **err_out);

// Sets the permission bits (e.g. 0644). Errors: NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_volume_write_options_set_mode(struct e2b_volume_write_options *options,
                                                 uint32_t mode,
                                                 struct e2b_error **err_out);

// `e2b_volume_make_dir`: make missing parents too; `e2b_volume_write_file`
// and `e2b_volume_write_stream`: overwrite an existing file. Errors:
// NULL_ARGUMENT.
E2B_API
e2b_error_code e2b_volume_write_options_set_force(struct e2b_volume_write_options *options,
                                                  bool force,
                                                  struct e2b_error **err_out);

// Releases `info`. NULL is ignored.
E2B_API
void e2b_volume_info_free(struct e2b_volume_info *info);

// The volume's id, owned by the info. NULL if `info` is NULL.
E2B_API
const char *e2b_volume_info_id(const struct e2b_volume_info *info);

// The volume's name, owned by the info. NULL if `info` is NULL.
E2B_API
const char *e2b_volume_info_name(const struct e2b_volume_info *info);

// The content token (from `e2b_client_get_volume_info`; NULL in a list).
E2B_API
const char *e2b_volume_info_token(const struct e2b_volume_info *info);

// The domain of the content host for a team on its own cluster; NULL otherwise.
E2B_API
const char *e2b_volume_info_domain(const struct e2b_volume_info *info);

// Releases `list` and its items. NULL is ignored.
E2B_API
void e2b_volume_list_free(struct e2b_volume_list *list);

// The number of volumes; 0 if `list` is NULL.
E2B_API
size_t e2b_volume_list_len(const struct e2b_volume_list *list);

// Volume `index`, owned by the list; NULL if out of range or `list` is NULL.
E2B_API
const struct e2b_volume_info *e2b_volume_list_get(const struct e2b_volume_list *list,
                                                  size_t index);

// Releases `entry`. NULL is ignored.
E2B_API
void e2b_volume_entry_free(struct e2b_volume_entry *entry);

// The entry's name (the last component of its path), owned by the entry.
E2B_API
const char *e2b_volume_entry_name(const struct e2b_volume_entry *entry);

// The entry's absolute path in the volume, owned by the entry.
E2B_API
const char *e2b_volume_entry_path(const struct e2b_volume_entry *entry);

// File, folder or symlink (a symlink whatever it points to);
// `E2B_FILE_TYPE_OTHER` for anything else or if `entry` is NULL.
E2B_API
e2b_file_type e2b_volume_entry_type(const struct e2b_volume_entry *entry);

// The size in bytes; 0 if `entry` is NULL.
E2B_API
int64_t e2b_volume_entry_size(const struct e2b_volume_entry *entry);

// The permission bits; 0 if `entry` is NULL.
E2B_API
uint32_t e2b_volume_entry_mode(const struct e2b_volume_entry *entry);

// The owner as sandboxes see it; 0 if `entry` is NULL.
E2B_API
uint32_t e2b_volume_entry_uid(const struct e2b_volume_entry *entry);

// The group as sandboxes see it; 0 if `entry` is NULL.
E2B_API
uint32_t e2b_volume_entry_gid(const struct e2b_volume_entry *entry);

// The last access, RFC 3339, owned by the entry.
E2B_API
const char *e2b_volume_entry_atime(const struct e2b_volume_entry *entry);

// The last modification, RFC 3339, owned by the entry.
E2B_API
const char *e2b_volume_entry_mtime(const struct e2b_volume_entry *entry);

// The last status change, RFC 3339, owned by the entry.
E2B_API
const char *e2b_volume_entry_ctime(const struct e2b_volume_entry *entry);

// Where a symlink points, owned by the entry; NULL for anything else.
E2B_API
const char *e2b_volume_entry_target(const struct e2b_volume_entry *entry);

// Releases `list` and its entries. NULL is ignored.
E2B_API
void e2b_volume_entry_list_free(struct e2b_volume_entry_list *list);

// The number of entries; 0 if `list` is NULL.
E2B_API
size_t e2b_volume_entry_list_len(const struct e2b_volume_entry_list *list);

// Entry `index`, owned by the list; NULL if out of range or `list` is NULL.
E2B_API
const struct e2b_volume_entry *e2b_volume_entry_list_get(const struct e2b_volume_entry_list *list,
                                                         size_t index);

// Mounts the volume named `volume_name` (see `e2b_volume_name`) at the
// absolute path `path` in the sandbox; a second call for the same path
// replaces the first. Errors: NULL_ARGUMENT, INVALID_UTF8.
E2B_API
e2b_error_code e2b_sandbox_options_set_volume_mount(struct e2b_sandbox_options *options,
                                                    const char *path,
                                                    const char *volume_name,
                                                    struct e2b_error **err_out);

// The number of volumes mounted in the sandbox; 0 if `info` is NULL.
E2B_API
size_t e2b_sandbox_info_volume_mounts_len(const struct e2b_sandbox_info *info);

// The mount path of volume mount `index` (mounts are sorted by path), owned
// by the info; NULL if `index` is out of range or `info` is NULL.
E2B_API
const char *e2b_sandbox_info_volume_mounts_key(const struct e2b_sandbox_info *info,
                                               size_t index);

// The volume name of volume mount `index`, owned by the info; NULL if out of
// range or `info` is NULL.
E2B_API
const char *e2b_sandbox_info_volume_mounts_value(const struct e2b_sandbox_info *info,
                                                 size_t index);

// The name of the volume mounted at `path`; NULL if none is, or an argument
// is NULL or not UTF-8.
E2B_API
const char *e2b_sandbox_info_volume_mounts_get(const struct e2b_sandbox_info *info,
                                               const char *path);

#ifdef __cplusplus
}  // extern "C"
#endif  // __cplusplus

#endif  /* E2B_H */
