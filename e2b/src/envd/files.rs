//! Moving file contents through envd's `/files` endpoint (E2B's `spec/envd/envd.yaml`):
//! whole files, streams, many files at once, local files and directory trees,
//! and signed URLs for other programs.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::ops::ControlFlow;
use std::path::{Component, Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use e2b_protocol::{file_signature, Operation};
use serde::Deserialize;
use ureq::http::Method;

use super::filesystem::{EntryInfo, FileType};
use crate::cancel::CancelToken;
use crate::error::{Error, ErrorKind, Result};
use crate::http::{self, Body, Deadline};
use crate::sandbox::Sandbox;
use crate::util::query;

/// Progress of a transfer: called with the bytes done so far and the total
/// (0 when unknown). Returning `ControlFlow::Break` stops the transfer with an
/// [`ErrorKind::CallbackAborted`] error.
pub type Progress<'p> = &'p mut dyn FnMut(u64, u64) -> ControlFlow<()>;

/// Where a directory transfer ([`upload_dir`](Files::upload_dir),
/// [`download_dir`](Files::download_dir)) stands, for a progress bar that
/// names the file in flight.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct DirProgress<'a> {
    /// The file in flight: its path in the sandbox.
    pub path: &'a str,
    /// Its place among the tree's files, from 0.
    pub index: usize,
    /// How many files the tree has.
    pub count: usize,
    /// Bytes moved so far, of the whole tree.
    pub done: u64,
    /// Bytes of the whole tree.
    pub total: u64,
}

/// Progress of a directory transfer: called as each file starts and as its
/// bytes move. Returning `ControlFlow::Break` stops the transfer with an
/// [`ErrorKind::CallbackAborted`] error.
pub type DirProgressFn<'p> = &'p mut dyn FnMut(&DirProgress<'_>) -> ControlFlow<()>;

/// A sandbox's filesystem (`sandbox.files` in the official SDKs).
///
/// Paths are as envd resolves them: absolute, or relative to the user's home
/// (`/home/user`); `~` means the home too. A `Files` is a cheap view: its
/// settings ([`as_user`](Files::as_user), [`gzip`](Files::gzip)) apply to the
/// calls made through it.
///
/// Time limits (see [`Client`](crate::Client)): the small calls (`get_info`,
/// `exists`, `list`, `make_dir`, `remove`, `rename`, `watch_dir`) are bounded
/// by the request timeout, and the reads among them (`get_info`, `exists`,
/// `list`) are retried; transfers (`read*`, `write*`, `open_read`,
/// `upload_*`, `download_*`) have no total limit of their own, only the
/// silence limit (the request timeout, for each read or write); a streamed
/// read is retried until its answer begins, never after ([`read`](Files::read),
/// which hands over nothing before the end, also after). A
/// [call deadline](crate::Sandbox::with_deadline) bounds each call as a
/// whole, a directory transfer included. A cancelled upload
/// ([`Sandbox::with_cancel`](crate::Sandbox::with_cancel)) leaves the file
/// as it was (envd writes a temporary file and renames it into place when
/// the whole body came); a cancelled download to a local file leaves no
/// file behind.
#[derive(Clone, Copy, Debug)]
pub struct Files<'a> {
    sandbox: &'a Sandbox,
    user: Option<&'a str>,
    gzip: bool,
    metadata: Option<&'a BTreeMap<String, String>>,
}

/// What envd reports of a file it wrote.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[non_exhaustive]
pub struct WriteInfo {
    /// The file's name.
    pub name: String,
    /// The file's absolute path in the sandbox.
    pub path: String,
    /// The user metadata the file now has (see [`Files::with_metadata`]),
    /// as envd reports it: keys lowercased; empty when it has none.
    #[serde(default)]
    pub metadata: BTreeMap<String, String>,
}

/// One file of [`Files::write_files`], made by [`WriteEntry::new`].
#[derive(Clone, Copy, Debug)]
#[non_exhaustive]
pub struct WriteEntry<'a> {
    /// Where to write it in the sandbox.
    pub path: &'a str,
    /// Its content.
    pub data: &'a [u8],
}

impl<'a> WriteEntry<'a> {
    /// The file `path` with the content `data`.
    pub fn new(path: &'a str, data: &'a [u8]) -> WriteEntry<'a> {
        WriteEntry { path, data }
    }
}

