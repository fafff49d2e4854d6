//! Git helpers (`sandbox.git` in the official SDKs): wrappers over
//! [`Commands::run`](crate::Commands::run) that build `git` command lines with
//! the SDKs' names and options, parse what git prints into typed results
//! ([`GitStatus`], [`GitBranches`]) and turn git's failures into typed errors
//! ([`ErrorKind::GitAuth`], [`ErrorKind::GitUpstream`], ...). See [`Git`].

use std::collections::BTreeMap;
use std::time::Duration;

use crate::envd::process::{CommandOptions, CommandResult};
use crate::error::{Error, ErrorKind, Result};
use crate::sandbox::Sandbox;

/// How long removing a call's credentials may take, after the call ended or was cancelled.
const CLEANUP_DEADLINE: Duration = Duration::from_secs(10);

/// What every git call takes, as in the SDKs' `envs`, `user`, `cwd` and
/// `timeout`. The default runs as the sandbox's default user in their home,
/// with **no** time limit (the SDKs' git default, unlike commands').
///
/// ```
/// use std::time::Duration;
/// let options = e2b::GitOptions::default().user("root").timeout(Some(Duration::from_secs(30)));
/// assert_eq!(options.user.as_deref(), Some("root"));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GitOptions {
    /// Environment variables for git, on top of the sandbox's and `GIT_TERMINAL_PROMPT=0`.
    pub envs: BTreeMap<String, String>,
    /// The working directory git runs in; relative repository paths start here. The user's home when `None`.
    pub cwd: Option<String>,
    /// Run git as this user; the sandbox's default user when `None`.
    pub user: Option<String>,
    /// How long each git process may live; `None` (the default) for no limit.
    pub timeout: Option<Duration>,
}

impl GitOptions {
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

    /// Runs git as `user` (e.g. `"root"`).
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets how long each git process may live; `None` for no limit.
    pub fn timeout(mut self, timeout: Option<Duration>) -> Self {
        self.timeout = timeout;
        self
    }
}

/// How to clone ([`Git::clone`]); the default clones the default branch
/// with full history into the directory named after the URL.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CloneOptions {
    /// Where to clone to; git's default (the URL's last part) when `None`.
    pub path: Option<String>,
    /// Clone only this branch (`--branch B --single-branch`).
    pub branch: Option<String>,
    /// Clone only the last `depth` commits (`--depth N`).
    pub depth: Option<u32>,
    /// Username for HTTP(S) authentication; required with `password`.
    pub username: Option<String>,
    /// Password or token for HTTP(S) authentication.
    pub password: Option<String>,
    /// Keep the credentials for the new repository's later pushes and pulls
    /// (see [`Git`] on credentials); by default they are forgotten.
    pub dangerously_store_credentials: bool,
}

impl CloneOptions {
    /// Sets the destination path.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.path = Some(path.into());
        self
    }

    /// Clones only `branch`.
    pub fn branch(mut self, branch: impl Into<String>) -> Self {
        self.branch = Some(branch.into());
        self
    }

    /// Clones only the last `depth` commits.
    pub fn depth(mut self, depth: u32) -> Self {
        self.depth = Some(depth);
        self
    }

    /// Sets the username and password (or token) for HTTP(S) authentication.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }

    /// Keeps the credentials in the new repository (see [`Git`] on credentials).
    pub fn dangerously_store_credentials(mut self, store: bool) -> Self {
        self.dangerously_store_credentials = store;
        self
    }
}

/// How to make a repository ([`Git::init`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct InitOptions {
    /// Make a bare repository (`--bare`).
    pub bare: bool,
    /// The name of the first branch (`--initial-branch`); git's default when `None`.
    pub initial_branch: Option<String>,
}

impl InitOptions {
    /// Makes a bare repository.
    pub fn bare(mut self, bare: bool) -> Self {
        self.bare = bare;
        self
    }

    /// Names the first branch.
    pub fn initial_branch(mut self, branch: impl Into<String>) -> Self {
        self.initial_branch = Some(branch.into());
        self
    }
}

/// How to add a remote ([`Git::remote_add`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RemoteAddOptions {
    /// Fetch from the remote once it is added.
    pub fetch: bool,
    /// Change the URL of a remote of that name if there is one, instead of failing.
    pub overwrite: bool,
}

impl RemoteAddOptions {
    /// Fetches from the remote once it is added.
    pub fn fetch(mut self, fetch: bool) -> Self {
        self.fetch = fetch;
        self
    }

    /// Changes the URL of an existing remote of that name instead of failing.
    pub fn overwrite(mut self, overwrite: bool) -> Self {
        self.overwrite = overwrite;
        self
    }
}

/// What to stage ([`Git::add`]): by default everything (`add -A`).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct AddOptions {
    /// Stage only these paths (`add -- f…`); everything when empty.
    pub files: Vec<String>,
    /// With no `files`: stage every change, removals included (`add -A`, the
    /// default), or only what is under the repository's directory (`add .`).
    pub all: bool,
}

impl Default for AddOptions {
    fn default() -> AddOptions {
        AddOptions { files: Vec::new(), all: true }
    }
}

impl AddOptions {
    /// Adds one path to stage.
    pub fn file(mut self, file: impl Into<String>) -> Self {
        self.files.push(file.into());
        self
    }

    /// Sets `all` (see the field).
    pub fn all(mut self, all: bool) -> Self {
        self.all = all;
        self
    }
}

/// How to commit ([`Git::commit`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommitOptions {
    /// The author's name for this commit (`-c user.name=...`); the configured one when `None`.
    pub author_name: Option<String>,
    /// The author's email for this commit (`-c user.email=...`); the configured one when `None`.
    pub author_email: Option<String>,
    /// Commit even when nothing changed (`--allow-empty`).
    pub allow_empty: bool,
}

impl CommitOptions {
    /// Sets the author's name and email for this commit.
    pub fn author(mut self, name: impl Into<String>, email: impl Into<String>) -> Self {
        self.author_name = Some(name.into());
        self.author_email = Some(email.into());
        self
    }

    /// Commits even when nothing changed.
    pub fn allow_empty(mut self, allow_empty: bool) -> Self {
        self.allow_empty = allow_empty;
        self
    }
}

/// How to push ([`Git::push`]): by default to the branch's upstream, setting
/// it when a remote is known.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PushOptions {
    /// The remote to push to; the upstream's (or, with credentials, the only one) when `None`.
    pub remote: Option<String>,
    /// The branch to push; git's choice when `None`.
    pub branch: Option<String>,
    /// Pass `--set-upstream` when a remote is known (default `true`).
    pub set_upstream: bool,
    /// Username for HTTP(S) authentication; required with `password`.
    pub username: Option<String>,
    /// Password or token for HTTP(S) authentication.
    pub password: Option<String>,
}

