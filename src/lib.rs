//! A blocking client for [E2B](https://e2b.dev) sandboxes, with a C ABI.
//!
//! ```no_run
//! use e2b::{Client, SandboxOptions};
//!
//! # fn main() -> e2b::Result<()> {
//! let client = Client::from_env(); // E2B_API_KEY, E2B_DOMAIN, ...
//! let sandbox = client.create_sandbox(&SandboxOptions::default())?;
//! sandbox.files().write("/home/user/hello.txt", "Hello, sandbox!")?;
//! let text = sandbox.files().read_to_string("/home/user/hello.txt")?;
//! assert_eq!(text, "Hello, sandbox!");
//!
//! sandbox.pause()?;
//! let sandbox = client.resume(sandbox.id(), None)?; // files and memory kept
//! sandbox.kill()?;
//! # Ok(())
//! # }
//! ```
//!
//! Every call blocks until it is done or its deadline passes, and is safe to
//! make from many threads at once. Errors are one [`Error`] type whose
//! [`ErrorKind`] tells what happened.
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

#![deny(missing_docs)]

mod api;
mod cancel;
mod client;
mod code;
mod config;
mod envd;
mod error;
mod http;
mod sandbox;
mod util;

#[doc(hidden)]
pub mod ffi;

pub use api::{ListQuery, SandboxInfo, SandboxOptions, SandboxPage, SandboxState, DEFAULT_SANDBOX_TIMEOUT};
pub use cancel::CancelToken;
pub use client::Client;
pub use code::{
    CodeContext, Execution, ExecutionError, ExecutionEvent, ExecutionResult, OnEvent, OutputChunk, RunCodeOptions,
    DEFAULT_RUN_CODE_TIMEOUT,
};
pub use config::{Config, ConfigBuilder, CODE_INTERPRETER_PORT, DEFAULT_DOMAIN, DEFAULT_REQUEST_TIMEOUT, ENVD_PORT};
pub use envd::files::{FileReader, Files, Progress, WriteEntry, WriteInfo};
pub use envd::filesystem::{EntryInfo, FileType};
pub use envd::process::{
    CommandEvent, CommandHandle, CommandOptions, CommandResult, Commands, OnOutput, ProcessInfo, Stream,
    DEFAULT_COMMAND_TIMEOUT,
};
pub use envd::watch::{EventType, FilesystemEvent, WatchHandle, WatchOptions};
pub use error::{Error, ErrorKind, Result};
pub use sandbox::Sandbox;
