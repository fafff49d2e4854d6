//! Volumes: persistent folders that outlive sandboxes (`Volume` in the official SDKs).
//!
//! Two planes, as in the SDKs: the control plane (`/volumes`, with the API key) creates,
//! finds, lists and destroys volumes; the volume content API (`/volumecontent/{id}/...`, with
//! the volume's own token) reads and writes a volume's files without any sandbox. A volume is
//! mounted into a sandbox at creation with [`SandboxOptions::volume_mount`](crate::SandboxOptions::volume_mount).
//!
//! ```no_run
//! use e2b::{Client, SandboxOptions, Volume, VolumeWriteOptions};
//!
//! let client = Client::from_env();
//! let volume = Volume::create(&client, "my-data")?;
//! volume.write_file("/hello.txt", b"hi", &VolumeWriteOptions::default())?;
//! let sandbox = client.create_sandbox(&SandboxOptions::default().volume_mount("/mnt/data", volume.name()))?;
//! let out = sandbox.commands().run("cat /mnt/data/hello.txt", &Default::default(), None)?;
//! assert_eq!(out.stdout, b"hi");
//! # Ok::<(), e2b::Error>(())
//! ```

use std::io::{Read, Write};

use serde::Deserialize;
use ureq::http::Method;

use crate::client::Client;
use crate::envd::files::{copy_with_progress, Counted, Progress};
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Body, Deadline};
use crate::util::{encode_component, query};

/// The variable that names the volume content API's URL (as in the official SDKs).
pub const VOLUME_API_URL_VAR: &str = "E2B_VOLUME_API_URL";

/// A volume as [`Volume::list`] reports it.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct VolumeInfo {
    /// The volume's id.
    #[serde(rename = "volumeID")]
    pub volume_id: String,
    /// Its name, unique among the team's volumes.
    pub name: String,
}

/// A volume with a token for its content ([`Volume::get_info`]).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct VolumeAndToken {
    /// The volume's id.
    #[serde(rename = "volumeID")]
    pub volume_id: String,
    /// Its name.
    pub name: String,
    /// The bearer token of the volume content API (opaque; a fresh one on every call).
    pub token: String,
    /// The domain whose `api.` host serves the content, for teams on their own cluster.
    #[serde(default)]
    pub domain: Option<String>,
}

/// What kind of entry a [`VolumeEntryStat`] describes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum VolumeFileType {
    /// A regular file.
    File,
    /// A folder.
    Directory,
    /// A symbolic link ([`VolumeEntryStat::target`] says where to).
    Symlink,
    /// Anything else (a socket, a device), or a kind newer than this client.
    #[serde(other)]
    Unknown,
}

/// One entry of a volume (`VolumeEntryStat`).
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct VolumeEntryStat {
    /// The last component of the path.
    pub name: String,
    /// File, folder or symlink.
    #[serde(rename = "type")]
    pub file_type: VolumeFileType,
    /// The absolute path in the volume.
    pub path: String,
    /// Size in bytes.
    pub size: i64,
    /// Permission bits.
    pub mode: u32,
    /// Owner, as sandboxes see it (1000 is `user`).
    pub uid: u32,
    /// Group, as sandboxes see it.
    pub gid: u32,
    /// RFC 3339 time of last access.
    pub atime: String,
    /// RFC 3339 time of last modification.
    pub mtime: String,
    /// RFC 3339 time of last status change.
    pub ctime: String,
    /// Where a symlink points.
    #[serde(default)]
    pub target: Option<String>,
}

/// Owner, mode and `force` for [`Volume::write_file`] and [`Volume::make_dir`]; `None`
/// leaves each to the server.
#[derive(Clone, Debug, Default)]
#[non_exhaustive]
pub struct VolumeWriteOptions {
    /// Owner of what is made.
    pub uid: Option<u32>,
    /// Group of what is made.
    pub gid: Option<u32>,
    /// Permission bits of what is made.
    pub mode: Option<u32>,
    /// `make_dir`: create missing parents; `write_file`: overwrite an existing file.
    pub force: Option<bool>,
}

