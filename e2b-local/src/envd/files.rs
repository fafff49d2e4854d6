//! `GET /files` and `POST /files`: file download and upload, with envd's order of checks, its
//! status codes and its messages. Transfers stream in constant memory, and an upload replaces
//! its file only once complete (never `fsync`ed: see `persist.rs`). Uploads carry user metadata (`X-Metadata-<key>`
//! headers), kept as `user.e2b.<key>` extended attributes as envd keeps them.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::os::fd::AsRawFd;
use std::path::Path;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::Extension;
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use flate2::Compression;
use serde::Serialize;
use tokio::runtime::Handle;

use super::auth::{self, Operation, Signing};
use super::multipart::{parse_media_type, Multipart};
use super::Sandbox;
use crate::blocking;
use crate::error::{json_response, ApiError, ApiResult};
use crate::paths::{self, SandboxRoot};
use crate::query::Params;
use crate::stream::{body_from_blocking, BodyReader, CHUNK};

/// The query parameters of both routes.
struct FileQuery {
    path: Option<String>,
    username: Option<String>,
    signature: Option<String>,
    signature_expiration: Option<i64>,
}

impl FileQuery {
    fn parse(uri: &Uri) -> ApiResult<FileQuery> {
        let params = Params::parse(uri.query())?;
        let text = |name| params.get(name).map(str::to_string);
        let signature_expiration = match params.get("signature_expiration") {
            None => None,
            Some(raw) => Some(raw.parse().map_err(|_| {
                ApiError::bad_request(format!(
                    "Invalid format for parameter signature_expiration: '{raw}' is not an integer"
                ))
            })?),
        };
        Ok(FileQuery {
            path: text("path"),
            username: text("username"),
            signature: text("signature"),
            signature_expiration,
        })
    }

    fn signing(&self) -> Signing<'_> {
        Signing {
            path: self.path.as_deref().unwrap_or(""),
            username: self.username.as_deref(),
            signature: self.signature.as_deref(),
            expiration: self.signature_expiration,
        }
    }
}

/// A signed `/files` request (what a signed download or upload URL asks), as a test of whether
/// an access token made its signature; `None` for any other request. A signed URL that reaches
/// e2b-local's own address carries no sandbox id: the one sandbox whose token made the
/// signature is where it goes.
pub fn signature_check(method: &Method, uri: &Uri) -> Option<impl Fn(&str) -> bool> {
    let operation = match *method {
        Method::GET => Operation::Read,
        Method::POST => Operation::Write,
        _ => return None,
    };
    if uri.path() != "/files" {
        return None;
    }
    let query = FileQuery::parse(uri).ok()?;
    let signature = query.signature.clone()?;
    Some(move |token: &str| {
        let signing = query.signing();
        let expected = e2b_protocol::file_signature(
            signing.path,
            operation,
            signing.username.unwrap_or(""),
            token,
            signing.expiration,
        );
        crate::constant_time_eq(expected.as_bytes(), signature.as_bytes())
    })
}

/// The sandbox users: `user` (the default) and `root`.
#[derive(Debug)]
pub(super) struct User {
    pub name: &'static str,
    pub home: &'static str,
}

impl User {
    /// The user called `name`, if the sandbox has one.
    pub fn find(name: &str) -> Option<User> {
        match name {
            "user" => Some(User { name: "user", home: "/home/user" }),
            "root" => Some(User { name: "root", home: "/root" }),
            _ => None,
        }
    }
}

fn lookup_user(username: Option<&str>) -> ApiResult<User> {
    let name = username.filter(|name| !name.is_empty()).unwrap_or("user");
    User::find(name)
        .ok_or_else(|| ApiError::unauthorized(format!("error looking up user '{name}': user: unknown user {name}")))
}

/// envd's `ExpandAndResolve` for `user`, with envd's message on failure.
pub(super) fn resolve(path: &str, user: &User) -> Result<String, String> {
    paths::expand(path, user.home).map_err(|e| format!("failed to expand path '{path}' for user '{}': {e}", user.name))
}

fn open_root(fs_dir: &Path) -> ApiResult<SandboxRoot> {
    SandboxRoot::open(fs_dir).map_err(|e| ApiError::internal(format!("error opening the sandbox filesystem: {e}")))
}

/// A path with a NUL byte can name no file.
fn is_invalid_path(e: &io::Error) -> bool {
    e.kind() == io::ErrorKind::InvalidInput
}

fn invalid_path(path: &str) -> ApiError {
    ApiError::bad_request(format!("invalid path '{}': it contains a NUL byte", path.escape_debug()))
}

// ---- Download ----

