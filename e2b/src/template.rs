//! Template builds: the official SDKs' `Template` builder (`POST /v3/templates`, the file
//! uploads, `POST /v2/templates/{id}/builds/{buildID}`, the build status and logs, tags).
//!
//! ```no_run
//! # fn main() -> e2b::Result<()> {
//! let client = e2b::Client::from_env();
//! let template = e2b::Template::new()
//!     .from_template("code-interpreter-v1")
//!     .copy("app.py", "/home/user/app/")
//!     .run_cmd("pip install --no-index /home/user/app/wheels/*.whl")
//!     .set_envs([("MODE", "production")])
//!     .set_workdir("/home/user/app")
//!     .set_start_cmd("python3 app.py", "test -e /tmp/ready");
//! let info = template.build(&client, &e2b::BuildOptions::new("my-app"), Some(&mut |entry: &e2b::BuildLogEntry| {
//!     println!("{}", entry.message);
//! }))?;
//! let sandbox = client.create_sandbox(&e2b::SandboxOptions::new("my-app"))?;
//! # let _ = (info, sandbox); Ok(()) }
//! ```

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Read, Write};
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use ureq::http::Method;

use crate::api::{check, decode};
use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Body, Deadline};
use crate::util::encode_component;

/// The SDKs' poll interval of a build's status.
pub const BUILD_POLL_INTERVAL: Duration = Duration::from_millis(200);
/// The base image `from_base_image` starts from.
pub const DEFAULT_BASE_IMAGE: &str = "e2bdev/base";

#[derive(Clone, Debug, PartialEq, Eq)]
enum From {
    Image(String),
    Template(String),
}

#[derive(Clone, Debug)]
struct Step {
    kind: &'static str,
    args: Vec<String>,
    force: bool,
    copy: Option<CopySource>,
}

#[derive(Clone, Debug)]
struct CopySource {
    force_upload: bool,
    resolve_symlinks: bool,
}

/// Options of [`Template::copy_with`] (the SDKs' `copy` keyword arguments).
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct CopyOptions {
    /// The owner of the copied files (`user`, `root`); `None`: the current user.
    pub user: Option<String>,
    /// The mode of the copied files (e.g. `0o755`); `None` keeps theirs.
    pub mode: Option<u32>,
    /// Upload the files even when the server has them already.
    pub force_upload: bool,
    /// Copy what symbolic links point to rather than the links.
    pub resolve_symlinks: bool,
}

impl CopyOptions {
    /// Sets the owner.
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.user = Some(user.into());
        self
    }

    /// Sets the mode.
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Uploads the files even when the server has them.
    pub fn force_upload(mut self, force: bool) -> Self {
        self.force_upload = force;
        self
    }

    /// Follows symbolic links.
    pub fn resolve_symlinks(mut self, resolve: bool) -> Self {
        self.resolve_symlinks = resolve;
        self
    }
}

/// A template definition: a base (an image or a template) and build steps, built on the
/// server by [`Template::build`]. The methods mirror the SDKs' builder and return the
/// template, so calls chain.
#[derive(Clone, Debug)]
pub struct Template {
    context: PathBuf,
    from: From,
    steps: Vec<Step>,
    start_cmd: Option<String>,
    ready_cmd: Option<String>,
    force: bool,
    force_next: bool,
}

impl Default for Template {
    fn default() -> Self {
        Template::new()
    }
}

impl Template {
    /// A template from E2B's base image, whose `copy` sources are relative to the current
    /// directory.
    pub fn new() -> Template {
        Template {
            context: PathBuf::from("."),
            from: From::Image(DEFAULT_BASE_IMAGE.to_string()),
            steps: Vec::new(),
            start_cmd: None,
            ready_cmd: None,
            force: false,
            force_next: false,
        }
    }

    /// The folder `copy` sources are relative to (the SDKs' `file_context_path`).
    pub fn file_context_path(mut self, path: impl Into<PathBuf>) -> Template {
        self.context = path.into();
        self
    }

    /// Starts from the image `image` (e2b-local has `e2bdev/base`, `debian:*` and
    /// `e2bdev/code-interpreter`).
    pub fn from_image(mut self, image: impl Into<String>) -> Template {
        self.from = From::Image(image.into());
        self
    }