/// A file being read from the sandbox, as a [`Read`]er (see [`Files::open_read`]).
/// Opened through a [cancellable view](crate::Sandbox::with_cancel), its
/// reads fail once the token is cancelled, with an [`Error`] of kind
/// [`ErrorKind::Cancelled`] inside the `io::Error`.
pub struct FileReader {
    reader: http::BodyReader<'static>,
    what: String,
}

impl std::fmt::Debug for FileReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.what)
    }
}

impl FileReader {
    /// Makes `token` (or none) the one that cancels this reader's reads from
    /// now on, in place of the token of the view that opened it.
    pub fn set_cancel(&mut self, token: Option<&CancelToken>) {
        self.reader.set_cancel(token.cloned());
    }
}

impl Read for FileReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.reader.read(buf).map_err(|err| io::Error::other(Error::from_read(&self.what, &err)))
    }
}

/// Envd versions from which `/files` takes raw `application/octet-stream` bodies.
const OCTET_STREAM_ENVD: (u32, u32, u32) = (0, 5, 7);
const CHUNK: usize = 256 * 1024;

impl<'a> Files<'a> {
    pub(crate) fn new(sandbox: &'a Sandbox) -> Files<'a> {
        Files { sandbox, user: None, gzip: false, metadata: None }
    }

    /// The same view, acting as `user` (e.g. `"root"`) instead of the
    /// sandbox's default user: files are written with that owner, and
    /// relative paths start at that user's home.
    pub fn as_user(self, user: &'a str) -> Files<'a> {
        Files { user: Some(user), ..self }
    }

    /// The same view, compressing transfers with gzip on the wire: worth it
    /// for large text, wasted on already compressed data.
    pub fn gzip(self, gzip: bool) -> Files<'a> {
        Files { gzip, ..self }
    }

    /// The same view, giving the files it writes (`write*`, `upload_file`,
    /// `upload_dir`) the user metadata `metadata` (the SDKs' `metadata`
    /// argument of `files.write`), which envd keeps as extended attributes
    /// `user.e2b.<key>` and reports in [`EntryInfo::metadata`](crate::EntryInfo)
    /// with the key lowercased. Each write replaces all of a file's metadata:
    /// a write through a view without metadata clears it.
    ///
    /// Keys must be HTTP header tokens (letters, digits and
    /// ``!#$%&'*+-.^_`|~``) and values printable ASCII, or writes fail with
    /// [`ErrorKind::InvalidArgument`] before sending anything; envd also
    /// refuses a key over 246 bytes or more than 4096 bytes in all (HTTP 400,
    /// [`ErrorKind::InvalidArgument`]).
    pub fn with_metadata(self, metadata: &'a BTreeMap<String, String>) -> Files<'a> {
        Files { metadata: Some(metadata), ..self }
    }

    /// The sandbox these files are in.
    pub fn sandbox(&self) -> &'a Sandbox {
        self.sandbox
    }

    pub(crate) fn user(&self) -> Option<&'a str> {
        self.user
    }

    /// The whole content of the file at `path`, as bytes (never transcoded).
    /// Nothing reaches the caller before the whole file is in, so a download
    /// that breaks off midway is retried from the start, like one that fails
    /// before its answer begins.
    pub fn read(&self, path: &str) -> Result<Vec<u8>> {
        let what = format!("read {path}");
        let response = http::fetch(self.sandbox.client().agent(), self.download_request(path), &what)?;
        match response.status().as_u16() {
            200 => Ok(response.into_body()),
            status => Err(Error::from_envd(&what, status, response.body())),
        }
    }

    /// The content of the file at `path` as text; an error if it is not UTF-8.
    pub fn read_to_string(&self, path: &str) -> Result<String> {
        String::from_utf8(self.read(path)?).map_err(|err| Error::decode(&format!("read {path} as text"), err))
    }

    /// Streams the file at `path` into `writer` in constant memory and
    /// returns the number of bytes written.
    pub fn read_to(&self, path: &str, writer: &mut dyn Write, progress: Option<Progress<'_>>) -> Result<u64> {
        let what = format!("read {path}");
        let (mut reader, total) = self.download(path, &what)?;
        copy_with_progress(&mut reader, writer, total, progress, &what)
    }