pub async fn download(Extension(sandbox): Extension<Sandbox>, uri: Uri, headers: HeaderMap) -> ApiResult<Response> {
    let query = FileQuery::parse(&uri)?;
    auth::check_signing(sandbox.access_token.as_deref(), &headers, Operation::Read, &query.signing())?;
    let user = lookup_user(query.username.as_deref())?;
    let requested = query.path.as_deref().unwrap_or("");
    let path = resolve(requested, &user)
        .map_err(|e| ApiError::bad_request(format!("error expanding and resolving path '{requested}': {e}")))?;
    let name = paths::base_name(&path).to_string();
    let (file, size, modified) = blocking(move || {
        let file = open_root(&sandbox.fs_dir)?.open_read(&path).map_err(|e| match e.raw_os_error() {
            Some(libc::ENOENT) => ApiError::not_found(format!("path '{path}' does not exist")),
            _ if is_invalid_path(&e) => invalid_path(&path),
            _ => ApiError::internal(format!("error checking if path exists '{path}': {e}")),
        })?;
        let meta =
            file.metadata().map_err(|e| ApiError::internal(format!("error checking if path exists '{path}': {e}")))?;
        if meta.is_dir() {
            return Err(ApiError::bad_request(format!("path '{path}' is a directory")));
        }
        Ok((file, meta.len(), meta.modified().ok()))
    })
    .await?;
    serve_file(file, &name, size, modified, &headers)
}

/// The answer with the file's content: gzip, whole, a range, or 304.
fn serve_file(
    file: File,
    name: &str,
    size: u64,
    modified: Option<SystemTime>,
    headers: &HeaderMap,
) -> ApiResult<Response> {
    // Range and conditional requests are answered uncompressed, as envd does.
    let conditional =
        ["range", "if-modified-since", "if-none-match", "if-range"].iter().any(|h| headers.contains_key(*h));
    let gzip = accepts_gzip(headers)? && !conditional;
    let last_modified = modified.map(httpdate::fmt_http_date);

    let mut response = Response::new(Body::empty());
    let out = response.headers_mut();
    out.insert(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    out.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type(name)));
    if let Ok(value) = HeaderValue::from_str(&content_disposition(name)) {
        out.insert(header::CONTENT_DISPOSITION, value);
    }
    if let Some(value) = last_modified.as_deref().and_then(|lm| HeaderValue::from_str(lm).ok()) {
        out.insert(header::LAST_MODIFIED, value);
    }

    if gzip {
        out.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
        *response.body_mut() = body_from_blocking(None, move |w| {
            let mut encoder = GzEncoder::new(w, Compression::default());
            io::copy(&mut &file, &mut encoder)?;
            encoder.finish().map(drop)
        });
        return Ok(response);
    }

    if not_modified_since(headers, modified) {
        *response.status_mut() = StatusCode::NOT_MODIFIED;
        response.headers_mut().remove(header::CONTENT_TYPE);
        return Ok(response);
    }
    out.insert(header::ACCEPT_RANGES, HeaderValue::from_static("bytes"));
    let (start, len) = match requested_range(headers, size, last_modified.as_deref()) {
        Ranged::Whole => (0, size),
        Ranged::Part { start, len } => {
            *response.status_mut() = StatusCode::PARTIAL_CONTENT;
            let range = format!("bytes {start}-{}/{size}", start + len - 1);
            response.headers_mut().insert(header::CONTENT_RANGE, HeaderValue::from_str(&range).expect("ASCII"));
            (start, len)
        }
        Ranged::Unsatisfiable => {
            let mut error =
                ApiError::new(StatusCode::RANGE_NOT_SATISFIABLE, "invalid range: failed to overlap").into_response();
            error
                .headers_mut()
                .insert(header::CONTENT_RANGE, HeaderValue::from_str(&format!("bytes */{size}")).expect("ASCII"));
            return Ok(error);
        }
    };
    *response.body_mut() = body_from_blocking(Some(len), move |w| copy_range(&file, start, len, w));
    Ok(response)
}

fn copy_range(mut file: &File, start: u64, len: u64, out: &mut impl Write) -> io::Result<()> {
    file.seek(SeekFrom::Start(start))?;
    let copied = io::copy(&mut file.take(len), out)?;
    if copied < len {
        return Err(io::Error::new(io::ErrorKind::UnexpectedEof, "the file shrank while it was being sent"));
    }
    Ok(())
}

/// envd's `Accept-Encoding` negotiation: the best-quality supported coding; identity unless
/// explicitly refused, in which case 406.
fn accepts_gzip(headers: &HeaderMap) -> ApiResult<bool> {
    let Some(value) = headers.get(header::ACCEPT_ENCODING).and_then(|v| v.to_str().ok()) else {
        return Ok(false);
    };
    let mut codings: Vec<(String, f64)> = value
        .split(',')
        .map(|item| {
            let mut fields = item.split(';');
            let coding = fields.next().unwrap_or("").trim().to_ascii_lowercase();
            let quality = fields
                .filter_map(|f| f.trim().strip_prefix("q=").or_else(|| f.trim().strip_prefix("Q=")))
                .find_map(|q| q.parse::<f64>().ok())
                .unwrap_or(1.0);
            (coding, quality)
        })
        .collect();
    codings.sort_by(|a, b| b.1.total_cmp(&a.1));
    let identity_refused = codings.iter().any(|(c, q)| c == "identity" && *q == 0.0);
    for (coding, quality) in &codings {
        match coding.as_str() {
            _ if *quality == 0.0 => {}
            "identity" => return Ok(false),
            "*" => return Ok(identity_refused),
            "gzip" => return Ok(true),
            _ => {}
        }
    }
    if identity_refused {
        return Err(ApiError::new(
            StatusCode::NOT_ACCEPTABLE,
            "no acceptable encoding found, supported: [identity, gzip]",
        ));
    }
    Ok(false)
}

