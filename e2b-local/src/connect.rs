//! The server side of the Connect protocol with the JSON codec, as envd speaks it
//! (the Connect protocol specification): unary calls answered with JSON, server streams of 5-byte enveloped
//! messages that always end with the end-of-stream message and carry keepalives on silence,
//! and client streams read envelope by envelope. The filesystem and process services build on it.

use std::future::Future;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use e2b_protocol::envelope::{decode, encode, encode_end_stream, DecodeError, Frame};
use e2b_protocol::Code;
use http_body::Body as _;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::json;
use tokio::sync::mpsc;

/// The only content type of a streaming response the official Python SDK accepts: exactly
/// this, without parameters.
pub const STREAM_CONTENT_TYPE: &str = "application/connect+json";
/// envd's keepalive interval when the client names none.
const DEFAULT_KEEPALIVE: Duration = Duration::from_secs(90);
/// The largest request message accepted.
const MAX_MESSAGE: usize = 64 << 20;

/// A Connect error: a code from the protocol's fixed set and a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectError {
    pub code: &'static str,
    pub message: String,
}

impl ConnectError {
    pub fn new(code: &'static str, message: impl Into<String>) -> Self {
        ConnectError { code, message: message.into() }
    }

    pub fn invalid_argument(message: impl Into<String>) -> Self {
        Self::new("invalid_argument", message)
    }

    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new("not_found", message)
    }

    pub fn already_exists(message: impl Into<String>) -> Self {
        Self::new("already_exists", message)
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new("internal", message)
    }

    /// The HTTP status of the code, by the protocol's table.
    pub fn http_status(&self) -> StatusCode {
        let status = Code::from_name(self.code).map_or(500, Code::http_status);
        StatusCode::from_u16(status).expect("valid status")
    }

    fn to_json(&self) -> serde_json::Value {
        json!({ "code": self.code, "message": self.message })
    }
}

impl std::fmt::Display for ConnectError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

/// A unary error: the code's status and `{"code", "message"}`.
impl IntoResponse for ConnectError {
    fn into_response(self) -> Response {
        let mut response = (self.http_status(), self.to_json().to_string()).into_response();
        response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
        response
    }
}

/// Decodes the JSON message of a unary request.
pub async fn unary_request<T: DeserializeOwned>(body: Body) -> Result<T, ConnectError> {
    let bytes = axum::body::to_bytes(body, MAX_MESSAGE)
        .await
        .map_err(|e| ConnectError::invalid_argument(format!("cannot read the request: {e}")))?;
    let bytes: &[u8] = if bytes.is_empty() { b"{}" } else { &bytes };
    serde_json::from_slice(bytes).map_err(|e| ConnectError::invalid_argument(format!("cannot decode the request: {e}")))
}

/// A unary success: 200 with the message as JSON.
pub fn unary_response(message: &impl Serialize) -> Response {
    let body = serde_json::to_vec(message).expect("responses always serialize");
    let mut response = (StatusCode::OK, body).into_response();
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    response
}

/// Reads enveloped messages from a streaming request body: the single request of a server
/// stream, or each message of a client stream.
pub struct EnvelopeReader {
    body: Body,
    buffer: Vec<u8>,
    ended: bool,
}

impl EnvelopeReader {
    pub fn new(body: Body) -> Self {
        EnvelopeReader { body, buffer: Vec::new(), ended: false }
    }

    /// The next message, or `None` at the end of the body or at an end-of-stream envelope.
    pub async fn next<T: DeserializeOwned>(&mut self) -> Result<Option<T>, ConnectError> {
        loop {
            match decode(&self.buffer, MAX_MESSAGE) {
                Ok(None) => {}
                Ok(Some((frame, used))) => {
                    self.buffer.drain(..used);
                    let Frame::Message(message) = frame else {
                        self.ended = true;
                        return Ok(None);
                    };
                    return serde_json::from_slice(&message)
                        .map(Some)
                        .map_err(|e| ConnectError::invalid_argument(format!("cannot decode the message: {e}")));
                }
                Err(e @ DecodeError::TooLarge { .. }) => {
                    return Err(ConnectError::new("resource_exhausted", e.to_string()))
                }
                Err(DecodeError::Compressed) => {
                    return Err(ConnectError::internal("compressed messages are not supported"))
                }
                Err(e) => return Err(ConnectError::invalid_argument(e.to_string())),
            }
            if self.ended {
                return match self.buffer.is_empty() {
                    true => Ok(None),
                    false => Err(ConnectError::invalid_argument("the request ended inside a message")),
                };
            }
            let body = &mut self.body;
            match std::future::poll_fn(|cx| std::pin::Pin::new(&mut *body).poll_frame(cx)).await {
                None => self.ended = true,
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.buffer.extend_from_slice(&data);
                    }
                }
                Some(Err(e)) => return Err(ConnectError::new("canceled", format!("the request broke off: {e}"))),
            }
        }
    }
}

