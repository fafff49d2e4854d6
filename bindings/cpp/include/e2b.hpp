// e2b.hpp: the C++17 API of libe2b, a client for E2B cloud sandboxes
// (std::stop_token support with C++20).
//
// A header-only layer over the C API in e2b.h: the Rust library does all the
// work, this file only converts types and owns handles.
//
//   e2b::Client client;                                   // E2B_API_KEY etc. from the environment
//   e2b::Sandbox sandbox = client.create_sandbox();       // the base template, 5 minutes
//   sandbox.files().write("/home/user/hello.txt", "hi");
//   sandbox.pause();                                      // false if it was already paused
//   e2b::Sandbox again = client.resume(sandbox.id());
//
// Conventions
// - Errors are exceptions: every failure throws an e2b::Error (a
//   std::runtime_error) carrying the C error code, the message and the HTTP
//   status. Each code has its own subclass (e2b::NotFound, e2b::SandboxGone,
//   e2b::Timeout, ...; see ErrorCode), so callers catch what they can handle.
//   A non-zero exit code of a command is a result, not an error
//   (CommandResult::check() turns it into e2b::CommandExit).
// - Handles (Client, Sandbox, Command, Watch, FileReader, CommandResult) and
//   option builders are move-only RAII classes owning one C object. A
//   moved-from object may be destroyed or assigned to; any other call on it
//   throws e2b::NullArgument. Destroying a Sandbox releases the handle only:
//   the sandbox runs on until Sandbox::kill() or its timeout. A Sandbox stays
//   valid after its Client is destroyed.
// - Descriptions (SandboxInfo, EntryInfo, FsEvent, Execution, ...) are plain
//   values copied out of the C objects, which are freed at once.
// - Files and Commands are views borrowing their Sandbox: use them while it lives.
// - Strings go in as anything StringArg accepts (const char*, std::string,
//   std::string_view) and must be UTF-8 (else e2b::InvalidUtf8); strings come
//   out as std::string. File contents and command output are bytes: ByteView
//   in, std::vector<uint8_t> out, never transcoded.
// - Callbacks are std::function, called on the calling thread before the
//   call returns. To stop an operation, throw from the callback: the
//   operation stops and the exception comes out of the call, unchanged. The
//   exception is caught before it reaches the C library. (A watch callback
//   can also return false to end the watch normally.)
// - Durations are std::chrono::milliseconds (seconds and minutes convert):
//   zero always means the default each function states, e2b::timeout_none
//   means no limit (where a limit can be lifted), and a negative one throws
//   std::invalid_argument.
// - Cancellation: every blocking call takes a CancelArg last, which is a
//   CancelToken, a std::stop_token (C++20), or nothing. token.cancel() from
//   any thread ends the call within 100 ms with e2b::CancelledError:
//     e2b::CancelToken token;                  // copies share it
//     std::thread([token] { wait_for_user(); token.cancel(); }).detach();
//     sandbox.commands().run("make", {}, {}, token);   // throws e2b::CancelledError
//
// Thread safety
// - Client, Sandbox, Command, Watch and CancelToken may be used from any
//   number of threads at once (their methods are const; Watch::stop() from
//   one thread ends a next_events() waiting in another, and
//   CancelToken::cancel() any call given the token). Files and Commands
//   views may be copied to other threads.
// - Option builders, FileReader and CommandResult belong to one thread at a
//   time. Destroying an object while another thread uses it is
//   undefined behaviour.
#ifndef E2B_HPP
#define E2B_HPP

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <optional>
#include <ostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#if __cplusplus >= 202002L && defined(__has_include)
#if __has_include(<stop_token>)
#include <stop_token>
#endif
#endif
#if defined(__cpp_lib_jthread) && __cpp_lib_jthread >= 201911L
/// Defined when CancelArg takes a std::stop_token (C++20).
#define E2B_HPP_STOP_TOKEN 1
#endif

#include "e2b.h"

namespace e2b {

// ---- versions ----

/// The version of the library linked at run time, e.g. "0.1.0".
inline std::string version() { return e2b_version(); }

/// The linked library's version as MAJOR * 1000000 + MINOR * 1000 + PATCH.
inline uint32_t version_number() { return e2b_version_number(); }

/// The ABI the linked library implements.
inline uint32_t abi_version() { return e2b_abi_version(); }

/// Throws std::runtime_error unless the linked library implements the ABI of
/// the e2b.h this file was compiled with. Client's constructors call it.
inline void check_abi() {
    if (e2b_abi_version() != E2B_ABI_VERSION) {
        throw std::runtime_error("libe2b " + version() + " implements ABI " + std::to_string(e2b_abi_version()) +
                                 ", but this program was built for ABI " + std::to_string(E2B_ABI_VERSION) +
                                 " (e2b.h " E2B_VERSION ")");
    }
}

// ---- errors ----

enum class ErrorCode : int32_t;  // What went wrong: the C library's error codes (below).

/// The C name of `code`, e.g. "E2B_ERR_NOT_FOUND" ("E2B_ERR_UNKNOWN" for a code this library does not know).
inline std::string_view error_code_name(ErrorCode code) { return e2b_error_code_name(static_cast<int32_t>(code)); }

/// What an error says besides its code and message.
struct ErrorDetails {
    /// The HTTP status of the response behind the error; 0 when there was none.
    uint16_t http_status = 0;
    /// How long the server asked to wait before trying again (its
    /// Retry-After, as on HTTP 429 or 503); zero when it did not say.
    std::chrono::milliseconds retry_after{0};
    /// The non-zero value a C callback returned to stop the call (the code is
    /// then CallbackAborted); 0 otherwise.
    int32_t callback_value = 0;
};

/// Every error the library reports. Catch a subclass (e2b::NotFound, ...)
/// for one code, or this class for all of them.
class Error : public std::runtime_error {
public:
    Error(ErrorCode code, const std::string& message, const ErrorDetails& details = {})
        : std::runtime_error(message), code_(code), details_(details) {}

    /// What went wrong.
    ErrorCode code() const noexcept { return code_; }
    /// What went wrong, in words (the same as what()).
    std::string message() const { return what(); }
    /// The HTTP status of the response behind the error; 0 when there was none.
    uint16_t http_status() const noexcept { return details_.http_status; }
    /// How long the server asked to wait before trying again (Retry-After);
    /// zero when it did not say. Set on e2b::RateLimited when the server said.
    std::chrono::milliseconds retry_after() const noexcept { return details_.retry_after; }
    /// The value a C callback returned to stop the call, for e2b::CallbackAborted
    /// (from C calls checked with e2b::check); 0 otherwise. The callbacks of this
    /// API stop a call by throwing, and the call rethrows that exception instead.
    int32_t callback_value() const noexcept { return details_.callback_value; }

private:
    ErrorCode code_;
    ErrorDetails details_;
};

/// The error for one code: `catch (const e2b::NotFound&)`.
template <ErrorCode Code>
class ErrorFor : public Error {
public:
    explicit ErrorFor(const std::string& message, const ErrorDetails& details = {}) : Error(Code, message, details) {}
};

// BEGIN GENERATED by bindings/cpp/generate.py from e2b.h: do not edit by hand.

/// The result of every fallible function. The values are stable: they will
/// never be renumbered, and new ones are only ever added.
enum class ErrorCode : int32_t {
    /// A required pointer argument was NULL.
    NullArgument = E2B_ERR_NULL_ARGUMENT,
    /// An argument was rejected, by the library or by the server (HTTP 400).
    InvalidArgument = E2B_ERR_INVALID_ARGUMENT,
    /// A string argument was not valid UTF-8.
    InvalidUtf8 = E2B_ERR_INVALID_UTF8,
    /// The library hit a bug and caught it; the message says where.
    Panic = E2B_ERR_PANIC,
    /// A callback returned non-zero, which stopped the operation.
    CallbackAborted = E2B_ERR_CALLBACK_ABORTED,
    /// A deadline passed.
    Timeout = E2B_ERR_TIMEOUT,
    /// The connection failed or dropped.
    Network = E2B_ERR_NETWORK,
    /// TLS failed.
    Tls = E2B_ERR_TLS,
    /// Missing or wrong API key or access token (HTTP 401).
    Authentication = E2B_ERR_AUTHENTICATION,
    /// Not allowed (HTTP 403).
    PermissionDenied = E2B_ERR_PERMISSION_DENIED,
    /// A file, directory, process, template or code context does not exist.
    NotFound = E2B_ERR_NOT_FOUND,
    /// The sandbox does not exist: killed, expired, or never created.
    SandboxNotFound = E2B_ERR_SANDBOX_NOT_FOUND,
    /// The sandbox stopped answering while in use: killed, paused or expired.
    SandboxGone = E2B_ERR_SANDBOX_GONE,
    /// Already exists, or in a conflicting state (HTTP 409).
    Conflict = E2B_ERR_CONFLICT,
    /// Too many requests (HTTP 429).
    RateLimited = E2B_ERR_RATE_LIMITED,
    /// The sandbox's disk is full (HTTP 507).
    NotEnoughSpace = E2B_ERR_NOT_ENOUGH_SPACE,
    /// Another error status; see `e2b_error_http_status`.
    Api = E2B_ERR_API,
    /// The server's answer could not be understood.
    Decode = E2B_ERR_DECODE,
    /// A local file could not be read or written.
    Io = E2B_ERR_IO,
    /// A command exited with a non-zero code (only where asked for).
    CommandExit = E2B_ERR_COMMAND_EXIT,
    /// The call was cancelled through its cancel token.
    Cancelled = E2B_ERR_CANCELLED,
    /// git said its credentials were missing or wrong (the e2b_git_* functions).
    GitAuth = E2B_ERR_GIT_AUTH,
    /// git found no upstream branch to push to or pull from (the e2b_git_* functions).
    GitUpstream = E2B_ERR_GIT_UPSTREAM,
    /// A template build failed (the e2b_template_build* functions; the message is the server's reason).
    Build = E2B_ERR_BUILD,
    /// A template build's files could not be uploaded.
    FileUpload = E2B_ERR_FILE_UPLOAD,
};

/// Whether a sandbox runs or is paused.
enum class SandboxState : int32_t {
    /// A state newer than this library (such as a transition: pausing,
    /// snapshotting, ...). Only ever received, never a query's state.
    Unknown = E2B_SANDBOX_UNKNOWN,
    Running = E2B_SANDBOX_RUNNING,
    Paused = E2B_SANDBOX_PAUSED,
};

/// The order of `e2b_client_list_sandboxes`: by the time the sandboxes
/// started, ties broken by id.
enum class ListOrder : int32_t {
    /// Newest first (the default).
    Desc = E2B_LIST_ORDER_DESC,
    /// Oldest first.
    Asc = E2B_LIST_ORDER_ASC,
};

/// What a snapshot keeps (`e2b_snapshot_options_set_mode`).
enum class SnapshotMode : int32_t {
    /// The server's default (full).
    Default = E2B_SNAPSHOT_MODE_DEFAULT,
    /// Memory and filesystem: sandboxes from it resume where the source was.
    Full = E2B_SNAPSHOT_MODE_FULL,
    /// The filesystem only: sandboxes from it boot afresh from the files.
    Filesystem = E2B_SNAPSHOT_MODE_FILESYSTEM,
};

/// What happens when a sandbox's timeout passes (`e2b_sandbox_options_set_on_timeout`,
/// `e2b_sandbox_info_on_timeout`; the SDKs' `lifecycle.on_timeout`).
enum class OnTimeout : int32_t {
    /// Not set: the server's default (kill); from an info, the server did not say.
    Default = E2B_ON_TIMEOUT_DEFAULT,
    /// The sandbox is killed.
    Kill = E2B_ON_TIMEOUT_KILL,
    /// The sandbox is paused, keeping its id.
    Pause = E2B_ON_TIMEOUT_PAUSE,
};

/// What a pause keeps (the SDKs' `mode`; `e2b_sandbox_pause_with`,
/// `e2b_sandbox_options_set_on_timeout`, `e2b_sandbox_info_pause_mode`).
enum class PauseMode : int32_t {
    /// Not set: the server's default (full); from an info, not paused or not said.
    Default = E2B_PAUSE_MODE_DEFAULT,
    /// Files and memory: the processes go on where they were when resumed.
    Full = E2B_PAUSE_MODE_FULL,
    /// Files only: the processes end, and the sandbox boots afresh from its files when resumed.
    Filesystem = E2B_PAUSE_MODE_FILESYSTEM,
};

/// How a paused sandbox comes back on connect (the SDKs' `on_resume`;
/// `e2b_client_connect_sandbox_with`, `e2b_sandbox_connect`).
enum class OnResume : int32_t {
    /// From its memory, where it was (the default).
    Restore = E2B_ON_RESUME_RESTORE,
    /// Booted afresh from its files, its memory image ignored: the way back for
    /// a sandbox paused while envd did not answer.
    Reboot = E2B_ON_RESUME_REBOOT,
};

/// The kind of a filesystem entry.
enum class FileType : int32_t {
    /// Something else (a device, a socket, or a type newer than this library).
    Other = E2B_FILE_TYPE_OTHER,
    File = E2B_FILE_TYPE_FILE,
    Dir = E2B_FILE_TYPE_DIR,
    Symlink = E2B_FILE_TYPE_SYMLINK,
};

/// What happened to a watched path.
enum class EventType : int32_t {
    /// A change of a kind newer than this library.
    Other = E2B_EVENT_OTHER,
    Create = E2B_EVENT_CREATE,
    Write = E2B_EVENT_WRITE,
    Remove = E2B_EVENT_REMOVE,
    Rename = E2B_EVENT_RENAME,
    Chmod = E2B_EVENT_CHMOD,
};

/// Which output a chunk came from.
enum class Stream : int32_t {
    Stdout = E2B_STREAM_STDOUT,
    Stderr = E2B_STREAM_STDERR,
    /// The terminal of a PTY (`e2b_pty_create`): what it shows, stdout and stderr together.
    Pty = E2B_STREAM_PTY,
};

/// How much the library logs, from nothing to everything; each level includes
/// those before it. The levels of `E2B_LOG` are the same names in lowercase.
enum class LogLevel : int32_t {
    Off = E2B_LOG_OFF,
    /// Failures the library could not hide.
    Error = E2B_LOG_ERROR,
    /// Trouble the library worked around.
    Warn = E2B_LOG_WARN,
    /// Retries, with their reason and wait.
    Info = E2B_LOG_INFO,
    /// One line per HTTP request: what, method, URL, status, time, bytes.
    Debug = E2B_LOG_DEBUG,
    Trace = E2B_LOG_TRACE,
};

/// The kind of change of a file in a status (the SDKs' names in the comments).
enum class GitFileChange : int32_t {
    /// Anything else git reports ("unknown").
    Unknown = E2B_GIT_FILE_UNKNOWN,
    /// Changed ("modified").
    Modified = E2B_GIT_FILE_MODIFIED,
    /// New in the index ("added").
    Added = E2B_GIT_FILE_ADDED,
    /// Removed ("deleted").
    Deleted = E2B_GIT_FILE_DELETED,
    /// Renamed ("renamed"); see renamed_from.
    Renamed = E2B_GIT_FILE_RENAMED,
    /// Copied ("copied").
    Copied = E2B_GIT_FILE_COPIED,
    /// Its type changed ("typechange").
    Typechange = E2B_GIT_FILE_TYPECHANGE,
    /// Not tracked ("untracked").
    Untracked = E2B_GIT_FILE_UNTRACKED,
    /// Unmerged after a merge ("conflict").
    Conflict = E2B_GIT_FILE_CONFLICT,
};

/// Which configuration file the configuration functions use.
enum class GitConfigScope : int32_t {
    /// The user's ~/.gitconfig (`--global`, the default).
    Global = E2B_GIT_CONFIG_GLOBAL,
    /// A repository's .git/config (`--local`); needs the repository's path.
    Local = E2B_GIT_CONFIG_LOCAL,
    /// The system's /etc/gitconfig (`--system`).
    System = E2B_GIT_CONFIG_SYSTEM,
};

/// How far `e2b_git_reset` goes (`git reset --<mode>`).
enum class GitResetMode : int32_t {
    /// git's own default: mixed (no flag).
    Default = E2B_GIT_RESET_DEFAULT,
    /// Moves HEAD only (`--soft`).
    Soft = E2B_GIT_RESET_SOFT,
    /// Moves HEAD and resets the index (`--mixed`).
    Mixed = E2B_GIT_RESET_MIXED,
    /// Moves HEAD and resets the index and the working tree (`--hard`).
    Hard = E2B_GIT_RESET_HARD,
    /// Like hard, keeping changes not staged (`--merge`).
    Merge = E2B_GIT_RESET_MERGE,
    /// Like hard, refusing to lose local changes (`--keep`).
    Keep = E2B_GIT_RESET_KEEP,
};

/// The kind of a chart (the SDKs' `ChartType`), in `e2b_chart_fields`.
enum class ChartType : int32_t {
    /// A type this library does not know: the elements are in `elements_json`.
    Unknown = E2B_CHART_UNKNOWN,
    /// A line chart: `points`.
    Line = E2B_CHART_LINE,
    /// A scatter plot: `points`.
    Scatter = E2B_CHART_SCATTER,
    /// A bar chart: `bars`.
    Bar = E2B_CHART_BAR,
    /// A pie chart: `pie`.
    Pie = E2B_CHART_PIE,
    /// A box-and-whisker plot: `box_and_whisker`.
    BoxAndWhisker = E2B_CHART_BOX_AND_WHISKER,
    /// A figure of several charts (e.g. subplots): `charts`.
    Superchart = E2B_CHART_SUPERCHART,
};

/// The scale of a point chart's axis (the SDKs' `ScaleType`), in `e2b_chart_fields`.
enum class ScaleType : int32_t {
    /// Not a point chart (only line and scatter charts have scales).
    None = E2B_SCALE_NONE,
    /// A scale this library does not know, or none given.
    Unknown = E2B_SCALE_UNKNOWN,
    /// "linear".
    Linear = E2B_SCALE_LINEAR,
    /// "datetime": ticks and points are dates, as text.
    Datetime = E2B_SCALE_DATETIME,
    /// "categorical": ticks and points are categories, as text.
    Categorical = E2B_SCALE_CATEGORICAL,
    /// "log".
    Log = E2B_SCALE_LOG,
    /// "symlog".
    Symlog = E2B_SCALE_SYMLOG,
    /// "logit".
    Logit = E2B_SCALE_LOGIT,
    /// "function".
    Function = E2B_SCALE_FUNCTION,
    /// "functionlog".
    Functionlog = E2B_SCALE_FUNCTIONLOG,
    /// "asinh".
    Asinh = E2B_SCALE_ASINH,
};

/// The state of a template build (`e2b_build_status_info_status`).
enum class BuildStatus : int32_t {
    /// Requested, not started.
    Waiting = E2B_BUILD_WAITING,
    /// Running.
    Building = E2B_BUILD_BUILDING,
    /// Done: sandboxes can start from the template.
    Ready = E2B_BUILD_READY,
    /// Failed: see `e2b_build_status_info_reason`.
    Error = E2B_BUILD_ERROR,
};

// One exception class per error code: catch (const e2b::NotFound&).
using NullArgument = ErrorFor<ErrorCode::NullArgument>;
using InvalidArgument = ErrorFor<ErrorCode::InvalidArgument>;
using InvalidUtf8 = ErrorFor<ErrorCode::InvalidUtf8>;
using Panic = ErrorFor<ErrorCode::Panic>;
using CallbackAborted = ErrorFor<ErrorCode::CallbackAborted>;
using Timeout = ErrorFor<ErrorCode::Timeout>;
using NetworkError = ErrorFor<ErrorCode::Network>;
using TlsError = ErrorFor<ErrorCode::Tls>;
using AuthenticationError = ErrorFor<ErrorCode::Authentication>;
using PermissionDenied = ErrorFor<ErrorCode::PermissionDenied>;
using NotFound = ErrorFor<ErrorCode::NotFound>;
using SandboxNotFound = ErrorFor<ErrorCode::SandboxNotFound>;
using SandboxGone = ErrorFor<ErrorCode::SandboxGone>;
using Conflict = ErrorFor<ErrorCode::Conflict>;
using RateLimited = ErrorFor<ErrorCode::RateLimited>;
using NotEnoughSpace = ErrorFor<ErrorCode::NotEnoughSpace>;
using ApiError = ErrorFor<ErrorCode::Api>;
using DecodeError = ErrorFor<ErrorCode::Decode>;
using IoError = ErrorFor<ErrorCode::Io>;
using CommandExit = ErrorFor<ErrorCode::CommandExit>;
using CancelledError = ErrorFor<ErrorCode::Cancelled>;
using GitAuthError = ErrorFor<ErrorCode::GitAuth>;
using GitUpstreamError = ErrorFor<ErrorCode::GitUpstream>;
using BuildError = ErrorFor<ErrorCode::Build>;
using FileUploadError = ErrorFor<ErrorCode::FileUpload>;

namespace detail {

/// Throws the exception class of `code`; e2b::Error itself for a code newer than this file.
[[noreturn]] inline void throw_for(ErrorCode code, const std::string& message, const ErrorDetails& details) {
    switch (code) {
        case ErrorCode::NullArgument: throw NullArgument(message, details);
        case ErrorCode::InvalidArgument: throw InvalidArgument(message, details);
        case ErrorCode::InvalidUtf8: throw InvalidUtf8(message, details);
        case ErrorCode::Panic: throw Panic(message, details);
        case ErrorCode::CallbackAborted: throw CallbackAborted(message, details);
        case ErrorCode::Timeout: throw Timeout(message, details);
        case ErrorCode::Network: throw NetworkError(message, details);
        case ErrorCode::Tls: throw TlsError(message, details);
        case ErrorCode::Authentication: throw AuthenticationError(message, details);
        case ErrorCode::PermissionDenied: throw PermissionDenied(message, details);
        case ErrorCode::NotFound: throw NotFound(message, details);
        case ErrorCode::SandboxNotFound: throw SandboxNotFound(message, details);
        case ErrorCode::SandboxGone: throw SandboxGone(message, details);
        case ErrorCode::Conflict: throw Conflict(message, details);
        case ErrorCode::RateLimited: throw RateLimited(message, details);
        case ErrorCode::NotEnoughSpace: throw NotEnoughSpace(message, details);
        case ErrorCode::Api: throw ApiError(message, details);
        case ErrorCode::Decode: throw DecodeError(message, details);
        case ErrorCode::Io: throw IoError(message, details);
        case ErrorCode::CommandExit: throw CommandExit(message, details);
        case ErrorCode::Cancelled: throw CancelledError(message, details);
        case ErrorCode::GitAuth: throw GitAuthError(message, details);
        case ErrorCode::GitUpstream: throw GitUpstreamError(message, details);
        case ErrorCode::Build: throw BuildError(message, details);
        case ErrorCode::FileUpload: throw FileUploadError(message, details);
    }
    throw Error(code, message, details);
}

}  // namespace detail

// END GENERATED

// ---- arguments ----

/// A string argument: a const char*, a std::string or a std::string_view
/// (copied to add the NUL the C API needs). Only a parameter type: it cannot
/// be copied or moved.
class StringArg {
public:
    StringArg(const char* text) : ptr_(text) {}
    StringArg(const std::string& text) : ptr_(text.c_str()) {}
    StringArg(std::string_view text) : copy_(text), ptr_(copy_.c_str()) {}
    StringArg(const StringArg&) = delete;
    StringArg& operator=(const StringArg&) = delete;