    /// Opens the file at `path` for reading as a stream.
    pub fn open_read(&self, path: &str) -> Result<FileReader> {
        let what = format!("read {path}");
        let (reader, _) = self.download(path, &what)?;
        Ok(FileReader { reader, what })
    }

    /// Writes `data` to the file at `path`, replacing it if it exists and
    /// creating missing parent directories.
    pub fn write(&self, path: &str, data: impl AsRef<[u8]>) -> Result<WriteInfo> {
        let data = data.as_ref();
        let mut reader = data;
        self.write_from(path, &mut reader, Some(data.len() as u64), None)
    }

    /// Streams `reader` into the file at `path` in constant memory. `size`,
    /// when known, is announced to the server and to `progress`, and
    /// `reader` must then supply exactly that many bytes: fewer or more fail
    /// the call at once with an [`ErrorKind::Io`] error naming both numbers.
    pub fn write_from(
        &self,
        path: &str,
        reader: &mut dyn Read,
        size: Option<u64>,
        progress: Option<Progress<'_>>,
    ) -> Result<WriteInfo> {
        let what = format!("write {path}");
        let mut counted = Counted::new(reader, size, progress);
        let written = if self.sandbox.envd_at_least(OCTET_STREAM_ENVD) {
            self.upload_octets(path, &mut counted, size, &what)
        } else {
            let (boundary, prefix, suffix) = multipart_frame(&[path])?;
            let length = size.map(|size| (prefix[0].len() + suffix.len()) as u64 + size);
            let mut body = prefix[0].as_slice().chain(&mut counted).chain(suffix.as_slice());
            self.upload_multipart(&boundary, Some(path), &mut body, length, &what)
        };
        let mut written = counted.check(written, &what)?;
        match written.len() {
            1 => Ok(written.remove(0)),
            n => Err(Error::decode(&what, format!("expected one written file, got {n}"))),
        }
    }

