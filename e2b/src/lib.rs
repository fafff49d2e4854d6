//! A blocking client for [E2B](https://e2b.dev) sandboxes.
//!
//! ```no_run
//! use e2b::{Client, SandboxOptions};
//!
//! # fn main() -> e2b::Result<()> {
//! let client = Client::from_env(); // E2B_API_KEY, E2B_DOMAIN, ...
//! let sandbox = client.create_sandbox(&SandboxOptions::default())?;
//! sandbox.files().write("/home/user/hello.txt", "Hello, sandbox!")?;
//! let result = sandbox.commands().run("cat hello.txt", &Default::default(), None)?;
//! assert_eq!(result.stdout, b"Hello, sandbox!");
//! sandbox.kill()?;
//! # Ok(())
//! # }
//! ```
//!
//! Every call blocks until it is done or a limit passes, and is safe to make
//! from many threads at once: a [`Client`] and a [`Sandbox`] are cheap to
//! clone and share one pool of connections. The names are the official
//! SDKs' (`create`, `connect`, `files.write`, `commands.run`, `run_code`, ...).
//!
//! # Configuration
//!
//! [`Client::from_env`] reads the variables the official SDKs read
//! (`E2B_API_KEY`, `E2B_DOMAIN`, `E2B_API_URL`, `E2B_SANDBOX_URL`,
//! `E2B_DEBUG`). Anything else is set through a [`ConfigBuilder`], starting
//! from the defaults or from the environment:
//!
//! ```no_run
//! use std::time::Duration;
//! use e2b::{Client, Config};
//!
//! # fn main() -> e2b::Result<()> {
//! let config = Config::from_env()
//!     .to_builder()
//!     .request_timeout(Some(Duration::from_secs(30)))
//!     .max_retries(5)
//!     .header("X-Team", "data")?
//!     .build();
//! let client = Client::new(config);
//! # Ok(())
//! # }
//! ```
//!
//! `Debug` of a [`Config`], [`Client`] or [`Sandbox`] never shows the API key,
//! header values or the sandbox's access tokens, so they may be logged.
//!
//! # Sandboxes
//!
//! [`Client::create_sandbox`] starts one from a template
//! ([`SandboxOptions`]); [`Client::connect`] (or [`resume`](Client::resume))
//! finds one again by id, resuming it if it is paused; [`Client::list`] and
//! [`list_all`](Client::list_all) find them by state and metadata
//! ([`ListQuery`]). A [`Sandbox`] handle pauses, kills, and reaches the
//! sandbox's [files](Sandbox::files), [commands](Sandbox::commands) and code
//! interpreter; [`Sandbox::get_metrics`] gives its CPU, memory and disk
//! samples ([`SandboxMetrics`]) over a time range. Dropping it never kills the sandbox.
//! What a sandbox may reach is set at create ([`SandboxOptions::network`],
//! [`NetworkOptions`]: allow and deny lists, DNS servers, an egress proxy,
//! per-host rules, public traffic) and replaced while it runs
//! ([`Sandbox::update_network`], [`NetworkUpdate`]).
//!
//! What happens at the timeout is a [`Lifecycle`] ([`SandboxOptions::lifecycle`]:
//! kill, or pause with its files and memory or its files only, and whether
//! traffic resumes it); [`Sandbox::pause_with`] pauses with a [`PauseMode`] and
//! `strict` ([`PauseOptions`]), and [`Client::connect_with`] brings a paused
//! sandbox back from its memory or, with [`OnResume::Reboot`], afresh from its files.
//!
//! ```no_run
//! use std::time::Duration;
//! use e2b::{Client, ListQuery, SandboxOptions, SandboxState};
//!
//! # fn main() -> e2b::Result<()> {
//! let client = Client::from_env();
//! let options = SandboxOptions::new("base").timeout(Duration::from_secs(600)).metadata("user", "ada");
//! let sandbox = client.create_sandbox(&options)?;
//! sandbox.pause()?; // Ok(false) if it was already paused
//!
//! let paused = client.list_all(&ListQuery::default().state(SandboxState::Paused).metadata("user", "ada"))?;
//! for info in paused {
//!     let sandbox = client.resume(&info.sandbox_id, Duration::from_secs(300))?; // files and memory kept
//!     sandbox.kill()?;
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Snapshots and fork
//!
//! [`Sandbox::create_snapshot`] keeps a sandbox's state as a template of the
//! team that new sandboxes start from ([`SandboxOptions::from_snapshot`]);
//! [`Client::list_snapshots`] pages through them ([`SnapshotPaginator`]) and
//! [`Client::delete_snapshot`] deletes one. [`Sandbox::fork`] makes running
//! copies of a sandbox in one call.
//!
//! ```no_run
//! use e2b::{Client, ForkOptions, SandboxOptions, SnapshotOptions, SnapshotQuery};
//!
//! # fn main() -> e2b::Result<()> {
//! let client = Client::from_env();
//! let sandbox = client.create_sandbox(&SandboxOptions::default())?;
//! let snapshot = sandbox.create_snapshot(&SnapshotOptions::default().name("my-env"))?;
//! let copy = client.create_sandbox(&SandboxOptions::from_snapshot(&snapshot.snapshot_id))?;
//! let all = client.list_snapshots(&SnapshotQuery::default().name("my-env")).all()?;
//! for fork in sandbox.fork(&ForkOptions::default().count(2))? {
//!     println!("fork {}", fork?.id());
//! }
//! client.delete_snapshot(&snapshot.snapshot_id)?;
//! # Ok(())
//! # }
//! ```
//!
//! # Files
//!
//! [`Sandbox::files`] reads and writes bytes, never transcoded: whole files,
//! streams in constant memory ([`Files::read_to`], [`Files::write_from`],
//! [`Files::open_read`]), local files and directory trees with progress
//! callbacks, and signed URLs for other programs. It also lists, stats,
//! makes, removes and renames ([`EntryInfo`]).
//!
//! ```no_run
//! use std::path::Path;
//!
//! # fn main() -> e2b::Result<()> {
//! # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
//! let files = sandbox.files();
//! files.write("/home/user/data/input.csv", b"a,b\n1,2\n")?;
//! for entry in files.list("/home/user/data", 1)? {
//!     println!("{} {:?} {} bytes", entry.name, entry.file_type, entry.size);
//! }
//! files.download_dir("/home/user/data", Path::new("./data"), None)?;
//! files.as_user("root").write("/etc/motd", "hello")?;
//! # Ok(())
//! # }
//! ```
//!
//! # Commands
//!
//! [`Commands::run`] waits for a command and returns its
//! [`CommandResult`]: a non-zero exit code is a result, not an error
//! ([`CommandResult::check`] makes it one). [`Commands::start`] returns a
//! [`CommandHandle`] to read output from, write stdin to, or kill.
//!
//! ```no_run
//! use std::ops::ControlFlow;
//! use e2b::CommandOptions;
//!
//! # fn main() -> e2b::Result<()> {
//! # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
//! let options = CommandOptions::default().cwd("/tmp").env("LANG", "C.UTF-8").timeout(None);
//! let mut print = |_stream, chunk: &[u8]| {
//!     print!("{}", String::from_utf8_lossy(chunk));
//!     ControlFlow::Continue(())
//! };
//! let result = sandbox.commands().run("make test", &options, Some(&mut print))?;
//! println!("exit code {}", result.exit_code);
//!
//! let server = sandbox.commands().start("python3 -m http.server 8000", &CommandOptions::default())?;
//! println!("serving at {}", sandbox.get_host(8000));
//! server.kill()?;
//! # Ok(())
//! # }
//! ```
//!
//! # Code interpreter
//!
//! In a sandbox of the `code-interpreter-v1` template, [`Sandbox::run_code`]
//! runs code in a stateful kernel and returns an [`Execution`]: output,
//! results in every format the kernel made (text, HTML, PNG, charts, ...),
//! and the error the code raised, if any.
//!
//! ```no_run
//! use e2b::{Client, RunCodeOptions, SandboxOptions};
//!
//! # fn main() -> e2b::Result<()> {
//! let sandbox = Client::from_env().create_sandbox(&SandboxOptions::new("code-interpreter-v1"))?;
//! sandbox.run_code("x = 21", &RunCodeOptions::default(), None)?;
//! let execution = sandbox.run_code("x * 2", &RunCodeOptions::default(), None)?;
//! assert_eq!(execution.text(), Some("42"));
//! if let Some(error) = sandbox.run_code("1 / 0", &RunCodeOptions::default(), None)?.error {
//!     println!("{}: {}", error.name, error.value);
//! }
//! # Ok(())
//! # }
//! ```
//!
//! # Git
//!
//! [`Sandbox::git`] runs git with the official SDKs' methods and parses
//! what it prints ([`GitStatus`], [`GitBranches`]); credentials reach git
//! through a private file, never a command line ([`Git`]).
//!
//! ```no_run
//! use e2b::{CloneOptions, PushOptions};
//!
//! # fn main() -> e2b::Result<()> {
//! # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
//! let git = sandbox.git();
//! git.clone("https://example.com/team/repo.git", &CloneOptions::default().path("repo").credentials("ada", "token"))?;
//! for file in git.status("repo")?.file_status {
//!     println!("{} {}", file.name, file.status.as_str());
//! }
//! git.push("repo", &PushOptions::default().credentials("ada", "token"))?;
//! # Ok(())
//! # }
//! ```
//!
//! # Watching
//!
//! [`Files::watch_dir`] returns a [`WatchHandle`] to poll for
//! [`FilesystemEvent`]s; [`Files::watch_dir_stream`] calls back with each
//! event as it comes.
//!
//! ```no_run
//! use std::time::Duration;
//! use e2b::WatchOptions;
//!
//! # fn main() -> e2b::Result<()> {
//! # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
//! let watch = sandbox.files().watch_dir("/home/user", WatchOptions::default().recursive(true))?;
//! sandbox.files().write("/home/user/new.txt", "x")?;
//! for event in watch.next_events(Duration::from_secs(5))? {
//!     println!("{:?} {}", event.event_type, event.name);
//! }
//! watch.stop()?;
//! # Ok(())
//! # }
//! ```
//!
//! # Time limits
//!
//! One rule for every limit a caller sets: it is an `Option<Duration>`,
//! `None` means **no limit**, and `Default` (or [`Config::from_env`]) gives
//! the documented default: the request timeout ([`DEFAULT_REQUEST_TIMEOUT`]),
//! a command's lifetime ([`DEFAULT_COMMAND_TIMEOUT`]), a run's timeout
//! ([`DEFAULT_RUN_CODE_TIMEOUT`]), a watch stream's and a signed URL's
//! (none). A duration that cannot be unlimited is a plain `Duration`: a
//! sandbox's lifetime, which the server always bounds
//! ([`DEFAULT_SANDBOX_TIMEOUT`]), and how long a poll such as
//! [`WatchHandle::next_events`] waits.
//!
//! Besides these, calls are bounded by silence limits on streams and
//! transfers, and by a call deadline when one is set
//! ([`Client::with_deadline`], [`Sandbox::with_deadline`]); [`Client`]
//! describes all three. A limit that passes fails the call with
//! [`ErrorKind::Timeout`], and the message names it.
//!
//! # Cancellation
//!
//! A call can be stopped from another thread: make a [`CancelToken`], make
//! the call through a view that carries it ([`Client::with_cancel`],
//! [`Sandbox::with_cancel`]), and [`cancel`](CancelToken::cancel) it. The
//! call, and whatever it started (a command's handle, a file stream, a
//! watch), fails within milliseconds with [`ErrorKind::Cancelled`], and the
//! connection under it is closed so the server sees the client go. A token
//! serves any number of calls; once cancelled it stays cancelled.
//!
//! ```no_run
//! use std::time::Duration;
//! use e2b::{CancelToken, Client, ErrorKind, SandboxOptions};
//!
//! # fn main() -> e2b::Result<()> {
//! let sandbox = Client::from_env().create_sandbox(&SandboxOptions::default())?;
//! let token = CancelToken::new();
//! let stop = token.clone();
//! std::thread::spawn(move || {
//!     std::thread::sleep(Duration::from_secs(1));
//!     stop.cancel(); // e.g. the user pressed Ctrl-C
//! });
//! let big = sandbox.with_cancel(&token).files().read("/home/user/big.bin");
//! assert_eq!(big.unwrap_err().kind(), ErrorKind::Cancelled);
//! # Ok(())
//! # }
//! ```
//!
//! # Errors
//!
//! Every call returns the one [`Error`] type. Its [`kind`](Error::kind) is
//! an [`ErrorKind`] to branch on; its message says what was being done and
//! what the server answered; [`status`](Error::status) and
//! [`retry_after`](Error::retry_after) give the HTTP status and the server's
//! `Retry-After`; [`source`](std::error::Error::source) gives the
//! [`std::io::Error`], [`ureq::Error`] or [`serde_json::Error`] behind it,
//! where there is one.
//!
//! ```no_run
//! use e2b::{Client, ErrorKind};
//!
//! let client = Client::from_env();
//! match client.connect("a-sandbox-id", e2b::DEFAULT_SANDBOX_TIMEOUT) {
//!     Ok(sandbox) => println!("connected to {}", sandbox.id()),
//!     Err(err) if err.kind() == ErrorKind::SandboxNotFound => println!("it is gone"),
//!     Err(err) => {
//!         eprintln!("{err}");
//!         let mut cause = std::error::Error::source(&err);
//!         while let Some(inner) = cause {
//!             eprintln!("  caused by: {inner}");
//!             cause = inner.source();
//!         }
//!     }
//! }
//! ```
//!
//! # Logging
//!
//! The client logs through the [`log`](https://docs.rs/log) facade, with
//! targets under `e2b::`: one `debug` line per HTTP request (what was being
//! done, method, URL, status, time, bytes sent and received) and one `info`
//! line per retry (its wait and attempt). A line never holds the API key, an
//! access token, a header's value or a signed URL's signature. Install any
//! logger (`env_logger`, ...) to see them; a program that installs none can
//! set `E2B_LOG` to `error`, `warn`, `info`, `debug` or `trace` for lines on
//! stderr. (`E2B_DEBUG`, as in the official SDKs, is something else: it
//! sends every request to a server on this machine.)
//!
//! # Types that grow
//!
//! The server adds fields and values over time, and so can this crate
//! without breaking programs: the structs it returns or takes as options are
//! `#[non_exhaustive]`, so they are read field by field and options are made
//! from `Default` (or `new`) and their setters, named after their fields
//! (`SandboxOptions::default().timeout(..)`), or by assigning to a field of a
//! default value; [`Config`] is made by its [`ConfigBuilder`]. Enums the
//! server may grow are `#[non_exhaustive]` too, and values newer than the
//! client decode as their `Unknown`/`Other` variant
//! ([`SandboxState::Unknown`], [`FileType::Other`], [`EventType::Other`])
//! instead of failing the call.

