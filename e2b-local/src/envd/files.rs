//! `GET /files` and `POST /files`: file download and upload, with envd's order of checks, its
//! status codes and its messages. Transfers stream in constant memory, and an upload is on disk
//! (`fsync`ed) before its 200 goes out.

use std::fs::File;
use std::io::{self, Read, Seek, SeekFrom, Write};
use std::path::Path;
use std::time::SystemTime;

use axum::body::Body;
use axum::extract::Extension;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode, Uri};
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

/// The sandbox users: `user` (the default) and `root`.
#[derive(Debug)]
struct User {
    name: &'static str,
    home: &'static str,
}

fn lookup_user(username: Option<&str>) -> ApiResult<User> {
    match username.unwrap_or("") {
        "" | "user" => Ok(User { name: "user", home: "/home/user" }),
        "root" => Ok(User { name: "root", home: "/root" }),
        other => Err(ApiError::unauthorized(format!("error looking up user '{other}': user: unknown user {other}"))),
    }
}

fn resolve(path: &str, user: &User) -> Result<String, String> {
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

/// One written file, as envd reports it (`type` is always `file` here).
#[derive(Debug, Serialize)]
struct EntryInfo {
    path: String,
    name: String,
    #[serde(rename = "type")]
    kind: &'static str,
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
        let root = open_root(&sandbox.fs_dir)?;
        let mut source = decompressed(BodyReader::new(body, runtime), gzip)?;
        match upload {
            Upload::Raw { path } => Ok(vec![write_file(&root, &path, &mut source, content_length)?]),
            Upload::Multipart { boundary, path } => {
                write_parts(&root, Multipart::new(source, &boundary), path.as_deref(), &user, content_length)
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
    if media_type != "multipart/form-data" {
        return Err(ApiError::internal("error parsing multipart form: request Content-Type isn't multipart/form-data"));
    }
    match params.remove("boundary").filter(|b| !b.is_empty()) {
        Some(boundary) => Ok(Some(boundary)),
        None => Err(ApiError::internal("error parsing multipart form: no multipart boundary param in Content-Type")),
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
        let entry = write_file(root, &target, &mut PartReader(&mut form), content_length)?;
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

/// Writes one file: parents created, content truncated and replaced, then `fsync`ed along with
/// the directory entry.
fn write_file(
    root: &SandboxRoot,
    path: &str,
    source: &mut dyn Read,
    content_length: Option<u64>,
) -> ApiResult<EntryInfo> {
    let parent = paths::split_parent(path).map(|(parent, _)| parent);
    if let Some(parent) = parent {
        root.mkdir_all(parent).map_err(|e| {
            if is_invalid_path(&e) {
                invalid_path(path)
            } else {
                ApiError::internal(format!("error ensuring directories: {e}"))
            }
        })?;
    }
    let mut file = root.create_write(path).map_err(|e| match e.raw_os_error() {
        Some(libc::EISDIR) => ApiError::bad_request(format!("path is a directory: {path}")),
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
        file.write_all(&buf[..n]).map_err(write_error)?;
    }
    file.sync_all().map_err(write_error)?;
    if let Some(parent) = parent {
        root.open_dir(parent)
            .and_then(|dir| dir.sync_all())
            .map_err(|e| ApiError::internal(format!("error syncing directory '{parent}': {e}")))?;
    }
    Ok(EntryInfo { path: path.to_string(), name: paths::base_name(path).to_string(), kind: "file" })
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
        assert_eq!(kind("multipart/form-data").unwrap_err().status, 500);
        assert_eq!(kind("multipart/mixed; boundary=a").unwrap_err().status, 500);
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
    fn names_downloads() {
        assert_eq!(content_disposition("a.txt"), "inline; filename=\"a.txt\"");
        assert_eq!(content_disposition("€ \"x\".txt"), "inline; filename*=UTF-8''%E2%82%AC%20%22x%22.txt");
        assert_eq!(content_type("photo.JPG"), "image/jpeg");
        assert_eq!(content_type("noext"), "application/octet-stream");
    }
}