    /// Writes several files in one request, creating missing parent directories.
    pub fn write_files(&self, files: &[WriteEntry<'_>]) -> Result<Vec<WriteInfo>> {
        let what = format!("write {} files", files.len());
        if files.is_empty() {
            return Ok(Vec::new());
        }
        let paths: Vec<&str> = files.iter().map(|f| f.path).collect();
        let (boundary, prefixes, suffix) = multipart_frame(&paths)?;
        let length = prefixes.iter().map(Vec::len).sum::<usize>()
            + files.iter().map(|f| f.data.len()).sum::<usize>()
            + suffix.len();
        let mut body: Box<dyn Read> = Box::new(io::empty());
        for (prefix, file) in prefixes.iter().zip(files) {
            body = Box::new(body.chain(prefix.as_slice()).chain(file.data));
        }
        let mut body = body.chain(suffix.as_slice());
        // With one part envd wants the path in the query; with more it reads each part's name.
        let single = (files.len() == 1).then(|| files[0].path);
        self.upload_multipart(&boundary, single, &mut body, Some(length as u64), &what)
    }

    /// Uploads the local file `local_path` to `path` in the sandbox, streaming.
    /// A file whose size changes while it is sent (or whose reported size
    /// is not its content's, as under `/sys`) fails with [`ErrorKind::Io`].
    pub fn upload_file(&self, local_path: &Path, path: &str, progress: Option<Progress<'_>>) -> Result<WriteInfo> {
        let what = format!("upload {} to {path}", local_path.display());
        let mut file = fs::File::open(local_path).map_err(|err| Error::io(&what, err))?;
        let size = file.metadata().map_err(|err| Error::io(&what, err))?.len();
        self.write_from(path, &mut file, Some(size), progress).map_err(|err| with_context(err, &what))
    }

    /// Downloads the file at `path` in the sandbox to `local_path`, streaming.
    /// The local file is written under a temporary name and renamed into
    /// place once complete, so a failed download never leaves a truncated file.
    pub fn download_file(&self, path: &str, local_path: &Path, progress: Option<Progress<'_>>) -> Result<u64> {
        let what = format!("download {path} to {}", local_path.display());
        let (mut reader, total) = self.download(path, &what)?;
        write_atomically(local_path, &what, |file| copy_with_progress(&mut reader, file, total, progress, &what))
    }

    /// Uploads the local directory tree `local_dir` to `path` in the sandbox:
    /// every regular file and directory, keeping the layout. Returns the
    /// number of files uploaded. Symbolic links are skipped, wherever they
    /// point, and never followed (as in [`download_dir`](Files::download_dir)):
    /// following one could send files from outside the tree.
    pub fn upload_dir(&self, local_dir: &Path, path: &str, mut progress: Option<DirProgressFn<'_>>) -> Result<usize> {
        // With a deadline, it bounds the whole tree, not each file.
        let pinned = self.sandbox.pinned();
        let view = Files { sandbox: &pinned, ..*self };
        let what = format!("upload {} to {path}", local_dir.display());
        let mut dirs = Vec::new();
        let mut files = Vec::new();
        walk_local(local_dir, Path::new(""), &mut dirs, &mut files).map_err(|err| Error::io(&what, err))?;
        let total: u64 = files.iter().map(|(_, size)| size).sum();
        let remote = |relative: &Path| format!("{}/{}", path.trim_end_matches('/'), to_remote(relative));

        view.make_dir(path)?;
        for dir in &dirs {
            view.make_dir(&remote(dir))?;
        }
        let mut done = 0;
        for (index, (relative, size)) in files.iter().enumerate() {
            let local = local_dir.join(relative);
            let mut file = fs::File::open(&local).map_err(|err| Error::io(&what, err))?;
            let target = remote(relative);
            let mut report = dir_report(&mut progress, &target, index, files.len(), done, total);
            if report(0, 0).is_break() {
                return Err(stopped(&what));
            }
            view.write_from(&target, &mut file, Some(*size), Some(&mut report))
                .map_err(|err| with_context(err, &what))?;
            done += size;
        }
        Ok(files.len())
    }

    /// Downloads the directory tree at `path` in the sandbox into `local_dir`
    /// (created if missing): every regular file and directory, keeping the
    /// layout. Returns the number of files downloaded.
    ///
    /// Symbolic links are skipped, wherever they point, and never followed
    /// (nothing a server lists beneath a link is fetched either): envd
    /// reports only where a link resolves to, not the link's own text (a
    /// dangling link comes back as itself), so it cannot be recreated
    /// faithfully, and copying what it points to could bring in files from
    /// outside the tree. `path` itself must be a directory, not a link to one.
    pub fn download_dir(&self, path: &str, local_dir: &Path, mut progress: Option<DirProgressFn<'_>>) -> Result<usize> {
        // With a deadline, it bounds the whole tree, not each file.
        let pinned = self.sandbox.pinned();
        let view = Files { sandbox: &pinned, ..*self };
        let what = format!("download {path} to {}", local_dir.display());
        let root = view.get_info(path)?;
        if root.file_type != FileType::Dir {
            return Err(Error::invalid_argument(format!("{what}: {path} is not a directory")));
        }
        let entries = without_links(view.list(path, u32::MAX)?);
        let prefix = format!("{}/", root.path.trim_end_matches('/'));
        let total: u64 = entries.iter().filter(|e| e.file_type == FileType::File).map(|e| e.size).sum();
        let files = entries.iter().filter(|e| e.file_type == FileType::File).count();
        fs::create_dir_all(local_dir).map_err(|err| Error::io(&what, err))?;

        let mut done = 0;
        let mut count = 0;
        for entry in &entries {
            let relative = entry
                .path
                .strip_prefix(&prefix)
                .and_then(safe_relative)
                .ok_or_else(|| Error::decode(&what, format!("entry {} lies outside {path}", entry.path)))?;
            let local = local_dir.join(relative);
            match entry.file_type {
                FileType::Dir => fs::create_dir_all(&local).map_err(|err| Error::io(&what, err))?,
                FileType::File => {
                    if let Some(parent) = local.parent() {
                        fs::create_dir_all(parent).map_err(|err| Error::io(&what, err))?;
                    }
                    let mut report = dir_report(&mut progress, &entry.path, count, files, done, total);
                    if report(0, 0).is_break() {
                        return Err(stopped(&what));
                    }
                    done += view.download_file(&entry.path, &local, Some(&mut report))?;
                    count += 1;
                }
                FileType::Symlink | FileType::Other => {}
            }
        }
        Ok(count)
    }

    /// A URL from which any program can download the file at `path` without
    /// other credentials (for secure sandboxes it is signed with the access
    /// token), valid for `expires_in` if given, else until the sandbox ends.
    pub fn download_url(&self, path: &str, expires_in: Option<Duration>) -> Result<String> {
        self.signed_url(path, Operation::Read, expires_in)
    }

    /// A URL to which any program can upload a file for `path` with a
    /// multipart POST (field `file`), signed like [`download_url`](Files::download_url).
    pub fn upload_url(&self, path: &str, expires_in: Option<Duration>) -> Result<String> {
        self.signed_url(path, Operation::Write, expires_in)
    }

    fn signed_url(&self, path: &str, operation: Operation, expires_in: Option<Duration>) -> Result<String> {
        let config = self.sandbox.client().config();
        let base = config.sandbox_direct_url(self.sandbox.id(), self.sandbox.domain());
        let mut params = vec![("path", path.to_owned())];
        if let Some(user) = self.user {
            params.push(("username", user.to_owned()));
        }
        match self.sandbox.access_token() {
            Some(token) => {
                // envd reads the expiration as an int64: a later one is capped to it.
                let expiration = expires_in.map(|after| {
                    let at = unix_now().saturating_add(crate::api::whole_seconds(after));
                    i64::try_from(at).unwrap_or(i64::MAX)
                });
                let signature = file_signature(path, operation, self.user.unwrap_or(""), token, expiration);
                params.push(("signature", signature));
                if let Some(expiration) = expiration {
                    params.push(("signature_expiration", expiration.to_string()));
                }
            }
            None if expires_in.is_some() => {
                return Err(Error::invalid_argument(format!(
                    "sign a URL for {path}: only secure sandboxes have signed URLs that can expire"
                )))
            }
            None => {}
        }
        let pairs: Vec<(&str, &str)> = params.iter().map(|(k, v)| (*k, v.as_str())).collect();
        Ok(format!("{base}/files?{}", query(&pairs)))
    }

    /// Starts a download; returns the body and its length when announced.
    fn download(&self, path: &str, what: &str) -> Result<(http::BodyReader<'static>, u64)> {
        let mut response = http::send(self.sandbox.client().agent(), self.download_request(path), what)?;
        let status = response.status().as_u16();
        if status != 200 {
            let body = http::read_body(&mut response, what)?;
            return Err(Error::from_envd(what, status, &body));
        }
        // With gzip the header counts compressed bytes, so the total is unknown.
        let total = match self.gzip {
            true => 0,
            false => http::header(&response, "content-length").and_then(|v| v.parse().ok()).unwrap_or(0),
        };
        Ok((http::reader(response), total))
    }

    /// The request that downloads the file at `path`.
    fn download_request<'b>(&self, path: &str) -> http::Request<'b> {
        let request = self.request(Method::GET, path);
        match self.gzip {
            true => request.header("Accept-Encoding", "gzip"),
            false => request,
        }
    }

    /// Uploads a raw body (envd ≥ 0.5.7), gzip-compressed on the fly if asked.
    fn upload_octets(&self, path: &str, body: &mut dyn Read, size: Option<u64>, what: &str) -> Result<Vec<WriteInfo>> {
        let request = self.with_metadata_headers(self.request(Method::POST, path))?;
        let request = request.header("Content-Type", "application/octet-stream");
        if self.gzip {
            let mut compressed = flate2::read::GzEncoder::new(body, flate2::Compression::fast());
            let request = request.header("Content-Encoding", "gzip").body(Body::Reader(&mut compressed));
            return self.expect_written(request, what);
        }
        let request = match size {
            Some(size) => request.header("Content-Length", size.to_string()),
            None => request,
        };
        self.expect_written(request.body(Body::Reader(body)), what)
    }

    /// Uploads a multipart body whose boundary is `boundary`.
    fn upload_multipart(
        &self,
        boundary: &str,
        path: Option<&str>,
        body: &mut dyn Read,
        length: Option<u64>,
        what: &str,
    ) -> Result<Vec<WriteInfo>> {
        let request = match path {
            Some(path) => self.request(Method::POST, path),
            None => self.request_without_path(Method::POST),
        };
        let mut request = self
            .with_metadata_headers(request)?
            .header("Content-Type", format!("multipart/form-data; boundary={boundary}"));
        if let Some(length) = length {
            request = request.header("Content-Length", length.to_string());
        }
        self.expect_written(request.body(Body::Reader(body)), what)
    }

    /// `request` with the view's metadata as `X-Metadata-<key>` headers,
    /// once checked as the SDKs check it.
    fn with_metadata_headers<'b>(&self, mut request: http::Request<'b>) -> Result<http::Request<'b>> {
        for (key, value) in self.metadata.into_iter().flatten() {
            check_metadata(key, value)?;
            request = request.header(&format!("X-Metadata-{key}"), value.as_str());
        }
        Ok(request)
    }

    fn expect_written(&self, request: http::Request<'_>, what: &str) -> Result<Vec<WriteInfo>> {
        let mut response = http::send(self.sandbox.client().agent(), request, what)?;
        let status = response.status().as_u16();
        let body = http::read_body(&mut response, what)?;
        if status != 200 {
            return Err(Error::from_envd(what, status, &body));
        }
        serde_json::from_slice(&body).map_err(|err| Error::decode(what, err))
    }

    /// A `/files` request for `path`. Transfers may take long, so only silence
    /// counts against the request timeout, not the total duration.
    fn request<'b>(&self, method: Method, path: &str) -> http::Request<'b> {
        let mut params = vec![("path", path)];
        if let Some(user) = self.user {
            params.push(("username", user));
        }
        self.files_request(method, &query(&params))
    }

    fn request_without_path<'b>(&self, method: Method) -> http::Request<'b> {
        match self.user {
            Some(user) => self.files_request(method, &query(&[("username", user)])),
            None => self.files_request(method, ""),
        }
    }

    fn files_request<'b>(&self, method: Method, query: &str) -> http::Request<'b> {
        let deadline = Deadline::idle(self.sandbox.client().config().request_timeout);
        let path = if query.is_empty() { "/files".to_owned() } else { format!("/files?{query}") };
        self.sandbox.envd_request(method, &path, deadline)
    }
}