    /// The NUL-terminated text (NULL if a NULL const char* was given).
    const char* c_str() const noexcept { return ptr_; }

private:
    std::string copy_;
    const char* ptr_;
};

/// Borrowed bytes: file contents or stdin going in (from text or a byte
/// vector), or a chunk handed to a callback (valid only during the call).
class ByteView {
public:
    ByteView() = default;
    ByteView(const uint8_t* data, size_t size) : data_(data), size_(size) {}
    ByteView(const char* text) : ByteView(std::string_view(text)) {}
    ByteView(const std::string& text) : ByteView(std::string_view(text)) {}
    ByteView(std::string_view text) : data_(reinterpret_cast<const uint8_t*>(text.data())), size_(text.size()) {}
    ByteView(const std::vector<uint8_t>& bytes) : data_(bytes.data()), size_(bytes.size()) {}

    const uint8_t* data() const noexcept { return data_; }
    size_t size() const noexcept { return size_; }
    bool empty() const noexcept { return size_ == 0; }
    const uint8_t* begin() const noexcept { return data_; }
    const uint8_t* end() const noexcept { return data_ + size_; }
    /// The same bytes seen as characters.
    std::string_view text() const noexcept { return {reinterpret_cast<const char*>(data_), size_}; }

private:
    const uint8_t* data_ = nullptr;
    size_t size_ = 0;
};

// ---- durations and cancellation ----

/// A duration meaning "no limit" where a limit can be lifted: request,
/// command and run timeouts, call deadlines, waits (E2B_TIMEOUT_NONE in C).
/// Where it cannot (a sandbox's lifetime: E2B requires one) the call throws
/// e2b::InvalidArgument. A zero duration always means "the default" each
/// function states; a negative one throws std::invalid_argument.
inline constexpr std::chrono::milliseconds timeout_none = std::chrono::milliseconds::max();

/// A cancel token: give it to any number of blocking calls (their last
/// argument, a CancelArg), then cancel() from any thread ends each of them
/// within 100 ms: it throws e2b::CancelledError, the connection under it
/// closed. Cancelling is final: every later call given the token throws at
/// once, so make a fresh token for the next operation.
///
/// Copies share one token (copy it to the thread that will cancel); every
/// method may be called from any thread at once. A token given to a call
/// that hands out a handle (Commands::start and connect, Files::open_read
/// and watch_dir) applies to that call only; later calls on the handle take
/// their own. What a cancelled call leaves: Commands::run and Command::wait
/// kill their process (best effort); a cancelled start may have started it
/// (Commands::list finds it); an upload leaves the old file in place; a
/// control-plane call that reached the server may have been done (a
/// sandbox created or killed).
class CancelToken {
public:
    /// A new token, not cancelled.
    CancelToken() : token_(e2b_cancel_new(), e2b_cancel_free) {
        if (!token_) {
            throw std::bad_alloc();
        }
    }
    // Copying shares the token; there are no moves (a move copies), so a
    // token is never empty.
    CancelToken(const CancelToken&) = default;
    CancelToken& operator=(const CancelToken&) = default;

    /// Cancels every call given the token, under way or to come. Returns at once.
    void cancel() const noexcept { e2b_cancel_cancel(token_.get()); }

    /// Whether cancel() was called.
    bool is_cancelled() const noexcept { return e2b_cancel_is_cancelled(token_.get()); }

    /// The C token, for calls to e2b.h directly; owned by the copies of this token.
    const e2b_cancel* raw() const noexcept { return token_.get(); }

private:
    std::shared_ptr<e2b_cancel> token_;
};

/// The last parameter of every blocking call: what can cancel it. Pass a
/// CancelToken, a std::stop_token (C++20: the call is cancelled when stop is
/// requested, through a std::stop_callback that lives for the call), or
/// nothing for a call that cannot be cancelled:
///   sandbox.commands().run("make", {}, {}, token);
///   sandbox.files().read(path, stop_token);
/// A cancelled call throws e2b::CancelledError. Only a parameter type: it
/// cannot be copied or moved.
class CancelArg {
public:
    /// Not cancellable.
    CancelArg() noexcept = default;
    /// Cancelled through `token`.
    CancelArg(const CancelToken& token) noexcept : raw_(token.raw()) {}
    /// Cancelled through a C token (NULL: not cancellable), which must outlive the call.
    explicit CancelArg(const e2b_cancel* token) noexcept : raw_(token) {}
#ifdef E2B_HPP_STOP_TOKEN
    /// Cancelled when stop is requested on `stop` (at once if it already was).
    CancelArg(std::stop_token stop) {
        if (stop.stop_possible()) {
            own_.emplace();
            raw_ = own_->raw();
            on_stop_.emplace(std::move(stop), Canceller{raw_});
        }
    }
#endif
    CancelArg(const CancelArg&) = delete;
    CancelArg& operator=(const CancelArg&) = delete;

    /// The C token; NULL for none.
    const e2b_cancel* raw() const noexcept { return raw_; }

private:
    const e2b_cancel* raw_ = nullptr;
#ifdef E2B_HPP_STOP_TOKEN
    struct Canceller {
        const e2b_cancel* token;
        void operator()() const noexcept { e2b_cancel_cancel(token); }
    };
    std::optional<CancelToken> own_;                        // destroyed after the callback
    std::optional<std::stop_callback<Canceller>> on_stop_;  // unregistered first
#endif
};

// ---- plain values ----

/// What the control plane knows of one sandbox.
struct SandboxInfo {
    std::string sandbox_id;
    std::string template_id;
    std::optional<std::string> alias;  ///< the template's alias (the official SDKs' `name`)
    std::string started_at;            ///< RFC 3339
    std::string end_at;                ///< RFC 3339: when it ends unless extended
    std::string envd_version;
    SandboxState state = SandboxState::Unknown;
    uint32_t cpu_count = 0;
    uint32_t memory_mb = 0;
    uint32_t disk_size_mb = 0;  ///< 0 when the server did not say
    std::map<std::string, std::string> metadata;
    std::map<std::string, std::string> volume_mounts;  ///< mount path -> volume name
    /// What it does at its timeout (OnTimeout::Default when the server did
    /// not say: lists do not) and whether traffic resumes it when paused.
    OnTimeout on_timeout = OnTimeout::Default;
    bool auto_resume = false;
    PauseMode pause_mode = PauseMode::Default;  ///< how a paused sandbox was paused
    /// True when it was paused while envd did not answer: connect it with OnResume::Reboot.
    bool envd_unresponsive_at_pause = false;
    std::optional<bool> allow_internet_access;  ///< as given at creation; empty: not set
    std::optional<std::string> domain;          ///< the domain it lives under, if the server says
    /// Its network settings (the official SDKs' SandboxInfo.network); empty when it has none.
    struct Network {
        std::vector<std::string> allow_out;
        std::vector<std::string> deny_out;
        std::optional<std::vector<std::string>> dns_servers;  ///< empty: the server's default
        std::string rules_json = "{}";  ///< the per-host rules as a JSON object
        /// The egress proxy: `host:port`, empty when there is none.
        std::optional<std::string> egress_proxy_address;
        std::optional<std::string> egress_proxy_username;
        bool egress_proxy_tls = false;
        std::optional<std::string> egress_proxy_tls_server_name;
        std::optional<bool> allow_public_traffic;  ///< empty: the project's default
        std::optional<std::string> mask_request_host;
        std::vector<uint16_t> https_ports;
    };
    std::optional<Network> network;
};

/// How Sandbox::pause pauses (the official SDKs' pause(mode=..., strict=...)).
struct PauseOptions {
    /// What the pause keeps: PauseMode::Filesystem only the files (Default: the server's, full).
    PauseMode mode = PauseMode::Default;
    /// Refuse to pause a sandbox whose envd does not answer: e2b::ApiError
    /// with HTTP status 503 (the SDKs' ServiceBusyException), the sandbox left
    /// running, as for a filesystem pause of such a sandbox. Without it the
    /// pause goes ahead and SandboxInfo::envd_unresponsive_at_pause says so.
    bool strict = false;
};

/// One sample of a sandbox's use of its resources (the official SDKs'
/// SandboxMetrics). E2B takes one every 5 seconds while the sandbox runs.
struct SandboxMetrics {
    std::chrono::system_clock::time_point timestamp;  ///< when it was taken (whole seconds)
    uint32_t cpu_count = 0;
    double cpu_used_pct = 0;  ///< percent of the sandbox's CPUs used, 0 to 100
    uint64_t mem_used = 0;    ///< bytes
    uint64_t mem_total = 0;   ///< bytes
    uint64_t mem_cache = 0;   ///< bytes of memory holding cached file data
    uint64_t disk_used = 0;   ///< bytes
    uint64_t disk_total = 0;  ///< bytes
};

/// A time for get_metrics: none means unbounded.
using TimeBound = std::optional<std::chrono::system_clock::time_point>;

/// One page of Client::list.
struct SandboxPage {
    std::vector<SandboxInfo> sandboxes;      ///< in the query's order (newest first by default)
    std::optional<std::string> next_token;   ///< for SandboxQuery::next_token; none on the last page
    /// How many running sandboxes match the query's filters on every page together;
    /// none when the query did not ask for running ones.
    std::optional<uint64_t> total_running;
};

/// One file, directory or link in a sandbox.
struct EntryInfo {
    std::string name;
    std::string path;  ///< absolute
    FileType type = FileType::Other;
    uint64_t size = 0;
    uint32_t mode = 0;        ///< Unix mode bits
    std::string permissions;  ///< as `ls -l` shows them, e.g. "-rw-r--r--"
    std::string owner;
    std::string group;
    std::optional<std::string> modified_time;   ///< RFC 3339
    std::optional<std::string> symlink_target;  ///< only for symlinks (type Symlink): where it points, resolved
    std::map<std::string, std::string> metadata;
};

/// One change in a watched directory.
struct FsEvent {
    EventType type = EventType::Other;
    std::string name;                ///< the changed path, relative to the watched directory
    std::optional<EntryInfo> entry;  ///< the entry after the change, when the watch includes entries
};

/// One process running in a sandbox (from Commands::list). Copyable; each
/// copy keeps the list it came from alive for env().
struct ProcessInfo {
    uint32_t pid = 0;
    std::string cmd;  ///< the program, e.g. "/bin/bash"
    std::vector<std::string> args;
    std::map<std::string, std::string> envs;  ///< the environment variables given at start
    std::optional<std::string> cwd;
    std::optional<std::string> tag;
};

/// A code context: its own interpreter state, language and directory.
struct CodeContext {
    std::string id;
    std::string language;
    std::string cwd;
};

/// The SDKs' name of a chart type: "line", "scatter", "bar", "pie",
/// "box_and_whisker", "superchart" or "unknown".
inline const char* chart_type_name(ChartType type) {
    switch (type) {
        case ChartType::Line: return "line";
        case ChartType::Scatter: return "scatter";
        case ChartType::Bar: return "bar";
        case ChartType::Pie: return "pie";
        case ChartType::BoxAndWhisker: return "box_and_whisker";
        case ChartType::Superchart: return "superchart";
        default: return "unknown";
    }
}

/// A coordinate or tick of a point chart: `text` for dates and categories,
/// else `number` (NaN where the data had a NaN).
struct ChartValue {
    std::optional<std::string> text;
    double number = 0;
};

/// One series of a line or scatter chart.
struct PointData {
    std::string label;
    std::vector<std::pair<ChartValue, ChartValue>> points;  ///< (x, y)
};

/// One bar of a bar chart.
struct BarData {
    std::string label;
    std::string group;
    double value = 0;
};

/// One slice of a pie chart.
struct PieData {
    std::string label;
    double angle = 0;  ///< degrees
    double radius = 0;
};

/// One box of a box-and-whisker plot.
struct BoxAndWhiskerData {
    std::string label;
    double min = 0;
    double first_quartile = 0;
    double median = 0;
    double third_quartile = 0;
    double max = 0;
    std::vector<double> outliers;
};

/// A chart the code drew (the SDKs' Chart and its kinds). Labels and units
/// belong to 2D charts (line, scatter, bar, box and whisker), ticks and
/// scales to point charts (line, scatter); the elements are in the member
/// of the chart's kind: `points` (line, scatter), `bars`, `pie`,
/// `box_and_whisker` or `charts` (a super chart). A chart of a type the
/// library does not know, or whose elements do not fit its type, has them
/// in `elements_json` as sent.
struct Chart {
    ChartType type = ChartType::Unknown;
    std::optional<std::string> title;
    std::optional<std::string> x_label, y_label, x_unit, y_unit;
    std::vector<ChartValue> x_ticks, y_ticks;
    std::vector<std::string> x_tick_labels, y_tick_labels;
    ScaleType x_scale = ScaleType::None, y_scale = ScaleType::None;
    std::vector<PointData> points;
    std::vector<BarData> bars;
    std::vector<PieData> pie;
    std::vector<BoxAndWhiskerData> box_and_whisker;
    std::vector<Chart> charts;
    std::optional<std::string> elements_json;
    std::string json;  ///< the chart as the interpreter sent it (the "chart" format)
};

/// One result of a run, in every format the interpreter produced.
struct ExecutionResult {
    bool is_main = false;  ///< the value of the last expression, not something displayed
    /// Format name -> value: "text", "html", "markdown", "svg", "latex",
    /// "javascript" as text; "png", "jpeg", "pdf" in base64; "json", "data",
    /// "chart" as JSON text.
    std::map<std::string, std::string> formats;
    /// Every other MIME type -> value: the text itself when the interpreter
    /// sent text, else JSON text.
    std::map<std::string, std::string> extra;
    /// The chart the code drew, typed; empty if none.
    std::optional<Chart> chart;

    /// The result in `format`, if it has that format.
    std::optional<std::string> get(const std::string& format) const {
        auto found = formats.find(format);
        return found == formats.end() ? std::nullopt : std::optional<std::string>(found->second);
    }
};

/// The exception the code raised.
struct ExecutionError {
    std::string name;  ///< e.g. "ZeroDivisionError"
    std::string value;
    std::string traceback;
};

/// A chunk of output as the code wrote it.
struct OutputMessage {
    std::string text;                      ///< the bytes exactly as written (NULs kept)
    std::optional<std::string> timestamp;  ///< when: RFC 3339, as the interpreter sent it
};

/// What a run of code produced.
struct Execution {
    std::optional<std::string> text;  ///< the main result's text (the last expression's value)
    std::vector<ExecutionResult> results;
    std::string stdout_text;  ///< everything written to stdout: the chunks joined
    std::string stderr_text;  ///< everything written to stderr: the chunks joined
    std::vector<OutputMessage> stdout_chunks;  ///< stdout chunk by chunk, in arrival order
    std::vector<OutputMessage> stderr_chunks;  ///< stderr chunk by chunk, in arrival order
    std::optional<ExecutionError> error;
    std::optional<int32_t> execution_count;
};

/// How Files::watch_dir and Files::watch_dir_stream watch. Watching a
/// network or FUSE mount is allowed through the Files view's options
/// (FilesOptions::allow_network_mounts).
struct WatchOptions {
    bool recursive = false;      ///< subdirectories too
    bool include_entry = false;  ///< each event carries the changed entry's info
};

/// One file for Files::write_files. `data` is borrowed: keep it alive until the call returns.
struct WriteEntry {
    std::string path;
    ByteView data;
};

// ---- callbacks ----

/// Receives progress: `done` bytes of `total` (0 when unknown).
using ProgressFn = std::function<void(uint64_t done, uint64_t total)>;
/// Where a directory transfer stands, for a progress bar that names the file in flight.
struct DirProgress {
    std::string_view path;  ///< the file in flight: its path in the sandbox (valid for the call)
    size_t index;           ///< its place among the tree's files, from 0
    size_t count;           ///< how many files the tree has
    uint64_t done;          ///< bytes moved so far, of the whole tree
    uint64_t total;         ///< bytes of the whole tree
};
/// Receives a directory transfer's progress, as each file starts and as its bytes move.
using DirProgressFn = std::function<void(const DirProgress& progress)>;
/// Receives a chunk of a file, borrowed for the call.
using DataFn = std::function<void(ByteView chunk)>;
/// Supplies data: fills up to `capacity` bytes at `buffer` and returns how many, 0 at the end.
using ReadFn = std::function<size_t(uint8_t* buffer, size_t capacity)>;
/// Receives a chunk of a command's output, borrowed for the call (bytes, not whole lines).
using OutputFn = std::function<void(Stream stream, ByteView chunk)>;
/// Receives a watch event; returns false to end the watch.
using EventFn = std::function<bool(const FsEvent& event)>;

/// What Sandbox::run_code passes on as it arrives; any may be empty.
struct ExecutionCallbacks {
    std::function<void(const OutputMessage& chunk)> on_stdout;
    std::function<void(const OutputMessage& chunk)> on_stderr;
    std::function<void(const ExecutionResult& result)> on_result;
    std::function<void(const ExecutionError& error)> on_error;  ///< traceback included
};

namespace detail {

template <typename T, void (*Free)(T*)>
struct Deleter {
    void operator()(T* object) const noexcept { Free(object); }
};

/// A C object this side owns.
template <typename T, void (*Free)(T*)>
using Owned = std::unique_ptr<T, Deleter<T, Free>>;

using OwnedError = Owned<e2b_error, e2b_error_free>;

/// Bytes the C library hands over, released on scope exit.
struct OwnedBytes {
    e2b_bytes bytes{nullptr, 0};
    OwnedBytes() = default;
    OwnedBytes(const OwnedBytes&) = delete;
    OwnedBytes& operator=(const OwnedBytes&) = delete;
    ~OwnedBytes() { e2b_bytes_dispose(&bytes); }
    std::vector<uint8_t> vector() const { return {bytes.data, bytes.data + bytes.len}; }
    std::string string() const { return {reinterpret_cast<const char*>(bytes.data), bytes.len}; }
};

/// Throws the exception for `code`, with what `err` (may be NULL) says.
[[noreturn]] inline void throw_error(e2b_error_code code, const e2b_error* err) {
    ErrorDetails details;
    if (err) {
        code = e2b_error_code_of(err);
        details.http_status = e2b_error_http_status(err);
        details.retry_after = std::chrono::milliseconds(static_cast<int64_t>(
            std::min<uint64_t>(e2b_error_retry_after_ms(err), static_cast<uint64_t>(INT64_MAX))));
        details.callback_value = e2b_error_callback_value(err);
    }
    throw_for(static_cast<ErrorCode>(code), e2b_error_message(err), details);
}

/// Calls the C function `fn` with `args` and an error out-parameter; throws on failure.
template <typename Fn, typename... Args>
void call(Fn fn, Args... args) {
    e2b_error* err = nullptr;
    const e2b_error_code code = fn(args..., &err);
    const OwnedError owned(err);
    if (code != E2B_OK) {
        throw_error(code, err);
    }
}

/// `object`, the C object of a handle; throws e2b::NullArgument if the
/// handle was moved from (getters, which cannot fail in C, call this first).
template <typename T>
T* live(T* object) {
    if (!object) {
        throw NullArgument("e2b: the object was moved from");
    }
    return object;
}

/// `duration` for the C API: whole milliseconds, E2B_TIMEOUT_NONE for
/// e2b::timeout_none. Throws std::invalid_argument for a negative one.
inline uint64_t millis(std::chrono::milliseconds duration) {
    if (duration == timeout_none) {
        return E2B_TIMEOUT_NONE;
    }
    if (duration.count() < 0) {
        throw std::invalid_argument("e2b: a duration must not be negative");
    }
    return static_cast<uint64_t>(duration.count());
}

inline std::string string(const char* text) { return text ? text : ""; }

inline std::string_view view(const char* text) { return text ? text : ""; }

inline std::optional<std::string> optional_string(const char* text) {
    return text ? std::optional<std::string>(text) : std::nullopt;
}

/// Creates its C builder on the first setting, so an untouched builder is
/// NULL to the C API, which means the defaults.
template <typename T, T* (*New)(), void (*Free)(T*)>
class Builder {
public:
    /// The C object; NULL while no setting was made.
    const T* raw() const noexcept { return object_.get(); }

protected:
    T* get() {
        if (!object_) {
            object_.reset(New());
            if (!object_) {
                throw std::bad_alloc();
            }
        }
        return object_.get();
    }

private:
    Owned<T, Free> object_;
};

/// What a trampoline returns to stop the C call: a C++ callback threw (the
/// exception is rethrown), or a watch callback returned false (a normal end).
constexpr int32_t callback_threw = 1;
constexpr int32_t callback_stopped = 2;

/// The user_data of a C call that takes callbacks: the C++ callbacks, and
/// the first exception one of them threw. That exception stops the
/// operation (the trampoline returns callback_threw) and is rethrown by call().
struct Callbacks {
    const ProgressFn* progress = nullptr;
    const DirProgressFn* dir_progress = nullptr;
    const DataFn* on_data = nullptr;
    const ReadFn* read = nullptr;
    const OutputFn* on_output = nullptr;
    const EventFn* on_event = nullptr;
    const ExecutionCallbacks* on_execution = nullptr;
    std::exception_ptr error;