    /// Starts from E2B's base image.
    pub fn from_base_image(self) -> Template {
        self.from_image(DEFAULT_BASE_IMAGE)
    }

    /// Starts from the template `template` (its files, environment, user, workdir and start command).
    pub fn from_template(mut self, template: impl Into<String>) -> Template {
        self.from = From::Template(template.into());
        self
    }

    fn push(mut self, kind: &'static str, args: Vec<String>, copy: Option<CopySource>) -> Template {
        self.steps.push(Step { kind, args, force: self.force_next, copy });
        self
    }

    /// Copies `src` (a file, a folder or a glob, relative to the context folder) to `dest`.
    pub fn copy(self, src: impl Into<String>, dest: impl Into<String>) -> Template {
        self.copy_with(src, dest, &CopyOptions::default())
    }

    /// [`copy`](Template::copy) with an owner, a mode, a forced upload or followed links.
    pub fn copy_with(self, src: impl Into<String>, dest: impl Into<String>, options: &CopyOptions) -> Template {
        let args = vec![
            src.into(),
            dest.into(),
            options.user.clone().unwrap_or_default(),
            options.mode.map(|m| format!("{m:04o}")).unwrap_or_default(),
        ];
        let source = CopySource { force_upload: options.force_upload, resolve_symlinks: options.resolve_symlinks };
        self.push("COPY", args, Some(source))
    }

    /// Runs `command` (as the current user) in the build.
    pub fn run_cmd(self, command: impl Into<String>) -> Template {
        self.push("RUN", vec![command.into()], None)
    }

    /// Runs `command` as `user`.
    pub fn run_cmd_as(self, command: impl Into<String>, user: impl Into<String>) -> Template {
        self.push("RUN", vec![command.into(), user.into()], None)
    }