/// A reader that counts what passes through it, reports progress, and holds
/// the source to the size it promised: a body sent with `Content-Length: N`
/// must be exactly N bytes, or the request could never end. Whatever stops
/// the transfer (a callback, a wrong size) becomes an I/O error that fails
/// it, and [`check`](Counted::check) tells the caller why.
pub(crate) struct Counted<'r, 'p> {
    inner: &'r mut dyn Read,
    done: u64,
    size: Option<u64>,
    progress: Option<Progress<'p>>,
    failure: Option<Error>,
}

impl<'r, 'p> Counted<'r, 'p> {
    pub(crate) fn new(inner: &'r mut dyn Read, size: Option<u64>, progress: Option<Progress<'p>>) -> Self {
        Counted { inner, done: 0, size, progress, failure: None }
    }

    /// The outcome of the transfer, as the reason this reader stopped it if it did.
    pub(crate) fn check<T>(self, outcome: Result<T>, what: &str) -> Result<T> {
        match (outcome, self.failure) {
            (Err(_), Some(failure)) => Err(failure.context(what)),
            (outcome, _) => outcome,
        }
    }

    /// Stops the transfer for `failure`, kept for [`check`](Counted::check).
    fn fail(&mut self, failure: Error) -> io::Result<usize> {
        let message = failure.message().to_owned();
        self.failure = Some(failure);
        Err(io::Error::other(message))
    }