/// Sends messages into a streaming response.
#[derive(Clone)]
pub struct StreamSender {
    tx: mpsc::Sender<Bytes>,
}

impl StreamSender {
    /// Sends one message; an error means the client has gone, and the producer should stop.
    pub async fn send(&self, message: &impl Serialize) -> Result<(), Gone> {
        let json = serde_json::to_vec(message).expect("messages always serialize");
        self.tx.send(envelope(0, &json)).await.map_err(|_| Gone)
    }

    /// Completes when the client has gone (its connection closed).
    pub async fn closed(&self) {
        self.tx.closed().await
    }
}

/// The client of a stream has gone away.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gone;

/// A server-streaming response: `produce` sends messages; its result becomes the end-of-stream
/// message (`{}`, or `{"error": ...}`). When the stream stays silent for `keepalive`, the
/// `keepalive_message` is sent. A producer still running when the client goes is dropped.
pub fn stream_response<F, Fut>(keepalive: Duration, keepalive_message: serde_json::Value, produce: F) -> Response
where
    F: FnOnce(StreamSender) -> Fut + Send + 'static,
    Fut: Future<Output = Result<(), ConnectError>> + Send + 'static,
{
    let (body_tx, body_rx) = mpsc::channel::<Bytes>(16);
    let (message_tx, mut message_rx) = mpsc::channel::<Bytes>(16);
    let keepalive_bytes = envelope(0, keepalive_message.to_string().as_bytes());
    tokio::spawn(async move {
        let producer = tokio::spawn(produce(StreamSender { tx: message_tx }));
        let abort = producer.abort_handle();
        // Forward messages, filling silences with keepalives, until the producer is done.
        loop {
            let chunk = tokio::select! {
                next = tokio::time::timeout(keepalive, message_rx.recv()) => match next {
                    Ok(Some(chunk)) => chunk,
                    Ok(None) => break,
                    Err(_) => keepalive_bytes.clone(),
                },
                // The client left: stop at once rather than at the next write.
                () = body_tx.closed() => {
                    abort.abort();
                    return;
                }
            };
            if body_tx.send(chunk).await.is_err() {
                abort.abort();
                return;
            }
        }
        let end = match producer.await {
            Ok(Ok(())) => None,
            Ok(Err(error)) => Some(error),
            Err(e) => Some(ConnectError::internal(format!("the stream failed: {e}"))),
        };
        let _ = body_tx.send(end_stream(end.as_ref())).await;
    });
    let stream = futures_stream(body_rx);
    let mut response = Response::new(Body::from_stream(stream));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(STREAM_CONTENT_TYPE));
    response
}

/// A server stream that fails before its first message: the error goes in the end-of-stream
/// message of a 200 response, as Connect sends stream errors.
pub fn stream_error(error: ConnectError) -> Response {
    let mut response = Response::new(Body::from(end_stream(Some(&error))));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(STREAM_CONTENT_TYPE));
    response
}

/// The response of a client stream: its one message and the end-of-stream message, or the
/// error in the end-of-stream message.
pub fn client_stream_response(result: Result<impl Serialize, ConnectError>) -> Response {
    let message = match result {
        Ok(message) => serde_json::to_vec(&message).expect("messages always serialize"),
        Err(error) => return stream_error(error),
    };
    let mut body = envelope(0, &message).to_vec();
    body.extend_from_slice(&end_stream(None));
    let mut response = Response::new(Body::from(body));
    response.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static(STREAM_CONTENT_TYPE));
    response
}

/// The keepalive interval the client asked for in `Keepalive-Ping-Interval` (seconds), or
/// envd's default when absent or invalid.
pub fn keepalive_interval(headers: &HeaderMap) -> Duration {
    headers
        .get("keepalive-ping-interval")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .filter(|&secs| secs > 0)
        .map_or(DEFAULT_KEEPALIVE, Duration::from_secs)
}

/// The deadline the client set with `Connect-Timeout-Ms`, if any.
pub fn timeout(headers: &HeaderMap) -> Option<Duration> {
    let millis: u64 = headers.get("connect-timeout-ms")?.to_str().ok()?.trim().parse().ok()?;
    (millis > 0).then(|| Duration::from_millis(millis))
}

fn envelope(flags: u8, message: &[u8]) -> Bytes {
    Bytes::from(encode(flags, message))
}