    /// Runs `f`; false if it threw (or an earlier callback did).
    template <typename F>
    bool run(F&& f) noexcept {
        if (error) {
            return false;
        }
        try {
            f();
            return true;
        } catch (...) {
            error = std::current_exception();
            return false;
        }
    }

    /// Calls `fn` like detail::call, but rethrows what a callback threw, and
    /// takes CALLBACK_ABORTED after a watch callback returned false as success.
    template <typename Fn, typename... Args>
    void call(Fn fn, Args... args) {
        e2b_error* err = nullptr;
        const e2b_error_code code = fn(args..., &err);
        const OwnedError owned(err);
        if (error) {
            std::rethrow_exception(error);
        }
        if (code != E2B_OK &&
            !(code == E2B_ERR_CALLBACK_ABORTED && e2b_error_callback_value(err) == callback_stopped)) {
            throw_error(code, err);
        }
    }

    static Callbacks& of(void* user_data) { return *static_cast<Callbacks*>(user_data); }
};

/// The C progress callback: a ProgressFn, or NULL for none.
inline e2b_progress_cb progress_cb(const ProgressFn& progress) {
    if (!progress) {
        return nullptr;
    }
    return [](void* user_data, uint64_t done, uint64_t total) -> int32_t {
        auto& callbacks = Callbacks::of(user_data);
        return callbacks.run([&] { (*callbacks.progress)(done, total); }) ? 0 : callback_threw;
    };
}

/// The C directory progress callback: a DirProgressFn, or NULL for none.
inline e2b_dir_progress_cb dir_progress_cb(const DirProgressFn& progress) {
    if (!progress) {
        return nullptr;
    }
    return [](void* user_data, const e2b_dir_progress* p) -> int32_t {
        auto& callbacks = Callbacks::of(user_data);
        return callbacks.run([&] {
            (*callbacks.dir_progress)(DirProgress{view(p->path), p->index, p->count, p->done, p->total});
        })
                   ? 0
                   : callback_threw;
    };
}

inline int32_t data_cb(void* user_data, const uint8_t* data, size_t len) {
    auto& callbacks = Callbacks::of(user_data);
    return callbacks.run([&] { (*callbacks.on_data)(ByteView(data, len)); }) ? 0 : callback_threw;
}

inline int64_t read_cb(void* user_data, uint8_t* buffer, size_t capacity) {
    auto& callbacks = Callbacks::of(user_data);
    size_t filled = 0;
    if (!callbacks.run([&] { filled = std::min((*callbacks.read)(buffer, capacity), capacity); })) {
        return -1;
    }
    return static_cast<int64_t>(filled);
}

/// The C output callback: an OutputFn, or NULL for none.
inline e2b_output_cb output_cb(const OutputFn& on_output) {
    if (!on_output) {
        return nullptr;
    }
    return [](void* user_data, e2b_stream stream, const uint8_t* data, size_t len) -> int32_t {
        auto& callbacks = Callbacks::of(user_data);
        return callbacks.run([&] { (*callbacks.on_output)(static_cast<Stream>(stream), ByteView(data, len)); })
                   ? 0
                   : callback_threw;
    };
}

/// An entry from its fields, read in one call (e2b_entry_fields).
inline EntryInfo entry_info(const e2b_entry_fields& fields) {
    EntryInfo info;
    info.name = string(fields.name);
    info.path = string(fields.path);
    info.type = static_cast<FileType>(fields.file_type);
    info.size = fields.size;
    info.mode = fields.mode;
    info.permissions = string(fields.permissions);
    info.owner = string(fields.owner);
    info.group = string(fields.group);
    info.modified_time = optional_string(fields.modified_time);
    info.symlink_target = optional_string(fields.symlink_target);
    for (size_t i = 0; i < fields.metadata_len; ++i) {
        info.metadata.emplace(string(fields.metadata[i].key), string(fields.metadata[i].value));
    }
    return info;
}

inline EntryInfo entry_info(const e2b_entry_info* entry) { return entry_info(*e2b_entry_info_fields(entry)); }

inline FsEvent fs_event(const e2b_fs_event* event) {
    FsEvent copy;
    copy.type = static_cast<EventType>(e2b_fs_event_type(event));
    copy.name = string(e2b_fs_event_name(event));
    if (const e2b_entry_info* entry = e2b_fs_event_entry(event)) {
        copy.entry = entry_info(entry);
    }
    return copy;
}

inline std::vector<FsEvent> fs_events(const e2b_fs_event_list* list) {
    std::vector<FsEvent> events;
    for (size_t i = 0, n = e2b_fs_event_list_len(list); i < n; ++i) {
        events.push_back(fs_event(e2b_fs_event_list_get(list, i)));
    }
    return events;
}

inline int32_t fs_event_cb(void* user_data, const e2b_fs_event* event) {
    auto& callbacks = Callbacks::of(user_data);
    bool go_on = true;
    if (!callbacks.run([&] { go_on = (*callbacks.on_event)(fs_event(event)); })) {
        return callback_threw;
    }
    return go_on ? 0 : callback_stopped;
}

/// A sandbox info from its fields, read in one call (e2b_sandbox_fields).
inline SandboxInfo sandbox_info(const e2b_sandbox_fields& fields) {
    SandboxInfo copy;
    copy.sandbox_id = string(fields.sandbox_id);
    copy.template_id = string(fields.template_id);
    copy.alias = optional_string(fields.alias);
    copy.started_at = string(fields.started_at);
    copy.end_at = string(fields.end_at);
    copy.envd_version = string(fields.envd_version);
    copy.state = static_cast<SandboxState>(fields.state);
    copy.cpu_count = fields.cpu_count;
    copy.memory_mb = fields.memory_mb;
    copy.disk_size_mb = fields.disk_size_mb;
    for (size_t i = 0; i < fields.metadata_len; ++i) {
        copy.metadata.emplace(string(fields.metadata[i].key), string(fields.metadata[i].value));
    }
    if (fields.struct_size < sizeof fields) {
        return copy;  // a library older than the fields below
    }
    copy.on_timeout = static_cast<OnTimeout>(fields.on_timeout);
    copy.auto_resume = fields.auto_resume;
    copy.pause_mode = static_cast<PauseMode>(fields.pause_mode);
    copy.envd_unresponsive_at_pause = fields.envd_unresponsive_at_pause;
    if (fields.allow_internet_access >= 0) {
        copy.allow_internet_access = fields.allow_internet_access != 0;
    }
    copy.domain = optional_string(fields.domain);
    if (const e2b_sandbox_network_fields* n = fields.network) {
        SandboxInfo::Network network;
        auto strings = [](const char* const* items, size_t len) {
            std::vector<std::string> out;
            for (size_t i = 0; i < len; ++i) {
                out.push_back(string(items[i]));
            }
            return out;
        };
        network.allow_out = strings(n->allow_out, n->allow_out_len);
        network.deny_out = strings(n->deny_out, n->deny_out_len);
        if (n->dns_servers_set) {
            network.dns_servers = strings(n->dns_servers, n->dns_servers_len);
        }
        network.rules_json = string(n->rules_json);
        network.egress_proxy_address = optional_string(n->egress_proxy_address);
        network.egress_proxy_username = optional_string(n->egress_proxy_username);
        network.egress_proxy_tls = n->egress_proxy_tls;
        network.egress_proxy_tls_server_name = optional_string(n->egress_proxy_tls_server_name);
        if (n->allow_public_traffic >= 0) {
            network.allow_public_traffic = n->allow_public_traffic != 0;
        }
        network.mask_request_host = optional_string(n->mask_request_host);
        network.https_ports.assign(n->https_ports, n->https_ports + n->https_ports_len);
        copy.network = std::move(network);
    }
    return copy;
}

/// `fields` (from one call) with the volume mounts of `info`, which they describe.
inline SandboxInfo sandbox_info(const e2b_sandbox_fields& fields, const e2b_sandbox_info* info) {
    SandboxInfo copy = sandbox_info(fields);
    for (size_t i = 0, n = e2b_sandbox_info_volume_mounts_len(info); i < n; ++i) {
        copy.volume_mounts.emplace(string(e2b_sandbox_info_volume_mounts_key(info, i)),
                                   string(e2b_sandbox_info_volume_mounts_value(info, i)));
    }
    return copy;
}

inline SandboxInfo sandbox_info(const e2b_sandbox_info* info) {
    return sandbox_info(*e2b_sandbox_info_fields(info), info);
}

/// A get_metrics bound as the C API takes it: milliseconds since the epoch, 0 for none.
inline int64_t unix_millis(const TimeBound& time) {
    if (!time) return 0;
    return std::chrono::duration_cast<std::chrono::milliseconds>(time->time_since_epoch()).count();
}

/// Every sample of a metrics list, read in one call; frees the list.
inline std::vector<SandboxMetrics> metrics_list(e2b_metrics_list* raw) {
    const Owned<e2b_metrics_list, e2b_metrics_list_free> list(raw);
    size_t n = 0;
    const e2b_metrics_fields* const* fields = e2b_metrics_list_fields(raw, &n);
    std::vector<SandboxMetrics> samples;
    samples.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        SandboxMetrics sample;
        sample.timestamp = std::chrono::system_clock::time_point(
            std::chrono::duration_cast<std::chrono::system_clock::duration>(
                std::chrono::milliseconds(fields[i]->timestamp_unix_ms)));
        sample.cpu_count = fields[i]->cpu_count;
        sample.cpu_used_pct = fields[i]->cpu_used_pct;
        sample.mem_used = fields[i]->mem_used;
        sample.mem_total = fields[i]->mem_total;
        sample.mem_cache = fields[i]->mem_cache;
        sample.disk_used = fields[i]->disk_used;
        sample.disk_total = fields[i]->disk_total;
        samples.push_back(sample);
    }
    return samples;
}

inline ChartValue chart_value(const e2b_chart_value& value) {
    return {optional_string(value.text), value.number};
}

inline Chart chart(const e2b_chart_fields& f) {
    Chart c;
    c.type = static_cast<ChartType>(f.chart_type);
    c.title = optional_string(f.title);
    c.x_label = optional_string(f.x_label);
    c.y_label = optional_string(f.y_label);
    c.x_unit = optional_string(f.x_unit);
    c.y_unit = optional_string(f.y_unit);
    for (size_t i = 0; i < f.x_ticks_len; ++i) c.x_ticks.push_back(chart_value(f.x_ticks[i]));
    for (size_t i = 0; i < f.y_ticks_len; ++i) c.y_ticks.push_back(chart_value(f.y_ticks[i]));
    for (size_t i = 0; i < f.x_tick_labels_len; ++i) c.x_tick_labels.push_back(string(f.x_tick_labels[i]));
    for (size_t i = 0; i < f.y_tick_labels_len; ++i) c.y_tick_labels.push_back(string(f.y_tick_labels[i]));
    c.x_scale = static_cast<ScaleType>(f.x_scale);
    c.y_scale = static_cast<ScaleType>(f.y_scale);
    size_t n = f.elements_len;
    if (f.points) {
        for (size_t i = 0; i < n; ++i) {
            PointData data{string(f.points[i].label), {}};
            for (size_t j = 0; j < f.points[i].points_len; ++j) {
                const e2b_chart_point& point = f.points[i].points[j];
                data.points.emplace_back(chart_value(point.x), chart_value(point.y));
            }
            c.points.push_back(std::move(data));
        }
    }
    if (f.bars) {
        for (size_t i = 0; i < n; ++i) c.bars.push_back({string(f.bars[i].label), string(f.bars[i].group), f.bars[i].value});
    }
    if (f.pie) {
        for (size_t i = 0; i < n; ++i) c.pie.push_back({string(f.pie[i].label), f.pie[i].angle, f.pie[i].radius});
    }
    if (f.box_and_whisker) {
        for (size_t i = 0; i < n; ++i) {
            const e2b_box_and_whisker_data& b = f.box_and_whisker[i];
            BoxAndWhiskerData data{string(b.label), b.min, b.first_quartile, b.median, b.third_quartile, b.max, {}};
            if (b.outliers) data.outliers.assign(b.outliers, b.outliers + b.outliers_len);
            c.box_and_whisker.push_back(std::move(data));
        }
    }
    if (f.charts) {
        for (size_t i = 0; i < n; ++i) c.charts.push_back(chart(*f.charts[i]));
    }
    c.elements_json = optional_string(f.elements_json);
    c.json = string(f.json);
    return c;
}

inline ExecutionResult execution_result(const e2b_execution_result* result) {
    ExecutionResult copy;
    copy.is_main = e2b_execution_result_is_main(result);
    for (size_t i = 0, n = e2b_execution_result_formats_len(result); i < n; ++i) {
        const char* name = e2b_execution_result_formats_key(result, i);
        copy.formats.emplace(string(name), string(e2b_execution_result_formats_get(result, name)));
    }
    for (size_t i = 0, n = e2b_execution_result_extras_len(result); i < n; ++i) {
        copy.extra.emplace(string(e2b_execution_result_extras_key(result, i)),
                           string(e2b_execution_result_extras_value(result, i)));
    }
    if (const e2b_chart_fields* fields = e2b_execution_result_chart(result)) copy.chart = chart(*fields);
    return copy;
}

inline OutputMessage output_message(const e2b_execution* run, e2b_stream stream, size_t index) {
    size_t len = 0;
    const uint8_t* data = e2b_execution_chunks_get(run, stream, index, &len);
    return {data ? std::string(reinterpret_cast<const char*>(data), len) : std::string(),
            optional_string(e2b_execution_chunks_timestamp(run, stream, index))};
}

/// The chunks of `stream` in `chunks`, and all of them joined in `joined`.
inline void output_messages(const e2b_execution* run, e2b_stream stream, std::vector<OutputMessage>& chunks,
                            std::string& joined) {
    for (size_t i = 0, n = e2b_execution_chunks_len(run, stream); i < n; ++i) {
        chunks.push_back(output_message(run, stream, i));
        joined += chunks.back().text;
    }
}

inline std::optional<ExecutionError> execution_error(const e2b_execution* run) {
    const char* name = e2b_execution_error_name(run);
    if (!name) {
        return std::nullopt;
    }
    return ExecutionError{name, string(e2b_execution_error_value(run)), string(e2b_execution_error_traceback(run))};
}

inline Execution execution(const e2b_execution* run) {
    Execution copy;
    copy.text = optional_string(e2b_execution_text(run));
    for (size_t i = 0, n = e2b_execution_results_len(run); i < n; ++i) {
        copy.results.push_back(execution_result(e2b_execution_results_get(run, i)));
    }
    output_messages(run, E2B_STREAM_STDOUT, copy.stdout_chunks, copy.stdout_text);
    output_messages(run, E2B_STREAM_STDERR, copy.stderr_chunks, copy.stderr_text);
    copy.error = execution_error(run);
    const int32_t count = e2b_execution_count(run);
    if (count >= 0) {
        copy.execution_count = count;
    }
    return copy;
}

inline int32_t execution_cb(void* user_data, e2b_execution_output output, const e2b_execution* run,
                            size_t index) {
    auto& callbacks = Callbacks::of(user_data);
    const ExecutionCallbacks& on = *callbacks.on_execution;
    return callbacks.run([&] {
        switch (output) {
            case E2B_EXECUTION_STDOUT:
                if (on.on_stdout) on.on_stdout(output_message(run, E2B_STREAM_STDOUT, index));
                break;
            case E2B_EXECUTION_STDERR:
                if (on.on_stderr) on.on_stderr(output_message(run, E2B_STREAM_STDERR, index));
                break;
            case E2B_EXECUTION_RESULT:
                if (on.on_result) on.on_result(execution_result(e2b_execution_results_get(run, index)));
                break;
            case E2B_EXECUTION_ERROR:
                if (on.on_error) on.on_error(execution_error(run).value_or(ExecutionError{}));
                break;
        }
    }) ? 0 : callback_threw;
}

inline CodeContext code_context(const e2b_code_context* context) {
    return {string(e2b_code_context_id(context)), string(e2b_code_context_language(context)),
            string(e2b_code_context_cwd(context))};
}

}  // namespace detail

/// For calls to e2b.h directly (through raw()): takes `err` (may be NULL),
/// releases it, and throws the exception for `code` unless it is E2B_OK.
///   e2b_error* err = nullptr;
///   e2b::check(e2b_files_remove(sandbox.raw(), "/tmp/x", nullptr, nullptr, &err), err);
inline void check(e2b_error_code code, e2b_error* err) {
    const detail::OwnedError owned(err);
    if (code != E2B_OK) {
        detail::throw_error(code, err);
    }
}

// ---- logging ----

/// Receives one log line of the library: its level, the library module it
/// comes from ("e2b::http") and the message.
using LogFn = std::function<void(LogLevel level, std::string_view target, std::string_view message)>;

namespace detail {
inline void log_cb(void* user_data, e2b_log_level level, const char* target, const char* message) noexcept {
    try {
        (*static_cast<const LogFn*>(user_data))(static_cast<LogLevel>(level), target, message);
    } catch (...) {
        // A log function's exception has nowhere to go: it is dropped.
    }
}
}  // namespace detail

/// Sends the library's log lines up to `level` to `fn`, for the whole
/// process: one LogLevel::Debug line per HTTP request (what, method, URL,
/// status, time, bytes), one LogLevel::Info line per retry. An empty `fn` or
/// LogLevel::Off stops them. `fn` runs on whichever thread logs, possibly
/// several at once, and must not call into the library. No line holds the
/// API key, an access token, a header value or a signed URL's signature.
/// Without a callback, E2B_LOG=debug (or info, ...) makes the library write
/// its lines to stderr.
inline void set_log_callback(LogLevel level, LogFn fn) {
    static std::mutex mutex;
    static std::unique_ptr<const LogFn> current;
    const std::lock_guard<std::mutex> lock(mutex);
    auto next = fn && level != LogLevel::Off ? std::make_unique<const LogFn>(std::move(fn)) : nullptr;
    e2b_error* err = nullptr;
    const e2b_error_code code =
        e2b_set_log_callback(static_cast<int32_t>(next ? level : LogLevel::Off), next ? detail::log_cb : nullptr,
                             const_cast<LogFn*>(next.get()), &err);
    check(code, err);
    // The library no longer calls the old function once it holds the new one.
    current = std::move(next);
}

// ---- option builders ----
//
// Each setter returns the builder, so settings chain, on a temporary within
// the call or on a variable (builders are move-only, so a chain's result
// cannot initialize a variable):
//   client.create_sandbox(e2b::SandboxOptions().template_name("base").timeout(60s));
//   e2b::SandboxOptions options;
//   options.timeout(60s).metadata("team", "data");
// A default-constructed builder means the defaults. Setters throw on an
// invalid value (e2b::InvalidUtf8, e2b::InvalidArgument).

/// Connection settings for a Client. New options hold the defaults
/// overridden by the environment (E2B_API_KEY, E2B_DOMAIN, E2B_API_URL,
/// E2B_SANDBOX_URL, E2B_DEBUG).
class ClientOptions : public detail::Builder<e2b_client_options, e2b_client_options_new, e2b_client_options_free> {
public:
    /// The API key, sent as X-API-KEY.
    ClientOptions& api_key(StringArg key) {
        detail::call(e2b_client_options_set_api_key, get(), key.c_str());
        return *this;
    }
    /// The domain (default "e2b.app").
    ClientOptions& domain(StringArg domain) {
        detail::call(e2b_client_options_set_domain, get(), domain.c_str());
        return *this;
    }
    /// The control plane's URL (default "https://api.<domain>").
    ClientOptions& api_url(StringArg url) {
        detail::call(e2b_client_options_set_api_url, get(), url.c_str());
        return *this;
    }
    /// One URL through which every sandbox is reached, routed by headers (as E2B_SANDBOX_URL).
    ClientOptions& sandbox_url(StringArg url) {
        detail::call(e2b_client_options_set_sandbox_url, get(), url.c_str());
        return *this;
    }
    /// Adds a header sent with every control-plane request.
    ClientOptions& header(StringArg name, StringArg value) {
        detail::call(e2b_client_options_add_header, get(), name.c_str(), value.c_str());
        return *this;
    }
    /// Debug mode (as E2B_DEBUG).
    ClientOptions& debug(bool on) {
        detail::call(e2b_client_options_set_debug, get(), on);
        return *this;
    }
    /// The deadline of each request (zero: the default, 60 s; e2b::timeout_none: none).
    ClientOptions& request_timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_client_options_set_request_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
    /// How many times a failed control-plane request is retried when that is safe (default 3; 0: never).
    ClientOptions& max_retries(uint32_t retries) {
        detail::call(e2b_client_options_set_max_retries, get(), retries);
        return *this;
    }
};

/// Every IPv4 address, the SDKs' ALL_TRAFFIC: deny it (NetworkOptions::deny_out)
/// to block all egress but the allow list.
inline constexpr const char* all_traffic = E2B_ALL_TRAFFIC;