    /// Whether the source breaks its promise of `size` bytes, having just given `n`.
    fn broken_promise(&mut self, n: usize) -> io::Result<Option<String>> {
        let Some(size) = self.size else { return Ok(None) };
        if n == 0 && self.done < size {
            return Ok(Some(format!("the source ended after {} of the {size} bytes promised", self.done)));
        }
        // At the promised size, one more byte would be too many.
        let more = self.done > size || (n > 0 && self.done == size && self.inner.read(&mut [0u8])? > 0);
        Ok(more.then(|| format!("the source gave more than the {size} bytes promised")))
    }
}

impl Read for Counted<'_, '_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.done += n as u64;
        if let Some(message) = self.broken_promise(n)? {
            return self.fail(Error::new(ErrorKind::Io, message));
        }
        if let Some(progress) = self.progress.as_mut() {
            if progress(self.done, self.size.unwrap_or(0)).is_break() {
                return self.fail(Error::new(ErrorKind::CallbackAborted, "stopped by the progress callback"));
            }
        }
        Ok(n)
    }
}

/// Copies `reader` to `writer` in chunks, reporting progress.
pub(crate) fn copy_with_progress(
    reader: &mut dyn Read,
    writer: &mut dyn Write,
    total: u64,
    mut progress: Option<Progress<'_>>,
    what: &str,
) -> Result<u64> {
    let mut buf = vec![0u8; CHUNK];
    let mut done = 0u64;
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => return Ok(done),
            Ok(n) => n,
            Err(err) if err.kind() == io::ErrorKind::Interrupted => continue,
            Err(err) => return Err(Error::from_read(what, &err)),
        };
        writer.write_all(&buf[..n]).map_err(|err| Error::io(what, err))?;
        done += n as u64;
        if let Some(progress) = progress.as_mut() {
            if progress(done, total).is_break() {
                return Err(stopped(what));
            }
        }
    }
}

