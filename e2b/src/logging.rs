//! What the client logs, through the [`log`] facade, and the two ways a
//! program that installs no logger of its own can see it: the `E2B_LOG`
//! environment variable (lines on stderr) and a callback (the C ABI's
//! `e2b_set_log_callback`).
//!
//! Every request is one `debug` line (what was being done, method, URL,
//! status, duration, bytes); each retry is one `info` line with its reason
//! and wait. Lines never hold the API key, access tokens or header values
//! (they are not logged at all) nor a signed URL's signature (replaced by
//! `…`). Records carry targets under `e2b::`.

use std::borrow::Cow;
use std::fmt;
use std::io::Write;
use std::sync::{Once, RwLock};
use std::time::Duration;

use log::{Level, LevelFilter, Log, Metadata, Record};

/// The environment variable that turns on logging to stderr: `error`, `warn`,
/// `info`, `debug` or `trace` (case-insensitive), or `off`.
pub(crate) const LOG_ENV: &str = "E2B_LOG";

/// A function given each record: its level, target and message.
pub type LogCallback = Box<dyn Fn(Level, &str, &str) + Send + Sync>;

/// Where records go when this crate's own logger is the global one.
enum Sink {
    /// Lines on standard error (`E2B_LOG`).
    Stderr,
    /// A function given each record; see [`set_callback`].
    Callback(LogCallback),
}

/// The crate's logger: forwards `e2b` records to the current [`Sink`].
struct Dispatch {
    sink: RwLock<Option<Sink>>,
}

static DISPATCH: Dispatch = Dispatch { sink: RwLock::new(None) };

impl Log for Dispatch {
    fn enabled(&self, metadata: &Metadata<'_>) -> bool {
        metadata.level() <= log::max_level() && is_ours(metadata.target())
    }

    fn log(&self, record: &Record<'_>) {
        if !self.enabled(record.metadata()) {
            return;
        }
        let sink = self.sink.read().unwrap_or_else(|poisoned| poisoned.into_inner());
        match &*sink {
            Some(Sink::Stderr) => {
                // One write per line, so that lines from several threads do not interleave.
                let line = format!("[libe2b {:5}] {}\n", record.level(), record.args());
                let _ = std::io::stderr().lock().write_all(line.as_bytes());
            }
            Some(Sink::Callback(callback)) => callback(record.level(), record.target(), &record.args().to_string()),
            None => {}
        }
    }

    fn flush(&self) {}
}

/// Whether `target` is one of this crate's modules.
fn is_ours(target: &str) -> bool {
    target == "e2b" || target.starts_with("e2b::")
}

/// Makes [`DISPATCH`] the global logger, unless another logger already is.
fn install() -> Result<(), log::SetLoggerError> {
    match log::set_logger(&DISPATCH) {
        Err(_) if std::ptr::addr_eq(log::logger(), &DISPATCH) => Ok(()),
        result => result,
    }
}

/// Reads [`LOG_ENV`] once per process; when it names a level and no logger is
/// installed, sends records up to that level to stderr. A program that sets
/// its own logger (or a callback) keeps it: the variable then does nothing.
pub(crate) fn init_from_env() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let Some(level) = std::env::var(LOG_ENV).ok().and_then(|value| value.trim().parse::<LevelFilter>().ok()) else {
            return;
        };
        let mut sink = DISPATCH.sink.write().unwrap_or_else(|poisoned| poisoned.into_inner());
        if sink.is_none() && install().is_ok() {
            *sink = Some(Sink::Stderr);
            log::set_max_level(level);
        }
    });
}

/// Sends this crate's records up to `level` to `callback` (the C ABI's
/// `e2b_set_log_callback`), replacing stderr output or an earlier callback;
/// `None` stops logging. Fails when a logger other than this crate's is the
/// process's global one (a Rust program with its own logger gets the records
/// there instead).
pub fn set_callback(level: LevelFilter, callback: Option<LogCallback>) -> Result<(), log::SetLoggerError> {
    install()?;
    let mut sink = DISPATCH.sink.write().unwrap_or_else(|poisoned| poisoned.into_inner());
    log::set_max_level(if callback.is_some() { level } else { LevelFilter::Off });
    *sink = callback.map(Sink::Callback);
    Ok(())
}

/// A URL as it may be logged: a signed URL's `signature` replaced by `…`.
pub(crate) fn loggable_url(url: &str) -> Cow<'_, str> {
    let Some((base, query)) = url.split_once('?') else { return Cow::Borrowed(url) };
    if !query.split('&').any(|pair| pair.starts_with("signature=")) {
        return Cow::Borrowed(url);
    }
    let pairs: Vec<&str> =
        query.split('&').map(|pair| if pair.starts_with("signature=") { "signature=…" } else { pair }).collect();
    Cow::Owned(format!("{base}?{}", pairs.join("&")))
}

/// A duration as a log line shows it: milliseconds with one decimal.
pub(crate) struct Millis(pub(crate) Duration);

impl fmt::Display for Millis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.1} ms", self.0.as_secs_f64() * 1000.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signatures_are_not_logged() {
        let url = "https://49983-i.e2b.app/files?path=%2Fa&username=user&signature=v1_secret&signature_expiration=9";
        let shown = loggable_url(url);
        assert!(!shown.contains("secret"), "{shown}");
        assert!(shown.ends_with("username=user&signature=…&signature_expiration=9"), "{shown}");
        assert!(matches!(loggable_url("http://h/files?path=%2Fa"), Cow::Borrowed(_)));
    }

    #[test]
    fn durations_in_milliseconds() {
        assert_eq!(Millis(Duration::from_micros(2345)).to_string(), "2.3 ms");
    }
}