    /// Runs the commands, joined with ` && `, as `user` when given.
    pub fn run_cmds<I, S>(self, commands: I, user: Option<&str>) -> Template
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let joined = commands.into_iter().map(Into::into).collect::<Vec<String>>().join(" && ");
        let mut args = vec![joined];
        args.extend(user.map(str::to_string));
        self.push("RUN", args, None)
    }

    /// Sets environment variables for the following steps and the template's sandboxes.
    pub fn set_envs<I, K, V>(self, envs: I) -> Template
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let args: Vec<String> = envs.into_iter().flat_map(|(k, v)| [k.into(), v.into()]).collect();
        if args.is_empty() {
            return self;
        }
        self.push("ENV", args, None)
    }

    /// Sets the working directory of the following steps and of the template's sandboxes.
    pub fn set_workdir(self, workdir: impl Into<String>) -> Template {
        self.push("WORKDIR", vec![workdir.into()], None)
    }

    /// Sets the user of the following steps and of the template's sandboxes.
    pub fn set_user(self, user: impl Into<String>) -> Template {
        self.push("USER", vec![user.into()], None)
    }

    /// Sets the command started when a sandbox starts, and the command that says it is ready
    /// (run until it exits with 0).
    pub fn set_start_cmd(mut self, start_cmd: impl Into<String>, ready_cmd: impl Into<String>) -> Template {
        self.start_cmd = Some(start_cmd.into());
        self.ready_cmd = Some(ready_cmd.into());
        self
    }

    /// Sets the ready command alone.
    pub fn set_ready_cmd(mut self, ready_cmd: impl Into<String>) -> Template {
        self.ready_cmd = Some(ready_cmd.into());
        self
    }

    /// Rebuilds the following steps rather than using the server's cache.
    pub fn skip_cache(mut self) -> Template {
        self.force_next = true;
        self
    }

    /// Rebuilds every step (the SDKs' `skip_cache` before any step, or `build(skip_cache=True)`).
    pub fn force(mut self, force: bool) -> Template {
        self.force = force;
        self
    }

    /// The build request's JSON (`TemplateBuildStartV2`), the COPY steps' files hashed.
    pub fn to_json(&self) -> Result<Value> {
        let mut steps = Vec::new();
        for step in &self.steps {
            let mut value = json!({ "type": step.kind, "args": step.args, "force": step.force });
            if let Some(copy) = &step.copy {
                value["filesHash"] = json!(self.files_hash(step, copy)?);
                if copy.force_upload {
                    value["forceUpload"] = json!(true);
                }
            }
            steps.push(value);
        }
        let mut body = json!({ "steps": steps, "force": self.force });
        match &self.from {
            From::Image(image) => body["fromImage"] = json!(image),
            From::Template(template) => body["fromTemplate"] = json!(template),
        }
        if let Some(start) = &self.start_cmd {
            body["startCmd"] = json!(start);
        }
        if let Some(ready) = &self.ready_cmd {
            body["readyCmd"] = json!(ready);
        }
        Ok(body)
    }

    fn files_hash(&self, step: &Step, copy: &CopySource) -> Result<String> {
        files_hash(&step.args[0], &step.args[1], &self.context, copy.resolve_symlinks)
    }

    /// Builds the template on the server under `options.name` and waits until it is ready,
    /// giving each build log entry to `on_log` (polled every [`BUILD_POLL_INTERVAL`]).
    ///
    /// Errors: [`ErrorKind::Build`] with the server's reason when the build fails (a step's
    /// command, an image it cannot pull, ...), [`ErrorKind::FileUpload`] when files cannot be
    /// uploaded, [`ErrorKind::InvalidArgument`] for a `copy` source that matches nothing.
    pub fn build(
        &self,
        client: &Client,
        options: &BuildOptions,
        mut on_log: Option<&mut dyn FnMut(&BuildLogEntry)>,
    ) -> Result<BuildInfo> {
        let info = self.build_in_background(client, options)?;
        let mut offset = 0usize;
        loop {
            let status = Template::get_build_status(client, &info, Some(offset))?;
            offset += status.log_entries.len();
            if let Some(on_log) = on_log.as_mut() {
                for entry in &status.log_entries {
                    on_log(entry);
                }
            }
            match status.status {
                BuildStatus::Waiting | BuildStatus::Building => std::thread::sleep(BUILD_POLL_INTERVAL),
                done => {
                    // The last answer may not hold every entry: read until none is new.
                    let mut tail = status.log_entries.len();
                    while tail > 0 {
                        let more = Template::get_build_status(client, &info, Some(offset))?;
                        offset += more.log_entries.len();
                        tail = more.log_entries.len();
                        if let Some(on_log) = on_log.as_mut() {
                            for entry in &more.log_entries {
                                on_log(entry);
                            }
                        }
                    }
                    return match done {
                        BuildStatus::Ready => Ok(info),
                        _ => Err(Error::new(
                            ErrorKind::Build,
                            status.reason.map(|r| r.message).unwrap_or_else(|| "Build failed".to_string()),
                        )),
                    };
                }
            }
        }
    }

    /// Starts the build (requests it, uploads the files, starts it) and returns without
    /// waiting; [`Template::get_build_status`] follows it.
    pub fn build_in_background(&self, client: &Client, options: &BuildOptions) -> Result<BuildInfo> {
        let body = self.to_json()?;
        let mut request = json!({ "name": options.name });
        if !options.tags.is_empty() {
            request["tags"] = json!(options.tags);
        }
        if let Some(cpu) = options.cpu_count {
            request["cpuCount"] = json!(cpu);
        }
        if let Some(memory) = options.memory_mb {
            request["memoryMB"] = json!(memory);
        }
        let what = format!("request a build of template {}", options.name);
        let response = http::fetch(
            client.agent(),
            client.api_request(Method::POST, "/v3/templates")?.once().json(&request),
            &what,
        )?;
        let response = check(response, &what, ErrorKind::NotFound).map_err(as_build)?;
        let created: Created = decode(&response, &what)?;
        let template_path = encode_component(&created.template_id);
        for (step, value) in self.steps.iter().zip(body["steps"].as_array().into_iter().flatten()) {
            let (Some(copy), Some(hash)) = (&step.copy, value["filesHash"].as_str()) else { continue };
            let what = format!("get the upload link of {}", step.args[0]);
            let path = format!("/templates/{template_path}/files/{hash}");
            let response = http::fetch(client.agent(), client.api_request(Method::GET, &path)?, &what)?;
            let response = check(response, &what, ErrorKind::NotFound).map_err(as_upload)?;
            let link: UploadLink = decode(&response, &what)?;
            if let (false, _) | (_, true) = (link.present, copy.force_upload) {
                if let Some(url) = link.url {
                    let archive = tar_archive(&step.args[0], &self.context, copy.resolve_symlinks)?;
                    upload(client, &url, &link.headers, archive)?;
                }
            }
        }
        let what = format!("start the build of template {}", options.name);
        let path = format!("/v2/templates/{template_path}/builds/{}", encode_component(&created.build_id));
        let response = http::fetch(client.agent(), client.api_request(Method::POST, &path)?.once().json(&body), &what)?;
        check(response, &what, ErrorKind::NotFound).map_err(as_build)?;
        Ok(BuildInfo {
            template_id: created.template_id,
            build_id: created.build_id,
            name: options.name.clone(),
            tags: created.tags,
        })
    }

    /// One look at a build's status, with its log entries from `logs_offset`.
    pub fn get_build_status(client: &Client, info: &BuildInfo, logs_offset: Option<usize>) -> Result<BuildStatusInfo> {
        let what = format!("get the status of build {}", info.build_id);
        let mut path = format!(
            "/templates/{}/builds/{}/status",
            encode_component(&info.template_id),
            encode_component(&info.build_id)
        );
        if let Some(offset) = logs_offset {
            path.push_str(&format!("?logsOffset={offset}"));
        }
        let response = http::fetch(client.agent(), client.api_request(Method::GET, &path)?, &what)?;
        let response = check(response, &what, ErrorKind::NotFound).map_err(as_build)?;
        decode(&response, &what)
    }

    /// Whether a template called `name` exists (also when it is another team's).
    pub fn exists(client: &Client, name: &str) -> Result<bool> {
        let what = format!("look up template {name}");
        let path = format!("/templates/aliases/{}", encode_component(name));
        let response = http::fetch(client.agent(), client.api_request(Method::GET, &path)?, &what)?;
        match response.status().as_u16() {
            404 => Ok(false),
            403 => Ok(true),
            _ => check(response, &what, ErrorKind::NotFound).map(|_| true),
        }
    }

    /// Gives the build `target` (`name:tag`) the tags `tags` too.
    pub fn assign_tags(client: &Client, target: &str, tags: &[&str]) -> Result<TagInfo> {
        let what = format!("assign tags to {target}");
        let body = json!({ "target": target, "tags": tags });
        let request = client.api_request(Method::POST, "/templates/tags")?.json(&body);
        let response = check(http::fetch(client.agent(), request, &what)?, &what, ErrorKind::NotFound)?;
        decode(&response, &what)
    }

    /// Removes the tags `tags` of the template `name`.
    pub fn remove_tags(client: &Client, name: &str, tags: &[&str]) -> Result<()> {
        let what = format!("remove tags of {name}");
        let body = json!({ "name": name, "tags": tags });
        let request = client.api_request(Method::DELETE, "/templates/tags")?.json(&body);
        check(http::fetch(client.agent(), request, &what)?, &what, ErrorKind::NotFound).map(|_| ())
    }

    /// The tags of the template `template` (an id or a name).
    pub fn get_tags(client: &Client, template: &str) -> Result<Vec<TemplateTag>> {
        let what = format!("list the tags of {template}");
        let path = format!("/templates/{}/tags", encode_component(template));
        let response = http::fetch(client.agent(), client.api_request(Method::GET, &path)?, &what)?;
        decode(&check(response, &what, ErrorKind::NotFound)?, &what)
    }

    /// Deletes the template `template` (every tag); `false` when there was none.
    pub fn delete(client: &Client, template: &str) -> Result<bool> {
        let what = format!("delete template {template}");
        let path = format!("/templates/{}", encode_component(template));
        let response = http::fetch(client.agent(), client.api_request(Method::DELETE, &path)?, &what)?;
        if response.status() == 404 {
            return Ok(http::maybe_done_before(&response));
        }
        check(response, &what, ErrorKind::NotFound).map(|_| true)
    }
}