fn not_modified_since(headers: &HeaderMap, modified: Option<SystemTime>) -> bool {
    if headers.contains_key(header::IF_NONE_MATCH) {
        return false;
    }
    let since = headers
        .get(header::IF_MODIFIED_SINCE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| httpdate::parse_http_date(v).ok());
    match (since, modified) {
        // HTTP dates have whole seconds: compare at that precision.
        (Some(since), Some(modified)) => httpdate::HttpDate::from(modified) <= httpdate::HttpDate::from(since),
        _ => false,
    }
}

#[derive(Debug, PartialEq)]
enum Ranged {
    Whole,
    Part { start: u64, len: u64 },
    Unsatisfiable,
}

/// A single `Range: bytes=` range. Several ranges are answered with the whole file (a server
/// may ignore `Range`); `If-Range` must match `Last-Modified` for the range to apply.
fn requested_range(headers: &HeaderMap, size: u64, last_modified: Option<&str>) -> Ranged {
    let Some(range) = headers.get(header::RANGE).and_then(|v| v.to_str().ok()) else {
        return Ranged::Whole;
    };
    if let Some(if_range) = headers.get(header::IF_RANGE) {
        if last_modified.is_none_or(|lm| if_range.as_bytes() != lm.as_bytes()) {
            return Ranged::Whole;
        }
    }
    let Some(spec) = range.strip_prefix("bytes=") else {
        return Ranged::Unsatisfiable;
    };
    if spec.contains(',') {
        return Ranged::Whole;
    }
    let Some((first, last)) = spec.trim().split_once('-') else {
        return Ranged::Unsatisfiable;
    };
    let parse = |s: &str| s.trim().parse::<u64>().ok();
    let bounds = match (first.trim(), last.trim()) {
        ("", suffix) => parse(suffix).filter(|n| *n > 0).map(|n| (size.saturating_sub(n), size.saturating_sub(1))),
        (start, "") => parse(start).map(|s| (s, size.saturating_sub(1))),
        (start, end) => {
            parse(start).zip(parse(end)).filter(|(s, e)| s <= e).map(|(s, e)| (s, e.min(size.saturating_sub(1))))
        }
    };
    match bounds {
        Some((start, end)) if start < size => Ranged::Part { start, len: end - start + 1 },
        _ => Ranged::Unsatisfiable,
    }
}

fn content_type(name: &str) -> &'static str {
    let extension = name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase()).unwrap_or_default();
    match extension.as_str() {
        "txt" | "log" => "text/plain; charset=utf-8",
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "csv" => "text/csv; charset=utf-8",
        "md" => "text/markdown; charset=utf-8",
        "xml" => "text/xml; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "pdf" => "application/pdf",
        "wasm" => "application/wasm",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        _ => "application/octet-stream",
    }
}

/// `inline; filename="a.txt"`, or the RFC 5987 form for names that need escaping.
fn content_disposition(name: &str) -> String {
    if name.bytes().all(|b| (0x20..0x7f).contains(&b) && b != b'"' && b != b'\\') {
        return format!("inline; filename=\"{name}\"");
    }
    let encoded: String = name
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect();
    format!("inline; filename*=UTF-8''{encoded}")
}

// ---- Upload ----

/// One written file, as envd reports it (`type` is always `file` here), with the metadata it
/// now has.
#[derive(Debug, Serialize)]
struct EntryInfo {
    path: String,
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    metadata: Metadata,
}

enum Upload {
    /// `application/octet-stream`: the body is the file, `path` names it.
    Raw { path: String },
    /// `multipart/form-data`: each part named `file` is a file, named by `path` if given or
    /// else by the part's file name.
    Multipart { boundary: String, path: Option<String> },
}

pub async fn upload(
    Extension(sandbox): Extension<Sandbox>,
    uri: Uri,
    headers: HeaderMap,
    body: Body,
) -> ApiResult<Response> {
    let query = FileQuery::parse(&uri)?;
    auth::check_signing(sandbox.access_token.as_deref(), &headers, Operation::Write, &query.signing())?;
    let gzip = request_is_gzip(&headers)?;
    let user = lookup_user(query.username.as_deref())?;
    let metadata = upload_metadata(&headers)?;
    let resolved = query
        .path
        .as_deref()
        .map(|p| resolve(p, &user).map_err(|e| ApiError::bad_request(format!("error resolving path: {e}"))))
        .transpose()?;
    let upload = match upload_kind(&headers)? {
        None => Upload::Raw {
            path: resolved
                .ok_or_else(|| ApiError::bad_request("path query parameter is required for raw body upload"))?,
        },
        Some(boundary) => Upload::Multipart { boundary, path: resolved },
    };
    let content_length = headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse().ok());
    let runtime = Handle::current();
    let entries = blocking(move || {
        let root = open_root(&sandbox.fs_dir)?.acting_as(user.name);
        let mut source = decompressed(BodyReader::new(body, runtime), gzip)?;
        match upload {
            Upload::Raw { path } => Ok(vec![write_file(&root, &path, &mut source, &metadata, content_length)?]),
            Upload::Multipart { boundary, path } => {
                let form = Multipart::new(source, &boundary);
                write_parts(&root, form, path.as_deref(), &user, &metadata, content_length)
            }
        }
    })
    .await?;
    Ok(json_response(StatusCode::OK, &serde_json::to_value(entries).map_err(|e| ApiError::internal(e.to_string()))?))
}

