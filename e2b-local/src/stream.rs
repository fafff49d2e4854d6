//! Bridges between HTTP bodies and blocking file I/O. File transfers run on blocking threads
//! and move through fixed-size chunks, so a 1 GiB upload or download needs no more memory than
//! a small one.

use std::io::{self, Read, Write};
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::body::{Body, Bytes};
use http_body::{Body as _, Frame, SizeHint};
use tokio::runtime::Handle;
use tokio::sync::{mpsc, watch};

/// The size of the pieces a transfer moves in.
pub const CHUNK: usize = 64 * 1024;

/// Reads a request body from a blocking thread, one received chunk at a time.
pub struct BodyReader {
    body: Body,
    runtime: Handle,
    chunk: Bytes,
}

impl BodyReader {
    pub fn new(body: Body, runtime: Handle) -> Self {
        BodyReader { body, runtime, chunk: Bytes::new() }
    }
}

impl Read for BodyReader {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        while self.chunk.is_empty() {
            let body = &mut self.body;
            let frame = self.runtime.block_on(std::future::poll_fn(|cx| Pin::new(&mut *body).poll_frame(cx)));
            match frame {
                None => return Ok(0),
                Some(Ok(frame)) => {
                    if let Ok(data) = frame.into_data() {
                        self.chunk = data;
                    }
                }
                Some(Err(e)) => return Err(io::Error::other(e)),
            }
        }
        let n = buf.len().min(self.chunk.len());
        buf[..n].copy_from_slice(&self.chunk.split_to(n));
        Ok(n)
    }
}

/// A response body that `produce` writes on a blocking thread. `len` is the exact length when
/// known. If `produce` fails, the body ends with an error, so the client sees a broken transfer
/// rather than a short file.
pub fn body_from_blocking<F>(len: Option<u64>, produce: F) -> Body
where
    F: FnOnce(&mut BodyWriter) -> io::Result<()> + Send + 'static,
{
    let (tx, rx) = mpsc::channel(4);
    tokio::task::spawn_blocking(move || {
        let mut writer = BodyWriter { tx, buf: Vec::with_capacity(CHUNK) };
        if let Err(e) = produce(&mut writer).and_then(|()| writer.flush()) {
            let _ = writer.tx.blocking_send(Err(e));
        }
    });
    Body::new(ChannelBody { rx, len })
}

/// The writing end of `body_from_blocking`; it fails with `BrokenPipe` once the client is gone.
pub struct BodyWriter {
    tx: mpsc::Sender<io::Result<Bytes>>,
    buf: Vec<u8>,
}

impl Write for BodyWriter {
    fn write(&mut self, data: &[u8]) -> io::Result<usize> {
        let n = data.len().min(CHUNK - self.buf.len());
        self.buf.extend_from_slice(&data[..n]);
        if self.buf.len() == CHUNK {
            self.flush()?;
        }
        Ok(n)
    }

    fn flush(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK)));
        self.tx.blocking_send(Ok(chunk)).map_err(|_| io::Error::from(io::ErrorKind::BrokenPipe))
    }
}

struct ChannelBody {
    rx: mpsc::Receiver<io::Result<Bytes>>,
    len: Option<u64>,
}

impl http_body::Body for ChannelBody {
    type Data = Bytes;
    type Error = io::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, io::Error>>> {
        self.rx.poll_recv(cx).map(|item| item.map(|chunk| chunk.map(Frame::data)))
    }

    fn size_hint(&self) -> SizeHint {
        self.len.map(SizeHint::with_exact).unwrap_or_default()
    }
}

/// `body`, broken off once `gone` turns true: the response then ends with an error, so the
/// connection is dropped without the body's end, which is what a client of an E2B sandbox that
/// dies under a stream sees.
pub fn cut_when_gone(body: Body, mut gone: watch::Receiver<bool>) -> Body {
    let gone = Box::pin(async move {
        if gone.wait_for(|gone| *gone).await.is_err() {
            // The sandbox's runtime is gone without being killed (the server stops).
            std::future::pending::<()>().await;
        }
    });
    Body::new(CutWhenGone { body, gone })
}

struct CutWhenGone {
    body: Body,
    gone: Pin<Box<dyn std::future::Future<Output = ()> + Send>>,
}

impl http_body::Body for CutWhenGone {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        if self.gone.as_mut().poll(cx).is_ready() {
            return Poll::Ready(Some(Err(axum::Error::new(io::Error::other("the sandbox ended")))));
        }
        Pin::new(&mut self.body).poll_frame(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread")]
    async fn a_body_round_trips_through_both_bridges() {
        let data: Vec<u8> = (0..(3 * CHUNK + 17)).map(|i| (i % 251) as u8).collect();
        let expected = data.clone();
        let body = body_from_blocking(Some(data.len() as u64), move |w| w.write_all(&data));
        let runtime = Handle::current();
        let read = tokio::task::spawn_blocking(move || {
            let mut out = Vec::new();
            BodyReader::new(body, runtime).read_to_end(&mut out).map(|_| out)
        })
        .await
        .unwrap()
        .unwrap();
        assert_eq!(read, expected);
    }

    #[tokio::test(flavor = "multi_thread")]
    async fn a_failed_producer_breaks_the_body() {
        let body = body_from_blocking(None, |w| {
            w.write_all(b"partial")?;
            Err(io::Error::other("disk on fire"))
        });
        assert!(axum::body::to_bytes(body, usize::MAX).await.is_err());
    }
}