/// Runs `fill` on a temporary file next to `target`, then renames it into place.
fn write_atomically<T>(target: &Path, what: &str, fill: impl FnOnce(&mut fs::File) -> Result<T>) -> Result<T> {
    let name = target.file_name().ok_or_else(|| Error::invalid_argument(format!("{what}: not a file path")))?;
    let temp = target.with_file_name(format!(".{}.part-{:x}", name.to_string_lossy(), crate::util::random_u64()));
    let mut file = fs::File::create(&temp).map_err(|err| Error::io(what, err))?;
    let result = fill(&mut file).and_then(|value| {
        file.sync_all().map_err(|err| Error::io(what, err))?;
        fs::rename(&temp, target).map_err(|err| Error::io(what, err))?;
        Ok(value)
    });
    if result.is_err() {
        let _ = fs::remove_file(&temp);
    }
    result
}

/// The error of a transfer its progress callback stopped.
fn stopped(what: &str) -> Error {
    Error::new(ErrorKind::CallbackAborted, format!("{what}: stopped by the progress callback"))
}

/// The byte progress of one file of a directory transfer, reported to
/// `progress` as the tree's.
fn dir_report<'a, 'p>(
    progress: &'a mut Option<DirProgressFn<'p>>,
    path: &'a str,
    index: usize,
    count: usize,
    done: u64,
    total: u64,
) -> impl FnMut(u64, u64) -> ControlFlow<()> + use<'a, 'p> {
    move |n, _| match progress.as_mut() {
        Some(progress) => progress(&DirProgress { path, index, count, done: done + n, total }),
        None => ControlFlow::Continue(()),
    }
}

/// The directories and regular files (with sizes) under `dir`, relative to
/// `base`, parents before children. Symbolic links are not followed.
fn walk_local(base: &Path, dir: &Path, dirs: &mut Vec<PathBuf>, files: &mut Vec<(PathBuf, u64)>) -> io::Result<()> {
    let mut entries: Vec<_> = fs::read_dir(base.join(dir))?.collect::<io::Result<_>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let relative = dir.join(entry.file_name());
        let kind = entry.file_type()?;
        if kind.is_dir() {
            dirs.push(relative.clone());
            walk_local(base, &relative, dirs, files)?;
        } else if kind.is_file() {
            files.push((relative, entry.metadata()?.len()));
        }
    }
    Ok(())
}

/// `entries` without the symbolic links and whatever is listed beneath one.
fn without_links(entries: Vec<EntryInfo>) -> Vec<EntryInfo> {
    let links: Vec<String> = entries
        .iter()
        .filter(|e| e.file_type == FileType::Symlink)
        .map(|e| format!("{}/", e.path.trim_end_matches('/')))
        .collect();
    let beneath_link = |entry: &EntryInfo| links.iter().any(|link| entry.path.starts_with(link.as_str()));
    entries.into_iter().filter(|e| e.file_type != FileType::Symlink && !beneath_link(e)).collect()
}