impl Default for PushOptions {
    fn default() -> PushOptions {
        PushOptions { remote: None, branch: None, set_upstream: true, username: None, password: None }
    }
}

impl PushOptions {
    /// Sets the remote.
    pub fn remote(mut self, remote: impl Into<String>) -> Self {
        self.remote = Some(remote.into());
        self
    }

    /// Sets the branch.
    pub fn branch(mut self, branch: impl Into<String>) -> Self {
        self.branch = Some(branch.into());
        self
    }

    /// Sets whether to pass `--set-upstream`.
    pub fn set_upstream(mut self, set_upstream: bool) -> Self {
        self.set_upstream = set_upstream;
        self
    }

    /// Sets the username and password (or token) for HTTP(S) authentication.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }
}

/// How to pull ([`Git::pull`]): by default from the branch's upstream.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct PullOptions {
    /// The remote to pull from; the upstream's (or, with credentials, the only one) when `None`.
    pub remote: Option<String>,
    /// The branch to merge; the upstream's when `None`.
    pub branch: Option<String>,
    /// Username for HTTP(S) authentication; required with `password`.
    pub username: Option<String>,
    /// Password or token for HTTP(S) authentication.
    pub password: Option<String>,
}

impl PullOptions {
    /// Sets the remote.
    pub fn remote(mut self, remote: impl Into<String>) -> Self {
        self.remote = Some(remote.into());
        self
    }

    /// Sets the branch.
    pub fn branch(mut self, branch: impl Into<String>) -> Self {
        self.branch = Some(branch.into());
        self
    }

    /// Sets the username and password (or token) for HTTP(S) authentication.
    pub fn credentials(mut self, username: impl Into<String>, password: impl Into<String>) -> Self {
        self.username = Some(username.into());
        self.password = Some(password.into());
        self
    }
}

/// How far [`Git::reset`] goes (`git reset --<mode>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ResetMode {
    /// Moves HEAD only (`--soft`).
    Soft,
    /// Moves HEAD and resets the index (`--mixed`, git's default).
    Mixed,
    /// Moves HEAD and resets the index and the working tree (`--hard`).
    Hard,
    /// Like `Hard`, keeping changes not staged (`--merge`).
    Merge,
    /// Like `Hard`, refusing to lose local changes (`--keep`).
    Keep,
}

impl ResetMode {
    /// The SDKs' name of the mode: `"soft"`, `"mixed"`, `"hard"`, `"merge"` or `"keep"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ResetMode::Soft => "soft",
            ResetMode::Mixed => "mixed",
            ResetMode::Hard => "hard",
            ResetMode::Merge => "merge",
            ResetMode::Keep => "keep",
        }
    }

    fn flag(self) -> &'static str {
        match self {
            ResetMode::Soft => "--soft",
            ResetMode::Mixed => "--mixed",
            ResetMode::Hard => "--hard",
            ResetMode::Merge => "--merge",
            ResetMode::Keep => "--keep",
        }
    }
}

/// What [`Git::reset`] does: by default `git reset` (HEAD, mixed).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResetOptions {
    /// The mode; git's own default (mixed) when `None`.
    pub mode: Option<ResetMode>,
    /// The commit, branch or ref to reset to; HEAD when `None`.
    pub target: Option<String>,
    /// Reset only these paths in the index (`reset [target] -- paths…`).
    pub paths: Vec<String>,
}

impl ResetOptions {
    /// Sets the mode.
    pub fn mode(mut self, mode: ResetMode) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Sets the commit, branch or ref to reset to.
    pub fn target(mut self, target: impl Into<String>) -> Self {
        self.target = Some(target.into());
        self
    }

    /// Adds one path to reset.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.paths.push(path.into());
        self
    }
}

/// What [`Git::restore`] restores: at least one path; by default the working
/// tree's copy from the index, as `git restore` does.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct RestoreOptions {
    /// The paths to restore (`["."]` for all); at least one.
    pub paths: Vec<String>,
    /// Restore the index (unstage). `None`: only when `worktree` is also `None`
    /// is it decided for you (no), as in the SDKs.
    pub staged: Option<bool>,
    /// Restore the working tree. `None`: yes unless `staged` is `Some(true)`.
    pub worktree: Option<bool>,
    /// Restore from this commit, branch or ref (`--source`) instead of the index (or HEAD).
    pub source: Option<String>,
}

impl RestoreOptions {
    /// Adds one path to restore.
    pub fn path(mut self, path: impl Into<String>) -> Self {
        self.paths.push(path.into());
        self
    }

    /// Sets `staged` (see the field).
    pub fn staged(mut self, staged: bool) -> Self {
        self.staged = Some(staged);
        self
    }

    /// Sets `worktree` (see the field).
    pub fn worktree(mut self, worktree: bool) -> Self {
        self.worktree = Some(worktree);
        self
    }

    /// Sets the source (`--source`).
    pub fn source(mut self, source: impl Into<String>) -> Self {
        self.source = Some(source.into());
        self
    }
}

/// Which configuration file [`Git::set_config`] and [`Git::get_config`] use.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ConfigScope {
    /// The user's `~/.gitconfig` (`--global`, the default).
    #[default]
    Global,
    /// A repository's `.git/config` (`--local`); needs the repository's path.
    Local,
    /// The system's `/etc/gitconfig` (`--system`).
    System,
}

impl ConfigScope {
    /// The SDKs' name of the scope: `"global"`, `"local"` or `"system"`.
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigScope::Global => "global",
            ConfigScope::Local => "local",
            ConfigScope::System => "system",
        }
    }
}

/// The kind of change of a [`GitFileStatus`], as the SDKs name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FileChange {
    /// Changed (`M`).
    Modified,
    /// New in the index (`A`).
    Added,
    /// Removed (`D`).
    Deleted,
    /// Renamed (`R`); see [`GitFileStatus::renamed_from`].
    Renamed,
    /// Copied (`C`).
    Copied,
    /// Its type changed, e.g. a file became a symbolic link (`T`).
    TypeChange,
    /// Not tracked (`?`).
    Untracked,
    /// Unmerged: a merge left a conflict in it.
    Conflict,
    /// Anything else git reports.
    Unknown,
}

impl FileChange {
    /// The SDKs' name: `"modified"`, `"added"`, `"deleted"`, `"renamed"`,
    /// `"copied"`, `"typechange"`, `"untracked"`, `"conflict"` or `"unknown"`.
    pub fn as_str(self) -> &'static str {
        match self {
            FileChange::Modified => "modified",
            FileChange::Added => "added",
            FileChange::Deleted => "deleted",
            FileChange::Renamed => "renamed",
            FileChange::Copied => "copied",
            FileChange::TypeChange => "typechange",
            FileChange::Untracked => "untracked",
            FileChange::Conflict => "conflict",
            FileChange::Unknown => "unknown",
        }
    }

    /// The change the two status letters describe, with the SDKs' precedence.
    fn from_letters(index: char, worktree: char) -> FileChange {
        let has = |c| index == c || worktree == c;
        if has('U') {
            FileChange::Conflict
        } else if has('R') {
            FileChange::Renamed
        } else if has('C') {
            FileChange::Copied
        } else if has('D') {
            FileChange::Deleted
        } else if has('A') {
            FileChange::Added
        } else if has('M') {
            FileChange::Modified
        } else if has('T') {
            FileChange::TypeChange
        } else if has('?') {
            FileChange::Untracked
        } else {
            FileChange::Unknown
        }
    }
}