fn request_is_gzip(headers: &HeaderMap) -> ApiResult<bool> {
    let Some(value) = headers.get(header::CONTENT_ENCODING) else {
        return Ok(false);
    };
    let raw = String::from_utf8_lossy(value.as_bytes());
    match raw.split(';').next().unwrap_or("").trim().to_ascii_lowercase().as_str() {
        "" | "identity" => Ok(false),
        "gzip" => Ok(true),
        _ => Err(ApiError::bad_request(format!(
            "error decompressing request body: unsupported Content-Encoding: {raw}, supported: [gzip]"
        ))),
    }
}

/// `None` for a raw upload, the boundary for a multipart one.
fn upload_kind(headers: &HeaderMap) -> ApiResult<Option<String>> {
    let raw = headers
        .get(header::CONTENT_TYPE)
        .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
        .unwrap_or_default();
    let unsupported = || {
        ApiError::bad_request(format!(
            "unsupported content type: {raw}, expected multipart/form-data or application/octet-stream"
        ))
    };
    let (media_type, mut params) = parse_media_type(&raw).map_err(|_| unsupported())?;
    if media_type == "application/octet-stream" {
        return Ok(None);
    }
    if !media_type.starts_with("multipart/") {
        return Err(unsupported());
    }
    // envd answers these two with 500; they are the client's mistakes, so 400 here.
    if media_type != "multipart/form-data" {
        return Err(ApiError::bad_request(
            "error parsing multipart form: request Content-Type isn't multipart/form-data",
        ));
    }
    match params.remove("boundary").filter(|b| !b.is_empty()) {
        Some(boundary) => Ok(Some(boundary)),
        None => Err(ApiError::bad_request("error parsing multipart form: no multipart boundary param in Content-Type")),
    }
}

/// The request body, gunzipped if it is gzip. The gzip header is read at once, so a body that
/// is not gzip fails with 400 before anything is written (as envd's `gzip.NewReader` does).
fn decompressed(body: BodyReader, gzip: bool) -> ApiResult<Box<dyn Read + Send>> {
    if !gzip {
        return Ok(Box::new(body));
    }
    let mut decoder = MultiGzDecoder::new(body);
    let mut first = vec![0; 512];
    let n = decoder.read(&mut first).map_err(|e| {
        ApiError::bad_request(format!("error decompressing request body: failed to create gzip reader: {e}"))
    })?;
    first.truncate(n);
    Ok(Box::new(io::Cursor::new(first).chain(decoder)))
}

fn write_parts<R: Read>(
    root: &SandboxRoot,
    mut form: Multipart<R>,
    path: Option<&str>,
    user: &User,
    metadata: &Metadata,
    content_length: Option<u64>,
) -> ApiResult<Vec<EntryInfo>> {
    let mut written: Vec<EntryInfo> = Vec::new();
    while let Some(part) = form.next_part().map_err(|e| ApiError::internal(format!("error reading form: {e}")))? {
        if part.form_name().as_deref() != Some("file") {
            continue;
        }
        let target = match path {
            Some(path) => path.to_string(),
            None => {
                let name = part.file_name_with_path().map_err(|e| {
                    ApiError::bad_request(format!("error getting multipart custom part file name: {e}"))
                })?;
                resolve(&name, user).map_err(|e| ApiError::bad_request(format!("error resolving path: {e}")))?
            }
        };
        if written.iter().any(|entry| entry.path == target) {
            return Err(duplicate_target(&target, &written));
        }
        let entry = write_file(root, &target, &mut PartReader(&mut form), metadata, content_length)?;
        written.push(entry);
    }
    Ok(written)
}

fn duplicate_target(path: &str, written: &[EntryInfo]) -> ApiError {
    let mut message = format!(
        "you cannot upload multiple files to the same path '{path}' in one upload request, only the first specified file was uploaded"
    );
    let others: Vec<&str> = written.iter().map(|e| e.path.as_str()).filter(|p| *p != path).collect();
    if others.len() > 1 {
        message.push_str(&format!(", also the following files were uploaded: {}", others.join(", ")));
    }
    ApiError::bad_request(message)
}

/// The content of the current part, as a `Read`.
struct PartReader<'a, R>(&'a mut Multipart<R>);

impl<R: Read> Read for PartReader<'_, R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        self.0.read_content(buf)
    }
}

