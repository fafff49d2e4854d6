//! Pseudo-terminals (`sandbox.pty` in the official SDKs): an interactive
//! `bash` in a terminal of the size asked for, fed with keystrokes and
//! resized, its screen output read as bytes.

use std::collections::BTreeMap;
use std::time::Duration;

use serde::Serialize;

use super::connect::{unary, CallOptions};
use super::input::{InputStream, StreamInputOptions};
use super::process::{
    CommandHandle, Commands, ConnectOptions, InputKind, Pid, ProcessConfig, PtyConfig, Start, StartRequest,
};
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};
use crate::sandbox::Sandbox;

/// How long a terminal's shell may live unless told otherwise (the SDKs' 60 s).
pub const DEFAULT_PTY_TIMEOUT: Duration = Duration::from_secs(60);

/// A terminal's size in character cells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
pub struct PtySize {
    /// Lines.
    pub rows: u16,
    /// Columns.
    pub cols: u16,
}

impl PtySize {
    /// A size of `rows` lines by `cols` columns.
    pub fn new(rows: u16, cols: u16) -> PtySize {
        PtySize { rows, cols }
    }

    fn check(self, what: &str) -> Result<PtySize> {
        if self.rows == 0 || self.cols == 0 {
            return Err(Error::new(
                ErrorKind::InvalidArgument,
                format!("{what}: a terminal needs at least one row and one column, not {}x{}", self.rows, self.cols),
            ));
        }
        Ok(self)
    }
}

/// How to start a terminal: `PtyOptions::default()` starts it as the
/// sandbox's default user in their home for at most [`DEFAULT_PTY_TIMEOUT`].
///
/// ```
/// let options = e2b::PtyOptions::default().cwd("/tmp").env("PS1", "$ ").timeout(None);
/// assert_eq!(options.cwd.as_deref(), Some("/tmp"));
/// ```
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct PtyOptions {
    /// Environment variables, on top of the sandbox's and of `TERM=xterm-256color`,
    /// `LANG=C.UTF-8` and `LC_ALL=C.UTF-8`, which these override.
    pub envs: BTreeMap<String, String>,
    /// The working directory; the user's home when `None`.
    pub cwd: Option<String>,
    /// Run as this user; the sandbox's default user when `None`.
    pub user: Option<String>,
    /// How long the shell may live; it is killed when this passes. `None`
    /// for no limit. Default: [`DEFAULT_PTY_TIMEOUT`].
    pub timeout: Option<Duration>,
}

impl Default for PtyOptions {
    fn default() -> PtyOptions {
        PtyOptions { envs: BTreeMap::new(), cwd: None, user: None, timeout: Some(DEFAULT_PTY_TIMEOUT) }
    }
}

impl PtyOptions {
    /// Adds one environment variable.
    pub fn env(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.envs.insert(name.into(), value.into());
        self
    }

    /// Sets the working directory.
    pub fn cwd(mut self, cwd: impl Into<String>) -> Self {
        self.cwd = Some(cwd.into());
        self
    }

    /// Runs as `user` (e.g. `"root"`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets how long the shell may live; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }
}

/// A sandbox's terminals (`sandbox.pty` in the official SDKs).
///
/// [`create`](Pty::create) starts `bash -i -l` in a new pseudo-terminal and
/// returns a [`CommandHandle`] whose output is [`Stream::Pty`](crate::Stream::Pty)
/// chunks: what the terminal shows, escape sequences included, as bytes (by
/// callback in [`CommandHandle::wait`], or pulled with
/// [`CommandHandle::next_event`]). Keystrokes go in with
/// [`send_stdin`](Pty::send_stdin) (or the handle's) or through an
/// [`InputStream`]; a terminal has no stdin to close: send Ctrl-D (`0x04`).
///
/// ```no_run
/// use std::time::Duration;
/// use e2b::{CommandEvent, PtyOptions, PtySize};
///
/// # fn main() -> e2b::Result<()> {
/// # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
/// let terminal = sandbox.pty().create(PtySize::new(24, 80), &PtyOptions::default())?;
/// terminal.send_stdin(b"echo $((6 * 7))\n")?;
/// while let Some(CommandEvent::Output(_, bytes)) = terminal.next_event(Duration::from_secs(5))? {
///     print!("{}", String::from_utf8_lossy(&bytes));
/// }
/// sandbox.pty().resize(terminal.pid(), PtySize::new(50, 120))?;
/// terminal.send_stdin(b"exit\n")?;
/// terminal.wait(None)?;
/// # Ok(())
/// # }
/// ```
///
/// Time limits and cancelling are as for [`Commands`].
#[derive(Clone, Copy, Debug)]
pub struct Pty<'a> {
    sandbox: &'a Sandbox,
}

impl Sandbox {
    /// The sandbox's terminals.
    pub fn pty(&self) -> Pty<'_> {
        Pty { sandbox: self }
    }
}

impl<'a> Pty<'a> {
    /// Starts `bash -i -l` in a new terminal of `size` and returns at once.
    pub fn create(&self, size: PtySize, options: &PtyOptions) -> Result<CommandHandle> {
        self.create_under(size, options, self.sandbox.client().cancel_token())
    }