/// One changed file of a [`GitStatus`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct GitFileStatus {
    /// The path, relative to the repository's top.
    pub name: String,
    /// What kind of change it is.
    pub status: FileChange,
    /// The index's status letter as `git status --porcelain` shows it (`' '` for unchanged, `'?'` untracked).
    pub index_status: char,
    /// The working tree's status letter (`' '` for unchanged, `'?'` untracked).
    pub working_tree_status: char,
    /// Whether the change is staged (the index differs from `HEAD`).
    pub staged: bool,
    /// The path it had before a rename or copy.
    pub renamed_from: Option<String>,
}

/// A repository's state ([`Git::status`]): the branch, its upstream, and the changed files.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GitStatus {
    /// The branch checked out; `None` when `HEAD` is detached.
    pub current_branch: Option<String>,
    /// The branch's upstream (e.g. `"origin/main"`), if it has one.
    pub upstream: Option<String>,
    /// How many commits the branch has that its upstream lacks.
    pub ahead: u32,
    /// How many commits the upstream has that the branch lacks.
    pub behind: u32,
    /// Whether `HEAD` is detached.
    pub detached: bool,
    /// Every changed or untracked file (ignored files are not listed).
    pub file_status: Vec<GitFileStatus>,
}

impl GitStatus {
    /// No changed and no untracked files.
    pub fn is_clean(&self) -> bool {
        self.file_status.is_empty()
    }

    /// Any changed or untracked file.
    pub fn has_changes(&self) -> bool {
        !self.file_status.is_empty()
    }

    /// Any staged change.
    pub fn has_staged(&self) -> bool {
        self.file_status.iter().any(|f| f.staged)
    }

    /// Any untracked file.
    pub fn has_untracked(&self) -> bool {
        self.untracked_count() > 0
    }

    /// Any file in conflict.
    pub fn has_conflicts(&self) -> bool {
        self.conflict_count() > 0
    }

    /// How many files are listed.
    pub fn total_count(&self) -> usize {
        self.file_status.len()
    }

    /// How many files have staged changes.
    pub fn staged_count(&self) -> usize {
        self.file_status.iter().filter(|f| f.staged).count()
    }

    /// How many files have no staged change (untracked ones included, as in the SDKs).
    pub fn unstaged_count(&self) -> usize {
        self.file_status.iter().filter(|f| !f.staged).count()
    }

    /// How many files are untracked.
    pub fn untracked_count(&self) -> usize {
        self.file_status.iter().filter(|f| f.status == FileChange::Untracked).count()
    }

    /// How many files are in conflict.
    pub fn conflict_count(&self) -> usize {
        self.file_status.iter().filter(|f| f.status == FileChange::Conflict).count()
    }
}

/// A repository's local branches ([`Git::branches`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct GitBranches {
    /// The branches' names, in git's order.
    pub branches: Vec<String>,
    /// The branch checked out, if one is.
    pub current_branch: Option<String>,
}

/// A sandbox's git helpers (`sandbox.git` in the official SDKs): see
/// [`Sandbox::git`], and below on credentials.
///
/// Every method runs `git` (`git -C <path> ...` for a repository's) through
/// the sandbox's commands, with `GIT_TERMINAL_PROMPT=0` so that git never
/// waits for a password, and the [`GitOptions`] of the view. A git that
/// exits with a non-zero code fails the call with
/// [`ErrorKind::GitAuth`] when git said the credentials were missing or
/// wrong, [`ErrorKind::GitUpstream`] when the branch has no upstream to
/// push to or pull from, [`ErrorKind::NotFound`] when the path is not a
/// repository or the remote has no such repository, and
/// [`ErrorKind::CommandExit`] otherwise; the message ends with git's own
/// words. Methods that do something return git's [`CommandResult`].
///
/// Cancelling a call ([`Sandbox::with_cancel`]) kills the git it runs (best
/// effort) and removes the credentials it was given.
///
/// # Credentials
///
/// The official SDKs put a username and password into the remote's URL
/// (`https://user:token@host/...`) on the command line of `git clone`, `git
/// push` or `git remote set-url`, where any process in the sandbox can read
/// them with `ps` for as long as the command runs. These helpers never put a
/// secret on a command line or in an environment variable. For a call given
/// a username and password it makes a private directory (`mktemp -d`, mode
/// 0700, owned by the user the command runs as), writes the credentials into
/// a file there through the files API, and runs git with a one-call
/// credential helper that prints that file (`-c credential.helper=` clears
/// the configured helpers first, so none of them sees or stores the secret).
/// The directory is removed when the call ends, whatever the outcome. The
/// remote's URL is never changed.
///
/// `dangerously_store_credentials` on a clone keeps the file in the new
/// repository's git directory (mode 0600) with a repository-local
/// `credential.helper` reading it, so later pushes and pulls of that
/// repository need no credentials (the SDKs leave them in the remote's URL
/// instead); [`Git::dangerously_authenticate`] stores them in the user's
/// `~/.git-credentials` through `git credential approve`, reading them from
/// such a file rather than from its command line.
#[derive(Clone, Debug)]
pub struct Git<'a> {
    sandbox: &'a Sandbox,
    options: GitOptions,
}

impl Sandbox {
    /// The sandbox's git helpers, run as the default user in their home with no time limit.
    pub fn git(&self) -> Git<'_> {
        Git { sandbox: self, options: GitOptions::default() }
    }
}