/// Writes one file as users of `files.write` expect: the content and metadata go to a new file
/// beside the destination, which takes the destination's place only once all of it is there.
/// A failed or dropped upload leaves the old file as it was, and nothing else behind.
fn write_file(
    root: &SandboxRoot,
    path: &str,
    source: &mut dyn Read,
    metadata: &Metadata,
    content_length: Option<u64>,
) -> ApiResult<EntryInfo> {
    if let Some((parent, _)) = paths::split_parent(path) {
        root.mkdir_all(parent).map_err(|e| {
            if is_invalid_path(&e) {
                invalid_path(path)
            } else {
                ApiError::internal(format!("error ensuring directories: {e}"))
            }
        })?;
    }
    let (target, replaced) = destination(root, path)?;
    let mut pending = PendingFile::create(root, &target, replaced.as_ref()).map_err(|e| match e.raw_os_error() {
        Some(libc::ENOSPC) => {
            ApiError::new(StatusCode::INSUFFICIENT_STORAGE, format!("not enough inodes available: {e}"))
        }
        _ if is_invalid_path(&e) => invalid_path(path),
        _ => ApiError::internal(format!("error opening file: {e}")),
    })?;
    let write_error = |e: io::Error| {
        if e.raw_os_error() == Some(libc::ENOSPC) {
            let message = match content_length {
                Some(n) if n > 0 => {
                    format!("attempted to write {n} bytes: not enough disk space available")
                }
                _ => "not enough disk space available".to_string(),
            };
            ApiError::new(StatusCode::INSUFFICIENT_STORAGE, message)
        } else {
            ApiError::internal(format!("error writing file: {e}"))
        }
    };
    let mut buf = vec![0; CHUNK];
    loop {
        let n = match source.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(ApiError::internal(format!("error writing file: {e}"))),
        };
        pending.file.write_all(&buf[..n]).map_err(write_error)?;
    }
    match write_metadata(&pending.file, metadata) {
        Err(e) if is_xattr_unsupported(&e) => {}
        Err(e) if matches!(e.raw_os_error(), Some(libc::ENOSPC | libc::EDQUOT)) => {
            return Err(ApiError::new(
                StatusCode::INSUFFICIENT_STORAGE,
                format!("not enough space for file metadata: {e}"),
            ));
        }
        Err(e) => return Err(ApiError::internal(format!("error writing file metadata: {e}"))),
        Ok(()) => {}
    }
    let file = pending.commit().map_err(|e| ApiError::internal(format!("error writing file: {e}")))?;
    // Read back, so that the answer never claims metadata that was not stored.
    let metadata = read_metadata(&file).unwrap_or_default();
    Ok(EntryInfo { path: path.to_string(), name: paths::base_name(path).to_string(), kind: "file", metadata })
}

/// Where a write to `path` lands, and what is there now: a final symlink is followed inside
/// the sandbox, as opening the path for writing follows it (one that dangles is replaced); a
/// directory there is refused.
fn destination(root: &SandboxRoot, path: &str) -> ApiResult<(String, Option<std::fs::Metadata>)> {
    let looking = |e: io::Error| match e.raw_os_error() {
        _ if is_invalid_path(&e) => invalid_path(path),
        _ => ApiError::internal(format!("error getting file info: {e}")),
    };
    let target = match root.lstat(path) {
        Ok(meta) if meta.is_symlink() => match root.resolve(path) {
            Ok(resolved) => resolved.into_string().map_err(|_| invalid_path(path))?,
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => path.to_string(),
            Err(e) => return Err(looking(e)),
        },
        _ => path.to_string(),
    };
    match root.lstat(&target) {
        Ok(meta) if meta.is_dir() => Err(ApiError::bad_request(format!("path is a directory: {path}"))),
        Ok(meta) => Ok((target, Some(meta))),
        Err(e) if e.raw_os_error() == Some(libc::ENOENT) => Ok((target, None)),
        Err(e) => Err(looking(e)),
    }
}

/// The name prefix of files being uploaded; see [`pending_upload`].
const PENDING_PREFIX: &str = ".e2b-upload-";

/// Whether `name` is a file being uploaded, and what it will do when complete: `Some(true)`
/// when it replaces a file, `Some(false)` when it creates one. Watchers report its arrival as
/// a write of the destination, and nothing of it before.
pub(super) fn pending_upload(name: &[u8]) -> Option<bool> {
    let rest = name.strip_prefix(PENDING_PREFIX.as_bytes())?;
    let (hex, kind) = rest.split_at_checked(16)?;
    if !hex.iter().all(u8::is_ascii_hexdigit) {
        return None;
    }
    match kind {
        b".replace" => Some(true),
        b".new" => Some(false),
        _ => None,
    }
}

/// An upload in progress: a new file beside its destination, which `commit` moves into the
/// destination's place; dropped uncommitted, it is removed.
struct PendingFile<'a> {
    root: &'a SandboxRoot,
    file: File,
    path: String,
    target: String,
    committed: bool,
}

