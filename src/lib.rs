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

pub mod ffi;

pub use api::{ListQuery, SandboxInfo, SandboxOptions, SandboxPage, SandboxState, DEFAULT_SANDBOX_TIMEOUT};
pub use cancel::CancelToken;
pub use client::Client;
pub use code::{
    CodeContext, Execution, ExecutionError, ExecutionEvent, ExecutionResult, OnEvent, OutputChunk, RunCodeOptions,
    DEFAULT_RUN_CODE_TIMEOUT,
};
pub use config::{Config, CODE_INTERPRETER_PORT, DEFAULT_DOMAIN, DEFAULT_REQUEST_TIMEOUT, ENVD_PORT};
pub use envd::files::{FileReader, Files, Progress, WriteEntry, WriteInfo};
pub use envd::filesystem::{EntryInfo, FileType};
pub use envd::process::{
    CommandEvent, CommandHandle, CommandOptions, CommandResult, Commands, OnOutput, ProcessInfo, Stream,
    DEFAULT_COMMAND_TIMEOUT,
};
pub use envd::watch::{EventType, FilesystemEvent, WatchHandle, WatchOptions};
pub use error::{Error, ErrorKind, Result};
pub use sandbox::Sandbox;