/// Quotes `word` for the shell: `'...'`, with `'` written as `'"'"'`.
fn quote(word: &str) -> String {
    format!("'{}'", word.replace('\'', r#"'"'"'"#))
}

/// A `git` command line: `git [-C repo] [-c config]... args...`, every part quoted.
fn git_line(repo: Option<&str>, config: &[String], args: &[&str]) -> String {
    let mut line = String::from("git");
    if let Some(repo) = repo {
        line.push_str(" -C ");
        line.push_str(&quote(repo));
    }
    for setting in config {
        line.push_str(" -c ");
        line.push_str(&quote(setting));
    }
    for arg in args {
        line.push(' ');
        line.push_str(&quote(arg));
    }
    line
}

/// What git said when it failed: stderr, then stdout.
fn said(result: &CommandResult) -> String {
    let mut text = String::from_utf8_lossy(&result.stderr).into_owned();
    let stdout = String::from_utf8_lossy(&result.stdout);
    if !stdout.trim().is_empty() {
        text.push('\n');
        text.push_str(&stdout);
    }
    text
}

/// The phrases with which git (and the usual servers) say the credentials were missing or wrong.
const AUTH_PHRASES: &[&str] = &[
    "authentication failed",
    "terminal prompts disabled",
    "could not read username",
    "could not read password",
    "invalid username or password",
    "access denied",
    "permission denied (publickey",
    "not authorized",
];

/// The phrases with which git says a branch has no upstream.
const UPSTREAM_PHRASES: &[&str] = &[
    "has no upstream branch",
    "no upstream branch",
    "no upstream configured",
    "no tracking information",
    "set the remote as upstream",
    "set the upstream branch",
    "please specify which branch you want to merge with",
];

/// The phrases with which git says there is no repository there.
const NOT_FOUND_PHRASES: &[&str] =
    &["not a git repository", "does not appear to be a git repository", "repository not found"];

/// Whether git said there is no repository where it looked.
fn no_repository(lower: &str) -> bool {
    NOT_FOUND_PHRASES.iter().any(|p| lower.contains(p))
        || (lower.contains("repository '") && (lower.contains("' not found") || lower.contains("' does not exist")))
}

/// The typed error for a git that exited with a non-zero code.
fn failure(action: &str, result: &CommandResult) -> Error {
    let text = said(result);
    let lower = text.to_lowercase();
    let tail: String = {
        let trimmed = text.trim();
        let chars: Vec<char> = trimmed.chars().collect();
        chars[chars.len().saturating_sub(2000)..].iter().collect()
    };
    let (kind, why) = if AUTH_PHRASES.iter().any(|p| lower.contains(p)) {
        (ErrorKind::GitAuth, "authentication failed: credentials are missing or wrong".to_owned())
    } else if UPSTREAM_PHRASES.iter().any(|p| lower.contains(p)) {
        (ErrorKind::GitUpstream, "the branch has no upstream: pass a remote and branch, or set one".to_owned())
    } else if no_repository(&lower) {
        (ErrorKind::NotFound, "no such repository".to_owned())
    } else {
        (ErrorKind::CommandExit, format!("git exited with code {}", result.exit_code))
    };
    Error::new(kind, format!("git {action}: {why}: {tail}"))
}

/// Rejects an empty required argument.
/// `git reset`'s arguments, as the SDKs build them.
fn reset_args(options: &ResetOptions) -> Vec<&str> {
    let mut args = vec!["reset"];
    args.extend(options.mode.map(ResetMode::flag));
    args.extend(options.target.as_deref());
    if !options.paths.is_empty() {
        args.push("--");
        args.extend(options.paths.iter().map(String::as_str));
    }
    args
}

/// `git restore`'s arguments, as the SDKs build them: with neither `staged`
/// nor `worktree` given, the working tree; with only `staged: true`, the index.
fn restore_args(options: &RestoreOptions) -> Result<Vec<&str>> {
    if options.paths.is_empty() {
        return Err(Error::invalid_argument("git restore: at least one path is required"));
    }
    let (staged, worktree) = match (options.staged, options.worktree) {
        (None, None) => (false, true),
        (Some(staged), None) => (staged, !staged),
        (None, Some(worktree)) => (false, worktree),
        (Some(staged), Some(worktree)) => (staged, worktree),
    };
    if !staged && !worktree {
        return Err(Error::invalid_argument("git restore: at least one of staged or worktree must be true"));
    }
    let mut args = vec!["restore"];
    if worktree {
        args.push("--worktree");
    }
    if staged {
        args.push("--staged");
    }
    if let Some(source) = options.source.as_deref() {
        args.extend(["--source", source]);
    }
    args.push("--");
    args.extend(options.paths.iter().map(String::as_str));
    Ok(args)
}

fn required(value: &str, name: &str) -> Result<()> {
    if value.is_empty() {
        return Err(Error::invalid_argument(format!("{name} must not be empty")));
    }
    Ok(())
}

/// The credentials of a call: both or neither, usable in git's credential protocol.
fn credentials<'c>(
    action: &str,
    username: Option<&'c str>,
    password: Option<&'c str>,
) -> Result<Option<(&'c str, &'c str)>> {
    let username = username.filter(|u| !u.is_empty());
    let password = password.filter(|p| !p.is_empty());
    match (username, password) {
        (None, None) => Ok(None),
        (Some(_), None) => Err(Error::invalid_argument(format!("git {action}: a username needs a password or token"))),
        (None, Some(_)) => Err(Error::invalid_argument(format!("git {action}: a password or token needs a username"))),
        (Some(u), Some(p)) => {
            if [u, p].iter().any(|s| s.contains(['\n', '\r', '\0'])) {
                return Err(Error::invalid_argument(format!(
                    "git {action}: a username or password must not contain a line break or NUL"
                )));
            }
            Ok(Some((u, p)))
        }
    }
}

/// A private directory in the sandbox holding one credentials file, for one call.
struct CredentialFile {
    dir: String,
}

impl CredentialFile {
    /// The file's path.
    fn path(&self) -> String {
        format!("{}/credentials", self.dir)
    }

    /// The `-c` settings that make git take its credentials from this file only.
    fn config(&self) -> Vec<String> {
        vec!["credential.helper=".to_owned(), helper_reading(&self.path())]
    }
}

/// A `credential.helper=...` setting whose helper answers `get` with the
/// contents of `file` (lines of git's credential protocol).
fn helper_reading(file: &str) -> String {
    format!("credential.helper=!f() {{ test \"$1\" = get && cat {}; }}; f", quote(file))
}

/// The last part of an HTTP(S) URL's path without `.git`: where `git clone` puts it.
fn repo_dir_from_url(url: &str) -> Option<String> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let path = rest.split_once('/')?.1;
    let path = path.split(['?', '#']).next().unwrap_or("");
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    let name = last.strip_suffix(".git").unwrap_or(last);
    (!name.is_empty()).then(|| name.to_owned())
}