impl<'a> PendingFile<'a> {
    /// The one place where an uploaded file is created: beside `target`, with the mode and
    /// owner of the file it replaces; a new file has mode 0666 less the umask, as `open(2)`
    /// gives, and belongs to the user `root` acts as ([`SandboxRoot::acting_as`]).
    fn create(root: &'a SandboxRoot, target: &str, replaced: Option<&std::fs::Metadata>) -> io::Result<Self> {
        use std::os::unix::fs::{MetadataExt, PermissionsExt};
        let dir = paths::split_parent(target).map_or("/", |(parent, _)| parent);
        let kind = if replaced.is_some() { "replace" } else { "new" };
        let path = format!("{}/{PENDING_PREFIX}{}.{kind}", dir.trim_end_matches('/'), crate::persist::random_hex(8)?);
        // The name is random, so nothing is there (and nothing can have been planted there).
        let file = root.create_write(&path)?;
        let pending = PendingFile { root, file, path, target: target.to_string(), committed: false };
        if let Some(old) = replaced {
            pending.file.set_permissions(std::fs::Permissions::from_mode(old.mode() & 0o7777))?;
            let own = pending.file.metadata()?;
            if (own.uid(), own.gid()) != (old.uid(), old.gid()) {
                std::os::unix::fs::fchown(&pending.file, Some(old.uid()), Some(old.gid()))?;
            }
        }
        Ok(pending)
    }

    /// Puts the file in its destination's place and returns it.
    fn commit(mut self) -> io::Result<File> {
        self.root.rename(&self.path, &self.target)?;
        self.committed = true;
        self.file.try_clone()
    }
}

impl Drop for PendingFile<'_> {
    fn drop(&mut self) {
        if !self.committed {
            let _ = self.root.remove_all(&self.path);
        }
    }
}

// ---- Metadata ----

/// User metadata of a file: `X-Metadata-<key>` headers on upload, xattrs on disk.
pub(super) type Metadata = BTreeMap<String, String>;

const METADATA_HEADER: &str = "x-metadata-";
/// The xattr namespace of the metadata.
const METADATA_XATTR: &str = "user.e2b.";
/// The longest key: an xattr name has at most 255 bytes, the namespace included.
const MAX_METADATA_KEY: usize = 255 - METADATA_XATTR.len();
/// The most metadata a file takes (stored names and values): what fits in the one block where
/// ext4 keeps a file's xattrs.
const MAX_METADATA_TOTAL: usize = 4096;

/// The upload's `X-Metadata-<key>` headers (the first value of each; keys lowercased, empty keys
/// ignored), checked as envd checks them: 400 when they could not be stored as given.
fn upload_metadata(headers: &HeaderMap) -> ApiResult<Metadata> {
    let mut raw: BTreeMap<&str, &[u8]> = BTreeMap::new();
    for name in headers.keys() {
        let Some(key) = name.as_str().strip_prefix(METADATA_HEADER).filter(|key| !key.is_empty()) else {
            continue;
        };
        if let Some(value) = headers.get(name) {
            raw.insert(key, value.as_bytes());
        }
    }
    validate_metadata(&raw).map_err(|e| ApiError::bad_request(format!("invalid metadata: {e}")))?;
    Ok(raw.into_iter().map(|(key, value)| (key.to_string(), String::from_utf8_lossy(value).into_owned())).collect())
}

/// Keys and values must be printable ASCII, keys short enough for an xattr name, and all of it
/// small enough for one file's xattr space.
fn validate_metadata(metadata: &BTreeMap<&str, &[u8]>) -> Result<(), String> {
    let printable = |label: &str, bytes: &[u8]| match bytes.iter().position(|b| !(0x20..=0x7e).contains(b)) {
        Some(at) => {
            Err(format!("metadata {label} contains non-printable-ASCII byte 0x{:02x} at offset {at}", bytes[at]))
        }
        None => Ok(()),
    };
    let mut total = 0;
    for (key, value) in metadata {
        if key.len() > MAX_METADATA_KEY {
            return Err(format!("metadata key \"{key}\" exceeds {MAX_METADATA_KEY} bytes"));
        }
        printable("key", key.as_bytes())?;
        printable(&format!("value for key \"{key}\""), value)?;
        total += METADATA_XATTR.len() + key.len() + value.len();
    }
    if total > MAX_METADATA_TOTAL {
        return Err(format!("total metadata size {total} exceeds {MAX_METADATA_TOTAL} bytes"));
    }
    Ok(())
}

/// The metadata stored on an open file; none where the file system has no xattrs. Values
/// that are not UTF-8 (set inside the sandbox by other means) are skipped, as envd skips them.
pub(super) fn read_metadata(file: &File) -> io::Result<Metadata> {
    let names = match list_xattrs(file) {
        Err(e) if is_xattr_unsupported(&e) => return Ok(Metadata::new()),
        result => result?,
    };
    let mut metadata = Metadata::new();
    for name in names {
        let Some(key) = name.strip_prefix(METADATA_XATTR.as_bytes()) else { continue };
        let value = match get_xattr(file, &name) {
            Err(e) if e.raw_os_error() == Some(libc::ENODATA) => continue,
            result => result?,
        };
        if let (Ok(key), Ok(value)) = (std::str::from_utf8(key), String::from_utf8(value)) {
            metadata.insert(key.to_string(), value);
        }
    }
    Ok(metadata)
}