fn as_build(e: Error) -> Error {
    match e.kind() {
        ErrorKind::Api | ErrorKind::InvalidArgument | ErrorKind::Conflict => {
            let status = e.status();
            let err = Error::new(ErrorKind::Build, e.message().to_string());
            match status {
                Some(s) => err.with_status(s),
                None => err,
            }
        }
        _ => e,
    }
}

fn as_upload(e: Error) -> Error {
    match e.kind() {
        ErrorKind::Api | ErrorKind::InvalidArgument => Error::new(ErrorKind::FileUpload, e.message().to_string()),
        _ => e,
    }
}

fn upload(
    client: &Client,
    url: &str,
    headers: &std::collections::BTreeMap<String, String>,
    archive: Vec<u8>,
) -> Result<()> {
    let what = "upload the build files";
    let mut request =
        http::Request::new(Method::PUT, url.to_string(), Deadline::total(Some(Duration::from_secs(3600))))
            .cancel(client.cancel_token().cloned())
            .call_end(client.call_end());
    for (name, value) in headers {
        if !name.eq_ignore_ascii_case("content-length") {
            request = request.header(name, value.clone());
        }
    }
    let request = request.body(Body::Bytes(archive.into()));
    let response = http::fetch(client.agent(), request, what)?;
    if !response.status().is_success() {
        return Err(Error::new(ErrorKind::FileUpload, format!("Failed to upload file: status {}", response.status())));
    }
    Ok(())
}