impl VolumeWriteOptions {
    /// Sets the owner.
    pub fn uid(mut self, uid: u32) -> Self {
        self.uid = Some(uid);
        self
    }

    /// Sets the group.
    pub fn gid(mut self, gid: u32) -> Self {
        self.gid = Some(gid);
        self
    }

    /// Sets the permission bits.
    pub fn mode(mut self, mode: u32) -> Self {
        self.mode = Some(mode);
        self
    }

    /// Sets `force`.
    pub fn force(mut self, force: bool) -> Self {
        self.force = Some(force);
        self
    }

    fn params(&self) -> Vec<(&'static str, String)> {
        let mut params = Vec::new();
        for (name, value) in [("uid", self.uid), ("gid", self.gid), ("mode", self.mode)] {
            if let Some(value) = value {
                params.push((name, value.to_string()));
            }
        }
        if let Some(force) = self.force {
            params.push(("force", force.to_string()));
        }
        params
    }
}

/// A volume, connected: its id, name and content token, and the client it was made with.
/// The content methods send the token, not the API key.
#[derive(Clone, Debug)]
pub struct Volume {
    client: Client,
    volume_id: String,
    name: String,
    token: String,
    domain: Option<String>,
    api_url: Option<String>,
}

impl Volume {
    /// Creates an empty volume named `name` (`^[a-zA-Z0-9_-]+$`, unique in the team).
    pub fn create(client: &Client, name: &str) -> Result<Volume> {
        let what = format!("create volume '{name}'");
        // A repeated create could fail on the name its first attempt took: sent once.
        let request =
            client.api_request(Method::POST, "/volumes")?.retries(0).json(&serde_json::json!({ "name": name }));
        let info: VolumeAndToken = api_json(client, request, &what)?;
        Ok(Volume::from_info(client, info))
    }

    /// Connects to the volume `volume_id` (its name and a fresh token).
    pub fn connect(client: &Client, volume_id: &str) -> Result<Volume> {
        Ok(Volume::from_info(client, Volume::get_info(client, volume_id)?))
    }

    /// The volume `volume_id` with a fresh content token; [`ErrorKind::NotFound`] when there
    /// is none.
    pub fn get_info(client: &Client, volume_id: &str) -> Result<VolumeAndToken> {
        let what = format!("get info of volume {volume_id}");
        let request = client.api_request(Method::GET, &volume_path(volume_id))?;
        api_json(client, request, &what)
    }

    /// Every volume of the team.
    pub fn list(client: &Client) -> Result<Vec<VolumeInfo>> {
        let request = client.api_request(Method::GET, "/volumes")?;
        api_json(client, request, "list volumes")
    }

    /// Destroys the volume `volume_id` and its content: `Ok(false)` when there was none
    /// (unless an attempt whose answer was lost destroyed it: then `Ok(true)`).
    pub fn destroy(client: &Client, volume_id: &str) -> Result<bool> {
        let what = format!("destroy volume {volume_id}");
        let request = client.api_request(Method::DELETE, &volume_path(volume_id))?;
        let response = http::fetch(client.agent(), request, &what)?;
        if response.status() == 404 {
            return Ok(http::maybe_done_before(&response));
        }
        check(response, &what).map(|_| true)
    }

    fn from_info(client: &Client, info: VolumeAndToken) -> Volume {
        Volume {
            client: client.clone(),
            volume_id: info.volume_id,
            name: info.name,
            token: info.token,
            domain: info.domain,
            api_url: None,
        }
    }

    /// The volume's id.
    pub fn volume_id(&self) -> &str {
        &self.volume_id
    }

    /// The volume's name (what [`SandboxOptions::volume_mount`](crate::SandboxOptions::volume_mount) takes).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The client the volume's calls are made with.
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The content API's bearer token.
    pub fn token(&self) -> &str {
        &self.token
    }

