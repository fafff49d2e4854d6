//! Sandbox metrics: CPU, memory and disk samples over a time range
//! (`GET /sandboxes/{id}/metrics`, `Sandbox.get_metrics` in the official SDKs).
//!
//! The logs endpoints of the API (`GET /v2/sandboxes/{id}/logs`) have no
//! counterpart here: no official SDK calls them.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::Deserialize;
use ureq::http::Method;

use crate::client::Client;
use crate::error::{Error, ErrorKind, Result};
use crate::sandbox::Sandbox;
use crate::util::{encode_component, query};

/// One sample of a sandbox's use of its resources. E2B takes one every 5
/// seconds while the sandbox runs (none while it is paused).
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub struct SandboxMetrics {
    /// When the sample was taken (whole seconds).
    pub timestamp: SystemTime,
    /// How many CPUs the sandbox has.
    pub cpu_count: u32,
    /// How much of those CPUs the sandbox used, in percent (0 to 100).
    pub cpu_used_pct: f64,
    /// Memory in use, in bytes.
    pub mem_used: u64,
    /// The sandbox's memory, in bytes.
    pub mem_total: u64,
    /// Memory holding cached file data, in bytes (0 from servers that do not say).
    pub mem_cache: u64,
    /// Disk in use, in bytes.
    pub disk_used: u64,
    /// The sandbox's disk, in bytes.
    pub disk_total: u64,
}

/// `SandboxMetric` as the API sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MetricWire {
    timestamp_unix: i64,
    cpu_count: u32,
    cpu_used_pct: f64,
    mem_used: u64,
    mem_total: u64,
    #[serde(default)]
    mem_cache: u64,
    #[serde(default)]
    disk_used: u64,
    #[serde(default)]
    disk_total: u64,
}

impl From<MetricWire> for SandboxMetrics {
    fn from(wire: MetricWire) -> SandboxMetrics {
        let offset = Duration::from_secs(wire.timestamp_unix.unsigned_abs());
        let timestamp = if wire.timestamp_unix >= 0 { UNIX_EPOCH + offset } else { UNIX_EPOCH - offset };
        SandboxMetrics {
            timestamp,
            cpu_count: wire.cpu_count,
            cpu_used_pct: wire.cpu_used_pct,
            mem_used: wire.mem_used,
            mem_total: wire.mem_total,
            mem_cache: wire.mem_cache,
            disk_used: wire.disk_used,
            disk_total: wire.disk_total,
        }
    }
}

/// A time as the API's `start`/`end` take it: whole Unix seconds, rounded
/// down as the SDKs do (`int(dt.timestamp())`).
fn unix_seconds(time: SystemTime, name: &str) -> Result<u64> {
    time.duration_since(UNIX_EPOCH)
        .map(|since| since.as_secs())
        .map_err(|_| Error::invalid_argument(format!("{name} must not be before 1970-01-01")))
}

impl Client {
    /// The metrics samples of sandbox `sandbox_id` taken from `start` to
    /// `end` (both included; `None`: from its first sample, to its last),
    /// oldest first (`Sandbox.get_metrics(sandbox_id, start, end)` in the
    /// official SDKs). Empty before the first sample, and with a
    /// [debug](crate::Config::debug) configuration, as in the SDKs.
    pub fn get_metrics(
        &self,
        sandbox_id: &str,
        start: Option<SystemTime>,
        end: Option<SystemTime>,
    ) -> Result<Vec<SandboxMetrics>> {
        let what = format!("get metrics of sandbox {sandbox_id}");
        let start = start.map(|t| unix_seconds(t, "start")).transpose().map_err(|e| e.context(&what))?;
        let end = end.map(|t| unix_seconds(t, "end")).transpose().map_err(|e| e.context(&what))?;
        if self.config().debug() {
            return Ok(Vec::new());
        }
        let (start, end) = (start.map(|s| s.to_string()), end.map(|e| e.to_string()));
        let mut params = Vec::new();
        if let Some(start) = &start {
            params.push(("start", start.as_str()));
        }
        if let Some(end) = &end {
            params.push(("end", end.as_str()));
        }
        let mut path = format!("/sandboxes/{}/metrics", encode_component(sandbox_id));
        if !params.is_empty() {
            path = format!("{path}?{}", query(&params));
        }
        let request = self.api_request(Method::GET, &path)?;
        let wire: Vec<MetricWire> = self.api_json(request, &what, ErrorKind::SandboxNotFound)?;
        Ok(wire.into_iter().map(SandboxMetrics::from).collect())
    }
}

impl Sandbox {
    /// The sandbox's metrics samples from `start` to `end` (both included;
    /// `None`: unbounded), oldest first: see [`Client::get_metrics`].
    ///
    /// ```no_run
    /// # fn main() -> e2b::Result<()> {
    /// # let sandbox = e2b::Client::from_env().create_sandbox(&Default::default())?;
    /// for sample in sandbox.get_metrics(None, None)? {
    ///     println!("{:?}: {:.1}% CPU, {} of {} bytes", sample.timestamp, sample.cpu_used_pct, sample.mem_used, sample.mem_total);
    /// }
    /// # Ok(())
    /// # }
    /// ```
    pub fn get_metrics(&self, start: Option<SystemTime>, end: Option<SystemTime>) -> Result<Vec<SandboxMetrics>> {
        self.client().get_metrics(self.id(), start, end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sample_parses_with_every_field() {
        let json = r#"[{"timestamp":"2025-07-28T08:04:05Z","timestampUnix":1753689845,"cpuCount":2,
            "cpuUsedPct":20.33,"memUsed":32681984,"memTotal":507592704,"memCache":1024,
            "diskUsed":1514856448,"diskTotal":2573185024}]"#;
        let wire: Vec<MetricWire> = serde_json::from_str(json).unwrap();
        let sample = SandboxMetrics::from(wire.into_iter().next().unwrap());
        assert_eq!(sample.timestamp, UNIX_EPOCH + Duration::from_secs(1_753_689_845));
        assert_eq!((sample.cpu_count, sample.cpu_used_pct), (2, 20.33));
        assert_eq!((sample.mem_used, sample.mem_total, sample.mem_cache), (32_681_984, 507_592_704, 1024));
        assert_eq!((sample.disk_used, sample.disk_total), (1_514_856_448, 2_573_185_024));
    }

    #[test]
    fn times_are_whole_seconds_rounded_down() {
        assert_eq!(unix_seconds(UNIX_EPOCH + Duration::from_millis(1999), "start").unwrap(), 1);
        let err = unix_seconds(UNIX_EPOCH - Duration::from_secs(1), "end").unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidArgument);
    }
}