/// What a sandbox may reach and how its ports are reached (the SDKs'
/// `network`): for SandboxOptions::network at create, and for
/// Sandbox::update_network, which takes the egress settings only (and
/// allow_internet_access; an ingress setting throws e2b::InvalidArgument).
/// A setting never made is not sent: at create the server's default
/// applies, on update it is cleared (replace semantics).
class NetworkOptions
    : public detail::Builder<e2b_network_options, e2b_network_options_new, e2b_network_options_free> {
public:
    /// Adds a CIDR, IP or domain ("*.example.com") the sandbox may reach;
    /// allow entries beat deny entries. A domain needs all_traffic denied.
    NetworkOptions& allow_out(StringArg entry) {
        detail::call(e2b_network_options_add_allow_out, get(), entry.c_str());
        return *this;
    }
    /// Adds a CIDR or IP (no domains) the sandbox may not reach; all_traffic for everything.
    NetworkOptions& deny_out(StringArg entry) {
        detail::call(e2b_network_options_add_deny_out, get(), entry.c_str());
        return *this;
    }
    /// The IPv4 nameservers reachable when a domain is allowed; an empty
    /// list allows none (never called: the server's default, 8.8.8.8).
    NetworkOptions& dns_servers(const std::vector<std::string>& servers) {
        std::vector<const char*> list;
        list.reserve(servers.size());
        for (const auto& server : servers) {
            list.push_back(server.c_str());
        }
        detail::call(e2b_network_options_set_dns_servers, get(), list.empty() ? nullptr : list.data(), list.size());
        return *this;
    }
    /// Starts a new, empty rule for `host` (needed only for a host's second rule).
    NetworkOptions& rule(StringArg host) {
        detail::call(e2b_network_options_add_rule, get(), host.c_str());
        return *this;
    }
    /// Sets the header `name` to `value` in the requests to `host` (an exact
    /// name or a "*." wildcard), in its last rule (made if it has none).
    /// Values may hold ${e2b.secrets.<name>} placeholders. A rule does not open egress.
    NetworkOptions& rule_header(StringArg host, StringArg name, StringArg value) {
        detail::call(e2b_network_options_add_rule_header, get(), host.c_str(), name.c_str(), value.c_str());
        return *this;
    }
    /// Sends outbound TCP through the SOCKS5 proxy at `address` ("host:port");
    /// empty username/password are left out; with `tls`, a non-empty
    /// `server_name` and `ca_cert` (PEM) may be given. Throws
    /// e2b::InvalidArgument (server_name or ca_cert without tls).
    NetworkOptions& egress_proxy(StringArg address, const std::string& username = {},
                                 const std::string& password = {}, bool tls = false,
                                 const std::string& server_name = {}, const std::string& ca_cert = {}) {
        auto opt = [](const std::string& text) { return text.empty() ? nullptr : text.c_str(); };
        detail::call(e2b_network_options_set_egress_proxy, get(), address.c_str(), opt(username), opt(password), tls,
                     opt(server_name), opt(ca_cert));
        return *this;
    }
    /// false makes the sandbox's ports (not envd's) require its traffic access token. Create only.
    NetworkOptions& allow_public_traffic(bool allow) {
        detail::call(e2b_network_options_set_allow_public_traffic, get(), allow);
        return *this;
    }
    /// The Host header of proxied requests to the sandbox's ports ("${PORT}": the port). Create only.
    NetworkOptions& mask_request_host(StringArg host) {
        detail::call(e2b_network_options_set_mask_request_host, get(), host.c_str());
        return *this;
    }
    /// Adds a port whose service in the sandbox speaks TLS. Create only.
    NetworkOptions& https_port(uint16_t port) {
        detail::call(e2b_network_options_add_https_port, get(), port);
        return *this;
    }
    /// false denies all egress but the allow list (at create: the sandbox
    /// options' allow_internet_access).
    NetworkOptions& allow_internet_access(bool allow) {
        detail::call(e2b_network_options_set_allow_internet_access, get(), allow);
        return *this;
    }
};

/// How to create a sandbox. New options mean the "base" template for 300
/// seconds, secure, killed at the timeout.
class SandboxOptions
    : public detail::Builder<e2b_sandbox_options, e2b_sandbox_options_new, e2b_sandbox_options_free> {
public:
    /// The template, by name or id (default "base"), or a snapshot's id or
    /// name (SnapshotInfo::snapshot_id) to start from the snapshot.
    SandboxOptions& template_name(StringArg name) {
        detail::call(e2b_sandbox_options_set_template, get(), name.c_str());
        return *this;
    }
    /// How long the sandbox lives, rounded up to whole seconds (zero: the
    /// default, 300 s); then it is killed, or paused with auto_pause.
    /// Throws e2b::InvalidArgument for e2b::timeout_none (E2B requires a limit).
    SandboxOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_sandbox_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
    /// Adds (or replaces) one metadata entry.
    SandboxOptions& metadata(StringArg key, StringArg value) {
        detail::call(e2b_sandbox_options_set_metadata, get(), key.c_str(), value.c_str());
        return *this;
    }
    /// Adds (or replaces) an environment variable for everything run in the sandbox.
    SandboxOptions& env(StringArg name, StringArg value) {
        detail::call(e2b_sandbox_options_set_env, get(), name.c_str(), value.c_str());
        return *this;
    }
    /// Whether envd requires the sandbox's access token (default true).
    SandboxOptions& secure(bool secure) {
        detail::call(e2b_sandbox_options_set_secure, get(), secure);
        return *this;
    }
    /// Whether the sandbox may reach the internet (default: the server's, yes).
    SandboxOptions& allow_internet_access(bool allow) {
        detail::call(e2b_sandbox_options_set_allow_internet_access, get(), allow);
        return *this;
    }
    /// What happens when the timeout passes (the official SDKs'
    /// lifecycle on_timeout), and what a pause then keeps (only with
    /// OnTimeout::Pause). Throws e2b::InvalidArgument. auto_resume() needs a
    /// pause, not PauseMode::Filesystem: create_sandbox throws
    /// e2b::InvalidArgument otherwise.
    SandboxOptions& on_timeout(OnTimeout action, PauseMode mode = PauseMode::Default) {
        detail::call(e2b_sandbox_options_set_on_timeout, get(), static_cast<int32_t>(action),
                     static_cast<int32_t>(mode));
        return *this;
    }
    /// Pause instead of kill when the timeout passes (default false): on_timeout(OnTimeout::Pause).
    SandboxOptions& auto_pause(bool on) {
        detail::call(e2b_sandbox_options_set_auto_pause, get(), on);
        return *this;
    }
    /// Let traffic to the paused sandbox resume it (needs auto_pause).
    SandboxOptions& auto_resume(bool on) {
        detail::call(e2b_sandbox_options_set_auto_resume, get(), on);
        return *this;
    }
    /// The key that makes the create safe to retry (1 to 255 of a-z, 0-9 and
    /// '-'; default: a random key per call): a repeated key gets the sandbox
    /// made the first time.
    SandboxOptions& idempotency_key(StringArg key) {
        detail::call(e2b_sandbox_options_set_idempotency_key, get(), key.c_str());
        return *this;
    }
    /// Mounts the volume named `volume_name` (Volume::name) at the absolute `path`.
    SandboxOptions& volume_mount(StringArg path, StringArg volume_name) {
        detail::call(e2b_sandbox_options_set_volume_mount, get(), path.c_str(), volume_name.c_str());
        return *this;
    }
    /// The sandbox's network (copied; see NetworkOptions).
    SandboxOptions& network(const NetworkOptions& network) {
        detail::call(e2b_sandbox_options_set_network, get(), network.raw());
        return *this;
    }
};

/// Which sandboxes Client::list returns. New, it matches every running and paused sandbox.
class SandboxQuery : public detail::Builder<e2b_sandbox_query, e2b_sandbox_query_new, e2b_sandbox_query_free> {
public:
    /// Adds a state to match; with none added, both match.
    SandboxQuery& state(SandboxState state) {
        detail::call(e2b_sandbox_query_add_state, get(), static_cast<int32_t>(state));
        return *this;
    }
    /// Matches only sandboxes whose metadata has `key` set to `value` (every such pair must match).
    SandboxQuery& metadata(StringArg key, StringArg value) {
        detail::call(e2b_sandbox_query_add_metadata, get(), key.c_str(), value.c_str());
        return *this;
    }
    /// Matches only sandboxes of this template (an id or name; a ":tag" is
    /// refused by the API with e2b::InvalidArgument).
    SandboxQuery& template_name(StringArg name) {
        detail::call(e2b_sandbox_query_set_template, get(), name.c_str());
        return *this;
    }
    /// Matches only sandboxes started at or after `time`, RFC 3339 text (the
    /// form of SandboxInfo::started_at).
    SandboxQuery& started_after(StringArg time) {
        detail::call(e2b_sandbox_query_set_started_after, get(), time.c_str());
        return *this;
    }
    /// By start time: ListOrder::Desc (newest first, the default) or ListOrder::Asc.
    SandboxQuery& order(ListOrder order) {
        detail::call(e2b_sandbox_query_set_order, get(), static_cast<int32_t>(order));
        return *this;
    }
    /// The page size, 1 to 100 (0: the server's default, 100).
    SandboxQuery& limit(uint32_t limit) {
        detail::call(e2b_sandbox_query_set_limit, get(), limit);
        return *this;
    }
    /// Continues where the page with this SandboxPage::next_token ended.
    SandboxQuery& next_token(StringArg token) {
        detail::call(e2b_sandbox_query_set_next_token, get(), token.c_str());
        return *this;
    }
};

/// A snapshot (Sandbox::create_snapshot, Client::list_snapshots).
struct SnapshotInfo {
    /// What SandboxOptions::template_name takes to start a sandbox from it:
    /// "<namespace>/<name>:<tag>" when named, else "<template id>:<tag>".
    std::string snapshot_id;
    /// The full names (namespace included) of its template; none when unnamed.
    std::vector<std::string> names;
};

/// One page of Client::list_snapshots.
struct SnapshotPage {
    /// The snapshots on the page, newest first.
    std::vector<SnapshotInfo> snapshots;
    /// Pass to SnapshotQuery::next_token for the next page; empty on the last.
    std::optional<std::string> next_token;
};

/// How to take a snapshot. New options make an unnamed snapshot of the
/// server's default mode (full).
class SnapshotOptions
    : public detail::Builder<e2b_snapshot_options, e2b_snapshot_options_new, e2b_snapshot_options_free> {
public:
    /// Names the snapshot's template, optionally with a tag ("my-env",
    /// "my-env:v2"); a name that exists gets a new build.
    SnapshotOptions& name(StringArg name) {
        detail::call(e2b_snapshot_options_set_name, get(), name.c_str());
        return *this;
    }
    /// What the snapshot keeps.
    SnapshotOptions& mode(SnapshotMode mode) {
        detail::call(e2b_snapshot_options_set_mode, get(), static_cast<int32_t>(mode));
        return *this;
    }
};

/// Which snapshots Client::list_snapshots returns. New, it matches all of the team's.
class SnapshotQuery : public detail::Builder<e2b_snapshot_query, e2b_snapshot_query_new, e2b_snapshot_query_free> {
public:
    /// Matches only the snapshots taken of the sandbox `id`.
    SnapshotQuery& sandbox_id(StringArg id) {
        detail::call(e2b_snapshot_query_set_sandbox_id, get(), id.c_str());
        return *this;
    }
    /// Matches only the snapshots of `name` (bare: every tag; "name:tag": that one).
    SnapshotQuery& name(StringArg name) {
        detail::call(e2b_snapshot_query_set_name, get(), name.c_str());
        return *this;
    }
    /// The page size, 1 to 100 (0: the server's default, 100).
    SnapshotQuery& limit(uint32_t limit) {
        detail::call(e2b_snapshot_query_set_limit, get(), limit);
        return *this;
    }
    /// Continues where the page with this SnapshotPage::next_token ended.
    SnapshotQuery& next_token(StringArg token) {
        detail::call(e2b_snapshot_query_set_next_token, get(), token.c_str());
        return *this;
    }
};

/// How to fork a sandbox. New options ask for the API's defaults: one fork
/// that lives 15 seconds.
class ForkOptions : public detail::Builder<e2b_fork_options, e2b_fork_options_new, e2b_fork_options_free> {
public:
    /// How many forks, 1 to 20 (0: the default, 1). Throws e2b::InvalidArgument (more than 20).
    ForkOptions& count(uint32_t count) {
        detail::call(e2b_fork_options_set_count, get(), count);
        return *this;
    }
    /// How long each fork lives, rounded up to whole seconds (zero: 15 s).
    /// Throws e2b::InvalidArgument for e2b::timeout_none (a sandbox needs a limit).
    ForkOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_fork_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
};

struct ForkResult;

/// How file calls act. New options mean the sandbox's default user, no
/// compression, no metadata on written files and no watching of network mounts.
class FilesOptions : public detail::Builder<e2b_files_options, e2b_files_options_new, e2b_files_options_free> {
public:
    /// Act as `user` (e.g. "root"): files get that owner, relative paths start at that user's home.
    FilesOptions& user(StringArg user) {
        detail::call(e2b_files_options_set_user, get(), user.c_str());
        return *this;
    }
    /// Compress transfers with gzip on the wire (default false).
    FilesOptions& gzip(bool on) {
        detail::call(e2b_files_options_set_gzip, get(), on);
        return *this;
    }
    /// Add (or replace) one entry of the user metadata the writes give the
    /// files they write, kept by envd as extended attributes and read back,
    /// keys lowercased, in EntryInfo::metadata. Each write replaces all of a
    /// file's metadata; a write without any clears it. Keys must be HTTP
    /// tokens and values printable ASCII, or the writes throw
    /// e2b::InvalidArgument before sending anything.
    FilesOptions& metadata(StringArg key, StringArg value) {
        detail::call(e2b_files_options_set_metadata, get(), key.c_str(), value.c_str());
        return *this;
    }
    /// Let watches watch a directory on a network or FUSE mount, whose
    /// changes may go unreported (default false: e2b::InvalidArgument).
    FilesOptions& allow_network_mounts(bool on) {
        detail::call(e2b_files_options_set_allow_network_mounts, get(), on);
        return *this;
    }
};

/// How to run a command. New options mean the user's home as the working
/// directory, the default user, a 60-second lifetime, no stdin.
class CommandOptions
    : public detail::Builder<e2b_command_options, e2b_command_options_new, e2b_command_options_free> {
public:
    /// Adds (or replaces) an environment variable.
    CommandOptions& env(StringArg name, StringArg value) {
        detail::call(e2b_command_options_set_env, get(), name.c_str(), value.c_str());
        return *this;
    }
    /// The working directory.
    CommandOptions& cwd(StringArg cwd) {
        detail::call(e2b_command_options_set_cwd, get(), cwd.c_str());
        return *this;
    }
    /// Run as `user` (e.g. "root").
    CommandOptions& user(StringArg user) {
        detail::call(e2b_command_options_set_user, get(), user.c_str());
        return *this;
    }
    /// How long the process may live (zero: the default, 60 s; e2b::timeout_none:
    /// no limit); it is killed when this passes.
    CommandOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_command_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
    /// Keep stdin open for Command::send_stdin (default false: stdin is empty).
    CommandOptions& stdin_open(bool open) {
        detail::call(e2b_command_options_set_stdin, get(), open);
        return *this;
    }
    /// Keep the output in the CommandResult (default true); false passes it
    /// to the callback and next_output only (the SDKs' retain_output).
    CommandOptions& retain_output(bool retain) {
        detail::call(e2b_command_options_set_retain_output, get(), retain);
        return *this;
    }
};

/// A terminal's size in character cells.
struct PtySize {
    uint16_t rows = 24;
    uint16_t cols = 80;
};

/// How to start a terminal (Pty::create). New options mean the user's home,
/// the default user and a 60-second lifetime.
class PtyOptions : public detail::Builder<e2b_pty_options, e2b_pty_options_new, e2b_pty_options_free> {
public:
    /// Adds (or replaces) an environment variable; it overrides the terminal's
    /// defaults (TERM=xterm-256color, LANG and LC_ALL C.UTF-8).
    PtyOptions& env(StringArg name, StringArg value) {
        detail::call(e2b_pty_options_set_env, get(), name.c_str(), value.c_str());
        return *this;
    }
    /// The working directory.
    PtyOptions& cwd(StringArg cwd) {
        detail::call(e2b_pty_options_set_cwd, get(), cwd.c_str());
        return *this;
    }
    /// Run the shell as `user` (e.g. "root").
    PtyOptions& user(StringArg user) {
        detail::call(e2b_pty_options_set_user, get(), user.c_str());
        return *this;
    }
    /// How long the shell may live (zero: the default, 60 s; e2b::timeout_none: no limit).
    PtyOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_pty_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
};

/// How to attach to a running process (Commands::connect, Pty::connect).
/// New options mean no time limit and the output kept.
class ConnectOptions
    : public detail::Builder<e2b_connect_options, e2b_connect_options_new, e2b_connect_options_free> {
public:
    /// How long to follow the process (zero and e2b::timeout_none: no limit;
    /// the SDKs use 60 s); then waiting throws e2b::Timeout and the process goes on.
    ConnectOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_connect_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
    /// Keep the output in the CommandResult (default true).
    ConnectOptions& retain_output(bool retain) {
        detail::call(e2b_connect_options_set_retain_output, get(), retain);
        return *this;
    }
};

/// How to open an input stream. New options mean a 60-second stream with a
/// keepalive after 50 seconds of quiet.
class InputOptions : public detail::Builder<e2b_input_options, e2b_input_options_new, e2b_input_options_free> {
public:
    /// How long the stream may last (zero: the default, 60 s; e2b::timeout_none: no limit).
    InputOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_input_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
    /// How long the stream may be quiet before a keepalive goes out (zero: the default, 50 s).
    InputOptions& keepalive_interval(std::chrono::milliseconds interval) {
        detail::call(e2b_input_options_set_keepalive_interval_ms, get(), detail::millis(interval));
        return *this;
    }
};

/// How to run code. New options mean the default Python context and a 300-second limit.
class RunCodeOptions
    : public detail::Builder<e2b_run_code_options, e2b_run_code_options_new, e2b_run_code_options_free> {
public:
    /// Run in `language`'s default context ("python", "javascript", ...); not with context_id.
    RunCodeOptions& language(StringArg language) {
        detail::call(e2b_run_code_options_set_language, get(), language.c_str());
        return *this;
    }
    /// Run in the context `id` (from Sandbox::create_code_context).
    RunCodeOptions& context_id(StringArg id) {
        detail::call(e2b_run_code_options_set_context_id, get(), id.c_str());
        return *this;
    }
    /// Sets an environment variable for this run only.
    RunCodeOptions& env(StringArg name, StringArg value) {
        detail::call(e2b_run_code_options_set_env, get(), name.c_str(), value.c_str());
        return *this;
    }
    /// How long the run may take, the wait for a context busy with another run
    /// included (zero: the default, 300 s; e2b::timeout_none: no limit).
    RunCodeOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_run_code_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
};

// ---- handles ----

/// A file being read piece by piece (Files::open_read). Destroying it closes the transfer.
class FileReader {
public:
    /// Reads up to `capacity` bytes into `buffer`; returns how many, 0 at the end of the file.
    /// Throws e2b::Timeout or e2b::NetworkError if the transfer broke off. A
    /// cancelled read closes the transfer: later reads fail (perhaps after
    /// returning data already received).
    size_t read(uint8_t* buffer, size_t capacity, CancelArg cancel = {}) {
        size_t read = 0;
        detail::call(e2b_file_reader_read, reader_.get(), buffer, capacity, &read, cancel.raw());
        return read;
    }

    /// The C object, still owned by this reader.
    e2b_file_reader* raw() const noexcept { return reader_.get(); }

private:
    friend class Files;
    explicit FileReader(e2b_file_reader* reader) : reader_(reader) {}
    detail::Owned<e2b_file_reader, e2b_file_reader_free> reader_;
};

/// A directory watch kept by the sandbox, polled for events. Destroying it
/// stops it, in the background: the destructor never waits for the network.
class Watch {
public:
    /// The watch's id.
    std::string id() const { return detail::string(e2b_watch_id(detail::live(watch_.get()))); }

    /// The events since the last poll, oldest first (possibly none).
    /// Throws e2b::InvalidArgument once stopped, e2b::NotFound if the sandbox forgot the watch.
    std::vector<FsEvent> get_new_events(CancelArg cancel = {}) const {
        e2b_fs_event_list* list = nullptr;
        detail::call(e2b_watch_get_new_events, watch_.get(), &list, cancel.raw());
        return detail::fs_events(detail::Owned<e2b_fs_event_list, e2b_fs_event_list_free>(list).get());
    }

    /// Waits up to `timeout` for at least one event; returns what came (possibly
    /// nothing; nothing, promptly, if another thread stops the watch meanwhile).
    /// Zero asks once without waiting; e2b::timeout_none waits until an event comes.
    std::vector<FsEvent> next_events(std::chrono::milliseconds timeout, CancelArg cancel = {}) const {
        e2b_fs_event_list* list = nullptr;
        detail::call(e2b_watch_next_events, watch_.get(), detail::millis(timeout), &list, cancel.raw());
        return detail::fs_events(detail::Owned<e2b_fs_event_list, e2b_fs_event_list_free>(list).get());
    }

    /// Stops the watch; polling it afterwards fails, and a next_events() waiting
    /// in another thread returns promptly with no events. Stopping twice is
    /// harmless. A cancelled stop leaves the watcher to end with the sandbox.
    void stop(CancelArg cancel = {}) const { detail::call(e2b_watch_stop, watch_.get(), cancel.raw()); }

    /// The C object, still owned by this watch.
    e2b_watch* raw() const noexcept { return watch_.get(); }

private:
    friend class Files;
    explicit Watch(e2b_watch* watch) : watch_(watch) {}
    detail::Owned<e2b_watch, e2b_watch_free> watch_;
};

/// How a command ended: its exit code and all its output, as bytes.
class CommandResult {
public:
    /// The exit code; -1 when a signal ended the process.
    int32_t exit_code() const { return e2b_command_result_exit_code(detail::live(result_.get())); }

    /// Everything the command wrote to stdout.
    std::vector<uint8_t> stdout_bytes() const {
        size_t len = 0;
        const uint8_t* data = e2b_command_result_stdout(detail::live(result_.get()), &len);
        return {data, data + len};
    }

    /// Everything the command wrote to stderr.
    std::vector<uint8_t> stderr_bytes() const {
        size_t len = 0;
        const uint8_t* data = e2b_command_result_stderr(detail::live(result_.get()), &len);
        return {data, data + len};
    }

    /// envd's description of an abnormal end (e.g. "exit status 1"); none when it succeeded.
    std::optional<std::string> error() const {
        return detail::optional_string(e2b_command_result_error(detail::live(result_.get())));
    }

    /// Throws e2b::CommandExit (with the exit code and the end of stderr in
    /// the message) unless the command exited with 0.
    void check() const { detail::call(e2b_command_result_check, result_.get()); }

    /// The C object, still owned by this result.
    const e2b_command_result* raw() const noexcept { return result_.get(); }

private:
    friend class Command;
    friend class Commands;
    friend class Git;
    explicit CommandResult(e2b_command_result* result) : result_(result) {}
    detail::Owned<e2b_command_result, e2b_command_result_free> result_;
};

/// A chunk of a command's output.
struct OutputChunk {
    Stream stream = Stream::Stdout;
    std::vector<uint8_t> data;
};

/// What Command::next_output found: a chunk, the exit, or (both empty) nothing in time.
struct CommandEvent {
    std::optional<OutputChunk> output;
    std::optional<CommandResult> exit;  ///< once the command ended; every later call has it again
};