    /// The same volume, its content reached at `api_url` (the SDKs' `api_url` option).
    pub fn with_api_url(mut self, api_url: impl Into<String>) -> Volume {
        self.api_url = Some(api_url.into());
        self
    }

    /// The same volume, its calls made with `client` (a deadline, a cancel token).
    pub fn with_client(mut self, client: &Client) -> Volume {
        self.client = client.clone();
        self
    }

    /// The content API's base URL: [`Volume::with_api_url`], else `$E2B_VOLUME_API_URL`, else
    /// `https://api.<domain>` for a volume with a domain of its own, else the control plane's
    /// URL (E2B serves both from `api.<domain>`).
    pub fn api_url(&self) -> String {
        if let Some(url) = &self.api_url {
            return url.trim_end_matches('/').to_owned();
        }
        if let Some(url) = std::env::var(VOLUME_API_URL_VAR).ok().filter(|url| !url.is_empty()) {
            return url.trim_end_matches('/').to_owned();
        }
        match &self.domain {
            Some(domain) => format!("https://api.{domain}"),
            None => self.client.config().resolved_api_url(),
        }
    }

    /// A content request for `route` (`path`, `dir` or `file`) with its query.
    fn content_request<'a>(
        &self,
        method: Method,
        route: &str,
        params: &[(&str, String)],
        deadline: Deadline,
    ) -> http::Request<'a> {
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let url =
            format!("{}/volumecontent/{}/{route}?{}", self.api_url(), encode_component(&self.volume_id), query(&pairs));
        let config = self.client.config();
        let mut request = http::Request::new(method, url, deadline)
            .header("Authorization", format!("Bearer {}", self.token))
            .retries(config.max_retries)
            .call_end(self.client.call_end())
            .cancel(self.client.cancel_token().cloned());
        for (name, value) in &config.headers {
            request = request.header(name, value.clone());
        }
        request
    }

    fn short_deadline(&self) -> Deadline {
        Deadline::total(self.client.config().request_timeout)
    }

    /// A transfer's deadline: the request timeout bounds each wait, not the whole transfer.
    fn transfer_deadline(&self) -> Deadline {
        Deadline::idle(self.client.config().request_timeout)
    }

    fn content_json<T: serde::de::DeserializeOwned>(&self, request: http::Request<'_>, what: &str) -> Result<T> {
        let response = check(http::fetch(self.client.agent(), request, what)?, what)?;
        decode(&response, what)
    }

    /// The entries under the folder `path`, `depth` levels deep (`None`: the server's
    /// default, 1). The SDKs' `vol.list(path, depth)`.
    pub fn list_dir(&self, path: &str, depth: Option<u32>) -> Result<Vec<VolumeEntryStat>> {
        let what = format!("list '{path}' in volume {}", self.volume_id);
        let mut params = vec![("path", path.to_owned())];
        if let Some(depth) = depth {
            params.push(("depth", depth.to_string()));
        }
        let request = self.content_request(Method::GET, "dir", &params, self.short_deadline()).idempotent();
        self.content_json(request, &what)
    }

    /// Creates the folder `path` (`force`: with its missing parents).
    pub fn make_dir(&self, path: &str, options: &VolumeWriteOptions) -> Result<VolumeEntryStat> {
        let what = format!("make folder '{path}' in volume {}", self.volume_id);
        let mut params = vec![("path", path.to_owned())];
        params.extend(options.params());
        let request = self.content_request(Method::POST, "dir", &params, self.short_deadline());
        self.content_json(request, &what)
    }

    /// Whether `path` exists in the volume.
    pub fn exists(&self, path: &str) -> Result<bool> {
        match self.entry_info(path) {
            Ok(_) => Ok(true),
            Err(err) if err.kind() == ErrorKind::NotFound && err.status() == Some(404) => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// What `path` is (a symlink itself, not its target). The SDKs' `vol.get_info(path)`.
    pub fn entry_info(&self, path: &str) -> Result<VolumeEntryStat> {
        let what = format!("get info of '{path}' in volume {}", self.volume_id);
        let params = [("path", path.to_owned())];
        let request = self.content_request(Method::GET, "path", &params, self.short_deadline()).idempotent();
        self.content_json(request, &what)
    }

    /// Sets the owner, group or mode of `path` (each `None` kept).
    pub fn update_metadata(
        &self,
        path: &str,
        uid: Option<u32>,
        gid: Option<u32>,
        mode: Option<u32>,
    ) -> Result<VolumeEntryStat> {
        let what = format!("update metadata of '{path}' in volume {}", self.volume_id);
        let mut body = serde_json::Map::new();
        for (name, value) in [("uid", uid), ("gid", gid), ("mode", mode)] {
            if let Some(value) = value {
                body.insert(name.to_owned(), value.into());
            }
        }
        let params = [("path", path.to_owned())];
        let request = self.content_request(Method::PATCH, "path", &params, self.short_deadline()).idempotent();
        self.content_json(request.json(&body), &what)
    }

    /// The content of the file `path`, all in memory (see [`Volume::read_to`]
    /// for a stream).
    pub fn read_file(&self, path: &str) -> Result<Vec<u8>> {
        let what = format!("read '{path}' from volume {}", self.volume_id);
        let params = [("path", path.to_owned())];
        let request = self.content_request(Method::GET, "file", &params, self.transfer_deadline()).idempotent();
        let response = check(http::fetch(self.client.agent(), request, &what)?, &what)?;
        Ok(response.into_body())
    }

    /// The content of the file `path` as text; [`ErrorKind::Decode`] when it is not UTF-8.
    pub fn read_text(&self, path: &str) -> Result<String> {
        let bytes = self.read_file(path)?;
        String::from_utf8(bytes).map_err(|err| Error::decode(&format!("read '{path}' as text"), err))
    }

    /// Streams the file `path` into `writer` in constant memory and returns
    /// the number of bytes written. `progress`, if given, is called after
    /// each chunk with the bytes so far and the file's size (0 when the
    /// server does not announce it); breaking from it stops the transfer
    /// with [`ErrorKind::CallbackAborted`]. A transfer that breaks off midway
    /// fails with the error that broke it (nothing is retried once bytes have
    /// reached `writer`).
    pub fn read_to(&self, path: &str, writer: &mut dyn Write, progress: Option<Progress<'_>>) -> Result<u64> {
        let what = format!("read '{path}' from volume {}", self.volume_id);
        let params = [("path", path.to_owned())];
        let request = self.content_request(Method::GET, "file", &params, self.transfer_deadline()).idempotent();
        let mut response = http::send(self.client.agent(), request, &what)?;
        if !response.status().is_success() {
            let body = http::read_body(&mut response, &what)?;
            return Err(failure(&response, &body, &what));
        }
        let total = http::header(&response, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
        copy_with_progress(&mut http::reader(response), writer, total, progress, &what)
    }

    /// Writes `data` to the file `path`, creating it or replacing its content.
    pub fn write_file(&self, path: &str, data: &[u8], options: &VolumeWriteOptions) -> Result<VolumeEntryStat> {
        // The whole body goes again: a replay writes the same file.
        self.write(path, Body::Bytes(data.into()), Some(data.len() as u64), options, true)
    }

    /// Streams `reader` into the file `path` in constant memory, creating it
    /// or replacing its content. `size`, when known, is announced to the
    /// server (`Content-Length`), and `reader` must then supply exactly that
    /// many bytes: fewer or more fail the call at once with an
    /// [`ErrorKind::Io`] error naming both numbers. `progress`, if given, is
    /// called as data goes out with the bytes so far and `size` (0 when
    /// unknown); breaking from it stops the transfer with
    /// [`ErrorKind::CallbackAborted`]. A stream is read once, so this call is
    /// never retried.
    pub fn write_from(
        &self,
        path: &str,
        reader: &mut dyn Read,
        size: Option<u64>,
        options: &VolumeWriteOptions,
        progress: Option<Progress<'_>>,
    ) -> Result<VolumeEntryStat> {
        let mut counted = Counted::new(reader, size, progress);
        let written = self.write(path, Body::Reader(&mut counted), size, options, false);
        counted.check(written, &format!("write '{path}' to volume {}", self.volume_id))
    }

    fn write(
        &self,
        path: &str,
        body: Body<'_>,
        size: Option<u64>,
        options: &VolumeWriteOptions,
        idempotent: bool,
    ) -> Result<VolumeEntryStat> {
        let what = format!("write '{path}' to volume {}", self.volume_id);
        let mut params = vec![("path", path.to_owned())];
        params.extend(options.params());
        let mut request = self
            .content_request(Method::PUT, "file", &params, self.transfer_deadline())
            .header("Content-Type", "application/octet-stream");
        if let Some(size) = size {
            request = request.header("Content-Length", size.to_string());
        }
        let request = request.body(body);
        self.content_json(if idempotent { request.idempotent() } else { request }, &what)
    }

    /// Removes the file or folder `path` (a folder with everything in it).
    pub fn remove(&self, path: &str) -> Result<()> {
        let what = format!("remove '{path}' from volume {}", self.volume_id);
        let params = [("path", path.to_owned())];
        let request = self.content_request(Method::DELETE, "path", &params, self.short_deadline());
        check(http::fetch(self.client.agent(), request, &what)?, &what).map(drop)
    }
}

fn volume_path(volume_id: &str) -> String {
    format!("/volumes/{}", encode_component(volume_id))
}

fn api_json<T: serde::de::DeserializeOwned>(client: &Client, request: http::Request<'_>, what: &str) -> Result<T> {
    let response = check(http::fetch(client.agent(), request, what)?, what)?;
    decode(&response, what)
}

/// `response` if its status is 2xx, else the error it describes (404: [`ErrorKind::NotFound`]).
fn check(response: ureq::http::Response<Vec<u8>>, what: &str) -> Result<ureq::http::Response<Vec<u8>>> {
    if response.status().is_success() {
        return Ok(response);
    }
    Err(failure(&response, response.body(), what))
}

/// The error a failed `response` with `body` describes (404: [`ErrorKind::NotFound`]).
fn failure<T>(response: &ureq::http::Response<T>, body: &[u8], what: &str) -> Error {
    let retry_after = http::header(response, "retry-after").and_then(http::parse_retry_after);
    Error::from_api(what, response.status().as_u16(), body, ErrorKind::NotFound).with_retry_after(retry_after)
}

fn decode<T: serde::de::DeserializeOwned>(response: &ureq::http::Response<Vec<u8>>, what: &str) -> Result<T> {
    let body: &[u8] = if response.body().is_empty() { b"null" } else { response.body() };
    serde_json::from_slice(body).map_err(|err| Error::decode(what, err))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_stats_parse_the_apis_json() {
        let json = r#"{"name":"l","type":"symlink","path":"/l","size":3,"mode":511,"uid":1000,"gid":1000,
            "atime":"2026-01-01T00:00:00Z","mtime":"2026-01-01T00:00:00Z","ctime":"2026-01-01T00:00:00Z","target":"/x"}"#;
        let stat: VolumeEntryStat = serde_json::from_str(json).unwrap();
        assert_eq!((stat.file_type, stat.target.as_deref(), stat.mode), (VolumeFileType::Symlink, Some("/x"), 0o777));
        let odd: VolumeEntryStat = serde_json::from_str(&json.replace("symlink", "socket")).unwrap();
        assert_eq!(odd.file_type, VolumeFileType::Unknown);
    }

    #[test]
    fn write_options_send_only_what_is_set() {
        assert!(VolumeWriteOptions::default().params().is_empty());
        let params = VolumeWriteOptions::default().mode(0o600).force(true).params();
        assert_eq!(params, [("mode", "384".to_owned()), ("force", "true".to_owned())]);
    }
}