/// The end-of-stream envelope: `{}`, or the error.
fn end_stream(error: Option<&ConnectError>) -> Bytes {
    Bytes::from(encode_end_stream(error.map(|error| (error.code, error.message.as_str()))))
}

/// The receiver as a stream of body chunks.
fn futures_stream(
    mut rx: mpsc::Receiver<Bytes>,
) -> impl futures_util::Stream<Item = Result<Bytes, std::convert::Infallible>> + Send {
    futures_util::stream::poll_fn(move |cx| rx.poll_recv(cx).map(|chunk| chunk.map(Ok)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use e2b_protocol::envelope::END_STREAM;

    async fn read_all(response: Response) -> Vec<(u8, serde_json::Value)> {
        let bytes = axum::body::to_bytes(response.into_body(), usize::MAX).await.unwrap();
        let mut messages = Vec::new();
        let mut rest = &bytes[..];
        while !rest.is_empty() {
            let len = u32::from_be_bytes([rest[1], rest[2], rest[3], rest[4]]) as usize;
            messages.push((rest[0], serde_json::from_slice(&rest[5..5 + len]).unwrap()));
            rest = &rest[5 + len..];
        }
        messages
    }

    #[tokio::test]
    async fn streams_end_with_the_end_of_stream_message() {
        let response = stream_response(Duration::from_secs(60), json!({"keepalive": {}}), |tx| async move {
            tx.send(&json!({"n": 1})).await.unwrap();
            tx.send(&json!({"n": 2})).await.unwrap();
            Ok(())
        });
        assert_eq!(response.headers()[header::CONTENT_TYPE], STREAM_CONTENT_TYPE);
        assert_eq!(read_all(response).await, vec![(0, json!({"n": 1})), (0, json!({"n": 2})), (2, json!({}))]);

        let failing = stream_response(Duration::from_secs(60), json!({}), |_| async {
            Err(ConnectError::not_found("no such thing"))
        });
        assert_eq!(
            read_all(failing).await,
            vec![(2, json!({"error": {"code": "not_found", "message": "no such thing"}}))]
        );
    }

    #[tokio::test]
    async fn silence_is_filled_with_keepalives() {
        let response = stream_response(Duration::from_millis(20), json!({"keepalive": {}}), |tx| async move {
            tokio::time::sleep(Duration::from_millis(70)).await;
            tx.send(&json!({"n": 1})).await.unwrap();
            Ok(())
        });
        let messages = read_all(response).await;
        assert!(messages.len() >= 4, "{messages:?}");
        assert!(messages[..messages.len() - 2].iter().all(|m| m == &(0, json!({"keepalive": {}}))));
        assert_eq!(messages[messages.len() - 2..], [(0, json!({"n": 1})), (2, json!({}))]);
    }

    #[tokio::test]
    async fn envelopes_are_read_across_chunk_boundaries() {
        let mut bytes = envelope(0, br#"{"a":1}"#).to_vec();
        bytes.extend_from_slice(&envelope(0, br#"{"a":2}"#));
        bytes.extend_from_slice(&envelope(END_STREAM, b"{}"));
        let chunks: Vec<Result<Bytes, std::io::Error>> =
            bytes.chunks(3).map(|c| Ok(Bytes::copy_from_slice(c))).collect();
        let body = Body::from_stream(futures_util::stream::iter(chunks));
        let mut reader = EnvelopeReader::new(body);
        assert_eq!(reader.next::<serde_json::Value>().await.unwrap(), Some(json!({"a": 1})));
        assert_eq!(reader.next::<serde_json::Value>().await.unwrap(), Some(json!({"a": 2})));
        assert_eq!(reader.next::<serde_json::Value>().await.unwrap(), None);

        let mut cut = EnvelopeReader::new(Body::from(envelope(0, br#"{"a":1}"#)[..6].to_vec()));
        assert_eq!(cut.next::<serde_json::Value>().await.unwrap_err().code, "invalid_argument");
    }

    #[test]
    fn headers_give_the_keepalive_and_the_deadline() {
        let mut headers = HeaderMap::new();
        assert_eq!(keepalive_interval(&headers), DEFAULT_KEEPALIVE);
        assert_eq!(timeout(&headers), None);
        headers.insert("keepalive-ping-interval", HeaderValue::from_static("50"));
        headers.insert("connect-timeout-ms", HeaderValue::from_static("1500"));
        assert_eq!(keepalive_interval(&headers), Duration::from_secs(50));
        assert_eq!(timeout(&headers), Some(Duration::from_millis(1500)));
        assert_eq!(ConnectError::already_exists("x").http_status(), StatusCode::CONFLICT);
    }
}