/// A command running in a sandbox (Commands::start or Commands::connect).
/// Destroying it stops following the command, which goes on running: kill it
/// first to end it.
class Command {
public:
    /// The process id.
    uint32_t pid() const { return e2b_command_pid(detail::live(command_.get())); }

    /// Waits for the command to end, passing output not taken yet to `on_output`.
    /// Throws e2b::Timeout when its lifetime passed (it was killed). A
    /// cancelled wait kills the command (best effort).
    CommandResult wait(const OutputFn& on_output = {}, CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.on_output = &on_output;
        e2b_command_result* result = nullptr;
        callbacks.call(e2b_command_wait, command_.get(), detail::output_cb(on_output), &callbacks, &result,
                       cancel.raw());
        return CommandResult(result);
    }

    /// Waits up to `timeout` for the next chunk of output or the exit (zero:
    /// no wait; e2b::timeout_none: until something comes). A cancelled pull
    /// keeps the output not yet taken for the next one; the command goes on.
    CommandEvent next_output(std::chrono::milliseconds timeout, CancelArg cancel = {}) const {
        int32_t stream = 0;
        detail::OwnedBytes data;
        e2b_command_result* result = nullptr;
        detail::call(e2b_command_next_output, command_.get(), detail::millis(timeout), &stream, &data.bytes, &result,
                     cancel.raw());
        CommandEvent event;
        if (result) {
            event.exit = CommandResult(result);
        } else if (stream != 0) {
            event.output = OutputChunk{static_cast<Stream>(stream), data.vector()};
        }
        return event;
    }

    /// Whether the command runs in a terminal (Pty::create, Pty::connect).
    bool is_pty() const { return e2b_command_is_pty(detail::live(command_.get())); }

    /// Writes `data` to the command's stdin (started with
    /// CommandOptions::stdin_open), or to its terminal.
    void send_stdin(ByteView data, CancelArg cancel = {}) const {
        detail::call(e2b_command_send_stdin, command_.get(), data.data(), data.size(), cancel.raw());
    }

    /// Closes the command's stdin, so it reads end-of-file.
    void close_stdin(CancelArg cancel = {}) const {
        detail::call(e2b_command_close_stdin, command_.get(), cancel.raw());
    }

    /// Kills the command; false if it had already ended.
    bool kill(CancelArg cancel = {}) const {
        bool killed = false;
        detail::call(e2b_command_kill, command_.get(), &killed, cancel.raw());
        return killed;
    }

    /// The C object, still owned by this command.
    e2b_command* raw() const noexcept { return command_.get(); }

private:
    friend class Commands;
    friend class Pty;
    explicit Command(e2b_command* command) : command_(command) {}
    detail::Owned<e2b_command, e2b_command_free> command_;
};

/// Input to a process's stdin or terminal, sent as it is written
/// (Commands::open_input, Pty::open_input). close() ends the stream and
/// waits for the sandbox's answer; destroying it ends it without waiting.
/// The process's stdin stays open either way.
///
/// Opening asks the sandbox whether it has the client-streaming StreamInput
/// RPC: if so, each write goes out at once on one stream, with keepalives
/// while quiet, and the sandbox's errors (its stdin closed, the process
/// gone) come from close(), or from a later write once the stream failed;
/// if not, each write is one SendInput request. streaming() tells which.
class InputStream {
public:
    /// Whether the input goes through one StreamInput call (false: one
    /// SendInput per write; false after close()).
    bool streaming() const { return e2b_input_stream_is_streaming(stream_.get()); }

    /// Sends `data`. Throws e2b::InvalidArgument once closed.
    void write(ByteView data, CancelArg cancel = {}) const {
        detail::call(e2b_input_stream_write, stream_.get(), data.data(), data.size(), cancel.raw());
    }

    /// Ends the stream and waits until the sandbox has written everything.
    /// Throws e2b::InvalidArgument if already closed, e2b::ApiError (e.g. the
    /// process's stdin was closed), e2b::NotFound (the process is gone).
    void close(CancelArg cancel = {}) const {
        detail::call(e2b_input_stream_close, stream_.get(), cancel.raw());
    }

    /// The C object, still owned by this stream.
    e2b_input_stream* raw() const noexcept { return stream_.get(); }

private:
    friend class Commands;
    friend class Pty;
    explicit InputStream(e2b_input_stream* stream) : stream_(stream) {}
    detail::Owned<e2b_input_stream, e2b_input_stream_free> stream_;
};

/// The files of a sandbox: a view borrowing the Sandbox (and the
/// FilesOptions it was made with), from Sandbox::files(). Paths are absolute
/// or relative to the user's home. Every call may also throw
/// e2b::SandboxGone (the sandbox was paused, killed or expired),
/// e2b::Timeout, e2b::NetworkError, e2b::TlsError, e2b::ApiError, and
/// e2b::CancelledError when cancelled through its last argument.
namespace detail {
/// A DataFn that writes each chunk to `out`, throwing std::ios_base::failure if it fails.
inline DataFn ostream_sink(std::ostream& out) {
    return [&out](ByteView chunk) {
        const auto size = static_cast<std::streamsize>(chunk.size());
        if (!out.write(reinterpret_cast<const char*>(chunk.data()), size)) {
            throw std::ios_base::failure("e2b: writing to the output stream failed");
        }
    };
}

/// A ReadFn that reads `in` to its end, throwing std::ios_base::failure if it fails.
inline ReadFn istream_source(std::istream& in) {
    return [&in](uint8_t* buffer, size_t capacity) {
        in.read(reinterpret_cast<char*>(buffer), static_cast<std::streamsize>(capacity));
        if (in.bad()) {
            throw std::ios_base::failure("e2b: reading the input stream failed");
        }
        return static_cast<size_t>(in.gcount());
    };
}
}  // namespace detail

class Files {
public:
    /// The whole file. Throws e2b::NotFound, e2b::InvalidArgument (a directory).
    std::vector<uint8_t> read(StringArg path, CancelArg cancel = {}) const {
        detail::OwnedBytes data;
        detail::call(e2b_files_read, sandbox_, path.c_str(), options_, &data.bytes, cancel.raw());
        return data.vector();
    }

    /// Streams the file to `on_data` chunk by chunk, in constant memory; returns its size.
    uint64_t read_stream(StringArg path, const DataFn& on_data, const ProgressFn& progress = {},
                         CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.on_data = &on_data;
        callbacks.progress = &progress;
        uint64_t size = 0;
        callbacks.call(e2b_files_read_stream, sandbox_, path.c_str(), options_, &detail::data_cb,
                       detail::progress_cb(progress), &callbacks, &size, cancel.raw());
        return size;
    }

    /// Streams the file into `out`; returns its size. Throws std::ios_base::failure if `out` fails.
    uint64_t read_stream(StringArg path, std::ostream& out, const ProgressFn& progress = {},
                         CancelArg cancel = {}) const {
        return read_stream(path.c_str(), detail::ostream_sink(out), progress, CancelArg(cancel.raw()));
    }

    /// Opens the file for reading piece by piece. `cancel` applies to opening
    /// only; each FileReader::read takes its own.
    FileReader open_read(StringArg path, CancelArg cancel = {}) const {
        e2b_file_reader* reader = nullptr;
        detail::call(e2b_files_open_read, sandbox_, path.c_str(), options_, &reader, cancel.raw());
        return FileReader(reader);
    }

    /// Writes `data` to the file, replacing it, creating missing parent directories.
    /// Throws e2b::InvalidArgument (a directory), e2b::NotEnoughSpace.
    void write(StringArg path, ByteView data, CancelArg cancel = {}) const {
        detail::call(e2b_files_write, sandbox_, path.c_str(), data.data(), data.size(), options_, cancel.raw());
    }

    /// Streams the file from `read` in constant memory. `size`, if known, is
    /// how many bytes `read` will supply. A cancelled upload leaves the old file in place.
    void write_stream(StringArg path, const ReadFn& read, std::optional<uint64_t> size = std::nullopt,
                      const ProgressFn& progress = {}, CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.read = &read;
        callbacks.progress = &progress;
        const int64_t known = size ? static_cast<int64_t>(*size) : -1;
        callbacks.call(e2b_files_write_stream, sandbox_, path.c_str(), known, options_, &detail::read_cb,
                       detail::progress_cb(progress), &callbacks, cancel.raw());
    }

    /// Streams the file from `in` to its end. Throws std::ios_base::failure if `in` fails.
    void write_stream(StringArg path, std::istream& in, std::optional<uint64_t> size = std::nullopt,
                      const ProgressFn& progress = {}, CancelArg cancel = {}) const {
        write_stream(path.c_str(), detail::istream_source(in), size, progress, CancelArg(cancel.raw()));
    }

    /// Writes several files in one request, creating missing parent directories.
    void write_files(const std::vector<WriteEntry>& entries, CancelArg cancel = {}) const {
        std::vector<e2b_write_entry> c_entries;
        c_entries.reserve(entries.size());
        for (const WriteEntry& entry : entries) {
            c_entries.push_back({entry.path.c_str(), entry.data.data(), entry.data.size()});
        }
        detail::call(e2b_files_write_files, sandbox_, c_entries.data(), c_entries.size(), options_, cancel.raw());
    }

    /// Uploads the local file `local` to `path`, streaming. Throws e2b::IoError (the local file).
    void upload_file(const std::filesystem::path& local, StringArg path, const ProgressFn& progress = {},
                     CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.progress = &progress;
        callbacks.call(e2b_files_upload_file, sandbox_, local.string().c_str(), path.c_str(), options_,
                       detail::progress_cb(progress), &callbacks, cancel.raw());
    }

    /// Downloads the file at `path` to the local file `local`, which appears
    /// only once complete. Throws e2b::IoError (the local file).
    void download_file(StringArg path, const std::filesystem::path& local, const ProgressFn& progress = {},
                       CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.progress = &progress;
        callbacks.call(e2b_files_download_file, sandbox_, path.c_str(), local.string().c_str(), options_,
                       detail::progress_cb(progress), &callbacks, cancel.raw());
    }

    /// Uploads the local tree `local` to `path` (symbolic links are skipped);
    /// returns the number of files. `progress` counts the bytes of the whole tree.
    size_t upload_dir(const std::filesystem::path& local, StringArg path, const DirProgressFn& progress = {},
                      CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.dir_progress = &progress;
        size_t count = 0;
        callbacks.call(e2b_files_upload_dir, sandbox_, local.string().c_str(), path.c_str(), options_,
                       detail::dir_progress_cb(progress), &callbacks, &count, cancel.raw());
        return count;
    }

    /// Downloads the tree at `path` into the local directory `local` (created
    /// if missing); returns the number of files. Symbolic links are skipped
    /// wherever they point, never followed: the sandbox reports only where a
    /// link resolves, so it cannot be recreated, and its target may lie outside.
    /// Throws e2b::InvalidArgument (not a directory), e2b::IoError.
    size_t download_dir(StringArg path, const std::filesystem::path& local, const DirProgressFn& progress = {},
                        CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.dir_progress = &progress;
        size_t count = 0;
        callbacks.call(e2b_files_download_dir, sandbox_, path.c_str(), local.string().c_str(), options_,
                       detail::dir_progress_cb(progress), &callbacks, &count, cancel.raw());
        return count;
    }

    /// A URL from which any program can download the file, valid for
    /// `expires`, rounded up to whole seconds (zero, the default, and
    /// e2b::timeout_none: until the sandbox ends). Made locally, without I/O:
    /// `cancel` only fails it if already cancelled. Throws e2b::InvalidArgument
    /// (an expiry on a sandbox without an access token).
    std::string download_url(StringArg path, std::chrono::milliseconds expires = {}, CancelArg cancel = {}) const {
        detail::OwnedBytes url;
        detail::call(e2b_files_download_url, sandbox_, path.c_str(), detail::millis(expires), options_, &url.bytes,
                     cancel.raw());
        return url.string();
    }

    /// A URL to which any program can upload the file with a multipart POST
    /// (field "file"), signed like download_url.
    std::string upload_url(StringArg path, std::chrono::milliseconds expires = {}, CancelArg cancel = {}) const {
        detail::OwnedBytes url;
        detail::call(e2b_files_upload_url, sandbox_, path.c_str(), detail::millis(expires), options_, &url.bytes,
                     cancel.raw());
        return url.string();
    }

    /// The entries of the directory and its subdirectories down to `depth`
    /// levels (1: the directory only). Throws e2b::NotFound, e2b::InvalidArgument.
    std::vector<EntryInfo> list(StringArg path, uint32_t depth = 1, CancelArg cancel = {}) const {
        e2b_entry_list* list = nullptr;
        detail::call(e2b_files_list, sandbox_, path.c_str(), depth, options_, &list, cancel.raw());
        const detail::Owned<e2b_entry_list, e2b_entry_list_free> owned(list);
        size_t n = 0;
        const e2b_entry_fields* const* fields = e2b_entry_list_fields(list, &n);
        std::vector<EntryInfo> entries;
        entries.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            entries.push_back(detail::entry_info(*fields[i]));
        }
        return entries;
    }

    /// Whether anything exists at `path`.
    bool exists(StringArg path, CancelArg cancel = {}) const {
        bool exists = false;
        detail::call(e2b_files_exists, sandbox_, path.c_str(), options_, &exists, cancel.raw());
        return exists;
    }

    /// What is at `path` (a final symlink is not followed). Throws e2b::NotFound.
    EntryInfo get_info(StringArg path, CancelArg cancel = {}) const {
        e2b_entry_info* entry = nullptr;
        detail::call(e2b_files_get_info, sandbox_, path.c_str(), options_, &entry, cancel.raw());
        return detail::entry_info(detail::Owned<e2b_entry_info, e2b_entry_info_free>(entry).get());
    }

    /// Creates the directory and missing parents; false if it already existed.
    /// Throws e2b::InvalidArgument (a file is in the way).
    bool make_dir(StringArg path, CancelArg cancel = {}) const {
        bool created = false;
        detail::call(e2b_files_make_dir, sandbox_, path.c_str(), options_, &created, cancel.raw());
        return created;
    }

    /// Removes the file or directory tree; nothing there is success.
    void remove(StringArg path, CancelArg cancel = {}) const {
        detail::call(e2b_files_remove, sandbox_, path.c_str(), options_, cancel.raw());
    }

    /// Moves `from` to `to`, creating missing parents; returns the moved entry. Throws e2b::NotFound.
    EntryInfo rename(StringArg from, StringArg to, CancelArg cancel = {}) const {
        e2b_entry_info* entry = nullptr;
        detail::call(e2b_files_rename, sandbox_, from.c_str(), to.c_str(), options_, &entry, cancel.raw());
        return detail::entry_info(detail::Owned<e2b_entry_info, e2b_entry_info_free>(entry).get());
    }

    /// Starts watching the directory; poll the Watch for events. `cancel`
    /// applies to starting the watch only.
    /// Throws e2b::NotFound, e2b::InvalidArgument (not a directory).
    Watch watch_dir(StringArg path, WatchOptions options = {}, CancelArg cancel = {}) const {
        e2b_watch* watch = nullptr;
        detail::call(e2b_files_watch_dir, sandbox_, path.c_str(), options.recursive, options.include_entry, options_,
                     &watch, cancel.raw());
        return Watch(watch);
    }

    /// Watches the directory over one stream, passing each event to
    /// `on_event`, until it returns false or `timeout` passes (zero and
    /// e2b::timeout_none: no limit).
    void watch_dir_stream(StringArg path, std::chrono::milliseconds timeout, const EventFn& on_event,
                          WatchOptions options = {}, CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.on_event = &on_event;
        callbacks.call(e2b_files_watch_dir_stream, sandbox_, path.c_str(), options.recursive, options.include_entry,
                       detail::millis(timeout), options_, &detail::fs_event_cb, &callbacks, cancel.raw());
    }

private:
    friend class Sandbox;
    Files(const e2b_sandbox* sandbox, const e2b_files_options* options) : sandbox_(sandbox), options_(options) {}
    const e2b_sandbox* sandbox_;
    const e2b_files_options* options_;
};

/// The processes of a sandbox: a view borrowing the Sandbox, from
/// Sandbox::commands(). Commands run with `bash -l -c`. Every call may also
/// throw e2b::SandboxGone, e2b::Timeout, e2b::NetworkError, e2b::TlsError,
/// e2b::ApiError, and e2b::CancelledError when cancelled through its last argument.
class Commands {
public:
    /// Runs `cmd` and waits for it to end, passing output to `on_output` as
    /// it arrives. A non-zero exit code is a result (see CommandResult::check).
    /// A cancelled run kills the command (best effort).
    /// Throws e2b::InvalidArgument (a missing cwd), e2b::AuthenticationError
    /// (an unknown user), e2b::Timeout (the lifetime passed; it was killed).
    CommandResult run(StringArg cmd, const CommandOptions& options = {}, const OutputFn& on_output = {},
                      CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.on_output = &on_output;
        e2b_command_result* result = nullptr;
        callbacks.call(e2b_commands_run, sandbox_, cmd.c_str(), options.raw(), detail::output_cb(on_output),
                       &callbacks, &result, cancel.raw());
        return CommandResult(result);
    }

    /// Starts `cmd` in the background and returns at once. `cancel` applies
    /// to the start only; a start cancelled before the sandbox said the
    /// process's id may have started it (list() finds it).
    Command start(StringArg cmd, const CommandOptions& options = {}, CancelArg cancel = {}) const {
        e2b_command* command = nullptr;
        detail::call(e2b_commands_start, sandbox_, cmd.c_str(), options.raw(), &command, cancel.raw());
        return Command(command);
    }

    /// Attaches to the running process `pid`, to follow its output from now
    /// on. `cancel` applies to attaching only. Throws e2b::NotFound.
    Command connect(uint32_t pid, CancelArg cancel = {}) const {
        e2b_command* command = nullptr;
        detail::call(e2b_commands_connect, sandbox_, pid, &command, cancel.raw());
        return Command(command);
    }

    /// connect() with a time limit on following the process, or its output not kept.
    Command connect(uint32_t pid, const ConnectOptions& options, CancelArg cancel = {}) const {
        e2b_command* command = nullptr;
        detail::call(e2b_commands_connect_with, sandbox_, pid, options.raw(), &command, cancel.raw());
        return Command(command);
    }

    /// Opens an input stream to the stdin of process `pid` (see InputStream).
    /// `cancel` applies to opening only. Throws e2b::NotFound.
    InputStream open_input(uint32_t pid, const InputOptions& options = {}, CancelArg cancel = {}) const {
        e2b_input_stream* stream = nullptr;
        detail::call(e2b_commands_open_input, sandbox_, pid, options.raw(), &stream, cancel.raw());
        return InputStream(stream);
    }

    /// Sends every chunk of `chunks` (anything a ByteView is made from) to
    /// the stdin of process `pid` through one input stream, and returns once
    /// the sandbox has written them all (the SDKs' stream_input).
    template <class Chunks>
    void stream_input(uint32_t pid, const Chunks& chunks, const InputOptions& options = {},
                      CancelArg cancel = {}) const {
        const e2b_cancel* token = cancel.raw();
        const InputStream stream = open_input(pid, options, CancelArg(token));
        for (const auto& chunk : chunks) {
            stream.write(ByteView(chunk), CancelArg(token));
        }
        stream.close(CancelArg(token));
    }

    /// The processes running in the sandbox.
    std::vector<ProcessInfo> list(CancelArg cancel = {}) const {
        e2b_process_list* raw = nullptr;
        detail::call(e2b_commands_list, sandbox_, &raw, cancel.raw());
        const detail::Owned<e2b_process_list, e2b_process_list_free> list(raw);
        std::vector<ProcessInfo> processes;
        for (size_t i = 0, n = e2b_process_list_len(raw); i < n; ++i) {
            const e2b_process_info* info = e2b_process_list_get(raw, i);
            ProcessInfo process;
            process.pid = e2b_process_info_pid(info);
            process.cmd = detail::string(e2b_process_info_cmd(info));
            for (size_t j = 0, args = e2b_process_info_args_len(info); j < args; ++j) {
                process.args.push_back(detail::string(e2b_process_info_args_get(info, j)));
            }
            for (size_t j = 0, envs = e2b_process_info_envs_len(info); j < envs; ++j) {
                process.envs.emplace(detail::string(e2b_process_info_envs_key(info, j)),
                                     detail::string(e2b_process_info_envs_value(info, j)));
            }
            process.cwd = detail::optional_string(e2b_process_info_cwd(info));
            process.tag = detail::optional_string(e2b_process_info_tag(info));
            processes.push_back(std::move(process));
        }
        return processes;
    }

    /// Kills the process `pid`; false if there was no such process.
    bool kill(uint32_t pid, CancelArg cancel = {}) const {
        bool killed = false;
        detail::call(e2b_commands_kill, sandbox_, pid, &killed, cancel.raw());
        return killed;
    }

    /// Writes `data` to the stdin of process `pid`. Throws e2b::NotFound, e2b::ApiError (stdin not open).
    void send_stdin(uint32_t pid, ByteView data, CancelArg cancel = {}) const {
        detail::call(e2b_commands_send_stdin, sandbox_, pid, data.data(), data.size(), cancel.raw());
    }

    /// Closes the stdin of process `pid`.
    void close_stdin(uint32_t pid, CancelArg cancel = {}) const {
        detail::call(e2b_commands_close_stdin, sandbox_, pid, cancel.raw());
    }

private:
    friend class Sandbox;
    explicit Commands(const e2b_sandbox* sandbox) : sandbox_(sandbox) {}
    const e2b_sandbox* sandbox_;
};

// ---- git ----