impl<'a> Git<'a> {
    /// The same helpers with other [`GitOptions`] (user, working directory, environment, time limit).
    pub fn with_options(&self, options: GitOptions) -> Git<'a> {
        Git { sandbox: self.sandbox, options }
    }

    /// The options the helpers run with.
    pub fn options(&self) -> &GitOptions {
        &self.options
    }

    fn command_options(&self) -> CommandOptions {
        let mut options = CommandOptions::default().timeout(self.options.timeout).env("GIT_TERMINAL_PROMPT", "0");
        options.envs.extend(self.options.envs.iter().map(|(k, v)| (k.clone(), v.clone())));
        options.cwd = self.options.cwd.clone();
        options.user = self.options.user.clone();
        options
    }

    /// The sandbox for cleaning up after a call: not tied to its cancel token, briefly bounded.
    fn untied(&self) -> Sandbox {
        self.sandbox.with_cancel_token(None).with_call_deadline(Some(CLEANUP_DEADLINE))
    }

    /// Runs a shell command line and waits for it; a cancelled wait kills it
    /// (best effort, not tied to the token).
    fn exec(&self, line: &str) -> Result<CommandResult> {
        let sandbox = self.sandbox.pinned();
        let handle = sandbox.commands().start(line, &self.command_options())?;
        let outcome = handle.wait(None);
        if outcome.as_ref().is_err_and(|err| err.kind() == ErrorKind::Cancelled) {
            let _ = self.untied().commands().kill(handle.pid());
        }
        outcome
    }

    /// Runs a shell command line; a non-zero exit is a typed failure of `action`.
    fn sh(&self, action: &str, line: &str) -> Result<CommandResult> {
        let result = self.exec(line)?;
        if result.exit_code != 0 {
            return Err(failure(action, &result));
        }
        Ok(result)
    }

    /// Runs `git [-C repo] [-c config]... args...`.
    fn run(&self, action: &str, repo: Option<&str>, config: &[String], args: &[&str]) -> Result<CommandResult> {
        self.sh(action, &git_line(repo, config, args))
    }

    /// Makes a private directory and writes the credentials into it, as the user git runs as.
    fn credential_file(&self, action: &str, username: &str, password: &str) -> Result<CredentialFile> {
        let made = self.sh(action, "mktemp -d \"${TMPDIR:-/tmp}/e2b-git.XXXXXXXX\"")?;
        let dir = String::from_utf8_lossy(&made.stdout).trim().to_owned();
        if !dir.starts_with('/') {
            return Err(Error::decode(&format!("git {action}: make a private directory"), format!("`{dir}`")));
        }
        let file = CredentialFile { dir };
        let files = self.sandbox.files();
        let files = match self.options.user.as_deref() {
            Some(user) => files.as_user(user),
            None => files,
        };
        let written = files.write(&file.path(), format!("username={username}\npassword={password}\n"));
        if let Err(err) = written {
            self.forget(&file);
            return Err(err);
        }
        Ok(file)
    }

    /// Removes a credentials file's directory (best effort: a failure here is not the call's).
    fn forget(&self, file: &CredentialFile) {
        let line = format!("rm -rf -- {}", quote(&file.dir));
        let options = self.command_options().timeout(Some(CLEANUP_DEADLINE));
        if let Err(err) = self.untied().commands().run(&line, &options, None) {
            log::warn!(target: "e2b::git", "could not remove the credentials directory {}: {err}", file.dir);
        }
    }

    /// Runs `body` with the credentials (if any) in a private file, removed afterwards.
    fn with_credentials<T>(
        &self,
        action: &str,
        creds: Option<(&str, &str)>,
        body: impl FnOnce(Option<&CredentialFile>) -> Result<T>,
    ) -> Result<T> {
        let Some((username, password)) = creds else { return body(None) };
        let file = self.credential_file(action, username, password)?;
        let outcome = body(Some(&file));
        self.forget(&file);
        outcome
    }

    /// Clones `url` (`git clone`), into `options.path` or the directory named after the URL.
    ///
    /// With a username and password the credentials reach git through a
    /// private file, never the command line (see [`Git`] on
    /// credentials), and the remote keeps the URL as given. Errors:
    /// [`ErrorKind::InvalidArgument`] for a password without username (or
    /// the reverse), [`ErrorKind::GitAuth`], [`ErrorKind::NotFound`] for a
    /// repository the server does not have, [`ErrorKind::CommandExit`].
    pub fn clone(&self, url: &str, options: &CloneOptions) -> Result<CommandResult> {
        required(url, "url")?;
        let creds = credentials("clone", options.username.as_deref(), options.password.as_deref())?;
        let depth = options.depth.map(|d| d.to_string());
        let mut args = vec!["clone"];
        if let Some(branch) = options.branch.as_deref() {
            args.extend(["--branch", branch, "--single-branch"]);
        }
        if let Some(depth) = depth.as_deref() {
            args.extend(["--depth", depth]);
        }
        args.extend(["--", url]);
        args.extend(options.path.as_deref());
        let store = creds.is_some() && options.dangerously_store_credentials;
        let repo = match (&options.path, store) {
            (_, false) => None,
            (Some(path), true) => Some(path.clone()),
            (None, true) => Some(repo_dir_from_url(url).ok_or_else(|| {
                Error::invalid_argument("git clone: storing credentials needs a path for a URL without a name")
            })?),
        };
        self.with_credentials("clone", creds, |file| {
            let config = file.map(CredentialFile::config).unwrap_or_default();
            let result = self.run("clone", None, &config, &args)?;
            if let (Some(file), Some(repo)) = (file, repo.as_deref()) {
                self.store_in_repo(repo, file)?;
            }
            Ok(result)
        })
    }

    /// Keeps `file`'s credentials in `repo`'s git directory, with a local helper reading them.
    fn store_in_repo(&self, repo: &str, file: &CredentialFile) -> Result<()> {
        let found = self.run("clone", Some(repo), &[], &["rev-parse", "--absolute-git-dir"])?;
        let git_dir = String::from_utf8_lossy(&found.stdout).trim().to_owned();
        let stored = format!("{git_dir}/e2b-credentials");
        let helper = helper_reading(&stored);
        let helper = helper.strip_prefix("credential.helper=").unwrap_or(&helper);
        let line = format!(
            "install -m 600 {} {} && {}",
            quote(&file.path()),
            quote(&stored),
            git_line(Some(repo), &[], &["config", "--local", "credential.helper", helper])
        );
        self.sh("clone", &line).map(drop)
    }

    /// Makes a repository at `path` (`git init`).
    pub fn init(&self, path: &str, options: &InitOptions) -> Result<CommandResult> {
        required(path, "path")?;
        let mut args = vec!["init"];
        if let Some(branch) = options.initial_branch.as_deref() {
            args.extend(["--initial-branch", branch]);
        }
        if options.bare {
            args.push("--bare");
        }
        args.extend(["--", path]);
        self.run("init", None, &[], &args)
    }

    /// Adds the remote `name` at `url` (`git remote add`); see [`RemoteAddOptions`].
    pub fn remote_add(&self, path: &str, name: &str, url: &str, options: &RemoteAddOptions) -> Result<CommandResult> {
        required(name, "name")?;
        required(url, "url")?;
        if !options.overwrite {
            let mut args = vec!["remote", "add"];
            if options.fetch {
                args.push("-f");
            }
            args.extend(["--", name, url]);
            return self.run("remote add", Some(path), &[], &args);
        }
        let add = git_line(Some(path), &[], &["remote", "add", "--", name, url]);
        let set = git_line(Some(path), &[], &["remote", "set-url", "--", name, url]);
        let mut line = format!("({add} || {set})");
        if options.fetch {
            line.push_str(" && ");
            line.push_str(&git_line(Some(path), &[], &["fetch", "--", name]));
        }
        self.sh("remote add", &line)
    }

    /// The URL of the remote `name`, or `None` if there is no such remote (`git remote get-url`).
    pub fn remote_get(&self, path: &str, name: &str) -> Result<Option<String>> {
        required(name, "name")?;
        // `get-url` fails both for a missing remote and outside a repository: tell them apart.
        let line = format!(
            "{} >/dev/null && {{ {} || true; }}",
            git_line(Some(path), &[], &["rev-parse", "--git-dir"]),
            git_line(Some(path), &[], &["remote", "get-url", "--", name])
        );
        let result = self.sh("remote get-url", &line)?;
        let url = String::from_utf8_lossy(&result.stdout).trim().to_owned();
        Ok((!url.is_empty()).then_some(url))
    }

    /// The repository's branch and changed files (`git status --porcelain=v2 --branch -z`).
    pub fn status(&self, path: &str) -> Result<GitStatus> {
        let result = self.run("status", Some(path), &[], &["status", "--porcelain=v2", "--branch", "-z"])?;
        parse_status(&result.stdout)
    }

    /// The repository's local branches (`git branch --format=...`).
    pub fn branches(&self, path: &str) -> Result<GitBranches> {
        let result = self.run("branch", Some(path), &[], &["branch", "--format=%(refname:short)%09%(HEAD)"])?;
        Ok(parse_branches(&String::from_utf8_lossy(&result.stdout)))
    }

    /// Makes the branch `branch` and checks it out (`git checkout -b`).
    pub fn create_branch(&self, path: &str, branch: &str) -> Result<CommandResult> {
        required(branch, "branch")?;
        self.run("checkout", Some(path), &[], &["checkout", "-b", branch])
    }

    /// Checks out the branch `branch` (`git checkout`).
    pub fn checkout_branch(&self, path: &str, branch: &str) -> Result<CommandResult> {
        required(branch, "branch")?;
        self.run("checkout", Some(path), &[], &["checkout", branch])
    }

    /// Deletes the branch `branch` (`git branch -d`, or `-D` with `force` for an unmerged one).
    pub fn delete_branch(&self, path: &str, branch: &str, force: bool) -> Result<CommandResult> {
        required(branch, "branch")?;
        let flag = if force { "-D" } else { "-d" };
        self.run("branch", Some(path), &[], &["branch", flag, "--", branch])
    }

    /// Stages changes (`git add`); see [`AddOptions`].
    pub fn add(&self, path: &str, options: &AddOptions) -> Result<CommandResult> {
        let mut args = vec!["add"];
        if options.files.is_empty() {
            args.push(if options.all { "-A" } else { "." });
        } else {
            args.push("--");
            args.extend(options.files.iter().map(String::as_str));
        }
        self.run("add", Some(path), &[], &args)
    }

    /// Commits what is staged with `message` (`git commit -m`); see [`CommitOptions`].
    pub fn commit(&self, path: &str, message: &str, options: &CommitOptions) -> Result<CommandResult> {
        required(message, "message")?;
        let mut config = Vec::new();
        if let Some(name) = options.author_name.as_deref() {
            config.push(format!("user.name={name}"));
        }
        if let Some(email) = options.author_email.as_deref() {
            config.push(format!("user.email={email}"));
        }
        let mut args = vec!["commit", "-m", message];
        if options.allow_empty {
            args.push("--allow-empty");
        }
        self.run("commit", Some(path), &config, &args)
    }

    /// Moves HEAD, and with it the index and working tree as the mode says
    /// (`git reset`); see [`ResetOptions`].
    pub fn reset(&self, path: &str, options: &ResetOptions) -> Result<CommandResult> {
        self.run("reset", Some(path), &[], &reset_args(options))
    }

    /// Restores files of the working tree or the index (`git restore`); see
    /// [`RestoreOptions`]. [`ErrorKind::InvalidArgument`] without a path, or
    /// with both `staged` and `worktree` false.
    pub fn restore(&self, path: &str, options: &RestoreOptions) -> Result<CommandResult> {
        let args = restore_args(options)?;
        self.run("restore", Some(path), &[], &args)
    }

    /// The only remote of the repository, for a call with credentials and no remote.
    fn sole_remote(&self, action: &str, path: &str) -> Result<String> {
        let listed = self.run(action, Some(path), &[], &["remote"])?;
        let text = String::from_utf8_lossy(&listed.stdout);
        let remotes: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).collect();
        match remotes.as_slice() {
            [one] => Ok((*one).to_owned()),
            [] => Err(Error::invalid_argument(format!("git {action}: the repository has no remote"))),
            _ => Err(Error::invalid_argument(format!(
                "git {action}: a remote is needed with credentials when the repository has several"
            ))),
        }
    }

    /// Pushes commits (`git push`); see [`PushOptions`]. Errors:
    /// [`ErrorKind::GitAuth`], [`ErrorKind::GitUpstream`] (no remote given
    /// and the branch has no upstream), [`ErrorKind::InvalidArgument`],
    /// [`ErrorKind::CommandExit`].
    pub fn push(&self, path: &str, options: &PushOptions) -> Result<CommandResult> {
        let creds = credentials("push", options.username.as_deref(), options.password.as_deref())?;
        let remote = match (&options.remote, creds) {
            (Some(remote), _) => Some(remote.clone()),
            (None, Some(_)) => Some(self.sole_remote("push", path)?),
            (None, None) => None,
        };
        let mut args = vec!["push"];
        if let Some(remote) = remote.as_deref() {
            if options.set_upstream {
                args.push("--set-upstream");
            }
            args.push(remote);
        }
        if let Some(branch) = options.branch.as_deref() {
            args.push(branch);
        }
        self.with_credentials("push", creds, |file| {
            let config = file.map(CredentialFile::config).unwrap_or_default();
            self.run("push", Some(path), &config, &args)
        })
    }

    /// Fetches and merges (`git pull`); see [`PullOptions`]. With neither a
    /// remote nor a branch the branch must have an upstream, else the call
    /// fails with [`ErrorKind::GitUpstream`] before anything is fetched.
    pub fn pull(&self, path: &str, options: &PullOptions) -> Result<CommandResult> {
        let creds = credentials("pull", options.username.as_deref(), options.password.as_deref())?;
        if options.remote.is_none() && options.branch.is_none() {
            let check = git_line(Some(path), &[], &["rev-parse", "--abbrev-ref", "--symbolic-full-name", "@{u}"]);
            let found = self.exec(&check)?;
            if found.exit_code != 0 {
                let err = failure("pull", &found);
                if err.kind() == ErrorKind::NotFound {
                    return Err(err);
                }
                return Err(Error::new(
                    ErrorKind::GitUpstream,
                    "git pull: the branch has no upstream: pass a remote and branch, or set one (push with set_upstream)",
                ));
            }
        }
        let remote = match (&options.remote, creds) {
            (Some(remote), _) => Some(remote.clone()),
            (None, Some(_)) => Some(self.sole_remote("pull", path)?),
            (None, None) => None,
        };
        let mut args = vec!["pull"];
        args.extend(remote.as_deref());
        args.extend(options.branch.as_deref());
        self.with_credentials("pull", creds, |file| {
            let config = file.map(CredentialFile::config).unwrap_or_default();
            self.run("pull", Some(path), &config, &args)
        })
    }

    /// The `git [-C path] config --<scope>` prefix, checking that a local scope has a path.
    fn config_args(scope: ConfigScope, path: Option<&str>) -> Result<(Option<&str>, &'static str)> {
        let path = path.filter(|p| !p.is_empty());
        if scope == ConfigScope::Local && path.is_none() {
            return Err(Error::invalid_argument("git config: the local scope needs a repository path"));
        }
        let flag = match scope {
            ConfigScope::Global => "--global",
            ConfigScope::Local => "--local",
            ConfigScope::System => "--system",
        };
        Ok((path, flag))
    }

    /// Sets `key` to `value` in the configuration of `scope` (`git config`);
    /// `path` is the repository for [`ConfigScope::Local`].
    pub fn set_config(&self, key: &str, value: &str, scope: ConfigScope, path: Option<&str>) -> Result<CommandResult> {
        required(key, "key")?;
        let (repo, flag) = Git::config_args(scope, path)?;
        self.run("config", repo, &[], &["config", flag, key, value])
    }

    /// The value of `key` in the configuration of `scope`, or `None` if it is not set (`git config --get`).
    pub fn get_config(&self, key: &str, scope: ConfigScope, path: Option<&str>) -> Result<Option<String>> {
        required(key, "key")?;
        let (repo, flag) = Git::config_args(scope, path)?;
        let result = self.exec(&git_line(repo, &[], &["config", flag, "--get", key]))?;
        match result.exit_code {
            0 => Ok(Some(String::from_utf8_lossy(&result.stdout).trim_end_matches('\n').to_owned())),
            // git's code for a key that is not set.
            1 if result.stderr.is_empty() => Ok(None),
            _ => Err(failure("config", &result)),
        }
    }

    /// Sets `user.name` and `user.email` in the configuration of `scope`.
    pub fn configure_user(&self, name: &str, email: &str, scope: ConfigScope, path: Option<&str>) -> Result<()> {
        required(name, "name")?;
        required(email, "email")?;
        self.set_config("user.name", name, scope, path)?;
        self.set_config("user.email", email, scope, path)?;
        Ok(())
    }

    /// Stores `username` and `password` for every repository at `host` over
    /// `protocol` (`"https"` or `"http"`) in the user's `~/.git-credentials`,
    /// with `credential.helper=store` in the global configuration. The
    /// secret reaches `git credential approve` through a private file, never
    /// a command line; it then stays on the sandbox's disk, readable by that
    /// user, hence the name.
    pub fn dangerously_authenticate(&self, username: &str, password: &str, host: &str, protocol: &str) -> Result<()> {
        required(host, "host")?;
        required(protocol, "protocol")?;
        let creds = credentials("credential approve", Some(username), Some(password))?
            .ok_or_else(|| Error::invalid_argument("git credential approve: a username and password are needed"))?;
        if [host, protocol].iter().any(|s| s.contains(['\n', '\r', '\0'])) {
            return Err(Error::invalid_argument("git credential approve: host and protocol must be one line each"));
        }
        self.set_config("credential.helper", "store", ConfigScope::Global, None)?;
        self.with_credentials("credential approve", Some(creds), |file| {
            let line = format!(
                "{{ printf 'protocol=%s\\nhost=%s\\n' {} {} && cat {}; }} | git credential approve",
                quote(protocol),
                quote(host),
                quote(&file.expect("credentials given").path())
            );
            self.sh("credential approve", &line).map(drop)
        })
    }
}