#[derive(Deserialize)]
struct Created {
    #[serde(rename = "templateID")]
    template_id: String,
    #[serde(rename = "buildID")]
    build_id: String,
    #[serde(default)]
    tags: Vec<String>,
}

#[derive(Deserialize)]
struct UploadLink {
    present: bool,
    url: Option<String>,
    #[serde(default)]
    headers: std::collections::BTreeMap<String, String>,
}

/// How to build: the name (`name` or `name:tag`), more tags, resources.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct BuildOptions {
    /// The template's name, optionally with a tag.
    pub name: String,
    /// More tags for the build.
    pub tags: Vec<String>,
    /// CPUs of the template's sandboxes.
    pub cpu_count: Option<u32>,
    /// Memory of the template's sandboxes, in MiB.
    pub memory_mb: Option<u32>,
}

impl BuildOptions {
    /// Options that build under `name`.
    pub fn new(name: impl Into<String>) -> BuildOptions {
        BuildOptions { name: name.into(), ..BuildOptions::default() }
    }

    /// Adds tags.
    pub fn tags<I: IntoIterator<Item = S>, S: Into<String>>(mut self, tags: I) -> Self {
        self.tags.extend(tags.into_iter().map(Into::into));
        self
    }

    /// Sets the CPU count.
    pub fn cpu_count(mut self, cpu_count: u32) -> Self {
        self.cpu_count = Some(cpu_count);
        self
    }

    /// Sets the memory in MiB.
    pub fn memory_mb(mut self, memory_mb: u32) -> Self {
        self.memory_mb = Some(memory_mb);
        self
    }
}

/// A build, as [`Template::build`] and [`Template::build_in_background`] return it.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildInfo {
    /// The template's id.
    pub template_id: String,
    /// The build's id.
    pub build_id: String,
    /// The name the build was asked under.
    pub name: String,
    /// The tags the build got.
    pub tags: Vec<String>,
}

/// A build's state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum BuildStatus {
    /// Requested, not started.
    Waiting,
    /// Running.
    Building,
    /// Done: sandboxes can start from it.
    Ready,
    /// Failed; see [`BuildStatusInfo::reason`].
    Error,
}

/// One line of a build's log.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BuildLogEntry {
    /// When (RFC 3339).
    pub timestamp: String,
    /// `debug`, `info`, `warn` or `error`.
    pub level: String,
    /// The text.
    pub message: String,
    /// The step: `base`, a step's 1-based index, or `finalize`.
    #[serde(default)]
    pub step: Option<String>,
}

/// Why a build failed.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BuildFailure {
    /// The server's message.
    pub message: String,
    /// The failing step (`base`, a 1-based index, `finalize`).
    #[serde(default)]
    pub step: Option<String>,
}