/// A local relative path as a sandbox path: `/`-separated. Names must be UTF-8.
fn to_remote(relative: &Path) -> String {
    relative.components().map(|c| c.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// `relative` if it is a plain relative path that stays below its base.
fn safe_relative(relative: &str) -> Option<&Path> {
    let path = Path::new(relative);
    let plain = !relative.is_empty() && path.components().all(|c| matches!(c, Component::Normal(_)));
    plain.then_some(path)
}

/// The multipart framing for files at `paths`: the boundary, the header of
/// each part, and the closing line. Each part's body goes between its header
/// and the next part's.
fn multipart_frame(paths: &[&str]) -> Result<(String, Vec<Vec<u8>>, Vec<u8>)> {
    let boundary = format!("e2b-{:016x}{:016x}", crate::util::random_u64(), crate::util::random_u64());
    let mut prefixes = Vec::with_capacity(paths.len());
    for (index, path) in paths.iter().enumerate() {
        if path.contains(['\r', '\n']) {
            return Err(Error::invalid_argument(format!("path {path:?} holds a line break")));
        }
        let escaped = path.replace('\\', "\\\\").replace('"', "\\\"");
        let lead = if index == 0 { "" } else { "\r\n" };
        prefixes.push(
            format!(
                "{lead}--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{escaped}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .into_bytes(),
        );
    }
    Ok((boundary.clone(), prefixes, format!("\r\n--{boundary}--\r\n").into_bytes()))
}

/// A metadata entry fits an HTTP header: the key is a token, the value printable ASCII.
fn check_metadata(key: &str, value: &str) -> Result<()> {
    const TOKEN_MARKS: &[u8] = b"!#$%&'*+-.^_`|~";
    let token = |b: &u8| b.is_ascii_alphanumeric() || TOKEN_MARKS.contains(b);
    if key.is_empty() || !key.bytes().all(|b| token(&b)) {
        return Err(Error::invalid_argument(format!(
            "invalid metadata key {key:?}: it must be a non-empty HTTP token (letters, digits and !#$%&'*+-.^_`|~)"
        )));
    }
    if !value.bytes().all(|b| (0x20..=0x7e).contains(&b)) {
        return Err(Error::invalid_argument(format!(
            "invalid metadata value for key {key:?}: it must be printable ASCII"
        )));
    }
    Ok(())
}

fn unix_now() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
}

/// `err` with `what` in front, unless it already says it.
fn with_context(err: Error, what: &str) -> Error {
    if err.message().starts_with(what) {
        err
    } else {
        err.context(what)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multipart_frames_escape_names() {
        let (boundary, prefixes, suffix) = multipart_frame(&["/a \"b\".txt", "/c"]).unwrap();
        let first = String::from_utf8(prefixes[0].clone()).unwrap();
        assert!(first.starts_with(&format!("--{boundary}\r\n")));
        assert!(first.contains(r#"filename="/a \"b\".txt""#));
        assert!(String::from_utf8(prefixes[1].clone()).unwrap().starts_with("\r\n--"));
        assert_eq!(suffix, format!("\r\n--{boundary}--\r\n").into_bytes());
        assert!(multipart_frame(&["bad\nname"]).is_err());
    }

    #[test]
    fn counted_holds_the_source_to_its_size() {
        let outcome = |data: &[u8], size: Option<u64>| {
            let mut source = data;
            let mut counted = Counted::new(&mut source, size, None);
            let copied = io::copy(&mut counted, &mut io::sink()).map_err(|_| Error::invalid_argument("copy"));
            counted.check(copied, "write f")
        };
        assert_eq!(outcome(b"12345", Some(5)).unwrap(), 5);
        assert_eq!(outcome(b"12345", None).unwrap(), 5);
        let short = outcome(b"123", Some(5)).unwrap_err();
        assert_eq!(short.kind(), ErrorKind::Io);
        assert_eq!(short.message(), "write f: the source ended after 3 of the 5 bytes promised");
        let long = outcome(b"123456", Some(5)).unwrap_err();
        assert_eq!(long.message(), "write f: the source gave more than the 5 bytes promised");
    }

    #[test]
    fn metadata_is_checked_like_the_sdks() {
        for (key, value) in [("author", "me"), ("A-b_c.d~!#$%&'*+^`|", " ~printable~ "), ("k", "")] {
            assert!(check_metadata(key, value).is_ok(), "{key:?} = {value:?}");
        }
        for (key, value) in
            [("", "v"), ("a b", "v"), ("a:b", "v"), ("clé", "v"), ("k", "caf\u{e9}"), ("k", "a\nb"), ("k", "\x7f")]
        {
            let err = check_metadata(key, value).unwrap_err();
            assert_eq!(err.kind(), ErrorKind::InvalidArgument, "{key:?} = {value:?}");
        }
    }

    #[test]
    fn only_plain_relative_paths_are_safe() {
        assert!(safe_relative("a/b.txt").is_some());
        assert!(safe_relative("../x").is_none());
        assert!(safe_relative("/etc/passwd").is_none());
        assert!(safe_relative("a/../../x").is_none());
        assert!(safe_relative("").is_none());
    }
}