/// Options of the Git calls, one builder for all of them: each call reads
/// the settings its documentation names, and every call reads env, cwd,
/// user and timeout. New options mean the default user in their home, no
/// time limit, and each call's defaults.
class GitOptions : public detail::Builder<e2b_git_options, e2b_git_options_new, e2b_git_options_free> {
public:
    /// Adds (or replaces) an environment variable for git.
    GitOptions& env(StringArg name, StringArg value) {
        detail::call(e2b_git_options_set_env, get(), name.c_str(), value.c_str());
        return *this;
    }
    /// The directory git runs in; relative paths start there.
    GitOptions& cwd(StringArg cwd) {
        detail::call(e2b_git_options_set_cwd, get(), cwd.c_str());
        return *this;
    }
    /// Run git as `user` (e.g. "root").
    GitOptions& user(StringArg user) {
        detail::call(e2b_git_options_set_user, get(), user.c_str());
        return *this;
    }
    /// How long each git process may live (zero, the default, and e2b::timeout_none: no limit).
    GitOptions& timeout(std::chrono::milliseconds timeout) {
        detail::call(e2b_git_options_set_timeout_ms, get(), detail::millis(timeout));
        return *this;
    }
    /// clone: where to clone to (default: git's choice).
    GitOptions& path(StringArg path) {
        detail::call(e2b_git_options_set_path, get(), path.c_str());
        return *this;
    }
    /// clone: the only branch to clone; push: the branch to push; pull: the branch to merge.
    GitOptions& branch(StringArg branch) {
        detail::call(e2b_git_options_set_branch, get(), branch.c_str());
        return *this;
    }
    /// clone: only the last `depth` commits (0: all).
    GitOptions& depth(uint32_t depth) {
        detail::call(e2b_git_options_set_depth, get(), depth);
        return *this;
    }
    /// clone, push, pull: the username and password (or token) for HTTP(S).
    /// They reach git through a private file, never a command line.
    GitOptions& credentials(StringArg username, StringArg password) {
        detail::call(e2b_git_options_set_credentials, get(), username.c_str(), password.c_str());
        return *this;
    }
    /// clone: keep the credentials in the new repository for later pushes and pulls.
    GitOptions& dangerously_store_credentials(bool store) {
        detail::call(e2b_git_options_set_dangerously_store_credentials, get(), store);
        return *this;
    }
    /// push, pull: the remote (default: the upstream's; with credentials, the only one).
    GitOptions& remote(StringArg remote) {
        detail::call(e2b_git_options_set_remote, get(), remote.c_str());
        return *this;
    }
    /// push: pass --set-upstream when a remote is known (default true).
    GitOptions& set_upstream(bool set) {
        detail::call(e2b_git_options_set_set_upstream, get(), set);
        return *this;
    }
    /// commit: the author of this commit.
    GitOptions& author(StringArg name, StringArg email) {
        detail::call(e2b_git_options_set_author, get(), name.c_str(), email.c_str());
        return *this;
    }
    /// commit: record a commit with no changes (default false).
    GitOptions& allow_empty(bool allow) {
        detail::call(e2b_git_options_set_allow_empty, get(), allow);
        return *this;
    }
    /// init: make a bare repository (default false).
    GitOptions& bare(bool bare) {
        detail::call(e2b_git_options_set_bare, get(), bare);
        return *this;
    }
    /// init: the first branch's name.
    GitOptions& initial_branch(StringArg branch) {
        detail::call(e2b_git_options_set_initial_branch, get(), branch.c_str());
        return *this;
    }
    /// remote_add: fetch from the new remote (default false).
    GitOptions& fetch(bool fetch) {
        detail::call(e2b_git_options_set_fetch, get(), fetch);
        return *this;
    }
    /// remote_add: change an existing remote's URL instead of failing (default false).
    GitOptions& overwrite(bool overwrite) {
        detail::call(e2b_git_options_set_overwrite, get(), overwrite);
        return *this;
    }
    /// delete_branch: delete an unmerged branch too (-D; default false).
    GitOptions& force(bool force) {
        detail::call(e2b_git_options_set_force, get(), force);
        return *this;
    }
    /// add: stage this path (with none, everything); reset: reset this path
    /// in the index; restore: restore this path (at least one; "." for all).
    GitOptions& file(StringArg file) {
        detail::call(e2b_git_options_add_file, get(), file.c_str());
        return *this;
    }
    /// add with no files: every change (-A, the default true) or only the repository directory's (.).
    GitOptions& all(bool all) {
        detail::call(e2b_git_options_set_all, get(), all);
        return *this;
    }
    /// set_config, get_config, configure_user: the configuration file (default Global).
    GitOptions& scope(GitConfigScope scope) {
        detail::call(e2b_git_options_set_scope, get(), static_cast<int32_t>(scope));
        return *this;
    }
    /// reset: how far it goes (default Default: git's mixed).
    GitOptions& reset_mode(GitResetMode mode) {
        detail::call(e2b_git_options_set_reset_mode, get(), static_cast<int32_t>(mode));
        return *this;
    }
    /// reset: the commit, branch or ref to reset to (default HEAD).
    GitOptions& target(StringArg target) {
        detail::call(e2b_git_options_set_target, get(), target.c_str());
        return *this;
    }
    /// restore: restore the index, i.e. unstage. Unset: only when worktree is
    /// unset too is it decided (no), as in the SDKs.
    GitOptions& staged(bool staged) {
        detail::call(e2b_git_options_set_staged, get(), staged);
        return *this;
    }
    /// restore: restore the working tree. Unset: yes unless staged(true).
    GitOptions& worktree(bool worktree) {
        detail::call(e2b_git_options_set_worktree, get(), worktree);
        return *this;
    }
    /// restore: restore from this commit, branch or ref (default the index).
    GitOptions& source(StringArg source) {
        detail::call(e2b_git_options_set_source, get(), source.c_str());
        return *this;
    }
};

/// One changed file of a GitStatus.
struct GitFileStatus {
    std::string name;  ///< relative to the repository's top
    GitFileChange status = GitFileChange::Unknown;
    char index_status = ' ';         ///< as git status --porcelain shows it (' ' unchanged, '?' untracked)
    char working_tree_status = ' ';  ///< likewise
    bool staged = false;
    std::optional<std::string> renamed_from;  ///< the path before a rename or copy

    /// The SDKs' name of the change ("modified", "untracked", ...).
    std::string status_name() const { return e2b_git_file_change_name(static_cast<int32_t>(status)); }
};

/// A repository's state: the branch, its upstream, the changed files.
struct GitStatus {
    std::optional<std::string> current_branch;  ///< empty when HEAD is detached
    std::optional<std::string> upstream;        ///< e.g. "origin/main"
    uint32_t ahead = 0;
    uint32_t behind = 0;
    bool detached = false;
    std::vector<GitFileStatus> file_status;

    bool is_clean() const { return file_status.empty(); }
    bool has_changes() const { return !file_status.empty(); }
    bool has_staged() const { return staged_count() > 0; }
    bool has_untracked() const { return count(GitFileChange::Untracked) > 0; }
    bool has_conflicts() const { return count(GitFileChange::Conflict) > 0; }
    size_t total_count() const { return file_status.size(); }
    size_t staged_count() const {
        size_t n = 0;
        for (const auto& f : file_status) n += f.staged ? 1 : 0;
        return n;
    }
    /// Files with no staged change, untracked ones included (as in the SDKs).
    size_t unstaged_count() const { return file_status.size() - staged_count(); }
    size_t untracked_count() const { return count(GitFileChange::Untracked); }
    size_t conflict_count() const { return count(GitFileChange::Conflict); }

private:
    size_t count(GitFileChange change) const {
        size_t n = 0;
        for (const auto& f : file_status) n += f.status == change ? 1 : 0;
        return n;
    }
};

/// A repository's local branches.
struct GitBranches {
    std::vector<std::string> branches;  ///< in git's order
    std::optional<std::string> current_branch;
};

/// git in a sandbox (sandbox.git in the official SDKs), from Sandbox::git().
/// A git that fails throws e2b::GitAuthError (credentials missing or
/// wrong), e2b::GitUpstreamError (no upstream to push to or pull from),
/// e2b::NotFound (no repository at the path or URL) or e2b::CommandExit,
/// with git's words at the end of the message; calls also throw what
/// Commands::run throws. Calls that do something return git's result.
class Git {
public:
    /// Clones `url`. Options: path, branch, depth, credentials, dangerously_store_credentials.
    CommandResult clone(StringArg url, const GitOptions& options = {}, CancelArg cancel = {}) const {
        return result(e2b_git_clone, url.c_str(), options.raw(), cancel);
    }
    /// Makes a repository at `path`. Options: bare, initial_branch.
    CommandResult init(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        return result(e2b_git_init, path.c_str(), options.raw(), cancel);
    }
    /// Adds the remote `name` at `url`. Options: fetch, overwrite.
    CommandResult remote_add(StringArg path, StringArg name, StringArg url, const GitOptions& options = {},
                             CancelArg cancel = {}) const {
        e2b_command_result* out = nullptr;
        detail::call(e2b_git_remote_add, sandbox_, path.c_str(), name.c_str(), url.c_str(), options.raw(), &out,
                     cancel.raw());
        return CommandResult(out);
    }
    /// The URL of the remote `name`; empty if there is none.
    std::optional<std::string> remote_get(StringArg path, StringArg name, const GitOptions& options = {},
                                          CancelArg cancel = {}) const {
        detail::OwnedBytes out;
        detail::call(e2b_git_remote_get, sandbox_, path.c_str(), name.c_str(), options.raw(), &out.bytes,
                     cancel.raw());
        return text(out);
    }
    /// The repository's branch, upstream and changed files.
    GitStatus status(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        e2b_git_status_info* raw = nullptr;
        detail::call(e2b_git_status, sandbox_, path.c_str(), options.raw(), &raw, cancel.raw());
        const detail::Owned<e2b_git_status_info, e2b_git_status_info_free> owned(raw);
        const e2b_git_status_fields& fields = *e2b_git_status_info_fields(raw);
        GitStatus status;
        status.current_branch = detail::optional_string(fields.current_branch);
        status.upstream = detail::optional_string(fields.upstream);
        status.ahead = fields.ahead;
        status.behind = fields.behind;
        status.detached = fields.detached;
        size_t n = 0;
        const e2b_git_file_fields* const* files = e2b_git_status_info_files_fields(raw, &n);
        for (size_t i = 0; i < n; ++i) {
            GitFileStatus file;
            file.name = detail::string(files[i]->name);
            file.status = static_cast<GitFileChange>(files[i]->status);
            file.index_status = files[i]->index_status;
            file.working_tree_status = files[i]->working_tree_status;
            file.staged = files[i]->staged;
            file.renamed_from = detail::optional_string(files[i]->renamed_from);
            status.file_status.push_back(std::move(file));
        }
        return status;
    }
    /// The repository's local branches.
    GitBranches branches(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        e2b_git_branch_list* raw = nullptr;
        detail::call(e2b_git_branches, sandbox_, path.c_str(), options.raw(), &raw, cancel.raw());
        const detail::Owned<e2b_git_branch_list, e2b_git_branch_list_free> owned(raw);
        GitBranches branches;
        for (size_t i = 0, n = e2b_git_branch_list_len(raw); i < n; ++i) {
            branches.branches.push_back(detail::string(e2b_git_branch_list_get(raw, i)));
        }
        branches.current_branch = detail::optional_string(e2b_git_branch_list_current(raw));
        return branches;
    }
    /// Makes `branch` and checks it out (git checkout -b).
    CommandResult create_branch(StringArg path, StringArg branch, const GitOptions& options = {},
                                CancelArg cancel = {}) const {
        return branch_call(e2b_git_create_branch, path, branch, options, cancel);
    }
    /// Checks out `branch`.
    CommandResult checkout_branch(StringArg path, StringArg branch, const GitOptions& options = {},
                                  CancelArg cancel = {}) const {
        return branch_call(e2b_git_checkout_branch, path, branch, options, cancel);
    }
    /// Deletes `branch`. Options: force.
    CommandResult delete_branch(StringArg path, StringArg branch, const GitOptions& options = {},
                                CancelArg cancel = {}) const {
        return branch_call(e2b_git_delete_branch, path, branch, options, cancel);
    }
    /// Stages changes. Options: file (repeatable), all.
    CommandResult add(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        return result(e2b_git_add, path.c_str(), options.raw(), cancel);
    }
    /// Commits what is staged. Options: author, allow_empty.
    CommandResult commit(StringArg path, StringArg message, const GitOptions& options = {},
                         CancelArg cancel = {}) const {
        return branch_call(e2b_git_commit, path, message, options, cancel);
    }
    /// Moves HEAD, and with it the index and working tree as the mode says
    /// (git reset). Options: reset_mode, target, file (paths).
    CommandResult reset(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        return result(e2b_git_reset, path.c_str(), options.raw(), cancel);
    }
    /// Restores files in the working tree (the default) or the index (git
    /// restore). Options: file (at least one), staged, worktree, source.
    CommandResult restore(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        return result(e2b_git_restore, path.c_str(), options.raw(), cancel);
    }
    /// Pushes. Options: remote, branch, set_upstream, credentials.
    CommandResult push(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        return result(e2b_git_push, path.c_str(), options.raw(), cancel);
    }
    /// Pulls. Options: remote, branch, credentials; with neither remote nor
    /// branch the branch needs an upstream (else e2b::GitUpstreamError).
    CommandResult pull(StringArg path, const GitOptions& options = {}, CancelArg cancel = {}) const {
        return result(e2b_git_pull, path.c_str(), options.raw(), cancel);
    }
    /// Sets `key` to `value`. Options: scope; `repo_path` is the repository (needed for Local).
    void set_config(StringArg key, StringArg value, StringArg repo_path = nullptr, const GitOptions& options = {},
                    CancelArg cancel = {}) const {
        detail::call(e2b_git_set_config, sandbox_, key.c_str(), value.c_str(), repo_path.c_str(), options.raw(),
                     cancel.raw());
    }
    /// The value of `key`; empty if it is not set. Options: scope.
    std::optional<std::string> get_config(StringArg key, StringArg repo_path = nullptr,
                                          const GitOptions& options = {}, CancelArg cancel = {}) const {
        detail::OwnedBytes out;
        detail::call(e2b_git_get_config, sandbox_, key.c_str(), repo_path.c_str(), options.raw(), &out.bytes,
                     cancel.raw());
        return text(out);
    }
    /// Sets user.name and user.email. Options: scope.
    void configure_user(StringArg name, StringArg email, StringArg repo_path = nullptr,
                        const GitOptions& options = {}, CancelArg cancel = {}) const {
        detail::call(e2b_git_configure_user, sandbox_, name.c_str(), email.c_str(), repo_path.c_str(),
                     options.raw(), cancel.raw());
    }
    /// Stores the credentials for every repository at `host` over
    /// `protocol` in the user's ~/.git-credentials: never on a command
    /// line, but on the sandbox's disk.
    void dangerously_authenticate(StringArg username, StringArg password, StringArg host = "github.com",
                                  StringArg protocol = "https", const GitOptions& options = {},
                                  CancelArg cancel = {}) const {
        detail::call(e2b_git_dangerously_authenticate, sandbox_, username.c_str(), password.c_str(), host.c_str(),
                     protocol.c_str(), options.raw(), cancel.raw());
    }

private:
    friend class Sandbox;
    explicit Git(const e2b_sandbox* sandbox) : sandbox_(sandbox) {}

    using OneArg = e2b_error_code (*)(const e2b_sandbox*, const char*, const e2b_git_options*, e2b_command_result**,
                                      const e2b_cancel*, e2b_error**);
    using TwoArgs = e2b_error_code (*)(const e2b_sandbox*, const char*, const char*, const e2b_git_options*,
                                       e2b_command_result**, const e2b_cancel*, e2b_error**);

    CommandResult result(OneArg function, const char* arg, const e2b_git_options* options, CancelArg& cancel) const {
        e2b_command_result* out = nullptr;
        detail::call(function, sandbox_, arg, options, &out, cancel.raw());
        return CommandResult(out);
    }
    CommandResult branch_call(TwoArgs function, StringArg& first, StringArg& second, const GitOptions& options,
                              CancelArg& cancel) const {
        e2b_command_result* out = nullptr;
        detail::call(function, sandbox_, first.c_str(), second.c_str(), options.raw(), &out, cancel.raw());
        return CommandResult(out);
    }
    static std::optional<std::string> text(const detail::OwnedBytes& out) {
        if (!out.bytes.data) return std::nullopt;
        return out.string();
    }

    const e2b_sandbox* sandbox_;
};

/// The terminals of a sandbox (the SDKs' sandbox.pty): a view borrowing the
/// Sandbox, from Sandbox::pty(). create() starts `bash -i -l` in a
/// pseudo-terminal; the Command's output is what the terminal shows, escape
/// sequences included, as Stream::Pty chunks (to Command::wait's callback,
/// or from Command::next_output). A terminal has no stdin to close: send
/// Ctrl-D ("\x04"). Every call may also throw what Commands' calls throw.
class Pty {
public:
    /// Starts a shell in a new terminal of `size` and returns at once.
    /// Throws e2b::InvalidArgument (a zero size, a missing cwd).
    Command create(PtySize size, const PtyOptions& options = {}, CancelArg cancel = {}) const {
        e2b_command* command = nullptr;
        detail::call(e2b_pty_create, sandbox_, size.rows, size.cols, options.raw(), &command, cancel.raw());
        return Command(command);
    }

    /// Attaches to the terminal of the running process `pid`. Throws e2b::NotFound.
    Command connect(uint32_t pid, const ConnectOptions& options = {}, CancelArg cancel = {}) const {
        e2b_command* command = nullptr;
        detail::call(e2b_pty_connect, sandbox_, pid, options.raw(), &command, cancel.raw());
        return Command(command);
    }

    /// Writes `data` (keystrokes) to the terminal of `pid`. Throws e2b::NotFound.
    void send_stdin(uint32_t pid, ByteView data, CancelArg cancel = {}) const {
        detail::call(e2b_pty_send_stdin, sandbox_, pid, data.data(), data.size(), cancel.raw());
    }

    /// Resizes the terminal of `pid`; its programs get SIGWINCH.
    /// Throws e2b::InvalidArgument (a zero size), e2b::NotFound.
    void resize(uint32_t pid, PtySize size, CancelArg cancel = {}) const {
        detail::call(e2b_pty_resize, sandbox_, pid, size.rows, size.cols, cancel.raw());
    }

    /// Kills the terminal's process `pid`; false if there was none.
    bool kill(uint32_t pid, CancelArg cancel = {}) const {
        bool killed = false;
        detail::call(e2b_pty_kill, sandbox_, pid, &killed, cancel.raw());
        return killed;
    }

    /// Opens an input stream to the terminal of `pid` (see InputStream).
    InputStream open_input(uint32_t pid, const InputOptions& options = {}, CancelArg cancel = {}) const {
        e2b_input_stream* stream = nullptr;
        detail::call(e2b_pty_open_input, sandbox_, pid, options.raw(), &stream, cancel.raw());
        return InputStream(stream);
    }

    /// Commands::stream_input for the terminal of `pid`.
    template <class Chunks>
    void stream_input(uint32_t pid, const Chunks& chunks, const InputOptions& options = {},
                      CancelArg cancel = {}) const {
        const e2b_cancel* token = cancel.raw();
        const InputStream stream = open_input(pid, options, CancelArg(token));
        for (const auto& chunk : chunks) {
            stream.write(ByteView(chunk), CancelArg(token));
        }
        stream.close(CancelArg(token));
    }

private:
    friend class Sandbox;
    explicit Pty(const e2b_sandbox* sandbox) : sandbox_(sandbox) {}
    const e2b_sandbox* sandbox_;
};

/// A sandbox handle (Client::create_sandbox, connect, resume). Destroying it
/// releases the handle only: the sandbox runs on until kill() or its timeout.
/// Every call may also throw e2b::CancelledError when cancelled through its
/// last argument.
class Sandbox {
public:
    /// The sandbox's id.
    std::string id() const { return detail::string(e2b_sandbox_id(detail::live(sandbox_.get()))); }
    /// The id of its template.
    std::string template_id() const { return detail::string(e2b_sandbox_template_id(detail::live(sandbox_.get()))); }
    /// The version of envd in it.
    std::string envd_version() const {
        return detail::string(e2b_sandbox_envd_version(detail::live(sandbox_.get())));
    }
    /// The public host name of `port` (`<port>-<id>.<domain>`): `https://`
    /// plus it reaches a server the sandbox runs on that port. Made locally.
    std::string get_host(uint16_t port) const {
        detail::OwnedBytes host;
        detail::call(e2b_sandbox_get_host, detail::live(sandbox_.get()), port, &host.bytes);
        return host.string();
    }

    /// The token the sandbox's ports (all but envd's) require in the header
    /// e2b-traffic-access-token: a sandbox created with
    /// NetworkOptions::allow_public_traffic(false) has one; empty when it has none.
    std::string traffic_access_token() const {
        return detail::string(e2b_sandbox_traffic_access_token(detail::live(sandbox_.get())));
    }

    /// Its files, with the default user.
    Files files() const { return Files(sandbox_.get(), nullptr); }
    /// Its files, acting as `options` say. The view borrows `options` too.
    Files files(const FilesOptions& options) const { return Files(sandbox_.get(), options.raw()); }
    /// Its processes.
    Commands commands() const { return Commands(sandbox_.get()); }
    /// git in it.
    Git git() const { return Git(sandbox_.get()); }
    /// Its terminals.
    Pty pty() const { return Pty(sandbox_.get()); }

    /// Kills the sandbox; false if it no longer existed. A cancelled kill
    /// that reached the server may have been done.
    bool kill(CancelArg cancel = {}) const {
        bool killed = false;
        detail::call(e2b_sandbox_kill, sandbox_.get(), &killed, cancel.raw());
        return killed;
    }

    /// Pauses the sandbox, keeping its filesystem and memory (Client::resume
    /// brings it back); false if it was already paused. Throws e2b::SandboxNotFound.
    bool pause(CancelArg cancel = {}) const {
        bool paused = false;
        detail::call(e2b_sandbox_pause, sandbox_.get(), &paused, cancel.raw());
        return paused;
    }

    /// Pauses the sandbox with `options` (a mode, strict); false if it was
    /// already paused. Throws e2b::SandboxNotFound, e2b::ApiError (503: see
    /// PauseOptions::strict), e2b::InvalidArgument.
    bool pause(const PauseOptions& options, CancelArg cancel = {}) const {
        bool paused = false;
        detail::call(e2b_sandbox_pause_with, sandbox_.get(), static_cast<int32_t>(options.mode), options.strict,
                     &paused, cancel.raw());
        return paused;
    }