/// Decodes `git status --porcelain=v2 --branch -z`.
fn parse_status(output: &[u8]) -> Result<GitStatus> {
    let bad = |what: &str| Error::decode("git status", format!("unexpected output: {what}"));
    let text = std::str::from_utf8(output).map_err(|_| bad("not UTF-8"))?;
    let mut status = GitStatus::default();
    let mut records = text.split('\0').filter(|r| !r.is_empty());
    // A status letter as porcelain v1 shows it: `.` (unchanged) is a space.
    let letter = |c: char| if c == '.' { ' ' } else { c };
    while let Some(record) = records.next() {
        if let Some(header) = record.strip_prefix("# ") {
            let (key, value) = header.split_once(' ').unwrap_or((header, ""));
            match key {
                "branch.head" if value == "(detached)" => status.detached = true,
                "branch.head" => status.current_branch = Some(value.to_owned()),
                "branch.upstream" => status.upstream = Some(value.to_owned()),
                "branch.ab" => {
                    for part in value.split(' ') {
                        if let Some(n) = part.strip_prefix('+') {
                            status.ahead = n.parse().map_err(|_| bad(record))?;
                        } else if let Some(n) = part.strip_prefix('-') {
                            status.behind = n.parse().map_err(|_| bad(record))?;
                        }
                    }
                }
                _ => {}
            }
            continue;
        }
        let (kind, rest) = record.split_once(' ').ok_or_else(|| bad(record))?;
        let entry = match kind {
            "?" => GitFileStatus {
                name: rest.to_owned(),
                status: FileChange::Untracked,
                index_status: '?',
                working_tree_status: '?',
                staged: false,
                renamed_from: None,
            },
            // Ignored files are listed only with --ignored, which is not asked for.
            "!" => continue,
            "1" | "2" | "u" => {
                // Fields before the path: 1 has 7, 2 has 8 (with the score), u has 9.
                let fields = match kind {
                    "1" => 7,
                    "2" => 8,
                    _ => 9,
                };
                let parts: Vec<&str> = rest.splitn(fields + 1, ' ').collect();
                if parts.len() != fields + 1 {
                    return Err(bad(record));
                }
                let mut xy = parts[0].chars();
                let (x, y) = (xy.next().ok_or_else(|| bad(record))?, xy.next().ok_or_else(|| bad(record))?);
                let (index, worktree) = (letter(x), letter(y));
                let renamed_from =
                    if kind == "2" { Some(records.next().ok_or_else(|| bad(record))?.to_owned()) } else { None };
                let change = if kind == "u" { FileChange::Conflict } else { FileChange::from_letters(index, worktree) };
                GitFileStatus {
                    name: parts[fields].to_owned(),
                    status: change,
                    index_status: index,
                    working_tree_status: worktree,
                    staged: kind != "u" && index != ' ',
                    renamed_from,
                }
            }
            _ => return Err(bad(record)),
        };
        status.file_status.push(entry);
    }
    Ok(status)
}