/// A build's status and the log entries asked for.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct BuildStatusInfo {
    /// The template's id.
    #[serde(rename = "templateID")]
    pub template_id: String,
    /// The build's id.
    #[serde(rename = "buildID")]
    pub build_id: String,
    /// Its state.
    pub status: BuildStatus,
    /// The log entries from the offset asked for.
    #[serde(rename = "logEntries", default)]
    pub log_entries: Vec<BuildLogEntry>,
    /// Why it failed.
    #[serde(default)]
    pub reason: Option<BuildFailure>,
}

/// The result of [`Template::assign_tags`].
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TagInfo {
    /// The tags assigned.
    pub tags: Vec<String>,
    /// The build they point to.
    #[serde(rename = "buildID")]
    pub build_id: String,
}

/// One tag of a template.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct TemplateTag {
    /// The tag.
    pub tag: String,
    /// The build it points to.
    #[serde(rename = "buildID")]
    pub build_id: String,
    /// When it was made (RFC 3339).
    #[serde(rename = "createdAt")]
    pub created_at: String,
}

// ---- Files ----

/// Whether `name` matches the glob `pattern` (`*`, `?`; dot files included).
fn glob_match(pattern: &[u8], name: &[u8]) -> bool {
    match (pattern.first(), name.first()) {
        (None, None) => true,
        (Some(b'*'), _) => glob_match(&pattern[1..], name) || (!name.is_empty() && glob_match(pattern, &name[1..])),
        (Some(b'?'), Some(_)) => glob_match(&pattern[1..], &name[1..]),
        (Some(p), Some(n)) if p == n => glob_match(&pattern[1..], &name[1..]),
        _ => false,
    }
}

/// The context-relative paths `src` matches (`*`, `?` and `**` in any component).
fn glob(context: &Path, src: &str) -> Vec<String> {
    let mut current: Vec<String> = vec![String::new()];
    for part in src.split('/').filter(|p| !p.is_empty() && *p != ".") {
        let mut next = Vec::new();
        for base in &current {
            let dir = if base.is_empty() { context.to_path_buf() } else { context.join(base) };
            let join = |name: &str| if base.is_empty() { name.to_string() } else { format!("{base}/{name}") };
            if part == ".." {
                next.push(join(".."));
            } else if part == "**" {
                let mut stack = vec![base.clone()];
                while let Some(d) = stack.pop() {
                    next.push(d.clone());
                    let path = if d.is_empty() { context.to_path_buf() } else { context.join(&d) };
                    for entry in fs::read_dir(&path).into_iter().flatten().flatten() {
                        if entry.file_type().is_ok_and(|t| t.is_dir()) {
                            let name = entry.file_name().to_string_lossy().into_owned();
                            stack.push(if d.is_empty() { name } else { format!("{d}/{name}") });
                        }
                    }
                }
            } else if part.contains(['*', '?']) {
                for entry in fs::read_dir(&dir).into_iter().flatten().flatten() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if glob_match(part.as_bytes(), name.as_bytes()) {
                        next.push(join(&name));
                    }
                }
            } else if fs::symlink_metadata(dir.join(part)).is_ok() {
                next.push(join(part));
            }
        }
        current = next;
    }
    current.into_iter().map(|p| if p.is_empty() { ".".to_string() } else { normalize(&p) }).collect()
}

fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|p| *p != "..") => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    }
}

/// The files a copy of `src` takes, as the SDKs list them: context-relative paths, a folder
/// with everything under it, sorted.
fn matched_files(context: &Path, src: &str) -> Result<Vec<String>> {
    let mut matches = glob(context, src);
    matches.sort_by_key(|m| if m == "." { 0 } else { m.matches('/').count() + 1 });
    let mut files = BTreeSet::new();
    let mut walked: Vec<String> = Vec::new();
    for relative in matches {
        let under = walked.iter().any(|w| w == "." || relative.starts_with(&format!("{w}/")));
        if under {
            continue;
        }
        let path = context.join(&relative);
        let meta = fs::symlink_metadata(&path).map_err(|e| Error::io(&format!("read {}", path.display()), e))?;
        files.insert(relative.clone());
        if meta.is_dir() {
            walk(context, &relative, &mut files)?;
            walked.push(relative);
        }
    }
    if files.is_empty() {
        return Err(Error::invalid_argument(format!("No files found in {}", context.join(src).display())));
    }
    // The SDKs sort absolute paths: with one prefix, that is the order of the relative ones,
    // except that the context itself (".") comes first.
    let mut sorted: Vec<String> = files.into_iter().collect();
    sorted.sort_by(|a, b| sort_key(a).cmp(sort_key(b)));
    Ok(sorted)
}