    /// Connects to this sandbox again (the SDKs' instance connect), resuming
    /// it as `on_resume` says if it is paused (OnResume::Reboot: afresh from
    /// its files), and keeps it alive at least `timeout` from now (zero:
    /// 300 s). Throws e2b::SandboxNotFound, e2b::Conflict (paused while envd
    /// did not answer: reboot it), e2b::InvalidArgument.
    void connect(std::chrono::milliseconds timeout, OnResume on_resume = OnResume::Restore,
                 CancelArg cancel = {}) const {
        detail::call(e2b_sandbox_connect, sandbox_.get(), detail::millis(timeout), static_cast<int32_t>(on_resume),
                     cancel.raw());
    }

    /// Sets the sandbox to end `timeout` from now, rounded up to whole
    /// seconds (zero: the default, 300 s). This can shorten its life.
    /// Throws e2b::SandboxNotFound, e2b::InvalidArgument (e2b::timeout_none:
    /// E2B requires a limit).
    void set_timeout(std::chrono::milliseconds timeout, CancelArg cancel = {}) const {
        detail::call(e2b_sandbox_set_timeout, sandbox_.get(), detail::millis(timeout), cancel.raw());
    }

    /// Whether the sandbox answers: false when it is paused, killed or expired.
    bool is_running(CancelArg cancel = {}) const {
        bool running = false;
        detail::call(e2b_sandbox_is_running, sandbox_.get(), &running, cancel.raw());
        return running;
    }

    /// Replaces the sandbox's egress configuration with `network` (the SDKs'
    /// update_network): what it leaves unset is cleared. Throws
    /// e2b::SandboxNotFound, e2b::InvalidArgument (an ingress setting, or
    /// entries the server refuses), e2b::PermissionDenied (egress proxies not enabled).
    void update_network(const NetworkOptions& network, CancelArg cancel = {}) const {
        detail::Owned<e2b_network_options, e2b_network_options_free> empty(
            network.raw() ? nullptr : e2b_network_options_new());
        detail::call(e2b_sandbox_update_network, sandbox_.get(), network.raw() ? network.raw() : empty.get(),
                     cancel.raw());
    }

    /// What the control plane knows of the sandbox. Throws e2b::SandboxNotFound.
    SandboxInfo get_info(CancelArg cancel = {}) const {
        e2b_sandbox_info* info = nullptr;
        detail::call(e2b_sandbox_get_info, sandbox_.get(), &info, cancel.raw());
        return detail::sandbox_info(detail::Owned<e2b_sandbox_info, e2b_sandbox_info_free>(info).get());
    }

    /// The sandbox's metrics samples taken from `start` to `end` (both
    /// included, rounded down to whole seconds; none: unbounded), oldest
    /// first; empty before the first sample. Throws e2b::SandboxNotFound,
    /// e2b::InvalidArgument (a time before 1970, or start after end).
    std::vector<SandboxMetrics> get_metrics(const TimeBound& start = std::nullopt, const TimeBound& end = std::nullopt,
                                            CancelArg cancel = {}) const {
        e2b_metrics_list* list = nullptr;
        detail::call(e2b_sandbox_get_metrics, sandbox_.get(), detail::unix_millis(start), detail::unix_millis(end),
                     &list, cancel.raw());
        return detail::metrics_list(list);
    }

    /// Runs `code` in the sandbox's code interpreter, passing output to
    /// `callbacks` as it arrives. An exception raised by the code is part of
    /// the Execution (its `error`), not a C++ exception.
    /// Throws e2b::InvalidArgument (a language and a context), e2b::NotFound
    /// (an unknown context), e2b::Timeout, e2b::NetworkError (no interpreter running).
    Execution run_code(StringArg code, const RunCodeOptions& options = {}, const ExecutionCallbacks& callbacks = {},
                       CancelArg cancel = {}) const {
        const bool any = callbacks.on_stdout || callbacks.on_stderr || callbacks.on_result || callbacks.on_error;
        detail::Callbacks trampoline;
        trampoline.on_execution = &callbacks;
        e2b_execution* run = nullptr;
        trampoline.call(e2b_code_run, sandbox_.get(), code.c_str(), options.raw(),
                        any ? &detail::execution_cb : nullptr, &trampoline, &run, cancel.raw());
        return detail::execution(detail::Owned<e2b_execution, e2b_execution_free>(run).get());
    }

    /// Creates a code context with its own state for `language` (default
    /// Python), working in `cwd` (default: the user's home). Throws
    /// e2b::ApiError (an unsupported language).
    CodeContext create_code_context(const std::optional<std::string>& language = std::nullopt,
                                    const std::optional<std::string>& cwd = std::nullopt,
                                    CancelArg cancel = {}) const {
        e2b_code_context* context = nullptr;
        detail::call(e2b_code_create_context, sandbox_.get(), language ? language->c_str() : nullptr,
                     cwd ? cwd->c_str() : nullptr, &context, cancel.raw());
        return detail::code_context(detail::Owned<e2b_code_context, e2b_code_context_free>(context).get());
    }

    /// Every code context, the default ones included.
    std::vector<CodeContext> list_code_contexts(CancelArg cancel = {}) const {
        e2b_code_context_list* list = nullptr;
        detail::call(e2b_code_list_contexts, sandbox_.get(), &list, cancel.raw());
        const detail::Owned<e2b_code_context_list, e2b_code_context_list_free> owned(list);
        std::vector<CodeContext> contexts;
        for (size_t i = 0, n = e2b_code_context_list_len(list); i < n; ++i) {
            contexts.push_back(detail::code_context(e2b_code_context_list_get(list, i)));
        }
        return contexts;
    }

    /// Restarts the context `id`: its state is lost. Throws e2b::NotFound.
    void restart_code_context(StringArg id, CancelArg cancel = {}) const {
        detail::call(e2b_code_restart_context, sandbox_.get(), id.c_str(), cancel.raw());
    }

    /// Removes the context `id`. Throws e2b::NotFound.
    void remove_code_context(StringArg id, CancelArg cancel = {}) const {
        detail::call(e2b_code_remove_context, sandbox_.get(), id.c_str(), cancel.raw());
    }

    /// A view of this sandbox whose every call ends within `deadline` of its
    /// start, transfers and streams included, and with them the commands,
    /// watches and readers the call hands out: a call still running then
    /// throws e2b::Timeout ("the call's deadline passed"). Zero and
    /// e2b::timeout_none mean no call deadline (the default), even if this
    /// handle has one. The view is an independent handle on the same sandbox,
    /// sharing the connections. Throws std::invalid_argument (a negative deadline).
    Sandbox with_deadline(std::chrono::milliseconds deadline) const {
        e2b_sandbox* view = nullptr;
        detail::call(e2b_sandbox_with_deadline, sandbox_.get(), detail::millis(deadline), &view);
        return Sandbox(view);
    }

    /// Takes a snapshot of the sandbox, which keeps running; start sandboxes
    /// from it with SandboxOptions().template_name(info.snapshot_id). Throws
    /// e2b::SandboxNotFound (also for a paused sandbox: only running ones can
    /// be snapshotted), e2b::InvalidArgument (a bad name).
    SnapshotInfo create_snapshot(const SnapshotOptions& options = {}, CancelArg cancel = {}) const;
    /// One page of the snapshots taken of this sandbox (the query's sandbox
    /// id is replaced by its), newest first.
    SnapshotPage list_snapshots(const SnapshotQuery& query = {}, CancelArg cancel = {}) const;
    /// Forks the sandbox: new sandboxes start from its state of now, and it
    /// runs on, its id and end unchanged. One ForkResult per fork asked for.
    /// Throws e2b::Conflict (a paused sandbox), e2b::SandboxNotFound.
    std::vector<ForkResult> fork(const ForkOptions& options = {}, CancelArg cancel = {}) const;

    /// The C object, still owned by this handle.
    e2b_sandbox* raw() const noexcept { return sandbox_.get(); }

private:
    friend class Client;
    explicit Sandbox(e2b_sandbox* sandbox) : sandbox_(sandbox) {}
    static std::vector<ForkResult> take_forks(e2b_fork_list* list);
    detail::Owned<e2b_sandbox, e2b_sandbox_free> sandbox_;
};

/// A client: settings plus a pool of connections, for any number of threads.
/// Every call may also throw e2b::AuthenticationError, e2b::Timeout,
/// e2b::NetworkError, e2b::TlsError, e2b::ApiError, and e2b::CancelledError
/// when cancelled through its last argument.
class Client {
public:
    /// A client configured from the environment (E2B_API_KEY, E2B_DOMAIN, ...).
    /// Throws std::runtime_error if the library's ABI does not match (see check_abi).
    Client() : Client(ClientOptions()) {}

    /// A client configured by `options` (copied).
    explicit Client(const ClientOptions& options) {
        check_abi();
        e2b_client* client = nullptr;
        detail::call(e2b_client_new, options.raw(), &client);
        client_.reset(client);
    }

    /// Creates a sandbox. Throws e2b::NotFound (an unknown template),
    /// e2b::InvalidArgument, e2b::RateLimited (see Error::retry_after). A
    /// create cancelled after its request reached the server may have made
    /// the sandbox (it ends at its timeout; an idempotency key finds it again).
    Sandbox create_sandbox(const SandboxOptions& options = {}, CancelArg cancel = {}) const {
        e2b_sandbox* sandbox = nullptr;
        detail::call(e2b_client_create_sandbox, client_.get(), options.raw(), &sandbox, cancel.raw());
        return Sandbox(sandbox);
    }

    /// Connects to the sandbox `id`, resuming it if it is paused, and keeps it
    /// alive at least `timeout` from now, rounded up to whole seconds (zero:
    /// 300 s, the SDKs' default; a running sandbox's timeout is only ever
    /// extended). Throws e2b::SandboxNotFound (killed, expired or unknown),
    /// e2b::InvalidArgument (e2b::timeout_none).
    Sandbox connect(StringArg id, std::chrono::milliseconds timeout = {}, CancelArg cancel = {}) const {
        return connect_reporting(id.c_str(), timeout, nullptr, cancel.raw());
    }

    /// Like connect(id, timeout, cancel), and sets `resumed` to whether the sandbox was paused.
    Sandbox connect(StringArg id, std::chrono::milliseconds timeout, bool& resumed, CancelArg cancel = {}) const {
        return connect_reporting(id.c_str(), timeout, &resumed, cancel.raw());
    }

    /// connect(), saying how a paused sandbox comes back (the SDKs'
    /// on_resume): OnResume::Reboot boots it afresh from its files. Sets
    /// `resumed` if not null. Throws as connect(), and e2b::Conflict (paused
    /// while envd did not answer: reboot it).
    Sandbox connect(StringArg id, std::chrono::milliseconds timeout, OnResume on_resume, bool* resumed = nullptr,
                    CancelArg cancel = {}) const {
        e2b_sandbox* sandbox = nullptr;
        detail::call(e2b_client_connect_sandbox_with, client_.get(), id.c_str(), detail::millis(timeout),
                     static_cast<int32_t>(on_resume), &sandbox, resumed, cancel.raw());
        return Sandbox(sandbox);
    }

    /// Pauses the sandbox `id` without a handle (the SDKs' class form), as
    /// Sandbox::pause(options) does; false if it was already paused.
    bool pause(StringArg id, const PauseOptions& options = {}, CancelArg cancel = {}) const {
        bool paused = false;
        detail::call(e2b_client_pause_sandbox, client_.get(), id.c_str(), static_cast<int32_t>(options.mode),
                     options.strict, &paused, cancel.raw());
        return paused;
    }

    /// Resumes the paused sandbox `id` for `timeout` (zero: 300 s): connect()
    /// under the name E2B's documentation uses. Throws e2b::SandboxNotFound.
    Sandbox resume(StringArg id, std::chrono::milliseconds timeout = {}, CancelArg cancel = {}) const {
        e2b_sandbox* sandbox = nullptr;
        detail::call(e2b_client_resume_sandbox, client_.get(), id.c_str(), detail::millis(timeout), &sandbox,
                     cancel.raw());
        return Sandbox(sandbox);
    }

    /// One page of the sandboxes `query` matches, newest first unless it says
    /// otherwise. To page on,
    /// pass the page's next_token to SandboxQuery::next_token.
    SandboxPage list(const SandboxQuery& query = {}, CancelArg cancel = {}) const {
        e2b_sandbox_page* raw = nullptr;
        detail::call(e2b_client_list_sandboxes, client_.get(), query.raw(), &raw, cancel.raw());
        const detail::Owned<e2b_sandbox_page, e2b_sandbox_page_free> page(raw);
        size_t n = 0;
        const e2b_sandbox_fields* const* fields = e2b_sandbox_page_fields(raw, &n);
        SandboxPage copy;
        copy.sandboxes.reserve(n);
        for (size_t i = 0; i < n; ++i) {
            copy.sandboxes.push_back(detail::sandbox_info(*fields[i], e2b_sandbox_page_get(raw, i)));
        }
        copy.next_token = detail::optional_string(e2b_sandbox_page_next_token(raw));
        const int64_t total = e2b_sandbox_page_total_running(raw);
        if (total >= 0) copy.total_running = static_cast<uint64_t>(total);
        return copy;
    }

    /// Kills the sandbox `id` without connecting to it (which would resume
    /// it); false if it no longer existed.
    bool kill(StringArg id, CancelArg cancel = {}) const {
        bool killed = false;
        detail::call(e2b_client_kill_sandbox, client_.get(), id.c_str(), &killed, cancel.raw());
        return killed;
    }

    /// Replaces the egress configuration of the sandbox `id` without
    /// connecting to it (see Sandbox::update_network).
    void update_network(StringArg id, const NetworkOptions& network, CancelArg cancel = {}) const {
        detail::Owned<e2b_network_options, e2b_network_options_free> empty(
            network.raw() ? nullptr : e2b_network_options_new());
        detail::call(e2b_client_update_network, client_.get(), id.c_str(), network.raw() ? network.raw() : empty.get(),
                     cancel.raw());
    }

    /// What the control plane knows of the sandbox `id`, without connecting
    /// to it. Throws e2b::SandboxNotFound.
    SandboxInfo get_info(StringArg id, CancelArg cancel = {}) const {
        e2b_sandbox_info* info = nullptr;
        detail::call(e2b_client_get_sandbox_info, client_.get(), id.c_str(), &info, cancel.raw());
        return detail::sandbox_info(detail::Owned<e2b_sandbox_info, e2b_sandbox_info_free>(info).get());
    }

    /// The metrics samples of the sandbox `id` (see Sandbox::get_metrics),
    /// without connecting to it.
    std::vector<SandboxMetrics> get_metrics(StringArg id, const TimeBound& start = std::nullopt,
                                            const TimeBound& end = std::nullopt, CancelArg cancel = {}) const {
        e2b_metrics_list* list = nullptr;
        detail::call(e2b_client_get_sandbox_metrics, client_.get(), id.c_str(), detail::unix_millis(start),
                     detail::unix_millis(end), &list, cancel.raw());
        return detail::metrics_list(list);
    }

    /// A view of this client whose every call ends within `deadline` of its
    /// start, retries, transfers and streams included, and with them the
    /// sandboxes, commands, watches and readers the call hands out: a call
    /// still running then throws e2b::Timeout ("the call's deadline passed").
    /// Sandboxes made through the view carry the deadline. Zero and
    /// e2b::timeout_none mean no call deadline (the default), even if this
    /// client has one. The view is an independent client sharing the settings
    /// and connections. Throws std::invalid_argument (a negative deadline).
    Client with_deadline(std::chrono::milliseconds deadline) const {
        e2b_client* view = nullptr;
        detail::call(e2b_client_with_deadline, client_.get(), detail::millis(deadline), &view);
        return Client(view, Adopt{});
    }

    /// Sandbox::create_snapshot of the sandbox `sandbox_id`, without connecting to it.
    SnapshotInfo create_snapshot(StringArg sandbox_id, const SnapshotOptions& options = {},
                                 CancelArg cancel = {}) const;
    /// One page of the team's snapshots `query` matches, newest first. To
    /// page on, pass the page's next_token to SnapshotQuery::next_token.
    /// Throws e2b::InvalidArgument (a bad limit, token, sandbox id or name).
    SnapshotPage list_snapshots(const SnapshotQuery& query = {}, CancelArg cancel = {}) const;
    /// Deletes the snapshot `snapshot_id` (every build of its template);
    /// false if there was none. Sandboxes started from it run on. Throws
    /// e2b::PermissionDenied (a template that is not the team's, like "base").
    bool delete_snapshot(StringArg snapshot_id, CancelArg cancel = {}) const;
    /// Sandbox::fork of the sandbox `sandbox_id`, without connecting to it.
    std::vector<ForkResult> fork(StringArg sandbox_id, const ForkOptions& options = {}, CancelArg cancel = {}) const;

    /// The C object, still owned by this client.
    e2b_client* raw() const noexcept { return client_.get(); }

private:
    struct Adopt {};
    Client(e2b_client* client, Adopt) : client_(client) {}

    Sandbox connect_reporting(const char* id, std::chrono::milliseconds timeout, bool* resumed,
                              const e2b_cancel* cancel) const {
        e2b_sandbox* sandbox = nullptr;
        detail::call(e2b_client_connect_sandbox, client_.get(), id, detail::millis(timeout), &sandbox, resumed,
                     cancel);
        return Sandbox(sandbox);
    }

    detail::Owned<e2b_client, e2b_client_free> client_;
};

// ---- Snapshots and fork ----

/// One fork of Sandbox::fork: the running sandbox, or what that fork met.
struct ForkResult {
    /// The fork, when it started.
    std::optional<Sandbox> sandbox;
    /// Otherwise the error it met (an e2b::Error: rethrow it to catch it by type).
    std::exception_ptr error;

    /// Whether the fork started.
    bool ok() const noexcept { return sandbox.has_value(); }
    /// The sandbox; throws the fork's error if it did not start.
    Sandbox& value() {
        if (!sandbox) {
            std::rethrow_exception(error);
        }
        return *sandbox;
    }
};

namespace detail {

inline SnapshotInfo snapshot_info(const e2b_snapshot_fields& fields) {
    SnapshotInfo info;
    info.snapshot_id = string(fields.snapshot_id);
    for (size_t i = 0; i < fields.names_len; ++i) {
        info.names.push_back(string(fields.names[i]));
    }
    return info;
}

inline SnapshotInfo take_snapshot_info(e2b_snapshot_info* raw) {
    const Owned<e2b_snapshot_info, e2b_snapshot_info_free> info(raw);
    return snapshot_info(*e2b_snapshot_info_fields(raw));
}

inline SnapshotPage take_snapshot_page(e2b_snapshot_page* raw) {
    const Owned<e2b_snapshot_page, e2b_snapshot_page_free> page(raw);
    size_t n = 0;
    const e2b_snapshot_fields* const* fields = e2b_snapshot_page_fields(raw, &n);
    SnapshotPage copy;
    copy.snapshots.reserve(n);
    for (size_t i = 0; i < n; ++i) {
        copy.snapshots.push_back(snapshot_info(*fields[i]));
    }
    copy.next_token = optional_string(e2b_snapshot_page_next_token(raw));
    return copy;
}

}  // namespace detail

inline std::vector<ForkResult> Sandbox::take_forks(e2b_fork_list* raw) {
    const detail::Owned<e2b_fork_list, e2b_fork_list_free> list(raw);
    std::vector<ForkResult> results(e2b_fork_list_len(raw));
    for (size_t i = 0; i < results.size(); ++i) {
        if (e2b_sandbox* sandbox = e2b_fork_list_take(raw, i)) {
            results[i].sandbox.emplace(Sandbox(sandbox));
            continue;
        }
        try {
            detail::throw_error(E2B_ERR_DECODE, e2b_fork_list_error(raw, i));
        } catch (...) {
            results[i].error = std::current_exception();
        }
    }
    return results;
}

inline SnapshotInfo Sandbox::create_snapshot(const SnapshotOptions& options, CancelArg cancel) const {
    e2b_snapshot_info* info = nullptr;
    detail::call(e2b_sandbox_create_snapshot, sandbox_.get(), options.raw(), &info, cancel.raw());
    return detail::take_snapshot_info(info);
}

inline SnapshotPage Sandbox::list_snapshots(const SnapshotQuery& query, CancelArg cancel) const {
    e2b_snapshot_page* page = nullptr;
    detail::call(e2b_sandbox_list_snapshots, sandbox_.get(), query.raw(), &page, cancel.raw());
    return detail::take_snapshot_page(page);
}

inline std::vector<ForkResult> Sandbox::fork(const ForkOptions& options, CancelArg cancel) const {
    e2b_fork_list* list = nullptr;
    detail::call(e2b_sandbox_fork, sandbox_.get(), options.raw(), &list, cancel.raw());
    return take_forks(list);
}

inline SnapshotInfo Client::create_snapshot(StringArg sandbox_id, const SnapshotOptions& options,
                                            CancelArg cancel) const {
    e2b_snapshot_info* info = nullptr;
    detail::call(e2b_client_create_snapshot, client_.get(), sandbox_id.c_str(), options.raw(), &info, cancel.raw());
    return detail::take_snapshot_info(info);
}

inline SnapshotPage Client::list_snapshots(const SnapshotQuery& query, CancelArg cancel) const {
    e2b_snapshot_page* page = nullptr;
    detail::call(e2b_client_list_snapshots, client_.get(), query.raw(), &page, cancel.raw());
    return detail::take_snapshot_page(page);
}

inline bool Client::delete_snapshot(StringArg snapshot_id, CancelArg cancel) const {
    bool deleted = false;
    detail::call(e2b_client_delete_snapshot, client_.get(), snapshot_id.c_str(), &deleted, cancel.raw());
    return deleted;
}

inline std::vector<ForkResult> Client::fork(StringArg sandbox_id, const ForkOptions& options,
                                            CancelArg cancel) const {
    e2b_fork_list* list = nullptr;
    detail::call(e2b_client_fork_sandbox, client_.get(), sandbox_id.c_str(), options.raw(), &list, cancel.raw());
    return Sandbox::take_forks(list);
}

// ---- volumes ----

/// One entry of a volume (the SDKs' VolumeEntryStat).
struct VolumeEntry {
    std::string name;
    std::string path;  ///< absolute, in the volume
    FileType type = FileType::Other;
    int64_t size = 0;
    uint32_t mode = 0;  ///< permission bits
    uint32_t uid = 0;   ///< as sandboxes see it (1000 is `user`)
    uint32_t gid = 0;
    std::string atime, mtime, ctime;    ///< RFC 3339
    std::optional<std::string> target;  ///< where a symlink points
};