/// Decodes `git branch --format=%(refname:short)%09%(HEAD)`.
fn parse_branches(output: &str) -> GitBranches {
    let mut branches = GitBranches::default();
    for line in output.lines().filter(|l| !l.trim().is_empty()) {
        let (name, head) = line.split_once('\t').unwrap_or((line, ""));
        // A detached HEAD is listed as "(HEAD detached at ...)": not a branch.
        if name.starts_with('(') {
            continue;
        }
        if head == "*" {
            branches.current_branch = Some(name.to_owned());
        }
        branches.branches.push(name.to_owned());
    }
    branches
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_quotes_and_spaces() {
        assert_eq!(quote("it's a test"), r#"'it'"'"'s a test'"#);
        assert_eq!(
            git_line(Some("/r p"), &["user.name=A B".into()], &["commit", "-m", "x"]),
            "git -C '/r p' -c 'user.name=A B' 'commit' '-m' 'x'"
        );
    }

    #[test]
    fn status_parses_porcelain_v2() {
        let out = b"# branch.oid 1234\0# branch.head main\0# branch.upstream origin/main\0# branch.ab +2 -1\0\
1 M. N... 100644 100644 100644 aaaa bbbb staged.txt\0\
1 .M N... 100644 100644 100644 aaaa aaaa a file with spaces.txt\0\
2 R. N... 100644 100644 100644 aaaa aaaa R100 new name.txt\0old name.txt\0\
u UU N... 100644 100644 100644 100644 aaaa bbbb cccc both.txt\0\
? new.txt\0";
        let status = parse_status(out).unwrap();
        assert_eq!(status.current_branch.as_deref(), Some("main"));
        assert_eq!(status.upstream.as_deref(), Some("origin/main"));
        assert_eq!((status.ahead, status.behind, status.detached), (2, 1, false));
        let names: Vec<_> = status.file_status.iter().map(|f| (f.name.as_str(), f.status, f.staged)).collect();
        assert_eq!(
            names,
            [
                ("staged.txt", FileChange::Modified, true),
                ("a file with spaces.txt", FileChange::Modified, false),
                ("new name.txt", FileChange::Renamed, true),
                ("both.txt", FileChange::Conflict, false),
                ("new.txt", FileChange::Untracked, false),
            ]
        );
        assert_eq!(status.file_status[1].index_status, ' ');
        assert_eq!(status.file_status[2].renamed_from.as_deref(), Some("old name.txt"));
        assert_eq!((status.staged_count(), status.untracked_count(), status.conflict_count()), (2, 1, 1));
        assert!(status.has_conflicts() && !status.is_clean());

        let detached = parse_status(b"# branch.oid 1234\0# branch.head (detached)\0").unwrap();
        assert!(detached.detached && detached.current_branch.is_none() && detached.is_clean());
        assert_eq!(parse_status(b"1 M.\0").unwrap_err().kind(), ErrorKind::Decode);
    }

    #[test]
    fn branches_parse_and_skip_a_detached_head() {
        let parsed = parse_branches("(HEAD detached at 1234)\t*\nfeature\t \nmain\t \n");
        assert_eq!(parsed.branches, ["feature", "main"]);
        assert_eq!(parsed.current_branch, None);
        let parsed = parse_branches("feature\t \nmain\t*\n");
        assert_eq!(parsed.current_branch.as_deref(), Some("main"));
    }

    #[test]
    fn failures_are_typed() {
        let result = |stderr: &str| CommandResult { stderr: stderr.into(), exit_code: 128, ..Default::default() };
        let kind = |stderr: &str| failure("x", &result(stderr)).kind();
        assert_eq!(kind("fatal: Authentication failed for 'http://h/r.git/'"), ErrorKind::GitAuth);
        assert_eq!(
            kind("fatal: could not read Username for 'http://h': terminal prompts disabled"),
            ErrorKind::GitAuth
        );
        assert_eq!(kind("fatal: The current branch b has no upstream branch."), ErrorKind::GitUpstream);
        assert_eq!(kind("fatal: not a git repository (or any of the parent directories): .git"), ErrorKind::NotFound);
        assert_eq!(kind("fatal: repository 'http://h/nope.git/' not found"), ErrorKind::NotFound);
        assert_eq!(kind("fatal: repository '/srv/nope.git' does not exist"), ErrorKind::NotFound);
        assert_eq!(
            kind("fatal: destination path 'x' already exists and is not an empty directory."),
            ErrorKind::CommandExit
        );
        assert_eq!(kind("error: pathspec 'x' did not match any file(s) known to git"), ErrorKind::CommandExit);
        assert!(failure("x", &result("fatal: boom")).message().ends_with("fatal: boom"));
    }

    #[test]
    fn credentials_come_in_pairs_on_one_line() {
        assert_eq!(credentials("x", None, None).unwrap(), None);
        assert_eq!(credentials("x", Some("u"), Some("p")).unwrap(), Some(("u", "p")));
        assert_eq!(credentials("x", None, Some("p")).unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(credentials("x", Some("u"), None).unwrap_err().kind(), ErrorKind::InvalidArgument);
        assert_eq!(credentials("x", Some("u"), Some("p\nq")).unwrap_err().kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn reset_and_restore_arguments_are_the_sdks() {
        assert_eq!(reset_args(&ResetOptions::default()), ["reset"]);
        let hard = ResetOptions::default().mode(ResetMode::Hard).target("HEAD~1").path("a").path("b");
        assert_eq!(reset_args(&hard), ["reset", "--hard", "HEAD~1", "--", "a", "b"]);
        let restore = |o: RestoreOptions| {
            let o = o.path(".");
            restore_args(&o).map(|args| args.join(" ")).map_err(|e| e.kind())
        };
        assert_eq!(restore(RestoreOptions::default()).unwrap(), "restore --worktree -- .");
        assert_eq!(restore(RestoreOptions::default().staged(true)).unwrap(), "restore --staged -- .");
        assert_eq!(
            restore(RestoreOptions::default().staged(true).worktree(true).source("main")).unwrap(),
            "restore --worktree --staged --source main -- ."
        );
        assert_eq!(restore(RestoreOptions::default().worktree(false)), Err(ErrorKind::InvalidArgument));
        assert_eq!(restore(RestoreOptions::default().staged(false)).unwrap(), "restore --worktree -- .");
        assert_eq!(restore_args(&RestoreOptions::default()).unwrap_err().kind(), ErrorKind::InvalidArgument);
    }

    #[test]
    fn repository_directory_from_url() {
        assert_eq!(repo_dir_from_url("https://h/o/repo.git").as_deref(), Some("repo"));
        assert_eq!(repo_dir_from_url("http://h:8080/repo/").as_deref(), Some("repo"));
        assert_eq!(repo_dir_from_url("https://h"), None);
        assert_eq!(repo_dir_from_url("git@h:o/r.git"), None);
    }
}