fn sort_key(relative: &str) -> &[u8] {
    if relative == "." {
        b""
    } else {
        relative.as_bytes()
    }
}

fn walk(context: &Path, relative: &str, files: &mut BTreeSet<String>) -> Result<()> {
    let dir = context.join(relative);
    let entries = fs::read_dir(&dir).map_err(|e| Error::io(&format!("read {}", dir.display()), e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(&format!("read {}", dir.display()), e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if relative == "." { name } else { format!("{relative}/{name}") };
        files.insert(child.clone());
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            walk(context, &child, files)?;
        }
    }
    Ok(())
}

/// The SDKs' `filesHash` of a copy of `src` to `dest` from `context`: SHA-256 over
/// `COPY <src> <dest>`, then each file's relative path, mode, size (not for folders) and
/// contents (a link's target for a link not followed).
pub fn files_hash(src: &str, dest: &str, context: &Path, resolve_symlinks: bool) -> Result<String> {
    let mut hash = Sha256::new();
    hash.update(format!("COPY {src} {dest}").as_bytes());
    for relative in matched_files(context, src)? {
        let path = context.join(&relative);
        let io_err = |e| Error::io(&format!("read {}", path.display()), e);
        hash.update(relative.as_bytes());
        let lmeta = fs::symlink_metadata(&path).map_err(io_err)?;
        let mut stats = |meta: &fs::Metadata| {
            hash.update(meta.mode().to_string().as_bytes());
            if !meta.is_dir() {
                hash.update(meta.size().to_string().as_bytes());
            }
        };
        if lmeta.file_type().is_symlink() {
            let target = fs::metadata(&path).ok();
            let follow = resolve_symlinks && target.as_ref().is_some_and(|m| m.is_file() || m.is_dir());
            if !follow {
                stats(&lmeta);
                let link = fs::read_link(&path).map_err(io_err)?;
                hash.update(link.as_os_str().as_bytes());
                continue;
            }
        }
        let meta = fs::metadata(&path).map_err(io_err)?;
        stats(&meta);
        if meta.is_file() {
            let mut file = fs::File::open(&path).map_err(io_err)?;
            let mut buffer = vec![0u8; 1 << 20];
            loop {
                let n = file.read(&mut buffer).map_err(io_err)?;
                if n == 0 {
                    break;
                }
                hash.update(&buffer[..n]);
            }
        }
    }
    Ok(hash.finalize().iter().map(|b| format!("{b:02x}")).collect())
}

/// The gzipped tar of the files a copy of `src` takes, with context-relative names.
fn tar_archive(src: &str, context: &Path, resolve_symlinks: bool) -> Result<Vec<u8>> {
    let files = matched_files(context, src)?;
    let mut out = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    let write_err = |e| Error::io("write the build files archive", e);
    for relative in files {
        let path = context.join(&relative);
        let io_err = |e| Error::io(&format!("read {}", path.display()), e);
        let lmeta = fs::symlink_metadata(&path).map_err(io_err)?;
        let follow = resolve_symlinks && lmeta.file_type().is_symlink() && fs::metadata(&path).is_ok();
        let meta = if follow { fs::metadata(&path).map_err(io_err)? } else { lmeta };
        let (kind, size, link) = if meta.file_type().is_symlink() {
            let target = fs::read_link(&path).map_err(io_err)?;
            (b'2', 0, target.as_os_str().as_bytes().to_vec())
        } else if meta.is_dir() {
            (b'5', 0, Vec::new())
        } else if meta.is_file() {
            (b'0', meta.size(), Vec::new())
        } else {
            continue;
        };
        let name = if kind == b'5' { format!("{relative}/") } else { relative.clone() };
        write_header(&mut out, name.as_bytes(), &link, kind, size, &meta).map_err(write_err)?;
        if kind == b'0' {
            let mut file = fs::File::open(&path).map_err(io_err)?;
            let copied = io::copy(&mut file, &mut out).map_err(write_err)?;
            if copied != size {
                return Err(Error::new(ErrorKind::Io, format!("{} changed while it was archived", path.display())));
            }
            pad(&mut out, size).map_err(write_err)?;
        }
    }
    out.write_all(&[0u8; 1024]).map_err(write_err)?;
    out.finish().map_err(write_err)
}

fn pad(out: &mut impl Write, size: u64) -> io::Result<()> {
    let rest = (512 - (size % 512) as usize) % 512;
    out.write_all(&vec![0u8; rest])
}

/// A ustar header, after a GNU long-name (`L`) or long-link (`K`) entry when a name does not fit.
fn write_header(
    out: &mut impl Write,
    name: &[u8],
    link: &[u8],
    kind: u8,
    size: u64,
    meta: &fs::Metadata,
) -> io::Result<()> {
    for (long, flag) in [(name, b'L'), (link, b'K')] {
        if long.len() > 100 {
            let mut data = long.to_vec();
            data.push(0);
            out.write_all(&header(b"././@LongLink", b"", flag, data.len() as u64, 0o644, 0, 0, 0))?;
            out.write_all(&data)?;
            pad(out, data.len() as u64)?;
        }
    }
    let cut = |s: &[u8]| s[..s.len().min(100)].to_vec();
    let h = header(
        &cut(name),
        &cut(link),
        kind,
        size,
        meta.mode() & 0o7777,
        meta.uid(),
        meta.gid(),
        meta.mtime().max(0) as u64,
    );
    out.write_all(&h)
}

#[allow(clippy::too_many_arguments)]
fn header(name: &[u8], link: &[u8], kind: u8, size: u64, mode: u32, uid: u32, gid: u32, mtime: u64) -> [u8; 512] {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name);
    let octal = |h: &mut [u8; 512], at: usize, len: usize, value: u64| {
        let text = format!("{value:0width$o}", width = len - 1);
        let text = &text.as_bytes()[text.len().saturating_sub(len - 1)..];
        h[at..at + text.len()].copy_from_slice(text);
    };
    octal(&mut h, 100, 8, u64::from(mode));
    octal(&mut h, 108, 8, u64::from(uid) & 0o7777777);
    octal(&mut h, 116, 8, u64::from(gid) & 0o7777777);
    octal(&mut h, 124, 12, size);
    octal(&mut h, 136, 12, mtime);
    h[156] = kind;
    h[157..157 + link.len()].copy_from_slice(link);
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| u32::from(b)).sum();
    let text = format!("{sum:06o}\0 ");
    h[148..156].copy_from_slice(text.as_bytes());
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_match_like_fnmatch() {
        assert!(glob_match(b"*.txt", b"a.txt"));
        assert!(glob_match(b"*", b".hidden"));
        assert!(glob_match(b"a?c", b"abc"));
        assert!(!glob_match(b"*.txt", b"a.md"));
    }

    #[test]
    fn steps_serialize_as_the_sdk_does() {
        let t = Template::new()
            .from_template("base")
            .run_cmd_as("echo hi", "root")
            .set_envs([("A", "1"), ("B", "2")])
            .skip_cache()
            .set_workdir("/app")
            .set_user("user")
            .set_start_cmd("run", "ready");
        let json = t.to_json().unwrap();
        assert_eq!(json["fromTemplate"], "base");
        assert_eq!(json["steps"][0], json!({"type": "RUN", "args": ["echo hi", "root"], "force": false}));
        assert_eq!(json["steps"][1]["args"], json!(["A", "1", "B", "2"]));
        assert_eq!(json["steps"][2]["force"], true);
        assert_eq!(json["startCmd"], "run");
        assert_eq!(json["readyCmd"], "ready");
        assert!(json.get("fromImage").is_none());
    }
}