/// Replaces the file's metadata with `metadata`: keys it lacks are removed (truncating a file
/// keeps its xattrs, and each upload brings all of its metadata).
fn write_metadata(file: &File, metadata: &Metadata) -> io::Result<()> {
    for name in list_xattrs(file)? {
        let stale = name
            .strip_prefix(METADATA_XATTR.as_bytes())
            .is_some_and(|key| std::str::from_utf8(key).map_or(true, |key| !metadata.contains_key(key)));
        if stale {
            let name = CString::new(name)?;
            // SAFETY: an open descriptor and a NUL-terminated name.
            if unsafe { libc::fremovexattr(file.as_raw_fd(), name.as_ptr()) } != 0 {
                let err = io::Error::last_os_error();
                if err.raw_os_error() != Some(libc::ENODATA) {
                    return Err(err);
                }
            }
        }
    }
    for (key, value) in metadata {
        let name = CString::new(format!("{METADATA_XATTR}{key}"))?;
        // SAFETY: an open descriptor, a NUL-terminated name, and a value of the given length.
        let set = unsafe { libc::fsetxattr(file.as_raw_fd(), name.as_ptr(), value.as_ptr().cast(), value.len(), 0) };
        if set != 0 {
            return Err(io::Error::last_os_error());
        }
    }
    Ok(())
}

fn is_xattr_unsupported(e: &io::Error) -> bool {
    e.raw_os_error() == Some(libc::EOPNOTSUPP)
}

/// The names of a file's xattrs.
fn list_xattrs(file: &File) -> io::Result<Vec<Vec<u8>>> {
    let list = read_sized(|buf, len| {
        // SAFETY: an open descriptor and a buffer of `len` bytes (or null with 0, to ask the size).
        unsafe { libc::flistxattr(file.as_raw_fd(), buf.cast(), len) }
    })?;
    Ok(list.split(|b| *b == 0).filter(|name| !name.is_empty()).map(<[u8]>::to_vec).collect())
}

fn get_xattr(file: &File, name: &[u8]) -> io::Result<Vec<u8>> {
    let name = CString::new(name)?;
    read_sized(|buf, len| {
        // SAFETY: an open descriptor, a NUL-terminated name, and a buffer of `len` bytes.
        unsafe { libc::fgetxattr(file.as_raw_fd(), name.as_ptr(), buf.cast(), len) }
    })
}