#![deny(missing_docs)]

mod api;
mod cancel;
mod chart;
mod client;
mod code;
mod config;
mod envd;
mod error;
mod git;
mod http;
mod lifecycle;
mod logging;
mod metrics;
mod network;
mod sandbox;
mod snapshots;
mod template;
mod util;
mod volume;

/// What the C library (the `libe2b` package at the top of the repository) needs beyond the public
/// API. Hidden and outside the semver promise: Rust programs have no use for it.
#[doc(hidden)]
pub mod capi {
    pub use crate::api::check_idempotency_key;
    pub use crate::logging::{set_callback as set_log_callback, LogCallback};

    /// The error of a call stopped by its cancel token, as the client reports it.
    pub fn cancelled(what: &str) -> crate::Error {
        crate::Error::cancelled(what)
    }
}

pub use api::{
    ListOrder, ListQuery, SandboxInfo, SandboxOptions, SandboxPage, SandboxState, VolumeMount, DEFAULT_SANDBOX_TIMEOUT,
};
pub use cancel::CancelToken;
pub use chart::{
    BarData, BoxAndWhiskerData, Chart, ChartElements, ChartType, ChartValue, PieData, PointData, ScaleType,
};
pub use client::Client;
pub use code::{
    CodeContext, Execution, ExecutionError, ExecutionEvent, ExecutionResult, OnEvent, OutputChunk, RunCodeOptions,
    DEFAULT_RUN_CODE_TIMEOUT,
};
pub use config::{Config, ConfigBuilder, CODE_INTERPRETER_PORT, DEFAULT_DOMAIN, DEFAULT_REQUEST_TIMEOUT, ENVD_PORT};
pub use envd::files::{DirProgress, DirProgressFn, FileReader, Files, Progress, WriteEntry, WriteInfo};
pub use envd::filesystem::{EntryInfo, FileType};
pub use envd::input::{InputStream, StreamInputOptions, DEFAULT_KEEPALIVE_INTERVAL, DEFAULT_STREAM_INPUT_TIMEOUT};
pub use envd::process::{
    CommandEvent, CommandHandle, CommandOptions, CommandResult, Commands, ConnectOptions, OnOutput, ProcessInfo,
    Stream, DEFAULT_COMMAND_TIMEOUT,
};
pub use envd::pty::{Pty, PtyOptions, PtySize, DEFAULT_PTY_TIMEOUT};
pub use envd::watch::{EventType, FilesystemEvent, WatchHandle, WatchOptions};
pub use error::{Error, ErrorKind, Result};
pub use git::{
    AddOptions, CloneOptions, CommitOptions, ConfigScope, FileChange, Git, GitBranches, GitFileStatus, GitOptions,
    GitStatus, InitOptions, PullOptions, PushOptions, RemoteAddOptions, ResetMode, ResetOptions, RestoreOptions,
};
pub use lifecycle::{
    EgressProxyInfo, Lifecycle, OnResume, OnTimeout, PauseMode, PauseOptions, SandboxLifecycle, SandboxNetworkInfo,
};
pub use metrics::SandboxMetrics;
pub use network::{
    EgressProxy, EgressProxyTls, NetworkOptions, NetworkRule, NetworkTransform, NetworkUpdate, ALL_TRAFFIC,
};
pub use sandbox::{Sandbox, TRAFFIC_ACCESS_TOKEN_HEADER};
pub use snapshots::{
    ForkOptions, SnapshotInfo, SnapshotMode, SnapshotOptions, SnapshotPaginator, SnapshotQuery, MAX_FORK_COUNT,
};
pub use template::{
    files_hash, BuildFailure, BuildInfo, BuildLogEntry, BuildOptions, BuildStatus, BuildStatusInfo, CopyOptions,
    TagInfo, Template, TemplateTag, BUILD_POLL_INTERVAL, DEFAULT_BASE_IMAGE,
};
pub use volume::{
    Volume, VolumeAndToken, VolumeEntryStat, VolumeFileType, VolumeInfo, VolumeWriteOptions, VOLUME_API_URL_VAR,
};