/// A volume as Volume::list reports it, and Volume::get_info with a token.
struct VolumeInfo {
    std::string volume_id;
    std::string name;
    std::optional<std::string> token;   ///< Volume::get_info only
    std::optional<std::string> domain;  ///< a team's own cluster only
};

/// Owner, group, mode and force for Volume::write_file, make_dir and
/// update_metadata. New, it leaves everything to the server.
class VolumeWriteOptions : public detail::Builder<e2b_volume_write_options, e2b_volume_write_options_new,
                                                  e2b_volume_write_options_free> {
public:
    VolumeWriteOptions& uid(uint32_t uid) {
        detail::call(e2b_volume_write_options_set_uid, get(), uid);
        return *this;
    }
    VolumeWriteOptions& gid(uint32_t gid) {
        detail::call(e2b_volume_write_options_set_gid, get(), gid);
        return *this;
    }
    VolumeWriteOptions& mode(uint32_t mode) {
        detail::call(e2b_volume_write_options_set_mode, get(), mode);
        return *this;
    }
    /// make_dir: create missing parents; write_file, write_stream: overwrite an existing file.
    VolumeWriteOptions& force(bool force) {
        detail::call(e2b_volume_write_options_set_force, get(), force);
        return *this;
    }
};

namespace detail {
inline VolumeEntry volume_entry(const e2b_volume_entry* entry) {
    VolumeEntry copy;
    copy.name = string(e2b_volume_entry_name(entry));
    copy.path = string(e2b_volume_entry_path(entry));
    copy.type = static_cast<FileType>(e2b_volume_entry_type(entry));
    copy.size = e2b_volume_entry_size(entry);
    copy.mode = e2b_volume_entry_mode(entry);
    copy.uid = e2b_volume_entry_uid(entry);
    copy.gid = e2b_volume_entry_gid(entry);
    copy.atime = string(e2b_volume_entry_atime(entry));
    copy.mtime = string(e2b_volume_entry_mtime(entry));
    copy.ctime = string(e2b_volume_entry_ctime(entry));
    copy.target = optional_string(e2b_volume_entry_target(entry));
    return copy;
}

inline VolumeEntry take_volume_entry(e2b_volume_entry* raw) {
    const Owned<e2b_volume_entry, e2b_volume_entry_free> entry(raw);
    return volume_entry(raw);
}

inline VolumeInfo volume_info(const e2b_volume_info* info) {
    return {string(e2b_volume_info_id(info)), string(e2b_volume_info_name(info)),
            optional_string(e2b_volume_info_token(info)), optional_string(e2b_volume_info_domain(info))};
}
}  // namespace detail

/// A persistent folder that outlives sandboxes (the official SDKs' Volume):
/// the control plane as static functions taking the client, a volume's files
/// through the handle (the volume content API, with the volume's own token,
/// reached at $E2B_VOLUME_API_URL, else at the client's API URL). Mount it
/// into a sandbox with SandboxOptions::volume_mount. Move-only; destroying
/// the handle leaves the volume. Thread-safe.
class Volume {
public:
    /// Creates an empty volume named `name` (letters, digits, '_' and '-';
    /// unique in the team); a bad or taken name throws e2b::InvalidArgument.
    static Volume create(const Client& client, StringArg name, CancelArg cancel = {}) {
        e2b_volume* volume = nullptr;
        detail::call(e2b_client_create_volume, client.raw(), name.c_str(), &volume, cancel.raw());
        return Volume(volume);
    }
    /// Connects to the volume `volume_id` (e2b::NotFound when there is none).
    static Volume connect(const Client& client, StringArg volume_id, CancelArg cancel = {}) {
        e2b_volume* volume = nullptr;
        detail::call(e2b_client_connect_volume, client.raw(), volume_id.c_str(), &volume, cancel.raw());
        return Volume(volume);
    }
    /// The volume `volume_id` with a fresh content token.
    static VolumeInfo get_info(const Client& client, StringArg volume_id, CancelArg cancel = {}) {
        e2b_volume_info* raw = nullptr;
        detail::call(e2b_client_get_volume_info, client.raw(), volume_id.c_str(), &raw, cancel.raw());
        const detail::Owned<e2b_volume_info, e2b_volume_info_free> info(raw);
        return detail::volume_info(raw);
    }
    /// Every volume of the team.
    static std::vector<VolumeInfo> list(const Client& client, CancelArg cancel = {}) {
        e2b_volume_list* raw = nullptr;
        detail::call(e2b_client_list_volumes, client.raw(), &raw, cancel.raw());
        const detail::Owned<e2b_volume_list, e2b_volume_list_free> list(raw);
        std::vector<VolumeInfo> copy;
        for (size_t i = 0, n = e2b_volume_list_len(raw); i < n; ++i) {
            copy.push_back(detail::volume_info(e2b_volume_list_get(raw, i)));
        }
        return copy;
    }
    /// Destroys the volume `volume_id` and its files; false when there was none.
    static bool destroy(const Client& client, StringArg volume_id, CancelArg cancel = {}) {
        bool destroyed = false;
        detail::call(e2b_client_destroy_volume, client.raw(), volume_id.c_str(), &destroyed, cancel.raw());
        return destroyed;
    }

    std::string volume_id() const { return detail::string(e2b_volume_id(detail::live(volume_.get()))); }
    /// The name SandboxOptions::volume_mount takes.
    std::string name() const { return detail::string(e2b_volume_name(detail::live(volume_.get()))); }
    /// The content API's bearer token.
    std::string token() const { return detail::string(e2b_volume_token(detail::live(volume_.get()))); }

    /// The entries under the folder `path`, `depth` levels deep (0: the server's default, 1).
    std::vector<VolumeEntry> list_dir(StringArg path, uint32_t depth = 0, CancelArg cancel = {}) const {
        e2b_volume_entry_list* raw = nullptr;
        detail::call(e2b_volume_list_dir, volume_.get(), path.c_str(), depth, &raw, cancel.raw());
        const detail::Owned<e2b_volume_entry_list, e2b_volume_entry_list_free> list(raw);
        std::vector<VolumeEntry> copy;
        for (size_t i = 0, n = e2b_volume_entry_list_len(raw); i < n; ++i) {
            copy.push_back(detail::volume_entry(e2b_volume_entry_list_get(raw, i)));
        }
        return copy;
    }
    /// Creates the folder `path` (options.force(true): with its missing parents).
    VolumeEntry make_dir(StringArg path, const VolumeWriteOptions& options = {}, CancelArg cancel = {}) const {
        e2b_volume_entry* entry = nullptr;
        detail::call(e2b_volume_make_dir, volume_.get(), path.c_str(), options.raw(), &entry, cancel.raw());
        return detail::take_volume_entry(entry);
    }
    /// Whether `path` exists in the volume.
    bool exists(StringArg path, CancelArg cancel = {}) const {
        bool exists = false;
        detail::call(e2b_volume_exists, volume_.get(), path.c_str(), &exists, cancel.raw());
        return exists;
    }
    /// What `path` is, a symlink itself (the SDKs' volume.get_info(path)).
    VolumeEntry get_entry_info(StringArg path, CancelArg cancel = {}) const {
        e2b_volume_entry* entry = nullptr;
        detail::call(e2b_volume_get_entry_info, volume_.get(), path.c_str(), &entry, cancel.raw());
        return detail::take_volume_entry(entry);
    }
    /// Sets the owner, group or mode of `path` to those set in `options`.
    VolumeEntry update_metadata(StringArg path, const VolumeWriteOptions& options, CancelArg cancel = {}) const {
        e2b_volume_entry* entry = nullptr;
        detail::call(e2b_volume_update_metadata, volume_.get(), path.c_str(), options.raw(), &entry, cancel.raw());
        return detail::take_volume_entry(entry);
    }
    /// The file `path` as text.
    std::string read_file(StringArg path, CancelArg cancel = {}) const {
        detail::OwnedBytes out;
        detail::call(e2b_volume_read_file, volume_.get(), path.c_str(), &out.bytes, cancel.raw());
        return out.string();
    }
    /// The file `path` as bytes.
    std::vector<uint8_t> read_bytes(StringArg path, CancelArg cancel = {}) const {
        detail::OwnedBytes out;
        detail::call(e2b_volume_read_file, volume_.get(), path.c_str(), &out.bytes, cancel.raw());
        return out.vector();
    }
    /// Streams the file `path` to `on_data` chunk by chunk, in constant memory; returns its size.
    /// Throws e2b::NotFound, or what `on_data` or `progress` threw (which stops the transfer).
    uint64_t read_stream(StringArg path, const DataFn& on_data, const ProgressFn& progress = {},
                         CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.on_data = &on_data;
        callbacks.progress = &progress;
        uint64_t size = 0;
        callbacks.call(e2b_volume_read_stream, volume_.get(), path.c_str(), &detail::data_cb,
                       detail::progress_cb(progress), &callbacks, &size, cancel.raw());
        return size;
    }
    /// Streams the file `path` into `out`; returns its size. Throws std::ios_base::failure if `out` fails.
    uint64_t read_stream(StringArg path, std::ostream& out, const ProgressFn& progress = {},
                         CancelArg cancel = {}) const {
        return read_stream(path.c_str(), detail::ostream_sink(out), progress, CancelArg(cancel.raw()));
    }
    /// Writes `data` to the file `path`, creating it or replacing its content (its folder must exist).
    VolumeEntry write_file(StringArg path, ByteView data, const VolumeWriteOptions& options = {},
                           CancelArg cancel = {}) const {
        e2b_volume_entry* entry = nullptr;
        detail::call(e2b_volume_write_file, volume_.get(), path.c_str(), data.data(), data.size(), options.raw(),
                     &entry, cancel.raw());
        return detail::take_volume_entry(entry);
    }
    /// Streams the file `path` from `read` in constant memory, creating it or
    /// replacing its content (its folder must exist). `size`, if known, is how
    /// many bytes `read` will supply: fewer or more throw e2b::IoError at once,
    /// and the file stays as it was.
    VolumeEntry write_stream(StringArg path, const ReadFn& read, std::optional<uint64_t> size = std::nullopt,
                             const VolumeWriteOptions& options = {}, const ProgressFn& progress = {},
                             CancelArg cancel = {}) const {
        detail::Callbacks callbacks;
        callbacks.read = &read;
        callbacks.progress = &progress;
        const int64_t known = size ? static_cast<int64_t>(*size) : -1;
        e2b_volume_entry* entry = nullptr;
        callbacks.call(e2b_volume_write_stream, volume_.get(), path.c_str(), known, options.raw(), &detail::read_cb,
                       detail::progress_cb(progress), &callbacks, &entry, cancel.raw());
        return detail::take_volume_entry(entry);
    }
    /// Streams the file `path` from `in` to its end. Throws std::ios_base::failure if `in` fails.
    VolumeEntry write_stream(StringArg path, std::istream& in, std::optional<uint64_t> size = std::nullopt,
                             const VolumeWriteOptions& options = {}, const ProgressFn& progress = {},
                             CancelArg cancel = {}) const {
        return write_stream(path.c_str(), detail::istream_source(in), size, options, progress,
                            CancelArg(cancel.raw()));
    }
    /// Removes the file or folder `path` (a folder with everything in it).
    void remove(StringArg path, CancelArg cancel = {}) const {
        detail::call(e2b_volume_remove, volume_.get(), path.c_str(), cancel.raw());
    }

    /// The C object, still owned by this handle.
    e2b_volume* raw() const noexcept { return volume_.get(); }

private:
    explicit Volume(e2b_volume* volume) : volume_(volume) {}
    detail::Owned<e2b_volume, e2b_volume_free> volume_;
};

// ---- template builds ----

/// One line of a template build's log.
struct BuildLogEntry {
    std::string timestamp;
    /// "debug", "info", "warn" or "error".
    std::string level;
    std::string message;
    /// "base", a step's 1-based index, "finalize", or empty.
    std::string step;
};

/// A build (Template::build, Template::build_in_background). Template::get_build_status takes it.
struct BuildInfo {
    std::string template_id;
    std::string build_id;
    /// The name the build was asked under.
    std::string name;
    std::vector<std::string> tags;
    /// The C object (shared by copies).
    std::shared_ptr<e2b_build_info> raw;
};

/// A build's status and the log entries asked for.
struct BuildStatusInfo {
    BuildStatus status = BuildStatus::Error;
    std::vector<BuildLogEntry> log_entries;
    /// Why it failed; empty unless it did.
    std::string reason;
    /// The failing step, when known.
    std::string reason_step;
};

/// One tag of a template.
struct TemplateTag {
    std::string tag;
    std::string build_id;
    std::string created_at;
};

/// Receives each log entry of Template::build; what it throws stops the wait and is rethrown.
using BuildLogFn = std::function<void(const BuildLogEntry&)>;

namespace detail {
inline BuildLogEntry build_log_entry(const e2b_build_log_entry* entry) {
    return BuildLogEntry{string(e2b_build_log_entry_timestamp(entry)), string(e2b_build_log_entry_level(entry)),
                         string(e2b_build_log_entry_message(entry)), string(e2b_build_log_entry_step(entry))};
}

inline BuildInfo take_build_info(e2b_build_info* raw) {
    BuildInfo info;
    info.raw = std::shared_ptr<e2b_build_info>(raw, e2b_build_info_free);
    info.template_id = string(e2b_build_info_template_id(raw));
    info.build_id = string(e2b_build_info_build_id(raw));
    info.name = string(e2b_build_info_name(raw));
    for (size_t i = 0; i < e2b_build_info_tags_len(raw); i++) {
        info.tags.push_back(string(e2b_build_info_tags_get(raw, i)));
    }
    return info;
}

inline std::vector<const char*> c_strings(const std::vector<std::string>& items) {
    std::vector<const char*> out;
    for (const auto& item : items) {
        out.push_back(item.c_str());
    }
    return out;
}
}  // namespace detail

/// A template definition, as the official SDKs' builder: a base (an image or
/// a template) and build steps, built on the server by Template::build. New,
/// it starts from E2B's base image; copy sources are relative to
/// file_context_path (default: the current directory). Methods return the
/// template, so calls chain.
class Template : public detail::Builder<e2b_template, e2b_template_new, e2b_template_free> {
public:
    /// The folder copy sources are relative to.
    Template& file_context_path(StringArg path) {
        detail::call(e2b_template_set_file_context_path, get(), path.c_str());
        return *this;
    }
    /// Starts from the image (e2b-local has e2bdev/base, debian:*, e2bdev/code-interpreter).
    Template& from_image(StringArg image) {
        detail::call(e2b_template_from_image, get(), image.c_str());
        return *this;
    }
    /// Starts from E2B's base image.
    Template& from_base_image() {
        detail::call(e2b_template_from_base_image, get());
        return *this;
    }
    /// Starts from the template `name` (its files, environment, user, workdir, start command).
    Template& from_template(StringArg name) {
        detail::call(e2b_template_from_template, get(), name.c_str());
        return *this;
    }
    /// Copies `src` (a file, folder or glob in the context folder) to `dest`,
    /// owned by `user` (empty: the current user), with `mode` (negative: the files' own).
    Template& copy(StringArg src, StringArg dest, const std::string& user = "", int32_t mode = -1,
                   bool force_upload = false, bool resolve_symlinks = false) {
        detail::call(e2b_template_copy, get(), src.c_str(), dest.c_str(), user.empty() ? nullptr : user.c_str(), mode,
                     force_upload, resolve_symlinks);
        return *this;
    }
    /// Runs `command` as `user` (empty: the current user).
    Template& run_cmd(StringArg command, const std::string& user = "") {
        detail::call(e2b_template_run_cmd, get(), command.c_str(), user.empty() ? nullptr : user.c_str());
        return *this;
    }
    /// Sets environment variables (in the map's order) for the following steps and the sandboxes.
    Template& set_envs(const std::map<std::string, std::string>& envs) {
        std::vector<const char*> keys, values;
        for (const auto& [key, value] : envs) {
            keys.push_back(key.c_str());
            values.push_back(value.c_str());
        }
        detail::call(e2b_template_set_envs, get(), keys.data(), values.data(), keys.size());
        return *this;
    }
    /// Sets the working directory of the following steps and the sandboxes.
    Template& set_workdir(StringArg dir) {
        detail::call(e2b_template_set_workdir, get(), dir.c_str());
        return *this;
    }
    /// Sets the user of the following steps and the sandboxes.
    Template& set_user(StringArg user) {
        detail::call(e2b_template_set_user, get(), user.c_str());
        return *this;
    }
    /// Sets the command started with each sandbox, and the one run until it succeeds before it is ready.
    Template& set_start_cmd(StringArg start, StringArg ready) {
        detail::call(e2b_template_set_start_cmd, get(), start.c_str(), ready.c_str());
        return *this;
    }
    /// Sets the ready command alone.
    Template& set_ready_cmd(StringArg ready) {
        detail::call(e2b_template_set_ready_cmd, get(), ready.c_str());
        return *this;
    }
    /// Rebuilds the following steps rather than using the server's cache.
    Template& skip_cache() {
        detail::call(e2b_template_skip_cache, get());
        return *this;
    }

    /// Builds the template under `name` ("name" or "name:tag") with the extra
    /// `tags`, and waits until it is ready, giving each log entry to `on_log`.
    /// Throws e2b::BuildError (the server's reason), e2b::FileUploadError,
    /// e2b::InvalidArgument (a copy source that matches nothing).
    BuildInfo build(const Client& client, StringArg name, const std::vector<std::string>& tags = {},
                    const BuildLogFn& on_log = nullptr, CancelArg cancel = {}) {
        struct State {
            const BuildLogFn* fn;
            std::exception_ptr error;
        } state{&on_log, nullptr};
        e2b_build_log_cb cb = nullptr;
        if (on_log) {
            cb = [](void* user_data, const e2b_build_log_entry* entry) -> int32_t {
                auto& s = *static_cast<State*>(user_data);
                try {
                    (*s.fn)(detail::build_log_entry(entry));
                    return 0;
                } catch (...) {
                    s.error = std::current_exception();
                    return 1;
                }
            };
        }
        const auto ctags = detail::c_strings(tags);
        e2b_build_info* out = nullptr;
        e2b_error* err = nullptr;
        const e2b_error_code code = e2b_template_build(client.raw(), get(), name.c_str(), ctags.data(), ctags.size(),
                                                       cb, &state, &out, cancel.raw(), &err);
        const detail::OwnedError owned(err);
        if (state.error) {
            std::rethrow_exception(state.error);
        }
        if (code != E2B_OK) {
            detail::throw_error(code, err);
        }
        return detail::take_build_info(out);
    }
    /// Starts the build and returns without waiting (follow it with get_build_status).
    BuildInfo build_in_background(const Client& client, StringArg name, const std::vector<std::string>& tags = {},
                                  CancelArg cancel = {}) {
        const auto ctags = detail::c_strings(tags);
        e2b_build_info* out = nullptr;
        detail::call(e2b_template_build_in_background, client.raw(), get(), name.c_str(), ctags.data(), ctags.size(),
                     &out, cancel.raw());
        return detail::take_build_info(out);
    }
    /// One look at the build's status, with its log entries from `logs_offset`.
    static BuildStatusInfo get_build_status(const Client& client, const BuildInfo& info, size_t logs_offset = 0,
                                            CancelArg cancel = {}) {
        e2b_build_status_info* out = nullptr;
        detail::call(e2b_template_get_build_status, client.raw(), info.raw.get(), logs_offset, &out, cancel.raw());
        const detail::Owned<e2b_build_status_info, e2b_build_status_info_free> owned(out);
        BuildStatusInfo status;
        status.status = static_cast<BuildStatus>(e2b_build_status_info_status(out));
        status.reason = detail::string(e2b_build_status_info_reason(out));
        status.reason_step = detail::string(e2b_build_status_info_reason_step(out));
        for (size_t i = 0; i < e2b_build_status_info_logs_len(out); i++) {
            status.log_entries.push_back(detail::build_log_entry(e2b_build_status_info_logs_get(out, i)));
        }
        return status;
    }
    /// Whether a template called `name` exists.
    static bool exists(const Client& client, StringArg name, CancelArg cancel = {}) {
        bool found = false;
        detail::call(e2b_template_exists, client.raw(), name.c_str(), &found, cancel.raw());
        return found;
    }
    /// Gives the build `target` ("name:tag") the tags too.
    static void assign_tags(const Client& client, StringArg target, const std::vector<std::string>& tags,
                            CancelArg cancel = {}) {
        const auto ctags = detail::c_strings(tags);
        detail::call(e2b_template_assign_tags, client.raw(), target.c_str(), ctags.data(), ctags.size(), cancel.raw());
    }
    /// Removes the tags of the template `name`.
    static void remove_tags(const Client& client, StringArg name, const std::vector<std::string>& tags,
                            CancelArg cancel = {}) {
        const auto ctags = detail::c_strings(tags);
        detail::call(e2b_template_remove_tags, client.raw(), name.c_str(), ctags.data(), ctags.size(), cancel.raw());
    }
    /// The tags of the template (an id or a name).
    static std::vector<TemplateTag> get_tags(const Client& client, StringArg template_id, CancelArg cancel = {}) {
        e2b_template_tag_list* out = nullptr;
        detail::call(e2b_template_get_tags, client.raw(), template_id.c_str(), &out, cancel.raw());
        const detail::Owned<e2b_template_tag_list, e2b_template_tag_list_free> owned(out);
        std::vector<TemplateTag> tags;
        for (size_t i = 0; i < e2b_template_tag_list_len(out); i++) {
            tags.push_back(TemplateTag{detail::string(e2b_template_tag_list_tag(out, i)),
                                       detail::string(e2b_template_tag_list_build_id(out, i)),
                                       detail::string(e2b_template_tag_list_created_at(out, i))});
        }
        return tags;
    }
    /// Deletes the template (every tag); false when there was none.
    static bool delete_template(const Client& client, StringArg template_id, CancelArg cancel = {}) {
        bool deleted = false;
        detail::call(e2b_template_delete, client.raw(), template_id.c_str(), &deleted, cancel.raw());
        return deleted;
    }
};

}  // namespace e2b

#endif  // E2B_HPP