/// Runs an xattr call that fills a buffer: asks for the size, then reads, again if the value
/// grew in between (`ERANGE`).
fn read_sized(call: impl Fn(*mut u8, usize) -> isize) -> io::Result<Vec<u8>> {
    loop {
        let size = call(std::ptr::null_mut(), 0);
        if size < 0 {
            return Err(io::Error::last_os_error());
        }
        let mut buf = vec![0u8; size as usize];
        let n = call(buf.as_mut_ptr(), buf.len());
        if n >= 0 {
            buf.truncate(n as usize);
            return Ok(buf);
        }
        let err = io::Error::last_os_error();
        if err.raw_os_error() != Some(libc::ERANGE) {
            return Err(err);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        h
    }

    #[test]
    fn negotiates_encodings_like_envd() {
        let gz = |v: &str| accepts_gzip(&headers(&[("accept-encoding", v)]));
        assert!(!accepts_gzip(&HeaderMap::new()).unwrap());
        assert!(gz("gzip").unwrap());
        assert!(gz("gzip, deflate, br").unwrap());
        assert!(!gz("br").unwrap());
        assert!(!gz("identity;q=1, gzip;q=0.5").unwrap());
        assert!(!gz("gzip;q=0").unwrap());
        assert!(gz("*, identity;q=0").unwrap());
        assert_eq!(gz("br, identity;q=0").unwrap_err().status, StatusCode::NOT_ACCEPTABLE);
    }

    #[test]
    fn parses_single_ranges() {
        let range = |v: &str, size| requested_range(&headers(&[("range", v)]), size, None);
        assert_eq!(range("bytes=0-9", 100), Ranged::Part { start: 0, len: 10 });
        assert_eq!(range("bytes=90-", 100), Ranged::Part { start: 90, len: 10 });
        assert_eq!(range("bytes=-5", 100), Ranged::Part { start: 95, len: 5 });
        assert_eq!(range("bytes=-500", 100), Ranged::Part { start: 0, len: 100 });
        assert_eq!(range("bytes=50-500", 100), Ranged::Part { start: 50, len: 50 });
        assert_eq!(range("bytes=0-1,5-6", 100), Ranged::Whole);
        for bad in ["bytes=100-", "bytes=5-1", "bytes=-0", "bytes=x-1", "items=0-1", "bytes=0-0"] {
            let size = if bad == "bytes=0-0" { 0 } else { 100 };
            assert_eq!(range(bad, size), Ranged::Unsatisfiable, "{bad}");
        }
        let stale = headers(&[("range", "bytes=0-1"), ("if-range", "Mon, 01 Jan 2024 00:00:00 GMT")]);
        assert_eq!(requested_range(&stale, 10, Some("Tue, 02 Jan 2024 00:00:00 GMT")), Ranged::Whole);
    }

    #[test]
    fn classifies_upload_content_types() {
        let kind = |v: &str| upload_kind(&headers(&[("content-type", v)]));
        assert_eq!(kind("application/octet-stream").unwrap(), None);
        assert_eq!(kind("multipart/form-data; boundary=abc").unwrap(), Some("abc".into()));
        assert_eq!(kind("text/plain").unwrap_err().status, 400);
        let no_boundary = kind("multipart/form-data").unwrap_err();
        assert_eq!(
            (no_boundary.status, no_boundary.message.as_str()),
            (StatusCode::BAD_REQUEST, "error parsing multipart form: no multipart boundary param in Content-Type")
        );
        assert_eq!(kind("multipart/form-data; boundary=").unwrap_err().status, 400);
        assert_eq!(kind("multipart/mixed; boundary=a").unwrap_err().status, 400);
        assert_eq!(upload_kind(&HeaderMap::new()).unwrap_err().status, 400);
    }

    #[test]
    fn users_and_paths() {
        assert_eq!(lookup_user(None).unwrap().home, "/home/user");
        assert_eq!(lookup_user(Some("root")).unwrap().home, "/root");
        let err = lookup_user(Some("bob")).unwrap_err();
        assert_eq!(
            (err.status, err.message.as_str()),
            (StatusCode::UNAUTHORIZED, "error looking up user 'bob': user: unknown user bob")
        );
        assert_eq!(resolve("a/b", &lookup_user(Some("root")).unwrap()).unwrap(), "/root/a/b");
        assert!(resolve("~bob/x", &lookup_user(None).unwrap())
            .unwrap_err()
            .contains("cannot expand user-specific home dir"));
    }

    #[test]
    fn metadata_headers_are_read_and_checked_like_envd() {
        let mut h = headers(&[("x-metadata-author", "me"), ("x-metadata-", "ignored"), ("x-other", "no")]);
        h.append("x-metadata-author", HeaderValue::from_static("second"));
        let metadata = upload_metadata(&h).unwrap();
        assert_eq!(metadata, Metadata::from([("author".to_string(), "me".to_string())]));
        assert!(upload_metadata(&HeaderMap::new()).unwrap().is_empty());

        let refused = |name: &str, value: &[u8]| {
            let mut h = HeaderMap::new();
            h.insert(header::HeaderName::from_bytes(name.as_bytes()).unwrap(), HeaderValue::from_bytes(value).unwrap());
            let err = upload_metadata(&h).unwrap_err();
            assert_eq!(err.status, StatusCode::BAD_REQUEST);
            err.message
        };
        assert_eq!(
            refused("x-metadata-k", "café".as_bytes()),
            "invalid metadata: metadata value for key \"k\" contains non-printable-ASCII byte 0xc3 at offset 3"
        );
        let long = format!("x-metadata-{}", "k".repeat(MAX_METADATA_KEY + 1));
        assert!(refused(&long, b"v").ends_with("exceeds 246 bytes"));
        assert!(upload_metadata(&headers(&[("x-metadata-k", &"v".repeat(MAX_METADATA_TOTAL - 10))])).is_ok());
        let mut big = HeaderMap::new();
        for key in ["x-metadata-a", "x-metadata-b"] {
            big.insert(key, HeaderValue::from_str(&"v".repeat(2048)).unwrap());
        }
        assert_eq!(
            upload_metadata(&big).unwrap_err().message,
            "invalid metadata: total metadata size 4116 exceeds 4096 bytes"
        );
    }

    #[test]
    fn each_write_replaces_the_metadata_and_leaves_other_xattrs() {
        let dir = tempfile::tempdir().unwrap();
        let file = File::create(dir.path().join("f")).unwrap();
        let other = CString::new("user.other").unwrap();
        // SAFETY: an open descriptor, a NUL-terminated name and a 1-byte value.
        assert_eq!(unsafe { libc::fsetxattr(file.as_raw_fd(), other.as_ptr(), c"x".as_ptr().cast(), 1, 0) }, 0);
        let map = |pairs: &[(&str, &str)]| -> Metadata {
            pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
        };
        write_metadata(&file, &map(&[("a", "1"), ("b", "2")])).unwrap();
        assert_eq!(read_metadata(&file).unwrap(), map(&[("a", "1"), ("b", "2")]));
        write_metadata(&file, &map(&[("b", "3")])).unwrap();
        assert_eq!(read_metadata(&file).unwrap(), map(&[("b", "3")]));
        write_metadata(&file, &Metadata::new()).unwrap();
        assert!(read_metadata(&file).unwrap().is_empty());
        assert_eq!(list_xattrs(&file).unwrap(), [b"user.other".to_vec()]);
    }

    #[test]
    fn names_downloads() {
        assert_eq!(content_disposition("a.txt"), "inline; filename=\"a.txt\"");
        assert_eq!(content_disposition("€ \"x\".txt"), "inline; filename*=UTF-8''%E2%82%AC%20%22x%22.txt");
        assert_eq!(content_type("photo.JPG"), "image/jpeg");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
