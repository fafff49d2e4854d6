//! envd, the agent inside every sandbox: files over HTTP, and the filesystem
//! and process services over Connect RPC.

pub(crate) mod connect;
pub mod files;
pub mod filesystem;
pub mod input;
pub mod process;
pub mod pty;
pub mod watch;