    /// [`create`](Pty::create), cancelled by `token` (or by nothing) until
    /// the shell has started.
    #[doc(hidden)] // For the C library: a token that may be absent.
    pub fn create_under(
        &self,
        size: PtySize,
        options: &PtyOptions,
        token: Option<&CancelToken>,
    ) -> Result<CommandHandle> {
        let what = "start a terminal".to_owned();
        let size = size.check(&what)?;
        let envs = terminal_envs(options);
        let request = start_request(size, options, &envs);
        let start = Start { user: options.user.as_deref(), timeout: options.timeout, retain: false };
        Commands::new(self.sandbox).start_process(&request, start, InputKind::Pty, token, what)
    }

    /// Attaches to the terminal of the running process `pid`, to read its
    /// output from now on (the SDKs' `pty.connect(pid, timeout)`).
    pub fn connect(&self, pid: u32, options: &ConnectOptions) -> Result<CommandHandle> {
        self.connect_under(pid, options, self.sandbox.client().cancel_token())
    }

    /// [`connect`](Pty::connect), cancelled by `token` (or by nothing) until attached.
    #[doc(hidden)] // For the C library: a token that may be absent.
    pub fn connect_under(
        &self,
        pid: u32,
        options: &ConnectOptions,
        token: Option<&CancelToken>,
    ) -> Result<CommandHandle> {
        Commands::new(self.sandbox).attach(pid, options, InputKind::Pty, token)
    }

    /// Writes `data` (keystrokes) to the terminal of process `pid`.
    pub fn send_stdin(&self, pid: u32, data: &[u8]) -> Result<()> {
        Commands::new(self.sandbox).send_input(pid, InputKind::Pty, data)
    }

    /// Sends `data` to the terminal of `pid` through one input stream, as
    /// [`Commands::stream_input`] does to a stdin.
    pub fn stream_input<I>(&self, pid: u32, data: I, timeout: Option<Duration>) -> Result<()>
    where
        I: IntoIterator,
        I::Item: AsRef<[u8]>,
    {
        let mut stream = self.open_input(pid, &StreamInputOptions::default().timeout(timeout))?;
        for chunk in data {
            stream.write(chunk.as_ref())?;
        }
        stream.close()
    }

    /// Opens an input stream to the terminal of process `pid` (see [`InputStream`]).
    pub fn open_input(&self, pid: u32, options: &StreamInputOptions) -> Result<InputStream> {
        self.open_input_under(pid, options, self.sandbox.client().cancel_token())
    }

    /// [`open_input`](Pty::open_input), cancelled by `token` (or by nothing)
    /// until open; the stream then follows the view's token.
    #[doc(hidden)] // For the C library: a token that may be absent.
    pub fn open_input_under(
        &self,
        pid: u32,
        options: &StreamInputOptions,
        token: Option<&CancelToken>,
    ) -> Result<InputStream> {
        InputStream::open(self.sandbox, pid, InputKind::Pty, options, token)
    }

    /// Resizes the terminal of process `pid`; its programs get `SIGWINCH`.
    pub fn resize(&self, pid: u32, size: PtySize) -> Result<()> {
        let what = format!("resize the terminal of process {pid}");
        let size = size.check(&what)?;
        #[derive(Serialize)]
        struct Update {
            process: Pid,
            pty: PtyConfig,
        }
        let request = Update { process: Pid { pid }, pty: PtyConfig { size } };
        let _: serde::de::IgnoredAny =
            unary(self.sandbox, "process.Process/Update", &request, CallOptions::default(), &what)?;
        Ok(())
    }

    /// Kills the terminal's process `pid` (SIGKILL). `Ok(false)` if there was no such process.
    pub fn kill(&self, pid: u32) -> Result<bool> {
        Commands::new(self.sandbox).kill(pid)
    }
}

/// The terminal's environment: the SDKs' defaults, then the caller's.
fn terminal_envs(options: &PtyOptions) -> BTreeMap<String, String> {
    let mut envs: BTreeMap<String, String> = [("TERM", "xterm-256color"), ("LANG", "C.UTF-8"), ("LC_ALL", "C.UTF-8")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    envs.extend(options.envs.iter().map(|(k, v)| (k.clone(), v.clone())));
    envs
}

/// `Process.Start` of `bash -i -l` in a terminal, as the SDKs send it: no `stdin` key.
fn start_request<'a>(size: PtySize, options: &'a PtyOptions, envs: &'a BTreeMap<String, String>) -> StartRequest<'a> {
    StartRequest {
        process: ProcessConfig { cmd: "/bin/bash", args: &["-i", "-l"], envs, cwd: options.cwd.as_deref() },
        pty: Some(PtyConfig { size }),
        stdin: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_serialize_as_envd_reads_them() {
        let json = serde_json::to_value(PtyConfig { size: PtySize::new(24, 80) }).unwrap();
        assert_eq!(json, serde_json::json!({"size": {"rows": 24, "cols": 80}}));
        assert_eq!(PtySize::new(0, 80).check("x").unwrap_err().kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn start_asks_for_an_interactive_login_shell_in_a_terminal() {
        let options = PtyOptions::default().env("LANG", "C").cwd("/tmp");
        let envs = terminal_envs(&options);
        let json = serde_json::to_value(start_request(PtySize::new(24, 80), &options, &envs)).unwrap();
        let expected = serde_json::json!({
            "process": {
                "cmd": "/bin/bash",
                "args": ["-i", "-l"],
                "envs": {"TERM": "xterm-256color", "LANG": "C", "LC_ALL": "C.UTF-8"},
                "cwd": "/tmp"
            },
            "pty": {"size": {"rows": 24, "cols": 80}}
        });
        assert_eq!(json, expected);
    }
}
